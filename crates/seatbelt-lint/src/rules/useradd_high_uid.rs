use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports `useradd` with a UID above 99999 (`-u`/`--uid`) and without `-l`
    /// (`--no-log-init`).
    ///
    /// ## Why it matters
    /// `useradd` writes the user's slot in the sparse `/var/log/lastlog` and `faillog`;
    /// layer tars do not keep holes, so a high UID adds gigabytes of zeros to the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN useradd -l -u 123456 app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3046
    USERADD {
        id: "SB1046",
        aliases: ["DL3046"],
        name: "useradd-high-uid",
        severity: Medium,
        summary: "useradd without -l and a high UID makes the image huge",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        let bad = script.named("useradd").any(|c| {
            let args = c.args();
            let no_log_init = c.has_short('l') || c.has_arg(&["--no-log-init"]);
            let uid = args.iter().enumerate().find_map(|(i, w)| {
                if w.text == "-u" || w.text == "--uid" {
                    args.get(i + 1).map(|v| v.text.clone())
                } else {
                    w.text.strip_prefix("--uid=").map(str::to_string)
                }
            });
            let high = uid.is_some_and(|u| u.len() > 5 && u.chars().all(|c| c.is_ascii_digit()));
            high && !no_log_init
        });
        if bad {
            sink.report(
                located,
                "useradd without flag -l and high UID will result in excessively large Image.",
            );
        }
    }
}
