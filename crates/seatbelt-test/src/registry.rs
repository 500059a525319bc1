//! Registries for tests, all on loopback: [`DockerRegistry`] runs the real distribution
//! registry (`/usr/bin/docker-registry`, Debian package `docker-registry`) with a temp storage
//! directory, optionally behind htpasswd or token auth; [`FakeServer`] is a scriptable HTTP/1.1
//! server for playing registries that lie.
// Fixtures fail loudly: a broken fixture is a broken test, not an input to handle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a registry may take to start answering.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// How the registry authenticates clients.
#[derive(Debug, Clone)]
pub enum RegistryAuth {
    /// Anonymous pull and push.
    None,
    /// HTTP Basic against an htpasswd file with this one user.
    Htpasswd {
        /// The user.
        username: String,
        /// The password.
        password: String,
    },
    /// Bearer tokens (JWTs) from `realm`, verified with the certificates in `root_cert_bundle`.
    Token {
        /// The token service URL.
        realm: String,
        /// The service name tokens must be issued for (`aud`).
        service: String,
        /// The issuer tokens must name (`iss`).
        issuer: String,
        /// PEM certificates whose keys sign the tokens.
        root_cert_bundle: PathBuf,
    },
}

/// A running `docker-registry`, killed on drop.
pub struct DockerRegistry {
    child: Child,
    host: String,
    dir: tempfile::TempDir,
}

fn registry_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SEATBELT_DOCKER_REGISTRY") {
        return PathBuf::from(path);
    }
    let default = Path::new("/usr/bin/docker-registry");
    if default.is_file() {
        return default.to_path_buf();
    }
    if let Some(found) = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("docker-registry"))
            .find(|c| c.is_file())
    }) {
        return found;
    }
    panic!(
        "the real-registry tests need the distribution registry: install the `docker-registry` \
         package (`apt-get install docker-registry`), or point SEATBELT_DOCKER_REGISTRY at the binary"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether an HTTP server answers on `host` (any status will do).
fn answers(host: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(host) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(format!("GET /v2/ HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 8];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/")
}

impl DockerRegistry {
    /// Starts an anonymous registry.
    pub fn start() -> DockerRegistry {
        DockerRegistry::start_with(RegistryAuth::None)
    }

    /// Starts a registry with the given authentication.
    pub fn start_with(auth: RegistryAuth) -> DockerRegistry {
        let binary = registry_binary();
        let mut last_log = String::new();
        // The port is chosen before the registry binds it, so another process may win the race.
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let host = format!("127.0.0.1:{port}");
            let config = dir.path().join("config.yml");
            std::fs::write(&config, config_yaml(dir.path(), &host, &auth)).unwrap();
            let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
            let child = Command::new(&binary)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
            let mut registry = DockerRegistry { child, host, dir };
            let deadline = Instant::now() + START_TIMEOUT;
            while Instant::now() < deadline {
                if answers(&registry.host) {
                    return registry;
                }
                if let Ok(Some(_)) = registry.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            last_log = registry.log();
        }
        panic!("docker-registry did not start; its log:\n{last_log}");
    }

    /// `127.0.0.1:PORT`, the registry part of references to it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// What the registry has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }
}

impl Drop for DockerRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config_yaml(dir: &Path, host: &str, auth: &RegistryAuth) -> String {
    let storage = dir.join("storage");
    let mut yaml = format!(
        "version: 0.1\n\
         log:\n  level: info\n  accesslog:\n    disabled: true\n\
         storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
         http:\n  addr: {host}\n  secret: seatbelt-test-secret\n",
        storage.display()
    );
    match auth {
        RegistryAuth::None => {}
        RegistryAuth::Htpasswd { username, password } => {
            let out = Command::new("htpasswd")
                .args(["-Bbn", username, password])
                .output()
                .expect(
                    "htpasswd (package apache2-utils) is needed for the basic-auth registry tests",
                );
            assert!(out.status.success(), "htpasswd failed");
            let file = dir.join("htpasswd");
            std::fs::write(&file, &out.stdout).unwrap();
            yaml.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: seatbelt-test\n    path: {}\n",
                file.display()
            ));
        }
        RegistryAuth::Token {
            realm,
            service,
            issuer,
            root_cert_bundle,
        } => {
            yaml.push_str(&format!(
                "auth:\n  token:\n    realm: {realm}\n    service: {service}\n    issuer: {issuer}\n    rootcertbundle: {}\n",
                root_cert_bundle.display()
            ));
        }
    }
    yaml
}

/// A request as the fake server received it.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    /// `GET`, `PUT`…
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl FakeRequest {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// Every value of query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Vec<String> {
        let Some((_, q)) = self.target.split_once('?') else {
            return Vec::new();
        };
        url::form_urlencoded::parse(q.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }
}

/// An answer from the fake server.
#[derive(Debug, Clone)]
pub struct FakeReply {
    /// The status.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// A Content-Length to claim instead of the body's true length.
    pub declared_length: Option<u64>,
    /// Send no Content-Length at all (the body ends when the connection closes).
    pub no_length: bool,
    /// Close the connection without answering.
    pub hang_up: bool,
}

impl FakeReply {
    /// An empty answer with `status`.
    pub fn new(status: u16) -> FakeReply {
        FakeReply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            declared_length: None,
            no_length: false,
            hang_up: false,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> FakeReply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> FakeReply {
        self.body = body.into();
        self
    }
}

type Handler = dyn Fn(&FakeRequest) -> FakeReply + Send + Sync;

/// A scriptable HTTP/1.1 server: one request per connection, then the connection closes. TLS
/// probes are hung up on, so clients fall back to plain HTTP as they do for loopback registries.
pub struct FakeServer {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<FakeRequest>>>,
}

impl FakeServer {
    /// Starts on `ip` (any 127.x.y.z) with `handler` answering every request.
    pub fn start(
        ip: &str,
        handler: impl Fn(&FakeRequest) -> FakeReply + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                let log = thread_log.clone();
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        FakeServer { addr, log }
    }

    /// `ip:port`.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Requests answered so far.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.log.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<FakeRequest>>) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    match reader.fill_buf() {
        Ok([0x16, ..]) | Ok([]) | Err(_) => return,
        _ => {}
    }
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim_end().is_empty() {
            break;
        }
        if let Some((n, v)) = h.trim_end().split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let Some(body) = read_body(&mut reader, &headers) else {
        return;
    };
    let request = FakeRequest {
        method,
        target,
        headers,
        body,
    };
    let reply = handler(&request);
    log.lock().unwrap().push(request.clone());
    if reply.hang_up {
        let _ = stream.shutdown(std::net::Shutdown::Both);
        return;
    }
    let mut head = format!("HTTP/1.1 {} Fake\r\n", reply.status);
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !reply.no_length {
        let length = reply.declared_length.unwrap_or(reply.body.len() as u64);
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    if request.method != "HEAD" {
        let _ = stream.write_all(&reply.body);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// The request body, by Content-Length or chunked transfer encoding; `None` when the peer broke off.
fn read_body(reader: &mut BufReader<TcpStream>, headers: &[(String, String)]) -> Option<Vec<u8>> {
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let mut body = Vec::new();
    if let Some(length) = find("content-length").and_then(|v| v.parse::<u64>().ok()) {
        reader.take(length).read_to_end(&mut body).ok()?;
    } else if find("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let n = u64::from_str_radix(size.trim(), 16).ok()?;
            let mut crlf = String::new();
            if n == 0 {
                let _ = reader.read_line(&mut crlf);
                break;
            }
            reader.take(n).read_to_end(&mut body).ok()?;
            let _ = reader.read_line(&mut crlf);
        }
    }
    Some(body)
}

/// A token service as the distribution registry's `auth: token` expects
/// (<https://distribution.github.io/distribution/spec/auth/jwt/>): it signs ES256 JWTs with a
/// throwaway key whose self-signed certificate the registry trusts via `rootcertbundle`.
/// With a user configured, requests with that user's Basic credentials get every action they
/// ask for, requests without credentials get a token granting nothing, wrong credentials a 401.
pub struct TokenServer {
    server: FakeServer,
    dir: tempfile::TempDir,
    /// The `service` the registry is configured with.
    pub service: String,
    /// The `iss` the tokens carry.
    pub issuer: String,
}

fn openssl(args: &[&str], dir: &Path) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the token-auth registry test needs the `openssl` command (package openssl)");
    assert!(status.success(), "openssl {args:?} failed");
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl TokenServer {
    /// Starts a token service for `service`, accepting `user` (name and password) if given.
    pub fn start(service: &str, user: Option<(&str, &str)>) -> TokenServer {
        use base64::Engine as _;
        let dir = tempfile::tempdir().unwrap();
        openssl(
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "key.pem",
            ],
            dir.path(),
        );
        openssl(
            &[
                "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out",
                "key.der",
            ],
            dir.path(),
        );
        openssl(
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "key.pem",
                "-subj",
                "/CN=seatbelt-test-token",
                "-days",
                "2",
                "-out",
                "cert.pem",
            ],
            dir.path(),
        );
        openssl(
            &[
                "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der",
            ],
            dir.path(),
        );
        let pkcs8 = std::fs::read(dir.path().join("key.der")).unwrap();
        let cert = std::fs::read(dir.path().join("cert.der")).unwrap();
        let rng = ring::rand::SystemRandom::new();
        let key = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &pkcs8,
            &rng,
        )
        .unwrap();
        let issuer = "seatbelt-test-issuer".to_string();
        let header = serde_json::json!({
            "typ": "JWT",
            "alg": "ES256",
            "x5c": [base64::engine::general_purpose::STANDARD.encode(&cert)],
        });
        let header = b64url(&serde_json::to_vec(&header).unwrap());
        let expected_auth = user.map(|(u, p)| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        });
        let (svc, iss) = (service.to_string(), issuer.clone());
        let server = FakeServer::start("127.0.0.1", move |r| {
            let query: Vec<(String, String)> = r
                .target
                .split_once('?')
                .map(|(_, q)| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default();
            let granted = match (r.header("authorization"), &expected_auth) {
                (None, _) => false,
                (Some(given), Some(expected)) if given == expected => true,
                _ => {
                    return FakeReply::new(401).body(
                        r#"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#,
                    )
                }
            };
            let access: Vec<serde_json::Value> = query
                .iter()
                .filter(|(k, _)| k == "scope")
                .filter_map(|(_, scope)| {
                    let mut parts = scope.splitn(3, ':');
                    let (kind, name, actions) = (parts.next()?, parts.next()?, parts.next()?);
                    let actions: Vec<&str> = if granted {
                        actions.split(',').collect()
                    } else {
                        Vec::new()
                    };
                    Some(serde_json::json!({"type": kind, "name": name, "actions": actions}))
                })
                .collect();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let claims = serde_json::json!({
                "iss": iss,
                "sub": if granted { "user" } else { "" },
                "aud": svc,
                "exp": now + 300,
                "nbf": now - 10,
                "iat": now,
                "jti": format!("{now}-{}", access.len()),
                "access": access,
            });
            let signing_input =
                format!("{header}.{}", b64url(&serde_json::to_vec(&claims).unwrap()));
            let signature = key.sign(&rng, signing_input.as_bytes()).unwrap();
            let token = format!("{signing_input}.{}", b64url(signature.as_ref()));
            FakeReply::new(200)
                .header("Content-Type", "application/json")
                .body(
                    serde_json::to_vec(&serde_json::json!({"token": token, "expires_in": 300}))
                        .unwrap(),
                )
        });
        TokenServer {
            server,
            dir,
            service: service.to_string(),
            issuer,
        }
    }

    /// The token endpoint's URL.
    pub fn realm(&self) -> String {
        format!("http://{}/token", self.server.host())
    }

    /// The certificate bundle the registry must trust.
    pub fn root_cert_bundle(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// The registry auth settings pointing at this service.
    pub fn registry_auth(&self) -> RegistryAuth {
        RegistryAuth::Token {
            realm: self.realm(),
            service: self.service.clone(),
            issuer: self.issuer.clone(),
            root_cert_bundle: self.root_cert_bundle(),
        }
    }

    /// Token requests received so far.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.server.requests()
    }
}
