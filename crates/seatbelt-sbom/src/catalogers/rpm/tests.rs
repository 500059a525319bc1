//! The rpm cataloger on databases written by the real tools: `rpmbuild` makes two packages,
//! `rpm --justdb` installs them into an SQLite rpmdb, and `db_load` turns the same header blobs
//! into a Berkeley DB hash file that `rpm`'s own read-only BDB backend accepts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use seatbelt_types::{Distro, Location};

use super::*;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {cmd:?} ({e}): install the rpm and db-util packages \
             (scripts/install-deps.sh)"
        )
    });
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const HELLO_SPEC: &str = "\
Name: hello
Version: 1.2.3
Release: 4.fc40
Epoch: 2
Summary: greets
License: MIT AND GPL-2.0-or-later
Vendor: Seatbelt Test
Provides: hello-cap
BuildArch: x86_64
%description
greets
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/hello
echo hi > %{buildroot}/usr/bin/hello
echo c > %{buildroot}/etc/hello/hello.conf
%files
/usr/bin/hello
/etc/hello/hello.conf
";

const LIBHELLO_SPEC: &str = "\
Name: libhello
Version: 0.9
Release: 1
Summary: helps
License: BSD-3-Clause
Requires: hello-cap
BuildArch: noarch
%description
helps
%install
mkdir -p %{buildroot}/usr/share/libhello
echo d > %{buildroot}/usr/share/libhello/data
%files
/usr/share/libhello/data
";

struct Fixture {
    _dir: tempfile::TempDir,
    sqlite: Vec<u8>,
    bdb: Vec<u8>,
    /// The same, written big-endian (as on s390x or ppc64 hosts).
    bdb_big_endian: Vec<u8>,
    /// `rpm -qa` on the SQLite database: `name epoch:version-release arch`.
    expected: Vec<String>,
}

fn qa(dbpath: &Path, backend: &str) -> Vec<String> {
    let out = run(Command::new("rpm")
        .args(["-qa", "--dbpath"])
        .arg(dbpath)
        .args(["--define", &format!("_db_backend {backend}")])
        .args([
            "--qf",
            "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH}\\n",
        ]));
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("top");
        let mut rpms: Vec<PathBuf> = Vec::new();
        for (name, spec) in [("hello", HELLO_SPEC), ("libhello", LIBHELLO_SPEC)] {
            let path = dir.path().join(format!("{name}.spec"));
            std::fs::write(&path, spec).unwrap();
            run(Command::new("rpmbuild")
                .args(["-bb", "--nodeps", "--quiet"])
                .args(["--define", &format!("_topdir {}", top.display())])
                .args(["--define", "_build_id_links none"])
                .arg(&path));
        }
        for entry in walkdir(&top.join("RPMS")) {
            rpms.push(entry);
        }
        assert_eq!(rpms.len(), 2, "{rpms:?}");
        let db = dir.path().join("db");
        std::fs::create_dir(&db).unwrap();
        run(Command::new("rpm").arg("--initdb").arg("--dbpath").arg(&db));
        run(Command::new("rpm")
            .args(["-i", "--nodeps", "--justdb", "--noscripts", "--dbpath"])
            .arg(&db)
            .args(&rpms));
        let expected = qa(&db, "sqlite");
        let sqlite = std::fs::read(db.join("rpmdb.sqlite")).unwrap();

        // The same headers as a Berkeley DB hash keyed by instance number, with 512-byte
        // pages so every header spills into an overflow chain; key 0 is rpm's counter.
        let blobs = sqlite::header_blobs(&sqlite).unwrap();
        let esc = |b: &[u8]| b.iter().map(|x| format!("\\{x:02x}")).collect::<String>();
        let mut text = format!(
            "{}\n{}\n",
            esc(&0u32.to_le_bytes()),
            esc(&2u32.to_le_bytes())
        );
        for (i, blob) in blobs.iter().enumerate() {
            let key = u32::try_from(i + 1).unwrap().to_le_bytes();
            text.push_str(&format!("{}\n{}\n", esc(&key), esc(blob)));
        }
        let bdb_dir = dir.path().join("bdb");
        std::fs::create_dir(&bdb_dir).unwrap();
        std::fs::write(dir.path().join("bdb.txt"), text).unwrap();
        run(Command::new("db_load")
            .args(["-T", "-t", "hash", "-c", "db_pagesize=512", "-f"])
            .arg(dir.path().join("bdb.txt"))
            .arg(bdb_dir.join("Packages")));
        assert_eq!(
            qa(&bdb_dir, "bdb_ro"),
            expected,
            "rpm reads the BDB fixture"
        );
        let bdb = std::fs::read(bdb_dir.join("Packages")).unwrap();
        let big = dir.path().join("Packages.be");
        run(Command::new("db_load")
            .args([
                "-T",
                "-t",
                "hash",
                "-c",
                "db_pagesize=512",
                "-c",
                "db_lorder=4321",
                "-f",
            ])
            .arg(dir.path().join("bdb.txt"))
            .arg(&big));
        let bdb_big_endian = std::fs::read(&big).unwrap();
        assert_ne!(bdb_big_endian, bdb);
        Fixture {
            _dir: dir,
            sqlite,
            bdb,
            bdb_big_endian,
            expected,
        }
    })
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn catalog(files: &[(&str, &[u8])], distro: Option<Distro>) -> CatalogOutput {
    let mut c: Box<dyn Cataloger> = Box::new(Rpm::default());
    let wants = c.wants();
    for (path, content) in files {
        assert!(wants(path), "{path} wanted");
        c.observe(&FoundFile {
            path,
            content,
            complete: true,
            mode: 0o644,
            location: Location {
                path: (*path).to_string(),
                layer_index: Some(0),
                layer_digest: None,
            },
        });
    }
    c.finish(&CatalogContext { distro })
}

fn fedora() -> Option<Distro> {
    Some(Distro {
        id: "fedora".into(),
        version_id: Some("40".into()),
        ..Distro::default()
    })
}

fn summary(out: &CatalogOutput) -> Vec<String> {
    let mut v: Vec<String> = out
        .packages
        .iter()
        .map(|p| {
            let v = if p.version.contains(':') {
                p.version.clone()
            } else {
                format!("0:{}", p.version)
            };
            format!("{} {v} {}", p.name, p.arch.as_deref().unwrap_or("(none)"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn sqlite_rpmdb_matches_rpm_qa() {
    let f = fixture();
    let out = catalog(&[("var/lib/rpm/rpmdb.sqlite", &f.sqlite)], fedora());
    assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
    assert_eq!(summary(&out), f.expected);
    let hello = out.packages.iter().find(|p| p.name == "hello").unwrap();
    assert_eq!(
        hello.purl.to_string(),
        "pkg:rpm/fedora/hello@1.2.3-4.fc40?arch=x86_64&distro=fedora-40&epoch=2\
         &upstream=hello-1.2.3-4.fc40.src.rpm"
    );
    assert_eq!(hello.version, "2:1.2.3-4.fc40");
    assert_eq!(hello.licenses, ["MIT AND GPL-2.0-or-later"]);
    assert_eq!(hello.files, ["etc/hello/hello.conf", "usr/bin/hello"]);
    let src = hello.source.as_ref().unwrap();
    assert_eq!(
        (src.name.as_str(), src.version.as_str()),
        ("hello", "1.2.3-4.fc40")
    );
    assert_eq!(hello.metadata["rpm.vendor"], "Seatbelt Test");
    let lib = out.packages.iter().find(|p| p.name == "libhello").unwrap();
    assert_eq!(
        lib.dependencies,
        ["hello"],
        "Requires: hello-cap resolves to hello"
    );
    assert_eq!(lib.purl.qualifiers.get("epoch"), None);
}

#[test]
fn berkeley_db_with_overflow_pages_matches_rpm_qa() {
    let f = fixture();
    let out = catalog(&[("var/lib/rpm/Packages", &f.bdb)], fedora());
    assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
    assert_eq!(summary(&out), f.expected);
    let out = catalog(&[("var/lib/rpm/Packages", &f.bdb_big_endian)], fedora());
    assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
    assert_eq!(summary(&out), f.expected, "big-endian Berkeley DB");
}

#[test]
fn ndb_carries_the_same_headers() {
    let f = fixture();
    let blobs = sqlite::header_blobs(&f.sqlite).unwrap();
    let refs: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
    let file = ndb::tests::build(&refs);
    let out = catalog(&[("usr/lib/sysimage/rpm/Packages.db", &file)], fedora());
    assert!(out.unknowns.is_empty(), "{:?}", out.unknowns);
    assert_eq!(summary(&out), f.expected);
}

#[test]
fn the_same_database_at_two_paths_is_reported_once() {
    let f = fixture();
    let out = catalog(
        &[
            ("usr/lib/sysimage/rpm/rpmdb.sqlite", &f.sqlite),
            ("var/lib/rpm/rpmdb.sqlite", &f.sqlite),
        ],
        None,
    );
    assert_eq!(out.packages.len(), 2);
    // Without a distro the purl has no namespace and no distro qualifier.
    assert!(out.packages[0].purl.namespace.is_none());
}

#[test]
fn corrupt_databases_are_unknowns() {
    let f = fixture();
    let mut truncated_sqlite = f.sqlite.clone();
    truncated_sqlite.truncate(4096);
    let mut bdb_bad_chain = f.bdb.clone();
    // Break every overflow page's type byte: chains no longer resolve.
    for page in bdb_bad_chain.chunks_exact_mut(512).skip(1) {
        if page[25] == 7 {
            page[25] = 0;
        }
    }
    let out = catalog(
        &[
            ("var/lib/rpm/rpmdb.sqlite", &truncated_sqlite),
            ("var/lib/rpm/Packages", &bdb_bad_chain),
            ("var/lib/rpm/Packages.db", b"garbage"),
        ],
        fedora(),
    );
    assert!(out.packages.is_empty());
    let reasons: Vec<&str> = out.unknowns.iter().map(|u| u.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("Packages")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("not an overflow page")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("NDB")), "{reasons:?}");
}

#[test]
fn hostile_bdb_bytes_never_panic() {
    let f = fixture();
    let mut rng = 0x9e37_79b9_u32;
    for round in 0..300 {
        let mut bytes = f.bdb.clone();
        for _ in 0..1 + round % 8 {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            let at = rng as usize % bytes.len();
            bytes[at] = (rng >> 8) as u8;
        }
        let _ = catalog(&[("var/lib/rpm/Packages", &bytes)], None);
    }
}

#[test]
fn source_rpm_names_split_from_the_right() {
    assert_eq!(
        split_source_rpm("python3-libs-3.9.18-1.el9.src.rpm"),
        Some(("python3-libs".into(), "3.9.18-1.el9".into()))
    );
    assert_eq!(split_source_rpm("nover.src.rpm"), None);
    assert_eq!(split_source_rpm("a-1-2.rpm"), None);
}

#[test]
fn a_view_named_packages_is_refused() {
    // A view could hide an endless recursive query behind `SELECT blob FROM Packages`.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpmdb.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE VIEW Packages AS WITH RECURSIVE n(hnum) AS (SELECT 1 UNION ALL SELECT hnum + 1 \
         FROM n) SELECT hnum, x'00' AS blob FROM n;",
    )
    .unwrap();
    drop(conn);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        sqlite::header_blobs(&bytes).unwrap_err(),
        "Packages is not a table"
    );
    let out = catalog(&[("var/lib/rpm/rpmdb.sqlite", &bytes)], None);
    assert_eq!(out.unknowns.len(), 1);
}

/// Writes an OCI layout (`tag` → one image of `layers`) the way `oci-dir:` reads it.
fn write_layout(dir: &Path, tag: &str, layers: &[seatbelt_test::layers::Blob]) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| {
        let digest = seatbelt_test::layers::sha256(bytes);
        let hex = digest.strip_prefix("sha256:").unwrap();
        std::fs::write(blobs.join(hex), bytes).unwrap();
        digest
    };
    for l in layers {
        put(&l.bytes);
    }
    let (config, manifest) = seatbelt_test::layers::config_and_manifest(layers);
    put(&config);
    let digest = put(&manifest);
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest,
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }],
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

#[test]
fn every_cataloger_of_this_family_through_catalog_image() {
    use seatbelt_test::layers::{Blob, Layer};
    let f = fixture();
    let war = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("META-INF/maven/org.example/shop/pom.properties", opts)
            .unwrap();
        std::io::Write::write_all(
            &mut w,
            b"groupId=org.example\nartifactId=shop\nversion=1.0\n",
        )
        .unwrap();
        w.finish().unwrap().into_inner()
    };
    let base = Layer::new()
        .file(
            "etc/os-release",
            b"NAME=\"Fedora Linux\"\nVERSION_ID=40\nID=fedora\n",
        )
        .file("var/lib/rpm/rpmdb.sqlite", &f.sqlite)
        .finish();
    let app = Layer::new()
        .file("opt/shop/shop.war", &war)
        .file(
            "app/vendor/composer/installed.json",
            br#"{"packages":[{"name":"psr/log","version":"3.0.0","license":["MIT"]}]}"#,
        )
        .file(
            "app/api.deps.json",
            br#"{"libraries":{"Polly/8.2.0":{"type":"package","sha512":"sha512-x"}}}"#,
        )
        .file(
            "usr/share/gems/specifications/rake-13.0.6.gemspec",
            b"Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.0.6\"\nend\n",
        )
        .file("app/broken.jar", b"not a zip")
        .finish();
    let dir = tempfile::tempdir().unwrap();
    write_layout(
        dir.path(),
        "t",
        &[Blob::new(&base, "gzip"), Blob::new(&app, "gzip")],
    );
    let reference = format!("oci-dir:{}:t", dir.path().display())
        .parse()
        .unwrap();
    let image = seatbelt_image::open(&reference, &Default::default()).unwrap();
    let sbom = crate::catalog_image(&image, &Default::default()).unwrap();
    let mut purls: Vec<String> = sbom.packages.iter().map(|p| p.purl.to_string()).collect();
    purls.sort();
    assert_eq!(
        purls,
        [
            "pkg:composer/psr/log@3.0.0",
            "pkg:gem/rake@13.0.6",
            "pkg:maven/org.example/shop@1.0",
            "pkg:nuget/Polly@8.2.0",
            "pkg:rpm/fedora/hello@1.2.3-4.fc40?arch=x86_64&distro=fedora-40&epoch=2\
             &upstream=hello-1.2.3-4.fc40.src.rpm",
            "pkg:rpm/fedora/libhello@0.9-1?arch=noarch&distro=fedora-40\
             &upstream=libhello-0.9-1.src.rpm",
        ]
    );
    let java = sbom.packages.iter().find(|p| p.name == "shop").unwrap();
    assert_eq!(java.locations[0].layer_index, Some(1));
    assert_eq!(sbom.unknowns.len(), 1, "{:?}", sbom.unknowns);
    assert_eq!(sbom.unknowns[0].location.path, "app/broken.jar");
}
