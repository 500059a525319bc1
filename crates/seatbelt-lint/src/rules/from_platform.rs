use crate::ast::Keyword;
use crate::expand;
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `FROM --platform=` with a fixed platform. Variables such as `$BUILDPLATFORM`
    /// and `$TARGETPLATFORM` are fine: they are how cross-compiling multi-stage builds work.
    ///
    /// ## Why it matters
    /// A hard-coded platform makes the image wrong (or emulated) on every other platform;
    /// choose the platform when building (`docker buildx build --platform`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 debian:12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    /// ```
    ///
    /// ## References
    /// - hadolint DL3029
    FROM_PLATFORM {
        id: "SB1029",
        aliases: ["DL3029"],
        name: "from-fixed-platform",
        severity: Medium,
        summary: "Do not use --platform with FROM unless it is a build variable",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::From) {
        if let Some(platform) = located
            .instruction
            .flag("platform")
            .and_then(|f| f.value.as_deref())
        {
            if !expand::has_variable(platform) {
                sink.report(
                    located,
                    format!("Do not use --platform={platform} with FROM"),
                );
            }
        }
    }
}
