//! The npm cataloger against npm itself: the bench image carries an application whose
//! dependencies were installed by `npm install`; `npm ls --all` run on the extracted tree must
//! list exactly the packages seatbelt finds under it.

use std::collections::BTreeSet;
use std::process::Command;

mod bench_image;

use seatbelt_types::Ecosystem;

/// Every (name, version) in `npm ls --json` output, at any depth.
fn npm_ls_packages(node: &serde_json::Value, out: &mut BTreeSet<(String, String)>) {
    let Some(dependencies) = node.get("dependencies").and_then(|d| d.as_object()) else {
        return;
    };
    for (name, dependency) in dependencies {
        let version = dependency["version"]
            .as_str()
            .expect("npm ls gives versions");
        out.insert((name.clone(), version.to_string()));
        npm_ls_packages(dependency, out);
    }
}

#[test]
fn app_packages_equal_npm_ls_of_the_installed_tree() {
    let (sbom, _guard, root) = bench_image::bench_sbom_and_rootfs();
    let ours: BTreeSet<(String, String)> = sbom
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Npm)
        .filter(|p| p.locations.iter().any(|l| l.path.starts_with("srv/app/")))
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();

    let out = Command::new("npm")
        .args(["ls", "--all", "--json", "--prefix"])
        .arg(root.join("srv/app"))
        .output()
        .expect("npm runs (scripts/install-deps.sh installs it)");
    assert!(
        out.status.success(),
        "npm ls failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let tree: serde_json::Value = serde_json::from_slice(&out.stdout).expect("npm ls prints JSON");
    let mut listed = BTreeSet::new();
    npm_ls_packages(&tree, &mut listed);

    assert_eq!(ours, listed, "seatbelt's npm packages vs `npm ls --all`");
    for pinned in [
        ("express", "4.16.0"),
        ("lodash", "4.17.4"),
        ("minimist", "0.0.8"),
    ] {
        assert!(
            listed.contains(&(pinned.0.to_string(), pinned.1.to_string())),
            "{pinned:?} installed"
        );
    }
    assert!(
        listed.len() > 40,
        "express brings its tree: {}",
        listed.len()
    );
}
