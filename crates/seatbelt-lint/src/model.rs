//! What the rules read: the parsed file plus its meaning — stages and their base images with
//! `ARG` values substituted (global `ARG`s before the first `FROM` are in scope for `FROM` lines
//! only, as BuildKit scopes them), and each `RUN`'s shell script split.

use std::collections::HashMap;

use crate::ast::{Args, Command, Dockerfile, Instruction, Keyword, Mount, Position};
use crate::expand;
use crate::image::ImageName;
use crate::shell::{self, Script};

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image.
    Image(ImageName),
    /// The reference depends on an `ARG` with no default: unknown until build time.
    Unknown,
}

/// One build stage.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Index of its `FROM` in [`Model::instructions`].
    pub from: usize,
    /// The image as written.
    pub image: String,
    /// The image with `ARG`s substituted.
    pub resolved: String,
    /// What it is built on.
    pub base: Base,
    /// The `AS` name.
    pub alias: Option<String>,
}

/// An instruction in context.
#[derive(Debug)]
pub struct Located<'a> {
    /// The instruction.
    pub instruction: &'a Instruction,
    /// The stage it belongs to (`None` before the first `FROM`).
    pub stage: Option<usize>,
    /// For `RUN`: its shell script, split.
    pub script: Option<Script>,
}

impl Located<'_> {
    /// The instruction's keyword.
    pub fn keyword(&self) -> Keyword {
        self.instruction.keyword
    }

    /// Where the instruction starts.
    pub fn position(&self) -> Position {
        self.instruction.span.start
    }

    /// `--mount=type=cache` targets of a `RUN` (or of an `ONBUILD RUN`).
    pub fn cache_mounts(&self) -> Vec<String> {
        let run = match &self.instruction.args {
            Args::Onbuild(inner) => inner,
            _ => self.instruction,
        };
        run.mounts()
            .into_iter()
            .filter(|m: &Mount| m.kind == "cache")
            .filter_map(|m| m.target)
            .collect()
    }

    /// Whether a cache mount covers `dir` (the mount target is `dir` or a parent of it).
    pub fn has_cache_mount(&self, dir: &str) -> bool {
        self.cache_mounts().iter().any(|target| {
            let target = target.trim_end_matches('/');
            dir == target || dir.starts_with(&format!("{target}/"))
        })
    }
}

/// Settings that change what some rules report.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Registries base images may come from (empty: any).
    pub trusted_registries: Vec<String>,
    /// Base images must be pinned by digest.
    pub require_digest: bool,
}

/// The file and its meaning.
#[derive(Debug)]
pub struct Model<'a> {
    /// The parsed file.
    pub file: &'a Dockerfile,
    /// Every instruction in order, with context.
    pub instructions: Vec<Located<'a>>,
    /// The build stages in order.
    pub stages: Vec<Stage>,
    /// Options.
    pub options: &'a LintOptions,
}

impl<'a> Model<'a> {
    /// Builds the model of `file`.
    pub fn new(file: &'a Dockerfile, options: &'a LintOptions) -> Model<'a> {
        let mut instructions = Vec::new();
        let mut stages: Vec<Stage> = Vec::new();
        let mut global_args: HashMap<String, String> = HashMap::new();
        for instruction in file.instructions() {
            match &instruction.args {
                Args::Arg(decls) if stages.is_empty() => {
                    for decl in decls {
                        let value = decl.default.as_deref().map_or(String::new(), |d| {
                            expand::expand(d, file.escape, &|n| global_args.get(n).cloned())
                        });
                        global_args.insert(decl.name.clone(), value);
                    }
                }
                Args::From { image, alias } => {
                    let resolved =
                        expand::expand(image, file.escape, &|n| global_args.get(n).cloned());
                    let base = if expand::has_variable(image)
                        && (resolved.is_empty() || resolved.starts_with(':'))
                    {
                        Base::Unknown
                    } else if resolved.eq_ignore_ascii_case("scratch") {
                        Base::Scratch
                    } else if let Some(index) = stages.iter().position(|s| {
                        s.alias
                            .as_deref()
                            .is_some_and(|a| a.eq_ignore_ascii_case(&resolved))
                    }) {
                        Base::Stage(index)
                    } else {
                        Base::Image(ImageName::parse(&resolved))
                    };
                    stages.push(Stage {
                        from: instructions.len(),
                        image: image.clone(),
                        resolved,
                        base,
                        alias: alias.clone(),
                    });
                }
                _ => {}
            }
            let script = match (&instruction.keyword, &instruction.args) {
                (Keyword::Run, Args::Command(command)) => Some(run_script(instruction, command)),
                // ONBUILD RUN runs in every child image: its script is checked like any RUN.
                (Keyword::Onbuild, Args::Onbuild(inner)) => match (&inner.keyword, &inner.args) {
                    (Keyword::Run, Args::Command(command)) => Some(run_script(inner, command)),
                    _ => None,
                },
                _ => None,
            };
            instructions.push(Located {
                instruction,
                stage: stages.len().checked_sub(1),
                script,
            });
        }
        Model {
            file,
            instructions,
            stages,
            options,
        }
    }

    /// Index of the final stage.
    pub fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// Instructions of stage `stage`.
    pub fn in_stage(&self, stage: usize) -> impl Iterator<Item = &Located<'a>> {
        self.instructions
            .iter()
            .filter(move |l| l.stage == Some(stage))
    }

    /// Every `RUN` with its script.
    pub fn runs(&self) -> impl Iterator<Item = (&Located<'a>, &Script)> {
        self.instructions
            .iter()
            .filter_map(|l| l.script.as_ref().map(|s| (l, s)))
    }

    /// Every instruction with `keyword`.
    pub fn with_keyword(&self, keyword: Keyword) -> impl Iterator<Item = &Located<'a>> {
        self.instructions
            .iter()
            .filter(move |l| l.keyword() == keyword)
    }

    /// The stage whose alias is `name`, or whose index `name` is.
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(name))
            })
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .filter(|i| *i < self.stages.len())
            })
    }
}

/// The script a `RUN` runs: the heredoc body when the command is only a heredoc for the shell
/// (`RUN <<EOF`, `RUN bash <<EOF`), else the command line (other heredocs are data).
fn run_script(instruction: &Instruction, command: &Command) -> Script {
    match command {
        Command::Shell(text) => {
            let line = text.trim();
            let shell_fed = line.starts_with("<<")
                || ["sh", "bash", "/bin/sh", "/bin/bash", "ash", "/bin/ash"]
                    .iter()
                    .any(|sh| {
                        line.strip_prefix(sh)
                            .is_some_and(|rest| rest.trim_start().starts_with("<<"))
                    });
            match instruction.heredocs.first() {
                Some(heredoc) if shell_fed && !line.contains("&&") => shell::split(&heredoc.body),
                _ => shell::split(text),
            }
        }
        Command::Exec(words) => {
            let quoted: Vec<String> = words
                .iter()
                .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
                .collect();
            shell::split(&quoted.join(" "))
        }
    }
}
