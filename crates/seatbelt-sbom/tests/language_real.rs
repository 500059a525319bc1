//! Language catalogers against independent tools on real data: Go build info against Debian's
//! `go version -m`, the Python cataloger against the bench image's own layer listing.

use std::collections::BTreeSet;
use std::process::Command;

use seatbelt_sbom::fuzzing::parse_buildinfo;
use seatbelt_sbom::{catalog_image, CatalogOptions};
use seatbelt_test::debian::{fixture_image, FixtureImage};
use seatbelt_types::Ecosystem;

/// `go version -m FILE`, as lines after the first, each split at tabs with the leading tab
/// gone and trailing whitespace dropped (Go ends a sum-less module line with a tab, and 1.19
/// prints an empty line after each replacement).
fn go_version_m(path: &str) -> (String, Vec<String>) {
    let out = Command::new("go")
        .args(["version", "-m", path])
        .output()
        .expect("`go` must be installed (scripts/install-deps.sh installs golang-go)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = text.lines();
    let first = lines.next().expect("a first line");
    let toolchain = first
        .rsplit_once(": ")
        .expect("`FILE: goVERSION`")
        .1
        .to_string();
    let rest = lines
        .map(|l| l.trim_start_matches('\t').trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (toolchain, rest)
}

/// Our parse of the same binary, written the way `go version -m` writes it.
fn ours(path: &str) -> (String, Vec<String>) {
    let bytes = std::fs::read(path).expect("read binary");
    let info = parse_buildinfo(&bytes)
        .expect("parses")
        .expect("a Go binary");
    let mut lines = Vec::new();
    if !info.path.is_empty() {
        lines.push(format!("path\t{}", info.path));
    }
    let mut module = |word: &str, m: &seatbelt_sbom::fuzzing::GoModule| {
        lines.push(
            format!("{word}\t{}\t{}\t{}", m.path, m.version, m.sum)
                .trim_end()
                .to_string(),
        );
        if let Some(r) = &m.replace {
            lines.push(
                format!("=>\t{}\t{}\t{}", r.path, r.version, r.sum)
                    .trim_end()
                    .to_string(),
            );
        }
    };
    if let Some(main) = &info.main {
        module("mod", main);
    }
    for dep in &info.deps {
        module("dep", dep);
    }
    lines.extend(info.settings.iter().map(|s| format!("build\t{s}")));
    (info.go_version, lines)
}

#[test]
fn docker_registry_build_info_equals_go_version_m() {
    // Debian's docker-registry is built in GOPATH mode: toolchain, path and build settings.
    for binary in ["/usr/bin/docker-registry", "/usr/bin/skopeo"] {
        assert_eq!(ours(binary), go_version_m(binary), "{binary}");
    }
}

#[test]
fn module_mode_binary_with_replacements_equals_go_version_m() {
    // A module-mode build with a versioned dependency replaced by a local directory: made
    // offline, so no module proxy is needed.
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    let lib = dir.path().join("lib");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::create_dir_all(&lib).expect("mkdir");
    std::fs::write(lib.join("go.mod"), "module example.com/lib\n\ngo 1.19\n").expect("write");
    std::fs::write(
        lib.join("lib.go"),
        "package lib\n\nfunc Hello() string { return \"hi\" }\n",
    )
    .expect("write");
    std::fs::write(
        app.join("go.mod"),
        "module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v1.2.3\n\nreplace example.com/lib v1.2.3 => ../lib\n",
    )
    .expect("write");
    std::fs::write(
        app.join("main.go"),
        "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.Hello()) }\n",
    )
    .expect("write");
    let out = Command::new("go")
        .args(["build", "-o", "app", "."])
        .current_dir(&app)
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOCACHE", dir.path().join("cache"))
        .env("GOPATH", dir.path().join("gopath"))
        .output()
        .expect("`go` must be installed (scripts/install-deps.sh installs golang-go)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let binary = app.join("app");
    let binary = binary.to_str().expect("utf-8 path");
    let (toolchain, lines) = ours(binary);
    assert_eq!((toolchain, lines.clone()), go_version_m(binary));
    assert!(
        lines.iter().any(|l| l == "=>\t../lib\t(devel)"),
        "{lines:?}"
    );
}

/// `name-version` from a `*.dist-info`/`*.egg-info` directory name (`PyYAML-5.3-py3.11` too).
fn name_version(dir: &str) -> (String, String) {
    let stem = dir
        .strip_suffix(".dist-info")
        .or_else(|| dir.strip_suffix(".egg-info"))
        .expect("metadata dir");
    let mut parts = stem.splitn(3, '-');
    let name = parts.next().expect("name").replace('_', "-");
    let version = parts.next().expect("version").to_string();
    (name, version)
}

#[test]
fn bench_venv_python_packages_equal_the_layer_listing() {
    let layout = fixture_image(FixtureImage::Bench);
    // Independent truth: the metadata directories `tar` lists in the layers.
    let mut expected = BTreeSet::new();
    for blob in std::fs::read_dir(layout.join("blobs/sha256")).expect("blobs") {
        let blob = blob.expect("entry").path();
        let out = Command::new("tar")
            .arg("-tzf")
            .arg(&blob)
            .output()
            .expect("tar");
        if !out.status.success() {
            continue; // manifests and configs
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let line = line.trim_end_matches('/');
            let Some(rest) = line.strip_prefix("opt/venv/lib/") else {
                continue;
            };
            let mut segments = rest.split('/');
            let (_py, site, dir) = (segments.next(), segments.next(), segments.next());
            if site == Some("site-packages") && segments.next().is_none() {
                if let Some(dir) =
                    dir.filter(|d| d.ends_with(".dist-info") || d.ends_with(".egg-info"))
                {
                    expected.insert(name_version(dir));
                }
            }
        }
    }
    for pinned in [
        ("requests", "2.19.0"),
        ("urllib3", "1.24.1"),
        ("Jinja2", "2.10"),
        ("PyYAML", "5.3"),
        ("chardet", "3.0.4"),
        ("idna", "2.7"),
        ("certifi", "2018.4.16"),
        ("MarkupSafe", "1.1.1"),
    ] {
        assert!(
            expected.contains(&(pinned.0.to_string(), pinned.1.to_string())),
            "the fixture lacks {pinned:?}: {expected:?}"
        );
    }
    assert_eq!(
        expected.len(),
        10,
        "pins plus pip and setuptools: {expected:?}"
    );

    let reference = format!("oci-dir:{}:bench", layout.display());
    let image = seatbelt_image::open(&reference.parse().expect("reference"), &Default::default())
        .expect("open");
    let sbom = catalog_image(
        &image,
        &CatalogOptions {
            only: Some(
                ["python", "npm", "cargo", "go-binary"]
                    .map(String::from)
                    .to_vec(),
            ),
        },
    )
    .expect("catalog");
    let found: BTreeSet<(String, String)> = sbom
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Pypi)
        .filter(|p| p.locations.iter().any(|l| l.path.starts_with("opt/venv/")))
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    assert_eq!(found, expected);
    let unknowns: Vec<_> = sbom
        .unknowns
        .iter()
        .filter(|u| u.cataloger == "python")
        .collect();
    assert!(unknowns.is_empty(), "{unknowns:?}");
    let pyyaml = sbom
        .packages
        .iter()
        .find(|p| p.name == "PyYAML")
        .expect("PyYAML");
    assert_eq!(pyyaml.purl.to_string(), "pkg:pypi/pyyaml@5.3");
    let requests = sbom
        .packages
        .iter()
        .find(|p| p.name == "requests")
        .expect("requests");
    assert_eq!(
        requests.dependencies,
        ["certifi", "chardet", "idna", "urllib3"]
    );
    assert!(requests
        .files
        .iter()
        .any(|f| f == "opt/venv/lib/python3.11/site-packages/requests/__init__.py"));
}
