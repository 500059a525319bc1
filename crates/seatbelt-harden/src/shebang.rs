//! `#!` lines: which interpreter a script asks the kernel for, and the one argument Linux passes.

/// A script's interpreter line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shebang {
    /// The interpreter path as written.
    pub interpreter: String,
    /// The optional argument (Linux passes everything after the path as one argument).
    pub argument: Option<String>,
}

/// Linux reads at most this many bytes of a `#!` line (`BINPRM_BUF_SIZE`, 256 since 5.1).
const MAX_SHEBANG_LINE: usize = 256;

/// Parses the start of a file; `None` when it has no usable `#!` line.
pub fn parse(data: &[u8]) -> Option<Shebang> {
    let rest = data.strip_prefix(b"#!")?;
    let head = rest.get(..rest.len().min(MAX_SHEBANG_LINE))?;
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim();
    let (interpreter, argument) = match line.split_once([' ', '\t']) {
        Some((i, a)) => (i, Some(a.trim().to_string()).filter(|a| !a.is_empty())),
        None => (line, None),
    };
    if interpreter.is_empty() {
        return None;
    }
    Some(Shebang {
        interpreter: interpreter.to_string(),
        argument,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            parse(b"#!/usr/bin/env python3\nprint()"),
            Some(Shebang {
                interpreter: "/usr/bin/env".into(),
                argument: Some("python3".into())
            })
        );
        assert_eq!(parse(b"#! /bin/sh\n").unwrap().interpreter, "/bin/sh");
        assert_eq!(parse(b"#!\n"), None);
        assert_eq!(parse(b"echo"), None);
        assert_eq!(parse(b"#!\xff\xfe"), None);
    }
}
