//! FIRST EPSS scores CSV (<https://www.first.org/epss/data_stats>): a comment line
//! `#model_version:…,score_date:…`, a header `cve,epss,percentile`, then one CVE per line.
//!
//! Parsed by hand: three unquoted columns of ids and decimals need no CSV quoting rules, and a
//! line-by-line loop keeps malformed rows countable.

use super::{ParseError, Parsed};
use crate::model::Epss;

/// Most rows: about 300,000 CVEs are scored today.
pub const MAX_EPSS_ROWS: usize = 10_000_000;

/// Parses the CSV (already decompressed).
pub fn parse(bytes: &[u8]) -> Result<Parsed<Epss>, ParseError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ParseError::new(format!("the EPSS file is not UTF-8: {e}")))?;
    let mut parsed = Parsed::default();
    let mut date = None;
    let mut columns: Option<(usize, usize, usize)> = None;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            for part in comment.split(',') {
                if let Some(d) = part.trim().strip_prefix("score_date:") {
                    date = Some(d.trim().to_string());
                }
            }
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let Some((cve_col, score_col, pct_col)) = columns else {
            let find = |name: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(name));
            match (find("cve"), find("epss"), find("percentile")) {
                (Some(c), Some(s), Some(p)) => columns = Some((c, s, p)),
                _ => {
                    return Err(ParseError::new(format!(
                        "line {}: expected the header `cve,epss,percentile`",
                        number + 1
                    )))
                }
            }
            continue;
        };
        if parsed.items.len() >= MAX_EPSS_ROWS {
            return Err(ParseError::new(format!(
                "more than {MAX_EPSS_ROWS} rows; this is not an EPSS file"
            )));
        }
        let row = (
            fields.get(cve_col),
            fields.get(score_col).and_then(|s| s.parse::<f64>().ok()),
            fields.get(pct_col).and_then(|s| s.parse::<f64>().ok()),
        );
        match row {
            (Some(cve), Some(score), Some(percentile))
                if cve.starts_with("CVE-")
                    && (0.0..=1.0).contains(&score)
                    && (0.0..=1.0).contains(&percentile) =>
            {
                parsed.items.push(Epss {
                    cve: cve.to_string(),
                    score,
                    percentile,
                    date: date.clone(),
                });
            }
            _ => parsed.malformed(format!(
                "line {}: `{line}` is not cve,score,percentile",
                number + 1
            )),
        }
    }
    if columns.is_none() {
        return Err(ParseError::new("no `cve,epss,percentile` header"));
    }
    Ok(parsed)
}

/// Whether `bytes` start like an EPSS CSV.
pub(crate) fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    head.starts_with(b"#model_version") || head.starts_with(b"cve,epss")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scores_with_the_header_date() {
        // Layout of epss_scores-current.csv; numbers invented.
        let csv = b"#model_version:v2099.01.01,score_date:2099-01-02T00:00:00Z\ncve,epss,percentile\nCVE-2099-0001,0.97000,0.99900\nCVE-2099-0002,abc,0.1\nCVE-2099-0003,0.00043,0.10000\n";
        let parsed = parse(csv).unwrap();
        assert_eq!(parsed.items.len(), 2);
        assert_eq!(parsed.malformed, 1);
        assert_eq!(
            parsed.items[0].date.as_deref(),
            Some("2099-01-02T00:00:00Z")
        );
        assert!((parsed.items[1].score - 0.00043).abs() < 1e-9);
        assert!(parse(b"a,b\n1,2\n").is_err());
    }
}
