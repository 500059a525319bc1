//! Inline-ignore pragmas in comments: `# seatbelt ignore=SB1008,SB1009` and hadolint's
//! `# hadolint ignore=DL3008` (and its `global ignore=` form), so files written for hadolint
//! keep working. Finding the comment is the caller's job (a Dockerfile parser knows what a
//! comment is); this reads its text.

/// An ignore pragma read from one comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnorePragma {
    /// Which tool's spelling: `seatbelt` or `hadolint`.
    pub tool: &'static str,
    /// `global ignore=`: applies to the whole file rather than the next instruction.
    pub global: bool,
    /// The ids listed (seatbelt ids or aliases), as written.
    pub ids: Vec<String>,
}

/// Reads a pragma from a comment's text (with or without the leading `#`); `None` when the
/// comment is not one.
pub fn parse_ignore_pragma(comment: &str) -> Option<IgnorePragma> {
    let text = comment.trim_start().trim_start_matches('#').trim();
    let (tool, rest) = ["seatbelt", "hadolint"].into_iter().find_map(|tool| {
        let rest = text.strip_prefix(tool)?;
        // `seatbeltignore=` is not the pragma: the tool name must end at a space.
        rest.starts_with(char::is_whitespace)
            .then(|| (tool, rest.trim_start()))
    })?;
    let (global, rest) = match rest.strip_prefix("global") {
        Some(after) if after.starts_with(char::is_whitespace) => (true, after.trim_start()),
        _ => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    // The list ends at the first blank after an id: hadolint allows a trailing explanation.
    let list = list.trim_start();
    let list = list.split(char::is_whitespace).next().unwrap_or_default();
    let ids: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect();
    (!ids.is_empty()).then_some(IgnorePragma { tool, global, ids })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_spellings_and_the_global_form() {
        let p = parse_ignore_pragma("# hadolint ignore=DL3008,DL3009").expect("pragma");
        assert_eq!((p.tool, p.global), ("hadolint", false));
        assert_eq!(p.ids, ["DL3008", "DL3009"]);
        let p = parse_ignore_pragma("#seatbelt global ignore=SB1001 because base is pinned")
            .expect("pragma");
        assert_eq!(
            (p.tool, p.global, p.ids.as_slice()),
            ("seatbelt", true, &["SB1001".to_string()][..])
        );
    }

    #[test]
    fn ordinary_comments_are_not_pragmas() {
        for comment in [
            "# install things",
            "# hadolint ignore=",
            "# hadolintignore=DL3008",
            "# seatbelt ignores=SB1",
            "# hadolint disable=DL3008",
        ] {
            assert_eq!(parse_ignore_pragma(comment), None, "{comment}");
        }
    }
}
