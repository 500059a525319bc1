//! The Dockerfile parser.
//!
//! Hand-written on purpose. The crates.io candidates do not read today's BuildKit syntax with
//! positions: `dockerfile-parser` (a pest grammar, unmaintained since 2021) has no heredocs and
//! drops the `# escape=` directive; `dockerfile-parser-rs` only recognises the literal `<<EOF`;
//! the others are applications, not libraries. BuildKit's own reference parser (Go) is the model:
//! directives at the top, logical lines joined at the escape character, comment and blank lines
//! inside a continuation dropped, then per-instruction argument grammars and heredoc bodies.
//! Spec: <https://docs.docker.com/reference/dockerfile/>.

mod error;
pub(crate) mod words;

pub use error::ParseError;

use crate::ast::{
    ArgDecl, Args, Command, Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, Item,
    KeyValue, Keyword, Position, SourceMap, Span,
};

/// The largest Dockerfile read. Real ones are a few KiB; generated ones reach a few hundred. The
/// limit bounds the memory the tree and its source maps take for hostile input.
pub const MAX_DOCKERFILE_BYTES: usize = 8 << 20;

/// Parses a Dockerfile.
pub fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    if source.len() > MAX_DOCKERFILE_BYTES {
        return Err(ParseError::TooLarge {
            size: source.len(),
            limit: MAX_DOCKERFILE_BYTES,
        });
    }
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let lines = source
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    let mut parser = Parser {
        lines,
        next: 0,
        escape: '\\',
    };
    let directives = parser.directives()?;
    let mut items = Vec::new();
    while let Some(item) = parser.item()? {
        items.push(item);
    }
    Ok(Dockerfile {
        directives,
        escape: parser.escape,
        items,
    })
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    /// Index of the next unread line.
    next: usize,
    escape: char,
}

/// A heredoc marker found on an instruction line.
struct Marker {
    delimiter: String,
    strip_tabs: bool,
    quoted: bool,
    offset: usize,
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn column_of(text: &str, byte: usize) -> u32 {
    let chars = text.get(..byte).map_or(0, |prefix| prefix.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// `# name=value` at the top of the file.
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix('#')?.trim_start();
    let name_end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_end);
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = after.trim_start().strip_prefix('=')?;
    Some((name, value.trim()))
}

/// The line without its trailing escape character, and whether it continues.
fn strip_continuation(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end();
    match trimmed.strip_suffix(escape) {
        Some(content) => (content, true),
        None => (trimmed, false),
    }
}

impl Parser<'_> {
    fn directives(&mut self) -> Result<Vec<Directive>, ParseError> {
        let mut directives: Vec<Directive> = Vec::new();
        while let Some(line) = self.lines.get(self.next) {
            let Some((name, value)) = directive(line) else {
                break;
            };
            let name = name.to_ascii_lowercase();
            // Unknown or repeated directives are plain comments, and end the directive block.
            if !matches!(name.as_str(), "syntax" | "escape" | "check")
                || directives.iter().any(|d| d.name == name)
            {
                break;
            }
            let line_no = line_number(self.next);
            if name == "escape" {
                self.escape = match value {
                    "\\" => '\\',
                    "`" => '`',
                    _ => {
                        return Err(ParseError::BadEscape {
                            value: value.to_string(),
                            line: line_no,
                        })
                    }
                };
            }
            directives.push(Directive {
                name,
                value: value.to_string(),
                span: Span {
                    start: Position {
                        line: line_no,
                        column: 1,
                    },
                    end: Position {
                        line: line_no,
                        column: column_of(line, line.len()),
                    },
                },
            });
            self.next += 1;
        }
        Ok(directives)
    }

    fn item(&mut self) -> Result<Option<Item>, ParseError> {
        while let Some(line) = self.lines.get(self.next) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() {
                self.next += 1;
                continue;
            }
            if let Some(text) = trimmed.strip_prefix('#') {
                let line_no = line_number(self.next);
                let start = Position {
                    line: line_no,
                    column: column_of(line, line.len() - trimmed.len()),
                };
                self.next += 1;
                return Ok(Some(Item::Comment(Comment {
                    text: text.to_string(),
                    span: Span {
                        start,
                        end: Position {
                            line: line_no,
                            column: column_of(line, line.len()),
                        },
                    },
                })));
            }
            return self.instruction().map(|i| Some(Item::Instruction(i)));
        }
        Ok(None)
    }

    /// Joins the continuation lines of one instruction into its source map.
    fn logical_line(&mut self) -> SourceMap {
        let mut source = SourceMap::default();
        while let Some(line) = self.lines.get(self.next) {
            let index = self.next;
            self.next += 1;
            let (body, lead) = if source.pieces.is_empty() {
                let trimmed = line.trim_start();
                (trimmed, line.len() - trimmed.len())
            } else {
                (*line, 0)
            };
            let (content, continued) = strip_continuation(body, self.escape);
            source.pieces.push((
                source.text.len(),
                Position {
                    line: line_number(index),
                    column: column_of(line, lead),
                },
            ));
            source.text.push_str(content);
            if !continued {
                break;
            }
            // BuildKit drops comment and empty lines inside a continued instruction.
            while let Some(next) = self.lines.get(self.next) {
                let t = next.trim_start();
                if t.is_empty() || t.starts_with('#') {
                    self.next += 1;
                } else {
                    break;
                }
            }
        }
        source
    }

    fn instruction(&mut self) -> Result<Instruction, ParseError> {
        let source = self.logical_line();
        let text = source.text.as_str();
        let keyword_end = text.find(char::is_whitespace).unwrap_or(text.len());
        let word = &text[..keyword_end];
        let Some(keyword) = Keyword::parse(word) else {
            let at = source.position(0);
            return Err(ParseError::UnknownInstruction {
                keyword: word.chars().take(64).collect(),
                line: at.line,
                column: at.column,
            });
        };
        let body = self.body(keyword, &source, keyword_end)?;
        let mut heredocs = Vec::with_capacity(body.markers.len());
        for marker in body.markers {
            heredocs.push(self.heredoc(marker, &source)?);
        }
        let start = source.position(0);
        let last = self.next.saturating_sub(1);
        let end = Position {
            line: line_number(last),
            column: self
                .lines
                .get(last)
                .map_or(1, |line| column_of(line, line.len())),
        };
        Ok(Instruction {
            keyword,
            flags: body.flags,
            args: body.args,
            heredocs,
            span: Span { start, end },
            source,
            args_offset: body.args_offset,
        })
    }

    fn heredoc(&mut self, marker: Marker, source: &SourceMap) -> Result<Heredoc, ParseError> {
        let body_line = line_number(self.next);
        let mut body = String::new();
        loop {
            let Some(line) = self.lines.get(self.next) else {
                let at = source.position(marker.offset);
                return Err(ParseError::UnterminatedHeredoc {
                    delimiter: marker.delimiter,
                    line: at.line,
                    column: at.column,
                });
            };
            self.next += 1;
            let compared = if marker.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if compared == marker.delimiter {
                break;
            }
            body.push_str(line);
            body.push('\n');
        }
        Ok(Heredoc {
            delimiter: marker.delimiter,
            strip_tabs: marker.strip_tabs,
            quoted: marker.quoted,
            body,
            body_line,
        })
    }

    /// Flags, arguments and heredoc markers of `keyword`, whose arguments start at `start`.
    fn body(&self, keyword: Keyword, source: &SourceMap, start: usize) -> Result<Body, ParseError> {
        let text = source.text.as_str();
        let mut pos = skip_space(text, start);
        let mut flags = Vec::new();
        if keyword.takes_flags() {
            while text[pos..].starts_with("--") {
                let word = self.words(source, pos)?;
                let Some(first) = word.first() else { break };
                let raw = &first.0;
                let flag = raw.trim_start_matches('-');
                let (name, value) = match flag.split_once('=') {
                    Some((name, value)) => (name.to_string(), Some(value.to_string())),
                    None => (flag.to_string(), None),
                };
                flags.push(Flag {
                    name,
                    value,
                    offset: pos,
                });
                pos = skip_space(text, pos + raw.len());
            }
        }
        let args_text = text[pos..].trim_end();
        let at = source.position(start.min(text.len()));
        let missing = |what: &'static str| ParseError::MissingArguments {
            instruction: keyword.as_str(),
            what,
            line: at.line,
            column: at.column,
        };
        let bad = |problem: String, offset: usize| {
            let at = source.position(offset);
            ParseError::BadArguments {
                instruction: keyword.as_str(),
                problem,
                line: at.line,
                column: at.column,
            }
        };
        let mut markers = Vec::new();
        let args = match keyword {
            Keyword::From => {
                let words = self.words(source, pos)?;
                match words.as_slice() {
                    [] => return Err(missing("an image")),
                    [(image, _)] => Args::From {
                        image: image.clone(),
                        alias: None,
                    },
                    [(image, _), (as_word, _), (alias, _)]
                        if as_word.eq_ignore_ascii_case("as") =>
                    {
                        Args::From {
                            image: image.clone(),
                            alias: Some(alias.clone()),
                        }
                    }
                    [_, (_, offset), ..] => {
                        return Err(bad(
                            "expected `FROM image` or `FROM image AS name`".into(),
                            *offset,
                        ))
                    }
                }
            }
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
                if args_text.is_empty() && matches!(keyword, Keyword::Run | Keyword::Shell) {
                    return Err(missing("a command"));
                }
                let command = command(args_text);
                if keyword == Keyword::Run {
                    if let Command::Shell(shell) = &command {
                        markers = shell_markers(shell, pos);
                    }
                }
                Args::Command(command)
            }
            Keyword::Healthcheck => {
                let first_end = args_text
                    .find(char::is_whitespace)
                    .unwrap_or(args_text.len());
                let (first, rest) = args_text.split_at(first_end);
                if first.eq_ignore_ascii_case("none") {
                    Args::Healthcheck(None)
                } else if first.eq_ignore_ascii_case("cmd") {
                    let rest = rest.trim();
                    if rest.is_empty() {
                        return Err(missing("a command after CMD"));
                    }
                    Args::Healthcheck(Some(command(rest)))
                } else if first.is_empty() {
                    return Err(missing("NONE or CMD"));
                } else {
                    return Err(bad(format!("expected NONE or CMD, found {first:?}"), pos));
                }
            }
            Keyword::Env | Keyword::Label => {
                let words = self.words(source, pos)?;
                let Some((first, _)) = words.first() else {
                    return Err(missing("name=value pairs"));
                };
                if first.contains('=') {
                    let mut pairs = Vec::with_capacity(words.len());
                    for (word, offset) in &words {
                        let Some((key, value)) = word.split_once('=') else {
                            return Err(bad(
                                format!("{word:?} has no `=`; write name=value"),
                                *offset,
                            ));
                        };
                        pairs.push(KeyValue {
                            key: key.to_string(),
                            value: value.to_string(),
                            legacy: false,
                        });
                    }
                    Args::Pairs(pairs)
                } else {
                    let value = args_text[first.len()..].trim();
                    if value.is_empty() {
                        return Err(missing("a value (name=value)"));
                    }
                    Args::Pairs(vec![KeyValue {
                        key: first.clone(),
                        value: value.to_string(),
                        legacy: true,
                    }])
                }
            }
            Keyword::Arg => {
                let words = self.words(source, pos)?;
                if words.is_empty() {
                    return Err(missing("a name"));
                }
                Args::Arg(
                    words
                        .into_iter()
                        .map(|(word, _)| match word.split_once('=') {
                            Some((name, default)) => ArgDecl {
                                name: name.to_string(),
                                default: Some(default.to_string()),
                            },
                            None => ArgDecl {
                                name: word,
                                default: None,
                            },
                        })
                        .collect(),
                )
            }
            Keyword::Maintainer | Keyword::User | Keyword::Workdir | Keyword::Stopsignal => {
                if args_text.is_empty() {
                    return Err(missing("an argument"));
                }
                Args::Text(args_text.to_string())
            }
            Keyword::Expose | Keyword::Volume | Keyword::Add | Keyword::Copy => {
                let json = if matches!(keyword, Keyword::Expose) {
                    None
                } else {
                    json_array(args_text)
                };
                let (words, json) = match json {
                    Some(words) => (words, true),
                    None => {
                        let words = self.words(source, pos)?;
                        if matches!(keyword, Keyword::Add | Keyword::Copy) {
                            for (word, offset) in &words {
                                if word.starts_with("<<") {
                                    if let Some((marker, _)) = heredoc_marker(word, *offset) {
                                        markers.push(marker);
                                    }
                                }
                            }
                        }
                        (words.into_iter().map(|(w, _)| w).collect(), false)
                    }
                };
                let needed = if matches!(keyword, Keyword::Add | Keyword::Copy) {
                    2
                } else {
                    1
                };
                if words.len() < needed {
                    return Err(missing(if needed == 2 {
                        "a source and a destination"
                    } else {
                        "an argument"
                    }));
                }
                Args::Words { words, json }
            }
            Keyword::Onbuild => {
                if args_text.is_empty() {
                    return Err(missing("an instruction"));
                }
                let inner_end = text[pos..]
                    .find(char::is_whitespace)
                    .map_or(text.len(), |e| pos + e);
                let word = &text[pos..inner_end];
                let Some(inner_keyword) = Keyword::parse(word) else {
                    let at = source.position(pos);
                    return Err(ParseError::UnknownInstruction {
                        keyword: word.chars().take(64).collect(),
                        line: at.line,
                        column: at.column,
                    });
                };
                if inner_keyword == Keyword::Onbuild {
                    return Err(bad("ONBUILD cannot trigger ONBUILD".into(), pos));
                }
                let inner = self.body(inner_keyword, source, inner_end)?;
                Args::Onbuild(Box::new(Instruction {
                    keyword: inner_keyword,
                    flags: inner.flags,
                    args: inner.args,
                    heredocs: Vec::new(),
                    span: Span::default(),
                    source: SourceMap::default(),
                    args_offset: inner.args_offset,
                }))
            }
        };
        Ok(Body {
            flags,
            args,
            args_offset: pos,
            markers,
        })
    }

    /// Raw words of the text from `pos`, with their offsets.
    fn words(&self, source: &SourceMap, pos: usize) -> Result<Vec<(String, usize)>, ParseError> {
        let text = source.text.get(pos..).unwrap_or_default();
        match words::split(text, self.escape) {
            Ok(words) => Ok(words
                .into_iter()
                .map(|w| (w.text.to_string(), pos + w.offset))
                .collect()),
            Err(open) => {
                let at = source.position(pos + open.offset);
                Err(ParseError::UnterminatedQuote {
                    quote: open.quote,
                    line: at.line,
                    column: at.column,
                })
            }
        }
    }
}

struct Body {
    flags: Vec<Flag>,
    args: Args,
    args_offset: usize,
    markers: Vec<Marker>,
}

fn skip_space(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or_default();
    pos + (rest.len() - rest.trim_start().len())
}

/// A JSON array of strings, as exec-form arguments are written.
fn json_array(text: &str) -> Option<Vec<String>> {
    if !text.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(text).ok()
}

/// Exec form when the text is a JSON array of strings, shell form otherwise (as BuildKit does).
fn command(text: &str) -> Command {
    match json_array(text) {
        Some(words) => Command::Exec(words),
        None => Command::Shell(text.to_string()),
    }
}

/// A heredoc marker (`<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`) at the start of `text`, and its length.
fn heredoc_marker(text: &str, offset: usize) -> Option<(Marker, usize)> {
    let rest = text.strip_prefix("<<")?;
    if rest.starts_with('<') {
        return None;
    }
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
    let rest = match quote {
        Some(q) => &rest[q.len_utf8()..],
        None => rest,
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    let delimiter = &rest[..end];
    if delimiter.is_empty() || delimiter.starts_with('-') {
        return None;
    }
    let mut consumed = text.len() - rest.len() + end;
    if let Some(q) = quote {
        if !rest[end..].starts_with(q) {
            return None;
        }
        consumed += q.len_utf8();
    }
    Some((
        Marker {
            delimiter: delimiter.to_string(),
            strip_tabs,
            quoted: quote.is_some(),
            offset,
        },
        consumed,
    ))
}

/// Heredoc markers in shell text, outside quotes, in order.
fn shell_markers(text: &str, base: usize) -> Vec<Marker> {
    let mut markers = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\\') => {
                chars.next();
            }
            (None, '\'' | '"') => quote = Some(c),
            (None, '<') if text[i..].starts_with("<<") => {
                if let Some((marker, consumed)) = heredoc_marker(&text[i..], base + i) {
                    markers.push(marker);
                    while chars.peek().is_some_and(|(j, _)| *j < i + consumed) {
                        chars.next();
                    }
                } else {
                    // Skip the whole `<<<` or `<< ` run so its second `<` is not read again.
                    while chars.peek().is_some_and(|(_, c)| *c == '<') {
                        chars.next();
                    }
                }
            }
            _ => {}
        }
    }
    markers
}

#[cfg(test)]
mod tests;
