use crate::ast::{Item, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` with the same flags, when each runs
    /// a single command (chains with `&&` or `;` are taken as a deliberate split, as hadolint does). Comments between them
    /// do not break the chain; any other instruction does.
    ///
    /// ## Why it matters
    /// Each `RUN` is a layer; consecutive ones can often be one, which also lets a cleanup
    /// in the same layer actually shrink the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3059
    CONSECUTIVE_RUN {
        id: "SB1059",
        aliases: ["DL3059"],
        name: "consecutive-run",
        severity: Low,
        summary: "Multiple consecutive RUN instructions; consider consolidation",
        check: check,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    // (flags, command count) of the RUN a following RUN would be merged into; comments do not
    // break the chain, other instructions do. RUNs chaining several commands are deliberate.
    let mut previous: Option<(&[crate::ast::Flag], usize)> = None;
    let mut index = 0;
    for item in &model.file.items {
        let Item::Instruction(instruction) = item else {
            continue;
        };
        let located = model.instructions.get(index);
        index += 1;
        if instruction.keyword != Keyword::Run {
            previous = None;
            continue;
        }
        // A script with constructs not understood counts as a deliberate multi-command RUN.
        let count = located.and_then(|l| l.script.as_ref()).map_or(0, |s| {
            if s.is_complete() {
                s.commands.iter().filter(|c| c.depth == 0).count()
            } else {
                usize::MAX
            }
        });
        match previous {
            Some((flags, before))
                if flags == instruction.flags.as_slice() && count <= 1 && before <= 1 =>
            {
                if let Some(at) = located {
                    sink.report(
                        at,
                        "Multiple consecutive `RUN` instructions. Consider consolidation.",
                    );
                }
            }
            _ => previous = Some((&instruction.flags, count)),
        }
    }
}
