//! CycloneDX VEX (1.4–1.6): `vulnerabilities[]` with `id`, `analysis.state`
//! (`not_affected`, `resolved`, `false_positive`, `exploitable`, `in_triage`),
//! `analysis.justification` / `detail`, and `affects[].ref` (a purl or a `bom-ref` of a
//! component in the same document, resolved to the component's purl).

use std::collections::HashMap;

use serde::Deserialize;

use super::{join, purl, VexStatement, VexStatus};

/// Vulnerability count bound, as for OpenVEX.
const MAX_VULNERABILITIES: usize = 100_000;

#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    purl: Option<String>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: Option<String>,
    #[serde(default)]
    references: Vec<Reference>,
    analysis: Option<Analysis>,
    #[serde(default)]
    affects: Vec<Affects>,
}

#[derive(Deserialize)]
struct Reference {
    id: Option<String>,
}

#[derive(Deserialize)]
struct Analysis {
    state: Option<String>,
    justification: Option<String>,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// bom-ref → purl for every component, nested ones too (depth bounded by the JSON parser's own
/// recursion limit).
fn index<'a>(components: &'a [Component], out: &mut HashMap<&'a str, &'a str>) {
    for component in components {
        if let (Some(r), Some(p)) = (&component.bom_ref, &component.purl) {
            out.insert(r, p);
        }
        index(&component.components, out);
    }
}

pub(super) fn parse(value: serde_json::Value) -> Result<Vec<VexStatement>, String> {
    let document: Document =
        serde_json::from_value(value).map_err(|e| format!("CycloneDX: {e}"))?;
    if document.vulnerabilities.len() > MAX_VULNERABILITIES {
        return Err(format!("more than {MAX_VULNERABILITIES} vulnerabilities"));
    }
    let mut refs = HashMap::new();
    index(&document.components, &mut refs);
    let mut out = Vec::new();
    for (i, vulnerability) in document.vulnerabilities.iter().enumerate() {
        // A vulnerability without analysis is a VDR entry (a finding), not a VEX statement.
        let Some(analysis) = &vulnerability.analysis else {
            continue;
        };
        let status = match analysis.state.as_deref() {
            Some("not_affected" | "false_positive") => VexStatus::NotAffected,
            Some("resolved" | "resolved_with_pedigree") => VexStatus::Fixed,
            Some("exploitable") => VexStatus::Affected,
            Some("in_triage") | None => VexStatus::UnderInvestigation,
            Some(other) => {
                return Err(format!(
                    "vulnerabilities[{i}]: unknown analysis.state {other:?}"
                ))
            }
        };
        let ids: Vec<String> = vulnerability
            .id
            .iter()
            .cloned()
            .chain(vulnerability.references.iter().filter_map(|r| r.id.clone()))
            .collect();
        if ids.is_empty() {
            return Err(format!("vulnerabilities[{i}] has no id"));
        }
        let products = vulnerability
            .affects
            .iter()
            .filter_map(|a| a.reference.as_deref())
            .filter_map(|r| purl(refs.get(r).copied().unwrap_or(r)))
            .collect::<Vec<_>>();
        // CycloneDX requires `affects`; a statement naming no package it can resolve is not
        // applied to everything.
        if products.is_empty() {
            continue;
        }
        out.push(VexStatement {
            ids,
            products,
            status,
            justification: join(&[
                analysis.justification.as_deref(),
                analysis.detail.as_deref(),
            ]),
        });
    }
    Ok(out)
}
