use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `cd` in `RUN` (at the top level of the script; `cd` inside `sh -c` is its own
    /// process and fine).
    ///
    /// ## Why it matters
    /// `cd` lasts only for that `RUN`; the next instruction starts back in the `WORKDIR`,
    /// which surprises readers. `WORKDIR` states the directory once for all that follow.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /app && make
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN make
    /// ```
    ///
    /// ## References
    /// - hadolint DL3003
    CD {
        id: "SB1003",
        aliases: ["DL3003"],
        name: "cd-instead-of-workdir",
        severity: Medium,
        summary: "Use WORKDIR to switch to a directory",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        if script.commands.iter().any(|c| c.depth == 0 && c.is("cd")) {
            sink.report(located, "Use WORKDIR to switch to a directory");
        }
    }
}
