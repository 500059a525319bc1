//! Prints a syntax tree back as a Dockerfile. The output is canonical (one line per instruction,
//! flags as `--name=value`), and parsing it gives the same tree minus positions.

use std::fmt::Write as _;

use crate::ast::{Args, Command, Dockerfile, Instruction, Item};

/// The Dockerfile text of `dockerfile`.
pub fn print(dockerfile: &Dockerfile) -> String {
    let mut out = String::new();
    for directive in &dockerfile.directives {
        let _ = writeln!(out, "# {}={}", directive.name, directive.value);
    }
    if !dockerfile.directives.is_empty() {
        // A blank line ends the directive block, so a first comment stays a comment.
        out.push('\n');
    }
    for item in &dockerfile.items {
        match item {
            Item::Comment(comment) => {
                let _ = writeln!(out, "#{}", comment.text);
            }
            Item::Instruction(instruction) => {
                line(&mut out, instruction);
                out.push('\n');
                for heredoc in &instruction.heredocs {
                    out.push_str(&heredoc.body);
                    out.push_str(&heredoc.delimiter);
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn command(out: &mut String, command: &Command) {
    match command {
        Command::Exec(words) => out.push_str(&json(words)),
        Command::Shell(text) => out.push_str(text),
    }
}

fn json(words: &[String]) -> String {
    serde_json::to_string(words).unwrap_or_default()
}

/// One instruction on one line (no heredoc bodies).
fn line(out: &mut String, instruction: &Instruction) {
    out.push_str(instruction.keyword.as_str());
    for flag in &instruction.flags {
        let _ = write!(out, " --{}", flag.name);
        if let Some(value) = &flag.value {
            let _ = write!(out, "={value}");
        }
    }
    out.push(' ');
    match &instruction.args {
        Args::From { image, alias } => {
            out.push_str(image);
            if let Some(alias) = alias {
                let _ = write!(out, " AS {alias}");
            }
        }
        Args::Command(c) => command(out, c),
        Args::Healthcheck(None) => out.push_str("NONE"),
        Args::Healthcheck(Some(c)) => {
            out.push_str("CMD ");
            command(out, c);
        }
        Args::Pairs(pairs) => {
            let rendered: Vec<String> = pairs
                .iter()
                .map(|pair| {
                    if pair.legacy {
                        format!("{} {}", pair.key, pair.value)
                    } else {
                        format!("{}={}", pair.key, pair.value)
                    }
                })
                .collect();
            out.push_str(&rendered.join(" "));
        }
        Args::Arg(decls) => {
            let rendered: Vec<String> = decls
                .iter()
                .map(|decl| match &decl.default {
                    Some(default) => format!("{}={default}", decl.name),
                    None => decl.name.clone(),
                })
                .collect();
            out.push_str(&rendered.join(" "));
        }
        Args::Words { words, json: true } => out.push_str(&json(words)),
        Args::Words { words, json: false } => out.push_str(&words.join(" ")),
        Args::Text(text) => out.push_str(text),
        Args::Onbuild(inner) => line(out, inner),
    }
}
