//! Blob uploads: `POST` to open a session, then either one `PUT ?digest=` with the whole blob
//! (monolithic) or `PATCH`es with `Content-Range` followed by an empty `PUT ?digest=` (chunked).
//! Data is streamed from the caller's reader through a bounded pipe, never buffered whole,
//! except for small blobs kept in memory so a refused monolithic upload can be redone chunked.
//! Spec: <https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs>.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Duration;

use reqwest::blocking::Response;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::Method;
use seatbelt_types::Digest;
use url::Url;

use crate::client::READ_TIMEOUT;
use crate::transport::{display_url, Call, Inner};
use crate::{Reference, RegistryError};

/// Blobs up to this size are held in memory (configs, small layers), so that a registry refusing
/// a monolithic upload can be answered with a chunked one.
const BUFFERED_MAX: u64 = 1024 * 1024;
/// Blobs above this go up in chunks: one request per 64 MiB keeps each request short enough for
/// proxies and registries that cap request sizes or durations.
pub(crate) const CHUNKED_THRESHOLD: u64 = 64 * 1024 * 1024;
/// The chunk size for chunked uploads.
const CHUNK_SIZE: u64 = 16 * 1024 * 1024;
/// The piece size moved through the pipe to the HTTP client.
const PIPE_PIECE: usize = 64 * 1024;
/// Pieces in flight in the pipe (bounds memory to a few hundred KiB per upload).
const PIPE_DEPTH: usize = 4;
/// The slowest upload rate tolerated before a request times out (bytes per second).
const MIN_UPLOAD_RATE: u64 = 32 * 1024;

const UPLOAD_NOT_FOUND: &str = "the upload session or repository is unknown to the registry";

/// Monolithic uploads some registries refuse, answered by retrying chunked.
fn refused_monolithic(status: u16) -> bool {
    matches!(status, 405 | 413 | 415 | 416 | 501)
}

pub(crate) fn push_blob(
    inner: &Inner,
    reference: &Reference,
    digest: &Digest,
    size: u64,
    data: &mut dyn Read,
) -> Result<(), RegistryError> {
    let call = Call::push(
        format!(
            "uploading blob {digest} to {}/{}",
            reference.registry(),
            reference.repository()
        ),
        reference,
        UPLOAD_NOT_FOUND,
    );
    if size <= BUFFERED_MAX {
        let bytes = read_small(&call, data, size)?;
        let location = start(inner, &call)?;
        let response = finish(inner, &call, &location, digest, Some(bytes.clone()))?;
        if response.status().is_success() {
            return check_committed(&call, &response, digest);
        }
        if !refused_monolithic(response.status().as_u16()) {
            cancel_at(inner, &call, &location);
            return Err(inner.fail(&call, response));
        }
        tracing::debug!(
            status = response.status().as_u16(),
            "monolithic upload refused, retrying chunked"
        );
        cancel_at(inner, &call, &location);
        let location = start(inner, &call)?;
        let mut cursor = io::Cursor::new(bytes);
        return guarded(inner, &call, &location, |l| {
            chunked(inner, &call, l, digest, size, &mut cursor)
        });
    }
    let location = start(inner, &call)?;
    if size <= CHUNKED_THRESHOLD {
        guarded(inner, &call, &location, |l| {
            let mut url = l.clone();
            url.query_pairs_mut()
                .append_pair("digest", &digest.to_string());
            let response = streamed(inner, &call, Method::PUT, &url, size, data, true)?;
            if !response.status().is_success() {
                return Err(inner.fail(&call, response));
            }
            check_committed(&call, &response, digest)
        })
    } else {
        guarded(inner, &call, &location, |l| {
            chunked(inner, &call, l, digest, size, data)
        })
    }
}

/// Runs an upload step; on failure cancels the session so nothing half-uploaded is left.
fn guarded(
    inner: &Inner,
    call: &Call<'_>,
    location: &Url,
    step: impl FnOnce(&Url) -> Result<(), RegistryError>,
) -> Result<(), RegistryError> {
    let result = step(location);
    if result.is_err() {
        cancel_at(inner, call, location);
    }
    result
}

/// Reads exactly `size` bytes and confirms the end (which is when a verifying reader checks).
fn read_small(call: &Call<'_>, data: &mut dyn Read, size: u64) -> Result<Vec<u8>, RegistryError> {
    let source_err = |source: io::Error| RegistryError::Source {
        what: call.what.clone(),
        source,
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    data.take(size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(source_err)?;
    if bytes.len() as u64 != size {
        return Err(source_err(size_error(size, bytes.len() as u64)));
    }
    Ok(bytes)
}

fn size_error(expected: u64, actual: u64) -> io::Error {
    let message = if actual < expected {
        format!("the data ended after {actual} of the {expected} bytes declared")
    } else {
        format!("the data is longer than the {expected} bytes declared")
    };
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Opens an upload session; returns its URL.
fn start(inner: &Inner, call: &Call<'_>) -> Result<Url, RegistryError> {
    let url = inner.url(
        call,
        &format!("v2/{}/blobs/uploads/", call.reference.repository()),
    )?;
    let response = inner.execute(
        call,
        Method::POST,
        url.clone(),
        &HeaderMap::new(),
        &Some(Vec::new()),
    )?;
    if response.status().as_u16() != 202 && !response.status().is_success() {
        return Err(inner.fail(call, response));
    }
    location(inner, call, &url, &response)
}

fn location(
    inner: &Inner,
    call: &Call<'_>,
    current: &Url,
    response: &Response,
) -> Result<Url, RegistryError> {
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
    else {
        return Err(RegistryError::BadResponse {
            what: call.what.clone(),
            reason: format!(
                "HTTP {} without a Location for the upload",
                response.status().as_u16()
            ),
        });
    };
    inner.resolve_location(&call.what, current, location)
}

/// `PUT <location>?digest=` with `body` (the whole blob, or empty after chunks).
fn finish(
    inner: &Inner,
    call: &Call<'_>,
    location: &Url,
    digest: &Digest,
    body: Option<Vec<u8>>,
) -> Result<Response, RegistryError> {
    let mut url = location.clone();
    url.query_pairs_mut()
        .append_pair("digest", &digest.to_string());
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    inner.execute(
        call,
        Method::PUT,
        url,
        &headers,
        &Some(body.unwrap_or_default()),
    )
}

fn check_committed(
    call: &Call<'_>,
    response: &Response,
    digest: &Digest,
) -> Result<(), RegistryError> {
    let reported = response
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<Digest>().ok());
    match reported {
        Some(r) if &r != digest && r.algorithm() == digest.algorithm() => {
            Err(RegistryError::DigestMismatch {
                what: call.what.clone(),
                expected: digest.clone(),
                actual: r,
            })
        }
        _ => Ok(()),
    }
}

fn chunked(
    inner: &Inner,
    call: &Call<'_>,
    location: &Url,
    digest: &Digest,
    size: u64,
    data: &mut dyn Read,
) -> Result<(), RegistryError> {
    let mut location = location.clone();
    let mut offset = 0u64;
    while offset < size {
        let len = CHUNK_SIZE.min(size - offset);
        let last = offset + len == size;
        let end = offset + len - 1;
        tracing::debug!(offset, len, "uploading a chunk");
        let response = streamed_with_range(inner, call, &location, offset, end, data, last)?;
        if response.status().as_u16() != 202 && !response.status().is_success() {
            return Err(inner.fail(call, response));
        }
        if let Some(range) = response
            .headers()
            .get("range")
            .and_then(|r| r.to_str().ok())
        {
            let confirmed = range
                .trim()
                .trim_start_matches("bytes=")
                .split_once('-')
                .and_then(|(_, e)| e.parse::<u64>().ok());
            if confirmed != Some(end) {
                return Err(RegistryError::BadResponse {
                    what: call.what.clone(),
                    reason: format!(
                        "after sending bytes up to {end} the registry reports the range `{range}`"
                    ),
                });
            }
        }
        location = self::location(inner, call, &location, &response)?;
        offset += len;
    }
    if size == 0 {
        read_small(call, data, 0)?;
    }
    let response = finish(inner, call, &location, digest, None)?;
    if !response.status().is_success() {
        return Err(inner.fail(call, response));
    }
    check_committed(call, &response, digest)
}

fn streamed_with_range(
    inner: &Inner,
    call: &Call<'_>,
    location: &Url,
    start: u64,
    end: u64,
    data: &mut dyn Read,
    check_end: bool,
) -> Result<Response, RegistryError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(range) = HeaderValue::from_str(&format!("{start}-{end}")) {
        headers.insert("content-range", range);
    }
    streamed_inner(
        inner,
        call,
        Method::PATCH,
        location,
        headers,
        end - start + 1,
        data,
        check_end,
    )
}

fn streamed(
    inner: &Inner,
    call: &Call<'_>,
    method: Method,
    url: &Url,
    len: u64,
    data: &mut dyn Read,
    check_end: bool,
) -> Result<Response, RegistryError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    streamed_inner(inner, call, method, url, headers, len, data, check_end)
}

/// The request body side of the pipe.
struct Pipe {
    rx: Receiver<io::Result<Vec<u8>>>,
    piece: Vec<u8>,
    pos: usize,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.piece.len() {
            match self.rx.recv() {
                Ok(Ok(piece)) => {
                    self.piece = piece;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.piece.len() - self.pos);
        buf[..n].copy_from_slice(&self.piece[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Whether the pump stopped because the HTTP side went away (its error tells why).
enum Pumped {
    Done,
    ReceiverGone,
}

/// Moves exactly `len` bytes from `data` into the pipe. The last piece is held back until the
/// end of `data` has been confirmed (when `check_end`), so a verifying reader that fails at its
/// end aborts the request before the registry has the whole body.
fn pump(
    data: &mut dyn Read,
    len: u64,
    tx: &SyncSender<io::Result<Vec<u8>>>,
    check_end: bool,
) -> io::Result<Pumped> {
    let mut remaining = len;
    let mut held: Option<Vec<u8>> = None;
    while remaining > 0 {
        let want = usize::try_from(remaining.min(PIPE_PIECE as u64)).unwrap_or(PIPE_PIECE);
        let mut piece = vec![0u8; want];
        let n = loop {
            match data.read(&mut piece) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            return Err(size_error(len, len - remaining));
        }
        piece.truncate(n);
        remaining -= n as u64;
        if let Some(previous) = held.replace(piece) {
            if tx.send(Ok(previous)).is_err() {
                return Ok(Pumped::ReceiverGone);
            }
        }
    }
    if check_end {
        let mut probe = [0u8; 1];
        loop {
            match data.read(&mut probe) {
                Ok(0) => break,
                Ok(_) => return Err(size_error(len, len + 1)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    if let Some(last) = held {
        if tx.send(Ok(last)).is_err() {
            return Ok(Pumped::ReceiverGone);
        }
    }
    Ok(Pumped::Done)
}

/// Sends one request whose body streams from `data`. Such a body cannot be sent twice, so the
/// session was authenticated just before by the `POST` that opened it.
#[expect(
    clippy::too_many_arguments,
    reason = "one private helper; a struct for its arguments would only rename them"
)]
fn streamed_inner(
    inner: &Inner,
    call: &Call<'_>,
    method: Method,
    url: &Url,
    headers: HeaderMap,
    len: u64,
    data: &mut dyn Read,
    check_end: bool,
) -> Result<Response, RegistryError> {
    let authorization = inner.authorization_for(call, url)?;
    let (tx, rx) = sync_channel(PIPE_DEPTH);
    let pipe = Pipe {
        rx,
        piece: Vec::new(),
        pos: 0,
    };
    let timeout = READ_TIMEOUT + Duration::from_secs(len / MIN_UPLOAD_RATE);
    let mut request = inner
        .http
        .request(method.clone(), url.clone())
        .headers(headers)
        .timeout(timeout)
        .body(reqwest::blocking::Body::sized(pipe, len));
    if let Some(a) = authorization {
        request = request.header(AUTHORIZATION, a);
    }
    tracing::debug!(%method, url = %display_url(url), len, "streaming upload");
    let (pumped, sent) = std::thread::scope(|scope| {
        let sender = scope.spawn(move || request.send());
        let pumped = pump(data, len, &tx, check_end);
        if pumped.is_err() {
            // Make the body fail so the registry never sees a complete request.
            let _ = tx.send(Err(io::Error::other("the upload was aborted")));
        }
        drop(tx);
        (pumped, sender.join())
    });
    if let Err(source) = pumped {
        return Err(RegistryError::Source {
            what: call.what.clone(),
            source,
        });
    }
    let response = match sent {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => return Err(inner.connection_error(call, url, &e)),
        Err(_) => {
            return Err(RegistryError::Connection {
                what: call.what.clone(),
                host: url.host_str().unwrap_or_default().to_string(),
                detail: "the upload thread panicked".to_string(),
                hint: String::new(),
            })
        }
    };
    if response.status().is_redirection() {
        return Err(RegistryError::BadResponse {
            what: call.what.clone(),
            reason: format!(
                "HTTP {} redirect of a streamed upload, which cannot be sent twice",
                response.status().as_u16()
            ),
        });
    }
    Ok(response)
}

/// Cancels the upload session a response opened (best effort: registries expire them anyway).
pub(crate) fn cancel(inner: &Inner, call: &Call<'_>, response: &Response) {
    if let Ok(l) = location(inner, call, response.url(), response) {
        cancel_at(inner, call, &l);
    }
}

fn cancel_at(inner: &Inner, call: &Call<'_>, location: &Url) {
    match inner.execute(
        call,
        Method::DELETE,
        location.clone(),
        &HeaderMap::new(),
        &None,
    ) {
        Ok(r) => tracing::debug!(status = r.status().as_u16(), "cancelled an upload session"),
        Err(e) => tracing::debug!(error = %e, "could not cancel an upload session"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pump_holds_back_the_last_piece_until_the_end_is_confirmed() {
        struct FailAtEnd<'a>(&'a [u8]);
        impl Read for FailAtEnd<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "digest mismatch",
                    ));
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let data = vec![7u8; PIPE_PIECE * 2 + 10];
        let (tx, rx) = sync_channel(16);
        let err = match pump(&mut FailAtEnd(&data), data.len() as u64, &tx, true) {
            Err(e) => e,
            Ok(_) => panic!("the failing end must be reported"),
        };
        assert_eq!(err.to_string(), "digest mismatch");
        drop(tx);
        let sent: usize = rx.iter().map(|p| p.unwrap().len()).sum();
        assert!(sent < data.len(), "the last piece must not have been sent");

        let (tx, rx) = sync_channel(16);
        assert!(matches!(
            pump(&mut &data[..], data.len() as u64, &tx, true),
            Ok(Pumped::Done)
        ));
        drop(tx);
        assert_eq!(
            rx.iter().map(|p| p.unwrap().len()).sum::<usize>(),
            data.len()
        );

        let (tx, _rx) = sync_channel(16);
        let err = pump(&mut &data[..5], 10, &tx, true).err().unwrap();
        assert!(err.to_string().contains("ended after 5 of the 10"), "{err}");
        let err = pump(&mut &data[..11], 10, &tx, true).err().unwrap();
        assert!(err.to_string().contains("longer"), "{err}");
    }

    #[test]
    fn pipe_reads_pieces_and_errors() {
        let (tx, rx) = sync_channel(4);
        tx.send(Ok(b"ab".to_vec())).unwrap();
        tx.send(Ok(Vec::new())).unwrap();
        tx.send(Ok(b"c".to_vec())).unwrap();
        tx.send(Err(io::Error::other("x"))).unwrap();
        let mut pipe = Pipe {
            rx,
            piece: Vec::new(),
            pos: 0,
        };
        let mut out = Vec::new();
        assert!(pipe.read_to_end(&mut out).is_err());
        assert_eq!(out, b"abc");
    }
}
