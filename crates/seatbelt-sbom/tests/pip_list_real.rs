//! The Python cataloger against pip itself: `pip list` run inside the bench image's extracted
//! root filesystem (chroot) must report exactly the packages seatbelt finds in the venv.

use std::collections::BTreeSet;
use std::process::Command;

mod bench_image;

use seatbelt_types::Ecosystem;

/// PEP 503 normalisation, as pip compares names.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[test]
fn venv_packages_equal_pip_list_run_in_the_image() {
    let (sbom, _guard, root) = bench_image::bench_sbom_and_rootfs();
    let ours: BTreeSet<(String, String)> = sbom
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Pypi)
        .filter(|p| p.locations.iter().any(|l| l.path.starts_with("opt/venv/")))
        .map(|p| (normalise(&p.name), p.version.clone()))
        .collect();

    // A clean environment: the host's PIP_* variables name host paths.
    let out = Command::new("chroot")
        .arg(&root)
        .args([
            "/opt/venv/bin/python",
            "-m",
            "pip",
            "list",
            "--format",
            "json",
            "--disable-pip-version-check",
        ])
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("HOME", "/root")
        .output()
        .expect("chroot runs (the tests run as root)");
    assert!(
        out.status.success(),
        "pip list failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("pip list prints JSON");
    let pips: BTreeSet<(String, String)> = listed
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|p| {
            (
                normalise(p["name"].as_str().expect("name")),
                p["version"].as_str().expect("version").to_string(),
            )
        })
        .collect();
    assert_eq!(
        ours, pips,
        "seatbelt's venv packages vs `pip list` inside the image"
    );
    assert!(pips.contains(&("pyyaml".to_string(), "5.3".to_string())));
}
