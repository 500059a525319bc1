//! The registry client: one call per Distribution API operation seatbelt needs
//! (<https://github.com/opencontainers/distribution-spec/blob/main/spec.md>).

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use reqwest::blocking::Response;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LINK};
use reqwest::Method;
use seatbelt_types::Digest;

use crate::error::chain;
use crate::transport::{Call, Inner};
use crate::{ClientOptions, Reference, RegistryError};

/// How long to wait for a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long any one read (response headers, or one chunk of a body) may stall.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The default cap on manifest size (the distribution spec's 4 MiB).
pub const DEFAULT_MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// The largest tag list page read.
const MAX_TAG_PAGE_BYTES: u64 = 4 * 1024 * 1024;
/// The most tag list pages followed (at 1000 tags a page, a million tags).
const MAX_TAG_PAGES: usize = 1000;

const MANIFEST_NOT_FOUND: &str =
    "no such image or tag; check the repository name and the tag or digest";
const BLOB_NOT_FOUND: &str =
    "the registry does not have this blob; the image is incomplete or the repository name is wrong";

/// A manifest (or index) as the registry served it. Nothing here is verified yet.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    /// The bytes as served.
    pub bytes: Vec<u8>,
    /// The `Content-Type`, without parameters.
    pub media_type: Option<String>,
    /// The `Docker-Content-Digest` header, if sent (a claim to check, not a fact).
    pub digest: Option<Digest>,
}

/// What a `HEAD` on a manifest says.
#[derive(Debug, Clone)]
pub struct ManifestHead {
    /// The `Content-Type`, without parameters.
    pub media_type: Option<String>,
    /// The `Docker-Content-Digest` header, if sent.
    pub digest: Option<Digest>,
    /// The `Content-Length`, if sent.
    pub size: Option<u64>,
}

/// A blob being downloaded: a stream, not a buffer. Callers verify its digest while reading.
pub struct Blob {
    /// The body.
    pub reader: Box<dyn Read + Send>,
    /// The `Content-Length`, if sent.
    pub size: Option<u64>,
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blob")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// A client for registries. Cheap to clone; clones share connections, credentials and tokens.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "insecure_registries",
                &self.inner.options.insecure_registries,
            )
            .field("has_credentials", &self.inner.options.credentials.is_some())
            .finish_non_exhaustive()
    }
}

/// The media type of a `Content-Type` value, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let media_type = value.split(';').next().unwrap_or_default().trim();
    (!media_type.is_empty()).then(|| media_type.to_string())
}

fn header_digest(headers: &HeaderMap, what: &str) -> Result<Option<Digest>, RegistryError> {
    let Some(value) = headers.get("docker-content-digest") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    text.parse::<Digest>()
        .map(Some)
        .map_err(|e| RegistryError::BadResponse {
            what: what.to_string(),
            reason: format!("the Docker-Content-Digest header is not a digest: {e}"),
        })
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Reads a whole body, refusing more than `max` bytes (and reading at most `max + 1`).
pub(crate) fn read_bounded(
    response: Response,
    max: u64,
    what: &str,
) -> Result<Vec<u8>, RegistryError> {
    if content_length(response.headers()).is_some_and(|len| len > max) {
        return Err(RegistryError::TooLarge {
            what: what.to_string(),
            max,
        });
    }
    let host = response.url().host_str().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    response
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| RegistryError::Connection {
            what: what.to_string(),
            host,
            detail: format!("the response broke off: {}", chain(&e)),
            hint: String::new(),
        })?;
    if bytes.len() as u64 > max {
        return Err(RegistryError::TooLarge {
            what: what.to_string(),
            max,
        });
    }
    Ok(bytes)
}

fn accept_header(accept: &[&str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&accept.join(", ")) {
        if !accept.is_empty() {
            headers.insert(ACCEPT, value);
        }
    }
    headers
}

impl Client {
    /// A client with these options.
    pub fn new(options: ClientOptions) -> Result<Client, RegistryError> {
        Client::with_helper_path(options, None)
    }

    /// A client that looks for credential helpers in `helper_path` instead of `$PATH`.
    pub(crate) fn with_helper_path(
        options: ClientOptions,
        helper_path: Option<OsString>,
    ) -> Result<Client, RegistryError> {
        let http = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(READ_TIMEOUT)
            .user_agent(concat!("seatbelt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RegistryError::Setup(chain(&e)))?;
        Ok(Client {
            inner: Arc::new(Inner::new(http, options, helper_path)),
        })
    }

    /// Fetches a manifest or index by the reference's digest, or else its tag, refusing bodies
    /// over `max_bytes`. The caller verifies the bytes against the digest it trusts.
    pub fn get_manifest(
        &self,
        reference: &Reference,
        accept: &[&str],
        max_bytes: u64,
    ) -> Result<FetchedManifest, RegistryError> {
        let (call, url) = self.manifest_pull(reference)?;
        let response =
            self.inner
                .execute(&call, Method::GET, url, &accept_header(accept), &None)?;
        if !response.status().is_success() {
            return Err(self.inner.fail(&call, response));
        }
        let media_type = media_type(response.headers());
        let digest = header_digest(response.headers(), &call.what)?;
        let bytes = read_bounded(response, max_bytes, &call.what)?;
        Ok(FetchedManifest {
            bytes,
            media_type,
            digest,
        })
    }

    /// The pull call and URL of `reference`'s manifest (by digest when it has one, else its tag).
    fn manifest_pull<'a>(
        &self,
        reference: &'a Reference,
    ) -> Result<(Call<'a>, url::Url), RegistryError> {
        let call = Call::pull(
            format!("the manifest of {reference}"),
            reference,
            MANIFEST_NOT_FOUND,
        );
        let path = format!(
            "v2/{}/manifests/{}",
            reference.repository(),
            reference.manifest_reference()
        );
        let url = self.inner.url(&call, &path)?;
        Ok((call, url))
    }

    /// Asks whether a manifest exists, without downloading it; `None` when it does not.
    pub fn head_manifest(
        &self,
        reference: &Reference,
        accept: &[&str],
    ) -> Result<Option<ManifestHead>, RegistryError> {
        let (call, url) = self.manifest_pull(reference)?;
        let response =
            self.inner
                .execute(&call, Method::HEAD, url, &accept_header(accept), &None)?;
        if response.status().as_u16() == 404 {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.inner.fail(&call, response));
        }
        Ok(Some(ManifestHead {
            media_type: media_type(response.headers()),
            digest: header_digest(response.headers(), &call.what)?,
            size: content_length(response.headers()),
        }))
    }

    /// Opens a blob of the reference's repository as a stream (following redirects to storage,
    /// without credentials). The caller verifies its digest and size while reading.
    pub fn get_blob(&self, reference: &Reference, digest: &Digest) -> Result<Blob, RegistryError> {
        let call = Call::pull(
            format!(
                "blob {digest} of {}/{}",
                reference.registry(),
                reference.repository()
            ),
            reference,
            BLOB_NOT_FOUND,
        );
        let url = self.inner.url(
            &call,
            &format!("v2/{}/blobs/{digest}", reference.repository()),
        )?;
        let response = self
            .inner
            .execute(&call, Method::GET, url, &HeaderMap::new(), &None)?;
        if !response.status().is_success() {
            return Err(self.inner.fail(&call, response));
        }
        let size = content_length(response.headers());
        Ok(Blob {
            reader: Box::new(response),
            size,
        })
    }

    /// Whether the repository has the blob.
    pub fn blob_exists(
        &self,
        reference: &Reference,
        digest: &Digest,
    ) -> Result<bool, RegistryError> {
        let call = Call::pull(
            format!(
                "checking for blob {digest} in {}/{}",
                reference.registry(),
                reference.repository()
            ),
            reference,
            BLOB_NOT_FOUND,
        );
        let url = self.inner.url(
            &call,
            &format!("v2/{}/blobs/{digest}", reference.repository()),
        )?;
        let response = self
            .inner
            .execute(&call, Method::HEAD, url, &HeaderMap::new(), &None)?;
        match response.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(self.inner.fail(&call, response)),
        }
    }

    /// Asks the registry to link a blob from another repository of the same registry into this
    /// one. `true` when mounted; `false` when the caller must upload it.
    pub fn mount_blob(
        &self,
        reference: &Reference,
        digest: &Digest,
        from_repository: &str,
    ) -> Result<bool, RegistryError> {
        let mut call = Call::push(
            format!(
                "mounting blob {digest} from {from_repository} into {}/{}",
                reference.registry(),
                reference.repository()
            ),
            reference,
            BLOB_NOT_FOUND,
        );
        call.scopes
            .push(format!("repository:{from_repository}:pull"));
        let mut url = self.inner.url(
            &call,
            &format!("v2/{}/blobs/uploads/", reference.repository()),
        )?;
        url.query_pairs_mut()
            .append_pair("mount", &digest.to_string())
            .append_pair("from", from_repository);
        let response = self.inner.execute(
            &call,
            Method::POST,
            url,
            &HeaderMap::new(),
            &Some(Vec::new()),
        )?;
        match response.status().as_u16() {
            201 => Ok(true),
            202 => {
                // The registry opened an upload session instead; close it, the caller uploads.
                crate::upload::cancel(&self.inner, &call, &response);
                Ok(false)
            }
            _ => Err(self.inner.fail(&call, response)),
        }
    }

    /// Uploads a blob of `size` bytes read from `data`, streaming it (monolithic up to a
    /// threshold, chunked above it). The registry checks the digest; so should `data`.
    pub fn push_blob(
        &self,
        reference: &Reference,
        digest: &Digest,
        size: u64,
        data: &mut dyn Read,
    ) -> Result<(), RegistryError> {
        crate::upload::push_blob(&self.inner, reference, digest, size, data)
    }

    /// Stores a manifest under `tag_or_digest`; returns the digest of `bytes`, checked against
    /// what the registry reports.
    pub fn put_manifest(
        &self,
        reference: &Reference,
        tag_or_digest: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest, RegistryError> {
        let digest = Digest::sha256_of(bytes);
        let call = Call::push(
            format!(
                "pushing the manifest {}/{}:{tag_or_digest}",
                reference.registry(),
                reference.repository()
            ),
            reference,
            "the repository or a blob the manifest names is missing; push the blobs first",
        );
        match tag_or_digest.parse::<Digest>() {
            Ok(named) if named != digest => {
                return Err(RegistryError::DigestMismatch {
                    what: call.what,
                    expected: named,
                    actual: digest,
                });
            }
            Ok(_) => {}
            // Validated, so a tag can never smuggle a path into the URL.
            Err(_) => {
                reference.with_tag(tag_or_digest)?;
            }
        }
        let url = self.inner.url(
            &call,
            &format!("v2/{}/manifests/{tag_or_digest}", reference.repository()),
        )?;
        let mut headers = HeaderMap::new();
        let content_type =
            HeaderValue::from_str(media_type).map_err(|_| RegistryError::BadResponse {
                what: call.what.clone(),
                reason: format!("the media type `{media_type}` cannot be sent as a header"),
            })?;
        headers.insert(CONTENT_TYPE, content_type);
        let response =
            self.inner
                .execute(&call, Method::PUT, url, &headers, &Some(bytes.to_vec()))?;
        if !response.status().is_success() {
            return Err(self.inner.fail(&call, response));
        }
        if let Some(reported) = header_digest(response.headers(), &call.what)? {
            if reported != digest && reported.algorithm() == digest.algorithm() {
                return Err(RegistryError::DigestMismatch {
                    what: call.what,
                    expected: digest,
                    actual: reported,
                });
            }
        }
        Ok(digest)
    }

    /// The repository's tags, following pagination.
    pub fn list_tags(&self, reference: &Reference) -> Result<Vec<String>, RegistryError> {
        #[derive(serde::Deserialize)]
        struct Page {
            tags: Option<Vec<String>>,
        }
        let call = Call::pull(
            format!(
                "listing the tags of {}/{}",
                reference.registry(),
                reference.repository()
            ),
            reference,
            "no such repository",
        );
        let mut url = self
            .inner
            .url(&call, &format!("v2/{}/tags/list", reference.repository()))?;
        let mut tags = Vec::new();
        for _ in 0..MAX_TAG_PAGES {
            let response =
                self.inner
                    .execute(&call, Method::GET, url.clone(), &HeaderMap::new(), &None)?;
            if !response.status().is_success() {
                return Err(self.inner.fail(&call, response));
            }
            let next = response
                .headers()
                .get(LINK)
                .and_then(|l| l.to_str().ok())
                .and_then(next_link)
                .map(|l| self.inner.resolve_location(&call.what, &url, &l))
                .transpose()?;
            let bytes = read_bounded(response, MAX_TAG_PAGE_BYTES, &call.what)?;
            let page: Page =
                serde_json::from_slice(&bytes).map_err(|e| RegistryError::BadResponse {
                    what: call.what.clone(),
                    reason: format!("the tag list is not JSON of the spec's shape: {e}"),
                })?;
            tags.extend(page.tags.unwrap_or_default());
            match next {
                Some(n) => url = n,
                None => {
                    tags.sort();
                    tags.dedup();
                    return Ok(tags);
                }
            }
        }
        Err(RegistryError::BadResponse {
            what: call.what,
            reason: format!("more than {MAX_TAG_PAGES} pages of tags"),
        })
    }

    /// The referrers index of `digest` (artifacts such as signatures that name it as their
    /// subject), optionally filtered by artifact type. `None` when the registry does not support
    /// the referrers API, so callers can fall back to the `sha256-<hex>` tag scheme.
    pub fn referrers(
        &self,
        reference: &Reference,
        digest: &Digest,
        artifact_type: Option<&str>,
        max_bytes: u64,
    ) -> Result<Option<FetchedManifest>, RegistryError> {
        let call = Call::pull(
            format!(
                "the referrers of {}/{}@{digest}",
                reference.registry(),
                reference.repository()
            ),
            reference,
            MANIFEST_NOT_FOUND,
        );
        let mut url = self.inner.url(
            &call,
            &format!("v2/{}/referrers/{digest}", reference.repository()),
        )?;
        if let Some(t) = artifact_type {
            url.query_pairs_mut().append_pair("artifactType", t);
        }
        let headers = accept_header(&["application/vnd.oci.image.index.v1+json"]);
        let response = self
            .inner
            .execute(&call, Method::GET, url, &headers, &None)?;
        if response.status().as_u16() == 404 {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.inner.fail(&call, response));
        }
        let media_type = media_type(response.headers());
        let bytes = read_bounded(response, max_bytes, &call.what)?;
        Ok(Some(FetchedManifest {
            bytes,
            media_type,
            digest: None,
        }))
    }
}

/// The target of `Link: <url>; rel="next"`.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next")
            .then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        assert_eq!(
            next_link(r#"</v2/x/tags/list?n=2&last=b>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?n=2&last=b")
        );
        assert_eq!(next_link(r#"</a>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn content_types_lose_parameters() {
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert_eq!(media_type(&h).as_deref(), Some("application/json"));
    }
}
