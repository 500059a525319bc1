//! How the client connects and authenticates.

use std::fmt;
use std::path::PathBuf;

/// A user name and password (or token). `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password or identity token.
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Options for a registry client.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Hosts (`host[:port]`) that may be reached over plain HTTP (loopback always may).
    pub insecure_registries: Vec<String>,
    /// Credentials given on the command line; they win over the Docker config.
    pub credentials: Option<Credentials>,
    /// The Docker config to read credentials from (default `$DOCKER_CONFIG/config.json` or
    /// `~/.docker/config.json`).
    pub docker_config: Option<PathBuf>,
}
