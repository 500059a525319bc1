//! `var/lib/rpm/Packages.db`, rpm's own "NDB" package store (SUSE since 15 SP3 / Leap 15.3):
//! a little-endian header (`RpmP`, version 0, generation, slot page count), slot pages of
//! 16-byte slots (`Slot`, package index, block offset, block count), and blobs at
//! `block offset × 16`, each with a 16-byte head (`BlbS`, package index, generation, length).
//! Layout per rpm's `lib/backend/ndb/rpmpkg.c`.

const HEADER_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const SLOT_PAGE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLOCK: usize = 16;
const BLOB_HEAD: usize = 16;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Every header blob the slots point at, with reasons for slots whose blob is unreadable.
pub(crate) fn header_blobs(file: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
    if le32(file, 0) != Some(HEADER_MAGIC) {
        return Err("not an rpm NDB database (wrong magic)".into());
    }
    if le32(file, 4) != Some(0) {
        return Err("unsupported NDB version".into());
    }
    let slot_pages = le32(file, 12).unwrap_or(0) as usize;
    let Some(slot_area) = slot_pages
        .checked_mul(SLOT_PAGE)
        .and_then(|len| file.get(..len))
        .filter(|_| slot_pages > 0)
    else {
        return Err(format!("{slot_pages} slot pages do not fit in the file"));
    };
    let mut blobs = Vec::new();
    let mut problems = Vec::new();
    // The database header occupies the first slots of page 0; it never carries slot magic.
    for slot in slot_area.chunks_exact(SLOT_SIZE) {
        let (Some(magic), Some(pkgidx), Some(blkoff), Some(blkcnt)) =
            (le32(slot, 0), le32(slot, 4), le32(slot, 8), le32(slot, 12))
        else {
            continue;
        };
        if magic != SLOT_MAGIC || pkgidx == 0 {
            continue;
        }
        match blob(file, pkgidx, blkoff as usize, blkcnt as usize) {
            Ok(b) => blobs.push(b.to_vec()),
            Err(e) => problems.push(format!("package {pkgidx}: {e}")),
        }
    }
    Ok((blobs, problems))
}

fn blob(file: &[u8], pkgidx: u32, blkoff: usize, blkcnt: usize) -> Result<&[u8], String> {
    let start = blkoff.checked_mul(BLOCK).ok_or("block offset overflows")?;
    let area = blkcnt
        .checked_mul(BLOCK)
        .and_then(|len| file.get(start..start.checked_add(len)?))
        .ok_or_else(|| format!("blocks {blkoff}+{blkcnt} are outside the file"))?;
    if le32(area, 0) != Some(BLOB_MAGIC) || le32(area, 4) != Some(pkgidx) {
        return Err("slot does not point at its blob".into());
    }
    let len = le32(area, 12).unwrap_or(0) as usize;
    area.get(BLOB_HEAD..BLOB_HEAD + len)
        .ok_or_else(|| format!("blob of {len} bytes overruns its {blkcnt} blocks"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An NDB file with the given blobs, laid out as rpmpkg.c writes it (one slot page).
    pub(crate) fn build(blobs: &[&[u8]]) -> Vec<u8> {
        let mut file = vec![0u8; SLOT_PAGE];
        file[..4].copy_from_slice(b"RpmP");
        file[12..16].copy_from_slice(&1u32.to_le_bytes());
        for (i, b) in blobs.iter().enumerate() {
            let pkgidx = u32::try_from(i + 1).unwrap();
            let blkoff = file.len() / BLOCK;
            let mut rec = Vec::new();
            rec.extend_from_slice(b"BlbS");
            rec.extend_from_slice(&pkgidx.to_le_bytes());
            rec.extend_from_slice(&1u32.to_le_bytes());
            rec.extend_from_slice(&u32::try_from(b.len()).unwrap().to_le_bytes());
            rec.extend_from_slice(b);
            rec.extend_from_slice(&[0; 12]); // adler32, length, "BlbE" tail
            while rec.len() % BLOCK != 0 {
                rec.push(0);
            }
            let slot = 32 + i * SLOT_SIZE;
            file[slot..slot + 4].copy_from_slice(b"Slot");
            file[slot + 4..slot + 8].copy_from_slice(&pkgidx.to_le_bytes());
            file[slot + 8..slot + 12]
                .copy_from_slice(&u32::try_from(blkoff).unwrap().to_le_bytes());
            file[slot + 12..slot + 16]
                .copy_from_slice(&u32::try_from(rec.len() / BLOCK).unwrap().to_le_bytes());
            file.extend_from_slice(&rec);
        }
        file
    }

    #[test]
    fn reads_blobs_through_slots() {
        let file = build(&[b"first header", b"second"]);
        let (blobs, problems) = header_blobs(&file).unwrap();
        assert_eq!(blobs, [b"first header".to_vec(), b"second".to_vec()]);
        assert!(problems.is_empty());
    }

    #[test]
    fn bad_slots_are_reported_not_fatal() {
        let mut file = build(&[b"ok", b"spoiled"]);
        // Second slot's block count shrunk so its blob overruns.
        file[32 + 16 + 12..32 + 16 + 16].copy_from_slice(&1u32.to_le_bytes());
        let (blobs, problems) = header_blobs(&file).unwrap();
        assert_eq!(blobs, [b"ok".to_vec()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        // Point the first slot far outside the file.
        file[32 + 8..32 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let (blobs, problems) = header_blobs(&file).unwrap();
        assert!(blobs.is_empty());
        assert_eq!(problems.len(), 2);
        assert!(header_blobs(&file[..100]).is_err());
        assert!(header_blobs(b"RpmX").is_err());
    }
}
