//! `seatbelt harden` end to end: real Debian images with an app layer on top, hardened, then
//! run from their extracted filesystem in bubblewrap as uid 65532 with a read-only root, every
//! capability dropped and a tmpfs /tmp — the original too, to compare.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use seatbelt_test::debian::{fixture_image, FixtureImage};
use seatbelt_test::layers::{Blob, Layer};
use serde_json::{json, Value};

fn seatbelt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatbelt"))
        .args(args)
        // The layer cache these tests share (not the user's): later tests replay what earlier
        // ones read, which must change nothing.
        .env(
            "SEATBELT_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("harden-cli-cache"),
        )
        .output()
        .expect("the seatbelt binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = seatbelt(args);
    assert!(
        out.status.success(),
        "seatbelt {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON")
}

fn blob_path(layout: &Path, digest: &str) -> PathBuf {
    layout
        .join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

/// A copy of a fixture image with `layer` on top and `runtime` merged into its config, as an
/// OCI layout tagged `app`.
fn app_image(base: FixtureImage, layer: Layer, runtime: Value, out: &Path) -> String {
    let fixture = fixture_image(base);
    let index = read_json(&fixture.join("index.json"));
    let manifest_digest = index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let mut manifest = read_json(&blob_path(&fixture, &manifest_digest));
    let mut config = read_json(&blob_path(
        &fixture,
        manifest["config"]["digest"].as_str().unwrap(),
    ));
    std::fs::create_dir_all(out.join("blobs/sha256")).unwrap();
    std::fs::write(out.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    for l in manifest["layers"].as_array().unwrap() {
        let d = l["digest"].as_str().unwrap();
        std::fs::copy(blob_path(&fixture, d), blob_path(out, d)).unwrap();
    }
    let blob = Blob::new(&layer.finish(), "gzip");
    std::fs::write(blob_path(out, &blob.digest), &blob.bytes).unwrap();
    config["rootfs"]["diff_ids"]
        .as_array_mut()
        .unwrap()
        .push(json!(blob.diff_id));
    for (k, v) in runtime.as_object().unwrap() {
        config["config"][k] = v.clone();
    }
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_digest = seatbelt_test::layers::sha256(&config_bytes);
    std::fs::write(blob_path(out, &config_digest), &config_bytes).unwrap();
    manifest["config"]["digest"] = json!(config_digest);
    manifest["config"]["size"] = json!(config_bytes.len());
    manifest["layers"].as_array_mut().unwrap().push(json!({
        "mediaType": blob.media_type, "digest": blob.digest, "size": blob.bytes.len()
    }));
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap();
    let digest = seatbelt_test::layers::sha256(&manifest_bytes);
    std::fs::write(blob_path(out, &digest), &manifest_bytes).unwrap();
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest,
        "size": manifest_bytes.len(), "annotations": {"org.opencontainers.image.ref.name": "app"}
    }]});
    std::fs::write(out.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    format!("oci-dir:{}:app", out.display())
}

struct Hardened {
    reference: String,
    report: Value,
    seccomp: PathBuf,
    bpf: PathBuf,
}

fn harden(source: &str, dir: &Path, extra: &[&str]) -> Hardened {
    let layout = dir.join("hardened");
    let reference = format!("oci-dir:{}:hardened", layout.display());
    let report = dir.join("report.json");
    let seccomp = dir.join("seccomp.json");
    let k8s = dir.join("pod.yaml");
    let bpf = dir.join("seccomp.bpf");
    let mut args = vec![
        "harden",
        source,
        "-o",
        &reference,
        "--report",
        report.to_str().unwrap(),
        "--report-format",
        "json",
        "--seccomp-out",
        seccomp.to_str().unwrap(),
        "--k8s-out",
        k8s.to_str().unwrap(),
        "--seccomp-bpf",
        bpf.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let stdout = ok(&args);
    assert!(
        stdout.contains("docker run --read-only --user 65532:65532 --cap-drop ALL"),
        "{stdout}"
    );
    let pod = std::fs::read_to_string(&k8s).unwrap();
    assert!(
        pod.contains("runAsNonRoot: true") && pod.contains("drop: [ALL]"),
        "{pod}"
    );
    Hardened {
        reference,
        report: read_json(&report),
        seccomp,
        bpf,
    }
}

fn extract(reference: &str, dir: &Path, name: &str) -> PathBuf {
    let root = dir.join(name);
    ok(&["copy", reference, &format!("dir:{}", root.display())]);
    root
}

/// The image's final entries as `seatbelt files` lists them.
fn files(reference: &str) -> Vec<Value> {
    ok(&["files", reference, "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect()
}

fn deb_packages(reference: &str) -> Vec<String> {
    let sbom: Value = serde_json::from_str(&ok(&["sbom", reference, "--format", "json"])).unwrap();
    let mut names: Vec<String> = sbom["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["purl"]
                .as_str()
                .is_some_and(|u| u.starts_with("pkg:deb/"))
        })
        .map(|p| {
            format!(
                "{} {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            )
        })
        .collect();
    names.sort();
    names
}

/// Runs `argv` from `root` in bubblewrap the way a hardened runtime would: read-only root,
/// `uid`, every capability dropped, a tmpfs /tmp, and with `seccomp` the compiled profile
/// (bwrap reads BPF from a file descriptor; the shell opens the file as fd 10 for it).
fn sandbox(
    root: &Path,
    uid: u32,
    workdir: &str,
    argv: &[String],
    seccomp: Option<&Path>,
) -> Command {
    let mut args: Vec<String> = vec!["--ro-bind".into(), root.display().to_string(), "/".into()];
    let fixed = [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--unshare-all",
        "--share-net",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ];
    args.extend(fixed.iter().map(|s| s.to_string()));
    args.extend([
        "--uid".into(),
        uid.to_string(),
        "--gid".into(),
        uid.to_string(),
    ]);
    args.extend([
        "--chdir".into(),
        if workdir.is_empty() { "/" } else { workdir }.to_string(),
    ]);
    let mut cmd = match seccomp.filter(|_| kernel_has_seccomp()) {
        Some(bpf) => {
            // fd 9: POSIX shells (dash) redirect only single-digit descriptors.
            args.extend(["--seccomp".into(), "9".into()]);
            let mut cmd = Command::new("sh");
            cmd.args(["-c", "exec bwrap \"$@\" 9<\"$SEATBELT_TEST_BPF\"", "sh"]);
            cmd.env("SEATBELT_TEST_BPF", bpf);
            cmd
        }
        None => Command::new("bwrap"),
    };
    cmd.args(&args).arg("--").args(argv);
    cmd
}

/// Whether this kernel applies seccomp filters (some VM kernels are built without
/// CONFIG_SECCOMP_FILTER; there bwrap cannot load any filter, not even allow-all). Where it
/// does not, the compiled program is still checked by [`run_bpf`].
fn kernel_has_seccomp() -> bool {
    static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *HAS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let allow_all = dir.path().join("allow.bpf");
        // One instruction: BPF_RET|BPF_K SECCOMP_RET_ALLOW.
        let mut insn = 0x06u16.to_ne_bytes().to_vec();
        insn.extend_from_slice(&[0, 0]);
        insn.extend_from_slice(&0x7fff_0000u32.to_ne_bytes());
        std::fs::write(&allow_all, insn).unwrap();
        let ok = Command::new("sh")
            .args(["-c", "exec bwrap --ro-bind / / --dev /dev --seccomp 9 -- true 9<\"$0\""])
            .arg(&allow_all)
            .output()
            .is_ok_and(|o| o.status.success());
        // `Seccomp_filters:` is in /proc/self/status only on kernels built with
        // CONFIG_SECCOMP_FILTER (Linux 5.9+): there bwrap failing is the harness's bug (as when
        // the filter was passed on fd 10, which dash cannot redirect), not a missing feature.
        let kernel_filters = std::fs::read_to_string("/proc/self/status")
            .is_ok_and(|s| s.contains("Seccomp_filters:"));
        assert!(
            ok || !kernel_filters,
            "this kernel supports seccomp filters but bwrap could not load one"
        );
        if !ok {
            eprintln!("note: this kernel cannot load seccomp filters; the BPF is checked by emulation only");
        }
        ok
    })
}

/// Runs a classic seccomp BPF program on one `struct seccomp_data` (nr, arch, args) and
/// returns its verdict: a small interpreter of the instructions seccompiler emits (absolute
/// word loads, ALU AND, conditional and unconditional jumps, returns), from the kernel's
/// `Documentation/networking/filter.rst` encoding.
fn run_bpf(program: &[u8], nr: u32, arch: u32, args: [u64; 6]) -> u32 {
    let mut data = nr.to_ne_bytes().to_vec();
    data.extend_from_slice(&arch.to_ne_bytes());
    data.extend_from_slice(&0u64.to_ne_bytes());
    for a in args {
        data.extend_from_slice(&a.to_ne_bytes());
    }
    let insns: Vec<(u16, u8, u8, u32)> = program
        .chunks_exact(8)
        .map(|c| {
            (
                u16::from_ne_bytes([c[0], c[1]]),
                c[2],
                c[3],
                u32::from_ne_bytes([c[4], c[5], c[6], c[7]]),
            )
        })
        .collect();
    let (mut acc, mut pc) = (0u32, 0usize);
    loop {
        let (code, jt, jf, k) = insns[pc];
        pc += 1;
        match code {
            0x20 => {
                let o = k as usize;
                acc = u32::from_ne_bytes(data[o..o + 4].try_into().unwrap());
            }
            0x54 => acc &= k,
            0x05 => pc += k as usize,
            0x15 | 0x25 | 0x35 | 0x45 => {
                let taken = match code {
                    0x15 => acc == k,
                    0x25 => acc > k,
                    0x35 => acc >= k,
                    _ => acc & k != 0,
                };
                pc += usize::from(if taken { jt } else { jf });
            }
            0x06 => return k,
            other => panic!("instruction {other:#x} at {} not interpreted", pc - 1),
        }
    }
}

/// The compiled profile allows what programs use and refuses the rest with EPERM, on this
/// architecture only (x86_64 numbers; AUDIT_ARCH_X86_64 = 0xc000003e, AUDIT_ARCH_I386 =
/// 0x40000003).
fn assert_bpf_verdicts(bpf: &Path) {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let program = std::fs::read(bpf).unwrap();
    assert_eq!(program.len() % 8, 0);
    let x86_64 = 0xc000_003e;
    let (allow, eperm, kill) = (0x7fff_0000, 0x0005_0001, 0x8000_0000);
    // read, write, openat, execve, clone, exit_group, socket, bind, accept4
    for nr in [0, 1, 257, 59, 56, 231, 41, 49, 288] {
        assert_eq!(run_bpf(&program, nr, x86_64, [0; 6]), allow, "syscall {nr}");
    }
    // ptrace (removed: no debugger in the image), uselib, mount, reboot, kexec_load
    for nr in [101, 134, 165, 169, 246] {
        assert_eq!(run_bpf(&program, nr, x86_64, [0; 6]), eperm, "syscall {nr}");
    }
    assert_eq!(run_bpf(&program, 0, 0x4000_0003, [0; 6]), kill, "i386 ABI");
}

/// Where the kernel applies seccomp: system calls the emitted profile leaves out fail with
/// EPERM in the sandbox with the BPF loaded, and not without it. Probed with the image's own
/// python (ctypes), x86_64 numbers: `uselib` (134) is in no runtime's allow-list and without
/// a filter fails with ENOSYS or EFAULT, never EPERM; `ptrace` (101) is what hardening removed.
fn assert_seccomp_applied(root: &Path, bpf: &Path) {
    assert_bpf_verdicts(bpf);
    if !cfg!(target_arch = "x86_64") || !kernel_has_seccomp() {
        return;
    }
    let probe = vec![
        "python3".to_string(),
        "-c".to_string(),
        "import ctypes\nlibc=ctypes.CDLL(None,use_errno=True)\n\
         def call(*a):\n    r=libc.syscall(*a)\n    return (r, ctypes.get_errno() if r<0 else 0)\n\
         print(call(134,0), call(101,0,0,0,0))"
            .to_string(),
    ];
    let run = |bpf: Option<&Path>| -> String {
        let out = sandbox(root, 65532, "/", &probe, bpf)
            .output()
            .expect("bwrap");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(
        run(Some(bpf)),
        "(-1, 1) (-1, 1)",
        "with the compiled profile"
    );
    let without = run(None);
    assert!(
        !without.starts_with("(-1, 1)"),
        "uselib without the profile: {without}"
    );
}

fn argv(reference: &str) -> (Vec<String>, String, String) {
    let inspect: Value =
        serde_json::from_str(&ok(&["inspect", reference, "--format", "json"])).unwrap();
    // `inspect --format json` puts entrypoint, cmd, working_dir and user at the top level.
    let config = &inspect;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let mut argv = strings(&config["entrypoint"]);
    argv.extend(strings(&config["cmd"]));
    (
        argv,
        config["working_dir"].as_str().unwrap_or("").to_string(),
        config["user"].as_str().unwrap_or("").to_string(),
    )
}

/// Checks the hardened image holds no shell, package manager or setuid file (`allowed_shells`
/// names shells the entrypoint needs).
fn assert_hardened(reference: &str, allowed: &[&str]) {
    for entry in files(reference) {
        let path = entry["path"].as_str().unwrap();
        let base = path.rsplit('/').next().unwrap();
        let mode = entry["mode"].as_u64().unwrap();
        assert_eq!(mode & 0o6000, 0, "{path} keeps setuid/setgid ({mode:o})");
        let bin = ["bin/", "sbin/", "usr/bin/", "usr/sbin/"]
            .iter()
            .any(|d| path.strip_prefix(d).is_some_and(|rest| !rest.contains('/')));
        if bin && !allowed.contains(&path) {
            assert!(
                !["sh", "bash", "dash", "apt", "apt-get", "dpkg", "su", "pip", "pip3"]
                    .contains(&base),
                "{path} is still in the hardened image"
            );
        }
        if !["char-device", "block-device", "fifo"]
            .iter()
            .any(|k| entry["kind"] == *k)
            && entry["kind"] != "directory"
            && entry["kind"] != "symlink"
            && !path.starts_with("tmp")
            && path != "var/tmp"
        {
            assert_eq!(mode & 0o002, 0, "{path} is world-writable ({mode:o})");
        }
    }
}

/// A label from `inspect --format json`, which lists labels as `[key, value]` pairs.
fn label<'a>(inspect: &'a Value, key: &str) -> Option<&'a str> {
    inspect["labels"].as_array()?.iter().find_map(|pair| {
        (pair[0].as_str() == Some(key))
            .then(|| pair[1].as_str())
            .flatten()
    })
}

fn audit_rules(reference: &str) -> Vec<(String, String)> {
    let out = seatbelt(&[
        "audit",
        reference,
        "--format",
        "json",
        "--scanners",
        "config,files",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("audit JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `seatbelt audit` finds root user, setuid files, shells and package managers in the source
/// and none of them (but `allowed` rules) in the hardened image.
fn assert_audit_clean(source: &str, hardened: &str, allowed: &[&str]) {
    let before = audit_rules(source);
    let after = audit_rules(hardened);
    for rule in ["SB2001", "SB2010", "SB2012", "SB2013"] {
        assert!(
            before.iter().any(|(r, _)| r == rule),
            "{rule} not found in the source: {before:?}"
        );
        if !allowed.contains(&rule) {
            let left: Vec<_> = after.iter().filter(|(r, _)| r == rule).collect();
            assert!(
                left.is_empty(),
                "{rule} still found after hardening: {left:?}"
            );
        }
    }
}

/// `seatbelt scan` works on the hardened image and finds what it found in the source: the
/// package database was kept. The advisory is a hand-written Debian tracker entry (an open
/// CVE in coreutils, which every Debian image has).
fn assert_scan_unchanged(source: &str, hardened: &str, dir: &Path) {
    let data = dir.join("vulndata");
    std::fs::create_dir_all(&data).unwrap();
    let tracker = json!({"coreutils": {"CVE-2026-19001": {"releases": {"bookworm": {
        "status": "open", "urgency": "low", "repositories": {"bookworm": "9.1-1"}}}}}});
    std::fs::write(data.join("debian-tracker.json"), tracker.to_string()).unwrap();
    let db = dir.join("db");
    seatbelt_vulndb::import(
        &db,
        &[data.join("debian-tracker.json")],
        &seatbelt_vulndb::ImportOptions::default(),
    )
    .expect("import");
    let scan = |reference: &str| -> Vec<String> {
        let out = seatbelt(&[
            "scan",
            "--offline",
            "--db",
            db.to_str().unwrap(),
            "--format",
            "json",
            reference,
        ]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("scan JSON ({e}): {}", String::from_utf8_lossy(&out.stderr))
        });
        let mut ids: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.to_string())
            .collect();
        ids.sort();
        ids
    };
    let (before, after) = (scan(source), scan(hardened));
    assert!(
        before.iter().any(|f| f.contains("CVE-2026-19001")),
        "{before:?}"
    );
    assert_eq!(before, after);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http_get(port: u16, path: &str, deadline: Duration) -> Option<String> {
    let start = Instant::now();
    while start.elapsed() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut body = String::new();
            if s.read_to_string(&mut body).is_ok() && !body.is_empty() {
                return Some(body);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn serve_and_fetch(
    root: &Path,
    workdir: &str,
    argv: &[String],
    port: u16,
    seccomp: Option<&Path>,
) -> String {
    let mut child = sandbox(root, 65532, workdir, argv, seccomp)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bwrap must be installed (scripts/install-deps.sh)");
    let got = http_get(port, "/index.html", Duration::from_secs(20));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    got.unwrap_or_else(|| {
        panic!(
            "no HTTP answer; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_python_web_app_still_serves_after_hardening() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let layer = Layer::new()
        .dir("srv")
        .dir("srv/www")
        .file("srv/www/index.html", b"hello from the hardened app\n");
    let source = app_image(
        FixtureImage::Python,
        layer,
        json!({
            "Entrypoint": ["python3", "-m", "http.server", "--bind", "127.0.0.1"],
            "Cmd": [port.to_string()],
            "WorkingDir": "/srv/www",
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        }),
        &dir.path().join("source"),
    );
    let hardened = harden(&source, dir.path(), &[]);
    let report = &hardened.report;
    assert_eq!(report["user"]["uid"], 65532);
    assert!(report["entrypoint"]["shell"].is_null());
    let removed: Vec<&str> = report["removals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    for gone in [
        "/usr/bin/bash",
        "/usr/bin/dash",
        "/usr/bin/apt-get",
        "/usr/bin/dpkg",
        "/usr/bin/su",
    ] {
        assert!(removed.contains(&gone), "{gone} not removed: {removed:?}");
    }
    assert!(report["entrypoint"]["keep_trees"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.starts_with("usr/lib/python3.")));
    // Every removal carries a reason.
    assert!(report["removals"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["reason"].is_string()));
    assert_hardened(&hardened.reference, &[]);

    // The original layers are reused unchanged: the hardened manifest lists them first.
    let src: Value = serde_json::from_str(&ok(&["inspect", &source, "--format", "json"])).unwrap();
    let out: Value =
        serde_json::from_str(&ok(&["inspect", &hardened.reference, "--format", "json"])).unwrap();
    let layer_digests = |v: &Value| -> Vec<String> {
        v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["digest"].as_str().unwrap().to_string())
            .collect()
    };
    let (before, after) = (layer_digests(&src), layer_digests(&out));
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[..before.len()], before[..]);
    assert_eq!(out["user"], "65532:65532");
    assert_eq!(
        label(&out, "org.opencontainers.image.base.digest"),
        src["manifest_digest"].as_str()
    );
    assert!(label(&out, "dev.seatbelt.hardened").is_some_and(|l| l.starts_with("profile=standard")));

    // The SBOM still lists the same OS packages: the dpkg database was kept.
    assert_eq!(deb_packages(&source), deb_packages(&hardened.reference));

    let original_root = extract(&source, dir.path(), "original-root");
    let hardened_root = extract(&hardened.reference, dir.path(), "hardened-root");
    assert!(!hardened_root.join("usr/bin/bash").exists());
    let (args, workdir, user) = argv(&hardened.reference);
    assert_eq!(user, "65532:65532");
    let bpf = Some(hardened.bpf.as_path());
    let before = serve_and_fetch(&original_root, &workdir, &args, port, bpf);
    let after = serve_and_fetch(&hardened_root, &workdir, &args, port, bpf);
    assert!(before.contains("hello from the hardened app"), "{before}");
    assert!(after.contains("hello from the hardened app"), "{after}");
    assert!(after.starts_with("HTTP/1.0 200"), "{after}");
    let profile = read_json(&hardened.seccomp);
    assert_eq!(profile["defaultAction"], "SCMP_ACT_ERRNO");
    assert_seccomp_applied(&hardened_root, &hardened.bpf);
    assert_audit_clean(&source, &hardened.reference, &[]);
    assert_scan_unchanged(&source, &hardened.reference, dir.path());
    // The report carries the audit before and after.
    let audit = &report["audit"];
    let rules = |side: &str| -> Vec<String> {
        audit[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    for rule in ["SB2001", "SB2010", "SB2012", "SB2013"] {
        assert!(
            rules("before").iter().any(|r| r == rule),
            "{rule} not found before"
        );
        assert!(
            !rules("after").iter().any(|r| r == rule),
            "{rule} still found after"
        );
    }
}

/// The hardened image's manifest digest and the JSON report of `harden SOURCE` with `extra`,
/// written under `dir/name`, and what it said on stderr.
fn harden_once(source: &str, dir: &Path, name: &str, extra: &[&str]) -> (String, Value, String) {
    let layout = dir.join(name);
    let report = dir.join(format!("{name}.json"));
    let output = format!("oci-dir:{}:hardened", layout.display());
    let mut args = vec![
        "harden",
        source,
        "-o",
        &output,
        "--report",
        report.to_str().unwrap(),
        "--report-format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = seatbelt(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "harden {extra:?}: {stderr}");
    let index = read_json(&layout.join("index.json"));
    let digest = index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    (digest, read_json(&report), stderr)
}

#[test]
fn the_layer_cache_changes_nothing_but_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let layer = Layer::new()
        .dir("srv")
        .dir("srv/www")
        .file("srv/www/index.html", b"cached\n");
    let source = app_image(
        FixtureImage::Python,
        layer,
        json!({
            "Entrypoint": ["python3", "-m", "http.server"],
            "WorkingDir": "/srv/www",
        }),
        &dir.path().join("source"),
    );
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let memos = || std::fs::read_dir(&cache).map_or(0, Iterator::count);
    let from_cache = "came from the layer cache";

    let (digest, report, said) =
        harden_once(&source, dir.path(), "cold", &["--cache-dir", cache_arg]);
    assert!(!said.contains(from_cache), "{said}");
    assert_eq!(
        memos(),
        2,
        "one memo per layer: the Debian base and the app"
    );

    let (warm, warm_report, said) =
        harden_once(&source, dir.path(), "warm", &["--cache-dir", cache_arg]);
    assert!(
        said.contains(&format!("the analysis of 2 of 2 layers {from_cache}")),
        "{said}"
    );
    // The report too, reasons included (it once named whichever module the analysis met first).
    assert_eq!(warm, digest);
    assert_eq!(warm_report, report);

    let (uncached, uncached_report, said) =
        harden_once(&source, dir.path(), "none", &["--no-cache"]);
    assert!(!said.contains(from_cache), "{said}");
    assert_eq!(
        (uncached, uncached_report),
        (digest.clone(), report.clone())
    );

    // Other options that change what is held are another analysis, remembered beside.
    let (_, writable, said) = harden_once(
        &source,
        dir.path(),
        "writable",
        &[
            "--cache-dir",
            cache_arg,
            "--writable",
            "/srv/www/index.html",
        ],
    );
    assert!(!said.contains(from_cache), "{said}");
    assert!(writable["changes"]
        .to_string()
        .contains("srv/www/index.html"));
    assert_eq!(memos(), 4);

    // A damaged cache is read around, not trusted.
    for memo in std::fs::read_dir(&cache).unwrap() {
        let path = memo.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
    }
    let (damaged, damaged_report, said) =
        harden_once(&source, dir.path(), "damaged", &["--cache-dir", cache_arg]);
    assert!(!said.contains(from_cache), "{said}");
    assert_eq!((damaged, damaged_report), (digest, report));

    // `seatbelt cache` shows and empties it, touching nothing else in the directory.
    std::fs::write(cache.join("notes.txt"), b"mine").unwrap();
    let info = ok(&["cache", "info", "--cache-dir", cache_arg]);
    assert!(info.contains(": 4 layer memos"), "{info}");
    let cleaned = ok(&["cache", "clean", "--cache-dir", cache_arg]);
    assert!(cleaned.starts_with("removed 4 layer memos"), "{cleaned}");
    let info = ok(&["cache", "info", "--cache-dir", cache_arg]);
    assert!(info.contains(": 0 layer memos"), "{info}");
    assert!(cache.join("notes.txt").exists());
}

#[test]
fn a_layer_analysed_before_is_still_verified_when_reused() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let source = app_image(
        FixtureImage::Minbase,
        Layer::new().dir("app"),
        json!({"Entrypoint": ["/usr/bin/true"], "Cmd": null}),
        &layout,
    );
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let into_same_layout = format!("oci-dir:{}:hardened", layout.display());
    ok(&[
        "harden",
        &source,
        "-o",
        &into_same_layout,
        "--cache-dir",
        cache_arg,
    ]);
    // The base layer's blob rots in place (same size): its analysis is still cached, and the
    // destination already holds a blob of that digest and size, so neither the walk nor the
    // copy would read it.
    let index = read_json(&layout.join("index.json"));
    let digest = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == "app")
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let base = read_json(&blob_path(&layout, &digest))["layers"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let path = blob_path(&layout, &base);
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&path, bytes).unwrap();
    let out = seatbelt(&[
        "harden",
        &source,
        "-o",
        &into_same_layout,
        "--cache-dir",
        cache_arg,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&base), "{stderr}");
}

#[test]
fn a_static_c_binary_still_prints_after_hardening() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hello.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\n#include <unistd.h>\nint main(void){printf(\"static hello uid=%d\\n\", (int)getuid());return 0;}\n",
    )
    .unwrap();
    let bin = dir.path().join("hello");
    let status = Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&bin)
        .arg(&src)
        .status()
        .expect("gcc");
    assert!(status.success());
    let layer =
        Layer::new()
            .dir("app")
            .file_mode("app/hello", &std::fs::read(&bin).unwrap(), 0o755);
    let source = app_image(
        FixtureImage::Minbase,
        layer,
        // A Dockerfile's ENTRYPOINT resets the base image's CMD (here `/bin/sh`).
        json!({"Entrypoint": ["/app/hello"], "Cmd": null, "WorkingDir": "/app"}),
        &dir.path().join("source"),
    );
    let hardened = harden(&source, dir.path(), &["--profile", "strict"]);
    assert_hardened(&hardened.reference, &[]);
    assert_audit_clean(&source, &hardened.reference, &[]);
    assert_bpf_verdicts(&hardened.bpf);
    assert_eq!(deb_packages(&source), deb_packages(&hardened.reference));
    let (args, workdir, _) = argv(&hardened.reference);
    for (name, reference) in [("original", &source), ("hardened", &hardened.reference)] {
        let root = extract(reference, dir.path(), &format!("{name}-root"));
        let out = sandbox(&root, 65532, &workdir, &args, Some(&hardened.bpf))
            .output()
            .expect("bwrap");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "static hello uid=65532\n"
        );
    }
}

#[test]
fn a_shell_script_entrypoint_is_refused_by_strict_and_keeps_its_shell_in_standard() {
    let dir = tempfile::tempdir().unwrap();
    let layer = Layer::new().dir("app").file_mode(
        "app/run.sh",
        b"#!/bin/sh\nset -e\necho \"script ran in $(pwd)\"\n",
        0o755,
    );
    let source = app_image(
        FixtureImage::Minbase,
        layer,
        json!({"Entrypoint": ["/app/run.sh"], "Cmd": null, "WorkingDir": "/app"}),
        &dir.path().join("source"),
    );
    let strict = seatbelt(&[
        "harden",
        &source,
        "-o",
        &format!("oci-dir:{}:x", dir.path().join("strict").display()),
        "--profile",
        "strict",
    ]);
    assert_eq!(strict.status.code(), Some(2));
    let message = String::from_utf8_lossy(&strict.stderr);
    assert!(
        message.contains("/app/run.sh is a shell script"),
        "{message}"
    );
    // Not even the layers copied early while the rewrite was worked out.
    assert!(
        !dir.path().join("strict").exists(),
        "nothing is written when refused"
    );

    let hardened = harden(&source, dir.path(), &[]);
    assert!(hardened.report["entrypoint"]["shell"]
        .as_str()
        .unwrap()
        .contains("/app/run.sh"));
    let root = extract(&hardened.reference, dir.path(), "root");
    assert!(root.join("bin/sh").exists() || root.join("usr/bin/sh").exists());
    assert!(
        !root.join("usr/bin/bash").exists(),
        "shells the script does not use still go"
    );
    assert!(!root.join("usr/bin/apt-get").exists());
    let (args, workdir, _) = argv(&hardened.reference);
    // The kept shell is still a finding, and the only one of its kind.
    assert_audit_clean(&source, &hardened.reference, &["SB2012"]);
    let out = sandbox(&root, 65532, &workdir, &args, Some(&hardened.bpf))
        .output()
        .expect("bwrap");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "script ran in /app\n");
}

#[test]
fn secrets_in_env_are_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let layer = Layer::new().dir("app");
    let source = app_image(
        FixtureImage::Minbase,
        layer,
        json!({"Entrypoint": ["/usr/bin/true"], "Cmd": null, "Env": ["DB_PASSWORD=hunter2"]}),
        &dir.path().join("source"),
    );
    let out = seatbelt(&[
        "harden",
        &source,
        "-o",
        &format!("oci-dir:{}:x", dir.path().join("o").display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DB_PASSWORD"));
    assert!(
        !dir.path().join("o").exists(),
        "nothing is written when refused"
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = seatbelt(&[
        "harden",
        &source,
        "-o",
        &format!("oci-dir:{}:x", empty.display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "still empty");
    ok(&[
        "harden",
        &source,
        "-o",
        &format!("oci-dir:{}:x", dir.path().join("o").display()),
        "--allow-env",
    ]);
}

#[test]
fn the_hardened_image_goes_through_a_registry_and_skopeo_reads_it() {
    use seatbelt_test::registry::DockerRegistry;
    let dir = tempfile::tempdir().unwrap();
    let layer = Layer::new().dir("app");
    let source = app_image(
        FixtureImage::Minbase,
        layer,
        json!({"Entrypoint": ["/usr/bin/true"], "Cmd": null}),
        &dir.path().join("source"),
    );
    let registry = DockerRegistry::start();
    let remote = format!("{}/hardened/minbase:1", registry.host());
    ok(&["harden", &source, "-o", &remote]);
    let out = Command::new("skopeo")
        .args([
            "inspect",
            "--tls-verify=false",
            &format!("docker://{remote}"),
        ])
        .output()
        .expect("skopeo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inspected: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        inspected["Labels"]["dev.seatbelt.hardened"]
            .as_str()
            .map(|s| s.starts_with("profile=standard")),
        Some(true)
    );
    let back = dir.path().join("pulled");
    ok(&[
        "copy",
        &format!("registry:{remote}"),
        &format!("oci-dir:{}:p", back.display()),
    ]);
    assert_hardened(&format!("oci-dir:{}:p", back.display()), &[]);
}
