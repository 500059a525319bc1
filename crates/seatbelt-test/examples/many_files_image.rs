//! Writes an OCI image layout whose one layer holds FILES small files (default 1,000,000) plus a
//! thousand Python packages, streamed to disk so the generator itself stays small. Used by
//! `scripts/bench.sh` to show that `seatbelt sbom` of an image with a million files completes in
//! bounded memory.
//!
//! Usage: cargo run --release -p seatbelt-test --example many_files_image -- OUT_DIR [FILES]

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use seatbelt_test::layers::{header_block, RawHeader};
use sha2::{Digest as _, Sha256};

/// Hashes what passes through it (the layer's diff_id is the digest of the uncompressed tar).
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn entry(out: &mut impl Write, name: &str, content: &[u8]) -> io::Result<()> {
    out.write_all(&header_block(&RawHeader {
        name: name.as_bytes(),
        size: content.len() as u64,
        ..RawHeader::default()
    }))?;
    out.write_all(content)?;
    out.write_all(&vec![0u8; (512 - content.len() % 512) % 512])
}

fn write_blob(blobs: &Path, bytes: &[u8]) -> io::Result<String> {
    let hex = hex::encode(Sha256::digest(bytes));
    fs::write(blobs.join(&hex), bytes)?;
    Ok(format!("sha256:{hex}"))
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: many_files_image OUT_DIR [FILES]");
    let files: usize = args.next().map_or(1_000_000, |n| n.parse().expect("FILES"));
    let out = Path::new(&out);
    let blobs = out.join("blobs/sha256");
    fs::create_dir_all(&blobs)?;

    let layer_path = out.join("layer.tmp");
    let gz = flate2::write::GzEncoder::new(
        BufWriter::new(File::create(&layer_path)?),
        flate2::Compression::fast(),
    );
    let mut tar = HashingWriter {
        inner: gz,
        hasher: Sha256::new(),
    };
    for f in 0..files {
        // ustar names are at most 100 bytes: short directory fan-out keeps them so.
        let name = format!(
            "data/{:03}/{:03}/file-{f}.txt",
            f / 1_000_000,
            (f / 1000) % 1000
        );
        entry(&mut tar, &name, format!("file {f}\n").as_bytes())?;
    }
    for p in 0..1000 {
        let name = format!("usr/lib/python3/dist-packages/pkg{p}-1.{p}.dist-info/METADATA");
        let metadata = format!("Metadata-Version: 2.1\nName: pkg{p}\nVersion: 1.{p}\n\n");
        entry(&mut tar, &name, metadata.as_bytes())?;
    }
    tar.write_all(&[0u8; 1024])?;
    let diff_id = format!("sha256:{}", hex::encode(tar.hasher.finalize()));
    tar.inner
        .finish()?
        .into_inner()
        .map_err(|e| e.into_error())?;

    let mut hasher = Sha256::new();
    io::copy(&mut File::open(&layer_path)?, &mut hasher)?;
    let layer_hex = hex::encode(hasher.finalize());
    let layer_size = fs::metadata(&layer_path)?.len();
    fs::rename(&layer_path, blobs.join(&layer_hex))?;

    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }))?;
    let config_digest = write_blob(&blobs, &config)?;
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": format!("sha256:{layer_hex}"), "size": layer_size}],
    }))?;
    let manifest_digest = write_blob(&blobs, &manifest)?;
    fs::write(out.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)?;
    fs::write(
        out.join("index.json"),
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest.len(),
                "annotations": {"org.opencontainers.image.ref.name": "many"}}],
        }))?,
    )?;
    println!(
        "{}:many ({files} files, {layer_size} bytes compressed)",
        out.display()
    );
    Ok(())
}
