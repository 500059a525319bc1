//! Synthetic image layers, written header by header so tests can build well-formed layers and
//! hostile ones (escaping paths, lying sizes, bad names) alike, plus their compressed forms,
//! digests, and a matching config and manifest. Produces bytes only: it knows nothing of
//! `seatbelt-image`, which depends on this crate for its tests.

use std::io::Write;

use sha2::{Digest as _, Sha256};

const BLOCK: usize = 512;

/// A tar stream under construction.
#[derive(Debug, Default, Clone)]
pub struct Layer {
    bytes: Vec<u8>,
}

/// Fields of one raw header; defaults are a 0644 regular file owned by root at mtime 0.
#[derive(Debug, Clone)]
pub struct RawHeader<'a> {
    /// Name field (up to 100 bytes, written as is).
    pub name: &'a [u8],
    /// Type flag (`b'0'` file, `b'5'` directory, …).
    pub typeflag: u8,
    /// Link name field.
    pub link: &'a [u8],
    /// Permission bits.
    pub mode: u32,
    /// The size written in the header (may differ from the data that follows, on purpose).
    pub size: u64,
    /// Device major/minor numbers.
    pub device: (u32, u32),
    /// ustar prefix field (up to 155 bytes).
    pub prefix: &'a [u8],
}

impl Default for RawHeader<'_> {
    fn default() -> Self {
        RawHeader {
            name: b"",
            typeflag: b'0',
            link: b"",
            mode: 0o644,
            size: 0,
            device: (0, 0),
            prefix: b"",
        }
    }
}

/// One 512-byte ustar header with a correct checksum.
pub fn header_block(h: &RawHeader<'_>) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    let put = |b: &mut [u8; BLOCK], at: usize, len: usize, v: &[u8]| {
        let n = v.len().min(len);
        b[at..at + n].copy_from_slice(&v[..n]);
    };
    put(&mut b, 0, 100, h.name);
    put(&mut b, 100, 8, format!("{:07o}\0", h.mode).as_bytes());
    put(&mut b, 108, 8, b"0000000\0");
    put(&mut b, 116, 8, b"0000000\0");
    put(&mut b, 124, 12, format!("{:011o}\0", h.size).as_bytes());
    put(&mut b, 136, 12, b"00000000000\0");
    b[156] = h.typeflag;
    put(&mut b, 157, 100, h.link);
    put(&mut b, 257, 6, b"ustar\0");
    put(&mut b, 263, 2, b"00");
    put(&mut b, 329, 8, format!("{:07o}\0", h.device.0).as_bytes());
    put(&mut b, 337, 8, format!("{:07o}\0", h.device.1).as_bytes());
    put(&mut b, 345, 155, h.prefix);
    b[148..156].copy_from_slice(b"        ");
    let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
    put(&mut b, 148, 8, format!("{sum:06o}\0 ").as_bytes());
    b
}

impl Layer {
    /// An empty layer.
    pub fn new() -> Layer {
        Layer::default()
    }

    /// Appends a raw header and then `data` (padded), exactly as given.
    pub fn raw(mut self, header: &RawHeader<'_>, data: &[u8]) -> Layer {
        self.bytes.extend_from_slice(&header_block(header));
        self.push_data(data);
        self
    }

    /// Appends raw bytes (for hand-crafted corruption).
    pub fn bytes(mut self, raw: &[u8]) -> Layer {
        self.bytes.extend_from_slice(raw);
        self
    }

    fn push_data(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
        let pad = (BLOCK - data.len() % BLOCK) % BLOCK;
        self.bytes.resize(self.bytes.len() + pad, 0);
    }

    /// Writes a name that does not fit the 100-byte field as a GNU long name record first.
    fn named(mut self, name: &[u8], typeflag: u8, link: &[u8], mode: u32, data: &[u8]) -> Layer {
        if name.len() > 100 {
            let mut long = name.to_vec();
            long.push(0);
            self = self.raw(
                &RawHeader {
                    name: b"././@LongLink",
                    typeflag: b'L',
                    size: long.len() as u64,
                    ..RawHeader::default()
                },
                &long,
            );
        }
        if link.len() > 100 {
            let mut long = link.to_vec();
            long.push(0);
            self = self.raw(
                &RawHeader {
                    name: b"././@LongLink",
                    typeflag: b'K',
                    size: long.len() as u64,
                    ..RawHeader::default()
                },
                &long,
            );
        }
        self.raw(
            &RawHeader {
                name: &name[..name.len().min(100)],
                typeflag,
                link: &link[..link.len().min(100)],
                mode,
                size: data.len() as u64,
                ..RawHeader::default()
            },
            data,
        )
    }

    /// A regular file with mode 0644.
    pub fn file(self, path: &str, content: &[u8]) -> Layer {
        self.named(path.as_bytes(), b'0', b"", 0o644, content)
    }

    /// A regular file with the given mode (setuid bits included).
    pub fn file_mode(self, path: &str, content: &[u8], mode: u32) -> Layer {
        self.named(path.as_bytes(), b'0', b"", mode, content)
    }

    /// A file whose name is raw bytes (not necessarily UTF-8).
    pub fn file_bytes_name(self, name: &[u8], content: &[u8]) -> Layer {
        self.named(name, b'0', b"", 0o644, content)
    }

    /// A directory with mode 0755.
    pub fn dir(self, path: &str) -> Layer {
        self.named(path.as_bytes(), b'5', b"", 0o755, b"")
    }

    /// A directory with the given mode.
    pub fn dir_mode(self, path: &str, mode: u32) -> Layer {
        self.named(path.as_bytes(), b'5', b"", mode, b"")
    }

    /// A symlink.
    pub fn symlink(self, path: &str, target: &str) -> Layer {
        self.named(path.as_bytes(), b'2', target.as_bytes(), 0o777, b"")
    }

    /// A hardlink to `target`.
    pub fn hardlink(self, path: &str, target: &str) -> Layer {
        self.named(path.as_bytes(), b'1', target.as_bytes(), 0o644, b"")
    }

    /// A character device.
    pub fn char_device(self, path: &str, major: u32, minor: u32) -> Layer {
        self.raw(
            &RawHeader {
                name: path.as_bytes(),
                typeflag: b'3',
                mode: 0o666,
                device: (major, minor),
                ..RawHeader::default()
            },
            b"",
        )
    }

    /// A block device.
    pub fn block_device(self, path: &str, major: u32, minor: u32) -> Layer {
        self.raw(
            &RawHeader {
                name: path.as_bytes(),
                typeflag: b'4',
                mode: 0o660,
                device: (major, minor),
                ..RawHeader::default()
            },
            b"",
        )
    }

    /// A FIFO.
    pub fn fifo(self, path: &str) -> Layer {
        self.named(path.as_bytes(), b'6', b"", 0o644, b"")
    }

    /// A whiteout deleting `path` from lower layers (`dir/.wh.name`).
    pub fn whiteout(self, path: &str) -> Layer {
        let (dir, name) = match path.rsplit_once('/') {
            Some((d, n)) => (format!("{d}/"), n),
            None => (String::new(), path),
        };
        self.file(&format!("{dir}.wh.{name}"), b"")
    }

    /// An opaque marker on directory `dir` (`""` for the root).
    pub fn opaque(self, dir: &str) -> Layer {
        if dir.is_empty() {
            self.file(".wh..wh..opq", b"")
        } else {
            self.file(&format!("{dir}/.wh..wh..opq"), b"")
        }
    }

    /// A PAX extended header carrying `records` (key, value), for the entry that follows.
    pub fn pax(self, records: &[(&str, &[u8])]) -> Layer {
        let mut data = Vec::new();
        for (key, value) in records {
            let body_len = key.len() + value.len() + 3;
            // The length counts its own digits.
            let mut len = body_len + body_len.to_string().len();
            if len.to_string().len() != body_len.to_string().len() {
                len += 1;
            }
            data.extend_from_slice(format!("{len} {key}=").as_bytes());
            data.extend_from_slice(value);
            data.push(b'\n');
        }
        self.raw(
            &RawHeader {
                name: b"PaxHeaders/x",
                typeflag: b'x',
                size: data.len() as u64,
                ..RawHeader::default()
            },
            &data,
        )
    }

    /// The tar bytes with the two terminating zero blocks.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.resize(self.bytes.len() + 2 * BLOCK, 0);
        self.bytes
    }

    /// The tar bytes as they are, without terminating blocks (for truncation tests).
    pub fn unterminated(self) -> Vec<u8> {
        self.bytes
    }
}

/// gzip-compresses `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// zstd-compresses `data`.
pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap_or_default()
}

/// `sha256:<hex>` of `data`.
pub fn sha256(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

/// One layer blob as a manifest lists it.
#[derive(Debug, Clone)]
pub struct Blob {
    /// The stored (possibly compressed) bytes.
    pub bytes: Vec<u8>,
    /// `sha256:` of `bytes`.
    pub digest: String,
    /// The layer media type.
    pub media_type: String,
    /// `sha256:` of the uncompressed tar.
    pub diff_id: String,
}

impl Blob {
    /// A blob storing `tar` compressed with `compression` (`"gzip"`, `"zstd"` or `"none"`).
    pub fn new(tar: &[u8], compression: &str) -> Blob {
        let (bytes, media_type) = match compression {
            "gzip" => (gzip(tar), "application/vnd.oci.image.layer.v1.tar+gzip"),
            "zstd" => (zstd(tar), "application/vnd.oci.image.layer.v1.tar+zstd"),
            _ => (tar.to_vec(), "application/vnd.oci.image.layer.v1.tar"),
        };
        Blob {
            digest: sha256(&bytes),
            media_type: media_type.to_string(),
            diff_id: sha256(tar),
            bytes,
        }
    }
}

/// A config and manifest (OCI, linux/amd64) for `layers`, oldest first, as JSON bytes.
pub fn config_and_manifest(layers: &[Blob]) -> (Vec<u8>, Vec<u8>) {
    let diff_ids: Vec<_> = layers.iter().map(|l| l.diff_id.clone()).collect();
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    let config = serde_json::to_vec(&config).unwrap_or_default();
    let descriptors: Vec<_> = layers
        .iter()
        .map(|l| {
            serde_json::json!({
                "mediaType": l.media_type,
                "digest": l.digest,
                "size": l.bytes.len(),
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": sha256(&config),
            "size": config.len(),
        },
        "layers": descriptors,
    });
    (config, serde_json::to_vec(&manifest).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_have_valid_checksums_and_padding() {
        let t = Layer::new().file("a", b"hello").finish();
        assert_eq!(t.len(), 512 * 4);
        let sum: u32 = t[..512]
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        let stored = u32::from_str_radix(std::str::from_utf8(&t[148..154]).unwrap(), 8).unwrap();
        assert_eq!(sum, stored);
    }

    #[test]
    fn pax_record_lengths_count_themselves() {
        let t = Layer::new()
            .pax(&[("path", b"x".repeat(95).as_slice())])
            .finish();
        let data = &t[512..];
        let text = std::str::from_utf8(&data[..data.iter().position(|&b| b == b'\n').unwrap() + 1])
            .unwrap();
        let (len, _) = text.split_once(' ').unwrap();
        assert_eq!(len.parse::<usize>().unwrap(), text.len());
    }
}
