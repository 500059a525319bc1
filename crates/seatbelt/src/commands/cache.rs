//! `seatbelt cache info|clean`: the layer cache `harden` fills (`trivy clean --scan-cache`'s
//! counterpart). The vulnerability DB, also under the cache directory, is `seatbelt db`'s.

use miette::{Context, IntoDiagnostic};
use seatbelt_image::walk::memo::DirMemoStore;

use crate::args::{CacheArgs, CacheCommand};
use crate::Outcome;

pub(crate) fn run(command: &CacheCommand) -> miette::Result<Outcome> {
    match command {
        CacheCommand::Info(args) => {
            let store = store(args)?;
            let (memos, bytes) = store.usage().into_diagnostic().wrap_err_with(|| {
                format!("cannot read the layer cache {}", store.dir().display())
            })?;
            println!(
                "layer cache {}: {memos} layer memos, {}",
                store.dir().display(),
                megabytes(bytes)
            );
        }
        CacheCommand::Clean(args) => {
            let store = store(args)?;
            let (memos, bytes) = store.clear().into_diagnostic().wrap_err_with(|| {
                format!("cannot empty the layer cache {}", store.dir().display())
            })?;
            println!(
                "removed {memos} layer memos ({}) from {}",
                megabytes(bytes),
                store.dir().display()
            );
        }
    }
    Ok(Outcome::Ok)
}

fn store(args: &CacheArgs) -> miette::Result<DirMemoStore> {
    match args.cache_dir.clone().or_else(DirMemoStore::default_dir) {
        Some(dir) => Ok(DirMemoStore::new(dir)),
        None => miette::bail!(
            "no layer cache: neither SEATBELT_CACHE_DIR, XDG_CACHE_HOME nor HOME is set; pass --cache-dir DIR"
        ),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}
