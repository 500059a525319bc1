//! The Berkeley DB hash database behind `var/lib/rpm/Packages` (rpm before 4.16, CentOS 7/8,
//! RHEL 7/8, older SUSE): every value of the hash, which rpm keys by header instance number.
//!
//! Read page by page rather than by walking the hash buckets: every key/value pair lives on some
//! hash page, so a linear scan finds them all without trusting the bucket arithmetic, and each
//! page is visited once. Layout from Berkeley DB's `dbinc/db_page.h` (5.3): a 72-byte generic
//! metadata header on page 0, 26-byte page headers, `u16` item offsets after them, overflow
//! chains for values larger than a page. The file is in its creator's byte order; the magic
//! number tells which.

use std::collections::HashSet;

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
/// Page types (`P_*`).
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
/// Hash item types (`H_*`).
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

/// Why the database cannot be read.
pub(crate) type BdbError = String;

#[derive(Clone, Copy)]
struct Order {
    little: bool,
}

impl Order {
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at.checked_add(4)?)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.little {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at.checked_add(2)?)?;
        let a = [s[0], s[1]];
        Some(if self.little {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    }
}

/// The values of a Berkeley DB hash database, in page order, with the reason for each value
/// that could not be read (a broken overflow chain spoils one value, not the database).
pub(crate) fn hash_values(file: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), BdbError> {
    let magic_at = 12;
    let order = match file.get(magic_at..magic_at + 4) {
        Some(m) if u32::from_le_bytes([m[0], m[1], m[2], m[3]]) == HASH_MAGIC => {
            Order { little: true }
        }
        Some(m) if u32::from_be_bytes([m[0], m[1], m[2], m[3]]) == HASH_MAGIC => {
            Order { little: false }
        }
        Some(_) => return Err("not a Berkeley DB hash database (wrong magic)".into()),
        None => {
            return Err(format!(
                "{} bytes is too short for a Berkeley DB",
                file.len()
            ))
        }
    };
    let page_size = order.u32(file, 20).unwrap_or(0) as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!(
            "page size {page_size} is not a Berkeley DB page size"
        ));
    }
    if file.get(25) != Some(&P_HASHMETA) {
        return Err("page 0 is not a hash metadata page".into());
    }
    // Encrypted databases (rpm never creates them) keep item data unreadable.
    if file.get(24).is_some_and(|&alg| alg != 0) {
        return Err("the database is encrypted".into());
    }
    let pages: Vec<&[u8]> = file.chunks_exact(page_size).collect();
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for (pgno, page) in pages.iter().enumerate().skip(1) {
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let entries = usize::from(order.u16(page, 20).unwrap_or(0));
        if PAGE_HEADER + entries * 2 > page_size {
            problems.push(format!("page {pgno}: {entries} items do not fit"));
            continue;
        }
        let offsets: Vec<usize> = (0..entries)
            .filter_map(|i| order.u16(page, PAGE_HEADER + i * 2).map(usize::from))
            .collect();
        // Items are key, value, key, value…; each ends where the previous one starts.
        for i in (1..entries).step_by(2) {
            let (start, end) = (offsets[i], offsets[i - 1]);
            if start < PAGE_HEADER + entries * 2 || start >= end || end > page_size {
                problems.push(format!("page {pgno}: item {i} has a bad offset"));
                continue;
            }
            let item = &page[start..end];
            match item[0] {
                H_KEYDATA => values.push(item[1..].to_vec()),
                H_OFFPAGE => match overflow(&pages, order, item) {
                    Ok(v) => values.push(v),
                    Err(e) => problems.push(format!("page {pgno}: item {i}: {e}")),
                },
                // Duplicates: rpm's Packages database never has them.
                other => problems.push(format!("page {pgno}: item {i} has type {other}")),
            }
        }
    }
    Ok((values, problems))
}

/// Follows an overflow chain (`HOFFPAGE`: type, 3 unused bytes, first page, total length).
fn overflow(pages: &[&[u8]], order: Order, item: &[u8]) -> Result<Vec<u8>, String> {
    let (Some(mut pgno), Some(total)) = (order.u32(item, 4), order.u32(item, 8)) else {
        return Err("truncated overflow reference".into());
    };
    let total = total as usize;
    let capacity = pages
        .len()
        .saturating_mul(pages.first().map_or(0, |p| p.len()));
    if total > capacity {
        return Err(format!(
            "overflow value of {total} bytes is larger than the file"
        ));
    }
    let mut out = Vec::with_capacity(total);
    let mut seen = HashSet::new();
    while out.len() < total {
        if !seen.insert(pgno) {
            return Err(format!("overflow chain loops at page {pgno}"));
        }
        let Some(page) = pages.get(pgno as usize).filter(|_| pgno != 0) else {
            return Err(format!("overflow chain points at missing page {pgno}"));
        };
        if page[25] != P_OVERFLOW {
            return Err(format!(
                "page {pgno} in an overflow chain is not an overflow page"
            ));
        }
        // On overflow pages the "free area offset" field holds the bytes used.
        let used = usize::from(order.u16(page, 22).unwrap_or(0));
        let Some(chunk) = page.get(PAGE_HEADER..PAGE_HEADER + used) else {
            return Err(format!("overflow page {pgno} claims {used} bytes"));
        };
        out.extend_from_slice(&chunk[..used.min(total - out.len())]);
        pgno = order.u32(page, 16).unwrap_or(0);
        if pgno == 0 && out.len() < total {
            return Err(format!(
                "overflow chain ends after {} of {total} bytes",
                out.len()
            ));
        }
    }
    Ok(out)
}
