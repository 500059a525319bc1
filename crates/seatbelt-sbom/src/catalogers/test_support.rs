//! What every cataloger's unit tests need: feed files through `wants` and `observe` as the core
//! does, then `finish`.

use seatbelt_types::Location;

use crate::{CatalogContext, CatalogOutput, Cataloger, FoundFile};

/// A complete regular file at `path`, found in layer 0.
pub(crate) fn found<'a>(path: &'a str, content: &'a [u8]) -> FoundFile<'a> {
    FoundFile {
        path,
        content,
        complete: true,
        mode: 0o644,
        location: Location {
            path: path.to_string(),
            layer_index: Some(0),
            layer_digest: None,
        },
    }
}

/// Shows `cataloger` each `(path, content)` (asserting it wants the path) and finishes it.
pub(crate) fn run(
    mut cataloger: Box<dyn Cataloger>,
    files: &[(&str, &str)],
    context: &CatalogContext,
) -> CatalogOutput {
    let wants = cataloger.wants();
    for (path, content) in files {
        assert!(
            wants(path),
            "{path} should be wanted by {}",
            cataloger.name()
        );
        cataloger.observe(&found(path, content.as_bytes()));
    }
    cataloger.finish(context)
}
