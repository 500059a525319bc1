//! Secret detection in file contents: one [`SecretRule`] per kind of secret (in `rules/`), an
//! aho-corasick automaton over every rule's keywords that decides which regexes run, and only
//! on the windows around each keyword hit; allow-lists for documentation examples and
//! placeholders; redaction so no output ever holds a secret in clear.
//!
//! Used by `seatbelt audit` (every version of every file in every layer, deleted ones too) and
//! by `seatbelt scan --scanners secret`.

mod allow;
pub mod engine;
mod entropy;
mod redact;
mod rules;
mod visitor;

pub use allow::{is_allowed_path, is_placeholder};
pub use engine::{Engine, SecretMatch, MAX_SCAN_BYTES, SNIFF_BYTES};
pub use entropy::shannon_entropy;
pub use redact::redact;
pub use rules::RULES;
pub use visitor::SecretVisitor;

use seatbelt_findings::RuleInfo;

/// One kind of secret.
#[derive(Debug)]
pub struct SecretRule {
    /// Id, name, severity and documentation.
    pub info: RuleInfo,
    /// Literal strings (case-sensitive) one of which every match contains: the prefilter.
    pub keywords: &'static [&'static str],
    /// The regex (bytes, ASCII mode), run only near keyword hits. Capture group `secret`
    /// (or the whole match) is the secret.
    pub pattern: &'static str,
    /// How far before a keyword hit a match may start.
    pub before: usize,
    /// How far after a keyword hit a match may end.
    pub after: usize,
    /// Minimum Shannon entropy (bits per byte) of the secret; filters words and repetitions.
    pub min_entropy: Option<f64>,
    /// How many leading characters of the secret may be shown (a type prefix such as `ghp_`);
    /// never more than a quarter of it.
    pub keep: usize,
    /// Reported only where no other rule matched on the same line (the generic assignment
    /// rule, so `password = pypi-…` is one PyPI finding, not two).
    pub fallback: bool,
    /// Extra check on the secret (e.g. a JWT's header decodes to JSON); `None` = accept.
    pub validate: Option<fn(&[u8]) -> bool>,
}
