//! The report as JSON: `{tool_version, rules, findings}`, the shape of [`Report`]'s serde form.

use std::io::Write;

use crate::Report;

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use crate::render::fixture::rendered;
    use crate::Format;

    #[test]
    fn json_snapshot() {
        insta::assert_snapshot!(rendered(Format::Json));
    }
}
