use crate::ast::{Args, Keyword};
use crate::expand;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports an `ENV` that refers to a variable defined earlier in the same `ENV`.
    ///
    /// ## Why it matters
    /// All values of one `ENV` are expanded before any is set: the reference sees the old
    /// value (usually empty), not the one on the same line.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV A=/opt B=$A/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV A=/opt
    /// ENV B=$A/bin
    /// ```
    ///
    /// ## References
    /// - hadolint DL3044
    ENV_SELF_REFERENCE {
        id: "SB1044",
        aliases: ["DL3044"],
        name: "env-self-reference",
        severity: High,
        summary: "Do not refer to an environment variable within the same ENV statement where it is defined",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Env) {
        let Args::Pairs(pairs) = &located.instruction.args else {
            continue;
        };
        for (i, pair) in pairs.iter().enumerate() {
            let used = expand::variables(&pair.value);
            if pairs[..i].iter().any(|p| used.contains(&p.key)) {
                sink.report(located, format!("Do not refer to an environment variable within the same `ENV` statement where it is defined ({})", pair.key));
                break;
            }
        }
    }
}
