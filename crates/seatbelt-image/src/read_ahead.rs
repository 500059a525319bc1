//! Reads a (verifying) blob stream on a thread of its own, a few chunks ahead of its consumer,
//! so that hashing and file reads overlap decompression instead of adding to it: a layer's
//! critical path becomes its inflate alone.
//!
//! The reading thread ends as soon as the consumer is dropped (its next send fails). Errors,
//! including the digest or size mismatch found at the end of the stream, reach the consumer in
//! order, after every byte before them; a reader thread that vanishes without saying the stream
//! ended is an error, never a silent end of file, so an unverified stream can never pass as a
//! complete one.

use std::io::{self, BufRead, Read};

use crossbeam_channel::{Receiver, Sender};

/// Bytes per chunk: large enough that the channel costs nothing per byte.
const CHUNK_BYTES: usize = 256 * 1024;
/// Chunks read ahead of the consumer; memory per stream is about (this + 2) chunks.
const CHUNKS_AHEAD: usize = 4;

enum Chunk {
    Data(Vec<u8>),
    End,
    Failed(io::Error),
}

/// The consumer's side: a [`BufRead`] over the chunks the reading thread sends.
pub(crate) struct ReadAhead {
    chunks: Receiver<Chunk>,
    /// Emptied chunks go back to the reading thread, so steady state allocates nothing.
    spare: Sender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    ended: bool,
}

impl ReadAhead {
    /// Starts reading `inner` on a new thread named `name`.
    pub(crate) fn spawn<R: Read + Send + 'static>(inner: R, name: &str) -> io::Result<ReadAhead> {
        let (chunk_tx, chunk_rx) = crossbeam_channel::bounded(CHUNKS_AHEAD);
        let (spare_tx, spare_rx) = crossbeam_channel::bounded(CHUNKS_AHEAD + 2);
        std::thread::Builder::new()
            .name(name.chars().take(15).collect())
            .spawn(move || produce(inner, &chunk_tx, &spare_rx))?;
        Ok(ReadAhead {
            chunks: chunk_rx,
            spare: spare_tx,
            current: Vec::new(),
            pos: 0,
            ended: false,
        })
    }
}

fn produce<R: Read>(mut inner: R, chunks: &Sender<Chunk>, spare: &Receiver<Vec<u8>>) {
    loop {
        let mut buf = spare.try_recv().unwrap_or_default();
        buf.resize(CHUNK_BYTES, 0);
        let (filled, outcome) = fill(&mut inner, &mut buf);
        buf.truncate(filled);
        // Bytes read before an end or error go first; a failed send means the consumer is gone
        // and nothing waits for the rest.
        if filled > 0 && chunks.send(Chunk::Data(buf)).is_err() {
            return;
        }
        let last = match outcome {
            Ok(true) => continue,
            Ok(false) => Chunk::End,
            Err(e) => Chunk::Failed(e),
        };
        let _ = chunks.send(last);
        return;
    }
}

/// Fills `buf` from `inner`: the bytes read, and whether more may follow (`Ok(false)` at the end).
fn fill<R: Read>(inner: &mut R, buf: &mut [u8]) -> (usize, io::Result<bool>) {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        match inner.read(rest) {
            Ok(0) => return (filled, Ok(false)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Err(e)),
        }
    }
    (filled, Ok(true))
}

impl BufRead for ReadAhead {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.current.len() && !self.ended {
            let chunk = self.chunks.recv().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the blob's reading thread stopped before the end of the stream",
                )
            })?;
            match chunk {
                Chunk::Data(data) => {
                    let used = std::mem::replace(&mut self.current, data);
                    self.pos = 0;
                    // The reader may have stopped already; then the buffer is simply freed.
                    let _ = self.spare.try_send(used);
                }
                Chunk::End => self.ended = true,
                Chunk::Failed(e) => return Err(e),
            }
        }
        Ok(self.current.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt).min(self.current.len());
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use seatbelt_types::Digest;

    use super::*;
    use crate::{ImageError, VerifyingReader};

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn passes_every_byte_in_order() {
        for len in [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, 3 * CHUNK_BYTES + 17] {
            let want = data(len);
            let mut r = ReadAhead::spawn(io::Cursor::new(want.clone()), "t").unwrap();
            let mut got = Vec::new();
            r.read_to_end(&mut got).unwrap();
            assert_eq!(got, want, "length {len}");
            // And the end stays the end.
            assert_eq!(r.read(&mut [0u8; 8]).unwrap(), 0);
        }
    }

    #[test]
    fn a_digest_mismatch_still_fails_the_stream_after_the_data() {
        let bytes = data(CHUNK_BYTES * 2 + 5);
        let wrong = Digest::sha256_of(b"something else");
        let verifying = VerifyingReader::new(io::Cursor::new(bytes.clone()), "blob", wrong, None);
        let mut r = ReadAhead::spawn(verifying, "t").unwrap();
        let mut got = Vec::new();
        let err = r.read_to_end(&mut got).unwrap_err();
        assert_eq!(got, bytes, "every byte arrives before the error");
        assert!(
            matches!(
                ImageError::from_stream("blob", err),
                ImageError::DigestMismatch { .. }
            ),
            "the mismatch is reported"
        );
        // Reading on after the failure is an error too, never a clean end of file.
        assert!(r.read(&mut [0u8; 8]).is_err());
    }

    /// An endless source that says when it is dropped, i.e. when its thread ended.
    struct Endless(std::sync::mpsc::Sender<()>);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(1);
            Ok(buf.len())
        }
    }

    impl Drop for Endless {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }

    #[test]
    fn dropping_the_consumer_stops_the_reader() {
        let (dropped_tx, dropped_rx) = std::sync::mpsc::channel();
        let mut r = ReadAhead::spawn(Endless(dropped_tx), "t").unwrap();
        let mut buf = [0u8; 100];
        r.read_exact(&mut buf).unwrap();
        assert_eq!(buf, [1u8; 100]);
        drop(r);
        dropped_rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the reading thread ends once its consumer is gone");
    }
}
