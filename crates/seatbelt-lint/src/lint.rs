//! Running every rule over one Dockerfile, honouring inline ignore pragmas.

use seatbelt_findings::{fingerprint, parse_ignore_pragma, Finding, FindingLocation, RuleInfo};

use crate::ast::{Dockerfile, Item};
use crate::model::{LintOptions, Model};
use crate::parse::ParseError;
use crate::rule::{Diagnostic, Sink};
use crate::rules::RULES;

/// Every rule's description.
pub fn rule_infos() -> Vec<seatbelt_findings::RuleInfo> {
    RULES.iter().map(|r| r.info).collect()
}

/// The rule with id or alias `key`.
pub fn find_rule(key: &str) -> Option<&'static RuleInfo> {
    RULES
        .iter()
        .map(|r| &r.info)
        .find(|info| info.is_named(key))
}

/// Parses and lints `source`; `path` names it in findings. Pragmas are honoured unless
/// `ignore_pragmas` is false.
pub fn lint(
    source: &str,
    path: &str,
    options: &LintOptions,
    honour_pragmas: bool,
) -> Result<Vec<Finding>, ParseError> {
    let file = crate::parse(source)?;
    let diagnostics = check(&file, options, honour_pragmas);
    Ok(diagnostics
        .into_iter()
        .filter_map(|d| {
            let info = find_rule(d.rule)?;
            let line_text = source
                .lines()
                .nth(usize::try_from(d.position.line).ok()?.saturating_sub(1))
                .unwrap_or_default()
                .trim();
            Some(Finding {
                rule_id: info.id.to_string(),
                severity: info.severity,
                fingerprint: fingerprint(&[info.id, path, line_text, &d.message]),
                message: d.message,
                location: FindingLocation::file(path).at(
                    u64::from(d.position.line),
                    Some(u64::from(d.position.column)),
                ),
                fix: d.fix,
            })
        })
        .collect())
}

/// Runs every rule over a parsed file.
pub fn check(file: &Dockerfile, options: &LintOptions, honour_pragmas: bool) -> Vec<Diagnostic> {
    let model = Model::new(file, options);
    let mut all = Vec::new();
    for rule in RULES {
        let mut sink = Sink::new(rule.info.id);
        (rule.check)(&model, &mut sink);
        all.extend(sink.diagnostics);
    }
    if honour_pragmas {
        let ignores = Ignores::of(file);
        all.retain(|d| !ignores.covers(d));
    }
    all.sort_by(|a, b| (a.position, a.rule).cmp(&(b.position, b.rule)));
    all
}

/// Ignore pragmas: file-wide ids, and ids per instruction start line.
struct Ignores {
    global: Vec<String>,
    lines: Vec<(u32, Vec<String>)>,
}

impl Ignores {
    fn of(file: &Dockerfile) -> Ignores {
        let mut global = Vec::new();
        let mut lines = Vec::new();
        let mut pending: Vec<String> = Vec::new();
        for item in &file.items {
            match item {
                Item::Comment(comment) => {
                    if let Some(pragma) = parse_ignore_pragma(&comment.text) {
                        if pragma.global {
                            global.extend(pragma.ids);
                        } else {
                            pending.extend(pragma.ids);
                        }
                    }
                }
                Item::Instruction(instruction) => {
                    if !pending.is_empty() {
                        lines.push((instruction.span.start.line, std::mem::take(&mut pending)));
                    }
                }
            }
        }
        Ignores { global, lines }
    }

    fn covers(&self, diagnostic: &Diagnostic) -> bool {
        let Some(info) = find_rule(diagnostic.rule) else {
            return false;
        };
        self.global.iter().any(|id| info.is_named(id))
            || self.lines.iter().any(|(line, ids)| {
                *line == diagnostic.position.line && ids.iter().any(|id| info.is_named(id))
            })
    }
}
