//! .NET applications: the `*.deps.json` the SDK writes next to each app. `libraries` lists every
//! assembly source as `Name/Version` with a `type` (`package` is NuGet, `project` is the app
//! itself); `targets` holds, per runtime, each library's dependencies
//! (<https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md>).

use std::collections::{BTreeMap, BTreeSet};

use seatbelt_types::{Ecosystem, Package, Purl};
use serde::Deserialize;

use super::per_file::{Parsed, PerFile};
use crate::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

/// One NuGet package of a deps.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NugetPackage {
    /// Package id, as written.
    pub name: String,
    /// Version.
    pub version: String,
    /// `sha512-…` of the .nupkg, when given.
    pub sha512: Option<String>,
    /// Names of the libraries it depends on (in any target).
    pub dependencies: Vec<String>,
}

#[derive(Deserialize)]
struct DepsJson {
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, TargetEntry>>,
    libraries: BTreeMap<String, Library>,
}

#[derive(Deserialize)]
struct TargetEntry {
    #[serde(default)]
    dependencies: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    sha512: Option<String>,
}

/// Parses a deps.json: its NuGet packages, and reasons for library keys that were skipped.
pub fn parse_deps_json(content: &[u8]) -> Result<(Vec<NugetPackage>, Vec<String>), String> {
    let deps: DepsJson =
        serde_json::from_slice(content).map_err(|e| format!("not a .NET deps.json: {e}"))?;
    let mut depends: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for entries in deps.targets.values() {
        for (key, entry) in entries {
            depends
                .entry(key)
                .or_default()
                .extend(entry.dependencies.keys().map(String::as_str));
        }
    }
    let package_names: BTreeSet<&str> = deps
        .libraries
        .iter()
        .filter(|(_, l)| l.ty == "package")
        .filter_map(|(k, _)| k.rsplit_once('/').map(|(n, _)| n))
        .collect();
    let mut packages = Vec::new();
    let mut problems = Vec::new();
    for (key, lib) in &deps.libraries {
        if lib.ty != "package" {
            continue;
        }
        let Some((name, version)) = key
            .rsplit_once('/')
            .filter(|(n, v)| !n.is_empty() && !v.is_empty())
        else {
            problems.push(format!("library `{key}` is not Name/Version"));
            continue;
        };
        packages.push(NugetPackage {
            name: name.to_string(),
            version: version.to_string(),
            sha512: lib.sha512.clone().filter(|s| !s.is_empty()),
            dependencies: depends
                .get(key.as_str())
                .into_iter()
                .flatten()
                .filter(|d| package_names.contains(*d))
                .map(|d| (*d).to_string())
                .collect(),
        });
    }
    Ok((packages, problems))
}

/// Finds NuGet packages of .NET applications.
#[derive(Debug, Default)]
pub(crate) struct Dotnet(PerFile<NugetPackage>);

impl Cataloger for Dotnet {
    fn name(&self) -> &'static str {
        "dotnet"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        std::sync::Arc::new(|p: &str| {
            p.rsplit('/')
                .next()
                .and_then(|n| n.strip_suffix(".deps.json"))
                .is_some_and(|stem| !stem.is_empty())
        })
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        self.0.observe("dotnet", "deps.json", file, |content| {
            Parsed::many(parse_deps_json(content))
        });
    }

    fn finish(self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        self.0.finish(|(p, location)| {
            let purl = Purl::new("nuget", None, &p.name, Some(&p.version));
            let mut package = Package::found(
                Ecosystem::Nuget,
                purl,
                p.name,
                p.version,
                location,
                "dotnet",
            );
            package.dependencies = p.dependencies;
            package
                .metadata
                .extend(p.sha512.map(|s| ("nuget.sha512".to_string(), s)));
            package
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seatbelt_types::Location;

    /// What `dotnet publish` writes for a console app using Serilog (trimmed, real shape).
    const DEPS: &str = r#"{
  "runtimeTarget": {
    "name": ".NETCoreApp,Version=v8.0",
    "signature": ""
  },
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v8.0": {
      "hello/1.0.0": {
        "dependencies": {
          "Serilog.Sinks.Console": "5.0.1"
        },
        "runtime": {
          "hello.dll": {}
        }
      },
      "Serilog/3.1.1": {
        "runtime": {
          "lib/net7.0/Serilog.dll": {
            "assemblyVersion": "2.0.0.0",
            "fileVersion": "3.1.1.0"
          }
        }
      },
      "Serilog.Sinks.Console/5.0.1": {
        "dependencies": {
          "Serilog": "3.1.1"
        },
        "runtime": {
          "lib/net7.0/Serilog.Sinks.Console.dll": {}
        }
      }
    }
  },
  "libraries": {
    "hello/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "Serilog/3.1.1": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-P6G4/4Kt9bT635bhuwdXlJ2SCqqn2nhh4gqFqQueCOr9bK/e7W9ll/IoX1Ter948cV2Z/5+5v8pAfJYUISY03A==",
      "path": "serilog/3.1.1",
      "hashPath": "serilog.3.1.1.nupkg.sha512"
    },
    "Serilog.Sinks.Console/5.0.1": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-6Jt8jl9y2ey8VV7nVEUAyjjyxjAQuvd5+qj4XYAT9CwcsvR70HHULGBeD+K2WCALFXf7CFsNQT4lON6qXcu2AA==",
      "path": "serilog.sinks.console/5.0.1",
      "hashPath": "serilog.sinks.console.5.0.1.nupkg.sha512"
    }
  }
}"#;

    fn run(content: &[u8]) -> CatalogOutput {
        let mut c: Box<dyn Cataloger> = Box::new(Dotnet::default());
        let path = "app/hello.deps.json";
        assert!(c.wants()(path));
        assert!(!c.wants()("app/.deps.json"));
        assert!(!c.wants()("app/hello.runtimeconfig.json"));
        c.observe(&FoundFile {
            path,
            content,
            complete: true,
            mode: 0o644,
            location: Location {
                path: path.into(),
                layer_index: Some(2),
                layer_digest: None,
            },
        });
        c.finish(&CatalogContext::default())
    }

    #[test]
    fn packages_and_their_dependencies() {
        let out = run(DEPS.as_bytes());
        assert!(out.unknowns.is_empty());
        let purls: Vec<String> = out.packages.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(
            purls,
            [
                "pkg:nuget/Serilog.Sinks.Console@5.0.1",
                "pkg:nuget/Serilog@3.1.1"
            ],
            "the project itself is not a package"
        );
        assert_eq!(out.packages[0].dependencies, ["Serilog"]);
        assert!(out.packages[1].dependencies.is_empty());
        assert!(out.packages[1].metadata["nuget.sha512"].starts_with("sha512-P6G4"));
    }

    #[test]
    fn malformed_files_are_unknowns() {
        let out = run(b"{\"libraries\": {\"NoVersion\": {\"type\": \"package\"}}}");
        assert!(out.packages.is_empty());
        assert!(out.unknowns[0].reason.contains("NoVersion"));
        for bad in [&b""[..], b"[]", b"{\"libraries\": 1}", b"\xff"] {
            let out = run(bad);
            assert_eq!((out.packages.len(), out.unknowns.len()), (0, 1));
        }
    }
}
