//! The parts of a `FROM` image reference the rules judge: registry, repository, tag, digest.
//! Grammar: <https://github.com/distribution/reference/blob/main/reference.go> (described, not
//! reused: the rules need the pieces, not validation).

/// A base image reference, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageName {
    /// The registry host (`docker.io` when none is written).
    pub registry: String,
    /// Whether the registry was written explicitly.
    pub explicit_registry: bool,
    /// The repository path (`library/debian` is written `debian`).
    pub repository: String,
    /// The tag, if written.
    pub tag: Option<String>,
    /// The digest, if written.
    pub digest: Option<String>,
}

impl ImageName {
    /// Splits `reference`.
    pub fn parse(reference: &str) -> ImageName {
        let (name, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_string())),
            None => (reference, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                Some(name[last_slash + i + 1..].to_string()),
            ),
            None => (name, None),
        };
        let (registry, repository, explicit) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), rest.to_string(), true)
            }
            _ => ("docker.io".to_string(), name.to_string(), false),
        };
        ImageName {
            registry,
            explicit_registry: explicit,
            repository,
            tag,
            digest,
        }
    }

    /// The repository's last path component (`golang` for `docker.io/library/golang`).
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references() {
        let i = ImageName::parse("registry.example.com:5000/team/app:1.2@sha256:abc");
        assert_eq!(i.registry, "registry.example.com:5000");
        assert_eq!(i.repository, "team/app");
        assert_eq!(i.tag.as_deref(), Some("1.2"));
        assert_eq!(i.digest.as_deref(), Some("sha256:abc"));
        let d = ImageName::parse("debian");
        assert_eq!((d.registry.as_str(), d.tag), ("docker.io", None));
        assert_eq!(ImageName::parse("library/node:20").short_name(), "node");
        assert!(ImageName::parse("localhost/x").explicit_registry);
    }
}
