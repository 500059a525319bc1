//! `seatbelt lint`: a Dockerfile parser for today's BuildKit syntax, a POSIX-sh splitter for
//! `RUN`, and the lint rules (one file each under `rules/`, registered in [`rules::RULES`]).
#![deny(missing_docs)]

pub mod ast;
pub mod docs;
pub mod expand;
pub mod parse;
mod print;
pub mod shell;

pub use parse::{parse, ParseError};
pub use print::print;
pub mod image;
mod lint;
pub mod model;
pub mod rule;
pub mod rules;

pub use lint::{check, find_rule, lint, rule_infos};
pub use model::LintOptions;
