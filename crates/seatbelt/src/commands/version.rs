//! `seatbelt version compare|satisfies`: the version rules the scanner uses, one question at a
//! time, so a user can see why a package is (or is not) flagged.

use seatbelt_version::{Scheme, VersionError};

use crate::args::VersionCommand;
use crate::output::print;
use crate::Outcome;

pub(crate) fn run(command: &VersionCommand) -> miette::Result<Outcome> {
    let answer = match command {
        VersionCommand::Compare { scheme, a, b } => {
            let ordering = scheme_of(scheme)?.compare(a, b).map_err(report)?;
            (ordering as i8).to_string()
        }
        VersionCommand::Satisfies {
            scheme,
            candidate,
            range,
        } => scheme_of(scheme)?
            .satisfies(candidate, range)
            .map_err(report)?
            .to_string(),
    };
    print(&format!("{answer}\n"))?;
    Ok(Outcome::Ok)
}

fn scheme_of(name: &str) -> miette::Result<Scheme> {
    // clap has already checked the name against the list; this only converts it.
    name.parse::<Scheme>().map_err(|e| miette::miette!("{e}"))
}

/// One line saying what is wrong with which text, and the expected shape as help.
fn report(err: VersionError) -> miette::Report {
    match err {
        VersionError::InvalidVersion {
            scheme,
            version,
            reason,
            expected,
        } => miette::miette!(
            help = format!("a {scheme} version looks like {expected}"),
            "invalid {scheme} version {version:?}: {reason}"
        ),
        VersionError::InvalidRange {
            scheme,
            range,
            reason,
            expected,
        } => miette::miette!(
            help = format!("a {scheme} range is {expected}"),
            "invalid {scheme} range {range:?}: {reason}"
        ),
        other => miette::miette!("{other}"),
    }
}
