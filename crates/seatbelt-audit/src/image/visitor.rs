//! The file checks as one walk [`Visitor`].

use std::sync::Arc;

use seatbelt_findings::{fingerprint, Finding, FindingLocation};
use seatbelt_image::walk::{Entry, EntryKind, Interest, PathFilter, Version, Visitor};
use seatbelt_image::ImageError;

use super::FileCheck;

/// Runs file checks on the entries the walk offers.
pub(crate) struct FileCheckVisitor {
    checks: Arc<Vec<&'static FileCheck>>,
    with_layers: bool,
    pub(crate) findings: Vec<Finding>,
}

impl FileCheckVisitor {
    pub(crate) fn new(checks: Vec<&'static FileCheck>, with_layers: bool) -> FileCheckVisitor {
        FileCheckVisitor {
            checks: Arc::new(checks),
            with_layers,
            findings: Vec::new(),
        }
    }
}

impl Visitor for FileCheckVisitor {
    fn filter(&self) -> PathFilter {
        let checks = Arc::clone(&self.checks);
        Arc::new(move |path: &str, kind: EntryKind| {
            checks
                .iter()
                .map(|c| (c.interest)(path, kind))
                .max()
                .unwrap_or(Interest::Skip)
        })
    }

    fn wants_history(&self) -> bool {
        self.checks.iter().any(|c| c.history)
    }

    fn visit(
        &mut self,
        entry: &Entry,
        content: Option<&[u8]>,
        _content_complete: bool,
    ) -> Result<(), ImageError> {
        let (layer, layer_index) = if self.with_layers {
            (entry.layer_digest.clone(), Some(entry.layer_index))
        } else {
            (None, None)
        };
        let path = format!("/{}", entry.path);
        for check in self.checks.iter() {
            if !check.history && entry.version != Version::Final {
                continue;
            }
            let interest = (check.interest)(&entry.path, entry.kind);
            if interest == Interest::Skip {
                continue;
            }
            let content = if interest == Interest::Content {
                content
            } else {
                None
            };
            let Some(hit) = (check.check)(entry, content) else {
                continue;
            };
            let note = match entry.version {
                Version::Final => "",
                Version::Shadowed => " (overwritten by a later layer, still in the image)",
                Version::Deleted => " (deleted by a later layer, still in the image)",
            };
            let layer_text = layer.as_ref().map(ToString::to_string).unwrap_or_default();
            self.findings.push(Finding {
                rule_id: check.info.id.to_string(),
                severity: hit.severity.unwrap_or(check.info.severity),
                message: format!("{}{note}", hit.message),
                location: FindingLocation::file(path.clone()).in_layer(layer.clone(), layer_index),
                fix: hit.fix,
                fingerprint: fingerprint(&[check.info.id, &path, &layer_text, &hit.key]),
            });
        }
        Ok(())
    }
}
