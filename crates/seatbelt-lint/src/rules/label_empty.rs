use super::util::labels;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `LABEL` that the config's `label-schema` lists but whose value is empty.
    ///
    /// ## Why it matters
    /// An empty required label passes a "label present" check while telling nothing; it is
    /// usually a build argument that was not passed (`LABEL version=$VERSION`, written as
    /// `version=""`).
    ///
    /// ## Example
    /// ```dockerfile
    /// # .seatbelt.yaml: label-schema: {org.opencontainers.image.vendor: text}
    /// LABEL org.opencontainers.image.vendor=""
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.vendor="Example Ltd"
    /// ```
    ///
    /// ## References
    /// - hadolint DL3051
    LABEL_EMPTY {
        id: "SB1051",
        aliases: ["DL3051"],
        name: "label-empty",
        severity: Medium,
        summary: "Label is empty",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, key, value) in labels(model) {
        if value.is_empty() && model.options.label_schema.contains_key(&key) {
            sink.report_word(located, &key, format!("Label `{key}` is empty"));
        }
    }
}
