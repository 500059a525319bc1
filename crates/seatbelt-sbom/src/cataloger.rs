//! The extension seam for package ecosystems: one [`Cataloger`] per ecosystem, registered with
//! one line in [`crate::catalogers::all`].

use std::sync::Arc;

use seatbelt_types::{Distro, Location, Package, Unknown};

/// Decides from a path alone (normalised, no leading `/`) whether a cataloger wants a file's
/// content. Called for every entry of every layer on the decompression threads: it must be
/// cheap and do no I/O.
pub type WantsPath = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// A file a cataloger asked for, in its final version.
#[derive(Debug)]
pub struct FoundFile<'a> {
    /// Path inside the image, normalised, no leading `/`.
    pub path: &'a str,
    /// The content (at most the walk's in-memory limit).
    pub content: &'a [u8],
    /// Whether `content` is the whole file.
    pub complete: bool,
    /// Permission bits.
    pub mode: u32,
    /// Where it is: path and layer.
    pub location: Location,
}

/// What a cataloger knows when it finishes.
#[derive(Debug, Clone, Default)]
pub struct CatalogContext {
    /// The image's OS release, if found.
    pub distro: Option<Distro>,
}

/// What a cataloger found.
#[derive(Debug, Clone, Default)]
pub struct CatalogOutput {
    /// Packages (ids are assigned by the core; leave `id` empty).
    pub packages: Vec<Package>,
    /// Files it wanted but could not parse.
    pub unknowns: Vec<Unknown>,
}

/// Finds one ecosystem's packages. The core owns the single pass over the layers: it asks
/// [`Cataloger::wants`] once, shows the cataloger each wanted file as it streams by
/// ([`Cataloger::observe`], final versions only), and collects the result with
/// [`Cataloger::finish`]. A file that fails to parse becomes an [`Unknown`], never an error.
pub trait Cataloger: Send {
    /// A stable name (`dpkg`, `python`), used in reports and `Package::cataloger`.
    fn name(&self) -> &'static str;

    /// Bumped whenever what the cataloger finds changes (feeds cache keys).
    fn version(&self) -> u32;

    /// Which paths it wants.
    fn wants(&self) -> WantsPath;

    /// One wanted file. Keep only what `finish` needs (parsed results, not raw content), so
    /// memory stays bounded on images with many matching files.
    fn observe(&mut self, file: &FoundFile<'_>);

    /// The packages found.
    fn finish(self: Box<Self>, context: &CatalogContext) -> CatalogOutput;
}
