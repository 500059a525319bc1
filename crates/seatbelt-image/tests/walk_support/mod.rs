//! Shared by the walk, extract and hostile-layer tests: images assembled in memory from
//! synthetic layers, and visitors that record what they were shown.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::sync::Arc;

use seatbelt_image::manifest::{parse, Parsed};
use seatbelt_image::source::BlobSource;
use seatbelt_image::walk::{
    walk, Entry, EntryKind, Interest, PathFilter, Version, Visitor, WalkReport,
};
use seatbelt_image::{Image, ImageError, LayerSource, Limits, RawConfig, RawManifest};
use seatbelt_test::layers::{config_and_manifest, Blob};
use seatbelt_types::Digest;

/// Blobs held in memory.
pub struct MemBlobs(pub HashMap<String, Vec<u8>>);

impl BlobSource for MemBlobs {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        let bytes = self.0.get(&digest.to_string()).cloned().ok_or_else(|| {
            ImageError::malformed(digest.to_string(), "no such blob in the test store")
        })?;
        Ok(Box::new(Cursor::new(bytes)))
    }
}

/// An image of `blobs` (oldest first) with `limits`.
pub fn image_with(blobs: &[Blob], limits: Limits) -> Image {
    let (config, manifest) = config_and_manifest(blobs);
    image_from_parts(blobs, config, manifest, limits, HashMap::new())
}

/// An image whose blob store holds `stored` instead of the real bytes for some digests
/// (to make a layer lie about its digest).
pub fn image_from_parts(
    blobs: &[Blob],
    config: Vec<u8>,
    manifest: Vec<u8>,
    limits: Limits,
    replace: HashMap<String, Vec<u8>>,
) -> Image {
    let mut store: HashMap<String, Vec<u8>> = blobs
        .iter()
        .map(|b| (b.digest.clone(), b.bytes.clone()))
        .collect();
    store.extend(replace);
    let manifest_digest = Digest::sha256_of(&manifest);
    let Parsed::Image(parsed) = parse(&manifest, None, "test image", u64::MAX).unwrap().0 else {
        panic!("test manifest parses as an index");
    };
    let layers = parsed
        .layers()
        .iter()
        .cloned()
        .map(LayerSource::Blob)
        .collect();
    let config =
        RawConfig::from_verified_bytes(config.clone(), Digest::sha256_of(&config)).unwrap();
    Image::new(
        "test-image".to_string(),
        Some(RawManifest {
            bytes: manifest,
            digest: manifest_digest,
            media_type: "application/vnd.oci.image.manifest.v1+json".to_string(),
            parsed: *parsed,
        }),
        config,
        layers,
        limits,
        Arc::new(MemBlobs(store)),
    )
    .unwrap()
}

/// An image of `tars` (oldest first), each gzip-compressed.
pub fn image(tars: &[Vec<u8>]) -> Image {
    let blobs: Vec<Blob> = tars.iter().map(|t| Blob::new(t, "gzip")).collect();
    image_with(&blobs, Limits::default())
}

/// What a recording visitor saw of one entry.
#[derive(Debug, Clone)]
pub struct Seen {
    pub entry: Entry,
    pub content: Option<Vec<u8>>,
    pub complete: bool,
}

/// Records every entry its filter lets through.
pub struct Recorder {
    pub filter: PathFilter,
    pub history: bool,
    pub seen: Vec<Seen>,
}

impl Recorder {
    /// Wants everything, with content.
    pub fn all(history: bool) -> Recorder {
        Recorder {
            filter: Arc::new(|_, _| Interest::Content),
            history,
            seen: Vec::new(),
        }
    }

    /// Uses `filter`.
    pub fn with(filter: PathFilter, history: bool) -> Recorder {
        Recorder {
            filter,
            history,
            seen: Vec::new(),
        }
    }

    /// Final entries by path (the last presentation wins, as in tar).
    pub fn finals(&self) -> BTreeMap<String, Seen> {
        self.seen
            .iter()
            .filter(|s| s.entry.version == Version::Final)
            .map(|s| (s.entry.path.clone(), s.clone()))
            .collect()
    }

    /// `(path, layer, version)` of everything seen, in delivery order.
    pub fn versions(&self) -> Vec<(String, usize, Version)> {
        self.seen
            .iter()
            .map(|s| (s.entry.path.clone(), s.entry.layer_index, s.entry.version))
            .collect()
    }
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("seen", &self.seen.len())
            .finish()
    }
}

impl Visitor for Recorder {
    fn filter(&self) -> PathFilter {
        Arc::clone(&self.filter)
    }

    fn wants_history(&self) -> bool {
        self.history
    }

    fn visit(
        &mut self,
        entry: &Entry,
        content: Option<&[u8]>,
        content_complete: bool,
    ) -> Result<(), ImageError> {
        self.seen.push(Seen {
            entry: entry.clone(),
            content: content.map(<[u8]>::to_vec),
            complete: content_complete,
        });
        Ok(())
    }
}

/// Walks `image` with one recorder wanting everything.
pub fn walk_all(image: &Image, history: bool) -> Result<(Recorder, WalkReport), ImageError> {
    let mut r = Recorder::all(history);
    let report = walk(image, &mut [&mut r])?;
    Ok((r, report))
}

/// Kind shorthand for assertions.
pub fn kind_of(r: &Recorder, path: &str) -> Option<EntryKind> {
    r.finals().get(path).map(|s| s.entry.kind)
}
