//! Peak memory of a walk that wants everything, over layers that expand to far more than memory
//! should hold. Alone in its test binary so the process's peak RSS is this walk's.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod walk_support;

use std::io::Write;

use seatbelt_image::Limits;
use seatbelt_test::layers::{header_block, sha256, Blob, RawHeader};
use walk_support::*;

/// A gzip layer holding `files` files of `size` zero bytes each, built without holding them.
fn zero_layer(files: usize, size: u64, tag: usize) -> Blob {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for f in 0..files {
        let name = format!("layer-{tag}/file-{f}");
        enc.write_all(&header_block(&RawHeader {
            name: name.as_bytes(),
            size,
            ..RawHeader::default()
        }))
        .unwrap();
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            enc.write_all(&chunk[..n]).unwrap();
            left -= n as u64;
        }
        let pad = (512 - size % 512) % 512;
        enc.write_all(&vec![0u8; pad as usize]).unwrap();
    }
    enc.write_all(&[0u8; 1024]).unwrap();
    let bytes = enc.finish().unwrap();
    Blob {
        digest: sha256(&bytes),
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".into(),
        diff_id: sha256(b""),
        bytes,
    }
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn wanting_everything_keeps_peak_memory_bounded() {
    // 4 layers × 2 files × 72 MiB = 576 MiB of content, every byte wanted, with history, at the
    // default limits (64 MiB in memory per file).
    let blobs: Vec<Blob> = (0..4).map(|i| zero_layer(2, 72 << 20, i)).collect();
    let image = image_with(&blobs, Limits::default());
    let before = peak_rss_kib();
    // Keep only what the visitor saw of each file, not the content, so the peak is the walk's.
    struct Sizes(Vec<(usize, bool)>);
    impl seatbelt_image::walk::Visitor for Sizes {
        fn filter(&self) -> seatbelt_image::walk::PathFilter {
            std::sync::Arc::new(|_, _| seatbelt_image::walk::Interest::Content)
        }
        fn wants_history(&self) -> bool {
            true
        }
        fn visit(
            &mut self,
            _: &seatbelt_image::walk::Entry,
            content: Option<&[u8]>,
            complete: bool,
        ) -> Result<(), seatbelt_image::ImageError> {
            self.0.push((content.map_or(0, <[u8]>::len), complete));
            Ok(())
        }
    }
    let mut sizes = Sizes(Vec::new());
    let report = seatbelt_image::walk::walk(&image, &mut [&mut sizes]).unwrap();
    let peak = peak_rss_kib();
    assert_eq!(report.bytes, 4 * 2 * ((72 << 20) + 512) + 4 * 1024);
    assert_eq!(sizes.0.len(), 8);
    assert!(sizes
        .0
        .iter()
        .all(|&(len, complete)| len == 64 << 20 && !complete));
    // One in-memory file (64 MiB) plus buffers; never several files at once.
    let grown_mib = peak.saturating_sub(before) / 1024;
    assert!(
        grown_mib < 100,
        "peak RSS grew by {grown_mib} MiB during the walk"
    );
    eprintln!("peak RSS grew by {grown_mib} MiB");
}
