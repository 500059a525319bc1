//! One renderer per output format, all fed the same [`Report`].

mod checkstyle;
mod gitlab;
mod json;
mod sarif;
mod table;

use std::io::Write;

use crate::{Format, Report};

/// How to render, beyond the format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in the table (the CLI sets this only when writing to a terminal).
    pub color: bool,
}

/// Writes `report` in `format`, without colours.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    render_with(report, format, RenderOptions::default(), out)
}

/// Writes `report` in `format` with `options`.
pub fn render_with(
    report: &Report,
    format: Format,
    options: RenderOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Checkstyle => checkstyle::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
    }
}

#[cfg(test)]
pub(crate) mod fixture;
