//! The DB as an OCI artifact (the air-gapped path, and how a team shares one DB): one
//! zstd-compressed layer holding the SQLite file, an empty config, and annotations with the
//! schema version and build time. Pulls verify every digest and the schema version, and pass the
//! manifest to a [`Verifier`] before the DB is swapped in.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use seatbelt_registry::{Client, Reference};
use seatbelt_types::{Algorithm, Digest, Hasher};
use serde::{Deserialize, Serialize};

use crate::build::{persist, temp_path, Lock, TempFile};
use crate::schema::SCHEMA_VERSION;
use crate::{DbError, VulnDb};

/// The manifest's `artifactType`.
pub const ARTIFACT_TYPE: &str = "application/vnd.seatbelt.vulndb.v1";
/// The layer's media type.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.seatbelt.vulndb.layer.v1+zstd";
/// Annotation holding the DB's schema version.
pub const ANNOTATION_SCHEMA: &str = "dev.seatbelt.vulndb.schema-version";
/// Annotation holding when the DB was built.
pub const ANNOTATION_BUILT_AT: &str = "dev.seatbelt.vulndb.built-at";
const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
const EMPTY_CONFIG: &[u8] = b"{}";
/// Largest compressed layer accepted: today's full DB compresses to a few hundred MiB.
pub const MAX_LAYER_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Largest DB file a layer may inflate to.
pub const MAX_DB_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// zstd level: 19 shrinks SQLite pages well and decompression speed does not depend on it.
const ZSTD_LEVEL: i32 = 19;

/// Checks a pulled DB's manifest before it is used. The seam for signature verification
/// (issue #6): an implementation will look up and verify the signature of `manifest_digest`.
pub trait Verifier {
    /// Accepts or refuses the artifact, with the reason.
    fn verify(
        &self,
        reference: &Reference,
        manifest_digest: &Digest,
        manifest: &[u8],
    ) -> Result<(), String>;
}

/// Accepts every artifact: integrity is still checked by digest, but not who published it.
/// The only verifier until signature verification lands (issue #6); callers should say so.
#[derive(Debug, Clone, Copy, Default)]
pub struct DigestsOnly;

impl Verifier for DigestsOnly {
    fn verify(&self, _: &Reference, _: &Digest, _: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    media_type: String,
    digest: Digest,
    size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    schema_version: u32,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    artifact_type: Option<String>,
    config: Descriptor,
    layers: Vec<Descriptor>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

/// Pushes the DB at `db` to `reference` (tag defaults to `latest`); returns the manifest digest.
pub fn push(db: &Path, reference: &Reference, client: &Client) -> Result<Digest, DbError> {
    let opened = VulnDb::open(db)?;
    let built_at = opened.built_at().to_string();
    drop(opened);
    let registry = |what: &str| {
        let what = format!("{what} {}/{}", reference.registry(), reference.repository());
        move |e| DbError::Registry {
            what,
            source: Box::new(e),
        }
    };
    // Compress to a temp file first: the digest must be known before the upload starts.
    let layer = TempFile(temp_path(db).with_extension("zst"));
    let (digest, size) = compress(db, &layer.0)?;
    let mut file = std::fs::File::open(&layer.0).map_err(DbError::io(&layer.0, "cannot open"))?;
    client
        .push_blob(reference, &digest, size, &mut file)
        .map_err(registry("pushing the DB layer to"))?;
    let config_digest = Digest::sha256_of(EMPTY_CONFIG);
    client
        .push_blob(
            reference,
            &config_digest,
            EMPTY_CONFIG.len() as u64,
            &mut &*EMPTY_CONFIG,
        )
        .map_err(registry("pushing the config to"))?;
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(MANIFEST_MEDIA_TYPE.into()),
        artifact_type: Some(ARTIFACT_TYPE.into()),
        config: Descriptor {
            media_type: EMPTY_MEDIA_TYPE.into(),
            digest: config_digest,
            size: EMPTY_CONFIG.len() as u64,
            data: Some("e30=".into()),
            annotations: BTreeMap::new(),
        },
        layers: vec![Descriptor {
            media_type: LAYER_MEDIA_TYPE.into(),
            digest,
            size,
            data: None,
            annotations: BTreeMap::from([(
                "org.opencontainers.image.title".to_string(),
                "db.sqlite".to_string(),
            )]),
        }],
        annotations: BTreeMap::from([
            (ANNOTATION_SCHEMA.to_string(), SCHEMA_VERSION.to_string()),
            (ANNOTATION_BUILT_AT.to_string(), built_at.clone()),
            ("org.opencontainers.image.created".to_string(), built_at),
        ]),
    };
    let bytes = serde_json::to_vec(&manifest).map_err(|e| DbError::Artifact {
        reference: reference.to_string(),
        reason: format!("cannot encode the manifest: {e}"),
    })?;
    let tag = reference
        .digest()
        .map(ToString::to_string)
        .or_else(|| reference.tag().map(str::to_string))
        .unwrap_or_else(|| "latest".into());
    client
        .put_manifest(reference, &tag, MANIFEST_MEDIA_TYPE, &bytes)
        .map_err(registry("pushing the manifest to"))
}

/// Pulls the DB at `reference`, verifies it, and swaps it in at `db`. Returns the manifest digest.
pub fn pull(
    db: &Path,
    reference: &Reference,
    client: &Client,
    verifier: &dyn Verifier,
) -> Result<Digest, DbError> {
    let artifact = |reason: String| DbError::Artifact {
        reference: reference.to_string(),
        reason,
    };
    let registry = |what: &str| {
        let what = format!("{what} {reference}");
        move |e| DbError::Registry {
            what,
            source: Box::new(e),
        }
    };
    let fetched = client
        .get_manifest(
            reference,
            &[MANIFEST_MEDIA_TYPE],
            seatbelt_registry::DEFAULT_MAX_MANIFEST_BYTES,
        )
        .map_err(registry("pulling the manifest of"))?;
    let manifest_digest = Digest::sha256_of(&fetched.bytes);
    if let Some(pinned) = reference.digest() {
        if pinned.algorithm() == Algorithm::Sha256 && *pinned != manifest_digest {
            return Err(artifact(format!(
                "the registry served a manifest with digest {manifest_digest}, not the {pinned} asked for"
            )));
        }
    }
    let manifest: Manifest = serde_json::from_slice(&fetched.bytes)
        .map_err(|e| artifact(format!("not an OCI manifest: {e}")))?;
    if manifest.artifact_type.as_deref() != Some(ARTIFACT_TYPE) {
        return Err(artifact(format!(
            "artifactType is {:?}, not {ARTIFACT_TYPE}: this is not a seatbelt DB",
            manifest.artifact_type
        )));
    }
    let schema: u32 = manifest
        .annotations
        .get(ANNOTATION_SCHEMA)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| artifact(format!("no numeric {ANNOTATION_SCHEMA} annotation")))?;
    if schema > SCHEMA_VERSION {
        return Err(DbError::NewerSchema {
            path: db.to_path_buf(),
            found: schema,
            supported: SCHEMA_VERSION,
        });
    }
    let [layer] = manifest.layers.as_slice() else {
        return Err(artifact(format!(
            "{} layers; a seatbelt DB has exactly one",
            manifest.layers.len()
        )));
    };
    if layer.media_type != LAYER_MEDIA_TYPE {
        return Err(artifact(format!(
            "layer media type {} is not {LAYER_MEDIA_TYPE}",
            layer.media_type
        )));
    }
    if layer.size > MAX_LAYER_BYTES {
        return Err(artifact(format!(
            "layer of {} bytes, more than the {MAX_LAYER_BYTES} allowed",
            layer.size
        )));
    }
    verifier
        .verify(reference, &manifest_digest, &fetched.bytes)
        .map_err(|reason| artifact(format!("verification failed: {reason}")))?;

    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).map_err(DbError::io(&dir, "cannot create the DB directory"))?;
    let _lock = Lock::acquire(db)?;
    let temp = TempFile(temp_path(db));
    let blob = client
        .get_blob(reference, &layer.digest)
        .map_err(registry("pulling the DB layer of"))?;
    let mut hashing =
        HashingReader::new(blob.reader.take(layer.size + 1), layer.digest.algorithm());
    {
        let mut out =
            std::fs::File::create(&temp.0).map_err(DbError::io(&temp.0, "cannot create"))?;
        let mut decoder = zstd::Decoder::new(&mut hashing)
            .map_err(|e| artifact(format!("cannot start zstd: {e}")))?;
        let written = std::io::copy(&mut (&mut decoder).take(MAX_DB_BYTES + 1), &mut out)
            .map_err(|e| artifact(format!("the layer is not valid zstd or broke off: {e}")))?;
        if written > MAX_DB_BYTES {
            return Err(artifact(format!(
                "the layer inflates past {MAX_DB_BYTES} bytes"
            )));
        }
        out.flush().map_err(DbError::io(&temp.0, "cannot write"))?;
    }
    // Trailing bytes after the zstd frame still count towards the digest.
    std::io::copy(&mut hashing, &mut std::io::sink())
        .map_err(|e| artifact(format!("reading the layer: {e}")))?;
    let (actual, read) = hashing.finish();
    if read != layer.size || actual != layer.digest {
        return Err(artifact(format!(
            "the layer does not match its descriptor (got {read} bytes, {actual}; expected {} bytes, {})",
            layer.size, layer.digest
        )));
    }
    // The file must open as a DB this build reads before it replaces anything.
    drop(VulnDb::open(&temp.0)?);
    persist(&temp, db)?;
    std::mem::forget(temp);
    Ok(manifest_digest)
}

fn compress(db: &Path, out: &Path) -> Result<(Digest, u64), DbError> {
    let input = std::fs::File::open(db).map_err(DbError::io(db, "cannot open the DB"))?;
    let file = std::fs::File::create(out).map_err(DbError::io(out, "cannot create"))?;
    let mut encoder = zstd::Encoder::new(file, ZSTD_LEVEL).map_err(DbError::io(out, "zstd"))?;
    // Long-distance matching over repeated JSON in many pages; threads speed up level 19.
    let _ = encoder.long_distance_matching(true);
    std::io::copy(&mut std::io::BufReader::new(input), &mut encoder)
        .map_err(DbError::io(out, "cannot compress the DB"))?;
    encoder
        .finish()
        .map_err(DbError::io(out, "cannot compress the DB"))?;
    let mut file = std::fs::File::open(out).map_err(DbError::io(out, "cannot reopen"))?;
    let mut hasher = Hasher::new(Algorithm::Sha256);
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(DbError::io(out, "cannot hash"))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok((hasher.finish(), size))
}

struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
    read: u64,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R, algorithm: Algorithm) -> Self {
        HashingReader {
            inner,
            hasher: Hasher::new(algorithm),
            read: 0,
        }
    }

    fn finish(self) -> (Digest, u64) {
        (self.hasher.finish(), self.read)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(buf.get(..n).unwrap_or_default());
        self.read += n as u64;
        Ok(n)
    }
}
