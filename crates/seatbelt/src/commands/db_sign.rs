//! Who published a vulnerability DB (issues #4/#6): `db push --sign-key` signs the pushed
//! artifact as `cosign sign` signs an image (its manifest digest, at `sha256-<hex>.sig`, so
//! `cosign verify --key` checks it too); `db pull --db-key` refuses an artifact no signature
//! verifies for; `db update --db-key` requires each source's `SOURCE.sig` (`cosign sign-blob`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::IntoDiagnostic;
use seatbelt_image::ImageRef;
use seatbelt_registry::Reference;
use seatbelt_sign::blob::{self, Artifact};
use seatbelt_sign::keys::read_key_file;
use seatbelt_sign::{PrivateKey, PublicKey, Target};
use seatbelt_types::Digest;
use seatbelt_vulndb::oci;

use crate::args::RegistryArgs;

fn public_key(path: &Path) -> miette::Result<PublicKey> {
    PublicKey::from_pem(
        &read_key_file(path).into_diagnostic()?,
        &path.display().to_string(),
    )
    .into_diagnostic()
}

/// Signs the artifact pushed at `reference` with manifest `digest`; returns the signature tag.
pub(crate) fn sign_pushed(
    reference: &Reference,
    digest: &Digest,
    key: &PrivateKey,
    registry: &RegistryArgs,
) -> miette::Result<String> {
    let pinned = ImageRef::Registry(reference.with_digest(digest.clone()));
    let target = Target::open(&pinned, super::registry_options(registry)?).into_diagnostic()?;
    let signed = seatbelt_sign::sign::sign(&target, key, &BTreeMap::new()).into_diagnostic()?;
    Ok(signed.signature_tag)
}

/// Accepts a pulled DB only if a signature by the key verifies for exactly its manifest digest.
pub(crate) struct ManifestKey {
    key: PublicKey,
    path: PathBuf,
    options: seatbelt_registry::ClientOptions,
}

impl ManifestKey {
    pub(crate) fn load(path: &Path, registry: &RegistryArgs) -> miette::Result<ManifestKey> {
        Ok(ManifestKey {
            key: public_key(path)?,
            path: path.to_path_buf(),
            options: super::registry_options(registry)?,
        })
    }
}

impl oci::Verifier for ManifestKey {
    fn verify(
        &self,
        reference: &Reference,
        manifest_digest: &Digest,
        _manifest: &[u8],
    ) -> Result<(), String> {
        // Bound to the digest pull already fetched and checked: a re-tag in between changes
        // nothing here.
        let pinned = ImageRef::Registry(reference.with_digest(manifest_digest.clone()));
        let target = Target::open(&pinned, self.options.clone()).map_err(|e| e.to_string())?;
        let report = seatbelt_sign::verify::verify(&target, &self.key, &BTreeMap::new())
            .map_err(|e| e.to_string())?;
        if report.verified() > 0 {
            return Ok(());
        }
        let reasons: Vec<String> = report
            .signatures
            .iter()
            .filter_map(|s| s.reason.clone())
            .collect();
        Err(if reasons.is_empty() {
            format!(
                "the DB {manifest_digest} is not signed (no signature at {}); sign it with `seatbelt db push --sign-key` or `cosign sign`",
                report.signature_tag
            )
        } else {
            format!(
                "no signature of the DB {manifest_digest} verifies with {}: {}",
                self.path.display(),
                reasons.join("; ")
            )
        })
    }
}

/// Accepts a downloaded source only with a valid `cosign sign-blob` signature beside it.
#[derive(Debug)]
pub(crate) struct SourceKey {
    key: PublicKey,
    path: PathBuf,
}

impl SourceKey {
    pub(crate) fn load(path: &Path) -> miette::Result<SourceKey> {
        Ok(SourceKey {
            key: public_key(path)?,
            path: path.to_path_buf(),
        })
    }
}

impl seatbelt_vulndb::SourceVerifier for SourceKey {
    fn verify(&self, source: &str, file: &Path, signature: &[u8]) -> Result<(), String> {
        let signature = blob::parse_signature(signature, &format!("{source}.sig"))
            .map_err(|e| e.to_string())?;
        let artifact =
            Artifact::read(file, self.key.signs_whole_message()).map_err(|e| e.to_string())?;
        match blob::verify_signature(&self.key, &artifact, &signature) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(rejection)) => Err(format!("{rejection} (key {})", self.path.display())),
            Err(e) => Err(e.to_string()),
        }
    }
}
