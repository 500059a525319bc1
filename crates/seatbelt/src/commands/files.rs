//! `seatbelt files`: every path of an image's final filesystem (or, with `--history`, every
//! version of every path in every layer, deleted ones included), from one streaming pass.

use std::io::{BufWriter, Write};
use std::sync::Arc;

use miette::IntoDiagnostic;
use seatbelt_image::walk::{walk, Entry, EntryKind, Interest, PathFilter, Version, Visitor};
use seatbelt_image::ImageError;

use crate::args::{FilesArgs, FilesFormat};
use crate::Outcome;

/// Writes one line per entry as the walk delivers them, so memory stays flat on huge images.
struct Lister<W: Write> {
    out: W,
    format: FilesFormat,
    history: bool,
    /// A failed write to stdout; the walk is stopped and this is reported instead.
    write_error: Option<std::io::Error>,
}

impl<W: Write + Send> Visitor for Lister<W> {
    fn filter(&self) -> PathFilter {
        Arc::new(|_: &str, _: EntryKind| Interest::Metadata)
    }

    fn wants_history(&self) -> bool {
        self.history
    }

    fn visit(
        &mut self,
        entry: &Entry,
        _content: Option<&[u8]>,
        _complete: bool,
    ) -> Result<(), ImageError> {
        let written = match self.format {
            FilesFormat::Jsonl => serde_json::to_writer(&mut self.out, entry)
                .map_err(std::io::Error::other)
                .and_then(|()| self.out.write_all(b"\n")),
            FilesFormat::Table => write_row(&mut self.out, entry, self.history),
        };
        written.map_err(|e| {
            let stop = ImageError::Stream {
                what: "standard output".to_string(),
                source: std::io::Error::new(e.kind(), e.to_string()),
            };
            self.write_error = Some(e);
            stop
        })
    }
}

fn write_row(out: &mut impl Write, entry: &Entry, history: bool) -> std::io::Result<()> {
    let kind = match entry.kind {
        EntryKind::File => '-',
        EntryKind::Directory => 'd',
        EntryKind::Symlink => 'l',
        EntryKind::Hardlink => 'h',
        EntryKind::CharDevice => 'c',
        EntryKind::BlockDevice => 'b',
        EntryKind::Fifo => 'p',
    };
    write!(
        out,
        "{kind}{:04o} {:>5}:{:<5} {:>10} L{:<3}",
        entry.mode & 0o7777,
        entry.uid,
        entry.gid,
        entry.size,
        entry.layer_index
    )?;
    if history {
        let version = match entry.version {
            Version::Final => "final   ",
            Version::Shadowed => "shadowed",
            Version::Deleted => "deleted ",
        };
        write!(out, " {version}")?;
    }
    write!(out, " /{}", entry.path)?;
    if let Some(target) = &entry.link_target {
        write!(out, " -> {target}")?;
    }
    writeln!(out)
}

pub(crate) fn run(args: &FilesArgs) -> miette::Result<Outcome> {
    let image = super::open_image(&args.image, &args.source)?;
    let mut lister = Lister {
        out: BufWriter::with_capacity(256 * 1024, std::io::stdout()),
        format: args.format,
        history: args.history,
        write_error: None,
    };
    let walked = walk(&image, &mut [&mut lister]);
    if let Some(e) = lister.write_error.take() {
        return Err(crate::output::stdout_error(&e));
    }
    let report = walked.into_diagnostic()?;
    lister
        .out
        .flush()
        .map_err(|e| crate::output::stdout_error(&e))?;
    for warning in &report.warnings {
        tracing::warn!("{warning}");
    }
    tracing::info!(
        "{} layers, {} entries, {} bytes decompressed",
        report.layers,
        report.entries,
        report.bytes
    );
    Ok(Outcome::Ok)
}
