//! The secret scanner as a walk [`Visitor`]: every version of every regular file (shadowed
//! and deleted ones too), each finding naming the layer that holds it.

use std::sync::Arc;

use seatbelt_findings::{fingerprint, Finding, FindingLocation};
use seatbelt_image::walk::{Entry, EntryKind, Interest, PathFilter, Version, Visitor};
use seatbelt_image::ImageError;

use super::{allow, Engine, MAX_SCAN_BYTES, RULES};

/// Scans file contents for secrets during the walk.
#[derive(Debug)]
pub struct SecretVisitor {
    engine: Arc<Engine>,
    allow_paths: Arc<Vec<String>>,
    with_layers: bool,
    /// What was found.
    pub findings: Vec<Finding>,
    /// Files whose content was scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
}

impl SecretVisitor {
    /// A scanner with `engine`; `allow_paths` are extra path prefixes (absolute or relative to
    /// the image root) never scanned; `with_layers` is false for a `dir:` root filesystem,
    /// which has no layers to name.
    pub fn new(engine: Arc<Engine>, allow_paths: &[String], with_layers: bool) -> SecretVisitor {
        SecretVisitor {
            engine,
            allow_paths: Arc::new(
                allow_paths
                    .iter()
                    .map(|p| p.trim_start_matches('/').to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
            ),
            with_layers,
            findings: Vec::new(),
            files_scanned: 0,
            bytes_scanned: 0,
        }
    }
}

impl Visitor for SecretVisitor {
    fn filter(&self) -> PathFilter {
        let allow_paths = Arc::clone(&self.allow_paths);
        Arc::new(move |path: &str, kind: EntryKind| {
            if !matches!(kind, EntryKind::File | EntryKind::Hardlink)
                || allow::is_allowed_path(path)
                || allow_paths.iter().any(|p| path.starts_with(p.as_str()))
            {
                Interest::Skip
            } else {
                Interest::Content
            }
        })
    }

    fn wants_history(&self) -> bool {
        true
    }

    fn visit(
        &mut self,
        entry: &Entry,
        content: Option<&[u8]>,
        content_complete: bool,
    ) -> Result<(), ImageError> {
        let Some(content) = content else {
            return Ok(());
        };
        if !content_complete || entry.size > MAX_SCAN_BYTES as u64 || !Engine::is_scannable(content)
        {
            return Ok(());
        }
        self.files_scanned += 1;
        self.bytes_scanned += content.len() as u64;
        let path = format!("/{}", entry.path);
        let note = match entry.version {
            Version::Final => "",
            Version::Shadowed => " (overwritten by a later layer, still in the image)",
            Version::Deleted => " (deleted by a later layer, still in the image)",
        };
        let (layer, layer_index) = if self.with_layers {
            (entry.layer_digest.clone(), Some(entry.layer_index))
        } else {
            (None, None)
        };
        for m in self.engine.scan(content) {
            let Some(rule) = RULES.get(m.rule) else {
                continue;
            };
            let layer_text = layer.as_ref().map(ToString::to_string).unwrap_or_default();
            self.findings.push(Finding {
                rule_id: rule.info.id.to_string(),
                severity: rule.info.severity,
                message: format!("{}: {}{note}", rule.info.summary, m.redacted),
                location: FindingLocation::file(path.clone())
                    .at(m.line, Some(m.column))
                    .in_layer(layer.clone(), layer_index),
                fix: None,
                fingerprint: fingerprint(&[
                    rule.info.id,
                    &path,
                    &layer_text,
                    &m.line.to_string(),
                    &m.redacted,
                ]),
            });
        }
        Ok(())
    }
}
