//! Hardening an existing image without running it.
//!
//! [`harden`] makes one streaming pass over the image ([`index`]), decides statically what the
//! entrypoint needs ([`analysis`]), decides the rewrite ([`plan`], [`policy`], [`users`]), writes
//! it as one added layer ([`layer`]) with a new config ([`config`]), and returns the hardened
//! image ([`assemble`]) — the original layers unchanged — ready for `seatbelt_image::copy` to any
//! destination, with a [`report`] and the run-time profile ([`runtime`]).
//!
//! Audit findings before and after ([`audit::compare`]) cost two more walks, so callers run
//! them when a report is wanted and put them in [`report::Report::audit`]; signing and
//! attestation take the written image's manifest digest.
#![deny(missing_docs)]

pub mod analysis;
pub mod assemble;
pub mod audit;
pub mod config;
pub mod elf;
mod error;
pub mod index;
pub mod layer;
pub mod limits;
pub mod plan;
pub mod policy;
pub mod report;
pub mod runtime;
pub mod seccomp_bpf;
pub mod shebang;
pub mod users;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use seatbelt_image::walk::memo::{DirMemoStore, MemoStore, NoMemoStore};
use seatbelt_image::walk::{walk_memoised, EntryKind};
use seatbelt_image::Image;

pub use error::HardenError;
pub use report::Report;

/// How hard to harden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Keep a shell the entrypoint needs.
    #[default]
    Standard,
    /// Refuse an entrypoint that needs a shell.
    Strict,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Standard => "standard",
            Profile::Strict => "strict",
        }
    }
}

/// Options of [`harden`].
#[derive(Debug, Clone, Default)]
pub struct HardenOptions {
    /// Profile.
    pub profile: Profile,
    /// Paths analysis cannot see (absolute inside the image).
    pub keep: Vec<String>,
    /// Tool names to keep (`curl`…).
    pub keep_tools: Vec<String>,
    /// Paths to chown to the app user, besides WORKDIR.
    pub writable: Vec<String>,
    /// Keep secret-looking Env entries.
    pub allow_env: bool,
    /// Exec-form health check.
    pub healthcheck: Option<Vec<String>>,
    /// Where to remember each layer's analysis, so hardening any image that shares a layer
    /// does not read that layer again (`None`: read every layer).
    pub layer_cache: Option<PathBuf>,
}

/// The result.
pub struct Hardened {
    /// The hardened image, ready to copy anywhere.
    pub image: Image,
    /// What was done.
    pub report: Report,
    /// The seccomp profile (Docker/OCI JSON).
    pub seccomp: serde_json::Value,
    /// Layers of the source image, and how many of them were analysed from the layer cache.
    pub layers: (usize, usize),
}

/// The refusals that need no walk (no manifest, secrets in `Env`): a caller can check them
/// before it starts anything else, such as copying layers. [`harden`] checks them too.
pub fn preflight(image: &Image, options: &HardenOptions) -> Result<(), HardenError> {
    if image.manifest.is_none() {
        return Err(HardenError::NoManifest {
            reference: image.reference.clone(),
        });
    }
    let secrets = config::secret_env_names(&image.config.env());
    if !secrets.is_empty() && !options.allow_env {
        return Err(HardenError::SecretsInEnv { names: secrets });
    }
    Ok(())
}

/// Hardens `image`.
pub fn harden(image: &Image, options: &HardenOptions) -> Result<Hardened, HardenError> {
    preflight(image, options)?;
    let Some(manifest) = &image.manifest else {
        return Err(HardenError::NoManifest {
            reference: image.reference.clone(),
        });
    };
    let workdir = index::normalise(image.config.working_dir());
    let mut writable: Vec<String> = options
        .writable
        .iter()
        .map(|w| index::normalise(w))
        .collect();
    let mut idx = index::FsIndex::new(writable.clone());
    let store: Arc<dyn MemoStore> = match &options.layer_cache {
        Some(dir) => Arc::new(DirMemoStore::new(dir)),
        None => Arc::new(NoMemoStore),
    };
    let memo = idx.memo(store);
    let walked = walk_memoised(image, &mut idx, &memo)?;
    idx.finish();
    for w in &writable {
        if !idx.nodes.contains_key(w) {
            return Err(HardenError::NoSuchPath {
                flag: "writable",
                path: format!("/{w}"),
            });
        }
    }
    if !workdir.is_empty() && idx.nodes.contains_key(&workdir) {
        writable.push(workdir);
    }
    for path in ["etc/passwd", "etc/group"] {
        check_account_file(&idx, path)?;
    }
    let needs = analysis::analyse(&idx, &image.config, &options.keep)?;
    if let (Some(why), Profile::Strict) = (&needs.shell, options.profile) {
        return Err(HardenError::ShellNeeded { why: why.clone() });
    }
    let nologin = ["usr/sbin/nologin", "sbin/nologin"]
        .into_iter()
        .find(|p| idx.resolve(p).is_ok_and(|r| idx.nodes.contains_key(&r)))
        .map_or("/sbin/nologin".to_string(), |p| format!("/{p}"));
    let user = users::plan(
        image.config.user(),
        idx.held.get("etc/passwd").map(Vec::as_slice),
        idx.held.get("etc/group").map(Vec::as_slice),
        &nologin,
    );
    let policy = policy::Policy {
        keep_tools: options.keep_tools.clone(),
    };
    let plan = plan::decide(&idx, &needs, &policy, &user, &writable)?;
    let layer = layer::write(&idx, &plan, &user)?;

    let mut by_reason: BTreeMap<String, report::Tally> = BTreeMap::new();
    let (mut files_removed, mut bytes_removed) = (0u64, 0u64);
    let mut packages = std::collections::BTreeSet::new();
    for r in &plan.removals {
        let is_dir = idx
            .nodes
            .get(r.path.trim_start_matches('/'))
            .is_some_and(|n| n.kind == EntryKind::Directory);
        if is_dir {
            continue;
        }
        let t = by_reason.entry(r.reason.label().to_string()).or_default();
        t.files += 1;
        t.bytes += r.bytes;
        files_removed += 1;
        bytes_removed += r.bytes;
        if let Some(p) = &r.package {
            packages.insert(p.clone());
        }
    }
    // Files under a whited-out directory are removals too, counted once above via `removed`.
    let files_before = idx
        .nodes
        .values()
        .filter(|n| n.kind != EntryKind::Directory)
        .count() as u64;
    let bytes_before = idx
        .nodes
        .values()
        .filter(|n| n.kind == EntryKind::File)
        .map(|n| n.size)
        .sum();
    let removed_paths: std::collections::HashSet<&str> = plan
        .removals
        .iter()
        .map(|r| r.path.trim_start_matches('/'))
        .collect();
    let (seccomp, seccomp_removed) = runtime::seccomp_profile(
        idx.nodes
            .keys()
            .map(String::as_str)
            .filter(|p| !removed_paths.contains(p)),
    );
    let base_digest = manifest.digest.clone();
    let mut report = Report {
        source: image.reference.clone(),
        base_digest: base_digest.to_string(),
        profile: options.profile.name().to_string(),
        user: user.clone(),
        entrypoint: needs,
        removals: plan.removals.clone(),
        changes: plan.changes.clone(),
        by_reason,
        files_removed,
        bytes_removed,
        files_before,
        bytes_before,
        packages_touched: packages,
        seccomp_removed,
        layer_digest: layer.digest.to_string(),
        layer_size: layer.size,
        audit: None,
    };
    let new_config = config::rewrite(
        &image.config.value,
        &config::ConfigEdit {
            user: &user.config_user,
            base_digest: &base_digest,
            summary: report.summary(),
            healthcheck: options.healthcheck.clone(),
            diff_id: &layer.diff_id,
        },
    );
    let hardened = assemble::assemble(image, manifest, &new_config, layer)?;
    report.source = image.reference.clone();
    Ok(Hardened {
        image: hardened,
        report,
        seccomp,
        layers: (walked.layers, walked.replayed_layers),
    })
}

/// The account file at `path` must be absent or a regular file whose whole content was held,
/// else rewriting it would drop accounts (or write through a symlink).
fn check_account_file(idx: &index::FsIndex, path: &str) -> Result<(), HardenError> {
    let Some(node) = idx.nodes.get(path) else {
        return Ok(());
    };
    let why = if node.kind != EntryKind::File {
        Some(format!("is a {:?}, not a regular file", node.kind).to_lowercase())
    } else if node.size > limits::MAX_ACCOUNT_FILE_BYTES {
        Some(format!(
            "is {} bytes, over the {}-byte limit for account files (MAX_ACCOUNT_FILE_BYTES)",
            node.size,
            limits::MAX_ACCOUNT_FILE_BYTES
        ))
    } else if !idx.held.contains_key(path) {
        Some("could not be read whole during the walk".to_string())
    } else {
        None
    };
    match why {
        Some(why) => Err(HardenError::AccountFile {
            path: path.to_string(),
            why,
        }),
        None => Ok(()),
    }
}
