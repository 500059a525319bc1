//! Finding credentials for a registry the way the Docker CLI stores them: `auths` entries in
//! `config.json` (base64 `auth`, or `username`/`password`, or an `identitytoken`), and credential
//! helpers (`credHelpers` per registry, `credsStore` for all) run as `docker-credential-NAME get`.
//! Format: <https://github.com/docker/cli/blob/master/man/docker-config-json.5.md>,
//! helper protocol: <https://github.com/docker/docker-credential-helpers>.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;

use crate::{Credentials, RegistryError, DOCKER_HUB};

/// The key Docker stores Docker Hub credentials under.
const DOCKER_HUB_CONFIG_KEY: &str = "https://index.docker.io/v1/";
/// The largest Docker config read (real ones are a few KiB).
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The most a credential helper may print.
const MAX_HELPER_OUTPUT: u64 = 64 * 1024;

/// A secret for one registry.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Secret {
    /// A user name and password, sent as Basic auth to the registry or its token service.
    Basic(Credentials),
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the token service.
    IdentityToken(String),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Basic(c) => write!(f, "Basic({c:?})"),
            Secret::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
}

/// Where the Docker config lives when not given: `$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`.
pub(crate) fn default_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".docker").join("config.json"))
}

/// Reduces a config key (`https://index.docker.io/v1/`, `ghcr.io`, `http://host:5000/x`) to the
/// registry it names, as [`crate::Reference::registry`] spells it.
fn normalise_key(key: &str) -> String {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = key
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.docker.io" => DOCKER_HUB.to_string(),
        _ => host,
    }
}

/// What a credential helper is told the server is.
fn helper_server_url(registry: &str) -> String {
    if registry == DOCKER_HUB {
        DOCKER_HUB_CONFIG_KEY.to_string()
    } else {
        registry.to_string()
    }
}

/// Looks up credentials for `registry` in the Docker config at `path` (absent file: none).
/// `helper_path` is where helpers are searched (default `$PATH`); tests inject a directory.
pub(crate) fn lookup(
    registry: &str,
    path: &Path,
    helper_path: Option<&OsString>,
) -> Result<Option<Secret>, RegistryError> {
    let cred_err = |reason: String| RegistryError::Credentials {
        registry: registry.to_string(),
        from: path.display().to_string(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cred_err(e.to_string())),
    };
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cred_err(e.to_string()))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(cred_err(format!(
            "the file is larger than {MAX_CONFIG_BYTES} bytes"
        )));
    }
    let config: DockerConfig = serde_json::from_slice(&bytes)
        .map_err(|e| cred_err(format!("it is not a valid Docker config: {e}")))?;

    let helper = config
        .cred_helpers
        .iter()
        .find(|(k, _)| normalise_key(k) == registry)
        .map(|(_, v)| v.clone())
        .or_else(|| config.creds_store.clone())
        .filter(|h| !h.is_empty());
    if let Some(helper) = helper {
        if let Some(secret) = run_helper(&helper, registry, helper_path)? {
            return Ok(Some(secret));
        }
    }

    // Prefer an exact key, then any key naming the same registry (`https://ghcr.io` vs `ghcr.io`).
    let entry = config.auths.get(registry).or_else(|| {
        config
            .auths
            .iter()
            .find(|(k, _)| normalise_key(k) == registry)
            .map(|(_, v)| v)
    });
    let Some(entry) = entry else {
        return Ok(None);
    };
    if let Some(token) = entry.identitytoken.as_ref().filter(|t| !t.is_empty()) {
        return Ok(Some(Secret::IdentityToken(token.clone())));
    }
    if let Some(auth) = entry.auth.as_ref().filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .map_err(|_| cred_err(format!("the `auth` entry for {registry} is not base64")))?;
        let decoded = String::from_utf8(decoded)
            .map_err(|_| cred_err(format!("the `auth` entry for {registry} is not UTF-8")))?;
        let Some((username, password)) = decoded.split_once(':') else {
            return Err(cred_err(format!(
                "the `auth` entry for {registry} is not `user:password`"
            )));
        };
        return Ok(Some(Secret::Basic(Credentials {
            username: username.to_string(),
            password: password.to_string(),
        })));
    }
    match (&entry.username, &entry.password) {
        (Some(u), Some(p)) if !u.is_empty() => Ok(Some(Secret::Basic(Credentials {
            username: u.clone(),
            password: p.clone(),
        }))),
        _ => Ok(None),
    }
}

fn find_executable(name: &str, search: Option<&OsString>) -> Option<PathBuf> {
    let path = search.cloned().or_else(|| std::env::var_os("PATH"))?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Runs `docker-credential-NAME get`; "credentials not found" means none.
fn run_helper(
    name: &str,
    registry: &str,
    helper_path: Option<&OsString>,
) -> Result<Option<Secret>, RegistryError> {
    let program = format!("docker-credential-{name}");
    let helper_err = |reason: String| RegistryError::Credentials {
        registry: registry.to_string(),
        from: program.clone(),
        reason,
    };
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(helper_err(
            "the helper name is not a plain name".to_string(),
        ));
    }
    let Some(executable) = find_executable(&program, helper_path) else {
        return Err(helper_err(format!(
            "`{program}` is not on PATH; install it or remove it from the Docker config"
        )));
    };
    let mut child = Command::new(&executable)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| helper_err(format!("cannot run it: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading stdin is fine; its exit status tells.
        let _ = stdin.write_all(helper_server_url(registry).as_bytes());
    }
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        out.take(MAX_HELPER_OUTPUT)
            .read_to_end(&mut stdout)
            .map_err(|e| helper_err(format!("cannot read its output: {e}")))?;
    }
    let mut stderr = Vec::new();
    if let Some(err) = child.stderr.take() {
        let _ = err.take(MAX_HELPER_OUTPUT).read_to_end(&mut stderr);
    }
    let status = child
        .wait()
        .map_err(|e| helper_err(format!("cannot wait for it: {e}")))?;
    if !status.success() {
        let message = String::from_utf8_lossy(if stdout.is_empty() { &stderr } else { &stdout });
        if message
            .to_ascii_lowercase()
            .contains("credentials not found")
        {
            return Ok(None);
        }
        let message: String = message
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return Err(helper_err(format!("it failed ({status}): {message}")));
    }
    #[derive(serde::Deserialize)]
    struct HelperOutput {
        #[serde(rename = "Username", default)]
        username: String,
        #[serde(rename = "Secret", default)]
        secret: String,
    }
    let parsed: HelperOutput = serde_json::from_slice(&stdout).map_err(|_| {
        helper_err(
            "its output is not the {\"Username\",\"Secret\"} JSON the protocol defines".to_string(),
        )
    })?;
    if parsed.secret.is_empty() {
        return Ok(None);
    }
    // Helpers report identity tokens with this placeholder user name (docker/cli `TokenUsername`).
    if parsed.username == "<token>" {
        return Ok(Some(Secret::IdentityToken(parsed.secret)));
    }
    Ok(Some(Secret::Basic(Credentials {
        username: parsed.username,
        password: parsed.secret,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn basic(u: &str, p: &str) -> Option<Secret> {
        Some(Secret::Basic(Credentials {
            username: u.to_string(),
            password: p.to_string(),
        }))
    }

    fn write_config(dir: &Path, json: &str) -> PathBuf {
        let path = dir.join("config.json");
        std::fs::write(&path, json).unwrap();
        path
    }

    #[test]
    fn auths_entries_in_every_form() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("alice:pa:ss");
        let path = write_config(
            dir.path(),
            &format!(
                r#"{{"auths":{{
                "https://index.docker.io/v1/":{{"auth":"{auth}"}},
                "https://ghcr.io":{{"username":"bob","password":"pw"}},
                "quay.io":{{"identitytoken":"refresh-me"}},
                "127.0.0.1:5000":{{}}
            }}}}"#
            ),
        );
        assert_eq!(
            lookup("docker.io", &path, None).unwrap(),
            basic("alice", "pa:ss")
        );
        assert_eq!(lookup("ghcr.io", &path, None).unwrap(), basic("bob", "pw"));
        assert_eq!(
            lookup("quay.io", &path, None).unwrap(),
            Some(Secret::IdentityToken("refresh-me".into()))
        );
        assert_eq!(lookup("127.0.0.1:5000", &path, None).unwrap(), None);
        assert_eq!(lookup("example.com", &path, None).unwrap(), None);
        assert_eq!(
            lookup("x", &dir.path().join("absent.json"), None).unwrap(),
            None
        );
    }

    #[test]
    fn malformed_configs_are_named_errors_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "{not json");
        let err = lookup("ghcr.io", &path, None).unwrap_err().to_string();
        assert!(err.contains("config.json"), "{err}");
        let path = write_config(dir.path(), r#"{"auths":{"ghcr.io":{"auth":"c2VjcmV0"}}}"#);
        let err = lookup("ghcr.io", &path, None).unwrap_err().to_string();
        assert!(
            err.contains("user:password") && !err.contains("secret"),
            "{err}"
        );
    }

    fn fake_helper(dir: &Path, name: &str, script: &str) {
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn credential_helpers_per_registry_and_store() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        // The helper echoes the server URL it was given as the user name, proving the protocol.
        fake_helper(
            &bin,
            "test",
            r#"read url; [ "$1" = get ] || exit 3; printf '{"ServerURL":"%s","Username":"%s","Secret":"s3cret"}' "$url" "$url""#,
        );
        fake_helper(
            &bin,
            "store",
            r#"read url; case "$url" in *index.docker.io*) printf '{"Username":"<token>","Secret":"idt"}';; *) echo "credentials not found in native keychain"; exit 1;; esac"#,
        );
        fake_helper(&bin, "broken", "echo 'boom' >&2; exit 2");
        let path = write_config(
            dir.path(),
            r#"{"credHelpers":{"registry.example":"test","broken.example":"broken","gone.example":"missing"},
                "credsStore":"store",
                "auths":{"fallback.example":{"username":"u","password":"p"}}}"#,
        );
        let search = OsString::from(&bin);
        assert_eq!(
            lookup("registry.example", &path, Some(&search)).unwrap(),
            basic("registry.example", "s3cret")
        );
        assert_eq!(
            lookup("docker.io", &path, Some(&search)).unwrap(),
            Some(Secret::IdentityToken("idt".into()))
        );
        // Not found in the store: the auths entry, else anonymous.
        assert_eq!(
            lookup("fallback.example", &path, Some(&search)).unwrap(),
            basic("u", "p")
        );
        assert_eq!(lookup("other.example", &path, Some(&search)).unwrap(), None);
        let err = lookup("broken.example", &path, Some(&search))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("docker-credential-broken") && err.contains("boom"),
            "{err}"
        );
        let err = lookup("gone.example", &path, Some(&search))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not on PATH"), "{err}");
    }

    #[test]
    fn keys_normalise_to_registries() {
        assert_eq!(normalise_key("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(normalise_key("http://Host:5000/path"), "host:5000");
        assert_eq!(normalise_key("ghcr.io"), "ghcr.io");
    }
}
