//! Arbitrary bytes as the only layer of an image: the walk (wanting every entry, with content
//! and history) and extraction must end in `Ok` or an error, never a panic, and extraction must
//! never write beside its target.
#![no_main]

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use seatbelt_image::extract::{extract, ExtractOptions};
use seatbelt_image::source::BlobSource;
use seatbelt_image::walk::{walk, Entry, EntryKind, Interest, PathFilter, Visitor};
use seatbelt_image::{Image, ImageError, LayerSource, Limits, RawConfig};
use seatbelt_types::Digest;

struct Mem(HashMap<Digest, Vec<u8>>);

impl BlobSource for Mem {
    fn open_raw(&self, digest: &Digest, _: Option<u64>) -> Result<Box<dyn Read + Send>, ImageError> {
        let bytes = self
            .0
            .get(digest)
            .cloned()
            .ok_or_else(|| ImageError::malformed(digest.to_string(), "missing"))?;
        Ok(Box::new(Cursor::new(bytes)))
    }
}

struct Everything;

impl Visitor for Everything {
    fn filter(&self) -> PathFilter {
        Arc::new(|_, _| Interest::Content)
    }

    fn wants_history(&self) -> bool {
        true
    }

    fn visit(&mut self, entry: &Entry, content: Option<&[u8]>, complete: bool) -> Result<(), ImageError> {
        assert!(!entry.path.is_empty() && !entry.path.starts_with('/'));
        assert!(!entry.path.split('/').any(|c| c == ".." || c == "." || c.is_empty()));
        if complete && entry.kind == EntryKind::File {
            assert_eq!(content.map(<[u8]>::len), usize::try_from(entry.size).ok());
        }
        Ok(())
    }
}

fn image(data: &[u8]) -> Image {
    let digest = Digest::sha256_of(data);
    let descriptor: oci_spec::image::Descriptor = serde_json::from_value(serde_json::json!({
        "mediaType": "application/vnd.oci.image.layer.v1.tar",
        "digest": digest.to_string(),
        "size": data.len(),
    }))
    .expect("a well-formed descriptor");
    let config = br#"{"architecture":"amd64","os":"linux"}"#;
    let limits = Limits {
        max_decompressed_bytes: 64 * 1024 * 1024,
        max_file_bytes_in_memory: 1024 * 1024,
        max_entries_per_layer: 100_000,
        ..Limits::default()
    };
    Image::new(
        "fuzz".into(),
        None,
        RawConfig::from_verified_bytes(config.to_vec(), Digest::sha256_of(config)).expect("config"),
        vec![LayerSource::Blob(descriptor)],
        limits,
        Arc::new(Mem(HashMap::from([(digest, data.to_vec())]))),
    )
    .expect("one layer is within the limits")
}

fuzz_target!(|data: &[u8]| {
    let image = image(data);
    let _ = walk(&image, &mut [&mut Everything]);

    let base = tempfile::tempdir().expect("a temp dir");
    let target = base.path().join("target");
    let _ = extract(&image, &target, &ExtractOptions::default());
    let beside: Vec<_> = std::fs::read_dir(base.path())
        .expect("readable temp dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(beside.len() <= 1, "extraction wrote beside its target: {beside:?}");
    // Let the temp dir be removed even if the layer made read-only directories.
    open_up(&target);
});

/// Makes every directory under `root` (not following symlinks) writable again.
fn open_up(root: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            _ => continue,
        }
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        if let Ok(rd) = std::fs::read_dir(&dir) {
            stack.extend(rd.filter_map(Result::ok).map(|e| e.path()));
        }
    }
}
