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
        layer_cache: if args.no_cache {
            None
        } else {
            args.cache_dir
                .clone()
                .or_else(seatbelt_image::walk::memo::DirMemoStore::default_dir)
        },
    };
    seatbelt_harden::preflight(&image, &options)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot harden {}", image.reference))?;
    // The original layers go to the destination while the rewrite is worked out (they are
    // reused unchanged); the copy below then adds only the new layer, config and manifest.
    let fresh_layout = match &destination {
        Destination::OciDir { path, .. } => FreshLayout::of(path),
        _ => None,
    };
    let stop = AtomicBool::new(false);
    let (hardened, early) = std::thread::scope(|scope| {
        let early = scope.spawn(|| {
            let early = CopyOptions {
                progress: &NoProgress,
                preserve_setuid: false,
                registry: open_options.registry.clone(),
            };
            put_layers(&image, &destination, &early, &stop)
        });
        // A refusal (or a panic) should not wait for the layers to finish uploading.
        let mut guard = StopUnlessDone(&stop, false);
        let hardened = harden(&image, &options);
        guard.1 = hardened.is_ok();
        drop(guard);
        (hardened, early.join())
    });
    let hardened = match hardened {
        Ok(hardened) => hardened,
        Err(e) => {
            if let Some(fresh) = fresh_layout {
                fresh.undo();
            }
            return Err(e)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot harden {}", image.reference));
        }
    };
    // The early copy verified the layers the destination already had, which nothing after it
    // reads again (a panic there leaves the copy below to do the work).
    if let Ok(Err(e)) = early {
        return Err(e)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write the hardened image to {destination}"));
    }
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

/// Sets the flag when dropped unless marked done: a failed or panicking harden stops the early
/// layer copy.
struct StopUnlessDone<'a>(&'a AtomicBool, bool);

impl Drop for StopUnlessDone<'_> {
    fn drop(&mut self) {
        if !self.1 {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// An `oci-dir:` destination that was absent or empty before harden wrote to it, so a refusal
/// can leave it as it was.
struct FreshLayout {
    path: std::path::PathBuf,
    existed: bool,
}

impl FreshLayout {
    fn of(path: &std::path::Path) -> Option<FreshLayout> {
        match std::fs::read_dir(path) {
            Ok(mut entries) => entries.next().is_none().then(|| FreshLayout {
                path: path.to_path_buf(),
                existed: true,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(FreshLayout {
                path: path.to_path_buf(),
                existed: false,
            }),
            Err(_) => None,
        }
    }

    fn undo(self) {
        let _ = std::fs::remove_dir_all(&self.path);
        if self.existed {
            let _ = std::fs::create_dir(&self.path);
        }
    }
}
