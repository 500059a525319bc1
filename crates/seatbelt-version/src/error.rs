//! Errors: each names the scheme, the offending text and the shape that was expected.

use crate::Scheme;

/// A version or range that cannot be read under a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The version does not follow the scheme's grammar.
    #[error("{version:?} is not a valid {scheme} version: {reason}; expected {expected}")]
    InvalidVersion {
        /// The scheme it was read with.
        scheme: Scheme,
        /// The text (cut to a readable length).
        version: String,
        /// What is wrong with it.
        reason: String,
        /// The shape a version of this scheme has.
        expected: &'static str,
    },
    /// The range does not follow the scheme's range syntax.
    #[error("{range:?} is not a valid {scheme} range: {reason}; expected {expected}")]
    InvalidRange {
        /// The scheme it was read with.
        scheme: Scheme,
        /// The text (cut to a readable length).
        range: String,
        /// What is wrong with it.
        reason: String,
        /// The shape of a range in this scheme.
        expected: &'static str,
    },
    /// The text is longer than any real version or range; refused before parsing.
    #[error("a {scheme} {what} of {len} bytes is longer than the {max}-byte limit; it cannot be a real one")]
    TooLong {
        /// The scheme.
        scheme: Scheme,
        /// "version" or "range".
        what: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An OSV range could not be evaluated (a bad event, or a version its scheme cannot read).
    #[error("OSV range cannot be evaluated: {reason}")]
    InvalidOsvRange {
        /// What is wrong.
        reason: String,
    },
}

/// How much of an offending string an error message repeats.
const SHOWN_CHARS: usize = 120;

/// `text`, cut to [`SHOWN_CHARS`] characters so a hostile input cannot flood a terminal.
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}
