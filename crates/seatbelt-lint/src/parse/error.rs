//! Why a Dockerfile could not be read, always with the line and column.

/// A Dockerfile that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Larger than [`super::MAX_DOCKERFILE_BYTES`].
    #[error("the Dockerfile is {size} bytes, more than the {limit}-byte limit; is this really a Dockerfile?")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A line starts with a word that is no instruction.
    #[error("line {line}, column {column}: unknown instruction {keyword:?}; expected FROM, RUN, COPY, … (a missing `\\` at the end of the previous line?)")]
    UnknownInstruction {
        /// The word.
        keyword: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// An instruction without its required arguments.
    #[error("line {line}, column {column}: {instruction} needs {what}")]
    MissingArguments {
        /// The instruction.
        instruction: &'static str,
        /// What is missing.
        what: &'static str,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// Arguments that do not fit the instruction's grammar.
    #[error("line {line}, column {column}: {instruction}: {problem}")]
    BadArguments {
        /// The instruction.
        instruction: &'static str,
        /// What is wrong.
        problem: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// A heredoc whose delimiter line never comes.
    #[error("line {line}, column {column}: heredoc <<{delimiter} is never closed; add a line containing only `{delimiter}`")]
    UnterminatedHeredoc {
        /// The delimiter.
        delimiter: String,
        /// 1-based line of the marker.
        line: u32,
        /// 1-based column of the marker.
        column: u32,
    },
    /// `# escape=` with something other than `\` or `` ` ``.
    #[error(
        "line {line}, column 1: invalid escape directive {value:?}: it must be `\\` or `` ` ``"
    )]
    BadEscape {
        /// The value.
        value: String,
        /// 1-based line.
        line: u32,
    },
    /// An unterminated quote in a word list.
    #[error("line {line}, column {column}: unterminated {quote} quote")]
    UnterminatedQuote {
        /// `'` or `"`.
        quote: char,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
}

impl ParseError {
    /// The 1-based line the error is about (0 for the whole file).
    pub fn line(&self) -> u32 {
        match self {
            ParseError::TooLarge { .. } => 0,
            ParseError::UnknownInstruction { line, .. }
            | ParseError::MissingArguments { line, .. }
            | ParseError::BadArguments { line, .. }
            | ParseError::UnterminatedHeredoc { line, .. }
            | ParseError::BadEscape { line, .. }
            | ParseError::UnterminatedQuote { line, .. } => *line,
        }
    }
}
