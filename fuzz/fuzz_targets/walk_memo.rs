//! A layer memo as the layer cache could hold it, damaged or crafted: the walk must replay it
//! only if it is well-formed, read the layer otherwise, and either way deliver only normalised
//! paths inside the root, never panic.
//!
//! The first byte picks the shape: odd, the rest is a whole memo file as stored (the checksum
//! stops almost all of them); even, the rest is the memo's steps, sealed with the right header
//! and checksum so that the structural checks and the replay itself are exercised.
#![no_main]

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use seatbelt_image::source::BlobSource;
use seatbelt_image::walk::memo::{seal, Memo, MemoStore, FORMAT};
use seatbelt_image::walk::{walk_memoised, Entry, Interest, PathFilter, Visitor};
use seatbelt_image::{Image, ImageError, LayerSource, Limits, RawConfig};
use seatbelt_types::Digest;

const KEY: &str = "fuzz v1";
const CONTENT_LIMIT: u64 = 1024 * 1024;

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

/// Hands out the same memo under every name.
struct Fixed(Vec<u8>);

impl MemoStore for Fixed {
    fn load(&self, _name: &str) -> Option<Vec<u8>> {
        Some(self.0.clone())
    }

    fn save(&self, _name: &str, _bytes: &[u8]) {}
}

struct Checker;

impl Visitor for Checker {
    fn filter(&self) -> PathFilter {
        Arc::new(|_, _| Interest::Content)
    }

    fn wants_history(&self) -> bool {
        true
    }

    fn visit(&mut self, entry: &Entry, _content: Option<&[u8]>, _: bool) -> Result<(), ImageError> {
        assert!(!entry.path.is_empty() && !entry.path.starts_with('/'));
        assert!(!entry.path.split('/').any(|c| c == ".." || c == "." || c.is_empty()));
        Ok(())
    }
}

/// An image of two empty tar layers (the lower one so the replayed upper one's whiteouts and
/// opaque markers are applied to something).
fn image() -> (Image, Digest) {
    let empty_tar = vec![0u8; 1024];
    let digest = Digest::sha256_of(&empty_tar);
    let descriptor: oci_spec::image::Descriptor = serde_json::from_value(serde_json::json!({
        "mediaType": "application/vnd.oci.image.layer.v1.tar",
        "digest": digest.to_string(),
        "size": empty_tar.len(),
    }))
    .expect("a well-formed descriptor");
    let config = br#"{"architecture":"amd64","os":"linux"}"#;
    let limits = Limits {
        max_file_bytes_in_memory: CONTENT_LIMIT,
        max_entries_per_layer: 100_000,
        ..Limits::default()
    };
    let image = Image::new(
        "fuzz".into(),
        None,
        RawConfig::from_verified_bytes(config.to_vec(), Digest::sha256_of(config)).expect("config"),
        vec![LayerSource::Blob(descriptor.clone()), LayerSource::Blob(descriptor)],
        limits,
        Arc::new(Mem(HashMap::from([(digest.clone(), empty_tar)]))),
    )
    .expect("two layers are within the limits");
    (image, digest)
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let (image, digest) = image();
    let memo_file = if shape % 2 == 1 {
        rest.to_vec()
    } else {
        // The memo header's fields in order (its counts from the fuzzer's first bytes), then
        // the rest of the fuzzer's bytes as the steps.
        let mut counts = [0u64; 3];
        let mut steps = rest;
        for count in &mut counts {
            if let Some((&b, after)) = steps.split_first() {
                *count = if b == 0xff { u64::MAX } else { u64::from(b) << (b % 8 * 4) };
                steps = after;
            }
        }
        let [entries, bytes, dropped] = counts;
        let header = (FORMAT, KEY, digest.to_string(), CONTENT_LIMIT, entries, bytes, dropped);
        let mut body = postcard::to_allocvec(&header).expect("a header encodes");
        body.extend_from_slice(steps);
        seal(&body)
    };
    let memo = Memo {
        key: KEY.to_string(),
        summarise: Arc::new(|_, _, content: &[u8], _| content.iter().take(16).copied().collect()),
        store: Arc::new(Fixed(memo_file)),
    };
    let _ = walk_memoised(&image, &mut Checker, &memo);
});
