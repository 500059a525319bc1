//! Recognising the package managers and downloaders the rules care about, and reading their
//! subcommand, options and package operands.

use super::{SimpleCommand, Word};

/// A tool the rules know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `apt-get`
    AptGet,
    /// `apt`
    Apt,
    /// `apk`
    Apk,
    /// `dnf`
    Dnf,
    /// `microdnf`
    Microdnf,
    /// `yum`
    Yum,
    /// `zypper`
    Zypper,
    /// `pip`, `pip3`, `python -m pip`
    Pip,
    /// `npm`
    Npm,
    /// `yarn`
    Yarn,
    /// `gem`
    Gem,
    /// `go`
    Go,
    /// `curl`
    Curl,
    /// `wget`
    Wget,
}

/// One call of a known tool.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    /// Which tool.
    pub tool: Tool,
    /// The command it came from.
    pub command: &'a SimpleCommand,
    /// The arguments after the tool (after `-m pip` for `python -m pip`).
    pub args: &'a [Word],
}

impl Tool {
    /// The tool a command runs, if it is one the rules know.
    pub fn of(command: &SimpleCommand) -> Option<Invocation<'_>> {
        let name = command.name()?;
        let args = command.args();
        let tool = match name {
            "apt-get" => Tool::AptGet,
            "apt" => Tool::Apt,
            "apk" => Tool::Apk,
            "dnf" => Tool::Dnf,
            "microdnf" => Tool::Microdnf,
            "yum" => Tool::Yum,
            "zypper" => Tool::Zypper,
            "npm" => Tool::Npm,
            "yarn" => Tool::Yarn,
            "gem" => Tool::Gem,
            "go" => Tool::Go,
            "curl" => Tool::Curl,
            "wget" => Tool::Wget,
            n if n == "pip" || (n.starts_with("pip") && is_version(&n[3..])) => Tool::Pip,
            n if n == "python" || (n.starts_with("python") && is_version(&n[6..])) => {
                return match args {
                    [m, pip, rest @ ..] if m.text == "-m" && pip.text.starts_with("pip") => {
                        Some(Invocation {
                            tool: Tool::Pip,
                            command,
                            args: rest,
                        })
                    }
                    _ => None,
                };
            }
            _ => return None,
        };
        Some(Invocation {
            tool,
            command,
            args,
        })
    }

    /// Options of this tool that take the next word as their value.
    pub fn options_with_value(self) -> &'static [&'static str] {
        match self {
            Tool::AptGet | Tool::Apt => &[
                "-o",
                "-t",
                "-c",
                "-a",
                "--option",
                "--target-release",
                "--default-release",
                "--config-file",
                "--host-architecture",
            ],
            Tool::Apk => &[
                "-X",
                "--repository",
                "-t",
                "--virtual",
                "-p",
                "--root",
                "--arch",
                "--keys-dir",
                "--repositories-file",
                "--cache-dir",
            ],
            Tool::Dnf | Tool::Yum | Tool::Microdnf => &[
                "--enablerepo",
                "--disablerepo",
                "--releasever",
                "--installroot",
                "--setopt",
                "-c",
                "--config",
                "-x",
                "--exclude",
                "--repo",
                "--repoid",
                "--nodocs-x",
            ],
            Tool::Zypper => &["-r", "--repo", "--from", "-t", "--type", "--root", "-R"],
            Tool::Pip => &[
                "-r",
                "--requirement",
                "-c",
                "--constraint",
                "-e",
                "--editable",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-f",
                "--find-links",
                "-t",
                "--target",
                "--prefix",
                "--root",
                "--trusted-host",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--src",
                "--upgrade-strategy",
                "--cache-dir",
                "--log",
                "--proxy",
                "--retries",
                "--timeout",
                "--progress-bar",
                "--only-binary",
                "--no-binary",
                "--config-settings",
                "-C",
                "--global-option",
                "--python",
            ],
            Tool::Npm => &[
                "--prefix",
                "--registry",
                "-w",
                "--workspace",
                "--tag",
                "--cache",
                "--loglevel",
            ],
            Tool::Yarn => &["--cwd", "--modules-folder", "--cache-folder", "--registry"],
            Tool::Gem => &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "-s",
                "--source",
                "--platform",
            ],
            Tool::Go | Tool::Curl | Tool::Wget => &[],
        }
    }
}

fn is_version(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || c == '.')
}

impl<'a> Invocation<'a> {
    /// Arguments that are neither options nor option values.
    pub fn operands(&self) -> Vec<&'a Word> {
        let with_value = self.tool.options_with_value();
        let mut out = Vec::new();
        let mut skip = false;
        for word in self.args {
            if skip {
                skip = false;
                continue;
            }
            if word.text.starts_with('-') && word.text.len() > 1 {
                skip = !word.text.contains('=') && with_value.contains(&word.text.as_str());
                continue;
            }
            out.push(word);
        }
        out
    }

    /// The subcommand (`install`, `add`, …): the first operand.
    pub fn subcommand(&self) -> Option<&'a str> {
        self.operands().first().map(|w| w.text.as_str())
    }

    /// Whether the subcommand is one of `names`.
    pub fn runs(&self, names: &[&str]) -> bool {
        self.subcommand().is_some_and(|s| names.contains(&s))
    }

    /// The operands after the subcommand: packages, for an install.
    pub fn packages(&self) -> Vec<&'a Word> {
        self.operands().into_iter().skip(1).collect()
    }

    /// Whether an argument is one of `flags`, or `--flag=…` for a long one.
    pub fn has(&self, flags: &[&str]) -> bool {
        self.args.iter().any(|w| {
            flags.iter().any(|f| {
                w.text == *f
                    || (f.starts_with("--")
                        && w.text.strip_prefix(f).is_some_and(|r| r.starts_with('=')))
            })
        })
    }

    /// Whether a short option letter is given, alone or bundled (`-qy`).
    pub fn has_short(&self, letter: char) -> bool {
        self.args.iter().any(|w| {
            w.text
                .strip_prefix('-')
                .is_some_and(|s| !s.starts_with('-') && !s.contains('=') && s.contains(letter))
        })
    }
}
