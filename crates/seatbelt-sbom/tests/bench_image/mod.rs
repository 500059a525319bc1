//! The bench fixture image as the tests that compare seatbelt with a package manager need it:
//! its SBOM, and its root filesystem extracted for the package manager to read.

use seatbelt_image::extract::{extract, ExtractOptions};
use seatbelt_sbom::{catalog_image, CatalogOptions};
use seatbelt_test::debian::{fixture_image, FixtureImage};
use seatbelt_types::Sbom;

/// The SBOM of the bench image and its root filesystem, extracted under a temp dir (kept alive by
/// the returned guard).
pub(crate) fn bench_sbom_and_rootfs() -> (Sbom, tempfile::TempDir, std::path::PathBuf) {
    let layout = fixture_image(FixtureImage::Bench);
    let reference = format!("oci-dir:{}:bench", layout.display())
        .parse()
        .expect("reference");
    let image =
        seatbelt_image::open(&reference, &Default::default()).expect("open the bench image");
    let sbom = catalog_image(&image, &CatalogOptions::default()).expect("catalog");
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("rootfs");
    extract(
        &image,
        &root,
        &ExtractOptions {
            preserve_setuid: false,
            preserve_ownership: true,
        },
    )
    .expect("extract the bench image");
    (sbom, dir, root)
}
