//! The Dockerfile syntax tree: directives, comments and instructions, each with its position.

/// A 1-based line and column (columns count characters, as editors show them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// Where a node starts and ends (end is the last line of a continued instruction or heredoc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// First character.
    pub start: Position,
    /// Last line (column 1 past its last character).
    pub end: Position,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives from the top of the file (`# syntax=`, `# escape=`, `# check=`).
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless `# escape=` chose `` ` ``.
    pub escape: char,
    /// Comments and instructions in file order.
    pub items: Vec<Item>,
}

impl Dockerfile {
    /// The instructions, without comments.
    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.items.iter().filter_map(|item| match item {
            Item::Instruction(instruction) => Some(instruction),
            Item::Comment(_) => None,
        })
    }

    /// The same tree with every position zeroed, to compare trees read from different texts.
    #[must_use]
    pub fn without_positions(&self) -> Dockerfile {
        let mut copy = self.clone();
        for directive in &mut copy.directives {
            directive.span = Span::default();
        }
        for item in &mut copy.items {
            match item {
                Item::Comment(comment) => comment.span = Span::default(),
                Item::Instruction(instruction) => instruction.erase_positions(),
            }
        }
        copy
    }
}

/// A parser directive at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name: `syntax`, `escape` or `check`.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
    /// Where it is.
    pub span: Span,
}

/// One top-level line that is not an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A `#` comment line (comments inside a continued instruction are dropped, as BuildKit does).
    Comment(Comment),
    /// An instruction.
    Instruction(Instruction),
}

/// A comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, untrimmed.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// The instruction keywords Dockerfiles know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `FROM`
    From,
    /// `RUN`
    Run,
    /// `CMD`
    Cmd,
    /// `LABEL`
    Label,
    /// `MAINTAINER`
    Maintainer,
    /// `EXPOSE`
    Expose,
    /// `ENV`
    Env,
    /// `ADD`
    Add,
    /// `COPY`
    Copy,
    /// `ENTRYPOINT`
    Entrypoint,
    /// `VOLUME`
    Volume,
    /// `USER`
    User,
    /// `WORKDIR`
    Workdir,
    /// `ARG`
    Arg,
    /// `ONBUILD`
    Onbuild,
    /// `STOPSIGNAL`
    Stopsignal,
    /// `HEALTHCHECK`
    Healthcheck,
    /// `SHELL`
    Shell,
}

impl Keyword {
    /// Every keyword, for lookups.
    pub const ALL: [Keyword; 18] = [
        Keyword::From,
        Keyword::Run,
        Keyword::Cmd,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Expose,
        Keyword::Env,
        Keyword::Add,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Volume,
        Keyword::User,
        Keyword::Workdir,
        Keyword::Arg,
        Keyword::Onbuild,
        Keyword::Stopsignal,
        Keyword::Healthcheck,
        Keyword::Shell,
    ];

    /// The upper-case spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::From => "FROM",
            Keyword::Run => "RUN",
            Keyword::Cmd => "CMD",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Expose => "EXPOSE",
            Keyword::Env => "ENV",
            Keyword::Add => "ADD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Volume => "VOLUME",
            Keyword::User => "USER",
            Keyword::Workdir => "WORKDIR",
            Keyword::Arg => "ARG",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Shell => "SHELL",
        }
    }

    /// Case-insensitive lookup.
    pub fn parse(word: &str) -> Option<Keyword> {
        Keyword::ALL
            .into_iter()
            .find(|keyword| keyword.as_str().eq_ignore_ascii_case(word))
    }

    /// Whether `--name=value` flags may precede the arguments.
    pub fn takes_flags(self) -> bool {
        matches!(
            self,
            Keyword::From | Keyword::Run | Keyword::Add | Keyword::Copy | Keyword::Healthcheck
        )
    }
}

/// Maps offsets in an instruction's joined text back to file positions, so findings about a word
/// deep inside a continued `RUN` point at the physical line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// (byte offset in the joined text, position of that byte), one per physical line, ascending.
    pub pieces: Vec<(usize, Position)>,
    /// The joined text the offsets index (keyword included).
    pub text: String,
}

impl SourceMap {
    /// The file position of byte `offset` of the joined text.
    pub fn position(&self, offset: usize) -> Position {
        let index = self.pieces.partition_point(|(start, _)| *start <= offset);
        let Some((start, position)) = index.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return Position::default();
        };
        let chars = self
            .text
            .get(*start..offset)
            .map_or(0, |between| between.chars().count());
        Position {
            line: position.line,
            column: position.column + u32::try_from(chars).unwrap_or(u32::MAX - position.column),
        }
    }
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Which instruction.
    pub keyword: Keyword,
    /// `--name[=value]` flags before the arguments.
    pub flags: Vec<Flag>,
    /// The arguments, shaped by the keyword.
    pub args: Args,
    /// Heredoc bodies that follow the instruction line, in the order their markers appear.
    pub heredocs: Vec<Heredoc>,
    /// From the keyword to the end of the last heredoc or continuation line.
    pub span: Span,
    /// Offsets in the joined instruction text to file positions.
    pub source: SourceMap,
    /// Byte offset of the arguments (after flags) in `source.text`.
    pub args_offset: usize,
}

impl Instruction {
    /// The first flag named `name` (without dashes).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|flag| flag.name == name)
    }

    /// Every `--mount` of a `RUN`, parsed.
    pub fn mounts(&self) -> Vec<Mount> {
        self.flags
            .iter()
            .filter(|flag| flag.name == "mount")
            .filter_map(|flag| flag.value.as_deref())
            .map(Mount::parse)
            .collect()
    }

    fn erase_positions(&mut self) {
        self.span = Span::default();
        self.source = SourceMap::default();
        self.args_offset = 0;
        for flag in &mut self.flags {
            flag.offset = 0;
        }
        if let Args::Onbuild(inner) = &mut self.args {
            inner.erase_positions();
        }
        for heredoc in &mut self.heredocs {
            heredoc.body_line = 0;
        }
    }
}

/// A `--name[=value]` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading dashes.
    pub name: String,
    /// The raw value after `=`, if any.
    pub value: Option<String>,
    /// Byte offset of the flag in the instruction text.
    pub offset: usize,
}

/// A parsed `RUN --mount=…` value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    /// `bind` (the default), `cache`, `tmpfs`, `secret` or `ssh`.
    pub kind: String,
    /// `target`/`dst`/`destination`.
    pub target: Option<String>,
    /// `source`/`src`.
    pub source: Option<String>,
    /// `id` (secrets, caches).
    pub id: Option<String>,
    /// `env` (secrets exposed as an environment variable).
    pub env: Option<String>,
    /// `from` (a stage or image).
    pub from: Option<String>,
}

impl Mount {
    /// Reads the comma-separated `key=value` list; unknown keys are ignored, as BuildKit would
    /// reject them at build time and the linter only needs the ones above.
    pub fn parse(value: &str) -> Mount {
        let mut mount = Mount {
            kind: "bind".into(),
            ..Mount::default()
        };
        for field in value.split(',') {
            let (key, val) = field.split_once('=').unwrap_or((field, ""));
            let val = val.trim_matches(|c| c == '"' || c == '\'').to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "type" => mount.kind = val.to_ascii_lowercase(),
                "target" | "dst" | "destination" => mount.target = Some(val),
                "source" | "src" => mount.source = Some(val),
                "id" => mount.id = Some(val),
                "env" => mount.env = Some(val),
                "from" => mount.from = Some(val),
                _ => {}
            }
        }
        mount
    }
}

/// A command in exec (JSON array) or shell form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `["executable", "arg"]`.
    Exec(Vec<String>),
    /// Text for the shell, continuations joined, trailing whitespace trimmed.
    Shell(String),
}

/// A `key=value` pair of `ENV` or `LABEL`, raw (quotes kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key as written.
    pub key: String,
    /// The value as written (quotes and escapes kept; see [`crate::expand::unquote`]).
    pub value: String,
    /// The legacy `ENV key value` form (one pair, value is the rest of the line).
    pub legacy: bool,
}

/// An `ARG name[=default]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// The name.
    pub name: String,
    /// The raw default.
    pub default: Option<String>,
}

/// A heredoc that follows an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word.
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from body lines.
    pub strip_tabs: bool,
    /// The delimiter was quoted: no variable expansion in the body.
    pub quoted: bool,
    /// The raw body lines, each ending in `\n`.
    pub body: String,
    /// Line of the first body line.
    pub body_line: u32,
}

/// The arguments of an instruction, shaped by its keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// `FROM image [AS name]`.
    From {
        /// The image as written (may contain `$VAR`).
        image: String,
        /// The stage name after `AS`.
        alias: Option<String>,
    },
    /// `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`.
    Command(Command),
    /// `HEALTHCHECK NONE` (`None`) or `HEALTHCHECK [flags] CMD …`.
    Healthcheck(Option<Command>),
    /// `ENV` and `LABEL`.
    Pairs(Vec<KeyValue>),
    /// `ARG`.
    Arg(Vec<ArgDecl>),
    /// `ADD`, `COPY`, `VOLUME`, `EXPOSE`: words; `json` when written as a JSON array.
    Words {
        /// The raw words (or the decoded JSON strings).
        words: Vec<String>,
        /// Written as a JSON array.
        json: bool,
    },
    /// `USER`, `WORKDIR`, `STOPSIGNAL`, `MAINTAINER`: the rest of the line, trimmed.
    Text(String),
    /// `ONBUILD <instruction>`.
    Onbuild(Box<Instruction>),
}
