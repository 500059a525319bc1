//! Checkstyle XML (the format Jenkins' warnings plugin and reviewdog read): one `<file>` per
//! file, one `<error>` per finding.

use std::io::Write;

use seatbelt_types::Severity;

use crate::Report;

/// Escapes text for an XML attribute value. Written by hand because it is five replacements
/// plus one rule: characters XML 1.0 forbids even as references (most C0 controls) become
/// U+FFFD, since a finding's message may quote arbitrary bytes from an image.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Attribute-value normalisation would turn these into spaces: keep them as refs.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Checkstyle's levels.
fn checkstyle_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Negligible | Severity::Unknown => "info",
    }
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    let mut current: Option<&str> = None;
    for f in &report.findings {
        if current != Some(f.location.file.as_str()) {
            if current.is_some() {
                writeln!(out, "  </file>")?;
            }
            writeln!(out, r#"  <file name="{}">"#, escape(&f.location.file))?;
            current = Some(&f.location.file);
        }
        let mut attrs = String::new();
        // Checkstyle requires `line`; a finding about a whole file points at line 1.
        attrs.push_str(&format!(r#" line="{}""#, f.location.line.unwrap_or(1)));
        if let Some(column) = f.location.column {
            attrs.push_str(&format!(r#" column="{column}""#));
        }
        let mut message = f.message.clone();
        if let Some(layer) = &f.location.layer {
            message.push_str(&format!(" (layer {layer})"));
        }
        writeln!(
            out,
            r#"    <error{attrs} severity="{}" message="{}" source="seatbelt.{}"/>"#,
            checkstyle_severity(f.severity),
            escape(&message),
            escape(&f.rule_id),
        )?;
    }
    if current.is_some() {
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture::rendered;
    use crate::Format;

    #[test]
    fn checkstyle_snapshot() {
        insta::assert_snapshot!(rendered(Format::Checkstyle));
    }

    #[test]
    fn escapes_markup_quotes_and_forbidden_controls() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}&#10;"
        );
    }
}
