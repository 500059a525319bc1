//! A scriptable HTTP/1.1 server on loopback for playing hostile or odd registries: every
//! connection gets one request and one answer (which may lie about its length), then is closed.
// Test scaffolding: a broken fixture should panic loudly.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

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

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Claim this Content-Length whatever the body is (`None`: the true length).
    pub declared_length: Option<u64>,
    /// Send no Content-Length at all (the body ends when the connection closes).
    pub no_length: bool,
    /// Close the connection without answering.
    pub hang_up: bool,
}

impl Reply {
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            declared_length: None,
            no_length: false,
            hang_up: false,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running server; its thread lives until the test process ends.
pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts a server on `ip` (any 127.x.y.z), answering with `handler`.
    pub fn start(ip: &str, handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind((ip, 0)).expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = handler.clone();
                let log = thread_log.clone();
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Server { addr, log }
    }

    /// `ip:port`, as a registry name.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    // A TLS ClientHello (the client probing https first): just hang up.
    match reader.fill_buf() {
        Ok(buf) if buf.first() == Some(&0x16) => return,
        Ok([]) => return,
        Err(_) => return,
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
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(len) = find("content-length").and_then(|l| l.parse::<u64>().ok()) {
        if (&mut reader).take(len).read_to_end(&mut body).is_err() {
            return;
        }
    } else if find("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            if reader.read_line(&mut size).is_err() {
                return;
            }
            let Ok(n) = u64::from_str_radix(size.trim(), 16) else {
                return;
            };
            if n == 0 {
                let mut end = String::new();
                let _ = reader.read_line(&mut end);
                break;
            }
            if (&mut reader).take(n).read_to_end(&mut body).is_err() {
                return;
            }
            let mut crlf = String::new();
            let _ = reader.read_line(&mut crlf);
        }
    }
    let request = Request {
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
    let mut out = format!("HTTP/1.1 {} Whatever\r\n", reply.status);
    for (n, v) in &reply.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    if !reply.no_length {
        let len = reply.declared_length.unwrap_or(reply.body.len() as u64);
        out.push_str(&format!("Content-Length: {len}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut stream = stream;
    let _ = stream.write_all(out.as_bytes());
    if request.method != "HEAD" {
        let _ = stream.write_all(&reply.body);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// The distribution spec's JSON error body.
pub fn error_body(code: &str, message: &str) -> String {
    format!(r#"{{"errors":[{{"code":"{code}","message":"{message}"}}]}}"#)
}
