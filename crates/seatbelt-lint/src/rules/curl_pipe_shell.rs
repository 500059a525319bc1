use crate::model::Model;
use crate::rule::Sink;
use crate::shell::{Separator, Tool};

crate::rule! {
    /// ## What it does
    /// Reports a download piped into an interpreter: `curl … | sh`, `wget -O- … | bash`,
    /// `curl … | python3`, also through `sudo`.
    ///
    /// ## Why it matters
    /// The script runs with no integrity check: whoever controls the server, the DNS or the
    /// network path controls the image. A truncated download can also run half a script.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://example.com/install.sh /tmp/install.sh
    /// RUN sh /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    CURL_PIPE_SHELL {
        id: "SB1206",
        aliases: [],
        name: "curl-pipe-shell",
        severity: High,
        summary: "Do not pipe a download into a shell",
        check: check,
    }
}

const INTERPRETERS: [&str; 10] = [
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python3", "perl", "ruby",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        let piped = script.commands.windows(2).any(|pair| {
            let [left, right] = pair else { return false };
            let download =
                Tool::of(left).is_some_and(|c| matches!(c.tool, Tool::Curl | Tool::Wget));
            let mut target = right
                .words
                .iter()
                .map(|w| w.text.rsplit('/').next().unwrap_or(&w.text));
            let mut name = target.next();
            if name == Some("sudo") || name == Some("env") {
                name = target.find(|w| !w.starts_with('-') && !w.contains('='));
            }
            download
                && left.after == Separator::Pipe
                && name.is_some_and(|n| INTERPRETERS.contains(&n))
        });
        if piped {
            sink.report(located, "A download is piped into a shell; download it with ADD --checksum (or verify its hash) and then run it");
        }
    }
}
