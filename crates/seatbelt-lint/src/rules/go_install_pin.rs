use crate::model::Model;
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::calls;

crate::rule! {
    /// ## What it does
    /// Reports `go install`, `go get` and `go run` of a remote module path (its first element
    /// has a dot: `golang.org/x/tools/gopls`) without `@version`; `@latest`, `@upgrade` and
    /// `@patch` count as unpinned. Local packages (`./...`, `.`, `/src/cmd`) and standard
    /// library paths (`cmd/go`) have no version to pin.
    ///
    /// ## Why it matters
    /// Without a version, the build installs whatever the module's newest release or default
    /// branch holds today: builds are not reproducible, and a compromised release lands
    /// unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## References
    /// - hadolint DL3062
    /// - <https://go.dev/ref/mod#go-install>
    GO_INSTALL_PIN {
        id: "SB1210",
        aliases: ["DL3062"],
        name: "go-install-unpinned",
        severity: Medium,
        summary: "Pin versions in go install, go get and go run",
        check: check,
    }
}

/// Version queries that resolve to whatever is newest at build time.
const FLOATING: [&str; 3] = ["latest", "upgrade", "patch"];

/// Whether `operand` names a remote module package without a fixed version.
fn unpinned(operand: &str) -> bool {
    let (path, version) = match operand.split_once('@') {
        Some((path, version)) => (path, Some(version)),
        None => (operand, None),
    };
    let first = path.split('/').next().unwrap_or(path);
    let remote = first.contains('.') && !path.starts_with('.') && !path.ends_with(".go");
    remote && version.is_none_or(|v| v.is_empty() || FLOATING.contains(&v))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (located, script) in model.runs() {
        let first = calls(script, Tool::Go)
            .filter(|c| c.runs(&["install", "get", "run"]))
            .find_map(|c| {
                c.packages()
                    .into_iter()
                    .find(|p| !p.dynamic && unpinned(&p.text))
                    .map(|p| p.text.clone())
            });
        if let Some(module) = first {
            sink.report_word(
                located,
                &module,
                format!("Pin versions in go: `{module}` has no fixed version; use `go install <module>@<version>`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn remote_paths_need_a_fixed_version() {
        for bad in [
            "golang.org/x/tools/gopls",
            "example.com/a@latest",
            "example.com/a@",
            "example.com/a@upgrade",
        ] {
            assert!(unpinned(bad), "{bad}");
        }
        for good in [
            "example.com/a@v1.2.3",
            "example.com/a@8f3a1b2",
            "./...",
            ".",
            "cmd/go",
            "std",
            "main.go",
            "/src/cmd/x",
        ] {
            assert!(!unpinned(good), "{good}");
        }
    }
}
