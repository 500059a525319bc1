//! The engine: one aho-corasick automaton over every rule's keywords, then each hit rule's
//! regex on the merged windows around its hits only.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};

use super::{allow, entropy, redact, SecretRule, RULES};

/// Files larger than this are not scanned: secrets live in config and key files of a few KiB;
/// multi-MiB files are data, archives or logs, and scanning them would dominate the walk's time
/// (Trivy uses the same 10 MiB cut-off for the same reason).
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

/// How many leading bytes are checked for a NUL to call a file binary (what git and grep do).
pub const SNIFF_BYTES: usize = 8000;

/// The regex crate's compiled-program size limit per rule; the rules are small, this only
/// keeps a mistake in one from eating memory.
const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

/// The most matches reported per rule per file: a file with thousands of tokens is one
/// problem, and the list would swamp every output.
const MAX_MATCHES_PER_RULE: usize = 20;

/// One secret found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// The rule's index in [`RULES`].
    pub rule: usize,
    /// Its id.
    pub rule_id: &'static str,
    /// 1-based line of the match.
    pub line: u64,
    /// 1-based column (bytes) of the match.
    pub column: u64,
    /// The redacted secret (never the secret itself).
    pub redacted: String,
}

/// The compiled rules.
#[derive(Debug)]
pub struct Engine {
    keywords: AhoCorasick,
    /// Keyword pattern index → rule index.
    keyword_rule: Vec<usize>,
    regexes: Vec<Regex>,
    allow_values: Vec<Vec<u8>>,
}

/// An error in a rule's regex or keyword list: a bug in seatbelt, caught by the unit tests.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A regex that does not compile.
    #[error("secret rule {id}: its regex does not compile: {source}")]
    Regex {
        /// The rule.
        id: &'static str,
        /// Why.
        source: regex::Error,
    },
    /// The keyword automaton could not be built.
    #[error("secret rules: the keyword automaton cannot be built: {0}")]
    Keywords(#[from] aho_corasick::BuildError),
}

impl Engine {
    /// Compiles every rule in [`RULES`], with extra allowed values (exact substrings, from the
    /// config's `secrets.allow-values`).
    pub fn new(allow_values: &[String]) -> Result<Engine, EngineError> {
        let mut patterns = Vec::new();
        let mut keyword_rule = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            for keyword in rule.keywords {
                patterns.push(*keyword);
                keyword_rule.push(i);
            }
        }
        let keywords = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)?;
        let regexes = RULES
            .iter()
            .map(|rule| {
                RegexBuilder::new(rule.pattern)
                    .unicode(false)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|source| EngineError::Regex {
                        id: rule.info.id,
                        source,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Engine {
            keywords,
            keyword_rule,
            regexes,
            allow_values: allow_values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| v.as_bytes().to_vec())
                .collect(),
        })
    }

    /// Whether `content` should be scanned at all: not over [`MAX_SCAN_BYTES`], no NUL in the
    /// first [`SNIFF_BYTES`].
    pub fn is_scannable(content: &[u8]) -> bool {
        content.len() <= MAX_SCAN_BYTES
            && memchr::memchr(0, &content[..content.len().min(SNIFF_BYTES)]).is_none()
    }

    /// The secrets in `content` (the caller decides about paths and binaries; see
    /// [`Engine::is_scannable`]). Matches are in file order per rule, rules in [`RULES`] order.
    pub fn scan(&self, content: &[u8]) -> Vec<SecretMatch> {
        // Windows per rule: (start, end) byte ranges around each keyword hit.
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); RULES.len()];
        for hit in self.keywords.find_overlapping_iter(content) {
            let Some(&rule_index) = self.keyword_rule.get(hit.pattern().as_usize()) else {
                continue;
            };
            let Some(rule) = RULES.get(rule_index) else {
                continue;
            };
            let start = hit.start().saturating_sub(rule.before);
            let end = hit.end().saturating_add(rule.after).min(content.len());
            let list = &mut windows[rule_index];
            match list.last_mut() {
                // Hits arrive in order of their end; merge overlapping windows so no byte is
                // searched twice and no match is reported twice.
                Some(last) if start <= last.1 => {
                    last.0 = last.0.min(start);
                    last.1 = last.1.max(end);
                }
                _ => list.push((start, end)),
            }
        }
        let mut found = Vec::new();
        for (rule_index, list) in windows.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let (Some(rule), Some(regex)) = (RULES.get(rule_index), self.regexes.get(rule_index))
            else {
                continue;
            };
            let mut count = 0;
            let mut last_end = 0;
            'windows: for &(start, end) in list {
                // The haystack ends at the window so the search is bounded, but starts at the
                // file's start so `\b` and `^` see the byte before the window.
                let haystack = &content[..end];
                let mut at = start.max(last_end);
                while at < end {
                    let Some(caps) = regex.captures_at(haystack, at) else {
                        break;
                    };
                    let Some(whole) = caps.get(0) else { break };
                    at = if whole.end() > whole.start() {
                        whole.end()
                    } else {
                        whole.end() + 1
                    };
                    last_end = whole.end();
                    // The `secret` group, else the alternative's own group (`bare`, `auth`),
                    // else the whole match.
                    let secret = caps
                        .name("secret")
                        .or_else(|| caps.iter().skip(1).flatten().last())
                        .unwrap_or(whole);
                    let value = secret.as_bytes();
                    if !self.accepts(rule, value) {
                        continue;
                    }
                    let line_start =
                        memchr::memrchr(b'\n', &content[..whole.start()]).map_or(0, |i| i + 1);
                    found.push(SecretMatch {
                        rule: rule_index,
                        rule_id: rule.info.id,
                        line: memchr::memchr_iter(b'\n', &content[..whole.start()]).count() as u64
                            + 1,
                        column: (whole.start() - line_start) as u64 + 1,
                        redacted: redact::redact(value, rule.keep),
                    });
                    count += 1;
                    if count >= MAX_MATCHES_PER_RULE {
                        break 'windows;
                    }
                }
            }
        }
        // Fallback rules give way to any specific rule on the same line.
        let specific: Vec<u64> = found
            .iter()
            .filter(|m| RULES.get(m.rule).is_some_and(|r| !r.fallback))
            .map(|m| m.line)
            .collect();
        found.retain(|m| {
            RULES.get(m.rule).is_some_and(|r| !r.fallback) || !specific.contains(&m.line)
        });
        found
    }

    fn accepts(&self, rule: &SecretRule, value: &[u8]) -> bool {
        if allow::is_placeholder(value) {
            return false;
        }
        if self
            .allow_values
            .iter()
            .any(|a| memchr::memmem::find(value, a).is_some())
        {
            return false;
        }
        if let Some(min) = rule.min_entropy {
            if entropy::shannon_entropy(value) < min {
                return false;
            }
        }
        rule.validate.is_none_or(|validate| validate(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles_and_has_keywords() {
        let engine = Engine::new(&[]).expect("rules compile");
        assert_eq!(engine.regexes.len(), RULES.len());
        for rule in RULES {
            assert!(!rule.keywords.is_empty(), "{}", rule.info.id);
            assert!(rule.info.id.starts_with("SB3"), "{}", rule.info.id);
            assert!(
                rule.info.docs.contains("## What it does"),
                "{}",
                rule.info.id
            );
        }
        let mut ids: Vec<_> = RULES.iter().map(|r| r.info.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "ids are unique");
    }

    #[test]
    fn binaries_and_huge_files_are_not_scannable() {
        assert!(Engine::is_scannable(b"text"));
        assert!(!Engine::is_scannable(b"\x7fELF\x00\x01"));
        assert!(!Engine::is_scannable(&vec![b'a'; MAX_SCAN_BYTES + 1]));
    }

    #[test]
    fn reports_line_and_column_and_redacts() {
        let engine = Engine::new(&[]).expect("rules compile");
        let text = b"first line\n  token: ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y\n";
        let found = engine.scan(text);
        let gh: Vec<_> = found.iter().filter(|m| m.rule_id == "SB3005").collect();
        assert_eq!(gh.len(), 1, "{found:?}");
        assert_eq!((gh[0].line, gh[0].column), (2, 10));
        assert_eq!(gh[0].redacted, "ghp_****");
    }

    #[test]
    fn configured_allow_values_silence_a_match() {
        let text = b"ghp_R3alLooking0TokenQ8vX2mZ7kLp4Wn9Ts1Y";
        let engine = Engine::new(&["R3alLooking0Token".to_string()]).expect("compile");
        assert!(engine.scan(text).is_empty());
    }

    #[test]
    fn a_keyword_without_its_pattern_finds_nothing() {
        let engine = Engine::new(&[]).expect("compile");
        assert!(engine
            .scan(b"AKIA is a prefix; ghp_ too; -----BEGIN RSA PRIVATE KEY-----")
            .is_empty());
    }
}
