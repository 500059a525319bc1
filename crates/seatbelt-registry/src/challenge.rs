//! Parsing `WWW-Authenticate` headers (RFC 7235 §4.1): one or more challenges, each a scheme
//! followed by `name=value` parameters whose values are tokens or quoted strings with `\`
//! escapes. Registries send `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.

/// One challenge: a scheme (lowercased) and its parameters (names lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) scheme: String,
    pub(crate) params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of parameter `name` (case-insensitive), if present.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn skip_spaces_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.pos += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        (self.pos > start)
            .then(|| String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned())
    }

    /// An unquoted value. RFC 7235 allows only a token, but servers send bare URLs, so take
    /// everything up to the next comma or space.
    fn bare_value(&mut self) -> Option<String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !matches!(b, b',' | b' ' | b'\t' | b'"'))
        {
            self.pos += 1;
        }
        (self.pos > start)
            .then(|| String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned())
    }

    /// A quoted string, the cursor on its opening quote.
    fn quoted(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("a quoted string is not terminated".to_string()),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b) => out.push(b),
                        None => return Err("a quoted string ends in a backslash".to_string()),
                    }
                    self.pos += 1;
                }
                Some(b) => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
    }
}

/// Parses a `WWW-Authenticate` header value into its challenges.
pub(crate) fn parse(header: &str) -> Result<Vec<Challenge>, String> {
    let mut c = Cursor {
        bytes: header.as_bytes(),
        pos: 0,
    };
    let mut challenges = Vec::new();
    loop {
        c.skip_spaces_and_commas();
        if c.peek().is_none() {
            break;
        }
        let Some(scheme) = c.token() else {
            return Err(format!("unexpected character at offset {}", c.pos));
        };
        let mut challenge = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: Vec::new(),
        };
        loop {
            c.skip_spaces_and_commas();
            let start = c.pos;
            let Some(name) = c.token() else {
                // A token68 (`Negotiate abc==`) or the end; registries do not use token68.
                while c.peek().is_some_and(|b| b != b',') {
                    c.pos += 1;
                }
                break;
            };
            c.skip_spaces();
            if c.peek() != Some(b'=') {
                // Not `name=`: this token starts the next challenge.
                c.pos = start;
                break;
            }
            c.pos += 1;
            c.skip_spaces();
            let value = match c.peek() {
                Some(b'"') => c.quoted()?,
                _ => match c.bare_value() {
                    Some(v) => v,
                    // `abc=` with nothing after it is the tail of a token68.
                    None => continue,
                },
            };
            challenge.params.push((name.to_ascii_lowercase(), value));
        }
        challenges.push(challenge);
    }
    Ok(challenges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_style_bearer() {
        let h = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/debian:pull""#;
        let cs = parse(h).unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].scheme, "bearer");
        assert_eq!(cs[0].param("realm"), Some("https://auth.docker.io/token"));
        assert_eq!(cs[0].param("SERVICE"), Some("registry.docker.io"));
        assert_eq!(cs[0].param("scope"), Some("repository:library/debian:pull"));
    }

    #[test]
    fn several_challenges_tokens_and_escapes() {
        let h = r#"Basic realm="a \"quoted\" \\ realm", charset=UTF-8 , Bearer realm=http://x/t,service="s, with comma""#;
        let cs = parse(h).unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].scheme, "basic");
        assert_eq!(cs[0].param("realm"), Some(r#"a "quoted" \ realm"#));
        assert_eq!(cs[0].param("charset"), Some("UTF-8"));
        assert_eq!(cs[1].scheme, "bearer");
        assert_eq!(cs[1].param("realm"), Some("http://x/t"));
        assert_eq!(cs[1].param("service"), Some("s, with comma"));
    }

    #[test]
    fn bare_schemes_token68_and_empty() {
        assert_eq!(parse("").unwrap(), vec![]);
        let cs = parse("Negotiate abc==, Basic").unwrap();
        assert_eq!(
            cs.iter().map(|c| c.scheme.as_str()).collect::<Vec<_>>(),
            ["negotiate", "basic"]
        );
        let cs = parse("BEARER   realm = \"r\"").unwrap();
        assert_eq!(cs[0].param("realm"), Some("r"));
    }

    #[test]
    fn malformed_headers_are_errors_not_panics() {
        assert!(parse(r#"Bearer realm="unterminated"#).is_err());
        assert!(parse(r#"Bearer realm="x\"#).is_err());
        assert!(parse("=oops").is_err());
        // Arbitrary bytes never panic.
        for s in ["\"", "a=\"", ",,,", "a b c", "a=b=c", "\u{00e9}=x"] {
            let _ = parse(s);
        }
    }
}
