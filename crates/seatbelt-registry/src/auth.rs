//! Per-registry authentication state: which scheme the registry asked for, the secret to use,
//! and bearer tokens cached per scope set until shortly before they expire.
//! Token flow: <https://distribution.github.io/distribution/spec/auth/token/>, OAuth2 refresh
//! tokens: <https://distribution.github.io/distribution/spec/auth/oauth/>.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::HeaderValue;

use crate::challenge::Challenge;
use crate::credentials::Secret;

/// Tokens without `expires_in` live 60 s (the token spec's default).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// Refresh a token this long before it expires, so a long upload does not start with a token
/// about to die.
const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(15);
/// The largest token response read (real ones are a few KiB).
pub(crate) const MAX_TOKEN_RESPONSE_BYTES: u64 = 1024 * 1024;

/// What the registry said it wants.
#[derive(Debug, Clone, Default)]
pub(crate) enum Scheme {
    /// Not asked yet: requests go out anonymous until a 401 says otherwise.
    #[default]
    Unknown,
    /// HTTP Basic with the registry's own credentials.
    Basic,
    /// Bearer tokens from `realm` for `service`.
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

struct Token {
    header: HeaderValue,
    refresh_after: Instant,
}

/// The state for one registry.
#[derive(Default)]
pub(crate) struct RegistryAuth {
    /// `None` until looked up; then the secret or `None` for anonymous.
    pub(crate) secret: Option<Option<Secret>>,
    pub(crate) scheme: Scheme,
    tokens: HashMap<String, Token>,
}

impl std::fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryAuth")
            .field("scheme", &self.scheme)
            .field(
                "has_secret",
                &self.secret.as_ref().is_some_and(Option::is_some),
            )
            .field("cached_tokens", &self.tokens.len())
            .finish()
    }
}

/// The cache key of a scope set (order-insensitive).
pub(crate) fn scope_key(scopes: &[String]) -> String {
    let mut sorted: Vec<&str> = scopes.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join(" ")
}

impl RegistryAuth {
    /// The cached token for `scopes`, if still fresh.
    pub(crate) fn token(&self, scopes: &[String]) -> Option<HeaderValue> {
        self.tokens
            .get(&scope_key(scopes))
            .filter(|t| Instant::now() < t.refresh_after)
            .map(|t| t.header.clone())
    }

    pub(crate) fn store_token(
        &mut self,
        scopes: &[String],
        token: &str,
        expires_in: Option<u64>,
    ) -> Option<HeaderValue> {
        let header = sensitive(&format!("Bearer {token}"))?;
        let lifetime = expires_in
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TOKEN_LIFETIME);
        let refresh_after = Instant::now()
            + lifetime
                .saturating_sub(TOKEN_REFRESH_MARGIN)
                .max(Duration::from_secs(1));
        self.tokens.insert(
            scope_key(scopes),
            Token {
                header: header.clone(),
                refresh_after,
            },
        );
        Some(header)
    }

    pub(crate) fn forget_token(&mut self, scopes: &[String]) {
        self.tokens.remove(&scope_key(scopes));
    }

    /// Learns from a 401's challenges; returns whether retrying with credentials can help.
    pub(crate) fn learn(&mut self, challenges: &[Challenge]) -> bool {
        let bearer = challenges.iter().find(|c| c.scheme == "bearer");
        if let Some(realm) = bearer.and_then(|c| c.param("realm")) {
            self.scheme = Scheme::Bearer {
                realm: realm.to_string(),
                service: bearer.and_then(|c| c.param("service")).map(str::to_string),
            };
            // Anonymous tokens are normal (public images on Docker Hub), so a bearer challenge
            // is always worth one round.
            return true;
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            self.scheme = Scheme::Basic;
            return matches!(self.secret, Some(Some(Secret::Basic(_))));
        }
        false
    }
}

/// A header value that `Debug` output and HTTP/2 header compression treat as secret.
pub(crate) fn sensitive(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// `Authorization: Basic …` for a user name and password.
pub(crate) fn basic_header(username: &str, password: &str) -> Option<HeaderValue> {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    sensitive(&format!("Basic {encoded}"))
}

/// What a token service answers.
#[derive(serde::Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) token: Option<String>,
    pub(crate) access_token: Option<String>,
    pub(crate) expires_in: Option<u64>,
}

impl TokenResponse {
    /// The token, preferring `token` as Docker does (both are allowed by the spec).
    pub(crate) fn into_token(self) -> Option<(String, Option<u64>)> {
        let token = self
            .token
            .filter(|t| !t.is_empty())
            .or(self.access_token.filter(|t| !t.is_empty()))?;
        Some((token, self.expires_in))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge;

    #[test]
    fn tokens_are_cached_per_scope_set() {
        let mut auth = RegistryAuth::default();
        let a = vec![
            "repository:x:pull".to_string(),
            "repository:y:pull".to_string(),
        ];
        let b = vec![
            "repository:y:pull".to_string(),
            "repository:x:pull".to_string(),
        ];
        assert!(auth.token(&a).is_none());
        auth.store_token(&a, "t1", Some(300));
        assert_eq!(auth.token(&b).unwrap().to_str().unwrap(), "Bearer t1");
        assert!(auth
            .token(&["repository:x:pull,push".to_string()])
            .is_none());
        auth.forget_token(&b);
        assert!(auth.token(&a).is_none());
        // A token that expires within the margin is not used.
        auth.store_token(&a, "t2", Some(5));
        assert!(auth.token(&a).is_some());
    }

    #[test]
    fn learning_challenges() {
        let mut auth = RegistryAuth::default();
        let cs = challenge::parse(r#"Basic realm="r""#).unwrap();
        assert!(!auth.learn(&cs), "basic without a secret cannot help");
        auth.secret = Some(Some(Secret::Basic(crate::Credentials {
            username: "u".into(),
            password: "hunter2".into(),
        })));
        assert!(auth.learn(&cs));
        assert!(!format!("{auth:?}").contains("hunter2"));
        let cs = challenge::parse(r#"Bearer realm="https://a/t",service="s""#).unwrap();
        assert!(auth.learn(&cs));
        assert!(
            matches!(&auth.scheme, Scheme::Bearer { realm, service: Some(s) } if realm == "https://a/t" && s == "s")
        );
    }

    #[test]
    fn headers_are_sensitive_and_token_fields_accepted() {
        let h = basic_header("u", "secret").unwrap();
        assert!(h.is_sensitive());
        assert!(!format!("{h:?}").contains("dTpzZWNyZXQ"));
        let r: TokenResponse =
            serde_json::from_str(r#"{"access_token":"a","expires_in":9}"#).unwrap();
        assert_eq!(r.into_token(), Some(("a".to_string(), Some(9))));
        let r: TokenResponse = serde_json::from_str(r#"{"token":"","access_token":""}"#).unwrap();
        assert_eq!(r.into_token(), None);
    }
}
