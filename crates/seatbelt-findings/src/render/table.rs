//! The table for people: findings grouped by file, one line each, a fix line when there is
//! one, and a summary by severity. Colours (ANSI) only when the caller says the output is a
//! terminal.

use std::collections::BTreeMap;
use std::io::Write;

use seatbelt_types::Severity;

use crate::render::RenderOptions;
use crate::{Finding, Report};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Negligible | Severity::Unknown => "\x1b[2m",
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, style: &str, text: &str) -> String {
        if self.on {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

fn position(f: &Finding) -> String {
    match (f.location.line, f.location.column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        (Some(line), None) => line.to_string(),
        _ => "-".to_string(),
    }
}

pub(super) fn render(
    report: &Report,
    options: RenderOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let paint = Paint { on: options.color };
    if report.findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    // Group by file in first-seen order (the producer sorted the findings).
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &report.findings {
        let file = finding.location.file.as_str();
        let group = groups.entry(file).or_default();
        if group.is_empty() {
            order.push(file);
        }
        group.push(finding);
    }
    let pos_width = report
        .findings
        .iter()
        .map(|f| position(f).len())
        .max()
        .unwrap_or(1);
    let id_width = report
        .findings
        .iter()
        .map(|f| f.rule_id.len())
        .max()
        .unwrap_or(1);
    for (i, file) in order.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", paint.wrap(BOLD, file))?;
        for f in groups.get(file).into_iter().flatten() {
            let severity = format!("{:<8}", f.severity.as_str());
            let layer = match (&f.location.layer, f.location.layer_index) {
                (Some(digest), Some(index)) => format!("  [layer {index} {}]", digest.short()),
                (Some(digest), None) => format!("  [layer {}]", digest.short()),
                (None, Some(index)) => format!("  [layer {index}]"),
                (None, None) => String::new(),
            };
            writeln!(
                out,
                "  {:<pos_width$}  {}  {:<id_width$}  {}{}",
                position(f),
                paint.wrap(colour(f.severity), &severity),
                f.rule_id,
                f.message,
                paint.wrap(DIM, &layer),
            )?;
            if let Some(fix) = &f.fix {
                writeln!(out, "  {:<pos_width$}  fix: {fix}", "")?;
            }
        }
    }
    let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in &report.findings {
        *counts.entry(f.severity).or_default() += 1;
    }
    let summary: Vec<String> = counts
        .iter()
        .rev()
        .map(|(severity, n)| format!("{n} {severity}"))
        .collect();
    let total = report.findings.len();
    let noun = if total == 1 { "finding" } else { "findings" };
    writeln!(out, "\n{total} {noun} ({})", summary.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::render::fixture::{fixture_report, rendered};
    use crate::render::{render_with, RenderOptions};
    use crate::Format;

    #[test]
    fn table_snapshot() {
        insta::assert_snapshot!(rendered(Format::Table));
    }

    #[test]
    fn colours_only_when_asked() {
        assert!(!rendered(Format::Table).contains('\x1b'));
        let mut out = Vec::new();
        render_with(
            &fixture_report(),
            Format::Table,
            RenderOptions { color: true },
            &mut out,
        )
        .expect("renders");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("\x1b[1;31mcritical"), "{text}");
    }

    #[test]
    fn an_empty_report_says_so() {
        let mut report = fixture_report();
        report.findings.clear();
        let mut out = Vec::new();
        crate::render(&report, Format::Table, &mut out).expect("renders");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "No findings.\n");
    }
}
