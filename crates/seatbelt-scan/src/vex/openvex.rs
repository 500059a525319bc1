//! OpenVEX 0.2.0 (<https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md>): `statements[]`
//! with `vulnerability.name` (+ `aliases`), `products[]` (`@id` purls, with `subcomponents`),
//! `status` and `justification` / `impact_statement`.

use serde::Deserialize;

use super::{join, purl, VexStatement, VexStatus};

/// Statement count bound: a VEX document with more is not hand-curated data.
const MAX_STATEMENTS: usize = 100_000;

#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    statements: Vec<Statement>,
}

#[derive(Deserialize)]
struct Statement {
    vulnerability: Vulnerability,
    #[serde(default)]
    products: Vec<Product>,
    status: String,
    justification: Option<String>,
    impact_statement: Option<String>,
    status_notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Vulnerability {
    /// 0.2.0: an object.
    Object {
        #[serde(rename = "@id")]
        id: Option<String>,
        name: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
    /// 0.0.x: a bare id.
    Name(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Product {
    Object {
        #[serde(rename = "@id")]
        id: Option<String>,
        #[serde(default)]
        subcomponents: Vec<Subcomponent>,
    },
    Name(String),
}

#[derive(Deserialize)]
struct Subcomponent {
    #[serde(rename = "@id")]
    id: Option<String>,
}

pub(super) fn parse(value: serde_json::Value) -> Result<Vec<VexStatement>, String> {
    let document: Document = serde_json::from_value(value).map_err(|e| format!("OpenVEX: {e}"))?;
    if document.statements.len() > MAX_STATEMENTS {
        return Err(format!("more than {MAX_STATEMENTS} statements"));
    }
    let mut out = Vec::with_capacity(document.statements.len());
    for (index, statement) in document.statements.into_iter().enumerate() {
        let status = match statement.status.as_str() {
            "not_affected" => VexStatus::NotAffected,
            "fixed" => VexStatus::Fixed,
            "affected" => VexStatus::Affected,
            "under_investigation" => VexStatus::UnderInvestigation,
            other => return Err(format!("statements[{index}]: unknown status {other:?}")),
        };
        let ids = match statement.vulnerability {
            Vulnerability::Object { id, name, aliases } => {
                name.into_iter().chain(id).chain(aliases).collect()
            }
            Vulnerability::Name(name) => vec![name],
        };
        if ids.is_empty() {
            return Err(format!(
                "statements[{index}]: the vulnerability has no name"
            ));
        }
        // A product's subcomponents are the packages inside it; a statement about an image
        // with subcomponents is about those packages.
        let mut products = Vec::new();
        for product in statement.products {
            match product {
                Product::Object { id, subcomponents } => {
                    if subcomponents.is_empty() {
                        products.extend(id.as_deref().and_then(purl));
                    } else {
                        products.extend(
                            subcomponents
                                .iter()
                                .filter_map(|s| s.id.as_deref().and_then(purl)),
                        );
                    }
                }
                Product::Name(name) => products.extend(purl(&name)),
            }
        }
        out.push(VexStatement {
            ids,
            products,
            status,
            justification: join(&[
                statement.justification.as_deref(),
                statement.impact_statement.as_deref(),
                statement.status_notes.as_deref(),
            ]),
        });
    }
    Ok(out)
}
