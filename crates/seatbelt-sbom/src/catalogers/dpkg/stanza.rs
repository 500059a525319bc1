//! The dpkg database format (deb822, `man 5 deb-control`): stanzas separated by blank lines,
//! `Field: value` lines, continuation lines starting with a space or tab. Only the fields the
//! SBOM needs are kept, so a multi-megabyte status file costs little beyond its text.

/// One package stanza of the dpkg database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DpkgEntry {
    /// `Package`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Architecture` (`amd64`, `all`).
    pub arch: String,
    /// `Source` name, when the field is present.
    pub source_name: Option<String>,
    /// `Source` version (`Source: gcc-12 (12.2.0-14)`), when given.
    pub source_version: Option<String>,
    /// `Status` (`install ok installed`); `status.d` stanzas have none.
    pub status: Option<String>,
    /// Names from `Pre-Depends` and `Depends`, first alternative of each, in order, deduplicated.
    pub depends: Vec<String>,
}

impl DpkgEntry {
    /// Whether dpkg considers it installed: the third word of `Status` is `installed`
    /// (`deinstall ok config-files` and half-installed states are not). Without a `Status`
    /// (distroless `status.d`), the stanza exists only for installed packages.
    pub fn is_installed(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| s.split_whitespace().nth(2) == Some("installed"))
    }

    /// Source name and version, defaulting to the binary's as dpkg does.
    pub fn source(&self) -> (&str, &str) {
        (
            self.source_name.as_deref().unwrap_or(&self.name),
            self.source_version.as_deref().unwrap_or(&self.version),
        )
    }
}

/// What [`parse_status`] found.
#[derive(Debug, Default)]
pub struct ParsedStatus {
    /// Stanzas with a `Package` and `Version`, installed or not.
    pub entries: Vec<DpkgEntry>,
    /// Why stanzas or lines were skipped.
    pub problems: Vec<String>,
}

/// The most problems reported per file: a garbage file must not make a garbage report.
pub(super) const MAX_PROBLEMS: usize = 20;

/// Parses a dpkg status file (or one `status.d` file). Never fails: stanzas without a
/// `Package` or `Version` and lines that are not fields are reported as problems and skipped.
pub fn parse_status(text: &str) -> ParsedStatus {
    let mut out = ParsedStatus::default();
    let mut current = Stanza::default();
    // The field a continuation line belongs to: only multi-line fields we keep matter.
    let mut last_field: Option<Field> = None;
    let mut note = |out: &mut ParsedStatus, problem: String| {
        if out.problems.len() < MAX_PROBLEMS {
            out.problems.push(problem);
        }
    };
    for (index, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            current.finish(&mut out, &mut note);
            last_field = None;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(field) = last_field {
                current.append(field, line.trim());
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            note(
                &mut out,
                format!("line {} is not a `Field: value` line", index + 1),
            );
            last_field = None;
            continue;
        };
        last_field = Field::parse(key.trim());
        if let Some(field) = last_field {
            current.set(field, value.trim());
        }
        current.seen = true;
    }
    current.finish(&mut out, &mut note);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Package,
    Version,
    Architecture,
    Source,
    Status,
    Depends,
    PreDepends,
}

impl Field {
    fn parse(key: &str) -> Option<Field> {
        // Field names are case-insensitive (deb822).
        const FIELDS: [(&str, Field); 7] = [
            ("Package", Field::Package),
            ("Version", Field::Version),
            ("Architecture", Field::Architecture),
            ("Source", Field::Source),
            ("Status", Field::Status),
            ("Depends", Field::Depends),
            ("Pre-Depends", Field::PreDepends),
        ];
        FIELDS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, f)| *f)
    }
}

#[derive(Default)]
struct Stanza {
    seen: bool,
    package: String,
    version: String,
    arch: String,
    source: String,
    status: Option<String>,
    depends: String,
    pre_depends: String,
}

impl Stanza {
    fn slot(&mut self, field: Field) -> &mut String {
        match field {
            Field::Package => &mut self.package,
            Field::Version => &mut self.version,
            Field::Architecture => &mut self.arch,
            Field::Source => &mut self.source,
            Field::Status => self.status.get_or_insert_with(String::new),
            Field::Depends => &mut self.depends,
            Field::PreDepends => &mut self.pre_depends,
        }
    }

    fn set(&mut self, field: Field, value: &str) {
        let slot = self.slot(field);
        slot.clear();
        slot.push_str(value);
    }

    /// Relationship fields may be folded over several lines.
    fn append(&mut self, field: Field, value: &str) {
        if matches!(field, Field::Depends | Field::PreDepends) {
            let slot = self.slot(field);
            slot.push(' ');
            slot.push_str(value);
        }
    }

    fn finish(&mut self, out: &mut ParsedStatus, note: &mut impl FnMut(&mut ParsedStatus, String)) {
        let stanza = std::mem::take(self);
        if !stanza.seen {
            return;
        }
        if stanza.package.is_empty() || stanza.version.is_empty() {
            let what = if stanza.package.is_empty() {
                "a stanza without `Package`".to_string()
            } else {
                format!("package {} has no `Version`", stanza.package)
            };
            note(out, format!("{what}; skipped"));
            return;
        }
        let (source_name, source_version) = parse_source(&stanza.source);
        let mut depends = Vec::new();
        for name in dependency_names(&stanza.pre_depends).chain(dependency_names(&stanza.depends)) {
            if !depends.iter().any(|d: &String| d == name) {
                depends.push(name.to_string());
            }
        }
        out.entries.push(DpkgEntry {
            name: stanza.package,
            version: stanza.version,
            arch: stanza.arch,
            source_name,
            source_version,
            status: stanza.status,
            depends,
        });
    }
}

/// `openssl` or `gcc-12 (12.2.0-14)`.
fn parse_source(value: &str) -> (Option<String>, Option<String>) {
    let value = value.trim();
    if value.is_empty() {
        return (None, None);
    }
    match value.split_once('(') {
        Some((name, rest)) => {
            let version = rest.split(')').next().unwrap_or("").trim();
            let name = name.trim();
            (
                (!name.is_empty()).then(|| name.to_string()),
                (!version.is_empty()).then(|| version.to_string()),
            )
        }
        None => (Some(value.to_string()), None),
    }
}

/// Package names of a relationship field: `libc6 (>= 2.34), gpgv | gpgv2, perl:any` gives
/// `libc6`, `gpgv`, `perl`. Only the first alternative counts: it is the one dpkg prefers and
/// usually the one installed; a dependency edge to an uninstalled alternative resolves to nothing.
fn dependency_names(field: &str) -> impl Iterator<Item = &str> {
    field.split(',').filter_map(|clause| {
        let first = clause.split('|').next()?.trim();
        let name = first
            .split(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '<')
            .next()?;
        let name = name.split(':').next()?;
        (!name.is_empty()).then_some(name)
    })
}
