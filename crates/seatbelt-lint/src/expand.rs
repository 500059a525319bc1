//! Dockerfile word processing: quote removal, escapes and variable substitution (`$VAR`,
//! `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`), as BuildKit
//! applies them to `FROM`, `ENV`, `LABEL`, `ARG`, `COPY`, `WORKDIR`, `USER` and the like.
//! Spec: <https://docs.docker.com/reference/dockerfile/#environment-replacement>.

/// A variable's value by name (`None`: unset).
pub type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Expands `word` with `lookup` (unset variables expand to nothing), removing quotes.
pub fn expand(word: &str, escape: char, lookup: &Lookup<'_>) -> String {
    process(word, escape, Some(lookup))
}

/// Removes quotes and escapes without substituting variables (they stay as written).
pub fn unquote(word: &str, escape: char) -> String {
    process(word, escape, None)
}

/// The one quote/escape walker behind [`expand`] and [`unquote`]; `lookup` is `None` when
/// variables stay as written (and a trailing lone escape is then dropped, as before).
fn process(word: &str, escape: char, lookup: Option<&Lookup<'_>>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => out.push(c),
            (None, '\'' | '"') => quote = Some(c),
            (_, c) if c == escape => {
                if let Some(&next) = chars.get(i) {
                    // Inside double quotes only `"`, `$` and the escape itself are escapable.
                    if quote.is_some() && !matches!(next, '"' | '$') && next != escape {
                        out.push(c);
                    }
                    out.push(next);
                    i += 1;
                } else if lookup.is_some() {
                    out.push(c);
                }
            }
            (_, '$') => match lookup {
                Some(lookup) => i = variable(&chars, i, &mut out, escape, lookup),
                None => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Whether the word refers to a variable (`$X` or `${X}`) outside single quotes.
pub fn has_variable(word: &str) -> bool {
    let mut single = false;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => single = !single,
            '\\' => {
                chars.next();
            }
            '$' if !single
                && chars
                    .peek()
                    .is_some_and(|n| *n == '{' || *n == '_' || n.is_ascii_alphanumeric()) =>
            {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Names of the variables the word refers to.
pub fn variables(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '$' {
            continue;
        }
        let braced = chars.get(i) == Some(&'{');
        let start = if braced { i + 1 } else { i };
        let mut end = start;
        while chars
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            end += 1;
        }
        if end > start {
            names.push(chars[start..end].iter().collect());
        }
        i = end;
    }
    names
}

/// Expands the variable whose `$` was just read; `i` points after the `$`. Returns the new index.
fn variable(
    chars: &[char],
    i: usize,
    out: &mut String,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> usize {
    let name_at = |start: usize| {
        let mut end = start;
        while chars
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            end += 1;
        }
        end
    };
    if chars.get(i) != Some(&'{') {
        let end = name_at(i);
        if end == i {
            out.push('$');
            return i;
        }
        let name: String = chars[i..end].iter().collect();
        out.push_str(&lookup(&name).unwrap_or_default());
        return end;
    }
    let start = i + 1;
    let end = name_at(start);
    let name: String = chars.get(start..end).unwrap_or_default().iter().collect();
    // Find the matching `}` (nested `${…}` in the default allowed).
    let mut depth = 1;
    let mut close = end;
    while let Some(&c) = chars.get(close) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        close += 1;
    }
    if close >= chars.len() {
        // Unterminated: keep the text as written.
        out.extend(chars.get(i - 1..).unwrap_or_default());
        return chars.len();
    }
    let modifier: String = chars[end..close].iter().collect();
    let value = lookup(&name);
    let word_of = |m: &str| expand(m, escape, lookup);
    let expanded = match modifier.as_str() {
        "" => value.unwrap_or_default(),
        m if m.starts_with(":-") => match value.filter(|v| !v.is_empty()) {
            Some(v) => v,
            None => word_of(&m[2..]),
        },
        m if m.starts_with('-') => value.unwrap_or_else(|| word_of(&m[1..])),
        m if m.starts_with(":+") => match value.filter(|v| !v.is_empty()) {
            Some(_) => word_of(&m[2..]),
            None => String::new(),
        },
        m if m.starts_with('+') => match value {
            Some(_) => word_of(&m[1..]),
            None => String::new(),
        },
        m if m.starts_with(":?") || m.starts_with('?') => value.unwrap_or_default(),
        _ => value.unwrap_or_default(),
    };
    out.push_str(&expanded);
    close + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn substitution_forms() {
        let cases = [
            ("$SET", "v"),
            ("${SET}x", "vx"),
            ("${UNSET:-d}", "d"),
            ("${EMPTY:-d}", "d"),
            ("${EMPTY-d}", ""),
            ("${UNSET-d}", "d"),
            ("${SET:+a}", "a"),
            ("${EMPTY:+a}", ""),
            ("${EMPTY+a}", "a"),
            ("${UNSET+a}", ""),
            ("'$SET'", "$SET"),
            ("\"$SET\"", "v"),
            ("\\$SET", "$SET"),
            ("${UNSET:-${SET}}", "v"),
            ("a$", "a$"),
            ("${SET", "${SET"),
        ];
        for (word, want) in cases {
            assert_eq!(expand(word, '\\', &env), want, "{word}");
        }
    }

    #[test]
    fn backtick_escape() {
        assert_eq!(expand("C:\\x`$SET", '`', &env), "C:\\x$SET");
    }

    #[test]
    fn variable_names() {
        assert_eq!(variables("${A:-x}$B/c"), ["A", "B"]);
        assert!(has_variable("${A}"));
        assert!(!has_variable("'$A'"));
    }
}
