//! The new image config: the run-time user, labels that record what was done, an optional
//! health check, and the added layer's diff_id and history entry. Entrypoint and Cmd are kept.

use serde_json::{json, Map, Value};

use seatbelt_types::Digest;

/// Label naming the manifest the hardened image was made from (OCI annotation key).
pub const BASE_DIGEST_LABEL: &str = "org.opencontainers.image.base.digest";
/// Label holding seatbelt's summary of the hardening.
pub const HARDENED_LABEL: &str = "dev.seatbelt.hardened";

/// Name fragments of environment variables that hold secrets.
const SECRET_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "PRIVATE_KEY",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Env names whose values look like secrets.
pub fn secret_env_names(env: &[String]) -> Vec<String> {
    env.iter()
        .filter_map(|e| {
            let (name, value) = e.split_once('=').unwrap_or((e, ""));
            let upper = name.to_ascii_uppercase();
            let secret_name = SECRET_NAMES.iter().any(|s| upper.contains(s));
            // An AWS access key id is recognisable by its value (AKIA + 16 upper-case chars).
            let aws_key = value.len() == 20
                && value.starts_with("AKIA")
                && value
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            ((secret_name && !value.is_empty()) || aws_key).then(|| name.to_string())
        })
        .collect()
}

/// What goes into the new config.
pub struct ConfigEdit<'a> {
    /// `User`.
    pub user: &'a str,
    /// The source manifest digest.
    pub base_digest: &'a Digest,
    /// The summary label value.
    pub summary: String,
    /// Exec-form health check command, if given.
    pub healthcheck: Option<Vec<String>>,
    /// The added layer's diff_id.
    pub diff_id: &'a Digest,
}

/// Returns the new config JSON.
pub fn rewrite(original: &Value, edit: &ConfigEdit<'_>) -> Value {
    let mut config = original.clone();
    let Some(root) = config.as_object_mut() else {
        return config;
    };
    let runtime = root
        .entry("config")
        .or_insert_with(|| Value::Object(Map::new()));
    if !runtime.is_object() {
        *runtime = Value::Object(Map::new());
    }
    if let Some(runtime) = runtime.as_object_mut() {
        runtime.insert("User".into(), json!(edit.user));
        let labels = runtime
            .entry("Labels")
            .or_insert_with(|| Value::Object(Map::new()));
        if !labels.is_object() {
            *labels = Value::Object(Map::new());
        }
        if let Some(labels) = labels.as_object_mut() {
            labels.insert(
                BASE_DIGEST_LABEL.into(),
                json!(edit.base_digest.to_string()),
            );
            labels.insert(HARDENED_LABEL.into(), json!(edit.summary));
        }
        if let Some(test) = &edit.healthcheck {
            let mut t = vec![json!("CMD")];
            t.extend(test.iter().map(|s| json!(s)));
            runtime.insert("Healthcheck".into(), json!({"Test": t}));
        }
    }
    let rootfs = root
        .entry("rootfs")
        .or_insert_with(|| json!({"type": "layers", "diff_ids": []}));
    if let Some(ids) = rootfs.get_mut("diff_ids").and_then(Value::as_array_mut) {
        ids.push(json!(edit.diff_id.to_string()));
    }
    let history = root.entry("history").or_insert_with(|| json!([]));
    if let Some(h) = history.as_array_mut() {
        h.push(json!({"created_by": "seatbelt harden", "comment": edit.summary}));
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_secrets() {
        let env = vec![
            "PATH=/usr/bin".to_string(),
            "DB_PASSWORD=hunter2".to_string(),
            "GITHUB_TOKEN=x".to_string(),
            "KEY_ID=AKIAABCDEFGHIJKLMNOP".to_string(),
            "TOKEN_URL=".to_string(),
        ];
        assert_eq!(
            secret_env_names(&env),
            ["DB_PASSWORD", "GITHUB_TOKEN", "KEY_ID"]
        );
    }

    #[test]
    fn rewrites_user_labels_and_layers() {
        let original = json!({"config": {"Entrypoint": ["/app"], "User": ""}, "rootfs": {"type": "layers", "diff_ids": ["sha256:aa"]}});
        let base = Digest::sha256_of(b"m");
        let diff = Digest::sha256_of(b"l");
        let out = rewrite(
            &original,
            &ConfigEdit {
                user: "65532:65532",
                base_digest: &base,
                summary: "s".into(),
                healthcheck: None,
                diff_id: &diff,
            },
        );
        assert_eq!(out["config"]["User"], "65532:65532");
        assert_eq!(out["config"]["Entrypoint"][0], "/app");
        assert_eq!(out["config"]["Labels"][BASE_DIGEST_LABEL], base.to_string());
        assert_eq!(out["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);
        assert!(out["config"].get("Healthcheck").is_none());
    }
}
