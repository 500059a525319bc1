//! Running programs from tests: the seatbelt binary and the independent tools it is compared with.

use std::process::{Command, Output};

/// Runs `program` with `args` (colour off), panicking only when it cannot be started.
pub fn run(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Output {
    let program = program.as_ref();
    Command::new(program)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{} cannot be started: {e}", program.to_string_lossy()))
}

/// The standard output of a command that must have succeeded; on failure, panics with its exit
/// status and both outputs so the test log says what went wrong.
pub fn succeeded(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `program` (seatbelt or cosign) in `dir` as the signing tests need it: the key password
/// only in `COSIGN_PASSWORD` (so seatbelt's fallback to cosign's variable is exercised), no
/// `SOURCE_DATE_EPOCH` from the caller's shell, and `HOME` and `TUF_ROOT` inside `dir` so cosign
/// never reaches the public Sigstore services. `env` is applied last.
pub fn run_isolated(
    program: &std::path::Path,
    args: &[&str],
    dir: &std::path::Path,
    password: &str,
    env: &[(&str, &str)],
) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("COSIGN_PASSWORD", password)
        .env_remove("SEATBELT_PASSWORD")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("TUF_ROOT", dir.join("tuf"))
        .env("HOME", dir)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}
