//! Layer decompression, chosen by the stream's magic bytes rather than the media type, because
//! registries and `docker save` are routinely wrong about the latter (Docker's "gzip" media type
//! on uncompressed layers, for one).

use std::io::{self, BufRead, BufReader, Read};

use crate::ImageError;

/// How a layer is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain tar.
    None,
    /// gzip (RFC 1952); multi-member streams are read to the end.
    Gzip,
    /// Zstandard.
    Zstd,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

impl Compression {
    /// Sniffs the compression from the first bytes of a stream.
    pub fn sniff(prefix: &[u8]) -> Compression {
        if prefix.starts_with(GZIP_MAGIC) {
            Compression::Gzip
        } else if prefix.starts_with(ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Wraps a (compressed) layer stream in the right decompressor, refusing to produce more than
/// `max_bytes` (a decompression bomb stops with [`ImageError::LimitExceeded`], memory bounded).
pub fn open_decompressed<R: Read + Send + 'static>(
    raw: R,
    what: &str,
    max_bytes: u64,
) -> Result<(Compression, Box<dyn Read + Send>), ImageError> {
    decompress_buffered(BufReader::with_capacity(256 * 1024, raw), what, max_bytes)
}

/// [`open_decompressed`] for a stream that is already buffered (no second copy through a
/// `BufReader`).
pub(crate) fn decompress_buffered<B: BufRead + Send + 'static>(
    mut buffered: B,
    what: &str,
    max_bytes: u64,
) -> Result<(Compression, Box<dyn Read + Send>), ImageError> {
    let prefix = buffered
        .fill_buf()
        .map_err(|e| ImageError::from_stream(what, e))?;
    let compression = Compression::sniff(prefix);
    let decoded: Box<dyn Read + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(buffered)
                .map_err(|e| ImageError::from_stream(what, e))?,
        ),
    };
    let limited = BoundedReader {
        inner: decoded,
        remaining: max_bytes,
        max: max_bytes,
        what: what.to_string(),
    };
    Ok((compression, Box::new(limited)))
}

/// Fails (rather than truncating silently) once more than `max` bytes come out.
struct BoundedReader {
    inner: Box<dyn Read + Send>,
    remaining: u64,
    max: u64,
    what: String,
}

impl Read for BoundedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            // Only an error if there really is more.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    ImageError::LimitExceeded {
                        limit: "MAX_DECOMPRESSED_BYTES",
                        max: self.max,
                        what: format!("the decompressed size of {}", self.what),
                    },
                )),
            };
        }
        let cap = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..cap])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::limits::MAX_DECOMPRESSED_BYTES as DEFAULT_MAX;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn sniffs_and_decodes_each_compression() {
        let data = b"some tar bytes".repeat(100);
        let zst = zstd::encode_all(&data[..], 3).unwrap();
        for (raw, want) in [
            (data.clone(), Compression::None),
            (gzip(&data), Compression::Gzip),
            (zst, Compression::Zstd),
        ] {
            let (c, mut r) = open_decompressed(io::Cursor::new(raw), "layer", DEFAULT_MAX).unwrap();
            assert_eq!(c, want);
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert_eq!(out, data);
        }
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; 10 * 1024 * 1024]);
        let (_, mut r) = open_decompressed(io::Cursor::new(bomb), "bomb", 1024 * 1024).unwrap();
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        let err = ImageError::from_stream("bomb", err);
        assert!(
            matches!(
                err,
                ImageError::LimitExceeded {
                    limit: "MAX_DECOMPRESSED_BYTES",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_short_read() {
        let mut g = gzip(&b"x".repeat(100_000));
        g.truncate(g.len() / 2);
        let (_, mut r) = open_decompressed(io::Cursor::new(g), "t", DEFAULT_MAX).unwrap();
        assert!(io::copy(&mut r, &mut io::sink()).is_err());
    }
}
