//! A rule's static description: what every renderer and `seatbelt rule ID` needs to know.

use seatbelt_types::Severity;
use serde::Serialize;

/// A rule: its stable id, aliases in other tools, default severity and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id: `SB1xxx` Dockerfile lint, `SB2xxx` image audit, `SB3xxx` secrets.
    pub id: &'static str,
    /// The same check's ids in other tools (`DL3008` for hadolint), so their pragmas and
    /// config keys keep working.
    pub aliases: &'static [&'static str],
    /// Kebab-case name.
    pub name: &'static str,
    /// Default severity (the config may override it).
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown under the headings What it does / Why it matters / Example / Use instead /
    /// References.
    #[serde(skip)]
    pub docs: &'static str,
}

impl RuleInfo {
    /// Whether `key` names this rule: its id or one of its aliases, case-insensitively.
    pub fn is_named(&self, key: &str) -> bool {
        let key = key.trim();
        self.id.eq_ignore_ascii_case(key)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_named_by_its_id_or_an_alias_in_any_case() {
        let rule = RuleInfo {
            id: "SB1008",
            aliases: &["DL3008"],
            name: "apt-get-pin",
            severity: Severity::Medium,
            summary: "s",
            docs: "",
        };
        assert!(rule.is_named("SB1008") && rule.is_named("dl3008") && rule.is_named(" DL3008 "));
        assert!(!rule.is_named("DL3009") && !rule.is_named(""));
    }
}
