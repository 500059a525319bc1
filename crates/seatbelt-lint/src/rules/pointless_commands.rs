use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports commands that make no sense in an image build: `ssh`, `vim`, `shutdown`,
    /// `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`.
    ///
    /// ## Why it matters
    /// They act on a running system or need a terminal; in a build they do nothing useful
    /// (or hang).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN service nginx start
    /// ```
    ///
    /// ## Use instead
    /// Start services from `CMD`/`ENTRYPOINT`.
    ///
    /// ## References
    /// - hadolint DL3001
    POINTLESS {
        id: "SB1001",
        aliases: ["DL3001"],
        name: "pointless-command",
        severity: Low,
        summary: "Commands such as ssh, vim, service or top make no sense in a build",
        check: check,
    }
}

const POINTLESS_COMMANDS: [&str; 10] = [
    "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        if let Some(name) = script
            .commands
            .iter()
            .filter_map(|c| c.name())
            .find(|n| POINTLESS_COMMANDS.contains(n))
        {
            sink.report(located, format!("For some bash commands it makes no sense running them in a Docker container like `{name}`"));
        }
    }
}
