//! The report model as pretty JSON: the stable machine-readable form.

use std::io::Write;

use crate::report::Report;

pub(super) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
