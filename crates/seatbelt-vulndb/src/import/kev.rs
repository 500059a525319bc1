//! CISA's Known Exploited Vulnerabilities catalog JSON
//! (<https://www.cisa.gov/known-exploited-vulnerabilities-catalog>, schema in cisagov/kev-data).

use serde::Deserialize;
use serde_json::Value;

use super::bounded::Bounded;
use super::{ParseError, Parsed};
use crate::model::KevEntry;

/// Most catalog entries: the catalog holds about 1,500 today and grows by a few hundred a year.
pub const MAX_KEV_ENTRIES: usize = 1_000_000;

#[derive(Deserialize)]
struct Catalog {
    vulnerabilities: Bounded<Value, MAX_KEV_ENTRIES>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: String,
    product: String,
    vulnerability_name: String,
    date_added: String,
    due_date: String,
    required_action: String,
    #[serde(default)]
    known_ransomware_campaign_use: Option<String>,
}

/// Parses the catalog; entries that do not decode are counted, not fatal.
pub fn parse(bytes: &[u8]) -> Result<Parsed<KevEntry>, ParseError> {
    let value: Value = serde_json::from_slice(bytes).map_err(ParseError::json)?;
    from_value(value)
}

pub(crate) fn from_value(value: Value) -> Result<Parsed<KevEntry>, ParseError> {
    let catalog: Catalog = serde_json::from_value(value).map_err(ParseError::json)?;
    let mut parsed = Parsed::default();
    for (index, entry) in catalog.vulnerabilities.0.into_iter().enumerate() {
        match serde_json::from_value::<Entry>(entry) {
            Ok(e) if e.cve_id.starts_with("CVE-") => parsed.items.push(KevEntry {
                cve: e.cve_id,
                vendor: e.vendor_project,
                product: e.product,
                name: e.vulnerability_name,
                date_added: e.date_added,
                due_date: e.due_date,
                known_ransomware: e.known_ransomware_campaign_use,
                required_action: e.required_action,
            }),
            Ok(e) => parsed.malformed(format!(
                "vulnerabilities[{index}]: `{}` is not a CVE id",
                e.cve_id
            )),
            Err(e) => parsed.malformed(format!("vulnerabilities[{index}]: {e}")),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_counts_bad_ones() {
        // Field names from CISA's published schema; values invented.
        let json = br#"{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2099.01.01",
          "dateReleased":"2099-01-01T00:00:00.000Z","count":2,"vulnerabilities":[
          {"cveID":"CVE-2099-0001","vendorProject":"Example","product":"Widget","vulnerabilityName":"Widget RCE",
           "dateAdded":"2099-01-01","shortDescription":"x","requiredAction":"Apply updates.","dueDate":"2099-01-22",
           "knownRansomwareCampaignUse":"Known","notes":"","cwes":["CWE-78"]},
          {"cveID":7}]}"#;
        let parsed = parse(json).unwrap();
        assert_eq!(parsed.items.len(), 1);
        assert_eq!(parsed.malformed, 1);
        assert_eq!(parsed.items[0].due_date, "2099-01-22");
        assert_eq!(parsed.items[0].known_ransomware.as_deref(), Some("Known"));
    }
}
