//! An unpacked root filesystem (`dir:`): one directory standing for the whole image, with a
//! synthesised config (the host's platform, no runtime settings) since a directory has none.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use seatbelt_types::Digest;

use crate::source::{BlobSource, OpenOptions};
use crate::{Image, ImageError, LayerSource, Platform, RawConfig};

pub(crate) fn open(path: &Path, options: &OpenOptions) -> Result<Image, ImageError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ImageError::io("cannot open root filesystem", path, e))?;
    if !meta.is_dir() {
        return Err(ImageError::malformed(
            format!("`{}`", path.display()),
            "dir: needs a directory holding an unpacked root filesystem; for a tar use docker-archive: or oci-archive:",
        ));
    }
    let bytes = synthesised_config(&Platform::host());
    let digest = Digest::sha256_of(&bytes);
    let config = RawConfig::from_verified_bytes(bytes.clone(), digest.clone())?;
    Image::new(
        format!("dir:{}", path.display()),
        None,
        config,
        vec![LayerSource::Directory(path.to_path_buf())],
        options.limits,
        Arc::new(ConfigOnly { digest, bytes }),
    )
}

/// The config of a root filesystem: its platform, an empty runtime config and no layers yet.
pub(crate) fn synthesised_config(platform: &Platform) -> Vec<u8> {
    let mut value = serde_json::json!({
        "architecture": platform.architecture,
        "os": platform.os,
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": []},
    });
    if let (Some(variant), Some(map)) = (&platform.variant, value.as_object_mut()) {
        map.insert("variant".to_string(), variant.clone().into());
    }
    // serde_json's map is sorted, so the bytes (and digest) are the same on every run.
    value.to_string().into_bytes()
}

/// A `dir:` image has no blobs but its synthesised config.
struct ConfigOnly {
    digest: Digest,
    bytes: Vec<u8>,
}

impl BlobSource for ConfigOnly {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        if *digest == self.digest {
            return Ok(Box::new(std::io::Cursor::new(self.bytes.clone())));
        }
        Err(ImageError::malformed(
            "a dir: image",
            format!("it has no blob {digest}: a root filesystem is read as files, not blobs"),
        ))
    }
}
