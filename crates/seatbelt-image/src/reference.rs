//! The one reference grammar every command accepts, for reading ([`ImageRef`]) and writing
//! ([`Destination`]): `oci-dir:PATH[:TAG|@DIGEST]`, `oci-archive:FILE[:TAG|@DIGEST]`,
//! `docker-archive:FILE[:TAG|@DIGEST]`, `dir:PATH`, `registry:REF` and a bare registry `REF`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use seatbelt_registry::Reference;
use seatbelt_types::Digest;

use crate::ImageError;

/// Which image of a layout or archive that holds several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestSelector {
    /// The only one (an error if there are several).
    Only,
    /// The one with this tag (`org.opencontainers.image.ref.name`, or a `RepoTags` entry).
    Tag(String),
    /// The one with this manifest digest.
    Digest(Digest),
}

/// Where to read an image from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// An OCI image layout directory.
    OciDir {
        /// The layout's root.
        path: PathBuf,
        /// Which image in it.
        selector: ManifestSelector,
    },
    /// A tar of an OCI image layout.
    OciArchive {
        /// The archive.
        path: PathBuf,
        /// Which image in it.
        selector: ManifestSelector,
    },
    /// What `docker save` writes, gzip-compressed or not.
    DockerArchive {
        /// The archive.
        path: PathBuf,
        /// Which image in it (by `RepoTags` entry or config digest).
        selector: ManifestSelector,
    },
    /// An unpacked root filesystem.
    Dir {
        /// Its root.
        path: PathBuf,
    },
    /// An image in a registry.
    Registry(Reference),
}

/// Where to write an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// An OCI image layout directory (created or added to), optionally tagging the image.
    OciDir {
        /// The layout's root.
        path: PathBuf,
        /// The `org.opencontainers.image.ref.name` to give it.
        tag: Option<String>,
    },
    /// A tar of an OCI image layout (replaced).
    OciArchive {
        /// The archive.
        path: PathBuf,
        /// The `org.opencontainers.image.ref.name` to give the image.
        tag: Option<String>,
    },
    /// A `docker load`-able archive (replaced).
    DockerArchive {
        /// The archive.
        path: PathBuf,
        /// The `RepoTags` entry (`name:tag`) to give the image.
        tag: Option<String>,
    },
    /// The image's final filesystem, safely extracted into an empty or new directory.
    Dir {
        /// The target directory.
        path: PathBuf,
    },
    /// A registry repository and tag (or digest).
    Registry(Reference),
}

const SCHEMES: &str = "oci-dir:PATH[:TAG|@sha256:…], oci-archive:FILE[:TAG], docker-archive:FILE[:TAG], dir:PATH, registry:REF, or a registry reference such as debian:12";

fn invalid(reference: &str, reason: impl Into<String>) -> ImageError {
    ImageError::InvalidReference {
        reference: reference.to_string(),
        reason: reason.into(),
    }
}

/// Splits `PATH[:TAG|@DIGEST]`. A path that exists as given wins over a tag reading, so paths
/// with colons keep working; otherwise a trailing `:x` with no `/` in `x` is a tag.
fn split_path_selector(whole: &str, rest: &str) -> Result<(PathBuf, ManifestSelector), ImageError> {
    if rest.is_empty() {
        return Err(invalid(whole, "the path is empty"));
    }
    if let Some((path, digest)) = rest.rsplit_once('@') {
        if digest.contains(':') {
            let digest = digest
                .parse::<Digest>()
                .map_err(|e| invalid(whole, e.to_string()))?;
            return Ok((PathBuf::from(path), ManifestSelector::Digest(digest)));
        }
    }
    if Path::new(rest).exists() {
        return Ok((PathBuf::from(rest), ManifestSelector::Only));
    }
    match rest.rsplit_once(':') {
        Some((path, tag)) if !tag.is_empty() && !tag.contains('/') && !path.is_empty() => {
            Ok((PathBuf::from(path), ManifestSelector::Tag(tag.to_string())))
        }
        _ => Ok((PathBuf::from(rest), ManifestSelector::Only)),
    }
}

fn parse_registry(whole: &str, text: &str) -> Result<Reference, ImageError> {
    text.parse::<Reference>().map_err(|e| {
        let reason = match e {
            seatbelt_registry::ReferenceError::Invalid { reason, .. } => reason.to_string(),
            seatbelt_registry::ReferenceError::BadDigest { source, .. } => source.to_string(),
        };
        invalid(whole, format!("{reason}; accepted forms: {SCHEMES}"))
    })
}

impl FromStr for ImageRef {
    type Err = ImageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((scheme, rest)) = s.split_once(':') else {
            return Ok(ImageRef::Registry(parse_registry(s, s)?));
        };
        match scheme {
            "oci-dir" | "oci" => {
                let (path, selector) = split_path_selector(s, rest)?;
                Ok(ImageRef::OciDir { path, selector })
            }
            "oci-archive" => {
                let (path, selector) = split_path_selector(s, rest)?;
                Ok(ImageRef::OciArchive { path, selector })
            }
            "docker-archive" => {
                let (path, selector) = split_path_selector(s, rest)?;
                Ok(ImageRef::DockerArchive { path, selector })
            }
            "dir" => {
                if rest.is_empty() {
                    return Err(invalid(s, "the path is empty"));
                }
                Ok(ImageRef::Dir {
                    path: PathBuf::from(rest),
                })
            }
            "registry" | "docker" => {
                let rest = rest.trim_start_matches("//");
                Ok(ImageRef::Registry(parse_registry(s, rest)?))
            }
            // `host:port/repo` and `name:tag` are bare registry references.
            _ => Ok(ImageRef::Registry(parse_registry(s, s)?)),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_selector =
            |f: &mut fmt::Formatter<'_>, scheme: &str, path: &Path, sel: &ManifestSelector| {
                write!(f, "{scheme}:{}", path.display())?;
                match sel {
                    ManifestSelector::Only => Ok(()),
                    ManifestSelector::Tag(t) => write!(f, ":{t}"),
                    ManifestSelector::Digest(d) => write!(f, "@{d}"),
                }
            };
        match self {
            ImageRef::OciDir { path, selector } => with_selector(f, "oci-dir", path, selector),
            ImageRef::OciArchive { path, selector } => {
                with_selector(f, "oci-archive", path, selector)
            }
            ImageRef::DockerArchive { path, selector } => {
                with_selector(f, "docker-archive", path, selector)
            }
            ImageRef::Dir { path } => write!(f, "dir:{}", path.display()),
            ImageRef::Registry(r) => write!(f, "{r}"),
        }
    }
}

fn tag_of(whole: &str, selector: ManifestSelector) -> Result<Option<String>, ImageError> {
    match selector {
        ManifestSelector::Only => Ok(None),
        ManifestSelector::Tag(t) => Ok(Some(t)),
        ManifestSelector::Digest(_) => Err(invalid(
            whole,
            "a destination takes a tag, not a digest: the digest is what writing produces",
        )),
    }
}

impl FromStr for Destination {
    type Err = ImageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<ImageRef>()? {
            ImageRef::OciDir { path, selector } => Ok(Destination::OciDir {
                tag: tag_of(s, selector)?,
                path,
            }),
            ImageRef::OciArchive { path, selector } => Ok(Destination::OciArchive {
                tag: tag_of(s, selector)?,
                path,
            }),
            ImageRef::DockerArchive { path, selector } => Ok(Destination::DockerArchive {
                tag: tag_of(s, selector)?,
                path,
            }),
            ImageRef::Dir { path } => Ok(Destination::Dir { path }),
            ImageRef::Registry(r) => Ok(Destination::Registry(r)),
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tagged =
            |f: &mut fmt::Formatter<'_>, scheme: &str, path: &Path, tag: &Option<String>| {
                write!(f, "{scheme}:{}", path.display())?;
                match tag {
                    Some(t) => write!(f, ":{t}"),
                    None => Ok(()),
                }
            };
        match self {
            Destination::OciDir { path, tag } => tagged(f, "oci-dir", path, tag),
            Destination::OciArchive { path, tag } => tagged(f, "oci-archive", path, tag),
            Destination::DockerArchive { path, tag } => tagged(f, "docker-archive", path, tag),
            Destination::Dir { path } => write!(f, "dir:{}", path.display()),
            Destination::Registry(r) => write!(f, "{r}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_parses() {
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            "oci-dir:/no/such/layout:v1".parse::<ImageRef>().unwrap(),
            ImageRef::OciDir {
                path: "/no/such/layout".into(),
                selector: ManifestSelector::Tag("v1".into())
            }
        );
        assert_eq!(
            format!("oci-dir:/x@{d}").parse::<ImageRef>().unwrap(),
            ImageRef::OciDir {
                path: "/x".into(),
                selector: ManifestSelector::Digest(d.parse().unwrap())
            }
        );
        assert!(matches!(
            "docker-archive:/tmp/a.tar".parse::<ImageRef>().unwrap(),
            ImageRef::DockerArchive {
                selector: ManifestSelector::Only,
                ..
            }
        ));
        assert!(matches!(
            "dir:/".parse::<ImageRef>().unwrap(),
            ImageRef::Dir { .. }
        ));
        match "debian:12".parse::<ImageRef>().unwrap() {
            ImageRef::Registry(r) => assert_eq!(r.to_string(), "docker.io/library/debian:12"),
            other => panic!("{other:?}"),
        }
        match format!("127.0.0.1:5000/app@{d}")
            .parse::<ImageRef>()
            .unwrap()
        {
            ImageRef::Registry(r) => assert_eq!(r.registry(), "127.0.0.1:5000"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            "registry:localhost:5000/a:b".parse::<ImageRef>().unwrap(),
            ImageRef::Registry(_)
        ));
    }

    #[test]
    fn an_existing_path_with_a_colon_is_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("a:b");
        std::fs::create_dir(&odd).unwrap();
        let parsed = format!("oci-dir:{}", odd.display())
            .parse::<ImageRef>()
            .unwrap();
        assert_eq!(
            parsed,
            ImageRef::OciDir {
                path: odd,
                selector: ManifestSelector::Only
            }
        );
    }

    #[test]
    fn bad_references_say_what_is_accepted() {
        let err = "Not A Ref".parse::<ImageRef>().unwrap_err().to_string();
        assert!(err.contains("oci-dir:PATH"), "{err}");
        assert!("dir:".parse::<ImageRef>().is_err());
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(format!("oci-dir:/x@{d}").parse::<Destination>().is_err());
        assert_eq!(
            "oci-archive:/o.tar:v2"
                .parse::<Destination>()
                .unwrap()
                .to_string(),
            "oci-archive:/o.tar:v2"
        );
    }
}
