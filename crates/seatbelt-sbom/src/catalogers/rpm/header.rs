//! The rpm header blob as the package databases store it: no lead, no magic, just the index
//! count, the data length, the index entries and the data store, all big-endian
//! (<https://rpm-software-management.github.io/rpm/manual/format_v4.html>, "Header").
//!
//! Every index entry is checked against the data store before it is read, and counts are capped,
//! so a hostile blob costs at most its own size in work and memory.

use std::fmt;

/// Tags this crate reads (`rpmtag.h`).
pub(crate) mod tag {
    pub(crate) const NAME: u32 = 1000;
    pub(crate) const VERSION: u32 = 1001;
    pub(crate) const RELEASE: u32 = 1002;
    pub(crate) const EPOCH: u32 = 1003;
    pub(crate) const VENDOR: u32 = 1011;
    pub(crate) const LICENSE: u32 = 1014;
    pub(crate) const ARCH: u32 = 1022;
    pub(crate) const SOURCERPM: u32 = 1044;
    pub(crate) const PROVIDENAME: u32 = 1047;
    pub(crate) const REQUIRENAME: u32 = 1049;
    pub(crate) const DIRINDEXES: u32 = 1116;
    pub(crate) const BASENAMES: u32 = 1117;
    pub(crate) const DIRNAMES: u32 = 1118;
}

/// Header entry data types (`rpmTagType`).
mod ty {
    pub(super) const INT32: u32 = 4;
    pub(super) const STRING: u32 = 6;
    pub(super) const STRING_ARRAY: u32 = 8;
    pub(super) const I18NSTRING: u32 = 9;
}

/// rpm itself refuses headers with more than this many index entries (`HEADER_TAGS_MAX`).
const MAX_INDEX_ENTRIES: u32 = 0x0000_ffff;
/// And data stores larger than this (`HEADER_DATA_MAX`, 256 MiB).
const MAX_DATA_LEN: u32 = 0x0fff_ffff;
/// More file entries than any real package has; bounds the string vectors built from one blob.
const MAX_ARRAY_COUNT: u32 = 1 << 20;

/// Why a header blob cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError(pub String);

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rpm header: {}", self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, HeaderError> {
    Err(HeaderError(msg.into()))
}

/// One index entry, validated to lie inside the data store.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: u32,
}

/// A parsed header: its entries and data store, borrowed from the blob.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let bytes = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

impl<'a> Header<'a> {
    /// Parses a header blob as stored in `rpmdb.sqlite`, `Packages` (BDB) or `Packages.db` (NDB).
    pub(crate) fn parse(blob: &'a [u8]) -> Result<Header<'a>, HeaderError> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return err(format!("{} bytes is too short for a header", blob.len()));
        };
        if il == 0 || il > MAX_INDEX_ENTRIES {
            return err(format!(
                "{il} index entries (allowed 1 to {MAX_INDEX_ENTRIES})"
            ));
        }
        if dl > MAX_DATA_LEN {
            return err(format!(
                "data store of {dl} bytes is larger than rpm allows"
            ));
        }
        // Both are bounded above, so this cannot overflow even on 32-bit targets.
        let index_end = 8 + il as usize * 16;
        let data_end = index_end + dl as usize;
        let Some(data) = blob.get(index_end..data_end) else {
            return err(format!(
                "header declares {il} entries and {dl} data bytes but the blob has {} bytes",
                blob.len()
            ));
        };
        let mut entries = Vec::with_capacity(il as usize);
        for i in 0..il as usize {
            let at = 8 + i * 16;
            let (Some(tag), Some(ty), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return err("index entry past the end of the blob");
            };
            if offset as usize > data.len() {
                return err(format!(
                    "tag {tag}: offset {offset} is outside the {dl}-byte data store"
                ));
            }
            entries.push(Entry {
                tag,
                ty,
                offset: offset as usize,
                count,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    /// `count` NUL-terminated strings starting at the entry's offset.
    fn strings(&self, e: &Entry, limit: u32) -> Result<Vec<String>, HeaderError> {
        if e.count > MAX_ARRAY_COUNT {
            return err(format!("tag {}: {} strings is too many", e.tag, e.count));
        }
        let mut out = Vec::new();
        let mut rest = &self.data[e.offset..];
        for _ in 0..e.count.min(limit) {
            let Some(nul) = rest.iter().position(|&b| b == 0) else {
                return err(format!("tag {}: string runs past the data store", e.tag));
            };
            out.push(String::from_utf8_lossy(&rest[..nul]).into_owned());
            rest = &rest[nul + 1..];
        }
        Ok(out)
    }

    /// A string tag (`STRING`, or the first of an `I18NSTRING` or `STRING_ARRAY`).
    pub(crate) fn string(&self, tag: u32) -> Result<Option<String>, HeaderError> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        match e.ty {
            ty::STRING | ty::I18NSTRING | ty::STRING_ARRAY => {
                Ok(self.strings(e, 1)?.into_iter().next())
            }
            other => err(format!("tag {tag} has type {other}, expected a string")),
        }
    }

    /// A string array tag (a plain `STRING` counts as one element).
    pub(crate) fn string_array(&self, tag: u32) -> Result<Vec<String>, HeaderError> {
        let Some(e) = self.entry(tag) else {
            return Ok(Vec::new());
        };
        match e.ty {
            ty::STRING_ARRAY | ty::I18NSTRING | ty::STRING => self.strings(e, u32::MAX),
            other => err(format!(
                "tag {tag} has type {other}, expected a string array"
            )),
        }
    }

    /// An `INT32` array tag.
    pub(crate) fn int32_array(&self, tag: u32) -> Result<Vec<u32>, HeaderError> {
        let Some(e) = self.entry(tag) else {
            return Ok(Vec::new());
        };
        if e.ty != ty::INT32 {
            return err(format!("tag {tag} has type {}, expected INT32", e.ty));
        }
        if e.count > MAX_ARRAY_COUNT {
            return err(format!("tag {tag}: {} integers is too many", e.count));
        }
        let len = e.count as usize * 4;
        let Some(bytes) = self.data.get(e.offset..e.offset + len) else {
            return err(format!(
                "tag {tag}: {} integers run past the data store",
                e.count
            ));
        };
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// The first value of an `INT32` tag.
    pub(crate) fn int32(&self, tag: u32) -> Result<Option<u32>, HeaderError> {
        Ok(self.int32_array(tag)?.first().copied())
    }
}

/// What the cataloger needs from one installed package's header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RpmPackage {
    /// `NAME`.
    pub name: String,
    /// `VERSION`.
    pub version: String,
    /// `RELEASE`.
    pub release: String,
    /// `EPOCH`, when set.
    pub epoch: Option<u32>,
    /// `ARCH` (absent for `gpg-pubkey` pseudo-packages).
    pub arch: Option<String>,
    /// `LICENSE`, as written.
    pub license: Option<String>,
    /// `SOURCERPM` (`openssl-3.0.7-27.el9.src.rpm`).
    pub source_rpm: Option<String>,
    /// `VENDOR`.
    pub vendor: Option<String>,
    /// Installed files, joined from `DIRNAMES`/`BASENAMES`/`DIRINDEXES`, no leading `/`.
    pub files: Vec<String>,
    /// `PROVIDENAME`.
    pub provides: Vec<String>,
    /// `REQUIRENAME`.
    pub requires: Vec<String>,
}

/// Reads the fields the cataloger uses from a header blob.
pub fn parse_package(blob: &[u8]) -> Result<RpmPackage, HeaderError> {
    let h = Header::parse(blob)?;
    let Some(name) = h.string(tag::NAME)?.filter(|n| !n.is_empty()) else {
        return err("no NAME tag");
    };
    let Some(version) = h.string(tag::VERSION)? else {
        return err(format!("{name}: no VERSION tag"));
    };
    let basenames = h.string_array(tag::BASENAMES)?;
    let dirnames = h.string_array(tag::DIRNAMES)?;
    let dirindexes = h.int32_array(tag::DIRINDEXES)?;
    if basenames.len() != dirindexes.len() {
        return err(format!(
            "{name}: {} basenames but {} directory indexes",
            basenames.len(),
            dirindexes.len()
        ));
    }
    let mut files = Vec::with_capacity(basenames.len());
    for (base, &di) in basenames.iter().zip(&dirindexes) {
        let Some(dir) = dirnames.get(di as usize) else {
            return err(format!(
                "{name}: directory index {di} but only {} directories",
                dirnames.len()
            ));
        };
        let full = format!("{dir}{base}");
        files.push(full.trim_start_matches('/').to_string());
    }
    Ok(RpmPackage {
        release: h.string(tag::RELEASE)?.unwrap_or_default(),
        epoch: h.int32(tag::EPOCH)?,
        arch: h.string(tag::ARCH)?,
        license: h.string(tag::LICENSE)?,
        source_rpm: h.string(tag::SOURCERPM)?,
        vendor: h.string(tag::VENDOR)?,
        provides: h.string_array(tag::PROVIDENAME)?,
        requires: h.string_array(tag::REQUIRENAME)?,
        files,
        name,
        version,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a header blob from (tag, type, count, data) entries, as rpm lays them out.
    pub(crate) fn build(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, count, bytes) in entries {
            if *ty == ty::INT32 {
                while data.len() % 4 != 0 {
                    data.push(0);
                }
            }
            for v in [*tag, *ty, u32::try_from(data.len()).unwrap(), *count] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut blob = Vec::new();
        blob.extend_from_slice(&u32::try_from(entries.len()).unwrap().to_be_bytes());
        blob.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        blob.extend_from_slice(&index);
        blob.extend_from_slice(&data);
        blob
    }

    pub(crate) fn s(v: &str) -> (u32, Vec<u8>) {
        let mut b = v.as_bytes().to_vec();
        b.push(0);
        (1, b)
    }

    fn strs(v: &[&str]) -> Vec<u8> {
        v.iter().flat_map(|x| s(x).1).collect()
    }

    /// A realistic header: what `rpm` stores for `bash` (trimmed).
    pub(crate) fn bash_blob() -> Vec<u8> {
        build(&[
            (tag::NAME, ty::STRING, 1, s("bash").1),
            (tag::VERSION, ty::STRING, 1, s("5.1.8").1),
            (tag::RELEASE, ty::STRING, 1, s("9.el9").1),
            (tag::EPOCH, ty::INT32, 1, 1u32.to_be_bytes().to_vec()),
            (tag::LICENSE, ty::STRING, 1, s("GPLv3+").1),
            (tag::ARCH, ty::STRING, 1, s("x86_64").1),
            (
                tag::SOURCERPM,
                ty::STRING,
                1,
                s("bash-5.1.8-9.el9.src.rpm").1,
            ),
            (
                tag::PROVIDENAME,
                ty::STRING_ARRAY,
                2,
                strs(&["/bin/bash", "bash"]),
            ),
            (
                tag::REQUIRENAME,
                ty::STRING_ARRAY,
                1,
                strs(&["libc.so.6()(64bit)"]),
            ),
            (
                tag::DIRINDEXES,
                ty::INT32,
                3,
                [0u32, 1, 1].iter().flat_map(|v| v.to_be_bytes()).collect(),
            ),
            (
                tag::BASENAMES,
                ty::STRING_ARRAY,
                3,
                strs(&["bashrc", "bash", "sh"]),
            ),
            (
                tag::DIRNAMES,
                ty::STRING_ARRAY,
                2,
                strs(&["/etc/skel/", "/usr/bin/"]),
            ),
        ])
    }

    #[test]
    fn reads_fields_and_joins_files() {
        let p = parse_package(&bash_blob()).unwrap();
        assert_eq!(p.name, "bash");
        assert_eq!(p.version, "5.1.8");
        assert_eq!(p.release, "9.el9");
        assert_eq!(p.epoch, Some(1));
        assert_eq!(p.arch.as_deref(), Some("x86_64"));
        assert_eq!(p.license.as_deref(), Some("GPLv3+"));
        assert_eq!(p.source_rpm.as_deref(), Some("bash-5.1.8-9.el9.src.rpm"));
        assert_eq!(p.files, ["etc/skel/bashrc", "usr/bin/bash", "usr/bin/sh"]);
        assert_eq!(p.provides, ["/bin/bash", "bash"]);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let blob = bash_blob();
        for len in 0..blob.len() {
            assert!(parse_package(&blob[..len]).is_err(), "truncated to {len}");
        }
    }

    #[test]
    fn hostile_offsets_and_counts_are_refused() {
        // A string whose offset points at the very end: no terminating NUL.
        let mut blob = build(&[(tag::NAME, ty::STRING, 1, s("x").1)]);
        blob[8 + 8..8 + 12].copy_from_slice(&2u32.to_be_bytes());
        assert!(parse_package(&blob).unwrap_err().0.contains("runs past"));
        // Offset outside the store.
        blob[8 + 8..8 + 12].copy_from_slice(&99u32.to_be_bytes());
        assert!(parse_package(&blob).unwrap_err().0.contains("outside"));
        // A huge count for an INT32 array.
        let blob = build(&[
            (tag::NAME, ty::STRING, 1, s("x").1),
            (tag::VERSION, ty::STRING, 1, s("1").1),
            (tag::DIRINDEXES, ty::INT32, u32::MAX, vec![0; 4]),
        ]);
        assert!(parse_package(&blob).unwrap_err().0.contains("too many"));
        // A directory index past DIRNAMES.
        let blob = build(&[
            (tag::NAME, ty::STRING, 1, s("x").1),
            (tag::VERSION, ty::STRING, 1, s("1").1),
            (tag::DIRINDEXES, ty::INT32, 1, 7u32.to_be_bytes().to_vec()),
            (tag::BASENAMES, ty::STRING_ARRAY, 1, s("f").1),
            (tag::DIRNAMES, ty::STRING_ARRAY, 1, s("/").1),
        ]);
        assert!(parse_package(&blob)
            .unwrap_err()
            .0
            .contains("directory index 7"));
        // Declared sizes past rpm's own limits.
        let mut blob = vec![0u8; 8];
        blob[..4].copy_from_slice(&0x10_0000u32.to_be_bytes());
        assert!(parse_package(&blob)
            .unwrap_err()
            .0
            .contains("index entries"));
    }

    #[test]
    fn wrong_types_are_errors() {
        let blob = build(&[(tag::NAME, ty::INT32, 1, 5u32.to_be_bytes().to_vec())]);
        assert!(parse_package(&blob)
            .unwrap_err()
            .0
            .contains("expected a string"));
    }

    #[test]
    fn random_corruption_never_panics() {
        let blob = bash_blob();
        let mut rng = 0x1234_5679_u32;
        for round in 0..5000 {
            let mut bytes = blob.clone();
            for _ in 0..1 + round % 4 {
                rng ^= rng << 13;
                rng ^= rng >> 17;
                rng ^= rng << 5;
                // Mostly the index, where offsets and counts live.
                let at = rng as usize
                    % if round % 2 == 0 {
                        8 + 12 * 16
                    } else {
                        bytes.len()
                    };
                bytes[at] = (rng >> 8) as u8;
            }
            let _ = parse_package(&bytes);
        }
    }
}
