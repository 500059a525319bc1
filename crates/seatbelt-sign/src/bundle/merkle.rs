//! RFC 6962 Merkle tree hashing and the inclusion proof check of RFC 9162 §2.1.3.2, written
//! from the RFC (a dozen lines; the Rust CT crates pull in whole TLS stacks).

use sha2::{Digest as _, Sha256};

/// The hash of a leaf: SHA-256(0x00 || data).
pub(crate) fn leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an inner node: SHA-256(0x01 || left || right).
pub(crate) fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root the audit path `proof` gives for the leaf `leaf` at `index` in a tree of `size`.
pub(crate) fn root_from_proof(
    index: u64,
    size: u64,
    leaf: [u8; 32],
    proof: &[Vec<u8>],
) -> Result<[u8; 32], String> {
    if index >= size {
        return Err(format!("leaf index {index} is not inside a tree of {size}"));
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = leaf;
    for p in proof {
        if p.len() != 32 {
            return Err("a proof hash is not 32 bytes".to_string());
        }
        if s == 0 {
            return Err("the proof is longer than the tree is deep".to_string());
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err("the proof is shorter than the tree is deep".to_string());
    }
    Ok(r)
}

/// A whole tree's root and each leaf's audit path (for tests that build logs).
#[cfg(any(test, feature = "test-pki"))]
pub(crate) fn tree(leaves: &[[u8; 32]]) -> ([u8; 32], Vec<Vec<Vec<u8>>>) {
    fn root(leaves: &[[u8; 32]]) -> [u8; 32] {
        match leaves.len() {
            0 => Sha256::digest([]).into(),
            1 => leaves[0],
            n => {
                let k = split(n);
                node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
            }
        }
    }
    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }
    fn path(index: usize, leaves: &[[u8; 32]]) -> Vec<Vec<u8>> {
        if leaves.len() <= 1 {
            return Vec::new();
        }
        let k = split(leaves.len());
        if index < k {
            let mut p = path(index, &leaves[..k]);
            p.push(root(&leaves[k..]).to_vec());
            p
        } else {
            let mut p = path(index - k, &leaves[k..]);
            p.push(root(&leaves[..k]).to_vec());
            p
        }
    }
    (
        root(leaves),
        (0..leaves.len()).map(|i| path(i, leaves)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_of_every_small_tree_proves() {
        for size in 1..=17usize {
            let leaves: Vec<[u8; 32]> = (0..size).map(|i| leaf_hash(&[i as u8])).collect();
            let (root, paths) = tree(&leaves);
            for (i, path) in paths.iter().enumerate() {
                assert_eq!(
                    root_from_proof(i as u64, size as u64, leaves[i], path).unwrap(),
                    root,
                    "size {size} leaf {i}"
                );
                // Another leaf's hash or another index must not give the root.
                let other = leaf_hash(b"other");
                assert_ne!(
                    root_from_proof(i as u64, size as u64, other, path).ok(),
                    Some(root)
                );
                if size > 1 {
                    let j = (i + 1) % size;
                    assert_ne!(
                        root_from_proof(j as u64, size as u64, leaves[i], path).ok(),
                        Some(root),
                        "size {size} leaf {i} as {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn rfc6962_empty_and_single_leaf_hashes() {
        // RFC 6962 §2.1: MTH({}) = SHA-256(""); MTH({d0}) = SHA-256(0x00 || d0).
        assert_eq!(
            hex::encode(tree(&[]).0),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex::encode(leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn out_of_range_and_wrong_length_are_errors() {
        assert!(root_from_proof(3, 3, [0; 32], &[]).is_err());
        assert!(root_from_proof(0, 2, [0; 32], &[]).is_err());
        assert!(root_from_proof(0, 2, [0; 32], &[vec![0; 31]]).is_err());
        assert!(root_from_proof(0, 1, [0; 32], &[vec![0; 32]]).is_err());
    }
}
