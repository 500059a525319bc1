use crate::ast::{Args, Keyword};
use crate::expand;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `EXPOSE` ports outside 0–65535 (ranges `8000-8010` and `/tcp`, `/udp`
    /// suffixes are understood; variables are skipped).
    ///
    /// ## Why it matters
    /// An invalid port fails the build or, worse, is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80000
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 8000
    /// ```
    ///
    /// ## References
    /// - hadolint DL3011
    EXPOSE_PORT {
        id: "SB1011",
        aliases: ["DL3011"],
        name: "expose-invalid-port",
        severity: High,
        summary: "Valid UNIX ports range from 0 to 65535",
        check: check,
    }
}

/// Ports of an `EXPOSE` word: `80`, `80/tcp`, `8000-8010/udp`; `None` for variables.
pub(crate) fn ports(word: &str) -> Option<Vec<u64>> {
    if expand::has_variable(word) {
        return None;
    }
    let number = word.split('/').next().unwrap_or_default();
    number.split('-').map(|p| p.parse::<u64>().ok()).collect()
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Expose) {
        if let Args::Words { words, .. } = &located.instruction.args {
            for word in words {
                if expand::has_variable(word) {
                    continue;
                }
                let valid = ports(word).is_some_and(|ps| ps.iter().all(|p| *p <= 65535));
                if !valid {
                    sink.report(
                        located,
                        format!("Valid UNIX ports range from 0 to 65535 ({word})"),
                    );
                }
            }
        }
    }
}
