//! Counting what an import read: per input and format, imported, malformed and skipped records,
//! with the first few reasons, for the summary table at the end.

use serde::Serialize;

use super::{Format, Parsed, MAX_MESSAGES};

/// The counts of one input (a path given to the import) in one format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputReport {
    /// The input as given.
    pub input: String,
    /// The format's name.
    pub format: String,
    /// Records stored.
    pub imported: u64,
    /// Records (or whole documents) that did not decode.
    pub malformed: u64,
    /// Records skipped on purpose.
    pub skipped: u64,
    /// The first few reasons, prefixed with the file they are about.
    pub messages: Vec<String>,
}

/// What one import or update did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// One row per input and format, in the order first seen.
    pub inputs: Vec<InputReport>,
}

impl ImportReport {
    fn row(&mut self, input: &str, format: Format) -> &mut InputReport {
        let position = self
            .inputs
            .iter()
            .position(|r| r.input == input && r.format == format.name());
        let index = match position {
            Some(i) => i,
            None => {
                self.inputs.push(InputReport {
                    input: input.to_string(),
                    format: format.name().to_string(),
                    imported: 0,
                    malformed: 0,
                    skipped: 0,
                    messages: Vec::new(),
                });
                self.inputs.len() - 1
            }
        };
        // Just pushed or found: the index is in bounds.
        #[allow(clippy::indexing_slicing)]
        &mut self.inputs[index]
    }

    pub(crate) fn one(&mut self, input: &str, format: Format) {
        self.row(input, format).imported += 1;
    }

    pub(crate) fn skip(&mut self, input: &str, format: Format) {
        self.row(input, format).skipped += 1;
    }

    pub(crate) fn failed(&mut self, input: &str, format: Format, name: &str, reason: &str) {
        let row = self.row(input, format);
        row.malformed += 1;
        if row.messages.len() < MAX_MESSAGES {
            row.messages.push(format!("{name}: {reason}"));
        }
    }

    pub(crate) fn add<T>(&mut self, input: &str, format: Format, parsed: &Parsed<T>, name: &str) {
        let row = self.row(input, format);
        row.imported += parsed.items.len() as u64 + parsed.imported;
        row.malformed += parsed.malformed;
        row.skipped += parsed.skipped;
        for message in &parsed.messages {
            if row.messages.len() < MAX_MESSAGES {
                row.messages.push(format!("{name}: {message}"));
            }
        }
    }

    /// Records stored over all inputs.
    pub fn imported(&self) -> u64 {
        self.inputs.iter().map(|r| r.imported).sum()
    }

    /// Malformed records over all inputs.
    pub fn malformed(&self) -> u64 {
        self.inputs.iter().map(|r| r.malformed).sum()
    }
}
