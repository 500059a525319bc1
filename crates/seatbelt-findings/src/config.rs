//! The config file: `.seatbelt.yaml` (or `--config FILE`), which also reads hadolint's
//! `.hadolint.yaml` keys so a project switching tools keeps its settings.
//!
//! ```yaml
//! disabled: [SB1008, DL3009]      # hadolint spells it `ignored`
//! severity: {SB2003: low}         # seatbelt's severity names
//! override:                       # hadolint's levels: error, warning, info, style
//!   error: [DL3008]
//! trustedRegistries: [registry.example.com]
//! fail-on: high                   # or hadolint's `failure-threshold: warning`
//! max-image-age-days: 365         # audit: base image age limit
//! secrets:
//!   allow-paths: [/usr/share/doc/]
//!   allow-values: [my-known-test-token]
//! label-schema:                   # lint: labels every final image needs, and their format
//!   org.opencontainers.image.source: url
//!   org.opencontainers.image.licenses: spdx
//! strict-labels: true             # lint: no labels outside label-schema
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use seatbelt_types::Severity;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::{LabelType, Report, RuleInfo};

/// The files looked for in the working directory when `--config` is not given, first found
/// wins.
pub const CONFIG_FILE_NAMES: [&str; 4] = [
    ".seatbelt.yaml",
    ".seatbelt.yml",
    ".hadolint.yaml",
    ".hadolint.yml",
];

/// Largest config file read: real ones are a few hundred bytes; the cap keeps a stray large
/// file (or a device) from being read whole into memory.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A config file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Reading failed.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Larger than [`MAX_CONFIG_BYTES`].
    #[error("config file {path} is {size} bytes, more than the {MAX_CONFIG_BYTES}-byte limit; is it the right file?")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// A `label-schema` entry whose format is not one hadolint defines.
    #[error("config file {path}: label-schema.{label}: unknown format {value:?}; use one of text, url, email, hash, rfc3339, semver, spdx")]
    UnknownLabelType {
        /// The file.
        path: PathBuf,
        /// The label.
        label: String,
        /// The format given.
        value: String,
    },
    /// Not valid YAML, or a key or value seatbelt does not know.
    #[error("config file {path} is not valid: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A severity or threshold name that is not one of ours or hadolint's.
    #[error("config file {path}: {key}: unknown level {value:?}; use one of critical, high, medium, low, negligible (or hadolint's error, warning, info, style, ignore, none)")]
    UnknownLevel {
        /// The file.
        path: PathBuf,
        /// The key holding it.
        key: String,
        /// The value.
        value: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default, alias = "ignored")]
    disabled: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default, rename = "override")]
    override_levels: BTreeMap<String, Vec<String>>,
    #[serde(default, alias = "trustedRegistries", alias = "trusted_registries")]
    trusted_registries: Vec<String>,
    #[serde(default, alias = "failure-threshold", alias = "failure_threshold")]
    fail_on: Option<String>,
    #[serde(default)]
    no_fail: bool,
    #[serde(default)]
    disable_ignore_pragma: bool,
    #[serde(default)]
    max_image_age_days: Option<u64>,
    #[serde(default)]
    secrets: RawSecrets,
    #[serde(default)]
    label_schema: BTreeMap<String, String>,
    #[serde(default)]
    strict_labels: bool,
    // `scan:` (deadlines) is `seatbelt scan`'s section of the same file, read by seatbelt-scan.
    #[serde(default, rename = "scan")]
    _scan: IgnoredAny,
    // hadolint keys that do not apply to seatbelt: accepted so a `.hadolint.yaml` loads as is.
    #[serde(default, rename = "format")]
    _format: IgnoredAny,
    #[serde(default, rename = "no-color")]
    _no_color: IgnoredAny,
    #[serde(default, rename = "verbose")]
    _verbose: IgnoredAny,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSecrets {
    #[serde(default)]
    allow_paths: Vec<String>,
    #[serde(default)]
    allow_values: Vec<String>,
}

/// A level name: seatbelt's severities and hadolint's levels (`error` = high, `warning` =
/// medium, `info` = low, `style` = negligible). `Ok(None)` for hadolint's `ignore`/`none`.
fn level(name: &str) -> Option<Option<Severity>> {
    match name.trim().to_ascii_lowercase().as_str() {
        "error" => Some(Some(Severity::High)),
        "warning" => Some(Some(Severity::Medium)),
        "info" => Some(Some(Severity::Low)),
        "style" => Some(Some(Severity::Negligible)),
        "ignore" | "none" => Some(None),
        other => other.parse::<Severity>().ok().map(Some),
    }
}

/// Settings for lint and audit, from a config file and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file read, if any.
    pub source: Option<PathBuf>,
    /// Rule ids or aliases turned off.
    pub disabled: Vec<String>,
    /// Severity per rule id or alias.
    pub severity: BTreeMap<String, Severity>,
    /// Registries base images may come from (empty: any).
    pub trusted_registries: Vec<String>,
    /// Fail (exit 1) on findings at least this severe; `None`: the command's default.
    pub fail_on: Option<Severity>,
    /// Never fail on findings (hadolint's `no-fail`, `failure-threshold: none`).
    pub no_fail: bool,
    /// Ignore inline `# seatbelt ignore=` / `# hadolint ignore=` pragmas.
    pub disable_ignore_pragma: bool,
    /// Audit: report base images older than this many days.
    pub max_image_age_days: Option<u64>,
    /// Secrets: path prefixes never scanned (documentation trees, test fixtures).
    pub secret_allow_paths: Vec<String>,
    /// Secrets: values known not to be secrets.
    pub secret_allow_values: Vec<String>,
    /// Lint: labels the image must carry, with the format of each value (hadolint's
    /// `label-schema`).
    pub label_schema: BTreeMap<String, LabelType>,
    /// Lint: labels outside [`Config::label_schema`] are reported (hadolint's `strict-labels`).
    pub strict_labels: bool,
}

impl Config {
    /// Parses a config file's text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        // An empty file (or only comments) is an empty config, as in hadolint.
        let raw: RawConfig = if text
            .trim()
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| ConfigError::Parse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?
        };
        let bad = |key: &str, value: &str| ConfigError::UnknownLevel {
            path: path.to_path_buf(),
            key: key.to_string(),
            value: value.to_string(),
        };
        let mut config = Config {
            source: Some(path.to_path_buf()),
            disabled: raw.disabled,
            trusted_registries: raw.trusted_registries,
            no_fail: raw.no_fail,
            disable_ignore_pragma: raw.disable_ignore_pragma,
            max_image_age_days: raw.max_image_age_days,
            secret_allow_paths: raw.secrets.allow_paths,
            secret_allow_values: raw.secrets.allow_values,
            strict_labels: raw.strict_labels,
            ..Config::default()
        };
        for (label, value) in raw.label_schema {
            let Ok(kind) = value.parse::<LabelType>() else {
                return Err(ConfigError::UnknownLabelType {
                    path: path.to_path_buf(),
                    label,
                    value,
                });
            };
            config.label_schema.insert(label, kind);
        }
        for (level_name, ids) in &raw.override_levels {
            let key = format!("override.{level_name}");
            match level(level_name) {
                Some(Some(severity)) => {
                    for id in ids {
                        config.severity.insert(id.clone(), severity);
                    }
                }
                // `override: {ignore: [...]}` turns the rules off.
                Some(None) => config.disabled.extend(ids.iter().cloned()),
                None => return Err(bad(&key, level_name)),
            }
        }
        for (id, name) in &raw.severity {
            match level(name) {
                Some(Some(severity)) => {
                    config.severity.insert(id.clone(), severity);
                }
                Some(None) => config.disabled.push(id.clone()),
                None => return Err(bad(&format!("severity.{id}"), name)),
            }
        }
        if let Some(name) = &raw.fail_on {
            match level(name) {
                Some(Some(severity)) => config.fail_on = Some(severity),
                Some(None) => config.no_fail = true,
                None => return Err(bad("fail-on", name)),
            }
        }
        Ok(config)
    }

    /// Whether `rule` is turned off (by id or alias).
    pub fn is_disabled(&self, rule: &RuleInfo) -> bool {
        self.disabled.iter().any(|key| rule.is_named(key))
    }

    /// Whether a rule known only by id is turned off.
    fn is_disabled_id(&self, id: &str) -> bool {
        self.disabled
            .iter()
            .any(|key| key.trim().eq_ignore_ascii_case(id))
    }

    /// `rule`'s severity after overrides.
    pub fn severity_of(&self, rule: &RuleInfo) -> Severity {
        self.severity
            .iter()
            .find(|(key, _)| rule.is_named(key))
            .map_or(rule.severity, |(_, severity)| *severity)
    }

    /// Drops findings of disabled rules and applies severity overrides, in the findings and
    /// in the rule list (so SARIF's default levels agree).
    pub fn apply(&self, report: &mut Report) {
        let rules = report.rules.clone();
        report
            .findings
            .retain(|f| match rules.iter().find(|r| r.id == f.rule_id) {
                Some(rule) => !self.is_disabled(rule),
                None => !self.is_disabled_id(&f.rule_id),
            });
        for finding in &mut report.findings {
            if let Some(rule) = rules.iter().find(|r| r.id == finding.rule_id) {
                if let Some((_, severity)) =
                    self.severity.iter().find(|(key, _)| rule.is_named(key))
                {
                    finding.severity = *severity;
                }
            }
        }
        for rule in &mut report.rules {
            rule.severity = self.severity_of(rule);
        }
    }

    /// The `--fail-on` threshold in force: the command line's, else the file's, else
    /// `default`; `None` when failing is turned off.
    pub fn fail_threshold(&self, cli: Option<Severity>, default: Severity) -> Option<Severity> {
        if let Some(severity) = cli {
            return Some(severity);
        }
        if self.no_fail {
            return None;
        }
        Some(self.fail_on.unwrap_or(default))
    }
}

/// Loads `explicit` if given (it must exist), else the first of [`CONFIG_FILE_NAMES`] in
/// `dir`, else the default config.
pub fn load_config(explicit: Option<&Path>, dir: &Path) -> Result<Config, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => match CONFIG_FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            Some(path) => path,
            None => return Ok(Config::default()),
        },
    };
    let read_err = |source| ConfigError::Read {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::open(&path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    if size > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge { path, size });
    }
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(file, MAX_CONFIG_BYTES + 1),
        &mut text,
    )
    .map_err(read_err)?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge {
            path,
            size: text.len() as u64,
        });
    }
    Config::parse(&text, &path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture::{fixture_report, RULES};

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new(".seatbelt.yaml"))
    }

    #[test]
    fn reads_a_hadolint_config_as_is() {
        // Keys as hadolint's README documents them.
        let config = parse(
            "failure-threshold: warning\nformat: json\nignored:\n  - DL3008\noverride:\n  info:\n    - DL3009\n  error: [SB2001]\ntrustedRegistries:\n  - docker.io\n  - my-company.com:5000\nlabel-schema:\n  author: text\nstrict-labels: true\nno-color: true\n",
        )
        .expect("parses");
        assert_eq!(config.disabled, ["DL3008"]);
        assert_eq!(
            config.trusted_registries,
            ["docker.io", "my-company.com:5000"]
        );
        assert_eq!(config.fail_on, Some(Severity::Medium));
        assert_eq!(config.severity.get("DL3009"), Some(&Severity::Low));
        assert!(config.is_disabled(&RULES[0]), "SB1008 is DL3008's alias");
        assert_eq!(config.severity_of(&RULES[1]), Severity::High);
        assert_eq!(config.label_schema.get("author"), Some(&LabelType::Text));
        assert!(config.strict_labels);
    }

    #[test]
    fn reads_every_label_schema_format_and_rejects_others() {
        let config = parse("label-schema:\n  a: text\n  b: url\n  c: email\n  d: hash\n  e: rfc3339\n  f: semver\n  g: spdx\n").expect("parses");
        assert_eq!(config.label_schema.len(), 7);
        assert_eq!(config.label_schema.get("e"), Some(&LabelType::Rfc3339));
        assert!(!config.strict_labels);
        let err = parse("label-schema:\n  version: number\n").expect_err("unknown format");
        assert!(matches!(err, ConfigError::UnknownLabelType { .. }), "{err}");
        assert!(err.to_string().contains("label-schema.version"), "{err}");
    }

    #[test]
    fn applies_disables_and_overrides_to_a_report() {
        let config = parse("disabled: [dl3008]\nseverity:\n  SB3010: low\n").expect("parses");
        let mut report = fixture_report();
        config.apply(&mut report);
        let ids: Vec<_> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(ids, ["SB2001", "SB3010"]);
        assert_eq!(report.findings[1].severity, Severity::Low);
        assert_eq!(
            report.rule("SB3010").map(|r| r.severity),
            Some(Severity::Low)
        );
    }

    #[test]
    fn fail_threshold_prefers_the_command_line() {
        let config = parse("failure-threshold: none\n").expect("parses");
        assert_eq!(config.fail_threshold(None, Severity::High), None);
        assert_eq!(
            config.fail_threshold(Some(Severity::Low), Severity::High),
            Some(Severity::Low)
        );
        assert_eq!(
            Config::default().fail_threshold(None, Severity::High),
            Some(Severity::High)
        );
    }

    #[test]
    fn rejects_typos_and_unknown_levels_with_the_file_named() {
        let err = parse("disbled: [SB1]\n").expect_err("unknown key");
        assert!(err.to_string().contains(".seatbelt.yaml"), "{err}");
        let err = parse("severity: {SB1: severe}\n").expect_err("unknown level");
        assert!(err.to_string().contains("severity.SB1"), "{err}");
        assert!(parse("override: {fatal: [DL3000]}\n").is_err());
        assert!(parse("disabled: {a: 1}\n").is_err());
        assert!(parse("[[[").is_err());
    }

    #[test]
    fn empty_and_comment_only_files_are_empty_configs() {
        assert!(parse("").expect("empty").disabled.is_empty());
        assert!(parse("# nothing\n\n")
            .expect("comments")
            .disabled
            .is_empty());
    }

    #[test]
    fn billion_laughs_is_refused_not_expanded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12u8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&text).is_err());
    }

    #[test]
    fn load_finds_the_first_file_and_honours_explicit_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            load_config(None, dir.path()).expect("none"),
            Config::default()
        );
        std::fs::write(dir.path().join(".hadolint.yaml"), "ignored: [DL3000]\n").expect("write");
        std::fs::write(dir.path().join(".seatbelt.yaml"), "disabled: [SB2001]\n").expect("write");
        assert_eq!(
            load_config(None, dir.path()).expect("found").disabled,
            ["SB2001"]
        );
        let explicit = dir.path().join(".hadolint.yaml");
        assert_eq!(
            load_config(Some(&explicit), dir.path())
                .expect("explicit")
                .disabled,
            ["DL3000"]
        );
        // A directory under a name looked for first is passed over, not read.
        std::fs::remove_file(dir.path().join(".seatbelt.yaml")).expect("rm");
        std::fs::create_dir(dir.path().join(".seatbelt.yaml")).expect("mkdir");
        let found = load_config(None, dir.path()).expect("the next name");
        assert_eq!(found.disabled, ["DL3000"]);
        assert_eq!(
            found.source.as_deref(),
            Some(dir.path().join(".hadolint.yaml").as_path())
        );
        let missing = dir.path().join("nope.yaml");
        assert!(matches!(
            load_config(Some(&missing), dir.path()),
            Err(ConfigError::Read { .. })
        ));
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'#'; (MAX_CONFIG_BYTES + 1) as usize]).expect("write");
        assert!(matches!(
            load_config(Some(&big), dir.path()),
            Err(ConfigError::TooLarge { .. })
        ));
    }
}
