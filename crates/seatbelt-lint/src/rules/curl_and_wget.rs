use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::calls;

crate::rule! {
    /// ## What it does
    /// Reports a stage that uses both `wget` and `curl` (reported on the later one).
    ///
    /// ## Why it matters
    /// Two downloaders in one image: one is redundant weight and attack surface.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -q https://example.com/a
    /// RUN curl -fsSLO https://example.com/b
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSLO https://example.com/a && curl -fsSLO https://example.com/b
    /// ```
    ///
    /// ## References
    /// - hadolint DL4001
    CURL_AND_WGET {
        id: "SB1101",
        aliases: ["DL4001"],
        name: "curl-and-wget",
        severity: Medium,
        summary: "Either use wget or curl, not both",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for stage in 0..model.stages.len() {
        let mut curl = false;
        let mut wget = false;
        for located in model.in_stage(stage) {
            let Some(script) = &located.script else {
                continue;
            };
            let c = calls(script, Tool::Curl).next().is_some();
            let w = calls(script, Tool::Wget).next().is_some();
            if (c && (wget || w)) || (w && (curl || c)) {
                sink.report(located, "Either use Wget or Curl but not both");
            }
            curl |= c;
            wget |= w;
        }
    }
}
