//! Real Debian 12 images built from the Debian archive by `scripts/build-fixture-image.sh`
//! (mmdebstrap for the filesystems, umoci for the layers), cached between test runs.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The images the fixture script can build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureImage {
    /// One layer: Debian 12 minbase.
    Minbase,
    /// One layer: minbase plus python3.
    Python,
    /// Three layers: minbase; python3 and tools with e2fsprogs purged; a venv of old PyPI packages.
    Bench,
}

impl FixtureImage {
    /// The script's name for it, also the image's tag in its layout.
    pub fn name(self) -> &'static str {
        match self {
            FixtureImage::Minbase => "minbase",
            FixtureImage::Python => "python",
            FixtureImage::Bench => "bench",
        }
    }
}

/// The workspace root (this crate lives at `crates/seatbelt-test`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where built fixtures are kept: `$SEATBELT_FIXTURE_CACHE`, or `target/seatbelt-fixtures`.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("SEATBELT_FIXTURE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target").join("seatbelt-fixtures"))
}

/// The OCI layout holding `image` (tagged with [`FixtureImage::name`]), built on first use.
/// Several test processes may ask at once: a lock file makes one build and the others wait.
/// A changed build script invalidates the cache.
///
/// # Panics
/// When the image cannot be built (no root, no mmdebstrap/umoci, no access to the Debian
/// archive): these tests need the real thing, and `.ci/run` installs it.
pub fn fixture_image(image: FixtureImage) -> PathBuf {
    let script = workspace_root()
        .join("scripts")
        .join("build-fixture-image.sh");
    let script_text =
        fs::read(&script).unwrap_or_else(|e| panic!("cannot read {}: {e}", script.display()));
    let stamp_value = format!("{:x}", fnv1a(&script_text));
    let dir = cache_dir();
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let layout = dir.join(image.name());
    let stamp = dir.join(format!("{}.stamp", image.name()));
    let lock_path = dir.join(format!("{}.lock", image.name()));
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
    if fs::read_to_string(&stamp).is_ok_and(|s| s == stamp_value)
        && layout.join("index.json").exists()
    {
        return layout;
    }
    let output = Command::new("bash")
        .arg(&script)
        .arg(image.name())
        .arg(&layout)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "building the {} fixture image failed (needs root, mmdebstrap, umoci, rsync and the Debian archive; .ci/run installs them):\n{}{}",
        image.name(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    fs::write(&stamp, stamp_value)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", stamp.display()));
    layout
}

/// A stable, dependency-free hash for cache stamps (not for security).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
