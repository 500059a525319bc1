//! The `seatbelt` command line: parses arguments, runs one subcommand, and owns presentation and
//! exit codes (0 ok, 1 a check failed, 2 an error; a closed output pipe counts as success).

mod args;
mod commands;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;

/// How a command that did not fail ended.
pub(crate) enum Outcome {
    /// All good.
    Ok,
    /// The command ran, and a check it makes failed (exit 1).
    #[allow(dead_code, reason = "policy commands (scan --fail-on, verify) use it")]
    CheckFailed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.quiet, cli.verbose);
    match commands::run(&cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::CheckFailed) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err:?}");
            ExitCode::from(2)
        }
    }
}

/// Warnings go to stderr by default; `-q` keeps only errors, `-v`/`-vv` add info/debug.
fn init_logging(quiet: bool, verbose: u8) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SEATBELT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .init();
}

fn is_broken_pipe(err: &miette::Report) -> bool {
    err.downcast_ref::<output::BrokenPipe>().is_some()
}
