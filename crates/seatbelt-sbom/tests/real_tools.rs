//! Ruby gems and Composer packages installed by the real tools (Debian's `ruby` and `composer`),
//! offline: a gem built with `gem build` and installed with `gem install --local`, and a package
//! installed by `composer install` from a path repository. The catalogers must find exactly what
//! the tools installed, read from a `dir:` root filesystem.

use std::path::Path;
use std::process::Command;

use seatbelt_sbom::{catalog_image, CatalogOptions};
use seatbelt_types::Ecosystem;

fn run(program: &str, args: &[&str], dir: &Path) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        // Both tools must stay offline and leave the caller's home alone.
        .env("HOME", dir)
        .env("COMPOSER_HOME", dir.join(".composer"))
        .env("COMPOSER_DISABLE_NETWORK", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is missing ({e}): run scripts/install-deps.sh (ruby, composer)")
        });
    seatbelt_test::cli::succeeded(&format!("{program} {args:?}"), &out);
}

fn packages(rootfs: &Path, ecosystem: Ecosystem) -> Vec<(String, String, Vec<String>, String)> {
    let reference: seatbelt_image::ImageRef = format!("dir:{}", rootfs.display())
        .parse()
        .expect("a dir: reference");
    let image = seatbelt_image::open(&reference, &Default::default()).expect("open dir:");
    let sbom = catalog_image(&image, &CatalogOptions::default()).expect("catalog");
    assert!(sbom.unknowns.is_empty(), "{:?}", sbom.unknowns);
    sbom.packages
        .into_iter()
        .filter(|p| p.ecosystem == ecosystem)
        .map(|p| (p.name, p.version, p.licenses, p.purl.to_string()))
        .collect()
}

#[test]
fn a_gem_installed_by_rubygems_is_found() {
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("src");
    std::fs::create_dir_all(src.join("lib")).expect("mkdir");
    std::fs::write(src.join("lib/fixture.rb"), "puts 1\n").expect("write");
    std::fs::write(
        src.join("fixture.gemspec"),
        r#"Gem::Specification.new do |s|
  s.name = "seatbelt-fixture"
  s.version = "1.2.3"
  s.summary = "a gem built by the seatbelt tests"
  s.authors = ["seatbelt"]
  s.license = "MIT"
  s.files = ["lib/fixture.rb"]
  s.add_runtime_dependency "rake", ">= 0"
end
"#,
    )
    .expect("write");
    run("gem", &["build", "fixture.gemspec"], &src);
    let rootfs = work.path().join("rootfs");
    let gem_home = rootfs.join("var/lib/gems/3.1.0");
    run(
        "gem",
        &[
            "install",
            "--local",
            "--ignore-dependencies",
            "--no-document",
            "--install-dir",
            gem_home.to_str().expect("UTF-8 path"),
            "seatbelt-fixture-1.2.3.gem",
        ],
        &src,
    );
    assert_eq!(
        packages(&rootfs, Ecosystem::Gem),
        [(
            "seatbelt-fixture".to_string(),
            "1.2.3".to_string(),
            vec!["MIT".to_string()],
            "pkg:gem/seatbelt-fixture@1.2.3".to_string()
        )]
    );
}

#[test]
fn a_package_installed_by_composer_is_found() {
    let work = tempfile::tempdir().expect("tempdir");
    let library = work.path().join("acme-util");
    std::fs::create_dir_all(&library).expect("mkdir");
    std::fs::write(
        library.join("composer.json"),
        r#"{"name": "acme/util", "version": "2.4.1", "license": "MIT", "type": "library"}"#,
    )
    .expect("write");
    let app = work.path().join("rootfs/srv/app");
    std::fs::create_dir_all(&app).expect("mkdir");
    // A path repository and no Packagist: `composer install` resolves and installs offline.
    let manifest = format!(
        r#"{{"name": "acme/app",
  "repositories": [{{"type": "path", "url": "{}", "options": {{"symlink": false}}}}, {{"packagist.org": false}}],
  "require": {{"acme/util": "2.4.1"}}}}"#,
        library.display()
    );
    std::fs::write(app.join("composer.json"), manifest).expect("write");
    run(
        "composer",
        &[
            "install",
            "--no-interaction",
            "--no-plugins",
            "--no-scripts",
        ],
        &app,
    );
    assert!(app.join("vendor/composer/installed.json").is_file());
    assert_eq!(
        packages(&work.path().join("rootfs"), Ecosystem::Composer),
        [(
            "acme/util".to_string(),
            "2.4.1".to_string(),
            vec!["MIT".to_string()],
            "pkg:composer/acme/util@2.4.1".to_string()
        )]
    );
}
