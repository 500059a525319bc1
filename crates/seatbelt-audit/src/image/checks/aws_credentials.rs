//! SB2024: AWS credentials files, in any layer.

use seatbelt_findings::RuleInfo;
use seatbelt_image::walk::{Entry, EntryKind, Interest};
use seatbelt_types::Severity;

use crate::image::{FileCheck, Hit};

/// AWS credentials file check; the page is [`DOCS`].
pub(super) const CHECK: FileCheck = FileCheck {
    info: RuleInfo {
        id: "SB2024",
        aliases: &[],
        name: "aws-credentials-file",
        severity: Severity::High,
        summary: "An AWS credentials file is in the image",
        docs: DOCS,
    },
    history: true,
    interest,
    check,
};

fn interest(path: &str, kind: EntryKind) -> Interest {
    if matches!(kind, EntryKind::File | EntryKind::Hardlink)
        && (path == ".aws/credentials" || path.ends_with("/.aws/credentials"))
    {
        Interest::Content
    } else {
        Interest::Skip
    }
}

fn check(entry: &Entry, content: Option<&[u8]>) -> Option<Hit> {
    let content = content?;
    let holds = [&b"aws_secret_access_key"[..], b"aws_session_token"]
        .iter()
        .any(|k| memchr::memmem::find(content, k).is_some());
    holds.then(|| Hit::new(format!("AWS credentials file /{}", entry.path)).fix("use an IAM role; at build time `RUN --mount=type=secret,id=aws,target=/root/.aws/credentials`"))
}

const DOCS: &str = "## What it does\nReports `.aws/credentials` files that set `aws_secret_access_key` or `aws_session_token`, in any layer, deleted ones included.\n\n## Why it matters\nThe file holds long-term AWS keys: whoever pulls the image acts as that IAM user.\n\n## Example\n`COPY .aws /root/.aws` to run `aws s3 cp` during the build.\n\n## Use instead\n`RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp …`; IAM roles at run time.\n\n## References\n- AWS CLI user guide, \"Configuration and credential file settings\".\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::checks::test_support::{entry, run};

    #[test]
    fn credentials_with_keys() {
        let e = entry("root/.aws/credentials", EntryKind::File, 0o600);
        assert!(run(&CHECK, &e, Some(b"[default]\naws_secret_access_key = x\n")).is_some());
        assert!(run(&CHECK, &e, Some(b"[default]\nregion = eu-west-1\n")).is_none());
        assert!(run(
            &CHECK,
            &entry("root/.aws/config", EntryKind::File, 0o600),
            Some(b"aws_secret_access_key")
        )
        .is_none());
    }
}
