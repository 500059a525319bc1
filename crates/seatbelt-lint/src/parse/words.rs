//! Splitting instruction arguments into words the way BuildKit does: whitespace separates words
//! except inside quotes or after the escape character; quotes and escapes are kept in the raw text.

/// A word and where it starts in the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawWord<'a> {
    /// Byte offset in the text.
    pub(crate) offset: usize,
    /// The word as written.
    pub(crate) text: &'a str,
}

/// An unterminated quote: which one and where it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenQuote {
    pub(crate) quote: char,
    pub(crate) offset: usize,
}

/// Splits `text` into raw words.
pub(crate) fn split(text: &str, escape: char) -> Result<Vec<RawWord<'_>>, OpenQuote> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<(char, usize)> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if let Some((q, _)) = quote {
            if c == escape && q == '"' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push(RawWord {
                    offset: s,
                    text: &text[s..i],
                });
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        if c == escape {
            chars.next();
        } else if c == '"' || c == '\'' {
            quote = Some((c, i));
        }
    }
    if let Some((q, offset)) = quote {
        return Err(OpenQuote { quote: q, offset });
    }
    if let Some(s) = start {
        words.push(RawWord {
            offset: s,
            text: &text[s..],
        });
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, escape: char) -> Vec<&str> {
        split(text, escape)
            .unwrap()
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn quotes_and_escapes_keep_words_together() {
        assert_eq!(
            texts(r#"a="b c" d\ e 'f g'"#, '\\'),
            [r#"a="b c""#, r"d\ e", "'f g'"]
        );
        assert_eq!(texts("C:\\dir a` b", '`'), ["C:\\dir", "a` b"]);
    }

    #[test]
    fn open_quote_is_an_error() {
        assert_eq!(
            split("a 'b", '\\'),
            Err(OpenQuote {
                quote: '\'',
                offset: 2
            })
        );
    }
}
