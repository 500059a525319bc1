//! Errors from talking to a registry. Credentials never appear in any message: errors carry
//! registry names, repositories, digests, HTTP statuses and the registry's own error codes.

use std::fmt;

/// The most error entries kept from a registry's error body.
const MAX_ERROR_ENTRIES: usize = 5;
/// The longest message kept from one entry (a hostile registry could send megabytes).
const MAX_ERROR_MESSAGE_CHARS: usize = 200;

/// The `{"errors":[{"code","message"}]}` a registry sends with a failure, trimmed and sanitised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorCodes(pub Vec<(String, String)>);

impl ErrorCodes {
    /// Parses an error body; anything that is not the spec's shape yields no codes.
    pub fn parse(body: &[u8]) -> ErrorCodes {
        #[derive(serde::Deserialize)]
        struct Body {
            errors: Vec<Entry>,
        }
        #[derive(serde::Deserialize)]
        struct Entry {
            code: Option<String>,
            message: Option<String>,
        }
        let Ok(parsed) = serde_json::from_slice::<Body>(body) else {
            return ErrorCodes::default();
        };
        ErrorCodes(
            parsed
                .errors
                .into_iter()
                .take(MAX_ERROR_ENTRIES)
                .map(|e| {
                    (
                        sanitise(&e.code.unwrap_or_default()),
                        sanitise(&e.message.unwrap_or_default()),
                    )
                })
                .collect(),
        )
    }

    /// Whether the registry sent `code`.
    pub fn contains(&self, code: &str) -> bool {
        self.0.iter().any(|(c, _)| c == code)
    }
}

/// Keeps registry-supplied text to one short printable line, so it cannot forge terminal output.
fn sanitise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_ERROR_MESSAGE_CHARS)
        .collect()
}

impl fmt::Display for ErrorCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (code, message)) in self.0.iter().enumerate() {
            f.write_str(if i == 0 {
                "; the registry says: "
            } else {
                ", "
            })?;
            match (code.is_empty(), message.is_empty()) {
                (false, false) => write!(f, "{code} ({message})")?,
                (false, true) => f.write_str(code)?,
                (true, _) => f.write_str(message)?,
            }
        }
        Ok(())
    }
}

/// An error from the registry client.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The reference is not valid.
    #[error(transparent)]
    Reference(#[from] crate::ReferenceError),
    /// The HTTP client could not be built (TLS backend initialisation).
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// The registry (or its token service) could not be reached, after retries.
    #[error("cannot reach {host} for {what}: {detail}{hint}")]
    Connection {
        /// What was being done ("manifest of docker.io/library/debian:12").
        what: String,
        /// The host contacted.
        host: String,
        /// The transport's error chain.
        detail: String,
        /// What to try, if anything (starts with "; ").
        hint: String,
    },
    /// The registry wants credentials, or refused the ones sent.
    #[error("{what}: {registry} answered HTTP 401 Unauthorized{codes}; {hint}")]
    Unauthorized {
        /// What was being done.
        what: String,
        /// The registry.
        registry: String,
        /// The registry's error codes.
        codes: ErrorCodes,
        /// What to do.
        hint: String,
    },
    /// The credentials are valid but do not grant access.
    #[error("{what}: {registry} answered HTTP 403 Forbidden{codes}; the account has no {access} access to this repository")]
    Denied {
        /// What was being done.
        what: String,
        /// The registry.
        registry: String,
        /// The registry's error codes.
        codes: ErrorCodes,
        /// `pull` or `push`.
        access: &'static str,
    },
    /// The manifest, tag, blob or repository does not exist.
    #[error("{what}: not found (HTTP 404){codes}; {hint}")]
    NotFound {
        /// What was asked for.
        what: String,
        /// The registry's error codes.
        codes: ErrorCodes,
        /// What to do.
        hint: &'static str,
    },
    /// Any other unexpected HTTP status.
    #[error("{what}: the registry answered HTTP {status}{codes}")]
    Status {
        /// What was being done.
        what: String,
        /// The HTTP status.
        status: u16,
        /// The registry's error codes.
        codes: ErrorCodes,
    },
    /// A response was larger than its limit.
    #[error(
        "{what} is larger than the limit of {max} bytes; the registry is misbehaving or hostile"
    )]
    TooLarge {
        /// What was read.
        what: String,
        /// The limit.
        max: u64,
    },
    /// Redirects went on too long (or in a loop).
    #[error(
        "{what}: more than {max} redirects, the last to {location}; the registry is misconfigured"
    )]
    TooManyRedirects {
        /// What was being done.
        what: String,
        /// The limit.
        max: usize,
        /// The last redirect target (without its query).
        location: String,
    },
    /// A URL the registry sent would drop to plain HTTP on a host that is not trusted for it.
    #[error("{what}: refused to follow {location} over plain HTTP; only loopback hosts and --insecure-registry hosts may use HTTP")]
    InsecureUrl {
        /// What was being done.
        what: String,
        /// The URL (without its query).
        location: String,
    },
    /// The registry's answer does not follow the distribution spec.
    #[error("{what}: the registry's answer is malformed: {reason}")]
    BadResponse {
        /// What was being done.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// Authentication could not be completed (token service failure, unusable challenge).
    #[error("cannot authenticate to {registry}: {reason}")]
    Auth {
        /// The registry.
        registry: String,
        /// What went wrong and what to do.
        reason: String,
    },
    /// Credentials could not be read (Docker config, credential helper).
    #[error("cannot get credentials for {registry} from {from}: {reason}")]
    Credentials {
        /// The registry.
        registry: String,
        /// The config file or helper.
        from: String,
        /// What went wrong.
        reason: String,
    },
    /// The registry reports a different digest than the content has.
    #[error("{what}: expected digest {expected}, but the registry reports {actual}; the registry is misbehaving")]
    DigestMismatch {
        /// What was being done.
        what: String,
        /// The digest of the content.
        expected: seatbelt_types::Digest,
        /// The digest the registry reported or the caller named.
        actual: seatbelt_types::Digest,
    },
    /// Reading the data to upload failed (including a digest or size mismatch found while
    /// streaming, which the source reports through the `io::Error`).
    #[error("reading the data for {what} failed: {source}")]
    Source {
        /// The upload.
        what: String,
        /// The reader's error.
        source: std::io::Error,
    },
}

impl RegistryError {
    /// Builds the error for an unexpected status, choosing the variant and hint from the status.
    pub(crate) fn from_status(
        status: u16,
        what: &str,
        registry: &str,
        body: &[u8],
        context: StatusContext,
    ) -> RegistryError {
        let codes = ErrorCodes::parse(body);
        match status {
            401 => RegistryError::Unauthorized {
                what: what.to_string(),
                registry: registry.to_string(),
                codes,
                hint: if context.sent_credentials {
                    "the credentials were refused; check the user name and password or token"
                        .to_string()
                } else {
                    format!("log in with --username/--password-stdin or `docker login {registry}`")
                },
            },
            403 => RegistryError::Denied {
                what: what.to_string(),
                registry: registry.to_string(),
                codes,
                access: if context.push { "push" } else { "pull" },
            },
            404 => RegistryError::NotFound {
                what: what.to_string(),
                codes,
                hint: context.not_found_hint,
            },
            _ => RegistryError::Status {
                what: what.to_string(),
                status,
                codes,
            },
        }
    }
}

/// What a failed call was doing, to choose the error's hint.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StatusContext {
    pub(crate) push: bool,
    pub(crate) sent_credentials: bool,
    pub(crate) not_found_hint: &'static str,
}

/// The text of an error and its causes, for errors that cannot be kept as sources.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_parsed_trimmed_and_sanitised() {
        let body = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown\u001b[31m"},{"code":"X"}]}"#;
        let codes = ErrorCodes::parse(body);
        assert!(codes.contains("MANIFEST_UNKNOWN"));
        assert_eq!(
            codes.to_string(),
            "; the registry says: MANIFEST_UNKNOWN (manifest unknown[31m), X"
        );
        assert_eq!(ErrorCodes::parse(b"<html>").to_string(), "");
        let long = format!(
            r#"{{"errors":[{{"code":"C","message":"{}"}}]}}"#,
            "a".repeat(5000)
        );
        assert!(ErrorCodes::parse(long.as_bytes()).to_string().len() < 300);
    }

    #[test]
    fn statuses_choose_hints() {
        let ctx = StatusContext {
            push: false,
            sent_credentials: false,
            not_found_hint: "no such image or tag",
        };
        let e = RegistryError::from_status(401, "manifest of r/x:1", "r", b"", ctx).to_string();
        assert!(e.contains("docker login r"), "{e}");
        let e = RegistryError::from_status(404, "manifest of r/x:1", "r", b"", ctx).to_string();
        assert!(e.contains("no such image or tag"), "{e}");
        let e = RegistryError::from_status(500, "manifest of r/x:1", "r", b"", ctx).to_string();
        assert!(e.contains("HTTP 500"), "{e}");
    }
}
