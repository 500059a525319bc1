//! Arbitrary bytes as a manifest or index: parsing and platform selection must end in a value
//! or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_image::manifest::{parse, select_platform, Parsed};
use seatbelt_image::media_types::{DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST};
use seatbelt_image::Platform;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the media type the bytes were "served" with.
    let (declared, bytes) = match data.split_first() {
        Some((b, rest)) => (
            [None, Some(OCI_MANIFEST), Some(OCI_INDEX), Some(DOCKER_MANIFEST), Some(DOCKER_MANIFEST_LIST)]
                [usize::from(*b) % 5],
            rest,
        ),
        None => (None, data),
    };
    if let Ok((Parsed::Index(index), _)) = parse(bytes, declared, "fuzz", 4 * 1024 * 1024) {
        for wanted in ["linux/amd64", "linux/arm64", "linux/arm/v7", "windows/amd64"] {
            if let Ok(platform) = wanted.parse::<Platform>() {
                let _ = select_platform(&index, &platform, "fuzz");
            }
        }
    }
});
