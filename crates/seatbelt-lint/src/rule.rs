//! The rule seam: a [`Rule`] is its description ([`RuleInfo`], whose `docs` is the rule file's
//! doc comment) and a check over the [`Model`]. Declare one with [`crate::rule!`] in its own file
//! under `rules/` and add one line to [`crate::rules::RULES`].

use seatbelt_findings::RuleInfo;

use crate::ast::Position;
use crate::model::{Located, Model};

/// A lint rule.
#[derive(Debug)]
pub struct Rule {
    /// Id, aliases, severity, docs.
    pub info: RuleInfo,
    /// Reports what is wrong in the model.
    pub check: fn(&Model<'_>, &mut Sink),
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's id.
    pub rule: &'static str,
    /// Where (the instruction's start, as hadolint reports it, so pragmas and editors agree).
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// The fix, when it is certain.
    pub fix: Option<String>,
}

/// Collects a rule's diagnostics.
#[derive(Debug)]
pub struct Sink {
    rule: &'static str,
    /// What was reported.
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// A sink for the rule `rule`.
    pub fn new(rule: &'static str) -> Sink {
        Sink {
            rule,
            diagnostics: Vec::new(),
        }
    }

    /// Reports a problem with `at`.
    pub fn report(&mut self, at: &Located<'_>, message: impl Into<String>) {
        self.report_fix(at, message, None);
    }

    /// Reports a problem with `at` and its certain fix.
    pub fn report_fix(
        &mut self,
        at: &Located<'_>,
        message: impl Into<String>,
        fix: Option<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            rule: self.rule,
            position: at.position(),
            message: message.into(),
            fix,
        });
    }
}

/// The rule documentation as `seatbelt rule ID` prints it: the doc comment with the one space
/// rustdoc leaves after `///` removed.
pub fn docs_text(info: &RuleInfo) -> String {
    let mut out = format!("# {} ({}): {}\n\n", info.id, info.name, info.summary);
    if !info.aliases.is_empty() {
        out.push_str(&format!("Aliases: {}. ", info.aliases.join(", ")));
    }
    out.push_str(&format!("Default severity: {}.\n\n", info.severity));
    for line in info.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Declares a rule: its doc comment becomes [`RuleInfo::docs`].
#[macro_export]
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            id: $id:literal,
            aliases: [$($alias:literal),* $(,)?],
            name: $kebab:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            check: $check:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub(crate) static $name: $crate::rule::Rule = $crate::rule::Rule {
            info: seatbelt_findings::RuleInfo {
                id: $id,
                aliases: &[$($alias),*],
                name: $kebab,
                severity: seatbelt_types::Severity::$severity,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            },
            check: $check,
        };
    };
}
