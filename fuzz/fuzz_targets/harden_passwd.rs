//! Arbitrary `/etc/passwd` and `/etc/group` content and a config `User`: the user plan always
//! runs the image as a non-root uid, and an added `nonroot` keeps every original line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // First line: the config's User; then passwd, and group after a NUL.
    let (user, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let (passwd, group) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let user = String::from_utf8_lossy(user);
    let plan = seatbelt_harden::users::plan(&user, Some(passwd), Some(group), "/sbin/nologin");
    assert_ne!(plan.uid, 0);
    if let Some(new) = &plan.passwd {
        let old = String::from_utf8_lossy(passwd);
        assert!(String::from_utf8_lossy(new).starts_with(old.as_ref()));
    }
});
