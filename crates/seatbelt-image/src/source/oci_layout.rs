//! The OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`).
//! Spec: <https://github.com/opencontainers/image-spec/blob/main/image-layout.md>.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use seatbelt_types::Digest;

use crate::source::layout::{self, LayoutStore};
use crate::source::{BlobSource, OpenOptions};
use crate::{Image, ImageError, ImageRef, ManifestSelector, Platform};

pub(crate) fn open(
    path: &Path,
    selector: &ManifestSelector,
    platform: &Platform,
    options: &OpenOptions,
) -> Result<Image, ImageError> {
    let store = LayoutDir::open(path)?;
    let reference = ImageRef::OciDir {
        path: path.to_path_buf(),
        selector: selector.clone(),
    }
    .to_string();
    layout::open_layout(
        Arc::new(store),
        reference,
        selector,
        platform,
        &options.limits,
    )
}

/// A layout directory. Every file is opened through its canonical path, which must stay inside
/// the layout: a blob that is a symlink to `/etc/shadow` or `/dev/zero` is refused, not read.
pub(crate) struct LayoutDir {
    root: PathBuf,
    shown: PathBuf,
}

impl LayoutDir {
    pub(crate) fn open(path: &Path) -> Result<LayoutDir, ImageError> {
        let meta =
            fs::metadata(path).map_err(|e| ImageError::io("cannot open OCI layout", path, e))?;
        if !meta.is_dir() {
            return Err(ImageError::malformed(
                format!("OCI layout `{}`", path.display()),
                "it is not a directory (oci-archive: reads a tar of a layout)",
            ));
        }
        let root = fs::canonicalize(path)
            .map_err(|e| ImageError::io("cannot open OCI layout", path, e))?;
        Ok(LayoutDir {
            root,
            shown: path.to_path_buf(),
        })
    }

    /// Opens `relative` if it exists, is a regular file and resolves inside the layout.
    fn open_inside(&self, relative: &str) -> Result<Option<(File, u64)>, ImageError> {
        let path = self.root.join(relative);
        let canonical = match fs::canonicalize(&path) {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ImageError::io("cannot resolve", path, e)),
        };
        if !canonical.starts_with(&self.root) {
            return Err(ImageError::UnsafePath {
                what: format!("OCI layout `{}`", self.shown.display()),
                path: relative.to_string(),
                reason: "it is a symbolic link leading outside the layout",
            });
        }
        // Checked before opening too: opening a FIFO blocks, opening a device may act.
        let not_regular =
            || ImageError::malformed(format!("`{}`", path.display()), "it is not a regular file");
        let before =
            fs::metadata(&canonical).map_err(|e| ImageError::io("cannot read", &path, e))?;
        if !before.is_file() {
            return Err(not_regular());
        }
        let file = File::open(&canonical).map_err(|e| ImageError::io("cannot open", &path, e))?;
        let meta = file
            .metadata()
            .map_err(|e| ImageError::io("cannot read", &path, e))?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        Ok(Some((file, meta.len())))
    }
}

impl BlobSource for LayoutDir {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        let name = layout::blob_name(digest);
        match self.open_inside(&name)? {
            Some((file, _)) => Ok(Box::new(file)),
            None => Err(ImageError::malformed(
                format!("OCI layout `{}`", self.shown.display()),
                format!("blob {digest} is missing (no `{name}`); the layout is incomplete, copy the image into it again"),
            )),
        }
    }
}

impl LayoutStore for LayoutDir {
    fn read_small(
        &self,
        name: &str,
        max: u64,
        limit: &'static str,
    ) -> Result<Option<Vec<u8>>, ImageError> {
        let Some((file, len)) = self.open_inside(name)? else {
            return Ok(None);
        };
        let path = self.root.join(name);
        if len > max {
            return Err(ImageError::LimitExceeded {
                limit,
                max,
                what: format!("`{}` ({len} bytes)", path.display()),
            });
        }
        let mut bytes = Vec::new();
        file.take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| ImageError::io("cannot read", &path, e))?;
        if bytes.len() as u64 > max {
            return Err(ImageError::LimitExceeded {
                limit,
                max,
                what: format!("`{}` (it grew while being read)", path.display()),
            });
        }
        Ok(Some(bytes))
    }

    fn location(&self) -> String {
        format!("OCI layout `{}`", self.shown.display())
    }
}
