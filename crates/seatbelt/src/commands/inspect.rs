//! `seatbelt inspect`: what an image is, without reading its layers.

use std::fmt::Write as _;

use seatbelt_image::{Image, LayerSource};
use serde::Serialize;

use crate::args::{InspectArgs, InspectFormat};
use crate::output::{human_bytes, print, print_json};
use crate::Outcome;

/// What `inspect` reports. Environment values are left out: they often hold secrets, and the
/// names are what a reviewer needs.
#[derive(Debug, Serialize)]
struct InspectReport {
    reference: String,
    manifest_digest: Option<String>,
    manifest_media_type: Option<String>,
    platform: Option<String>,
    config_digest: String,
    created: Option<String>,
    user: String,
    entrypoint: Vec<String>,
    cmd: Vec<String>,
    working_dir: String,
    env_names: Vec<String>,
    labels: Vec<(String, String)>,
    layers: Vec<LayerReport>,
    total_layer_bytes: u64,
}

#[derive(Debug, Serialize)]
struct LayerReport {
    digest: Option<String>,
    size: Option<u64>,
    media_type: String,
}

fn report(image: &Image) -> InspectReport {
    let layers: Vec<LayerReport> = image
        .layers
        .iter()
        .map(|layer| match layer {
            LayerSource::Blob(d) => LayerReport {
                digest: Some(d.digest().to_string()),
                size: Some(d.size()),
                media_type: d.media_type().to_string(),
            },
            LayerSource::Directory(path) => LayerReport {
                digest: None,
                size: None,
                media_type: format!("directory {}", path.display()),
            },
        })
        .collect();
    let config = &image.config;
    InspectReport {
        reference: image.reference.clone(),
        manifest_digest: image.digest().map(ToString::to_string),
        manifest_media_type: image.manifest.as_ref().map(|m| m.media_type.clone()),
        platform: config.platform().map(|p| p.to_string()),
        config_digest: config.digest.to_string(),
        created: config.created().map(str::to_string),
        user: config.user().to_string(),
        entrypoint: config.entrypoint(),
        cmd: config.cmd(),
        working_dir: config.working_dir().to_string(),
        env_names: config
            .env()
            .iter()
            .map(|e| {
                e.split_once('=')
                    .map_or(e.as_str(), |(name, _)| name)
                    .to_string()
            })
            .collect(),
        labels: config.labels(),
        total_layer_bytes: layers.iter().filter_map(|l| l.size).sum(),
        layers,
    }
}

fn render_table(r: &InspectReport) -> String {
    let mut out = String::new();
    let none = "-";
    let field = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(
            out,
            "{name:<16}{}",
            if value.is_empty() { none } else { value }
        );
    };
    field(&mut out, "Reference", &r.reference);
    field(
        &mut out,
        "Digest",
        r.manifest_digest.as_deref().unwrap_or(none),
    );
    field(
        &mut out,
        "Media type",
        r.manifest_media_type.as_deref().unwrap_or(none),
    );
    field(&mut out, "Platform", r.platform.as_deref().unwrap_or(none));
    field(&mut out, "Config", &r.config_digest);
    field(&mut out, "Created", r.created.as_deref().unwrap_or(none));
    let user = if r.user.is_empty() {
        "(root: no user set)"
    } else {
        r.user.as_str()
    };
    field(&mut out, "User", user);
    field(&mut out, "Entrypoint", &shell_words(&r.entrypoint));
    field(&mut out, "Cmd", &shell_words(&r.cmd));
    field(&mut out, "Working dir", &r.working_dir);
    field(&mut out, "Env (names)", &r.env_names.join(", "));
    if r.labels.is_empty() {
        field(&mut out, "Labels", "");
    } else {
        let _ = writeln!(out, "Labels");
        for (k, v) in &r.labels {
            let _ = writeln!(out, "  {k}={v}");
        }
    }
    let _ = writeln!(
        out,
        "Layers          {} ({})",
        r.layers.len(),
        human_bytes(r.total_layer_bytes)
    );
    for (i, layer) in r.layers.iter().enumerate() {
        let size = layer.size.map_or_else(|| none.to_string(), human_bytes);
        let digest = layer.digest.as_deref().unwrap_or(none);
        let _ = writeln!(out, "  {i:>3}  {digest}  {size:>10}  {}", layer.media_type);
    }
    out
}

/// Joins arguments for display, quoting those with spaces.
fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if w.is_empty() || w.contains(char::is_whitespace) {
                format!("{w:?}")
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn run(args: &InspectArgs) -> miette::Result<Outcome> {
    let image = super::open_image(&args.image, &args.source)?;
    let report = report(&image);
    match args.format {
        InspectFormat::Json => print_json(&report)?,
        InspectFormat::Table => print(&render_table(&report))?,
    }
    Ok(Outcome::Ok)
}
