use crate::ast::{Item, Keyword};
use crate::model::Model;
use crate::rule::Sink;

crate::rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` with the same flags (comments
    /// between them break the chain, as they usually explain a deliberate split).
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
    let mut previous: Option<&crate::ast::Instruction> = None;
    let mut index = 0;
    for item in &model.file.items {
        match item {
            Item::Comment(_) => previous = None,
            Item::Instruction(instruction) => {
                if instruction.keyword == Keyword::Run {
                    if let Some(prev) = previous {
                        if prev.keyword == Keyword::Run
                            && prev.flags == instruction.flags
                            && instruction.heredocs.is_empty()
                            && prev.heredocs.is_empty()
                        {
                            if let Some(at) = model.instructions.get(index) {
                                sink.report(at, "Multiple consecutive `RUN` instructions. Consider consolidation.");
                            }
                        }
                    }
                }
                previous = Some(instruction);
                index += 1;
            }
        }
    }
}
