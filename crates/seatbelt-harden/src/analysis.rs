//! Static analysis of what the entrypoint needs, without running it: the config's Entrypoint
//! and Cmd resolved against WORKDIR and the PATH from Env, followed through the image's own
//! symlinks, `#!` lines (`/usr/bin/env NAME` looked up in PATH), ELF interpreters and
//! `DT_NEEDED` libraries (searched in `DT_RUNPATH`/`DT_RPATH`, `/etc/ld.so.conf` and the
//! default and multiarch directories), recursively. Python interpreters also need their
//! standard library and site directories. The result is what must never be removed, and
//! whether the entrypoint needs a shell.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use seatbelt_image::walk::EntryKind;
use seatbelt_image::RawConfig;

use crate::index::{normalise, FsIndex};
use crate::limits::MAX_CLOSURE_FILES;
use crate::HardenError;

/// The PATH a runtime uses when the config sets none (Docker's and containerd's default).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Where glibc and musl look when nothing else names a directory.
const DEFAULT_LIB_DIRS: &[&str] = &["lib", "usr/lib", "lib64", "usr/lib64", "usr/local/lib"];

/// Programs that are shells: a script run by one, or a `sh -c` entrypoint, needs it.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "rbash", "zsh", "ksh", "mksh", "busybox",
];

/// What the entrypoint needs.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Needs {
    /// The command line the container runs (Entrypoint then Cmd).
    pub argv: Vec<String>,
    /// Paths never to remove, each with why it is needed.
    pub keep: BTreeMap<String, String>,
    /// Directories whose whole tree is needed (a language runtime's library, WORKDIR,
    /// `--keep` directories), with why. Only rebuildable caches (`__pycache__`) may go.
    pub keep_trees: BTreeMap<String, String>,
    /// Set when the entrypoint needs a shell, saying why.
    pub shell: Option<String>,
    /// What analysis could not resolve (a name not on PATH, a library not found).
    pub unresolved: Vec<String>,
}

impl Needs {
    /// Whether `path` must be kept (itself or through a kept tree).
    pub fn is_kept(&self, path: &str) -> bool {
        self.keep.contains_key(path) || self.in_kept_tree(path)
    }

    /// Whether `path` lies inside a kept tree.
    pub fn in_kept_tree(&self, path: &str) -> bool {
        self.keep_trees.keys().any(|t| {
            t.is_empty()
                || path
                    .strip_prefix(t.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// Analyses `config` against the final filesystem `index`; `extra_keep` are `--keep` paths.
pub fn analyse(
    index: &FsIndex,
    config: &RawConfig,
    extra_keep: &[String],
) -> Result<Needs, HardenError> {
    let mut a = Analysis {
        index,
        needs: Needs::default(),
        queue: VecDeque::new(),
        seen: BTreeSet::new(),
        path: env_path(config),
        lib_dirs: lib_dirs(index),
    };
    let workdir = normalise(config.working_dir());
    let mut argv = config.entrypoint();
    argv.extend(config.cmd());
    a.needs.argv = argv.clone();
    if !workdir.is_empty() {
        a.keep_tree(&workdir, "WORKDIR");
    }
    for keep in extra_keep {
        let path = normalise(keep);
        let resolved = a.resolve_keep(&path, "--keep")?;
        if index
            .nodes
            .get(&resolved)
            .is_some_and(|n| n.kind == EntryKind::Directory)
        {
            a.keep_tree(&resolved, "--keep");
        } else {
            a.enqueue(&resolved, "--keep");
        }
    }
    if let Some(program) = argv.first() {
        match a.command(program, &workdir) {
            Some(resolved) => {
                // A loop here means the container cannot start at all: say so, not a warning.
                if let Err(e) = index.resolve(&resolved) {
                    return Err(HardenError::Entrypoint {
                        program: program.clone(),
                        why: e.to_string(),
                    });
                }
                a.enqueue(&resolved, "entrypoint");
                if is_shell(&resolved, index) && argv.iter().skip(1).any(|x| x == "-c") {
                    a.needs.shell = Some(format!(
                        "the command line runs `{program} -c`, the shell form of ENTRYPOINT/CMD"
                    ));
                    // The first word of the shell command is usually the real program.
                    if let Some(first) = argv
                        .iter()
                        .skip_while(|x| *x != "-c")
                        .nth(1)
                        .and_then(|s| s.split_whitespace().next())
                    {
                        if let Some(p) = a.command(first, &workdir) {
                            a.enqueue(&p, "run by the entrypoint's shell");
                        }
                    }
                } else if is_shell(&resolved, index) {
                    a.needs.shell = Some(format!("the entrypoint runs the shell {program}"));
                }
            }
            None => a
                .needs
                .unresolved
                .push(format!("the entrypoint {program} is not in the image")),
        }
        // Arguments that name files of the image (a script, an app module) are needed too.
        for arg in argv.iter().skip(1) {
            if arg.starts_with('-') || arg.contains('=') {
                continue;
            }
            let candidate = if arg.starts_with('/') {
                normalise(arg)
            } else {
                normalise(&format!("{workdir}/{arg}"))
            };
            if let Ok(resolved) = index.resolve(&candidate) {
                if index
                    .nodes
                    .get(&resolved)
                    .is_some_and(|n| n.kind == EntryKind::File)
                {
                    a.enqueue(&resolved, "named on the command line");
                    // A program given a shell's path (an inherited `CMD ["/bin/sh"]`, a
                    // supervisor's argument) may run it: keep it, and let strict refuse.
                    if is_shell(&resolved, index) && a.needs.shell.is_none() {
                        a.needs.shell = Some(format!(
                            "the command line names the shell {arg} as an argument"
                        ));
                    }
                }
            }
        }
    }
    a.run()?;
    Ok(a.needs)
}

struct Analysis<'a> {
    index: &'a FsIndex,
    needs: Needs,
    queue: VecDeque<(String, String)>,
    seen: BTreeSet<String>,
    path: Vec<String>,
    lib_dirs: Vec<String>,
}

impl Analysis<'_> {
    fn keep_tree(&mut self, dir: &str, why: &str) {
        self.needs
            .keep_trees
            .entry(dir.to_string())
            .or_insert_with(|| why.to_string());
    }

    fn resolve_keep(&mut self, path: &str, flag: &'static str) -> Result<String, HardenError> {
        let (resolved, links) = self.index.resolve_tracing(path)?;
        if !self.index.nodes.contains_key(&resolved) {
            return Err(HardenError::NoSuchPath {
                flag,
                path: format!("/{path}"),
            });
        }
        for link in links {
            self.needs
                .keep
                .entry(link)
                .or_insert_with(|| flag.to_string());
        }
        Ok(resolved)
    }

    /// Resolves and keeps a path (with the symlinks on its way); adds files to the queue.
    fn enqueue(&mut self, path: &str, why: &str) {
        let Ok((resolved, links)) = self.index.resolve_tracing(path) else {
            self.needs
                .unresolved
                .push(format!("{path}: a symlink loop"));
            return;
        };
        for link in links {
            self.needs
                .keep
                .entry(link)
                .or_insert_with(|| why.to_string());
        }
        if !self.index.nodes.contains_key(&resolved) {
            self.needs
                .unresolved
                .push(format!("/{path} ({why}) is not in the image"));
            return;
        }
        if self.seen.insert(resolved.clone()) {
            self.needs
                .keep
                .entry(resolved.clone())
                .or_insert_with(|| why.to_string());
            self.queue.push_back((resolved, why.to_string()));
        }
    }

    /// Finds a command the way execvp does: a name with `/` relative to WORKDIR, else PATH.
    fn command(&self, name: &str, workdir: &str) -> Option<String> {
        if name.contains('/') {
            let p = if name.starts_with('/') {
                normalise(name)
            } else {
                normalise(&format!("{workdir}/{name}"))
            };
            return Some(p);
        }
        self.path.iter().find_map(|dir| {
            let candidate = normalise(&format!("{dir}/{name}"));
            let resolved = self.index.resolve(&candidate).ok()?;
            let node = self.index.nodes.get(&resolved)?;
            (matches!(node.kind, EntryKind::File | EntryKind::Hardlink) && node.mode & 0o111 != 0)
                .then_some(candidate)
        })
    }

    fn run(&mut self) -> Result<(), HardenError> {
        while let Some((path, _why)) = self.queue.pop_front() {
            if self.seen.len() > MAX_CLOSURE_FILES {
                break;
            }
            if let Some(line) = self.index.shebangs.get(&path).cloned() {
                let interp = normalise(&line.interpreter);
                let why = format!("interpreter of /{path}");
                self.enqueue(&interp, &why);
                let base = interp.rsplit('/').next().unwrap_or_default();
                if base == "env" {
                    if let Some(name) = line
                        .argument
                        .as_deref()
                        .and_then(|a| a.split_whitespace().find(|w| !w.starts_with('-')))
                    {
                        match self.command(name, "") {
                            Some(p) => self.enqueue(&p, &why),
                            None => self
                                .needs
                                .unresolved
                                .push(format!("{name} (#! of /{path}) is not on PATH")),
                        }
                        if SHELLS.contains(&name) && self.needs.shell.is_none() {
                            self.needs.shell = Some(format!(
                                "/{path} is a shell script (#!{} {name})",
                                line.interpreter
                            ));
                        }
                    }
                } else if SHELLS.contains(&base) && self.needs.shell.is_none() {
                    self.needs.shell = Some(format!(
                        "/{path} is a shell script (#!{})",
                        line.interpreter
                    ));
                }
            }
            if let Some(facts) = self.index.elf.get(&path).cloned() {
                if let Some(interp) = &facts.interpreter {
                    self.enqueue(&normalise(interp), &format!("ELF interpreter of /{path}"));
                }
                let origin = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                for lib in &facts.needed {
                    self.library(lib, &facts.search, origin, &path);
                }
            }
            let base = path.rsplit('/').next().unwrap_or_default();
            if let Some(version) = python_version(base) {
                self.python(&version);
            }
        }
        Ok(())
    }

    fn library(&mut self, name: &str, search: &[String], origin: &str, user: &str) {
        let why = format!("library needed by /{user}");
        if name.contains('/') {
            self.enqueue(&normalise(name), &why);
            return;
        }
        let explicit = search.iter().map(|d| {
            normalise(
                &d.replace("$ORIGIN", &format!("/{origin}"))
                    .replace("${ORIGIN}", &format!("/{origin}")),
            )
        });
        let dirs: Vec<String> = explicit.chain(self.lib_dirs.iter().cloned()).collect();
        for dir in dirs {
            let candidate = normalise(&format!("{dir}/{name}"));
            if let Ok(resolved) = self.index.resolve(&candidate) {
                if self.index.nodes.contains_key(&resolved) {
                    self.enqueue(&candidate, &why);
                    return;
                }
            }
        }
        self.needs
            .unresolved
            .push(format!("{name} (needed by /{user}) was not found"));
    }

    /// A Python interpreter needs its stdlib and site directories; their extension modules'
    /// libraries are followed too.
    fn python(&mut self, version: &str) {
        let trees = [
            format!("usr/lib/python{version}"),
            format!("usr/local/lib/python{version}"),
            "usr/lib/python3/dist-packages".to_string(),
            format!("usr/local/lib/python{version}/dist-packages"),
        ];
        let why = format!("python{version} standard library and site packages");
        for tree in trees {
            let Ok(resolved) = self.index.resolve(&tree) else {
                continue;
            };
            if !self.index.nodes.contains_key(&resolved) {
                continue;
            }
            self.keep_tree(&resolved, &why);
            let prefix = format!("{resolved}/");
            // In path order, so the report's reasons are the same from run to run.
            let mut modules: Vec<String> = self
                .index
                .elf
                .keys()
                .filter(|p| p.starts_with(&prefix))
                .cloned()
                .collect();
            modules.sort();
            for module in modules {
                self.enqueue(&module, &why);
            }
        }
    }
}

/// `python3.11` → `3.11`; `python3` alone is a symlink resolved before this is asked.
fn python_version(base: &str) -> Option<String> {
    let v = base.strip_prefix("python")?;
    let mut parts = v.split('.');
    let major = parts.next()?;
    let minor = parts.next()?;
    (!major.is_empty()
        && !minor.is_empty()
        && parts.next().is_none()
        && major.bytes().all(|b| b.is_ascii_digit())
        && minor.bytes().all(|b| b.is_ascii_digit()))
    .then(|| v.to_string())
}

fn is_shell(path: &str, index: &FsIndex) -> bool {
    let resolved = index.resolve(path).unwrap_or_else(|_| path.to_string());
    [path, resolved.as_str()]
        .iter()
        .any(|p| SHELLS.contains(&p.rsplit('/').next().unwrap_or_default()))
}

fn env_path(config: &RawConfig) -> Vec<String> {
    let path = config
        .env()
        .into_iter()
        .find_map(|e| e.strip_prefix("PATH=").map(str::to_string))
        .unwrap_or_else(|| DEFAULT_PATH.to_string());
    path.split(':')
        .filter(|d| !d.is_empty())
        .map(normalise)
        .collect()
}

/// `/etc/ld.so.conf` (with its `include` lines) first, then the defaults and every multiarch
/// directory (`lib/x86_64-linux-gnu`…) the image has.
fn lib_dirs(index: &FsIndex) -> Vec<String> {
    let mut dirs = Vec::new();
    let mut confs: Vec<&String> = index
        .held
        .keys()
        .filter(|p| p.as_str() == "etc/ld.so.conf" || p.starts_with("etc/ld.so.conf.d/"))
        .collect();
    confs.sort();
    for conf in confs {
        if let Some(text) = index.held.get(conf.as_str()) {
            for line in String::from_utf8_lossy(text).lines() {
                let line = line.split('#').next().unwrap_or("").trim();
                if line.is_empty() || line.starts_with("include") {
                    continue;
                }
                dirs.push(normalise(line));
            }
        }
    }
    for base in ["lib", "usr/lib", "usr/local/lib"] {
        let prefix = format!("{base}/");
        let resolved_base = index.resolve(base).unwrap_or_else(|_| base.to_string());
        let resolved_prefix = format!("{resolved_base}/");
        for (path, node) in index.nodes.range(resolved_prefix.clone()..) {
            if !path.starts_with(&resolved_prefix) {
                break;
            }
            let rest = &path[resolved_prefix.len()..];
            if node.kind == EntryKind::Directory && !rest.contains('/') && rest.contains("-linux-")
            {
                dirs.push(format!("{prefix}{rest}"));
            }
        }
    }
    dirs.extend(DEFAULT_LIB_DIRS.iter().map(|d| d.to_string()));
    let mut seen = BTreeSet::new();
    dirs.retain(|d| seen.insert(d.clone()));
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_versions() {
        assert_eq!(python_version("python3.11").as_deref(), Some("3.11"));
        assert_eq!(python_version("python3"), None);
        assert_eq!(python_version("python3.11-config"), None);
    }
}
