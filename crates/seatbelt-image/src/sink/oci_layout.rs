//! Writing OCI image layouts (directories and archives).
//! Spec: <https://github.com/opencontainers/image-spec/blob/main/image-layout.md>.
//!
//! Blobs go to a temp file in `blobs/` and are renamed into place only once their digest and
//! size check out, so a layout never holds a blob under a name it does not hash to. `index.json`
//! is replaced atomically (temp + rename) in `finish`. Nothing is fsynced: a crash can lose the
//! last write, never corrupt what was there. No lock is taken: two writers adding to one layout
//! at the same moment can lose one index entry (the last rename wins), never a blob.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use oci_spec::image::Descriptor;
use seatbelt_types::Digest;
use serde_json::{Map, Value};

use crate::limits::MAX_MANIFEST_BYTES;
use crate::media_types::OCI_INDEX;
use crate::sink::tar_writer::DeterministicTar;
use crate::sink::BlobSink;
use crate::source::layout::{blob_name, descriptor_digest, REF_NAME};
use crate::{ImageError, VerifyingReader};

const OCI_LAYOUT_FILE: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// Writes into an OCI image layout directory.
pub struct OciLayoutSink {
    root: PathBuf,
    /// `index.json` without its `manifests`, so fields seatbelt does not know survive a rewrite.
    index_rest: Map<String, Value>,
    manifests: Vec<Value>,
}

impl OciLayoutSink {
    /// Opens the layout at `path` to add images to it, creating it if `path` is absent or an
    /// empty directory. A manifest tagged like an existing entry takes the tag over.
    pub fn open(path: &Path) -> Result<OciLayoutSink, ImageError> {
        let not_layout = |reason: &str| ImageError::Destination {
            destination: format!("oci-dir:{}", path.display()),
            reason: reason.to_string(),
        };
        match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(path).map_err(|e| ImageError::io("cannot create", path, e))?;
            }
            Err(e) => return Err(ImageError::io("cannot open", path, e)),
            Ok(_) if !path.is_dir() => {
                return Err(not_layout("it exists and is not a directory"));
            }
            Ok(_) => {}
        }
        let layout_file = path.join("oci-layout");
        let (index_rest, manifests) = if layout_file.exists() {
            read_existing(path)?
        } else {
            let mut entries =
                fs::read_dir(path).map_err(|e| ImageError::io("cannot read", path, e))?;
            if entries.next().is_some() {
                return Err(not_layout(
                    "it is a directory that is neither empty nor an OCI image layout; choose a new directory",
                ));
            }
            write_atomically(path, "oci-layout", OCI_LAYOUT_FILE)?;
            let mut rest = Map::new();
            rest.insert("schemaVersion".to_string(), 2.into());
            rest.insert("mediaType".to_string(), OCI_INDEX.into());
            (rest, Vec::new())
        };
        let blobs = path.join("blobs").join("sha256");
        fs::create_dir_all(&blobs).map_err(|e| ImageError::io("cannot create", &blobs, e))?;
        Ok(OciLayoutSink {
            root: path.to_path_buf(),
            index_rest,
            manifests,
        })
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root.join(blob_name(digest))
    }

    /// Writes `index.json`.
    fn write_index(&self) -> Result<(), ImageError> {
        let mut index = self.index_rest.clone();
        index.insert(
            "manifests".to_string(),
            Value::Array(self.manifests.clone()),
        );
        let bytes = serde_json::to_vec(&Value::Object(index))
            .map_err(|e| ImageError::malformed("index.json", e.to_string()))?;
        write_atomically(&self.root, "index.json", &bytes)
    }
}

fn read_existing(root: &Path) -> Result<(Map<String, Value>, Vec<Value>), ImageError> {
    let what = |name: &str| format!("`{}`", root.join(name).display());
    let read = |name: &str| -> Result<Option<Vec<u8>>, ImageError> {
        let path = root.join(name);
        match File::open(&path) {
            Ok(f) => {
                let mut bytes = Vec::new();
                f.take(MAX_MANIFEST_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| ImageError::io("cannot read", &path, e))?;
                if bytes.len() as u64 > MAX_MANIFEST_BYTES {
                    return Err(ImageError::LimitExceeded {
                        limit: "MAX_MANIFEST_BYTES",
                        max: MAX_MANIFEST_BYTES,
                        what: what(name),
                    });
                }
                Ok(Some(bytes))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ImageError::io("cannot read", path, e)),
        }
    };
    let version: Value = serde_json::from_slice(&read("oci-layout")?.unwrap_or_default())
        .map_err(|e| ImageError::malformed(what("oci-layout"), e.to_string()))?;
    if version.get("imageLayoutVersion").and_then(Value::as_str) != Some("1.0.0") {
        return Err(ImageError::malformed(
            what("oci-layout"),
            "imageLayoutVersion is not 1.0.0; seatbelt only adds to version 1.0.0 layouts",
        ));
    }
    let Some(bytes) = read("index.json")? else {
        // A layout whose first write never finished: start its index afresh.
        let mut rest = Map::new();
        rest.insert("schemaVersion".to_string(), 2.into());
        rest.insert("mediaType".to_string(), OCI_INDEX.into());
        return Ok((rest, Vec::new()));
    };
    let Value::Object(mut index) = serde_json::from_slice(&bytes)
        .map_err(|e| ImageError::malformed(what("index.json"), e.to_string()))?
    else {
        return Err(ImageError::malformed(
            what("index.json"),
            "it is not a JSON object",
        ));
    };
    let manifests = match index.remove("manifests") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(ImageError::malformed(
                what("index.json"),
                "`manifests` is not a list",
            ))
        }
    };
    Ok((index, manifests))
}

/// A temp file in `dir` that becomes an output by rename, readable by everyone as files created
/// the usual way are (tempfile's default 0600 would hide layouts and archives from other users).
pub(crate) fn output_temp_file(dir: &Path) -> Result<tempfile::NamedTempFile, ImageError> {
    tempfile::Builder::new()
        .prefix(".tmp-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(dir)
        .map_err(|e| ImageError::io("cannot create a temp file in", dir, e))
}

/// Replaces `dir/name` with `bytes` atomically.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ImageError> {
    let mut temp = output_temp_file(dir)?;
    temp.write_all(bytes)
        .map_err(|e| ImageError::io("cannot write", temp.path().to_path_buf(), e))?;
    let target = dir.join(name);
    temp.persist(&target)
        .map_err(|e| ImageError::io("cannot write", target, e.error))?;
    Ok(())
}

fn ref_name(entry: &Value) -> Option<&str> {
    entry.get("annotations")?.get(REF_NAME)?.as_str()
}

impl BlobSink for OciLayoutSink {
    fn has_blob(&mut self, descriptor: &Descriptor) -> Result<bool, ImageError> {
        let digest = descriptor_digest(descriptor, "a blob to write")?;
        // Trusted when the size matches, as other layout writers do: re-hashing every blob on
        // every copy would cost as much as copying it.
        Ok(fs::metadata(self.blob_path(&digest))
            .is_ok_and(|m| m.is_file() && m.len() == descriptor.size()))
    }

    fn put_blob(&mut self, descriptor: &Descriptor, data: &mut dyn Read) -> Result<(), ImageError> {
        let digest = descriptor_digest(descriptor, "a blob to write")?;
        let target = self.blob_path(&digest);
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| ImageError::io("cannot create", &dir, e))?;
        let blobs = self.root.join("blobs");
        let temp = output_temp_file(&blobs)?;
        let what = format!("blob {digest}");
        let mut verified =
            VerifyingReader::new(data, what.clone(), digest, Some(descriptor.size()));
        let mut out = BufWriter::with_capacity(256 * 1024, temp);
        // Copy manually so a read failure (a digest mismatch) is told apart from a write failure.
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match verified.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ImageError::from_stream(what, e)),
            };
            out.write_all(&buf[..n])
                .map_err(|e| ImageError::io("cannot write", &blobs, e))?;
        }
        let temp = out
            .into_inner()
            .map_err(|e| ImageError::io("cannot write", &blobs, e.into_error()))?;
        temp.persist(&target)
            .map_err(|e| ImageError::io("cannot write", target, e.error))?;
        Ok(())
    }

    fn put_manifest(
        &mut self,
        bytes: &[u8],
        media_type: &str,
        tag: Option<&str>,
    ) -> Result<Digest, ImageError> {
        let digest = Digest::sha256_of(bytes);
        let descriptor = Descriptor::new(
            media_type.into(),
            bytes.len() as u64,
            oci_spec::image::Digest::try_from(digest.to_string())
                .map_err(|e| ImageError::malformed("a manifest to write", e.to_string()))?,
        );
        self.put_blob(&descriptor, &mut &bytes[..])?;
        let mut entry = serde_json::json!({
            "mediaType": media_type,
            "digest": digest.to_string(),
            "size": bytes.len(),
        });
        match tag {
            Some(tag) => {
                self.manifests.retain(|m| ref_name(m) != Some(tag));
                entry["annotations"] = serde_json::json!({ REF_NAME: tag });
            }
            None => {
                let digest_text = digest.to_string();
                let already = self.manifests.iter().any(|m| {
                    ref_name(m).is_none()
                        && m.get("digest").and_then(Value::as_str) == Some(digest_text.as_str())
                });
                if already {
                    return Ok(digest);
                }
            }
        }
        self.manifests.push(entry);
        Ok(digest)
    }

    fn finish(self: Box<Self>) -> Result<(), ImageError> {
        self.write_index()
    }
}

/// Writes an OCI image layout as a tar archive: a layout is staged in a temp directory beside
/// the destination, then written as one deterministic tar that replaces the destination.
pub struct OciArchiveSink {
    destination: PathBuf,
    layout: OciLayoutSink,
    staging: tempfile::TempDir,
}

impl OciArchiveSink {
    /// Prepares to write the archive `path` (replaced on `finish`).
    pub fn create(path: &Path) -> Result<OciArchiveSink, ImageError> {
        if path.is_dir() {
            return Err(ImageError::Destination {
                destination: format!("oci-archive:{}", path.display()),
                reason: "it is a directory; oci-archive: writes a tar file (oci-dir: writes a layout directory)".to_string(),
            });
        }
        let parent = parent_dir(path);
        let staging = tempfile::Builder::new()
            .prefix(".seatbelt-oci-archive-")
            .tempdir_in(&parent)
            .map_err(|e| ImageError::io("cannot create a temp directory in", &parent, e))?;
        let layout = OciLayoutSink::open(staging.path())?;
        Ok(OciArchiveSink {
            destination: path.to_path_buf(),
            layout,
            staging,
        })
    }
}

/// The directory a file `path` lives in (`.` for a bare name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes the layout at `root` (as this module writes them) as a tar replacing `destination`.
fn write_layout_tar(root: &Path, destination: &Path) -> Result<(), ImageError> {
    let parent = parent_dir(destination);
    let temp = output_temp_file(&parent)?;
    let write_err = |e| ImageError::io("cannot write", destination, e);
    let mut tar = DeterministicTar::new(BufWriter::with_capacity(256 * 1024, temp));
    tar.dir("blobs").map_err(write_err)?;
    let mut algorithms: Vec<String> = read_names(&root.join("blobs"))?;
    algorithms.retain(|a| !a.starts_with('.'));
    for algorithm in algorithms {
        tar.dir(&format!("blobs/{algorithm}")).map_err(write_err)?;
        let dir = root.join("blobs").join(&algorithm);
        for hex in read_names(&dir)? {
            if hex.starts_with('.') {
                continue;
            }
            let path = dir.join(&hex);
            let file = File::open(&path).map_err(|e| ImageError::io("cannot read", &path, e))?;
            let size = file
                .metadata()
                .map_err(|e| ImageError::io("cannot read", &path, e))?
                .len();
            tar.file(&format!("blobs/{algorithm}/{hex}"), size, file)
                .map_err(write_err)?;
        }
    }
    for name in ["index.json", "oci-layout"] {
        let path = root.join(name);
        let bytes = fs::read(&path).map_err(|e| ImageError::io("cannot read", &path, e))?;
        tar.bytes(name, &bytes).map_err(write_err)?;
    }
    let temp = tar
        .finish()
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .map_err(write_err)?;
    temp.persist(destination)
        .map_err(|e| ImageError::io("cannot write", destination, e.error))?;
    Ok(())
}

/// The entries of `dir`, sorted, so archives come out the same every time.
fn read_names(dir: &Path) -> Result<Vec<String>, ImageError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| ImageError::io("cannot read", dir, e))? {
        let entry = entry.map_err(|e| ImageError::io("cannot read", dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

impl BlobSink for OciArchiveSink {
    fn has_blob(&mut self, descriptor: &Descriptor) -> Result<bool, ImageError> {
        self.layout.has_blob(descriptor)
    }

    fn put_blob(&mut self, descriptor: &Descriptor, data: &mut dyn Read) -> Result<(), ImageError> {
        self.layout.put_blob(descriptor, data)
    }

    fn put_manifest(
        &mut self,
        bytes: &[u8],
        media_type: &str,
        tag: Option<&str>,
    ) -> Result<Digest, ImageError> {
        self.layout.put_manifest(bytes, media_type, tag)
    }

    fn finish(self: Box<Self>) -> Result<(), ImageError> {
        self.layout.write_index()?;
        write_layout_tar(self.staging.path(), &self.destination)
        // `staging` is removed when it drops here.
    }
}
