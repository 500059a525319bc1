//! Deterministic tar output for the archives seatbelt writes: the same input always gives the
//! same bytes (mtime 0, owner 0, fixed modes, no user or group names).

use std::io::{self, Read, Write};

/// A tar being written, with every header normalised.
pub(crate) struct DeterministicTar<W: Write> {
    builder: tar::Builder<W>,
}

impl<W: Write> DeterministicTar<W> {
    pub(crate) fn new(writer: W) -> Self {
        let mut builder = tar::Builder::new(writer);
        builder.mode(tar::HeaderMode::Deterministic);
        DeterministicTar { builder }
    }

    fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(size);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header
    }

    /// Adds a directory (`name` without a trailing slash).
    pub(crate) fn dir(&mut self, name: &str) -> io::Result<()> {
        let mut header = Self::header(tar::EntryType::Directory, 0o755, 0);
        self.builder
            .append_data(&mut header, format!("{name}/"), io::empty())
    }

    /// Adds a file of exactly `size` bytes read from `data`; fails if `data` is shorter or longer
    /// (a tar whose header lies about the size is corrupt).
    pub(crate) fn file(&mut self, name: &str, size: u64, data: impl Read) -> io::Result<()> {
        let mut header = Self::header(tar::EntryType::Regular, 0o644, size);
        let mut exact = ExactReader {
            inner: data,
            remaining: size,
        };
        self.builder.append_data(&mut header, name, &mut exact)?;
        exact.check_end()
    }

    /// Adds a small file from memory.
    pub(crate) fn bytes(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.file(name, bytes.len() as u64, bytes)
    }

    /// Writes the end-of-archive blocks and returns the writer.
    pub(crate) fn finish(self) -> io::Result<W> {
        self.builder.into_inner()
    }
}

/// Reads exactly `remaining` bytes: a short source is an error rather than a silently corrupt tar.
pub(crate) struct ExactReader<R> {
    pub(crate) inner: R,
    pub(crate) remaining: u64,
}

impl<R: Read> ExactReader<R> {
    /// Fails if the source has more bytes than announced.
    pub(crate) fn check_end(&mut self) -> io::Result<()> {
        let mut probe = [0u8; 1];
        if self.remaining == 0 && self.inner.read(&mut probe)? == 0 {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the source changed size while it was being written to the tar",
        ))
    }
}

impl<R: Read> Read for ExactReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Ok(0);
        }
        let cap = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..cap])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the source ended before its announced size (did it change while being read?)",
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}
