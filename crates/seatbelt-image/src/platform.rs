//! Platforms (`os/arch[/variant]`) and how an index entry is matched against the one wanted.

use std::fmt;
use std::str::FromStr;

use crate::ImageError;

/// An image platform as the OCI image index describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// Operating system (`linux`).
    pub os: String,
    /// CPU architecture in Go's naming (`amd64`, `arm64`).
    pub architecture: String,
    /// Variant (`v7`, `v8`), if any.
    pub variant: Option<String>,
}

impl Platform {
    /// The platform of the machine seatbelt runs on.
    pub fn host() -> Platform {
        let (architecture, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "aarch64" => ("arm64", Some("v8")),
            "arm" => ("arm", Some("v7")),
            "x86" => ("386", None),
            "powerpc64" => ("ppc64le", None),
            "s390x" => ("s390x", None),
            "riscv64" => ("riscv64", None),
            other => (other, None),
        };
        Platform {
            os: "linux".to_string(),
            architecture: architecture.to_string(),
            variant: variant.map(str::to_string),
        }
    }

    /// Whether an image for `candidate` satisfies a request for `self`. A missing variant on
    /// either side matches, except that `arm` variants must agree when both are given; `arm64`
    /// with no variant means `v8`.
    pub fn matches(&self, candidate: &Platform) -> bool {
        if self.os != candidate.os || self.architecture != candidate.architecture {
            return false;
        }
        let normalise = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            (_, v) => v.map(str::to_string),
        };
        match (normalise(self), normalise(candidate)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

impl FromStr for Platform {
    type Err = ImageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || {
            ImageError::InvalidReference {
            reference: s.to_string(),
            reason: "a platform is `os/arch` or `os/arch/variant`, for example `linux/amd64` or `linux/arm/v7`".to_string(),
        }
        };
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        match parts.as_slice() {
            [os, arch] => Ok(Platform {
                os: (*os).to_string(),
                architecture: (*arch).to_string(),
                variant: None,
            }),
            [os, arch, variant] => Ok(Platform {
                os: (*os).to_string(),
                architecture: (*arch).to_string(),
                variant: Some((*variant).to_string()),
            }),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Platform {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(p("linux/arm/v7").to_string(), "linux/arm/v7");
        assert!("linux".parse::<Platform>().is_err());
        assert!("linux//v7".parse::<Platform>().is_err());
        assert!("a/b/c/d".parse::<Platform>().is_err());
    }

    #[test]
    fn matching_rules() {
        assert!(p("linux/amd64").matches(&p("linux/amd64")));
        assert!(!p("linux/amd64").matches(&p("linux/arm64")));
        assert!(p("linux/arm64").matches(&p("linux/arm64/v8")));
        assert!(!p("linux/arm/v7").matches(&p("linux/arm/v6")));
        assert!(p("linux/arm").matches(&p("linux/arm/v6")));
        assert!(!p("windows/amd64").matches(&p("linux/amd64")));
    }
}
