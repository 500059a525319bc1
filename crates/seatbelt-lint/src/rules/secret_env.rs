use crate::ast::{Args, Keyword};
use crate::expand;
use crate::model::{Located, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `ENV`, `ARG` and `LABEL` entries whose name says it holds a secret (`PASSWORD`,
    /// `TOKEN`, `SECRET`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIALS`…) with a
    /// literal value or default, and any whose value looks like a credential (AWS access key
    /// ids, GitHub/GitLab/Slack/Stripe/npm tokens, private-key headers).
    ///
    /// ## Why it matters
    /// `ENV` and `LABEL` values are stored in the image config for anyone who pulls it, and
    /// `ARG` values are recorded in the image history. A secret there is published.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN=npm_abcdef0123456789abcdef0123456789abcd
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/secrets/>
    /// - CIS Docker Benchmark 4.10
    SECRET_ENV {
        id: "SB1202",
        aliases: [],
        name: "secret-in-env-arg-label",
        severity: High,
        summary: "No secrets in ENV, ARG or LABEL; use RUN --mount=type=secret",
        check: check,
    }
}

const SECRET_WORDS: [&str; 12] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
    "CLIENT_SECRET",
    "PASSPHRASE",
];

/// Names that hold a reference to a secret, not the secret (`PASSWORD_FILE=/run/secrets/x`).
const NOT_SECRET_SUFFIXES: [&str; 6] = ["_FILE", "_PATH", "_DIR", "_URL_FILE", "_LENGTH", "_ENV"];

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    SECRET_WORDS.iter().any(|w| upper.contains(w))
        && !NOT_SECRET_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// A value shaped like a credential, whatever its name.
pub(crate) fn credential_value(value: &str) -> Option<&'static str> {
    let prefixed = [
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("sk_live_", "a Stripe key"),
        ("npm_", "an npm token"),
        ("pypi-", "a PyPI token"),
    ];
    for (prefix, what) in prefixed {
        if let Some(rest) = value.strip_prefix(prefix) {
            if rest.len() >= 20
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Some(what);
            }
        }
    }
    let is_aws_key = value.len() == 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if is_aws_key {
        return Some("an AWS access key id");
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    None
}

fn literal(value: &str) -> bool {
    let trimmed = value.trim();
    !trimmed.is_empty() && !expand::has_variable(trimmed)
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in &model.instructions {
        for (name, value) in entries(located, model.file.escape) {
            let kind = located.keyword().as_str();
            if let Some(what) = value.as_deref().and_then(credential_value) {
                sink.report(
                    located,
                    format!("{kind} {name} holds what looks like {what}; pass it with RUN --mount=type=secret instead"),
                );
            } else if secret_name(&name) && value.as_deref().is_some_and(literal) {
                sink.report(
                    located,
                    format!("{kind} {name} looks like a secret and is stored in the image; use RUN --mount=type=secret,id=…,env={name} instead"),
                );
            }
        }
    }
}

/// (name, unquoted value) of each ENV/ARG/LABEL entry.
fn entries(located: &Located<'_>, escape: char) -> Vec<(String, Option<String>)> {
    match (&located.keyword(), &located.instruction.args) {
        (Keyword::Env | Keyword::Label, Args::Pairs(pairs)) => pairs
            .iter()
            .map(|p| {
                (
                    expand::unquote(&p.key, escape),
                    Some(expand::unquote(&p.value, escape)),
                )
            })
            .collect(),
        (Keyword::Arg, Args::Arg(decls)) => decls
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.default.as_deref().map(|v| expand::unquote(v, escape)),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}
