//! Image references as Docker and every OCI tool write them: `[registry/]repository[:tag][@digest]`,
//! with Docker Hub's defaults (`debian:12` is `docker.io/library/debian:12`).
//! Grammar: <https://github.com/distribution/reference/blob/main/reference.go>.

use std::fmt;
use std::str::FromStr;

use seatbelt_types::Digest;

/// The registry a reference without one means.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that actually serves Docker Hub's API.
const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
/// The longest reference accepted (the distribution project's own limit on names is 255).
const MAX_REFERENCE_LEN: usize = 1024;

/// Why a string is not an image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Empty, too long or otherwise unusable.
    #[error("`{reference}` is not an image reference: {reason}")]
    Invalid {
        /// The text as given.
        reference: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The part after `@` is not a digest.
    #[error("`{reference}` has a bad digest: {source}")]
    BadDigest {
        /// The text as given.
        reference: String,
        /// The digest's own error.
        source: seatbelt_types::DigestError,
    },
}

/// A fully qualified reference to an image in a registry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl Reference {
    /// A reference from its parts; `tag` and `digest` may both be absent (the tag `latest` is then meant).
    pub fn new(
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        digest: Option<Digest>,
    ) -> Result<Reference, ReferenceError> {
        let text = format!("{registry}/{repository}");
        validate_repository(repository, &text)?;
        if let Some(tag) = tag {
            validate_tag(tag, &text)?;
        }
        Ok(Reference {
            registry: canonical_registry(registry),
            repository: repository.to_string(),
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The registry as written, normalised (`docker.io` for Docker Hub).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The host (and port) to send API calls to.
    pub fn api_host(&self) -> &str {
        if self.registry == DOCKER_HUB {
            DOCKER_HUB_API_HOST
        } else {
            &self.registry
        }
    }

    /// The repository path (`library/debian`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if one was given.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest, if one was given.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// What to ask the registry for: the digest when there is one (never trust a tag over a
    /// digest), else the tag, else `latest`.
    pub fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_string(),
        }
    }

    /// The same repository with another tag and no digest.
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ReferenceError> {
        Reference::new(&self.registry, &self.repository, Some(tag), None)
    }

    /// The same repository pinned to `digest` (the tag is kept for display).
    pub fn with_digest(&self, digest: Digest) -> Reference {
        Reference {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// Whether the registry is on this machine, where plain HTTP is allowed.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.registry)
    }
}

/// Whether `host[:port]` names this machine.
pub fn is_loopback_host(host_port: &str) -> bool {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn canonical_registry(registry: &str) -> String {
    match registry {
        "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
        other => other.to_string(),
    }
}

fn invalid(reference: &str, reason: &'static str) -> ReferenceError {
    ReferenceError::Invalid {
        reference: reference.to_string(),
        reason,
    }
}

fn validate_repository(repository: &str, reference: &str) -> Result<(), ReferenceError> {
    if repository.is_empty() || repository.len() > 255 {
        return Err(invalid(
            reference,
            "the repository name must be 1 to 255 characters",
        ));
    }
    for component in repository.split('/') {
        let ok = !component.is_empty()
            && component
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && component
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && component
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if !ok {
            return Err(invalid(
                reference,
                "repository components are lowercase letters, digits and `._-`, starting and ending with a letter or digit",
            ));
        }
    }
    Ok(())
}

fn validate_tag(tag: &str, reference: &str) -> Result<(), ReferenceError> {
    let ok = !tag.is_empty()
        && tag.len() <= 128
        && tag
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            reference,
            "a tag is 1 to 128 of `A-Za-z0-9_.-`, not starting with `.` or `-`",
        ))
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > MAX_REFERENCE_LEN {
            return Err(invalid(s, "it is empty or longer than 1024 characters"));
        }
        let (name_and_tag, digest) = match s.split_once('@') {
            Some((n, d)) => {
                let digest = d
                    .parse::<Digest>()
                    .map_err(|source| ReferenceError::BadDigest {
                        reference: s.to_string(),
                        source,
                    })?;
                (n, Some(digest))
            }
            None => (s, None),
        };
        // A tag follows the last `:` only if no `/` comes after it (else the `:` was a port).
        let (name, tag) = match name_and_tag.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n, Some(t)),
            _ => (name_and_tag, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.starts_with('[') =>
            {
                (first.to_string(), rest.to_string())
            }
            _ => (DOCKER_HUB.to_string(), name.to_string()),
        };
        let registry = canonical_registry(&registry);
        let repository = if registry == DOCKER_HUB && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        validate_repository(&repository, s)?;
        if let Some(tag) = tag {
            validate_tag(tag, s)?;
        }
        Ok(Reference {
            registry,
            repository,
            tag: tag.map(str::to_string),
            digest,
        })
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Reference {
        s.parse().unwrap()
    }

    #[test]
    fn docker_hub_short_names_expand() {
        let r = parse("debian:12");
        assert_eq!(r.to_string(), "docker.io/library/debian:12");
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert_eq!(
            parse("bitnami/redis").to_string(),
            "docker.io/bitnami/redis"
        );
        assert_eq!(
            parse("index.docker.io/library/alpine:3").registry(),
            "docker.io"
        );
    }

    #[test]
    fn registries_with_ports_and_digests() {
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let r = parse(&format!("127.0.0.1:5000/app@{d}"));
        assert_eq!(r.registry(), "127.0.0.1:5000");
        assert_eq!(r.repository(), "app");
        assert_eq!(r.tag(), None);
        assert_eq!(r.manifest_reference(), d);
        assert!(r.is_loopback());
        let r = parse(&format!("localhost:5000/a/b:v1@{d}"));
        assert_eq!((r.tag(), r.manifest_reference().as_str()), (Some("v1"), d));
        assert_eq!(parse("ghcr.io/o/r").manifest_reference(), "latest");
        assert!(!parse("ghcr.io/o/r").is_loopback());
        assert!(parse("[::1]:5000/x").is_loopback());
    }

    #[test]
    fn rejects_bad_names() {
        for bad in [
            "",
            "Debian",
            "a//b",
            "a:",
            "a@sha256:zz",
            "-a",
            "a/b:-x",
            "a/../b",
        ] {
            assert!(bad.parse::<Reference>().is_err(), "{bad} should be refused");
        }
    }
}
