//! Times the layer walk over layer files on disk (oldest first), as an image would present them.
//!
//! ```text
//! cargo run --release -p seatbelt-image --example walk_bench -- l0.tar.gz l1.tar.gz l2.tar.gz
//! ```
//! The visitor is shaped like an SBOM pass: metadata of every final entry, the content of the
//! dpkg status file and `os-release`. Compare the time with
//! `zcat l0.tar.gz l1.tar.gz l2.tar.gz >/dev/null`. Prints wall time, entries, bytes and the peak RSS (`VmHWM`). With
//! `WALK_BENCH_ALL=1` the visitor is shaped like a secret scan instead: every version of every
//! file, with content, to show memory stays bounded when everything is wanted. With
//! `WALK_BENCH_EXTRACT=DIR` it then also extracts the image into `DIR` and times that.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use seatbelt_image::source::BlobSource;
use seatbelt_image::walk::{walk, Entry, Interest, PathFilter, Visitor};
use seatbelt_image::{Image, ImageError, LayerSource, Limits, RawConfig};
use seatbelt_types::{Digest, Hasher};

struct Files(HashMap<Digest, PathBuf>);

impl BlobSource for Files {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        let path = self
            .0
            .get(digest)
            .ok_or_else(|| ImageError::malformed(digest.to_string(), "unknown blob"))?;
        let file = File::open(path).map_err(|e| ImageError::io("cannot open", path, e))?;
        Ok(Box::new(file))
    }
}

#[derive(Default)]
struct SbomLike {
    entries: u64,
    content_bytes: u64,
    everything: bool,
}

impl Visitor for SbomLike {
    fn filter(&self) -> PathFilter {
        if self.everything {
            return Arc::new(|_, _| Interest::Content);
        }
        Arc::new(|path: &str, _| match path {
            "var/lib/dpkg/status" | "etc/os-release" | "usr/lib/os-release" => Interest::Content,
            _ => Interest::Metadata,
        })
    }

    fn wants_history(&self) -> bool {
        self.everything
    }

    fn visit(&mut self, _: &Entry, content: Option<&[u8]>, _: bool) -> Result<(), ImageError> {
        self.entries += 1;
        self.content_bytes += content.map_or(0, |c| c.len() as u64);
        Ok(())
    }
}

fn digest_file(path: &PathBuf) -> Result<(Digest, u64), Box<dyn std::error::Error>> {
    let mut hasher = Hasher::new(seatbelt_types::Algorithm::Sha256);
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hasher.finish(), size))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err("usage: walk_bench LAYER... (oldest first; tar, tar.gz or tar.zst)".into());
    }
    let mut blobs = HashMap::new();
    let mut layers = Vec::new();
    for path in &paths {
        let (digest, size) = digest_file(path)?;
        let descriptor: oci_spec::image::Descriptor = serde_json::from_value(serde_json::json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": digest.to_string(),
            "size": size,
        }))?;
        blobs.insert(digest, path.clone());
        layers.push(LayerSource::Blob(descriptor));
    }
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let image = Image::new(
        "walk-bench".into(),
        None,
        RawConfig::from_verified_bytes(config.to_vec(), Digest::sha256_of(config))?,
        layers,
        Limits::default(),
        Arc::new(Files(blobs)),
    )?;
    let start = Instant::now();
    let mut visitor = SbomLike {
        everything: std::env::var_os("WALK_BENCH_ALL").is_some(),
        ..SbomLike::default()
    };
    let report = walk(&image, &mut [&mut visitor])?;
    let elapsed = start.elapsed();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_default();
    println!(
        "walked {} layers, {} entries, {} MB decompressed in {:.3}s; visitor saw {} entries, {} content bytes; {}",
        report.layers,
        report.entries,
        report.bytes / 1_000_000,
        elapsed.as_secs_f64(),
        visitor.entries,
        visitor.content_bytes,
        hwm.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")
    );
    if let Some(dir) = std::env::var_os("WALK_BENCH_EXTRACT") {
        let start = Instant::now();
        let options = seatbelt_image::extract::ExtractOptions {
            preserve_setuid: true,
            preserve_ownership: true,
        };
        let report = seatbelt_image::extract::extract(&image, dir.as_ref(), &options)?;
        println!(
            "extracted {} files, {} dirs, {} symlinks, {} hardlinks, {} MB in {:.3}s; skipped: {:?}",
            report.files,
            report.directories,
            report.symlinks,
            report.hardlinks,
            report.bytes / 1_000_000,
            start.elapsed().as_secs_f64(),
            report.skipped
        );
    }
    Ok(())
}
