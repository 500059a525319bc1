//! `seatbelt key generate|import`: key pairs in cosign's formats, and the password handling
//! every signing command shares.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use miette::{Context, IntoDiagnostic};
use seatbelt_sign::keys::read_key_file;
use seatbelt_sign::{PrivateKey, SignError};
use zeroize::Zeroizing;

use crate::args::{KeyCommand, KeyGenerateArgs, KeyImportArgs};
use crate::Outcome;

/// The environment variables a password is taken from, seatbelt's first (cosign's for teams
/// that already set it).
const PASSWORD_VARIABLES: [&str; 2] = ["SEATBELT_PASSWORD", "COSIGN_PASSWORD"];

pub(crate) fn run(command: &KeyCommand) -> miette::Result<Outcome> {
    match command {
        KeyCommand::Generate(args) => generate(args),
        KeyCommand::Import(args) => import(args),
    }
}

/// The password from the environment, or else asked on the terminal (twice when `confirm`).
pub(crate) fn password(what: &str, confirm: bool) -> Result<Zeroizing<String>, SignError> {
    for name in PASSWORD_VARIABLES {
        if let Ok(value) = std::env::var(name) {
            return Ok(Zeroizing::new(value));
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(SignError::Password {
            what: what.to_string(),
            reason: "standard input is not a terminal; set SEATBELT_PASSWORD (or COSIGN_PASSWORD)"
                .to_string(),
        });
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| SignError::Password {
            what: what.to_string(),
            reason: format!("cannot read it from the terminal: {e}"),
        })
    };
    let first = Zeroizing::new(ask(&format!("Password for {what}: "))?);
    if confirm {
        let second = Zeroizing::new(ask("Password again: ")?);
        if first != second {
            return Err(SignError::Password {
                what: what.to_string(),
                reason: "the two passwords differ".to_string(),
            });
        }
    }
    Ok(first)
}

/// Loads a private key, asking for the password only if it is encrypted.
pub(crate) fn load_private_key(path: &Path) -> miette::Result<PrivateKey> {
    let what = path.display().to_string();
    let bytes = read_key_file(path).into_diagnostic()?;
    PrivateKey::from_pem(&bytes, &what, &|| password(&what, false)).into_diagnostic()
}

fn with_extension(prefix: &Path, extension: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// Writes the pair, refusing to overwrite an existing private key.
fn write_pair(key: &PrivateKey, prefix: &Path) -> miette::Result<Outcome> {
    let private_path = with_extension(prefix, "key");
    let public_path = with_extension(prefix, "pub");
    let what = private_path.display().to_string();
    let password = password(&what, true).into_diagnostic()?;
    let private_pem = key
        .to_encrypted_pem(password.as_bytes())
        .into_diagnostic()?;
    let public_pem = key.public_key().to_pem().into_diagnostic()?;
    write_new(&private_path, private_pem.as_bytes(), 0o600)?;
    write_new(&public_path, public_pem.as_bytes(), 0o644)?;
    eprintln!(
        "Private key written to {}\nPublic key written to {}",
        private_path.display(),
        public_path.display()
    );
    Ok(Outcome::Ok)
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> miette::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .into_diagnostic()
        .wrap_err_with(|| {
            format!(
                "cannot create {} (it must not exist yet; pick another --output-prefix)",
                path.display()
            )
        })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}

fn generate(args: &KeyGenerateArgs) -> miette::Result<Outcome> {
    write_pair(&PrivateKey::generate(), &args.output_prefix)
}

fn import(args: &KeyImportArgs) -> miette::Result<Outcome> {
    let key = load_private_key(&args.key)?;
    write_pair(&key, &args.output_prefix)
}
