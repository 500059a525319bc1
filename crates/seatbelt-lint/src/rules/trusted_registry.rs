use crate::model::{Base, Model};
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// When trusted registries are configured (`--trusted-registry`, `trustedRegistries` in
    /// `.seatbelt.yaml` or `.hadolint.yaml`), reports base images from any other registry.
    /// Images without a registry come from `docker.io`.
    ///
    /// ## Why it matters
    /// Base images are code you run. An organisation that mirrors and scans its base images
    /// loses that protection when a Dockerfile pulls from elsewhere.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM docker.io/library/python:3.12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM registry.example.com/mirror/python:3.12
    /// ```
    ///
    /// ## References
    /// - hadolint DL3026
    TRUSTED_REGISTRY {
        id: "SB1026",
        aliases: ["DL3026"],
        name: "untrusted-registry",
        severity: High,
        summary: "Use only an allowed registry in the FROM image",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let trusted = &model.options.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    for stage in &model.stages {
        if let Base::Image(image) = &stage.base {
            let allowed = trusted.iter().any(|t| {
                let t = t.trim_end_matches('/');
                t.eq_ignore_ascii_case(&image.registry)
                    || (image.registry == "docker.io"
                        && matches!(t, "docker.io" | "index.docker.io" | "hub.docker.com"))
            });
            if !allowed {
                if let Some(at) = model.instructions.get(stage.from) {
                    sink.report(
                        at,
                        format!(
                            "Use only an allowed registry in the FROM image: {} is not one of {}",
                            image.registry,
                            trusted.join(", ")
                        ),
                    );
                }
            }
        }
    }
}
