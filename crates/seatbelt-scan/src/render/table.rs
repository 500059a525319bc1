//! The terminal table: one block per remediation deadline, most urgent first, then suppressed
//! findings with their justification, expired ignore entries and data warnings.

use std::io::Write;

use super::{by_deadline, deadline_heading, fixed, installed, package_name, summary};
use crate::report::{Finding, Report};

fn row(finding: &Finding) -> [String; 7] {
    let mut flags = Vec::new();
    if finding.kev.is_some() {
        flags.push("KEV".to_string());
    }
    if let Some(epss) = finding.epss {
        flags.push(format!("EPSS {:.1}%", epss.score * 100.0));
    }
    [
        finding.id.clone(),
        finding.severity.to_string(),
        package_name(finding),
        installed(finding),
        fixed(finding),
        finding
            .remediation
            .due
            .as_deref()
            .map_or_else(|| "-".to_string(), |d| d.get(..10).unwrap_or(d).to_string()),
        flags.join(" "),
    ]
}

fn write_rows(out: &mut dyn Write, header: [&str; 7], rows: &[[String; 7]]) -> std::io::Result<()> {
    let mut widths = header.map(|h| h.chars().count());
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::from("  ");
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            text.push_str(cell);
            if i + 1 < cells.len() {
                text.push_str(&" ".repeat(width - cell.chars().count() + 2));
            }
        }
        text.trim_end().to_string()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let header = ["ID", "SEVERITY", "PACKAGE", "INSTALLED", "FIXED", "DUE", ""];
    for (class, findings) in by_deadline(report) {
        let policy = findings
            .first()
            .map_or("", |f| f.remediation.policy.as_str());
        writeln!(out, "{}", deadline_heading(class, policy))?;
        let rows: Vec<_> = findings.iter().map(|f| row(f)).collect();
        write_rows(out, header, &rows)?;
        writeln!(out)?;
    }
    let suppressed: Vec<&Finding> = report.suppressed().collect();
    if !suppressed.is_empty() {
        writeln!(out, "Suppressed")?;
        for f in suppressed {
            if let Some(s) = &f.suppression {
                writeln!(
                    out,
                    "  {} {} {}: {} by {}{}",
                    f.id,
                    f.package.name,
                    f.package.version,
                    s.status,
                    s.source,
                    s.justification
                        .as_deref()
                        .map(|j| format!(" ({j})"))
                        .unwrap_or_default()
                )?;
            }
        }
        writeln!(out)?;
    }
    for rule in &report.expired_ignores {
        writeln!(
            out,
            "warning: ignore entry for {} expired on {} and no longer suppresses it (reason was: {})",
            rule.id,
            rule.expires.as_deref().unwrap_or("?"),
            rule.reason
        )?;
    }
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    writeln!(out, "{}", summary(report))
}
