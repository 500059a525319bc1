//! VEX: statements from the software's supplier that a vulnerability does not affect a product
//! (or is fixed in it). OpenVEX and CycloneDX VEX are read into one statement model; a
//! `not_affected` or `fixed` statement suppresses the matching finding, keeping its justification.

mod cyclonedx;
mod openvex;

use std::path::PathBuf;

use seatbelt_types::Purl;

use crate::error::{read_bounded, ScanError};
use crate::report::{Finding, Suppression, SuppressionKind};

/// Largest VEX document read; real ones are kilobytes, large vendor feeds a few megabytes.
pub const MAX_VEX_BYTES: u64 = 64 * 1024 * 1024;

/// What a statement says of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexStatus {
    /// The product is not affected.
    NotAffected,
    /// Fixed in the product.
    Fixed,
    /// Affected (does not suppress).
    Affected,
    /// Being looked at (does not suppress).
    UnderInvestigation,
}

impl VexStatus {
    fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Fixed => "fixed",
            VexStatus::Affected => "affected",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }

    fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// One statement: these ids, these products, this status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability id and its aliases as the document names them.
    pub ids: Vec<String>,
    /// The products (package URLs). Empty means every product, as OpenVEX allows for a
    /// document about one product's image.
    pub products: Vec<Purl>,
    /// Status.
    pub status: VexStatus,
    /// Justification and impact statement, joined.
    pub justification: Option<String>,
}

/// Every statement of every VEX document given.
#[derive(Debug, Clone, Default)]
pub struct VexSet {
    documents: Vec<(String, Vec<VexStatement>)>,
}

impl VexSet {
    /// Reads and parses each file, telling the format apart by its content.
    pub fn load(paths: &[PathBuf]) -> Result<VexSet, ScanError> {
        let mut set = VexSet::default();
        for path in paths {
            let bytes = read_bounded(path, MAX_VEX_BYTES, "VEX")?;
            let statements = parse(&bytes).map_err(|reason| ScanError::Vex {
                path: path.clone(),
                reason,
            })?;
            set.add(&path.display().to_string(), statements);
        }
        Ok(set)
    }

    /// Adds a parsed document under a display name.
    pub fn add(&mut self, name: &str, statements: Vec<VexStatement>) {
        self.documents.push((name.to_string(), statements));
    }

    /// The suppression for `finding`, from the last matching statement (later documents and
    /// later statements win, as OpenVEX says of statement order).
    pub fn suppression_for(&self, finding: &Finding) -> Option<Suppression> {
        let mut verdict = None;
        for (name, statements) in &self.documents {
            for statement in statements {
                let id_matches = statement
                    .ids
                    .iter()
                    .any(|id| finding.all_ids().any(|f| f.eq_ignore_ascii_case(id)));
                let product_matches = statement.products.is_empty()
                    || statement
                        .products
                        .iter()
                        .any(|p| purl_matches(p, &finding.package.purl));
                if id_matches && product_matches {
                    verdict = Some((name, statement));
                }
            }
        }
        let (name, statement) = verdict?;
        statement.status.suppresses().then(|| Suppression {
            kind: SuppressionKind::Vex,
            source: name.clone(),
            status: statement.status.as_str().to_string(),
            justification: statement.justification.clone(),
        })
    }
}

/// A VEX product purl names a package when type, namespace and name agree, and its version
/// (if it has one) equals the installed version. Qualifiers are ignored: VEX authors rarely
/// know the arch or distro qualifiers a scanner adds.
fn purl_matches(product: &Purl, package: &Purl) -> bool {
    product.ty == package.ty
        && product.namespace == package.namespace
        && product.name == package.name
        && product
            .version
            .as_ref()
            .is_none_or(|v| package.version.as_ref() == Some(v))
}

/// Parses one VEX document (OpenVEX or CycloneDX), by content.
pub fn parse(bytes: &[u8]) -> Result<Vec<VexStatement>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let context = value.get("@context").and_then(|v| v.as_str()).unwrap_or("");
    if context.contains("openvex") {
        openvex::parse(value)
    } else if value.get("bomFormat").and_then(|v| v.as_str()) == Some("CycloneDX") {
        cyclonedx::parse(value)
    } else {
        Err(
            "neither OpenVEX (`@context` naming openvex) nor CycloneDX (`bomFormat: CycloneDX`)"
                .into(),
        )
    }
}

/// Joins the non-empty parts of a justification.
fn join(parts: &[Option<&str>]) -> Option<String> {
    let text: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    (!text.is_empty()).then(|| text.join(": "))
}

/// A purl from a document, or `None` when it is not a purl (CycloneDX refs may be bom-refs).
fn purl(text: &str) -> Option<Purl> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    fn finding(id: &str) -> Finding {
        sample::report()
            .findings
            .into_iter()
            .find(|f| f.id == id)
            .expect("in sample")
    }

    // Shape from the OpenVEX spec's examples (OPENVEX-SPEC.md, "Example"), with our ids.
    const OPENVEX: &str = r#"{
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://example.invalid/vex-1",
      "author": "Example",
      "timestamp": "2026-11-01T00:00:00Z",
      "version": 1,
      "statements": [
        { "vulnerability": { "name": "CVE-2024-0727" },
          "products": [ { "@id": "pkg:oci/app", "subcomponents": [ { "@id": "pkg:deb/debian/libssl3" } ] } ],
          "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
          "impact_statement": "PKCS12 files are never parsed" },
        { "vulnerability": { "name": "GHSA-x84v-xcm2-53pg" },
          "products": [ { "@id": "pkg:pypi/requests@2.19.0" } ],
          "status": "fixed" },
        { "vulnerability": { "name": "CVE-2023-50495" },
          "products": [ { "@id": "pkg:deb/debian/libc6" } ],
          "status": "affected" }
      ]
    }"#;

    // Shape from the CycloneDX 1.6 VEX examples (vulnerabilities[].analysis, affects[].ref).
    const CDX: &str = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
      "components": [ { "type": "library", "bom-ref": "ssl", "name": "libssl3", "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64" } ],
      "vulnerabilities": [
        { "id": "CVE-2024-0727", "analysis": { "state": "false_positive", "detail": "not built with PKCS12" },
          "affects": [ { "ref": "ssl" } ] },
        { "id": "CVE-2023-4911", "analysis": { "state": "in_triage" }, "affects": [ { "ref": "pkg:deb/debian/libc6" } ] },
        { "id": "CVE-2018-18074", "analysis": { "state": "resolved" }, "affects": [ { "ref": "pkg:pypi/requests@9.9.9" } ] },
        { "id": "CVE-2023-50495", "analysis": { "state": "not_affected" }, "affects": [ { "ref": "no-such-ref" } ] },
        { "id": "CVE-2023-5678" }
      ]
    }"#;

    fn set(text: &str) -> VexSet {
        let mut set = VexSet::default();
        set.add("vex.json", parse(text.as_bytes()).expect("valid"));
        set
    }

    #[test]
    fn openvex_suppresses_not_affected_and_fixed_with_justification() {
        let set = set(OPENVEX);
        let s = set
            .suppression_for(&finding("CVE-2024-0727"))
            .expect("suppressed");
        assert_eq!(s.status, "not_affected");
        assert_eq!(
            s.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path: PKCS12 files are never parsed")
        );
        // Matched through an alias, on a versioned purl.
        assert_eq!(
            set.suppression_for(&finding("CVE-2018-18074"))
                .expect("fixed")
                .status,
            "fixed"
        );
        // `affected` does not suppress; an unmentioned finding neither.
        assert!(set.suppression_for(&finding("CVE-2023-50495")).is_none());
        assert!(set.suppression_for(&finding("CVE-2023-4911")).is_none());
    }

    #[test]
    fn cyclonedx_resolves_bom_refs_and_respects_versions() {
        let set = set(CDX);
        let s = set
            .suppression_for(&finding("CVE-2024-0727"))
            .expect("suppressed");
        assert_eq!(s.justification.as_deref(), Some("not built with PKCS12"));
        assert!(
            set.suppression_for(&finding("CVE-2023-4911")).is_none(),
            "in_triage"
        );
        assert!(
            set.suppression_for(&finding("CVE-2018-18074")).is_none(),
            "other version"
        );
        assert!(
            set.suppression_for(&finding("CVE-2023-50495")).is_none(),
            "unresolvable ref"
        );
    }

    #[test]
    fn later_statements_win() {
        let mut set = set(OPENVEX);
        set.add(
            "later.json",
            parse(br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-2024-0727"},"products":[{"@id":"pkg:deb/debian/libssl3"}],"status":"affected"}]}"#).expect("valid"),
        );
        assert!(set.suppression_for(&finding("CVE-2024-0727")).is_none());
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert!(parse(b"not json").is_err());
        assert!(parse(b"{}").expect_err("unknown").contains("neither"));
        assert!(parse(br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"X"},"status":"maybe"}]}"#).is_err());
        assert!(parse(br#"{"bomFormat":"CycloneDX","vulnerabilities":[{"analysis":{"state":"not_affected"}}]}"#).is_err());
        assert!(parse(br#"{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"X","analysis":{"state":"nope"}}]}"#).is_err());
    }
}
