//! `seatbelt harden`: rewrite an image into a hardened one (one added layer, a new config),
//! write it to any destination `copy` supports, and emit the report and run-time profile.

use std::sync::atomic::{AtomicBool, Ordering};

use miette::{Context, IntoDiagnostic};
use seatbelt_harden::{harden, runtime, HardenOptions, Profile};
use seatbelt_image::copy::{copy, put_layers, CopyOptions};
use seatbelt_image::sink::NoProgress;
use seatbelt_image::Destination;

use crate::args::{AttestOptions, HardenArgs, HardenProfile, ReportFormat};
use crate::Outcome;

pub(crate) fn run(args: &HardenArgs, quiet: bool) -> miette::Result<Outcome> {
    let destination: Destination = args.output.parse().into_diagnostic()?;
    if args.key.is_some() && !args.sign && !args.attest {
        miette::bail!("--key is for --sign or --attest; add one of them, or drop --key");
    }
    // Load the key first: a wrong password or path should fail before any work is done.
    let key = match (&args.key, args.sign || args.attest) {
        (Some(path), true) => Some(crate::commands::key::load_private_key(path)?),
        _ => None,
    };
    let clock = seatbelt_sign::provenance::Clock::start().into_diagnostic()?;
    let open_options = super::open_options(&args.source)?;
    let image = super::open_image_with(&args.source_image, &open_options)?;
    let options = HardenOptions {
        profile: match args.profile {
            HardenProfile::Standard => Profile::Standard,
            HardenProfile::Strict => Profile::Strict,
        },
        keep: args.keep.clone(),
        keep_tools: args.keep_tool.clone(),
        writable: args.writable.clone(),
        allow_env: args.allow_env,
        healthcheck: args
            .healthcheck
            .as_deref()
            .map(|h| h.split_whitespace().map(str::to_string).collect()),
        layer_cache: (!args.no_cache).then(|| {
            args.cache_dir
                .clone()
                .unwrap_or_else(seatbelt_image::walk::memo::DirMemoStore::default_dir)
        }),
    };
    // The original layers go to the destination while the rewrite is worked out (they are
    // reused unchanged); the copy below then adds only the new layer, config and manifest.
    let new_layout = match &destination {
        Destination::OciDir { path, .. } => (!path.exists()).then(|| path.clone()),
        _ => None,
    };
    let stop = AtomicBool::new(false);
    let hardened = std::thread::scope(|scope| {
        scope.spawn(|| {
            let early = CopyOptions {
                progress: &NoProgress,
                preserve_setuid: false,
                registry: open_options.registry.clone(),
            };
            // A failure here is met again, and reported, by the copy below.
            if let Err(e) = put_layers(&image, &destination, &early, &stop) {
                tracing::debug!("early layer copy to {destination}: {e}");
            }
        });
        let hardened = harden(&image, &options);
        // A refusal should not wait for the layers to finish uploading.
        if hardened.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        hardened
    });
    let hardened = match hardened {
        Ok(hardened) => hardened,
        Err(e) => {
            // Leave no half-made layout behind where there was none.
            if let Some(path) = new_layout {
                let _ = std::fs::remove_dir_all(path);
            }
            return Err(e)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot harden {}", image.reference));
        }
    };
    let copied = copy(
        &hardened.image,
        &destination,
        &CopyOptions {
            progress: &NoProgress,
            preserve_setuid: false,
            registry: open_options.registry.clone(),
        },
    )
    .into_diagnostic()
    .wrap_err_with(|| format!("cannot write the hardened image to {destination}"))?;
    let mut report = hardened.report.clone();
    if args.report.is_some() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        report.audit = Some(
            seatbelt_harden::audit::compare(&image, &hardened.image, now)
                .into_diagnostic()
                .wrap_err("cannot audit the source and hardened images for the report")?,
        );
    }
    let report = &report;
    if let Some(path) = &args.report {
        let text = match args.report_format {
            ReportFormat::Table => report.table(),
            ReportFormat::Json => serde_json::to_string_pretty(report).into_diagnostic()? + "\n",
        };
        std::fs::write(path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write the report to {}", path.display()))?;
    }
    let seccomp_name = args.seccomp_out.as_ref().map(|p| p.display().to_string());
    if let Some(path) = &args.seccomp_out {
        let text = serde_json::to_string_pretty(&hardened.seccomp).into_diagnostic()? + "\n";
        std::fs::write(path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write the seccomp profile to {}", path.display()))?;
    }
    if let Some(path) = &args.seccomp_bpf {
        let json = serde_json::to_vec(&hardened.seccomp).into_diagnostic()?;
        let compiled = seatbelt_harden::seccomp_bpf::compile(&json).into_diagnostic()?;
        std::fs::write(path, &compiled.bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write the seccomp BPF to {}", path.display()))?;
    }
    if let Some(path) = &args.k8s_out {
        let profile_file = args
            .seccomp_out
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or("seatbelt-seccomp.json".to_string(), |n| {
                n.to_string_lossy().into_owned()
            });
        std::fs::write(
            path,
            runtime::k8s_snippet(report.user.uid, report.user.gid, &profile_file),
        )
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write the Kubernetes snippet to {}", path.display()))?;
    }
    let signed = match key.as_ref().filter(|_| args.sign) {
        Some(key) => {
            let target = super::sign::open_target(&args.output, &args.source)
                .wrap_err("--sign: cannot open where the hardened image was written (only registries and oci-dir: layouts keep signatures)")?;
            let mode = args.storage.referrers.registry_referrers.mode();
            let signed = seatbelt_sign::sign::sign_with(&target, key, &Default::default(), mode)
                .into_diagnostic()
                .wrap_err("--sign: cannot sign the hardened image")?;
            // The tag is re-read to sign; refuse if it no longer names what was just written.
            if let Some(written) = &copied.manifest_digest {
                if signed.digest != written.to_string() {
                    return Err(miette::miette!(
                        "--sign signed {} but {} was written; the destination tag moved while hardening, sign the digest explicitly with `seatbelt sign`",
                        signed.digest,
                        written
                    ));
                }
            }
            Some(signed)
        }
        None => None,
    };
    if args.attest {
        let options = AttestOptions {
            attest: true,
            key: args.key.clone(),
            storage: args.storage.clone(),
        };
        let attach = |predicate_type: &str, predicate| {
            let digest = copied.manifest_digest.as_ref();
            super::attest::attach(
                &options,
                &args.output,
                &args.source,
                digest,
                predicate_type,
                predicate,
            )
        };
        attach(
            seatbelt_sign::predicate::SLSA_PROVENANCE_V1,
            provenance(&image, args, &clock),
        )?;
        // The SBOM of what was written, so a verifier can check the hardened image's contents
        // without pulling it (the package databases are kept, so it lists the same OS packages).
        let written = super::open_image(&args.output, &args.source)?;
        let sbom =
            seatbelt_sbom::catalog_image(&written, &seatbelt_sbom::CatalogOptions::default())
                .into_diagnostic()
                .wrap_err("--attest: cannot catalog the hardened image")?;
        attach(
            seatbelt_sign::predicate::CYCLONEDX,
            super::sbom::cyclonedx_predicate(&sbom)?,
        )?;
    }
    if !quiet {
        if let Some(signed) = &signed {
            eprintln!(
                "Signed {} (signature at {})",
                signed.digest, signed.signature_tag
            );
        }
        let digest = copied
            .manifest_digest
            .as_ref()
            .map(|d| format!(" as {d}"))
            .unwrap_or_default();
        eprintln!(
            "Hardened {} to {}{digest}: removed {} files ({} bytes), changed {}, runs as {}:{}",
            image.reference,
            copied.destination,
            report.files_removed,
            report.bytes_removed,
            report.changes.len(),
            report.user.uid,
            report.user.gid,
        );
        let (layers, cached) = hardened.layers;
        if cached > 0 {
            eprintln!(
                "note: the analysis of {cached} of {layers} layers came from the layer cache (--no-cache reads them again)"
            );
        }
        if let Some(why) = &report.entrypoint.shell {
            eprintln!("note: a shell was kept: {why}");
        }
        for u in &report.entrypoint.unresolved {
            eprintln!("warning: {u}; pass --keep PATH for what the entrypoint needs");
        }
        let flags = runtime::run_flags(report.user.uid, report.user.gid, seccomp_name.as_deref());
        println!("docker run {flags} IMAGE");
        println!("podman run {flags} IMAGE");
    }
    Ok(Outcome::Ok)
}

/// The SLSA provenance of the rewrite: the source image by the digest that was read, and the
/// options that decided what was removed.
fn provenance(
    source: &seatbelt_image::Image,
    args: &HardenArgs,
    clock: &seatbelt_sign::provenance::Clock,
) -> serde_json::Value {
    let inputs = source
        .manifest
        .as_ref()
        .map(|m| {
            vec![seatbelt_sign::intoto::ResourceDescriptor::for_digest(
                &source.reference,
                &m.digest,
            )]
        })
        .unwrap_or_default();
    let parameters = serde_json::json!({
        "source": args.source_image,
        "destination": args.output,
        "arguments": std::env::args().skip(1).collect::<Vec<_>>(),
    });
    seatbelt_sign::provenance::Provenance::seatbelt("harden", parameters, inputs, clock)
        .to_predicate()
}
