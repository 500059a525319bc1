//! Writing results to standard output. Write errors propagate (a closed pipe ends the program
//! quietly in `main`) instead of panicking as `println!` would.

use std::io::Write;

use miette::IntoDiagnostic;

/// Standard output was closed by the reader (`seatbelt … | head`): not an error for the user.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("standard output was closed")]
pub(crate) struct BrokenPipe;

/// Turns a failed write to stdout into the report `main` expects.
pub(crate) fn stdout_error(err: &std::io::Error) -> miette::Report {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        miette::Report::new(BrokenPipe)
    } else {
        miette::miette!("cannot write to standard output: {err}")
    }
}

/// Writes `text` to stdout.
pub(crate) fn print(text: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| stdout_error(&e))
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> miette::Result<()> {
    let mut text = serde_json::to_string_pretty(value).into_diagnostic()?;
    text.push('\n');
    print(&text)
}

/// `1234567` → `1.2 MiB`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_picks_the_unit() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
