//! Progress bars for long work, shown only on a terminal and never with `-q`, so piped output and
//! CI logs stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use seatbelt_image::sink::Progress;
use seatbelt_types::Digest;

/// A byte-count bar over a whole copy.
pub(crate) struct CopyProgress {
    bar: ProgressBar,
}

impl CopyProgress {
    /// A bar for `total` bytes, hidden when stderr is not a terminal or `quiet` is set.
    pub(crate) fn new(total: u64, quiet: bool) -> CopyProgress {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new(total)
        };
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:20} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        CopyProgress { bar }
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for CopyProgress {
    fn blob_started(&self, digest: &Digest, _size: u64) {
        self.bar.set_message(digest.short());
    }

    fn advanced(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn blob_skipped(&self, _digest: &Digest, size: u64) {
        self.bar.inc(size);
    }
}
