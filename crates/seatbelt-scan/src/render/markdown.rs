//! Markdown for pull-request comments and job summaries: a heading per deadline and a table
//! each; `|` in cells escaped so a summary cannot break the table.

use std::io::Write;

use super::{by_deadline, deadline_heading, fixed, installed, package_name, summary};
use crate::report::Report;

fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let subject = if report.subject.name.is_empty() {
        report.subject.reference.as_str()
    } else {
        report.subject.name.as_str()
    };
    writeln!(
        out,
        "## Vulnerabilities in `{}`\n",
        cell(subject).replace('`', "'")
    )?;
    writeln!(out, "{}\n", summary(report))?;
    for (class, findings) in by_deadline(report) {
        let policy = findings
            .first()
            .map_or("", |f| f.remediation.policy.as_str());
        writeln!(out, "### {}\n", deadline_heading(class, policy))?;
        writeln!(
            out,
            "| ID | Severity | Package | Installed | Fixed | Due | KEV | EPSS |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- |")?;
        for f in findings {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&f.id),
                f.severity,
                cell(&package_name(f)),
                cell(&installed(f)),
                cell(&fixed(f)),
                f.remediation
                    .due
                    .as_deref()
                    .map_or("-", |d| d.get(..10).unwrap_or(d)),
                f.kev.as_ref().map_or(String::new(), |k| format!(
                    "yes (due {})",
                    cell(&k.due_date)
                )),
                f.epss
                    .map_or(String::new(), |e| format!("{:.1}%", e.score * 100.0)),
            )?;
        }
        writeln!(out)?;
    }
    let suppressed: Vec<_> = report.suppressed().collect();
    if !suppressed.is_empty() {
        writeln!(out, "### Suppressed\n")?;
        writeln!(out, "| ID | Package | Status | By | Justification |")?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for f in suppressed {
            if let Some(s) = &f.suppression {
                writeln!(
                    out,
                    "| {} | {} {} | {} | {} | {} |",
                    cell(&f.id),
                    cell(&f.package.name),
                    cell(&f.package.version),
                    cell(&s.status),
                    cell(&s.source),
                    cell(s.justification.as_deref().unwrap_or(""))
                )?;
            }
        }
        writeln!(out)?;
    }
    for rule in &report.expired_ignores {
        writeln!(
            out,
            "> **Expired ignore:** {} (expired {}): {}\n",
            cell(&rule.id),
            cell(rule.expires.as_deref().unwrap_or("?")),
            cell(&rule.reason)
        )?;
    }
    for warning in &report.warnings {
        writeln!(out, "> **Warning:** {}\n", cell(warning))?;
    }
    Ok(())
}
