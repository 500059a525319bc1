//! Helpers several rules share.

use crate::ast::Keyword;
use crate::model::{Located, Model};
use crate::rule::Sink;
use crate::shell::{Invocation, Script, Tool};

/// Calls of `tool` in a script.
pub(crate) fn calls(script: &Script, tool: Tool) -> impl Iterator<Item = Invocation<'_>> {
    script
        .commands
        .iter()
        .filter_map(Tool::of)
        .filter(move |i| i.tool == tool)
}

/// Reports every `RUN` where `bad` holds for some call of `tool` running one of `subcommands`.
pub(crate) fn each_call(
    model: &Model<'_>,
    sink: &mut Sink,
    tool: Tool,
    subcommands: &[&str],
    bad: impl Fn(&Invocation<'_>) -> bool,
    message: &str,
) {
    for (located, script) in model.runs() {
        if calls(script, tool).any(|call| call.runs(subcommands) && bad(&call)) {
            sink.report(located, message);
        }
    }
}

/// Reports every `RUN` installing with `tool` where some package is not pinned by `pinned`.
pub(crate) fn unpinned(
    model: &Model<'_>,
    sink: &mut Sink,
    tool: Tool,
    subcommands: &[&str],
    pinned: impl Fn(&str) -> bool,
    message: &str,
) {
    each_call(
        model,
        sink,
        tool,
        subcommands,
        |call| call.packages().iter().any(|p| !pinned(&p.text)),
        message,
    );
}

/// Reports `RUN`s that use `tool` for `subcommands` without a cleanup in the same `RUN`,
/// unless the cache directory is a cache mount or the script holds constructs not understood.
pub(crate) fn missing_cleanup(
    model: &Model<'_>,
    sink: &mut Sink,
    tool: Tool,
    subcommands: &[&str],
    cache_dirs: &[&str],
    cleaned: impl Fn(&Script) -> bool,
    message: &str,
) {
    for (located, script) in model.runs() {
        let uses = calls(script, tool).any(|c| c.runs(subcommands));
        if uses && !cleaned(script) && !cached(located, cache_dirs) && script.is_complete() {
            sink.report(located, message);
        }
    }
}

/// Whether some cache mount covers one of `dirs`.
pub(crate) fn cached(located: &Located<'_>, dirs: &[&str]) -> bool {
    dirs.iter().any(|dir| located.has_cache_mount(dir))
}

/// Whether an rpm package operand names a version (`httpd-2.4.6`), a file, or a module stream.
pub(crate) fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm")
        || package.contains('/')
        || package.starts_with('@')
        || package.contains(':')
    {
        return true;
    }
    // `name-version`: a dash followed by a digit.
    package
        .match_indices('-')
        .any(|(i, _)| package[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Reports every `keyword` in a stage after the first one (as hadolint does).
pub(crate) fn repeated(model: &Model<'_>, sink: &mut Sink, keyword: Keyword, message: &str) {
    for stage in 0..model.stages.len() {
        let all: Vec<_> = model
            .in_stage(stage)
            .filter(|l| l.keyword() == keyword)
            .collect();
        if let Some((_, later)) = all.split_first() {
            for at in later {
                sink.report(at, message);
            }
        }
    }
}
