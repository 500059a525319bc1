use crate::ast::{Args, Keyword};
use crate::model::{Located, Model};
use crate::rule::Sink;
use crate::shell::SimpleCommand;

crate::rule! {
    /// ## What it does
    /// Reports a `COPY` of a local tar archive (`.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`/`.tbz2`,
    /// `.tar.xz`/`.txz`, or a bare `.gz`/`.bz2`/`.xz`) that a later `RUN` of the same stage
    /// extracts (`tar -x`, `tar --extract`, `gunzip`, `zcat`…), on the `COPY` line.
    ///
    /// ## Why it matters
    /// `ADD` extracts a local tar archive into the image in one step. `COPY` then `tar -x`
    /// stores the archive in one layer and its contents in another: the image carries the
    /// archive even when a later `rm` deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - hadolint DL3010
    /// - <https://docs.docker.com/reference/dockerfile/#add>
    ARCHIVE_EXTRACT {
        id: "SB1010",
        aliases: ["DL3010"],
        name: "add-for-archives",
        severity: Low,
        summary: "Use ADD for extracting archives into an image",
        check: check,
    }
}

/// Names of archives `ADD` extracts: tar, plain or compressed with gzip, bzip2 or xz (a bare
/// `.gz` may hold a tarball; its name does not tell).
const ARCHIVE_SUFFIXES: [&str; 9] = [
    ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".tb2", ".xz", ".txz",
];

/// Commands that decompress a file given as an operand.
const DECOMPRESSORS: [&str; 7] = [
    "gunzip", "bunzip2", "unxz", "zcat", "gzcat", "bzcat", "xzcat",
];

fn basename(path: &str) -> &str {
    let path = path.trim_matches(['"', '\'']);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn is_archive(name: &str) -> bool {
    ARCHIVE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// The archive names a `COPY` brings in from the context: the destination's name when it
/// names an archive, else every archive among the sources.
fn copied_archives(located: &Located<'_>) -> Vec<String> {
    let instruction = located.instruction;
    if instruction.flag("from").is_some() || !instruction.heredocs.is_empty() {
        return Vec::new();
    }
    let Args::Words { words, .. } = &instruction.args else {
        return Vec::new();
    };
    let Some((dest, sources)) = words.split_last() else {
        return Vec::new();
    };
    if is_archive(basename(dest)) {
        return vec![basename(dest).to_string()];
    }
    sources
        .iter()
        .map(|s| basename(s))
        .filter(|s| is_archive(s))
        .map(str::to_string)
        .collect()
}

/// Whether `command` extracts or decompresses something.
fn extracts(command: &SimpleCommand) -> bool {
    if command.is("tar") {
        let old_style = command
            .args()
            .first()
            .is_some_and(|w| !w.text.starts_with('-') && w.text.contains('x'));
        return old_style || command.has_short('x') || command.has_arg(&["--extract", "--get"]);
    }
    command
        .name()
        .is_some_and(|name| DECOMPRESSORS.contains(&name))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    // (COPY, archive name, reported) per stage, in order.
    let mut pending: Vec<(&Located<'_>, String, bool)> = Vec::new();
    for located in &model.instructions {
        match located.keyword() {
            Keyword::From => pending.clear(),
            Keyword::Copy => {
                for name in copied_archives(located) {
                    pending.push((located, name, false));
                }
            }
            _ => {}
        }
        let Some(script) = &located.script else {
            continue;
        };
        if located.keyword() != Keyword::Run {
            continue;
        }
        for command in script.commands.iter().filter(|c| extracts(c)) {
            for (copy, name, reported) in pending.iter_mut() {
                let named = command.args().iter().any(|w| basename(&w.text) == name);
                if named && !*reported {
                    *reported = true;
                    sink.report_word(
                        copy,
                        name,
                        format!("Use ADD for extracting archives into an image: `ADD {name} <dir>` extracts `{name}` without storing it"),
                    );
                }
            }
        }
    }
}
