//! `/etc/passwd` and `/etc/group`: find a configured user, or add the unprivileged `nonroot`.

/// The uid and gid hardening runs the app as when the image runs as root (distroless's
/// `nonroot`, which Kubernetes policies commonly expect).
pub const NONROOT_ID: u64 = 65532;

/// The user the hardened image runs as.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserPlan {
    /// Name.
    pub name: String,
    /// uid.
    pub uid: u64,
    /// gid.
    pub gid: u64,
    /// The config's `User` value to write.
    pub config_user: String,
    /// Whether hardening added it (false: the image already ran as a non-root user).
    pub added: bool,
    /// New `/etc/passwd` content, when it changes.
    #[serde(skip)]
    pub passwd: Option<Vec<u8>>,
    /// New `/etc/group` content, when it changes.
    #[serde(skip)]
    pub group: Option<Vec<u8>>,
}

/// One `name:x:uid:gid:…` line's first four fields.
fn parse_line(line: &str) -> Option<(&str, u64, u64)> {
    let mut f = line.split(':');
    let name = f.next()?;
    let _password = f.next()?;
    let uid = f.next()?.parse().ok()?;
    let gid = f.next().and_then(|g| g.parse().ok()).unwrap_or(uid);
    Some((name, uid, gid))
}

/// Decides the user: keeps a configured non-root `User`, else adds (or reuses) `nonroot`.
pub fn plan(
    config_user: &str,
    passwd: Option<&[u8]>,
    group: Option<&[u8]>,
    nologin: &str,
) -> UserPlan {
    let passwd_text = passwd.map(String::from_utf8_lossy).unwrap_or_default();
    let (user_part, group_part) = config_user
        .split_once(':')
        .map_or((config_user, None), |(u, g)| (u, Some(g)));
    if !user_part.is_empty() && user_part != "root" && user_part != "0" {
        let found = passwd_text
            .lines()
            .filter_map(parse_line)
            .find(|(name, uid, _)| *name == user_part || uid.to_string() == user_part);
        let uid = found.map(|f| f.1).or_else(|| user_part.parse().ok());
        if let Some(uid) = uid.filter(|&u| u != 0) {
            let gid = group_part
                .and_then(|g| g.parse().ok())
                .or(found.map(|f| f.2))
                .unwrap_or(uid);
            return UserPlan {
                name: found.map_or_else(|| user_part.to_string(), |f| f.0.to_string()),
                uid,
                gid,
                config_user: config_user.to_string(),
                added: false,
                passwd: None,
                group: None,
            };
        }
    }
    // Reuse whatever name already has the uid; never take over a `nonroot` name that another
    // uid holds (that user would then own the app's files).
    let existing = passwd_text
        .lines()
        .filter_map(parse_line)
        .find(|(_, uid, _)| *uid == NONROOT_ID);
    let taken = |candidate: &str| {
        passwd_text
            .lines()
            .filter_map(parse_line)
            .any(|(name, _, _)| name == candidate)
    };
    let new_name = ["nonroot", "seatbelt-nonroot", "nonroot-65532"]
        .into_iter()
        .find(|n| !taken(n))
        .unwrap_or("nonroot-65532");
    let mut new_passwd = None;
    let mut new_group = None;
    let name = match existing {
        Some((name, _, _)) => name.to_string(),
        None => {
            let mut text = passwd_text.to_string();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!(
                "{new_name}:x:{NONROOT_ID}:{NONROOT_ID}:nonroot:/nonexistent:{nologin}\n"
            ));
            new_passwd = Some(text.into_bytes());
            new_name.to_string()
        }
    };
    let group_text = group.map(String::from_utf8_lossy).unwrap_or_default();
    if !group_text
        .lines()
        .filter_map(parse_line)
        .any(|(_, gid, _)| gid == NONROOT_ID)
    {
        let mut text = group_text.to_string();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let group_taken = |candidate: &str| {
            group_text
                .lines()
                .filter_map(parse_line)
                .any(|(n, _, _)| n == candidate)
        };
        let group_name = ["nonroot", "seatbelt-nonroot", "nonroot-65532"]
            .into_iter()
            .find(|n| !group_taken(n))
            .unwrap_or("nonroot-65532");
        text.push_str(&format!("{group_name}:x:{NONROOT_ID}:\n"));
        new_group = Some(text.into_bytes());
    }
    UserPlan {
        name,
        uid: NONROOT_ID,
        gid: NONROOT_ID,
        config_user: format!("{NONROOT_ID}:{NONROOT_ID}"),
        added: true,
        passwd: new_passwd,
        group: new_group,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_nonroot_for_root() {
        let p = plan(
            "",
            Some(b"root:x:0:0:root:/root:/bin/bash\n"),
            Some(b"root:x:0:\n"),
            "/usr/sbin/nologin",
        );
        assert!(p.added);
        assert_eq!(p.config_user, "65532:65532");
        let passwd = String::from_utf8(p.passwd.unwrap()).unwrap();
        assert!(passwd.ends_with("nonroot:x:65532:65532:nonroot:/nonexistent:/usr/sbin/nologin\n"));
        assert!(String::from_utf8(p.group.unwrap())
            .unwrap()
            .contains("nonroot:x:65532:"));
    }

    #[test]
    fn never_takes_over_a_nonroot_name_held_by_another_uid() {
        let p = plan(
            "",
            Some(b"root:x:0:0::/:/bin/sh\nnonroot:x:1000:1000::/:/bin/sh\n"),
            Some(b"nonroot:x:1000:\n"),
            "/sbin/nologin",
        );
        assert_eq!((p.uid, p.name.as_str()), (65532, "seatbelt-nonroot"));
        let passwd = String::from_utf8(p.passwd.unwrap()).unwrap();
        assert!(passwd.contains("\nseatbelt-nonroot:x:65532:65532:"));
        assert!(String::from_utf8(p.group.unwrap())
            .unwrap()
            .ends_with("seatbelt-nonroot:x:65532:\n"));
        let reuse = plan("", Some(b"nobody2:x:65532:65532::/:/x\n"), None, "/x");
        assert_eq!(reuse.name, "nobody2");
        assert!(reuse.passwd.is_none());
    }

    #[test]
    fn keeps_a_configured_user() {
        let p = plan(
            "app",
            Some(b"root:x:0:0::/:/bin/sh\napp:x:1000:1001::/:/bin/sh\n"),
            None,
            "/sbin/nologin",
        );
        assert!(!p.added);
        assert_eq!((p.uid, p.gid), (1000, 1001));
        let root = plan(
            "0:0",
            Some(b"root:x:0:0::/:/bin/sh\n"),
            None,
            "/sbin/nologin",
        );
        assert!(root.added);
    }
}
