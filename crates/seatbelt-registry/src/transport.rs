//! Sending one API call: choosing https or (for loopback and `--insecure-registry` hosts only)
//! http, attaching credentials only for the registry's own host, answering 401 challenges,
//! following redirects by hand, and retrying transient failures with bounded backoff.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use reqwest::header::{
    HeaderMap, HeaderValue, AUTHORIZATION, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::auth::{self, RegistryAuth, Scheme, TokenResponse};
use crate::credentials::{self, Secret};
use crate::error::{chain, StatusContext};
use crate::{challenge, is_loopback_host, ClientOptions, Reference, RegistryError};

/// Attempts per call for transient failures (429, 502, 503, 504, connection errors).
const MAX_ATTEMPTS: u32 = 4;
/// The first backoff; it doubles per attempt (0.25 s, 0.5 s, 1 s).
const BASE_BACKOFF: Duration = Duration::from_millis(250);
/// The longest `Retry-After` honoured; a registry asking for more gets this and then an error.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Redirects followed per call; blob downloads take one or two (registry → CDN).
pub(crate) const MAX_REDIRECTS: usize = 5;
/// The most of an error body read to find the registry's error codes.
const MAX_ERROR_BODY: u64 = 64 * 1024;
/// How long the https probe of a loopback or insecure registry may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// One logical API call: what it is for (errors name it) and what access it needs.
pub(crate) struct Call<'a> {
    pub(crate) what: String,
    pub(crate) reference: &'a Reference,
    pub(crate) scopes: Vec<String>,
    pub(crate) push: bool,
    pub(crate) not_found_hint: &'static str,
}

impl<'a> Call<'a> {
    pub(crate) fn pull(
        what: String,
        reference: &'a Reference,
        not_found_hint: &'static str,
    ) -> Self {
        Call {
            what,
            scopes: vec![format!("repository:{}:pull", reference.repository())],
            reference,
            push: false,
            not_found_hint,
        }
    }

    pub(crate) fn push(
        what: String,
        reference: &'a Reference,
        not_found_hint: &'static str,
    ) -> Self {
        Call {
            what,
            scopes: vec![format!("repository:{}:pull,push", reference.repository())],
            reference,
            push: true,
            not_found_hint,
        }
    }
}

/// A request body that can be sent again (for retries, 401 rounds and 307 redirects).
pub(crate) type Body = Option<Vec<u8>>;

/// How the registry on one host is reached.
#[derive(Clone)]
struct Base {
    url: Url,
    /// Why https failed when the probe fell back to http (for hints).
    tls_error: Option<String>,
}

/// The shared state behind a [`crate::Client`].
pub(crate) struct Inner {
    pub(crate) http: Http,
    pub(crate) options: ClientOptions,
    /// Where credential helpers are searched (default `$PATH`).
    pub(crate) helper_path: Option<OsString>,
    bases: Mutex<HashMap<String, Base>>,
    auth: Mutex<HashMap<String, RegistryAuth>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps hold caches only; a panic elsewhere cannot leave them inconsistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `host:port` of a URL, the unit credentials are scoped to.
pub(crate) fn origin(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    )
}

/// A URL for messages and logs: no query (upload state) and no user info.
pub(crate) fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn retryable_error(err: &reqwest::Error) -> bool {
    err.is_connect() || err.is_timeout() || err.is_request()
}

fn backoff(attempt: u32) -> Duration {
    BASE_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1))
}

fn retry_after(response: &Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// Who may receive an `Authorization` header during one call.
enum AuthMode<'a> {
    /// The registry's own credentials, for its host only, with 401 challenges answered.
    Registry(&'a Call<'a>),
    /// A fixed header (Basic to a token service) for one origin only.
    Fixed {
        origin: String,
        header: Option<HeaderValue>,
    },
}

impl Inner {
    pub(crate) fn new(http: Http, options: ClientOptions, helper_path: Option<OsString>) -> Inner {
        Inner {
            http,
            options,
            helper_path,
            bases: Mutex::new(HashMap::new()),
            auth: Mutex::new(HashMap::new()),
        }
    }

    /// Whether plain HTTP is allowed to `host[:port]`.
    pub(crate) fn http_allowed(&self, host_port: &str) -> bool {
        let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
        is_loopback_host(host_port)
            || self
                .options
                .insecure_registries
                .iter()
                .any(|i| i == host_port || i == host)
    }

    fn url_http_allowed(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or_default();
        let host_port = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        self.http_allowed(&host_port)
    }

    fn base(&self, reference: &Reference, what: &str) -> Result<Base, RegistryError> {
        let host = reference.api_host();
        if let Some(base) = lock(&self.bases).get(host) {
            return Ok(base.clone());
        }
        let parse = |scheme: &str| {
            Url::parse(&format!("{scheme}://{host}/")).map_err(|e| RegistryError::BadResponse {
                what: what.to_string(),
                reason: format!("`{host}` does not make a URL: {e}"),
            })
        };
        let https = parse("https")?;
        let base = if self.http_allowed(host) {
            // Like Docker for insecure registries: https if it answers, else plain http.
            let probe = https.join("v2/").unwrap_or_else(|_| https.clone());
            match self.http.get(probe).timeout(PROBE_TIMEOUT).send() {
                Ok(_) => Base {
                    url: https,
                    tls_error: None,
                },
                Err(e) => {
                    tracing::debug!(host, "https probe failed, using plain http");
                    Base {
                        url: parse("http")?,
                        tls_error: Some(chain(&e)),
                    }
                }
            }
        } else {
            Base {
                url: https,
                tls_error: None,
            }
        };
        lock(&self.bases).insert(host.to_string(), base.clone());
        Ok(base)
    }

    /// The URL of `path` (relative, `v2/...`) on the registry.
    pub(crate) fn url(&self, call: &Call<'_>, path: &str) -> Result<Url, RegistryError> {
        let base = self.base(call.reference, &call.what)?;
        base.url.join(path).map_err(|e| RegistryError::BadResponse {
            what: call.what.clone(),
            reason: format!("cannot build the URL for `{path}`: {e}"),
        })
    }

    /// Resolves a `Location` the registry sent, refusing a drop to plain HTTP.
    pub(crate) fn resolve_location(
        &self,
        what: &str,
        current: &Url,
        location: &str,
    ) -> Result<Url, RegistryError> {
        let next = current
            .join(location)
            .map_err(|e| RegistryError::BadResponse {
                what: what.to_string(),
                reason: format!("the Location `{location}` is not a URL: {e}"),
            })?;
        match next.scheme() {
            "https" => Ok(next),
            "http" if self.url_http_allowed(&next) => Ok(next),
            "http" => Err(RegistryError::InsecureUrl {
                what: what.to_string(),
                location: display_url(&next),
            }),
            other => Err(RegistryError::BadResponse {
                what: what.to_string(),
                reason: format!("the Location uses the scheme `{other}`"),
            }),
        }
    }

    fn secret(&self, registry: &str) -> Result<Option<Secret>, RegistryError> {
        if let Some(known) = lock(&self.auth)
            .get(registry)
            .and_then(|a| a.secret.clone())
        {
            return Ok(known);
        }
        let secret = match &self.options.credentials {
            Some(c) => Some(Secret::Basic(c.clone())),
            None => match self
                .options
                .docker_config
                .clone()
                .or_else(credentials::default_config_path)
            {
                Some(path) => credentials::lookup(registry, &path, self.helper_path.as_ref())?,
                None => None,
            },
        };
        lock(&self.auth)
            .entry(registry.to_string())
            .or_default()
            .secret = Some(secret.clone());
        Ok(secret)
    }

    /// The `Authorization` header for a call to the registry's own host, fetching a token when
    /// the registry uses bearer tokens and none is cached for the call's scopes.
    fn authorization(&self, call: &Call<'_>) -> Result<Option<HeaderValue>, RegistryError> {
        let registry = call.reference.registry();
        let scheme = {
            let map = lock(&self.auth);
            let Some(state) = map.get(registry) else {
                return Ok(None);
            };
            if let Some(token) = state.token(&call.scopes) {
                return Ok(Some(token));
            }
            state.scheme.clone()
        };
        // Credentials are looked up only once the registry has asked for them, so a public
        // image never runs a credential helper.
        match scheme {
            Scheme::Unknown => Ok(None),
            Scheme::Basic => Ok(match self.secret(registry)? {
                Some(Secret::Basic(c)) => auth::basic_header(&c.username, &c.password),
                _ => None,
            }),
            Scheme::Bearer { realm, service } => {
                let secret = self.secret(registry)?;
                let (token, expires_in) =
                    self.fetch_token(call, &realm, service.as_deref(), secret.as_ref())?;
                Ok(lock(&self.auth)
                    .entry(registry.to_string())
                    .or_default()
                    .store_token(&call.scopes, &token, expires_in))
            }
        }
    }

    fn fetch_token(
        &self,
        call: &Call<'_>,
        realm: &str,
        service: Option<&str>,
        secret: Option<&Secret>,
    ) -> Result<(String, Option<u64>), RegistryError> {
        let registry = call.reference.registry();
        let auth_err = |reason: String| RegistryError::Auth {
            registry: registry.to_string(),
            reason,
        };
        let mut url = Url::parse(realm)
            .map_err(|e| auth_err(format!("the token realm `{realm}` is not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.url_http_allowed(&url) => {}
            _ => {
                return Err(auth_err(format!(
                    "refusing to send credentials to the token service {} over plain HTTP",
                    display_url(&url)
                )))
            }
        }
        let what = format!(
            "a token for {} from {}",
            call.scopes.join(" "),
            display_url(&url)
        );
        let (method, body, header) = match secret {
            // An identity token is an OAuth2 refresh token, exchanged with a POST.
            Some(Secret::IdentityToken(refresh)) => {
                let form = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", refresh)
                    .append_pair("service", service.unwrap_or_default())
                    .append_pair("client_id", "seatbelt")
                    .append_pair("scope", &call.scopes.join(" "))
                    .finish();
                (Method::POST, Some(form.into_bytes()), None)
            }
            other => {
                {
                    let mut query = url.query_pairs_mut();
                    if let Some(service) = service {
                        query.append_pair("service", service);
                    }
                    for scope in &call.scopes {
                        query.append_pair("scope", scope);
                    }
                }
                let header = match other {
                    Some(Secret::Basic(c)) => auth::basic_header(&c.username, &c.password),
                    _ => None,
                };
                (Method::GET, None, header)
            }
        };
        let mut headers = HeaderMap::new();
        if method == Method::POST {
            headers.insert(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
        let mode = AuthMode::Fixed {
            origin: origin(&url),
            header,
        };
        let response = self.send(&mode, &what, method, url, &headers, &body)?;
        let status = response.status();
        let mut bytes = Vec::new();
        response
            .take(auth::MAX_TOKEN_RESPONSE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| auth_err(format!("reading {what} failed: {e}")))?;
        if !status.is_success() {
            let codes = crate::error::ErrorCodes::parse(&bytes);
            let hint = if status.as_u16() == 401 || status.as_u16() == 403 {
                if secret.is_some() {
                    "; the credentials were refused: check them"
                } else {
                    "; log in with --username/--password-stdin or `docker login`"
                }
            } else {
                ""
            };
            return Err(auth_err(format!(
                "{what} failed with HTTP {status}{codes}{hint}"
            )));
        }
        if bytes.len() as u64 > auth::MAX_TOKEN_RESPONSE_BYTES {
            return Err(auth_err(format!(
                "{what}: the answer is larger than {} bytes",
                auth::MAX_TOKEN_RESPONSE_BYTES
            )));
        }
        serde_json::from_slice::<TokenResponse>(&bytes)
            .ok()
            .and_then(TokenResponse::into_token)
            .ok_or_else(|| {
                auth_err(format!(
                    "{what}: the answer has no `token` or `access_token`"
                ))
            })
    }

    /// Whether a secret is configured for the call's registry (for hints).
    pub(crate) fn has_secret(&self, call: &Call<'_>) -> bool {
        self.secret(call.reference.registry())
            .is_ok_and(|s| s.is_some())
    }

    /// The error for a response with an unexpected status, with the registry's error codes.
    pub(crate) fn fail(&self, call: &Call<'_>, response: Response) -> RegistryError {
        let status = response.status().as_u16();
        let mut body = Vec::new();
        let _ = response.take(MAX_ERROR_BODY).read_to_end(&mut body);
        // A TLS server answering our plain-HTTP fallback: the real problem is the certificate.
        if status == 400
            && String::from_utf8_lossy(&body).contains("HTTP request to an HTTPS server")
        {
            let tls = lock(&self.bases)
                .get(call.reference.api_host())
                .and_then(|b| b.tls_error.clone())
                .unwrap_or_default();
            return RegistryError::Connection {
                what: call.what.clone(),
                host: call.reference.api_host().to_string(),
                detail: format!(
                    "the registry speaks HTTPS, but its certificate was not accepted: {tls}"
                ),
                hint: "; add the registry's CA certificate to the system trust store".to_string(),
            };
        }
        RegistryError::from_status(
            status,
            &call.what,
            call.reference.registry(),
            &body,
            StatusContext {
                push: call.push,
                sent_credentials: self.has_secret(call),
                not_found_hint: call.not_found_hint,
            },
        )
    }

    /// The `Authorization` header to attach for a request to `url` (none for other hosts).
    pub(crate) fn authorization_for(
        &self,
        call: &Call<'_>,
        url: &Url,
    ) -> Result<Option<HeaderValue>, RegistryError> {
        let base = self.base(call.reference, &call.what)?;
        if origin(url) != origin(&base.url) {
            return Ok(None);
        }
        self.authorization(call)
    }

    /// The error for a transport failure, with a hint when TLS is the likely cause.
    pub(crate) fn connection_error(
        &self,
        call: &Call<'_>,
        url: &Url,
        err: &reqwest::Error,
    ) -> RegistryError {
        let tls = lock(&self.bases)
            .get(call.reference.api_host())
            .and_then(|b| b.tls_error.clone());
        let hint = match tls {
            Some(tls) if err.is_connect() => format!(
                "; https failed too ({tls}); if the registry uses TLS with a private CA, add the CA to the system trust store"
            ),
            _ if url.scheme() == "https" && call.reference.is_loopback() => {
                "; if this loopback registry speaks plain HTTP or uses a self-signed certificate, check its TLS setup".to_string()
            }
            _ => String::new(),
        };
        RegistryError::Connection {
            what: call.what.clone(),
            host: url.host_str().unwrap_or_default().to_string(),
            detail: chain(err),
            hint,
        }
    }

    /// Sends a registry API call, answering challenges, following redirects and retrying.
    /// Returns the final response whatever its status; callers check it.
    pub(crate) fn execute(
        &self,
        call: &Call<'_>,
        method: Method,
        url: Url,
        headers: &HeaderMap,
        body: &Body,
    ) -> Result<Response, RegistryError> {
        self.send(
            &AuthMode::Registry(call),
            &call.what,
            method,
            url,
            headers,
            body,
        )
    }

    fn send(
        &self,
        mode: &AuthMode<'_>,
        what: &str,
        method: Method,
        url: Url,
        headers: &HeaderMap,
        body: &Body,
    ) -> Result<Response, RegistryError> {
        let mut attempt = 0;
        let mut challenged = false;
        'attempts: loop {
            attempt += 1;
            let mut url = url.clone();
            let mut method = method.clone();
            let mut body = body.clone();
            let mut redirects = 0;
            loop {
                let authorization = match mode {
                    AuthMode::Registry(call) => self.authorization_for(call, &url)?,
                    AuthMode::Fixed { origin: o, header } => {
                        header.clone().filter(|_| origin(&url) == *o)
                    }
                };
                let sent_auth = authorization.is_some();
                let mut request: RequestBuilder = self
                    .http
                    .request(method.clone(), url.clone())
                    .headers(headers.clone());
                if let Some(a) = authorization {
                    request = request.header(AUTHORIZATION, a);
                }
                if let Some(b) = &body {
                    request = request.body(b.clone());
                }
                tracing::debug!(%method, url = %display_url(&url), attempt, "registry request");
                let response = match request.send() {
                    Ok(r) => r,
                    Err(e) if attempt < MAX_ATTEMPTS && retryable_error(&e) => {
                        tracing::debug!(error = %chain(&e), "retrying after a connection error");
                        std::thread::sleep(backoff(attempt));
                        continue 'attempts;
                    }
                    Err(e) => {
                        return Err(match mode {
                            AuthMode::Registry(call) => self.connection_error(call, &url, &e),
                            AuthMode::Fixed { .. } => RegistryError::Connection {
                                what: what.to_string(),
                                host: url.host_str().unwrap_or_default().to_string(),
                                detail: chain(&e),
                                hint: String::new(),
                            },
                        })
                    }
                };
                let status = response.status();
                tracing::debug!(status = status.as_u16(), "registry response");
                if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                    let Some(location) = response
                        .headers()
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                    else {
                        return Ok(response);
                    };
                    let next = self.resolve_location(what, &url, location)?;
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(RegistryError::TooManyRedirects {
                            what: what.to_string(),
                            max: MAX_REDIRECTS,
                            location: display_url(&next),
                        });
                    }
                    if status == StatusCode::SEE_OTHER
                        || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
                    {
                        method = Method::GET;
                        body = None;
                    }
                    url = next;
                    continue;
                }
                if status == StatusCode::UNAUTHORIZED && !challenged {
                    if let AuthMode::Registry(call) = mode {
                        challenged = true;
                        if self.learn_challenge(call, &response, sent_auth)? {
                            // Not a transient failure: this round does not count as an attempt.
                            attempt -= 1;
                            continue 'attempts;
                        }
                    }
                }
                if retryable_status(status) && attempt < MAX_ATTEMPTS {
                    let delay = retry_after(&response).unwrap_or_else(|| backoff(attempt));
                    tracing::debug!(status = status.as_u16(), ?delay, "retrying");
                    std::thread::sleep(delay);
                    continue 'attempts;
                }
                return Ok(response);
            }
        }
    }

    /// Reads a 401's challenges into the registry's state; whether a retry can succeed.
    fn learn_challenge(
        &self,
        call: &Call<'_>,
        response: &Response,
        sent_auth: bool,
    ) -> Result<bool, RegistryError> {
        let mut challenges = Vec::new();
        for value in response.headers().get_all(WWW_AUTHENTICATE) {
            match value
                .to_str()
                .map_err(|e| e.to_string())
                .and_then(challenge::parse)
            {
                Ok(mut parsed) => challenges.append(&mut parsed),
                Err(reason) => {
                    tracing::debug!(%reason, "ignoring a malformed WWW-Authenticate header")
                }
            }
        }
        let registry = call.reference.registry();
        // Whether Basic can help depends on having a secret, so resolve it now.
        self.secret(registry)?;
        let mut map = lock(&self.auth);
        let state = map.entry(registry.to_string()).or_default();
        let had_scheme = !matches!(state.scheme, Scheme::Unknown);
        // A token that was sent and refused is stale (expired early, or too few actions).
        state.forget_token(&call.scopes);
        let can_retry = state.learn(&challenges);
        // Sending the same Basic credentials again cannot change the answer.
        Ok(can_retry && !(sent_auth && had_scheme && matches!(state.scheme, Scheme::Basic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_display_urls() {
        let u =
            Url::parse("https://user:pw@reg.example/v2/x/blobs/uploads/abc?_state=secret").unwrap();
        assert_eq!(origin(&u), "reg.example:443");
        assert_eq!(
            display_url(&u),
            "https://reg.example/v2/x/blobs/uploads/abc"
        );
        assert_eq!(
            origin(&Url::parse("http://127.0.0.1:5000/").unwrap()),
            "127.0.0.1:5000"
        );
    }

    #[test]
    fn backoff_grows_and_retry_after_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(250));
        assert_eq!(backoff(3), Duration::from_secs(1));
        assert!(backoff(40) >= backoff(3));
    }
}
