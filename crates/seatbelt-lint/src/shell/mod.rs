//! A POSIX-sh splitter for `RUN`: enough of the shell grammar (simple commands, `&&`, `||`, `;`,
//! `&`, pipes, quoting, `$(…)` and backticks, here-documents, env-assignment prefixes, one level
//! of `sh -c "…"` per nesting step) to find package-manager calls and their flags.
//!
//! Hand-written: the shell crates on crates.io either execute scripts (brush, nsh) or parse
//! bash into trees far larger than needed (conch-parser, unmaintained since 2019). What this does
//! not understand (`case`, function definitions, loops and conditionals) it records as
//! [`Unparsed`], so rules that judge by absence ("no cleanup found") stay silent instead of
//! guessing.

mod lex;
mod tool;

pub use tool::{Invocation, Tool};

use lex::Token;

/// How deep `sh -c "sh -c '…'"` is followed. Real Dockerfiles nest once; the bound keeps hostile
/// input from recursing without end.
pub const MAX_NESTING: u8 = 4;

/// A word with quotes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text, quotes removed; substitutions (`$X`, `$(…)`) kept as written.
    pub text: String,
    /// Byte offset of the word in the script.
    pub offset: usize,
    /// Contains a substitution, so its value is only known at build time.
    pub dynamic: bool,
    /// Contained quotes or escapes.
    pub quoted: bool,
}

/// What joins a command to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// The first command.
    Start,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`, `;;` or a newline.
    Sequence,
    /// `|`
    Pipe,
    /// `&`
    Background,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// `NAME=value` prefixes.
    pub assignments: Vec<Word>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// What joins it to the previous command.
    pub before: Separator,
    /// What joins it to the next command.
    pub after: Separator,
    /// 0 for the script itself, 1 inside `sh -c "…"`, …
    pub depth: u8,
    /// Byte offset in the script (for nested scripts, of the `sh -c` argument).
    pub offset: usize,
}

impl SimpleCommand {
    /// The command name (its last path component: `/usr/bin/apt-get` is `apt-get`).
    pub fn name(&self) -> Option<&str> {
        let first = self.words.first()?;
        Some(first.text.rsplit('/').next().unwrap_or(&first.text))
    }

    /// The arguments after the name.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or_default()
    }

    /// Whether the command is `name` and its arguments include `arg`.
    pub fn is(&self, name: &str) -> bool {
        self.name() == Some(name)
    }

    /// Whether any argument equals one of `flags`.
    pub fn has_arg(&self, flags: &[&str]) -> bool {
        self.args().iter().any(|w| flags.contains(&w.text.as_str()))
    }

    /// Whether a short option letter is set, alone (`-y`) or bundled (`-qy`).
    pub fn has_short(&self, letter: char) -> bool {
        self.args().iter().any(|w| {
            w.text
                .strip_prefix('-')
                .is_some_and(|s| !s.starts_with('-') && s.contains(letter))
        })
    }

    /// Arguments that are not options (`-x`, `--x`) nor values of the options in `with_value`.
    pub fn operands(&self, with_value: &[&str]) -> Vec<&Word> {
        let mut out = Vec::new();
        let mut skip = false;
        for word in self.args() {
            if skip {
                skip = false;
                continue;
            }
            if word.text.starts_with('-') && word.text.len() > 1 {
                skip = with_value.contains(&word.text.as_str());
                continue;
            }
            out.push(word);
        }
        out
    }
}

/// A construct the splitter does not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    /// What it is: `case`, `function`, `if`, `for`, `while`, `until`, or a tokenizer problem.
    pub construct: &'static str,
    /// Byte offset in the script.
    pub offset: usize,
}

/// A split script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Simple commands in order, nested `sh -c` scripts right after the command holding them.
    pub commands: Vec<SimpleCommand>,
    /// Constructs not understood.
    pub unparsed: Vec<Unparsed>,
}

impl Script {
    /// Whether everything was understood.
    pub fn is_complete(&self) -> bool {
        self.unparsed.is_empty()
    }

    /// Commands named `name`.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a SimpleCommand> + 'a {
        self.commands.iter().filter(move |c| c.is(name))
    }

    /// Whether any command is joined by a pipe.
    pub fn has_pipe(&self) -> bool {
        self.commands.iter().any(|c| c.after == Separator::Pipe)
    }
}

/// Splits a shell script into simple commands.
pub fn split(script: &str) -> Script {
    let mut out = Script::default();
    split_into(script, 0, 0, &mut out);
    out
}

fn split_into(script: &str, depth: u8, base: usize, out: &mut Script) {
    let tokens = lex::tokens(script);
    let mut current: Option<SimpleCommand> = None;
    let mut before = Separator::Start;
    let mut iter = tokens.into_iter().peekable();
    // Compound-command keywords seen; the commands inside are still read.
    let finish = |current: &mut Option<SimpleCommand>, after: Separator, out: &mut Script| {
        if let Some(mut command) = current.take() {
            command.after = after;
            let nested = nested_script(&command);
            out.commands.push(command);
            if let Some((text, offset)) = nested {
                if depth < MAX_NESTING {
                    split_into(&text, depth + 1, offset, out);
                } else {
                    out.unparsed.push(Unparsed {
                        construct: "sh -c nested too deep",
                        offset,
                    });
                }
            }
        }
    };
    while let Some(token) = iter.next() {
        match token {
            Token::Broken(what, offset) => out.unparsed.push(Unparsed {
                construct: what,
                offset: base + offset,
            }),
            Token::Op(op, offset) => {
                let separator = match op {
                    "&&" => Some(Separator::And),
                    "||" => Some(Separator::Or),
                    ";" | ";;" | "\n" => Some(Separator::Sequence),
                    "|" => Some(Separator::Pipe),
                    "&" => Some(Separator::Background),
                    "(" | ")" => Some(Separator::Sequence),
                    _ => None,
                };
                match separator {
                    Some(sep) => {
                        if op == "(" && current.as_ref().is_some_and(|c| c.words.len() == 1) {
                            // `name() { …; }`: a function definition.
                            out.unparsed.push(Unparsed {
                                construct: "function",
                                offset: base + offset,
                            });
                            current = None;
                            skip_braces(&mut iter);
                            continue;
                        }
                        if current.is_some() {
                            finish(&mut current, sep, out);
                            before = sep;
                        } else if sep != Separator::Sequence {
                            before = sep;
                        }
                    }
                    None => {
                        // A redirection: its target word is not an argument.
                        if matches!(iter.peek(), Some(Token::Word(_))) {
                            iter.next();
                        }
                    }
                }
            }
            Token::Word(word) => {
                let word = Word {
                    offset: base + word.offset,
                    ..word
                };
                let at_start = current.as_ref().is_none_or(|c| c.words.is_empty());
                if at_start && !word.quoted {
                    match word.text.as_str() {
                        "if" | "then" | "else" | "elif" | "fi" | "do" | "done" | "while"
                        | "until" | "{" | "}" | "!" => {
                            if matches!(word.text.as_str(), "if" | "while" | "until") {
                                out.unparsed.push(Unparsed {
                                    construct: if word.text == "if" { "if" } else { "loop" },
                                    offset: word.offset,
                                });
                            }
                            continue;
                        }
                        "for" => {
                            out.unparsed.push(Unparsed {
                                construct: "loop",
                                offset: word.offset,
                            });
                            // Skip the loop header up to `do`.
                            for t in iter.by_ref() {
                                if matches!(&t, Token::Word(w) if w.text == "do") {
                                    break;
                                }
                            }
                            continue;
                        }
                        "case" => {
                            out.unparsed.push(Unparsed {
                                construct: "case",
                                offset: word.offset,
                            });
                            for t in iter.by_ref() {
                                if matches!(&t, Token::Word(w) if w.text == "esac") {
                                    break;
                                }
                            }
                            continue;
                        }
                        "function" => {
                            out.unparsed.push(Unparsed {
                                construct: "function",
                                offset: word.offset,
                            });
                            skip_braces(&mut iter);
                            continue;
                        }
                        _ => {}
                    }
                }
                let command = current.get_or_insert_with(|| SimpleCommand {
                    assignments: Vec::new(),
                    words: Vec::new(),
                    before,
                    after: Separator::Sequence,
                    depth,
                    offset: word.offset,
                });
                if command.words.is_empty() && is_assignment(&word.text) {
                    command.assignments.push(word);
                } else {
                    command.words.push(word);
                }
            }
        }
    }
    finish(&mut current, Separator::Sequence, out);
}

/// Skips a `{ … }` body (braces balanced) after a function header.
fn skip_braces(iter: &mut std::iter::Peekable<std::vec::IntoIter<Token>>) {
    let mut depth = 0usize;
    for token in iter.by_ref() {
        if let Token::Word(w) = &token {
            match w.text.as_str() {
                "{" => depth += 1,
                "}" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

fn is_assignment(text: &str) -> bool {
    let Some((name, _)) = text.split_once('=') else {
        return false;
    };
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The script of `sh -c "…"` (also `bash -ec`, `/bin/sh -xc`), and its offset.
fn nested_script(command: &SimpleCommand) -> Option<(String, usize)> {
    let name = command.name()?;
    if !matches!(name, "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh") {
        return None;
    }
    let mut args = command.args().iter();
    while let Some(arg) = args.next() {
        let flags = arg.text.strip_prefix('-')?;
        if !flags.starts_with('-') && flags.contains('c') {
            return args.next().map(|w| (w.text.clone(), w.offset));
        }
        if arg.text == "-o" {
            args.next();
        }
    }
    None
}

#[cfg(test)]
mod tests;
