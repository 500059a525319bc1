//! PHP packages Composer installed: `vendor/composer/installed.json`, a plain array of package
//! objects in Composer 1, `{"packages": [...], "dev": …, "dev-package-names": [...]}` in
//! Composer 2 (<https://getcomposer.org/doc/07-runtime.md#installed-versions>).

use std::collections::{BTreeMap, HashSet};

use seatbelt_types::{Ecosystem, Package, Purl};
use serde::Deserialize;
use serde_json::Value;

use super::per_file::{Parsed, PerFile};
use crate::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const INSTALLED: &str = "vendor/composer/installed.json";

/// One installed Composer package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposerPackage {
    /// `vendor/name`.
    pub name: String,
    /// Version as installed (`v6.4.3`, `1.2.0`, `dev-main`).
    pub version: String,
    /// Declared licenses (SPDX identifiers in Packagist metadata).
    pub licenses: Vec<String>,
    /// `require` entries that are packages (not `php`, `ext-*`, `lib-*`).
    pub requires: Vec<String>,
    /// Listed in Composer 2's `dev-package-names`.
    pub dev: bool,
    /// `dist.reference` or `source.reference`, when given (usually a commit).
    pub reference: Option<String>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    license: Value,
    #[serde(default)]
    require: BTreeMap<String, Value>,
    #[serde(default)]
    dist: Option<RawSource>,
    #[serde(default)]
    source: Option<RawSource>,
}

#[derive(Deserialize)]
struct RawSource {
    reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Installed {
    V2 {
        packages: Vec<Value>,
        #[serde(default, rename = "dev-package-names")]
        dev_names: Vec<String>,
    },
    V1(Vec<Value>),
}

/// Parses `installed.json`: the packages, and a reason for each entry that was skipped.
pub fn parse_installed(content: &[u8]) -> Result<(Vec<ComposerPackage>, Vec<String>), String> {
    let installed: Installed = serde_json::from_slice(content)
        .map_err(|e| format!("not Composer's installed.json: {e}"))?;
    let (entries, dev_names) = match installed {
        Installed::V2 {
            packages,
            dev_names,
        } => (packages, dev_names),
        Installed::V1(packages) => (packages, Vec::new()),
    };
    let dev: HashSet<String> = dev_names.into_iter().collect();
    let mut packages = Vec::new();
    let mut problems = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let raw: RawPackage = match serde_json::from_value(entry) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("package {i}: {e}"));
                continue;
            }
        };
        let (Some(name), Some(version)) = (raw.name, raw.version) else {
            problems.push(format!("package {i} has no name or no version"));
            continue;
        };
        if name.split('/').count() != 2 || name.split('/').any(str::is_empty) {
            problems.push(format!("package {i}: `{name}` is not vendor/name"));
            continue;
        }
        let licenses = match raw.license {
            Value::String(s) => vec![s],
            Value::Array(a) => a
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        packages.push(ComposerPackage {
            dev: dev.contains(&name),
            requires: raw
                .require
                .into_keys()
                .filter(|k| k.contains('/'))
                .collect(),
            reference: raw
                .dist
                .and_then(|d| d.reference)
                .or_else(|| raw.source.and_then(|s| s.reference)),
            licenses,
            name,
            version,
        });
    }
    Ok((packages, problems))
}

/// Finds Composer-installed PHP packages.
#[derive(Debug, Default)]
pub(crate) struct Composer(PerFile<ComposerPackage>);

impl Cataloger for Composer {
    fn name(&self) -> &'static str {
        "composer"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        std::sync::Arc::new(|p: &str| {
            p.strip_suffix(INSTALLED)
                .is_some_and(|prefix| prefix.is_empty() || prefix.ends_with('/'))
        })
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        self.0
            .observe("composer", "installed.json", file, |content| {
                Parsed::many(parse_installed(content))
            });
    }

    fn finish(self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        self.0.finish(|(p, location)| {
            let (vendor, name) = p.name.split_once('/').unwrap_or(("", &p.name));
            let purl = Purl::new("composer", Some(vendor), name, Some(&p.version));
            let mut package = Package::found(
                Ecosystem::Composer,
                purl,
                p.name,
                p.version,
                location,
                "composer",
            );
            if p.dev {
                package
                    .metadata
                    .insert("composer.dev".to_string(), "true".to_string());
            }
            if let Some(r) = p.reference {
                package.metadata.insert("composer.reference".to_string(), r);
            }
            package.licenses = p.licenses;
            package.dependencies = p.requires;
            package
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seatbelt_types::Location;

    /// Composer 2 output, trimmed from a real `composer require symfony/console` install.
    const V2: &str = r#"{
    "packages": [
        {
            "name": "psr/container",
            "version": "2.0.2",
            "version_normalized": "2.0.2.0",
            "source": {
                "type": "git",
                "url": "https://github.com/php-fig/container.git",
                "reference": "c71ecc56dfe541dbd90c5360474fbc405f8d5963"
            },
            "dist": {
                "type": "zip",
                "url": "https://api.github.com/repos/php-fig/container/zipball/c71ecc56dfe541dbd90c5360474fbc405f8d5963",
                "reference": "c71ecc56dfe541dbd90c5360474fbc405f8d5963",
                "shasum": ""
            },
            "require": {
                "php": ">=7.4.0"
            },
            "time": "2021-11-05T16:47:00+00:00",
            "type": "library",
            "installation-source": "dist",
            "license": [
                "MIT"
            ],
            "install-path": "../psr/container"
        },
        {
            "name": "symfony/console",
            "version": "v6.4.3",
            "version_normalized": "6.4.3.0",
            "require": {
                "php": ">=8.1",
                "psr/container": "^1.1|^2.0",
                "ext-mbstring": "*",
                "symfony/string": "^5.4|^6.0|^7.0"
            },
            "type": "library",
            "license": [
                "MIT"
            ],
            "install-path": "../symfony/console"
        },
        {
            "name": "phpunit/phpunit",
            "version": "10.5.10",
            "license": "BSD-3-Clause"
        },
        {
            "version": "1.0.0"
        }
    ],
    "dev": true,
    "dev-package-names": [
        "phpunit/phpunit"
    ]
}"#;

    /// Composer 1 wrote a bare array.
    const V1: &str = r#"[
    {
        "name": "monolog/monolog",
        "version": "1.25.1",
        "version_normalized": "1.25.1.0",
        "require": {"php": ">=5.3.0", "psr/log": "~1.0"},
        "license": ["MIT"]
    }
]"#;

    fn run(content: &str) -> CatalogOutput {
        let mut c: Box<dyn Cataloger> = Box::new(Composer::default());
        let path = "var/www/app/vendor/composer/installed.json";
        assert!(c.wants()(path));
        assert!(!c.wants()("var/www/app/vendor/composer/installed.json.bak"));
        assert!(!c.wants()("xvendor/composer/installed.json"));
        c.observe(&FoundFile {
            path,
            content: content.as_bytes(),
            complete: true,
            mode: 0o644,
            location: Location {
                path: path.into(),
                layer_index: Some(1),
                layer_digest: None,
            },
        });
        c.finish(&CatalogContext::default())
    }

    #[test]
    fn composer_2_packages_with_dev_flag_and_requires() {
        let out = run(V2);
        let purls: Vec<String> = out.packages.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(
            purls,
            [
                "pkg:composer/psr/container@2.0.2",
                "pkg:composer/symfony/console@v6.4.3",
                "pkg:composer/phpunit/phpunit@10.5.10"
            ]
        );
        let console = &out.packages[1];
        assert_eq!(console.name, "symfony/console");
        assert_eq!(console.dependencies, ["psr/container", "symfony/string"]);
        assert_eq!(console.licenses, ["MIT"]);
        assert_eq!(
            out.packages[0].metadata["composer.reference"],
            "c71ecc56dfe541dbd90c5360474fbc405f8d5963"
        );
        assert_eq!(out.packages[2].metadata["composer.dev"], "true");
        assert_eq!(out.packages[2].licenses, ["BSD-3-Clause"]);
        assert_eq!(out.unknowns.len(), 1, "the nameless entry");
        assert!(out.unknowns[0].reason.contains("package 3"));
    }

    #[test]
    fn composer_1_array() {
        let out = run(V1);
        assert_eq!(out.packages.len(), 1);
        assert_eq!(
            out.packages[0].purl.to_string(),
            "pkg:composer/monolog/monolog@1.25.1"
        );
        assert_eq!(out.packages[0].dependencies, ["psr/log"]);
    }

    #[test]
    fn malformed_files_are_unknowns() {
        for bad in [
            "",
            "{",
            "{\"packages\": 3}",
            "42",
            "[{\"name\": \"novendor\", \"version\": \"1\"}]",
        ] {
            let out = run(bad);
            assert!(out.packages.is_empty(), "{bad}");
            assert_eq!(out.unknowns.len(), 1, "{bad}");
        }
    }
}
