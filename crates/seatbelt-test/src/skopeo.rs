//! skopeo from Debian 13 in a chroot built by `scripts/build-skopeo-chroot.sh`, cached beside
//! the Debian fixture images: the second independent verifier of image signatures (bookworm's
//! skopeo has sigstore support compiled out; trixie's binary needs trixie's glibc).

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::debian::{cache_dir, fnv1a, workspace_root};

/// The chroot's root directory, built on first use (about a minute, from the Debian archive)
/// and reused while the build script is unchanged. A lock file makes one test process build it
/// while the others wait.
///
/// # Panics
/// When it cannot be built (no root, no mmdebstrap, no access to the Debian archive): the
/// signature tests need the real verifier, and `.ci/run` has all three.
pub fn skopeo_chroot() -> PathBuf {
    let script = workspace_root()
        .join("scripts")
        .join("build-skopeo-chroot.sh");
    let script_text =
        fs::read(&script).unwrap_or_else(|e| panic!("cannot read {}: {e}", script.display()));
    let stamp_value = format!("{:x}", fnv1a(&script_text));
    let dir = cache_dir();
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let root = dir.join("skopeo-trixie");
    let stamp = dir.join("skopeo-trixie.stamp");
    let lock_path = dir.join("skopeo-trixie.lock");
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
    if fs::read_to_string(&stamp).is_ok_and(|s| s == stamp_value)
        && root.join("usr/bin/skopeo").exists()
    {
        return root;
    }
    let output = Command::new("bash")
        .arg(&script)
        .arg(&root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "building the skopeo chroot failed (needs root, mmdebstrap and the Debian archive):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    fs::write(&stamp, stamp_value)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", stamp.display()));
    root
}

/// A scratch directory inside the chroot (removed on drop), for policy, keys and copies.
pub struct Scratch {
    root: PathBuf,
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A new scratch directory under the chroot's `/tmp`.
    pub fn new(root: &Path) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("seatbelt-")
            .tempdir_in(root.join("tmp"))
            .unwrap_or_else(|e| panic!("cannot create a directory in {}: {e}", root.display()));
        Scratch {
            root: root.to_path_buf(),
            dir,
        }
    }

    /// The directory as this machine sees it.
    pub fn host_path(&self) -> &Path {
        self.dir.path()
    }

    /// The directory as seen inside the chroot.
    pub fn inner_path(&self) -> String {
        let inner = self
            .dir
            .path()
            .strip_prefix(&self.root)
            .unwrap_or(self.dir.path());
        format!("/{}", inner.display())
    }

    /// Runs `skopeo ARGS` inside the chroot with HOME in the scratch directory.
    pub fn skopeo(&self, args: &[&str]) -> Output {
        Command::new("chroot")
            .arg(&self.root)
            .arg("/usr/bin/skopeo")
            .args(args)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("HOME", self.inner_path())
            .env("TMPDIR", self.inner_path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run skopeo in {}: {e}", self.root.display()))
    }
}
