//! `seatbelt sign-blob` and `seatbelt verify-blob`: file signatures as cosign makes them, and
//! offline verification of keyless Sigstore bundles.

use std::path::Path;

use miette::{Context, IntoDiagnostic};
use seatbelt_sign::blob::{self, Artifact, BundleFormat};
use seatbelt_sign::bundle::trusted_root::TrustedRoot;
use seatbelt_sign::bundle::verify::{Policy, Verified};
use seatbelt_sign::keys::read_key_file;
use seatbelt_sign::PublicKey;

use crate::args::{KeylessArgs, SignBlobArgs, VerifyBlobArgs};
use crate::commands::key::load_private_key;
use crate::output::{print, print_json};
use crate::Outcome;

/// Writes `bytes` to `path` through a temp file and rename, so a reader never sees half of it.
fn write_file(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, bytes).into_diagnostic()?;
    temp.persist(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

pub(crate) fn sign(args: &SignBlobArgs) -> miette::Result<Outcome> {
    let key = load_private_key(&args.key)?;
    let artifact =
        Artifact::read(&args.file, key.public_key().signs_whole_message()).into_diagnostic()?;
    let signed = blob::sign(&key, &artifact).into_diagnostic()?;
    if let Some(path) = &args.output_signature {
        write_file(path, signed.to_base64().as_bytes())?;
        eprintln!("Wrote signature to {}", path.display());
    }
    if let Some(path) = &args.bundle {
        let format = if args.new_bundle_format {
            BundleFormat::Sigstore
        } else {
            BundleFormat::Cosign
        };
        let json = signed
            .bundle(format, &artifact, &key.public_key())
            .into_diagnostic()?;
        write_file(path, json.as_bytes())?;
        eprintln!("Wrote bundle to {}", path.display());
    }
    if args.output_signature.is_none() && args.bundle.is_none() {
        print(&format!("{}\n", signed.to_base64()))?;
    }
    Ok(Outcome::Ok)
}

#[derive(serde::Serialize)]
struct KeyResult<'a> {
    file: &'a str,
    sha256: String,
    verified: bool,
    reason: Option<String>,
}

pub(crate) fn verify(args: &VerifyBlobArgs) -> miette::Result<Outcome> {
    if let Some(root) = &args.keyless.trusted_root {
        // Fulcio issues ECDSA certificates: the digest is all the signature needs.
        let artifact = Artifact::read(&args.file, false).into_diagnostic()?;
        return verify_keyless(args, root, &artifact);
    }
    let key_path = args
        .key
        .as_ref()
        .ok_or_else(|| miette::miette!("give --key PUB, or --trusted-root with --certificate-identity and --certificate-oidc-issuer for a keyless bundle"))?;
    let key = PublicKey::from_pem(
        &read_key_file(key_path).into_diagnostic()?,
        &key_path.display().to_string(),
    )
    .into_diagnostic()?;
    let artifact = Artifact::read(&args.file, key.signs_whole_message()).into_diagnostic()?;
    let result = match (&args.signature, &args.bundle) {
        (Some(signature), _) => {
            let signature = blob::read_signature_file(signature).into_diagnostic()?;
            blob::verify_signature(&key, &artifact, &signature).into_diagnostic()?
        }
        (None, Some(bundle)) => {
            let bundle = blob::read_bundle_file(bundle).into_diagnostic()?;
            blob::verify_bundle_with_key(&key, &artifact, &bundle).into_diagnostic()?
        }
        (None, None) => miette::bail!("give --signature FILE or --bundle FILE"),
    };
    if args.json {
        print_json(&KeyResult {
            file: &artifact.name,
            sha256: hex::encode(artifact.sha256),
            verified: result.is_ok(),
            reason: result.as_ref().err().map(ToString::to_string),
        })?;
    }
    match result {
        Ok(()) => {
            if !args.json {
                print(&format!("Verified OK: {}\n", artifact.name))?;
            }
            Ok(Outcome::Ok)
        }
        Err(reason) => {
            eprintln!("{}: verification failed: {reason}", artifact.name);
            Ok(Outcome::CheckFailed)
        }
    }
}

#[derive(serde::Serialize)]
struct KeylessResult<'a> {
    file: &'a str,
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a Verified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_check: Option<seatbelt_sign::bundle::verify::Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// The trusted root at `root` and the identity and issuer the keyless flags demand.
pub(crate) fn keyless_policy(
    keyless: &KeylessArgs,
    root: &Path,
) -> miette::Result<(TrustedRoot, Policy)> {
    let (Some(identity), Some(issuer)) = (
        &keyless.certificate_identity,
        &keyless.certificate_oidc_issuer,
    ) else {
        miette::bail!(
            "keyless verification needs --certificate-identity and --certificate-oidc-issuer"
        );
    };
    let policy = Policy {
        identity: identity.clone(),
        issuer: issuer.clone(),
    };
    Ok((TrustedRoot::read(root).into_diagnostic()?, policy))
}

fn verify_keyless(
    args: &VerifyBlobArgs,
    root: &Path,
    artifact: &Artifact,
) -> miette::Result<Outcome> {
    let Some(bundle_path) = &args.bundle else {
        miette::bail!("keyless verification needs --bundle (a Sigstore bundle or cosign bundle with a certificate)");
    };
    let (root, policy) = keyless_policy(&args.keyless, root)?;
    let bundle = blob::read_bundle_file(bundle_path).into_diagnostic()?;
    let result = seatbelt_sign::bundle::verify::verify(&bundle, artifact, &root, &policy);
    if args.json {
        print_json(&KeylessResult {
            file: &artifact.name,
            verified: result.is_ok(),
            result: result.as_ref().ok(),
            failed_check: result.as_ref().err().map(|r| r.check),
            reason: result.as_ref().err().map(ToString::to_string),
        })?;
    }
    match result {
        Ok(verified) => {
            if !args.json {
                let when = jiff::Timestamp::from_second(verified.signed_at)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|_| verified.signed_at.to_string());
                let mut text = format!(
                    "Verified OK: {}\n  signed by {} (issuer {}) at {when}\n  certificate authority {}\n  log entries: {}\n",
                    artifact.name,
                    verified.identity,
                    verified.issuer,
                    verified.authority,
                    verified.log_entries.join(", ")
                );
                if !verified.timestamps.is_empty() {
                    text.push_str(&format!(
                        "  RFC 3161 timestamps: {}\n",
                        verified.timestamps.join(", ")
                    ));
                }
                if let Some(predicate_type) = &verified.predicate_type {
                    text.push_str(&format!(
                        "  attestation: {predicate_type} about this file\n"
                    ));
                }
                print(&text)?;
            }
            Ok(Outcome::Ok)
        }
        Err(rejected) => {
            eprintln!(
                "{}: verification failed ({:?} check): {rejected}",
                artifact.name, rejected.check
            );
            Ok(Outcome::CheckFailed)
        }
    }
}
