use crate::ast::{Args, Keyword};
use crate::model::Model;
use crate::rule::Sink;

use super::expose_port::ports;

crate::rule! {
    /// ## What it does
    /// Reports `EXPOSE 22` (SSH).
    ///
    /// ## Why it matters
    /// An SSH server in a container is another daemon to patch, another set of credentials
    /// to leak, and a way around the runtime's access controls. Use `docker exec` or
    /// `kubectl exec` to get a shell.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 22
    /// ```
    ///
    /// ## Use instead
    /// Remove the SSH server and the `EXPOSE`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.8 / 5.6
    EXPOSE_SSH {
        id: "SB1207",
        aliases: [],
        name: "expose-ssh",
        severity: Medium,
        summary: "Do not expose the SSH port",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for located in model.with_keyword(Keyword::Expose) {
        if let Args::Words { words, .. } = &located.instruction.args {
            let ssh = words
                .iter()
                .filter_map(|w| ports(w))
                .any(|ps| match ps.as_slice() {
                    [p] => *p == 22,
                    [from, to] => (*from..=*to).contains(&22),
                    _ => false,
                });
            if ssh {
                sink.report(located, "Port 22 (SSH) is exposed; use docker exec / kubectl exec instead of an SSH server");
            }
        }
    }
}
