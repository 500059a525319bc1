//! Arbitrary text as a `.seatbelt.yaml` / `.hadolint.yaml`: parsing ends in a config or an
//! error naming the file, never a panic or unbounded expansion (alias bombs included). Half
//! the inputs go through `load_config`'s lookup instead: the bytes (UTF-8 or not) are written
//! under one of the names it looks for, in a directory where an earlier name may be a
//! directory rather than a file, and the config must come from the file written.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use seatbelt_findings::{load_config, Config, CONFIG_FILE_NAMES};

/// One scratch directory per fuzzing process.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("seatbelt-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

fn lookup(selector: u8, data: &[u8]) {
    let dir = scratch();
    for name in CONFIG_FILE_NAMES {
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&path);
    }
    let index = usize::from(selector & 0b11) % CONFIG_FILE_NAMES.len();
    let name = CONFIG_FILE_NAMES[index];
    std::fs::write(dir.join(name), data).expect("write the config file");
    // A directory under a name looked for first must be passed over, not read.
    if selector & 0b100 != 0 && index > 0 {
        std::fs::create_dir(dir.join(CONFIG_FILE_NAMES[0])).expect("shadow directory");
    }
    match load_config(None, dir) {
        Ok(config) => assert_eq!(config.source.as_deref(), Some(dir.join(name).as_path())),
        Err(err) => assert!(err.to_string().contains(name), "{err}"),
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((selector, rest)) if selector & 0x80 != 0 => lookup(*selector, rest),
        _ => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            if let Err(err) = Config::parse(text, Path::new(".seatbelt.yaml")) {
                assert!(err.to_string().contains(".seatbelt.yaml"));
            }
        }
    }
});
