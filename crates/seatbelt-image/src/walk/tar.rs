//! A streaming tar reader (ustar, GNU and PAX) that never holds more than one bounded header in
//! memory.
//!
//! Why not the `tar` crate: it reads GNU long names and PAX extension records into memory with no
//! size limit, so one hostile header could make seatbelt allocate gigabytes; it also reads headers
//! unbuffered and allocates per entry. This reader bounds every extension, reuses its buffers, and
//! skips unwanted content straight out of one large read buffer.
//! Formats: POSIX.1-2001 pax (<https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html>)
//! and GNU tar's extensions (<https://www.gnu.org/software/tar/manual/html_node/Standard.html>).

use std::io::{self, BufRead, BufReader, Read};

use crate::limits::MAX_PATH_BYTES;

const BLOCK: usize = 512;
/// Read buffer: large enough that skipping and copying content costs few calls into the
/// decompressor.
const READ_BUFFER_BYTES: usize = 256 * 1024;
/// The largest PAX extended header accepted. Real ones hold a path, a link and a few times
/// (well under 16 KiB); 1 MiB leaves room for long xattrs without letting a header eat memory.
const MAX_PAX_BYTES: u64 = 1024 * 1024;

/// Why a tar stream could not be read.
#[derive(Debug)]
pub(crate) enum TarError {
    /// The underlying stream failed (it may carry an `ImageError`: digest, size, bomb limit).
    Io(io::Error),
    /// The bytes are not a valid tar archive.
    Format(String),
}

impl From<io::Error> for TarError {
    fn from(e: io::Error) -> Self {
        TarError::Io(e)
    }
}

fn format_err(offset: u64, what: impl std::fmt::Display) -> TarError {
    TarError::Format(format!("at byte {offset}: {what}"))
}

/// The entry types seatbelt distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TarKind {
    /// Regular file (`0`, NUL, `7` contiguous).
    File,
    /// Hard link (`1`).
    Hardlink,
    /// Symbolic link (`2`).
    Symlink,
    /// Character device (`3`).
    CharDevice,
    /// Block device (`4`).
    BlockDevice,
    /// Directory (`5`).
    Directory,
    /// FIFO (`6`).
    Fifo,
    /// Anything else (volume labels, multi-volume continuations, unknown vendor types).
    Other(u8),
}

/// One entry's header, with PAX and GNU extensions applied. Buffers are reused between entries.
#[derive(Debug, Default)]
pub(crate) struct Header {
    /// The full name as bytes.
    pub(crate) name: Vec<u8>,
    /// The link target as bytes (links only).
    pub(crate) link: Vec<u8>,
    /// The type.
    pub(crate) kind: Option<TarKind>,
    /// Permission bits.
    pub(crate) mode: u32,
    /// Owner.
    pub(crate) uid: u64,
    /// Group.
    pub(crate) gid: u64,
    /// Size of the data that follows in the archive.
    pub(crate) size: u64,
    /// Modification time (seconds since the epoch; negative times become 0).
    pub(crate) mtime: u64,
    /// A GNU or PAX sparse file: the data is a packed form, not the file's content.
    pub(crate) sparse: bool,
}

/// Extension values waiting for the entry they describe.
#[derive(Debug, Default)]
struct Pending {
    pax: bool,
    pax_path: Option<Vec<u8>>,
    pax_link: Option<Vec<u8>>,
    pax_size: Option<u64>,
    pax_uid: Option<u64>,
    pax_gid: Option<u64>,
    pax_mtime: Option<u64>,
    pax_sparse: bool,
    gnu_name: Option<Vec<u8>>,
    gnu_link: Option<Vec<u8>>,
}

/// Reads a tar stream entry by entry.
pub(crate) struct TarReader<R> {
    inner: BufReader<R>,
    /// Bytes consumed from the stream.
    offset: u64,
    /// Data bytes of the current entry not yet consumed.
    remaining: u64,
    /// Padding after the current entry's data.
    padding: u64,
    header: Header,
    pending: Pending,
    scratch: Vec<u8>,
    done: bool,
}

impl<R: Read> TarReader<R> {
    /// Reads `inner` as a tar stream.
    pub(crate) fn new(inner: R) -> Self {
        TarReader {
            inner: BufReader::with_capacity(READ_BUFFER_BYTES, inner),
            offset: 0,
            remaining: 0,
            padding: 0,
            header: Header::default(),
            pending: Pending::default(),
            scratch: Vec::new(),
            done: false,
        }
    }

    /// Bytes of the stream consumed so far.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Gives back the underlying reader (for draining it to its end).
    pub(crate) fn into_inner(self) -> BufReader<R> {
        self.inner
    }

    /// Advances to the next entry; `None` at the end of the archive.
    pub(crate) fn next_header(&mut self) -> Result<Option<&Header>, TarError> {
        if self.done {
            return Ok(None);
        }
        // A base-256 size can be near u64::MAX; skipping that far simply reports truncation.
        self.skip(self.remaining.saturating_add(self.padding))?;
        self.remaining = 0;
        self.padding = 0;
        self.pending = Pending::default();
        let mut block = [0u8; BLOCK];
        loop {
            let start = self.offset;
            if !self.read_block(&mut block)? {
                // A stream that stops cleanly at a header boundary without the two zero blocks:
                // GNU tar and Go accept it, and the digest already vouches for the bytes.
                self.done = true;
                return Ok(None);
            }
            if block.iter().all(|&b| b == 0) {
                if self.read_block(&mut block)? && block.iter().any(|&b| b != 0) {
                    return Err(format_err(
                        start,
                        "a single zero block inside the archive (it must end with two)",
                    ));
                }
                self.done = true;
                return Ok(None);
            }
            verify_checksum(&block).map_err(|e| format_err(start, e))?;
            let size = numeric(&block[124..136]).map_err(|e| format_err(start, e))?;
            let typeflag = block[156];
            match typeflag {
                b'x' | b'g' => {
                    if size > MAX_PAX_BYTES {
                        return Err(format_err(
                            start,
                            format!(
                                "a PAX header of {size} bytes (at most {MAX_PAX_BYTES} accepted)"
                            ),
                        ));
                    }
                    let data = self.read_extension(size)?;
                    // Global headers set defaults for every later entry; layer writers do not use
                    // them for paths or sizes, so seatbelt reads past them.
                    if typeflag == b'x' {
                        parse_pax(&data, &mut self.pending).map_err(|e| format_err(start, e))?;
                    }
                    self.scratch = data;
                }
                b'L' | b'K' => {
                    if size > MAX_PATH_BYTES as u64 + 1 {
                        return Err(format_err(
                            start,
                            format!("a GNU long name of {size} bytes (at most {MAX_PATH_BYTES} accepted)"),
                        ));
                    }
                    let mut data = self.read_extension(size)?;
                    while data.last() == Some(&0) {
                        data.pop();
                    }
                    if typeflag == b'L' {
                        self.pending.gnu_name = Some(data);
                    } else {
                        self.pending.gnu_link = Some(data);
                    }
                }
                _ => {
                    self.fill_header(&block, size, start)?;
                    let data_size = self.header.size;
                    self.remaining = data_size;
                    self.padding = padding(data_size);
                    return Ok(Some(&self.header));
                }
            }
        }
    }

    /// Streams up to `limit` bytes of the current entry's data to `sink`, straight from the read
    /// buffer; the rest is skipped when the next header is read. Returns the bytes passed.
    pub(crate) fn read_data<E>(
        &mut self,
        limit: u64,
        mut sink: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<u64, DataError<E>> {
        let mut passed = 0u64;
        while passed < limit && self.remaining > 0 {
            let buf = self
                .inner
                .fill_buf()
                .map_err(|e| DataError::Tar(e.into()))?;
            if buf.is_empty() {
                return Err(DataError::Tar(format_err(
                    self.offset,
                    "the archive ends inside an entry's data (truncated)",
                )));
            }
            let want = self.remaining.min(limit - passed);
            let n = usize::try_from(want).unwrap_or(usize::MAX).min(buf.len());
            sink(&buf[..n]).map_err(DataError::Sink)?;
            self.inner.consume(n);
            self.offset += n as u64;
            self.remaining -= n as u64;
            passed += n as u64;
        }
        Ok(passed)
    }

    fn fill_header(&mut self, block: &[u8; BLOCK], size: u64, start: u64) -> Result<(), TarError> {
        let pending = std::mem::take(&mut self.pending);
        let h = &mut self.header;
        h.name.clear();
        h.link.clear();
        let ustar = &block[257..263] == b"ustar\0";
        if let Some(p) = pending.pax_path {
            h.name = p;
        } else if let Some(p) = pending.gnu_name {
            h.name = p;
        } else {
            if ustar {
                let prefix = cstr(&block[345..500]);
                if !prefix.is_empty() {
                    h.name.extend_from_slice(prefix);
                    h.name.push(b'/');
                }
            }
            h.name.extend_from_slice(cstr(&block[0..100]));
        }
        if let Some(l) = pending.pax_link {
            h.link = l;
        } else if let Some(l) = pending.gnu_link {
            h.link = l;
        } else {
            h.link.extend_from_slice(cstr(&block[157..257]));
        }
        let field = |range: std::ops::Range<usize>| {
            numeric(&block[range]).map_err(|e| format_err(start, e))
        };
        h.mode = (field(100..108)? & 0o7777) as u32;
        h.uid = match pending.pax_uid {
            Some(v) => v,
            None => field(108..116)?,
        };
        h.gid = match pending.pax_gid {
            Some(v) => v,
            None => field(116..124)?,
        };
        h.mtime = match pending.pax_mtime {
            Some(v) => v,
            None => field(136..148)?,
        };
        h.size = pending.pax_size.unwrap_or(size);
        h.sparse = pending.pax_sparse;
        let typeflag = block[156];
        h.kind = Some(match typeflag {
            // Pre-POSIX archives mark directories only by a trailing slash (as Go reads them).
            0 if h.name.last() == Some(&b'/') => TarKind::Directory,
            b'0' | 0 | b'7' => TarKind::File,
            b'1' => TarKind::Hardlink,
            b'2' => TarKind::Symlink,
            b'3' => TarKind::CharDevice,
            b'4' => TarKind::BlockDevice,
            b'5' => TarKind::Directory,
            b'6' => TarKind::Fifo,
            b'S' => {
                h.sparse = true;
                TarKind::File
            }
            other => TarKind::Other(other),
        });
        // Old GNU sparse headers chain 512-byte extension blocks before the data.
        if typeflag == b'S' && block[482] != 0 {
            let mut ext = [0u8; BLOCK];
            loop {
                if !self.read_block(&mut ext)? {
                    return Err(format_err(start, "the archive ends inside a sparse header"));
                }
                if ext[504] == 0 {
                    break;
                }
            }
        }
        // Links, devices, FIFOs and directories carry no data whatever their size field says,
        // as Go's archive/tar (and so Docker and containerd) reads them; honouring the field
        // would let one archive mean different files to different readers.
        if !matches!(self.header.kind, Some(TarKind::File | TarKind::Other(_))) {
            self.header.size = 0;
        }
        Ok(())
    }

    fn read_extension(&mut self, size: u64) -> Result<Vec<u8>, TarError> {
        let mut data = std::mem::take(&mut self.scratch);
        data.clear();
        let len = usize::try_from(size).map_err(|_| format_err(self.offset, "huge extension"))?;
        data.resize(len, 0);
        self.read_exact_counted(&mut data)?;
        self.skip(padding(size))?;
        Ok(data)
    }

    fn read_exact_counted(&mut self, buf: &mut [u8]) -> Result<(), TarError> {
        let start = self.offset;
        match self.inner.read_exact(buf) {
            Ok(()) => {
                self.offset += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(format_err(
                start,
                "the archive ends inside a header (truncated)",
            )),
            Err(e) => Err(TarError::Io(e)),
        }
    }

    /// Reads one block; `false` on a clean end of stream before it.
    fn read_block(&mut self, block: &mut [u8; BLOCK]) -> Result<bool, TarError> {
        if self.inner.fill_buf()?.is_empty() {
            return Ok(false);
        }
        self.read_exact_counted(block)?;
        Ok(true)
    }

    fn skip(&mut self, mut amount: u64) -> Result<(), TarError> {
        while amount > 0 {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Err(format_err(
                    self.offset,
                    "the archive ends inside an entry's data (truncated)",
                ));
            }
            let n = usize::try_from(amount).unwrap_or(usize::MAX).min(buf.len());
            self.inner.consume(n);
            self.offset += n as u64;
            amount -= n as u64;
        }
        Ok(())
    }
}

/// An error while streaming data: from the archive, or from the consumer of the data.
#[derive(Debug)]
pub(crate) enum DataError<E> {
    /// The archive failed.
    Tar(TarError),
    /// The sink failed.
    Sink(E),
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..end]
}

fn verify_checksum(block: &[u8; BLOCK]) -> Result<(), String> {
    let stored = numeric(&block[148..156])
        .map_err(|e| format!("bad header checksum ({e}); not a tar archive or corrupt"))?;
    // The checksum is computed with its own field read as eight spaces.
    let field = &block[148..156];
    let unsigned = block.iter().map(|&b| u64::from(b)).sum::<u64>()
        - field.iter().map(|&b| u64::from(b)).sum::<u64>()
        + 8 * u64::from(b' ');
    let signed = block.iter().map(|&b| i64::from(b as i8)).sum::<i64>()
        - field.iter().map(|&b| i64::from(b as i8)).sum::<i64>()
        + 8 * i64::from(b' ');
    // Some historic writers summed signed bytes; accept either, as GNU tar does.
    if stored == unsigned || i64::try_from(stored).is_ok_and(|s| s == signed) {
        Ok(())
    } else {
        Err(format!(
            "header checksum mismatch (stored {stored}, computed {unsigned}); not a tar archive or corrupt"
        ))
    }
}

/// Parses a numeric header field: octal text, or GNU base-256 when the high bit is set.
fn numeric(field: &[u8]) -> Result<u64, String> {
    if let Some(&first) = field.first() {
        if first & 0x80 != 0 {
            if first == 0xff {
                return Err("a negative base-256 number in a header field".to_string());
            }
            let mut value: u64 = u64::from(first & 0x7f);
            for &b in &field[1..] {
                value = value
                    .checked_mul(256)
                    .and_then(|v| v.checked_add(u64::from(b)))
                    .ok_or("a base-256 header field overflows 64 bits")?;
            }
            return Ok(value);
        }
    }
    let text = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ' || b == 0)
        .take_while(|&b| b != b' ' && b != 0);
    let mut value: u64 = 0;
    for b in text {
        if !(b'0'..=b'7').contains(&b) {
            return Err(format!(
                "header field `{}` is not an octal number",
                String::from_utf8_lossy(cstr(field)).escape_debug()
            ));
        }
        value = value
            .checked_mul(8)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or("an octal header field overflows 64 bits")?;
    }
    Ok(value)
}

/// Parses PAX records (`LEN KEY=VALUE\n`) into `pending`.
fn parse_pax(mut data: &[u8], pending: &mut Pending) -> Result<(), String> {
    pending.pax = true;
    while !data.is_empty() {
        // Trailing NUL padding after the last record is tolerated.
        if data.iter().all(|&b| b == 0) {
            break;
        }
        let space = data
            .iter()
            .position(|&b| b == b' ')
            .ok_or("a PAX record without a length")?;
        let len: usize = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or("a PAX record with a bad length")?;
        if len <= space + 1 || len > data.len() || data[len - 1] != b'\n' {
            return Err("a PAX record whose length does not match its content".to_string());
        }
        let record = &data[space + 1..len - 1];
        data = &data[len..];
        let eq = record
            .iter()
            .position(|&b| b == b'=')
            .ok_or("a PAX record without `=`")?;
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        let number = || -> Result<u64, String> {
            // mtime may carry a fraction and, in principle, a sign; seatbelt keeps whole seconds.
            let text = std::str::from_utf8(value).map_err(|_| "a non-UTF-8 PAX number")?;
            let whole = text.split('.').next().unwrap_or("");
            if whole.starts_with('-') {
                return Ok(0);
            }
            whole
                .parse::<u64>()
                .map_err(|_| format!("PAX value `{}` is not a number", text.escape_debug()))
        };
        match key {
            b"path" => pending.pax_path = Some(value.to_vec()),
            b"linkpath" => pending.pax_link = Some(value.to_vec()),
            b"size" => pending.pax_size = Some(number()?),
            b"uid" => pending.pax_uid = Some(number()?),
            b"gid" => pending.pax_gid = Some(number()?),
            b"mtime" => pending.pax_mtime = Some(number()?),
            k if k.starts_with(b"GNU.sparse.") => pending.pax_sparse = true,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, typeflag: u8, size: u64) -> [u8; BLOCK] {
        let mut b = [0u8; BLOCK];
        b[..name.len()].copy_from_slice(name.as_bytes());
        b[100..107].copy_from_slice(b"0000644");
        b[108..115].copy_from_slice(b"0000000");
        b[116..123].copy_from_slice(b"0000000");
        let s = format!("{size:011o}");
        b[124..135].copy_from_slice(s.as_bytes());
        b[136..147].copy_from_slice(b"00000000000");
        b[156] = typeflag;
        b[257..263].copy_from_slice(b"ustar\0");
        b[263..265].copy_from_slice(b"00");
        b[148..156].copy_from_slice(b"        ");
        let sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
        b[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        b
    }

    fn with_data(mut out: Vec<u8>, data: &[u8]) -> Vec<u8> {
        out.extend_from_slice(data);
        out.resize(out.len() + padding(data.len() as u64) as usize, 0);
        out
    }

    #[test]
    fn reads_files_pax_and_gnu_long_names() {
        let mut t = header("short", b'0', 3).to_vec();
        t = with_data(t, b"abc");
        let long = "d/".repeat(80) + "file";
        let rec = format!("path={long}\n");
        let rec = format!("{} {rec}", rec.len() + 4);
        t.extend_from_slice(&header("pax", b'x', rec.len() as u64));
        t = with_data(t, rec.as_bytes());
        t.extend_from_slice(&header("ignored", b'0', 1));
        t = with_data(t, b"z");
        let gnu = "g/".repeat(70) + "x";
        t.extend_from_slice(&header("././@LongLink", b'L', gnu.len() as u64 + 1));
        t = with_data(t, format!("{gnu}\0").as_bytes());
        t.extend_from_slice(&header("trunc", b'5', 0));
        t.extend_from_slice(&[0u8; 1024]);
        let mut r = TarReader::new(&t[..]);
        let h = r.next_header().unwrap().unwrap();
        assert_eq!(h.name, b"short");
        let mut got = Vec::new();
        r.read_data(u64::MAX, |c| -> Result<(), ()> {
            got.extend_from_slice(c);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, b"abc");
        let h = r.next_header().unwrap().unwrap();
        assert_eq!(h.name, long.as_bytes());
        let h = r.next_header().unwrap().unwrap();
        assert_eq!(h.name, gnu.as_bytes());
        assert_eq!(h.kind, Some(TarKind::Directory));
        assert!(r.next_header().unwrap().is_none());
    }

    #[test]
    fn refuses_bad_checksums_oversized_extensions_and_truncation() {
        let mut bad = header("f", b'0', 0);
        bad[0] = b'g';
        assert!(matches!(
            TarReader::new(&bad[..]).next_header(),
            Err(TarError::Format(_))
        ));
        let huge = header("pax", b'x', MAX_PAX_BYTES + 1);
        assert!(matches!(
            TarReader::new(&huge[..]).next_header(),
            Err(TarError::Format(_))
        ));
        let mut t = header("f", b'0', 10_000).to_vec();
        t.extend_from_slice(&[1u8; 100]);
        let mut r = TarReader::new(&t[..]);
        assert!(r.next_header().unwrap().is_some());
        assert!(matches!(r.next_header(), Err(TarError::Format(_))));
    }

    #[test]
    fn a_huge_base256_size_is_truncation_not_overflow() {
        let mut h = header("f", b'0', 0);
        h[124..128].copy_from_slice(&[0x80, 0, 0, 0]);
        for b in &mut h[128..136] {
            *b = 0xff;
        }
        h[148..156].copy_from_slice(b"        ");
        let sum: u64 = h.iter().map(|&x| u64::from(x)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        let mut r = TarReader::new(&h[..]);
        assert_eq!(r.next_header().unwrap().unwrap().size, u64::MAX);
        assert!(matches!(r.next_header(), Err(TarError::Format(_))));
    }

    #[test]
    fn parses_numbers() {
        assert_eq!(numeric(b"0000644\0").unwrap(), 0o644);
        assert_eq!(numeric(b"   17 \0").unwrap(), 0o17);
        assert_eq!(numeric(&[0x80, 0, 0, 0, 0, 0, 0, 1, 0]).unwrap(), 256);
        assert!(numeric(b"9").is_err());
        assert!(numeric(&[0xff; 12]).is_err());
    }
}
