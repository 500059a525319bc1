//! `seatbelt rule`: a lint rule's documentation, the list of rules, or the generated rule pages.

use std::fmt::Write as _;

use miette::{Context, IntoDiagnostic};

use crate::args::RuleArgs;
use crate::output::print;
use crate::Outcome;

/// Runs `seatbelt rule`.
pub(crate) fn run(args: &RuleArgs) -> miette::Result<Outcome> {
    if let Some(dir) = &args.generate_docs {
        return generate(dir, args.check);
    }
    match &args.id {
        Some(id) => {
            let Some(info) = seatbelt_lint::find_rule(id) else {
                miette::bail!("no rule {id}; `seatbelt rule` lists them");
            };
            print(&seatbelt_lint::rule::docs_text(info))?;
        }
        None => {
            let mut out = String::new();
            for info in seatbelt_lint::rule_infos() {
                let _ = writeln!(
                    out,
                    "{:<7} {:<7} {:<10} {:<34} {}",
                    info.id,
                    info.aliases.join(","),
                    info.severity.as_str(),
                    info.name,
                    info.summary
                );
            }
            print(&out)?;
        }
    }
    Ok(Outcome::Ok)
}

fn generate(dir: &std::path::Path, check: bool) -> miette::Result<Outcome> {
    let pages = seatbelt_lint::docs::pages();
    if check {
        let stale: Vec<String> = pages
            .iter()
            .filter(|(name, text)| {
                std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str())
            })
            .map(|(name, _)| name.clone())
            .collect();
        if stale.is_empty() {
            return Ok(Outcome::Ok);
        }
        eprintln!(
            "rule pages out of date in {}: {}\nrun `seatbelt rule --generate-docs {}`",
            dir.display(),
            stale.join(", "),
            dir.display()
        );
        return Ok(Outcome::CheckFailed);
    }
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in &pages {
        std::fs::write(dir.join(name), text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", dir.join(name).display()))?;
    }
    Ok(Outcome::Ok)
}
