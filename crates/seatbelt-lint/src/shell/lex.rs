//! The POSIX-sh tokenizer behind [`super::split`]: words (quotes removed, expansions kept as
//! written and marked dynamic), operators, and here-document bodies skipped.
//! Grammar: <https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html>.

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A word.
    Word(super::Word),
    /// An operator (`&&`, `||`, `;`, `;;`, `|`, `&`, `\n`, `(`, `)`, or a redirection).
    Op(&'static str, usize),
    /// Something the tokenizer could not read (an unterminated quote or substitution).
    Broken(&'static str, usize),
}

const OPERATORS: [&str; 16] = [
    "&&", "||", ";;", "<<-", "<<", ">>", ">&", "<&", "&>", ">|", "<>", ";", "|", "&", "<", ">",
];

/// Splits `text` into tokens.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        out: Vec::new(),
        pending_heredocs: Vec::new(),
    };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<Token>,
    /// Delimiters of `<<` redirections whose bodies start after the next newline.
    pending_heredocs: Vec<(String, bool)>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\\' if self.rest().starts_with("\\\n") => self.pos += 2,
                '\n' => {
                    self.out.push(Token::Op("\n", self.pos));
                    self.pos += 1;
                    self.heredoc_bodies();
                }
                '#' => {
                    let end = self.rest().find('\n').unwrap_or(self.rest().len());
                    self.pos += end;
                }
                '(' => {
                    self.out.push(Token::Op("(", self.pos));
                    self.pos += 1;
                }
                ')' => {
                    self.out.push(Token::Op(")", self.pos));
                    self.pos += 1;
                }
                _ => {
                    if let Some(op) = OPERATORS.iter().find(|op| self.rest().starts_with(**op)) {
                        self.out.push(Token::Op(op, self.pos));
                        self.pos += op.len();
                        if op.starts_with("<<") {
                            self.heredoc_delimiter(*op == "<<-");
                        }
                    } else {
                        self.word();
                    }
                }
            }
        }
    }

    fn heredoc_delimiter(&mut self, strip_tabs: bool) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        let before = self.out.len();
        self.word();
        if let Some(Token::Word(word)) = self.out.get(before) {
            self.pending_heredocs.push((word.text.clone(), strip_tabs));
        }
    }

    /// Skips the bodies of here-documents opened on the line just ended: they are data.
    fn heredoc_bodies(&mut self) {
        for (delimiter, strip_tabs) in std::mem::take(&mut self.pending_heredocs) {
            loop {
                let rest = self.rest();
                if rest.is_empty() {
                    return;
                }
                let end = rest.find('\n').map_or(rest.len(), |e| e + 1);
                let line = rest[..end].trim_end_matches(['\n', '\r']);
                let line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                let done = line == delimiter;
                self.pos += end;
                if done {
                    break;
                }
            }
        }
    }

    fn word(&mut self) {
        let start = self.pos;
        let mut text = String::new();
        let mut dynamic = false;
        let mut quoted = false;
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>' => break,
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(next) => {
                            quoted = true;
                            text.push(next);
                            self.pos += next.len_utf8();
                        }
                        None => text.push('\\'),
                    }
                }
                '\'' => {
                    quoted = true;
                    self.pos += 1;
                    match self.rest().find('\'') {
                        Some(end) => {
                            text.push_str(&self.rest()[..end]);
                            self.pos += end + 1;
                        }
                        None => {
                            self.out
                                .push(Token::Broken("an unterminated ' quote", start));
                            self.pos = self.text.len();
                            return;
                        }
                    }
                }
                '"' => {
                    quoted = true;
                    self.pos += 1;
                    if !self.double_quoted(&mut text, &mut dynamic) {
                        self.out
                            .push(Token::Broken("an unterminated \" quote", start));
                        self.pos = self.text.len();
                        return;
                    }
                }
                '$' | '`' => {
                    dynamic = true;
                    if !self.substitution(&mut text) {
                        self.out
                            .push(Token::Broken("an unterminated substitution", start));
                        self.pos = self.text.len();
                        return;
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        // `2>` and `2>&1`: a number right before a redirection is a file descriptor.
        if !quoted
            && !text.is_empty()
            && text.chars().all(|c| c.is_ascii_digit())
            && matches!(self.peek(), Some('<' | '>'))
        {
            return;
        }
        self.out.push(Token::Word(super::Word {
            text,
            offset: start,
            dynamic,
            quoted,
        }));
    }

    /// Reads up to the closing `"`; false when it never comes.
    fn double_quoted(&mut self, text: &mut String, dynamic: &mut bool) -> bool {
        while let Some(c) = self.peek() {
            match c {
                '"' => {
                    self.pos += 1;
                    return true;
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(next @ ('$' | '`' | '"' | '\\')) => {
                            text.push(next);
                            self.pos += 1;
                        }
                        Some('\n') => self.pos += 1,
                        _ => text.push('\\'),
                    }
                }
                '$' | '`' => {
                    *dynamic = true;
                    if !self.substitution(text) {
                        return false;
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        false
    }

    /// Copies `$name`, `${…}`, `$(…)`, `$((…))` or `` `…` `` as written; false when unterminated.
    fn substitution(&mut self, text: &mut String) -> bool {
        let rest = self.rest();
        let (open, close) = if rest.starts_with("$(") {
            ('(', ')')
        } else if rest.starts_with("${") {
            ('{', '}')
        } else if let Some(inner) = rest.strip_prefix('`') {
            let Some(end) = inner.find('`') else {
                return false;
            };
            text.push_str(&rest[..end + 2]);
            self.pos += end + 2;
            return true;
        } else {
            // `$name`, `$1`, `$?`, or a lone `$`.
            let name_len = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len() - 1);
            let len = if name_len == 0 {
                rest[1..]
                    .chars()
                    .next()
                    .filter(|c| "?#@*!$-".contains(*c))
                    .map_or(1, |c| 1 + c.len_utf8())
            } else {
                1 + name_len
            };
            text.push_str(&rest[..len]);
            self.pos += len;
            return true;
        };
        // Balanced scan, skipping quoted text, so `$(echo ")")` ends at the right parenthesis.
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut chars = rest.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some('"') | None, '\\') => {
                    chars.next();
                }
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, c) if c == open => depth += 1,
                (None, c) if c == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        text.push_str(&rest[..=i]);
                        self.pos += i + 1;
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}
