//! Go binaries: the build info the linker embeds (the `.go.buildinfo` section, or the
//! `\xff Go buildinf:` blob wherever it lies): toolchain, main module, dependencies with
//! versions and sums, replacements and build settings, as `go version -m` prints them.
//!
//! Layout (Go 1.18+, `debug/buildinfo`): 14-byte magic, pointer size, flags; with flag bit 2
//! set, two varint-length-prefixed strings follow at offset 32: the runtime version and the
//! module info, which sits between two 16-byte sentinels. Older binaries (Go 1.13–1.17)
//! store the addresses of those strings instead, resolved through the ELF's sections; in a
//! file too large to read whole they cannot be, and become unknowns.

use std::collections::BTreeMap;
use std::sync::Arc;

use object::{Object, ObjectSection};
use seatbelt_types::{Ecosystem, Location, Package, Purl, Unknown};

use super::executables;
use crate::cataloger::{CatalogContext, CatalogOutput, Cataloger, FoundFile, WantsPath};

const NAME: &str = "go-binary";
const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER_LEN: usize = 32;
const FLAG_VERSION_INLINE: u8 = 0x2;
/// The linker's note at the start of every Go binary's text: tells a Go binary whose build
/// info lies beyond the read limit from a binary that is not Go.
const BUILD_ID_NOTE: &[u8] = b"\xff Go build ID: \"";
/// Build settings worth keeping on the package (the rest are compiler flags).
const KEPT_SETTINGS: &[&str] = &["GOOS", "GOARCH", "vcs.revision"];

/// A module as build info records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoModule {
    /// Module path.
    pub path: String,
    /// Version (`(devel)` for the main module built from a checkout).
    pub version: String,
    /// `h1:` sum, when recorded.
    pub sum: String,
    /// The replacement (`=>` line), when the module was replaced.
    pub replace: Option<Box<GoModule>>,
}

/// Everything a Go binary's build info says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoBuildInfo {
    /// Toolchain (`go1.19.8`).
    pub go_version: String,
    /// Main package path.
    pub path: String,
    /// Main module, absent for binaries built outside module mode (as Debian builds them).
    pub main: Option<GoModule>,
    /// Dependencies, in recorded order.
    pub deps: Vec<GoModule>,
    /// Build settings as written after `build\t` (`GOOS=linux`, `-ldflags="-s -w"`).
    pub settings: Vec<String>,
}

/// Reads a Go binary's build info. `Ok(None)`: no build info (not a Go binary).
pub fn parse_buildinfo(binary: &[u8]) -> Result<Option<GoBuildInfo>, String> {
    if let Ok(file) = object::File::parse(binary) {
        return match file.section_by_name(".go.buildinfo") {
            Some(section) => {
                let data = section
                    .data()
                    .map_err(|e| format!("unreadable .go.buildinfo section: {e}"))?;
                let memory = |address: u64, size: u64| read_memory(&file, address, size);
                parse_blob(data, Some(&memory)).map(Some)
            }
            // An intact object file without the section is not a Go binary; no need to scan.
            None => Ok(None),
        };
    }
    // Truncated or unusual files: the blob is 16-byte aligned in memory, and segments keep
    // file offsets congruent to addresses modulo the page size, so it is aligned in the file.
    let mut last_error = None;
    for offset in (0..binary.len()).step_by(16) {
        if binary[offset..].starts_with(MAGIC) {
            match parse_blob(&binary[offset..], None) {
                Ok(info) => return Ok(Some(info)),
                Err(e) => last_error = Some(e),
            }
        }
    }
    last_error.map_or(Ok(None), Err)
}

/// Go's `binary.Uvarint`: at most 10 bytes.
fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in data.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn inline_string(data: &[u8]) -> Option<(&[u8], usize)> {
    let (len, used) = uvarint(data)?;
    let len = usize::try_from(len).ok()?;
    let end = used.checked_add(len)?;
    Some((data.get(used..end)?, end))
}

/// Reads `size` bytes at virtual `address` from the allocated section holding them.
fn read_memory<'d>(file: &object::File<'d>, address: u64, size: u64) -> Option<&'d [u8]> {
    file.sections()
        .filter(|s| s.address() <= address && address < s.address().saturating_add(s.size()))
        .find_map(|s| s.data_range(address, size).ok().flatten())
}

/// Reads a program's memory by virtual address (pointer-format build info needs it).
type Memory<'a, 'd> = &'a dyn Fn(u64, u64) -> Option<&'d [u8]>;

/// A Go string header `{ptr, len}` at `address`, and the bytes it points to.
fn pointed_string<'d>(
    memory: Memory<'_, 'd>,
    address: u64,
    read_ptr: &dyn Fn(&[u8]) -> Option<u64>,
    ptr_size: u64,
) -> Option<&'d [u8]> {
    let header = memory(address, 2 * ptr_size)?;
    let data = read_ptr(header)?;
    let len = read_ptr(header.get(usize::try_from(ptr_size).ok()?..)?)?;
    // Go's own reader gives up on strings over 4 GiB; anything near that is not build info.
    if len > 1 << 32 {
        return None;
    }
    memory(data, len)
}

/// Go 1.13–1.17: the header holds addresses of the version and module-info string headers.
fn pointer_strings<'d>(
    data: &[u8],
    memory: Memory<'_, 'd>,
) -> Result<(&'d [u8], &'d [u8]), String> {
    let ptr_size = data[14];
    let big_endian = data[15] & 1 != 0;
    if ptr_size != 4 && ptr_size != 8 {
        return Err(format!("build info declares a pointer size of {ptr_size}"));
    }
    let read_ptr = move |b: &[u8]| -> Option<u64> {
        Some(match (ptr_size, big_endian) {
            (4, false) => u64::from(u32::from_le_bytes(b.get(..4)?.try_into().ok()?)),
            (4, true) => u64::from(u32::from_be_bytes(b.get(..4)?.try_into().ok()?)),
            (_, false) => u64::from_le_bytes(b.get(..8)?.try_into().ok()?),
            (_, true) => u64::from_be_bytes(b.get(..8)?.try_into().ok()?),
        })
    };
    let size = u64::from(ptr_size);
    let version_at = read_ptr(&data[16..]).ok_or("build info header is cut short")?;
    let modinfo_at =
        read_ptr(&data[16 + usize::from(ptr_size)..]).ok_or("build info header is cut short")?;
    let version = pointed_string(memory, version_at, &read_ptr, size)
        .ok_or("the Go version string lies outside the binary's data")?;
    let modinfo = pointed_string(memory, modinfo_at, &read_ptr, size)
        .ok_or("the module info string lies outside the binary's data")?;
    Ok((version, modinfo))
}

fn parse_blob(data: &[u8], memory: Option<Memory<'_, '_>>) -> Result<GoBuildInfo, String> {
    if data.len() < HEADER_LEN || !data.starts_with(MAGIC) {
        return Err("the build info header is cut short".into());
    }
    let flags = data[15];
    let (version, modinfo) = if flags & FLAG_VERSION_INLINE != 0 {
        let rest = &data[HEADER_LEN..];
        let (version, used) =
            inline_string(rest).ok_or("the Go version string runs past the build info")?;
        let (modinfo, _) = rest
            .get(used..)
            .and_then(inline_string)
            .ok_or("the module info string runs past the build info")?;
        (version, modinfo)
    } else {
        let memory = memory.ok_or(
            "build info in the pre-Go 1.18 pointer format, in a file too large or damaged to map its sections",
        )?;
        pointer_strings(data, memory)?
    };
    let go_version = String::from_utf8_lossy(version).into_owned();
    if go_version.is_empty() {
        return Err("the build info has an empty Go version".into());
    }
    // Between the sentinels (Go checks only the newline before the closing one).
    let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        &[][..]
    };
    let mut info = parse_modinfo(&String::from_utf8_lossy(modinfo))?;
    info.go_version = go_version;
    Ok(info)
}

fn module(fields: &str) -> GoModule {
    let mut parts = fields.split('\t');
    GoModule {
        path: parts.next().unwrap_or_default().to_string(),
        version: parts.next().unwrap_or_default().to_string(),
        sum: parts.next().unwrap_or_default().to_string(),
        replace: None,
    }
}

/// The module info text (`runtime/debug.ParseBuildInfo`'s input).
fn parse_modinfo(text: &str) -> Result<GoBuildInfo, String> {
    let mut info = GoBuildInfo::default();
    for (n, line) in text.lines().enumerate() {
        let Some((word, rest)) = line.split_once('\t') else {
            if line.is_empty() {
                continue;
            }
            return Err(format!("module info line {} has no tab: {line:?}", n + 1));
        };
        match word {
            "path" => info.path = rest.to_string(),
            "mod" => info.main = Some(module(rest)),
            "dep" => info.deps.push(module(rest)),
            "=>" => {
                let target = match info.deps.last_mut() {
                    Some(dep) => dep,
                    None => info
                        .main
                        .as_mut()
                        .ok_or(format!("module info line {}: `=>` replaces nothing", n + 1))?,
                };
                target.replace = Some(Box::new(module(rest)));
            }
            "build" => info.settings.push(rest.to_string()),
            // Newer toolchains may add words; what is known is still right.
            _ => {}
        }
    }
    Ok(info)
}

/// `pkg:golang/<namespace>/<name>`: the module path split at its last `/`.
fn purl(path: &str, version: &str) -> Purl {
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, path),
    };
    Purl::new(
        "golang",
        namespace,
        name,
        Some(version).filter(|v| !v.is_empty()),
    )
}

/// `go1.21.0 X:loopvar` → `1.21.0`; unusual versions (`devel …`) are kept as written.
fn stdlib_version(go_version: &str) -> String {
    let first = go_version.split_whitespace().next().unwrap_or(go_version);
    first.strip_prefix("go").unwrap_or(go_version).to_string()
}

fn package(name: &str, version: &str, location: &Location) -> Package {
    Package {
        id: String::new(),
        name: name.to_string(),
        version: version.to_string(),
        ecosystem: Ecosystem::Go,
        purl: purl(name, version),
        arch: None,
        source: None,
        licenses: Vec::new(),
        locations: vec![location.clone()],
        files: Vec::new(),
        dependencies: Vec::new(),
        cpes: Vec::new(),
        cataloger: NAME.into(),
        metadata: BTreeMap::new(),
    }
}

/// A replacement by a local directory (`=> ../lib`, recorded with version `(devel)` or none).
fn is_local(m: &GoModule) -> bool {
    m.version.is_empty() || m.version == "(devel)" || m.path.starts_with(['.', '/'])
}

/// A dependency as it went into the binary: a replacement by another module applies in full;
/// one by a local directory keeps the original's identity and notes the directory.
fn module_package(m: &GoModule, location: &Location) -> Package {
    let mut p;
    match &m.replace {
        Some(r) if !is_local(r) => {
            p = package(&r.path, &r.version, location);
            p.metadata
                .insert("go.replaces".into(), format!("{}@{}", m.path, m.version));
            if !r.sum.is_empty() {
                p.metadata.insert("go.sum".into(), r.sum.clone());
            }
        }
        other => {
            p = package(&m.path, &m.version, location);
            if !m.sum.is_empty() {
                p.metadata.insert("go.sum".into(), m.sum.clone());
            }
            if let Some(r) = other {
                p.metadata.insert("go.replace".into(), r.path.clone());
            }
        }
    }
    p
}

/// The packages one binary holds: stdlib, main module (if built in module mode) and deps.
fn packages(info: &GoBuildInfo, location: &Location) -> Vec<Package> {
    let mut stdlib = package("stdlib", &stdlib_version(&info.go_version), location);
    stdlib
        .metadata
        .insert("go.toolchain".into(), info.go_version.clone());
    let deps: Vec<Package> = info
        .deps
        .iter()
        .map(|d| module_package(d, location))
        .collect();
    let mut main = info.main.as_ref().map(|m| module_package(m, location));
    // Build facts describe the program: on its main module, or on stdlib when there is none.
    let holder = main.as_mut().unwrap_or(&mut stdlib);
    holder
        .metadata
        .insert("go.toolchain".into(), info.go_version.clone());
    if !info.path.is_empty() {
        holder.metadata.insert("go.path".into(), info.path.clone());
    }
    for setting in &info.settings {
        if let Some((key, value)) = setting.split_once('=') {
            if KEPT_SETTINGS.contains(&key) {
                holder
                    .metadata
                    .insert(format!("go.build.{key}"), value.to_string());
            }
        }
    }
    if let Some(main) = &mut main {
        main.dependencies = deps.iter().map(|d| d.name.clone()).collect();
        main.dependencies.push("stdlib".into());
    }
    let mut out = vec![stdlib];
    out.extend(main);
    out.extend(deps);
    out
}

/// Finds Go binaries.
#[derive(Debug, Default)]
pub(crate) struct GoBinaryCataloger {
    output: CatalogOutput,
}

impl Cataloger for GoBinaryCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self) -> WantsPath {
        Arc::new(executables::is_candidate)
    }

    fn observe(&mut self, file: &FoundFile<'_>) {
        if !executables::is_elf(file.content) {
            return;
        }
        let unknown = |reason: String| Unknown {
            location: file.location.clone(),
            cataloger: NAME.into(),
            reason,
        };
        match parse_buildinfo(file.content) {
            Ok(Some(info)) => self.output.packages.extend(packages(&info, &file.location)),
            Ok(None) => {
                let is_go = file
                    .content
                    .windows(BUILD_ID_NOTE.len())
                    .take(64 * 1024)
                    .any(|w| w == BUILD_ID_NOTE);
                if !file.complete && is_go {
                    self.output.unknowns.push(unknown(format!(
                        "a Go binary larger than the read limit ({} bytes read) whose build info lies beyond it",
                        file.content.len()
                    )));
                }
            }
            Err(reason) => self
                .output
                .unknowns
                .push(unknown(format!("unreadable Go build info: {reason}"))),
        }
    }

    fn finish(self: Box<Self>, _context: &CatalogContext) -> CatalogOutput {
        self.output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &[u8; 16] = b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
    const END: &[u8; 16] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// A Go 1.18+ build info blob, as the linker lays it out, at a 16-aligned offset in junk.
    fn blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut out = vec![0x55u8; 48];
        out.extend_from_slice(MAGIC);
        out.push(8);
        out.push(FLAG_VERSION_INLINE);
        out.resize(48 + HEADER_LEN, 0);
        varint(version.len(), &mut out);
        out.extend_from_slice(version.as_bytes());
        let mut m = START.to_vec();
        m.extend_from_slice(modinfo.as_bytes());
        m.extend_from_slice(END);
        varint(m.len(), &mut out);
        out.extend_from_slice(&m);
        out.extend_from_slice(&[0; 40]);
        out
    }

    const MODINFO: &str = "path\tgithub.com/acme/tool/cmd/tool\nmod\tgithub.com/acme/tool\t(devel)\t\ndep\tgithub.com/spf13/cobra\tv1.8.0\th1:7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFmEsc=\ndep\tgolang.org/x/sys\tv0.1.0\th1:kunALQeHf1/185U1i0GOB/fy1IPRDDpuoOOqRReG57U=\n=>\tgolang.org/x/sys\tv0.2.0\th1:ljd4t30dBnAvMZaQCevtY0xLLD0A+bRZXbgLMLU1F/A=\ndep\texample.com/local\tv0.0.0\t\n=>\t../local\t(devel)\t\nbuild\t-buildmode=exe\nbuild\t-ldflags=\"-s -w\"\nbuild\tGOARCH=arm64\nbuild\tGOOS=linux\nbuild\tvcs.revision=0123abc\n";

    #[test]
    fn inline_buildinfo_gives_stdlib_main_and_replaced_deps() {
        let info = parse_buildinfo(&blob("go1.21.5 X:loopvar", MODINFO))
            .expect("parses")
            .expect("found");
        assert_eq!(info.go_version, "go1.21.5 X:loopvar");
        assert_eq!(info.deps.len(), 3);
        let location = Location {
            path: "usr/local/bin/tool".into(),
            layer_index: Some(0),
            layer_digest: None,
        };
        let pkgs = packages(&info, &location);
        let purls: Vec<_> = pkgs.iter().map(|p| p.purl.to_string()).collect();
        assert_eq!(
            purls,
            [
                "pkg:golang/stdlib@1.21.5",
                "pkg:golang/github.com/acme/tool@%28devel%29",
                "pkg:golang/github.com/spf13/cobra@v1.8.0",
                "pkg:golang/golang.org/x/sys@v0.2.0",
                "pkg:golang/example.com/local@v0.0.0",
            ]
        );
        let main = &pkgs[1];
        assert_eq!(main.metadata["go.build.GOOS"], "linux");
        assert_eq!(main.metadata["go.build.vcs.revision"], "0123abc");
        assert!(!main.metadata.contains_key("go.build.-ldflags"));
        assert_eq!(main.dependencies.len(), 4);
        assert_eq!(pkgs[3].metadata["go.replaces"], "golang.org/x/sys@v0.1.0");
        assert_eq!(
            pkgs[3].metadata["go.sum"],
            "h1:ljd4t30dBnAvMZaQCevtY0xLLD0A+bRZXbgLMLU1F/A="
        );
        assert_eq!(pkgs[4].metadata["go.replace"], "../local");
        assert_eq!(pkgs[0].metadata["go.toolchain"], "go1.21.5 X:loopvar");
    }

    #[test]
    fn not_go_and_broken_go() {
        assert_eq!(parse_buildinfo(b"\x7fELF not really"), Ok(None));
        let mut old = blob("go1.16", "");
        old[48 + 15] = 0;
        assert!(parse_buildinfo(&old)
            .expect_err("old")
            .contains("pre-Go 1.18"));
        let mut cut = blob("go1.20", MODINFO);
        cut.truncate(48 + HEADER_LEN + 20);
        assert!(parse_buildinfo(&cut).is_err());
        let info = parse_buildinfo(&blob("go1.20", "junk"))
            .expect("parses")
            .expect("found");
        assert!(info.main.is_none() && info.deps.is_empty());
    }

    #[test]
    fn every_truncation_and_header_byte_flip_ends_without_panic() {
        let good = blob("go1.21.5", MODINFO);
        for len in 0..good.len() {
            let _ = parse_buildinfo(&good[..len]);
        }
        for i in 48..48 + HEADER_LEN + 4 {
            for v in [0u8, 0x7f, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] = v;
                let _ = parse_buildinfo(&bad);
            }
        }
    }

    /// Go 1.13–1.17 layout: the header points at string headers elsewhere in memory. Built
    /// with binutils' objcopy: `/bin/true` plus a `.go.buildinfo` section at 0x900000 and the
    /// strings in a section at 0x910000.
    #[test]
    fn pointer_format_resolves_addresses_through_sections() {
        let version = b"go1.16.15";
        let mut modinfo = START.to_vec();
        modinfo.extend_from_slice(b"path\texample.com/old\nmod\texample.com/old\tv1.0.0\th1:x=\n");
        modinfo.extend_from_slice(END);
        let strings_at = 0x91_0000u64;
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&[8, 0]);
        header.extend_from_slice(&strings_at.to_le_bytes());
        header.extend_from_slice(&(strings_at + 16).to_le_bytes());
        let mut strings = Vec::new();
        let data_at = strings_at + 32;
        for (at, len) in [
            (data_at, version.len()),
            (data_at + version.len() as u64, modinfo.len()),
        ] {
            strings.extend_from_slice(&at.to_le_bytes());
            strings.extend_from_slice(&(len as u64).to_le_bytes());
        }
        strings.extend_from_slice(version);
        strings.extend_from_slice(&modinfo);
        let dir = tempfile::tempdir().expect("tempdir");
        let (h, d, out) = (
            dir.path().join("h"),
            dir.path().join("d"),
            dir.path().join("o"),
        );
        std::fs::write(&h, &header).expect("write");
        std::fs::write(&d, &strings).expect("write");
        let status = std::process::Command::new("objcopy")
            .arg("--add-section")
            .arg(format!(".go.buildinfo={}", h.display()))
            .args([
                "--set-section-flags",
                ".go.buildinfo=alloc,load,data,contents",
            ])
            .args(["--change-section-address", ".go.buildinfo=0x900000"])
            .arg("--add-section")
            .arg(format!(".gostr={}", d.display()))
            .args(["--set-section-flags", ".gostr=alloc,load,data,contents"])
            .args(["--change-section-address", ".gostr=0x910000"])
            .arg("/bin/true")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("objcopy (binutils) must be installed");
        assert!(status.success());
        let binary = std::fs::read(&out).expect("read");
        let info = parse_buildinfo(&binary).expect("parses").expect("found");
        assert_eq!(info.go_version, "go1.16.15");
        assert_eq!(info.main.expect("main").version, "v1.0.0");
        // A pointer to nowhere is an error, not a panic.
        let mut bad = binary.clone();
        let at = bad
            .windows(MAGIC.len())
            .position(|w| w == MAGIC)
            .expect("magic");
        bad[at + 16..at + 24].copy_from_slice(&0xdead_beefu64.to_le_bytes());
        assert!(parse_buildinfo(&bad).is_err());
    }

    #[test]
    fn stdlib_versions() {
        assert_eq!(stdlib_version("go1.19.8"), "1.19.8");
        assert_eq!(stdlib_version("go1.22rc1 X:rangefunc"), "1.22rc1");
        assert_eq!(stdlib_version("devel go1.23-abc"), "devel go1.23-abc");
    }
}
