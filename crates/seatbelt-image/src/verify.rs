//! Digest and size verification while a blob streams, so nothing unverified is ever trusted and
//! no blob is read twice to check it.

use std::io::{self, Read};

use seatbelt_types::{Digest, Hasher};

use crate::ImageError;

/// Wraps a blob stream: hashes every byte, refuses to read past the declared size, and at the end
/// of the stream fails with [`ImageError::DigestMismatch`] or [`ImageError::SizeMismatch`]
/// (carried inside the `io::Error`; recover it with [`ImageError::from_stream`]).
///
/// A consumer that stops early has verified nothing: call [`VerifyingReader::finish`], which
/// drains the rest and checks it.
pub struct VerifyingReader<R> {
    inner: R,
    what: String,
    expected: Digest,
    expected_size: Option<u64>,
    hasher: Option<Hasher>,
    read: u64,
}

impl<R: Read> VerifyingReader<R> {
    /// Verifies `inner` against `expected` and, when known, `expected_size`.
    pub fn new(
        inner: R,
        what: impl Into<String>,
        expected: Digest,
        expected_size: Option<u64>,
    ) -> Self {
        let hasher = Some(Hasher::new(expected.algorithm()));
        VerifyingReader {
            inner,
            what: what.into(),
            expected,
            expected_size,
            hasher,
            read: 0,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Reads whatever is left and checks the digest; the only way to know a partly read blob is intact.
    pub fn finish(mut self) -> Result<Digest, ImageError> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match self.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ImageError::from_stream(self.what.clone(), e)),
            }
        }
        Ok(self.expected)
    }

    fn check_end(&mut self) -> io::Result<()> {
        let Some(hasher) = self.hasher.take() else {
            return Ok(());
        };
        if let Some(expected) = self.expected_size {
            if expected != self.read {
                return Err(to_io(ImageError::SizeMismatch {
                    what: self.what.clone(),
                    expected,
                    actual: self.read,
                }));
            }
        }
        let actual = hasher.finish();
        if actual != self.expected {
            return Err(to_io(ImageError::DigestMismatch {
                what: self.what.clone(),
                expected: self.expected.clone(),
                actual,
            }));
        }
        Ok(())
    }
}

fn to_io(err: ImageError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err)
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.hasher.is_none() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.check_end()?;
            return Ok(0);
        }
        self.read += n as u64;
        if let Some(expected) = self.expected_size {
            if self.read > expected {
                self.hasher = None;
                return Err(to_io(ImageError::SizeMismatch {
                    what: self.what.clone(),
                    expected,
                    actual: self.read,
                }));
            }
        }
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_matching_content() {
        let data = b"hello";
        let mut r = VerifyingReader::new(&data[..], "blob", Digest::sha256_of(data), Some(5));
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn names_expected_and_actual_digest_on_mismatch() {
        let expected = Digest::sha256_of(b"hello");
        let r = VerifyingReader::new(&b"jello"[..], "layer x", expected.clone(), Some(5));
        match r.finish() {
            Err(ImageError::DigestMismatch {
                expected: e,
                actual,
                ..
            }) => {
                assert_eq!(e, expected);
                assert_eq!(actual, Digest::sha256_of(b"jello"));
            }
            other => panic!("expected a digest mismatch, got {other:?}"),
        }
    }

    #[test]
    fn stops_at_the_declared_size_and_reports_truncation() {
        let long = VerifyingReader::new(
            &b"hello world"[..],
            "b",
            Digest::sha256_of(b"hello"),
            Some(5),
        );
        assert!(matches!(
            long.finish(),
            Err(ImageError::SizeMismatch { .. })
        ));
        let short = VerifyingReader::new(&b"hel"[..], "b", Digest::sha256_of(b"hello"), Some(5));
        assert!(matches!(
            short.finish(),
            Err(ImageError::SizeMismatch {
                expected: 5,
                actual: 3,
                ..
            })
        ));
    }
}
