use super::util::labels;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// With `strict-labels: true` in the config file (or `--strict-labels`), reports `LABEL`
    /// keys that `label-schema` does not list.
    ///
    /// ## Why it matters
    /// A project that defines its label schema wants every image to carry the same, known
    /// set: a stray or misspelt key (`org.opencontainers.image.licence`) is a label no tool
    /// will read.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.source: url}, strict-labels: true
    /// LABEL org.opencontainers.image.source="https://github.com/example/app" team="payments"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3050
    LABEL_SUPERFLUOUS {
        id: "SB1050",
        aliases: ["DL3050"],
        name: "label-superfluous",
        severity: Low,
        summary: "Superfluous label(s) present",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    if !model.options.strict_labels {
        return;
    }
    for (located, key, _) in labels(model) {
        if !model.options.label_schema.contains_key(&key) {
            sink.report_word(
                located,
                &key,
                format!(
                    "Superfluous label `{key}` present: it is not in the config's label-schema"
                ),
            );
        }
    }
}
