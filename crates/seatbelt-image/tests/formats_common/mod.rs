//! Small synthetic images for the format and copy tests: layers (plain, gzip, zstd), configs,
//! manifests, OCI layouts, legacy docker archives and hand-made (hostile) tars.
// Fixture builders panic on failure like the tests that call them.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;

use seatbelt_image::media_types::{
    OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_LAYER_TAR, OCI_LAYER_ZSTD, OCI_MANIFEST,
};
use seatbelt_types::Digest;
use serde_json::{json, Value};

/// A plain tar of `files` (regular files, mode 0644, mtime 0).
pub fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comp {
    Plain,
    Gzip,
    Zstd,
}

#[derive(Clone, Debug)]
pub struct Layer {
    pub media_type: &'static str,
    pub blob: Vec<u8>,
    pub uncompressed: Vec<u8>,
    pub diff_id: Digest,
}

pub fn layer(files: &[(&str, &[u8])], comp: Comp) -> Layer {
    let uncompressed = tar_of(files);
    let (media_type, blob) = match comp {
        Comp::Plain => (OCI_LAYER_TAR, uncompressed.clone()),
        Comp::Gzip => (OCI_LAYER_GZIP, gzip(&uncompressed)),
        Comp::Zstd => (OCI_LAYER_ZSTD, zstd(&uncompressed)),
    };
    Layer {
        media_type,
        diff_id: Digest::sha256_of(&uncompressed),
        blob,
        uncompressed,
    }
}

pub fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": Digest::sha256_of(bytes).to_string(), "size": bytes.len()})
}

#[derive(Clone, Debug)]
pub struct TestImage {
    pub config: Vec<u8>,
    pub manifest: Vec<u8>,
    pub layers: Vec<Layer>,
}

impl TestImage {
    pub fn new(arch: &str, layers: Vec<Layer>) -> TestImage {
        let diff_ids: Vec<String> = layers.iter().map(|l| l.diff_id.to_string()).collect();
        let config = serde_json::to_vec(&json!({
            "architecture": arch, "os": "linux",
            "config": {"Env": ["PATH=/usr/bin"], "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        }))
        .unwrap();
        TestImage::with_config(config, layers)
    }

    pub fn with_config(config: Vec<u8>, layers: Vec<Layer>) -> TestImage {
        let manifest = serde_json::to_vec_pretty(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor(OCI_CONFIG, &config),
            "layers": layers.iter().map(|l| descriptor(l.media_type, &l.blob)).collect::<Vec<_>>(),
        }))
        .unwrap();
        TestImage {
            config,
            manifest,
            layers,
        }
    }

    pub fn digest(&self) -> Digest {
        Digest::sha256_of(&self.manifest)
    }

    pub fn config_digest(&self) -> Digest {
        Digest::sha256_of(&self.config)
    }

    /// Writes every blob into the layout at `dir`.
    pub fn write_blobs(&self, dir: &Path) {
        write_blob(dir, &self.config);
        write_blob(dir, &self.manifest);
        for l in &self.layers {
            write_blob(dir, &l.blob);
        }
    }

    /// An `index.json` entry for this image.
    pub fn entry(&self, tag: Option<&str>) -> Value {
        let mut d = descriptor(OCI_MANIFEST, &self.manifest);
        if let Some(tag) = tag {
            d["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
        }
        d
    }
}

/// The simple two-layer image most tests use.
pub fn sample_image() -> TestImage {
    TestImage::new(
        "amd64",
        vec![
            layer(
                &[("etc/os-release", b"ID=test\n"), ("bin/sh", b"#!shell")],
                Comp::Gzip,
            ),
            layer(&[("etc/motd", b"hello\n")], Comp::Zstd),
            layer(&[("usr/share/doc", b"plain layer")], Comp::Plain),
        ],
    )
}

pub fn write_blob(dir: &Path, bytes: &[u8]) -> Digest {
    let d = Digest::sha256_of(bytes);
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::write(blobs.join(d.hex()), bytes).unwrap();
    d
}

pub fn write_index(dir: &Path, entries: Vec<Value>) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

/// A layout holding `images`, each with its tag.
pub fn write_layout(dir: &Path, images: &[(&TestImage, Option<&str>)]) {
    for (img, _) in images {
        img.write_blobs(dir);
    }
    write_index(
        dir,
        images.iter().map(|(img, tag)| img.entry(*tag)).collect(),
    );
}

/// A tar of a directory's files, each member named `prefix` + its relative path.
pub fn tar_of_dir(dir: &Path, prefix: &str) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let name = format!("{prefix}{rel}");
        if entry.file_type().is_dir() {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(0o755);
            h.set_size(0);
            b.append_data(&mut h, format!("{name}/"), std::io::empty())
                .unwrap();
        } else if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, &name, target).unwrap();
        } else {
            let data = std::fs::read(entry.path()).unwrap();
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            b.append_data(&mut h, &name, &data[..]).unwrap();
        }
    }
    b.into_inner().unwrap()
}

/// A tar with member names written verbatim (the tar crate refuses `..` through its API).
pub fn raw_tar(members: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_old();
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// What legacy `docker save` (Docker < 25) writes for `img` tagged `repo_tags`: `<hex>.json`
/// config, `<id>/layer.tar` uncompressed layers; a repeated layer is a symlink to the first.
pub fn legacy_docker_archive(img: &TestImage, repo_tags: &[&str]) -> Vec<u8> {
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    let mut layer_paths = Vec::new();
    let mut first_of: std::collections::HashMap<Digest, String> = Default::default();
    let mut b = tar::Builder::new(Vec::new());
    for (i, l) in img.layers.iter().enumerate() {
        let id = Digest::sha256_of(format!("layer-id-{i}").as_bytes());
        let path = format!("{}/layer.tar", id.hex());
        if let Some(first) = first_of.get(&l.diff_id) {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, &path, format!("../{first}")).unwrap();
        } else {
            members.push((path.clone(), l.uncompressed.clone()));
            first_of.insert(l.diff_id.clone(), path.clone());
        }
        layer_paths.push(path);
    }
    let config_name = format!("{}.json", img.config_digest().hex());
    members.push((config_name.clone(), img.config.clone()));
    let manifest = json!([{"Config": config_name, "RepoTags": repo_tags, "Layers": layer_paths}]);
    members.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, &name, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// Every regular file under `dir`, by relative path, with its bytes.
pub fn files_of(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The uncompressed tar members of a layer stream: name → content.
pub fn tar_members(data: impl std::io::Read) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = tar::Archive::new(data);
    let mut out = std::collections::BTreeMap::new();
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_str().unwrap().to_string();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut buf).unwrap();
        out.insert(name, buf);
    }
    out
}
