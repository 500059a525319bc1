//! What the catalogers that read each wanted file on its own (Composer's `installed.json`, .NET's
//! `*.deps.json`, gemspecs, Java archives) share: records kept with the file they came from, and
//! every problem kept as an [`Unknown`] so one bad file never costs the rest of the SBOM.

use seatbelt_types::{Location, Package, Unknown};

use crate::{CatalogOutput, FoundFile};

/// Records parsed so far, each with the location of its file, and the problems met.
#[derive(Debug)]
pub(crate) struct PerFile<T> {
    found: Vec<(T, Location)>,
    unknowns: Vec<Unknown>,
}

impl<T> Default for PerFile<T> {
    fn default() -> Self {
        Self {
            found: Vec::new(),
            unknowns: Vec::new(),
        }
    }
}

/// What a parser makes of one file: the records it could read and a reason for each part it could
/// not. A file that yields no record at all says why in `problems`.
pub(crate) struct Parsed<T> {
    pub(crate) records: Vec<T>,
    pub(crate) problems: Vec<String>,
}

impl<T> Parsed<T> {
    /// Nothing could be read from the file, for `reason`.
    pub(crate) fn failed(reason: String) -> Self {
        Self {
            records: Vec::new(),
            problems: vec![reason],
        }
    }

    /// A file that holds one record (a gemspec).
    pub(crate) fn one(result: Result<T, String>) -> Self {
        match result {
            Ok(record) => Self {
                records: vec![record],
                problems: Vec::new(),
            },
            Err(reason) => Self::failed(reason),
        }
    }

    /// A file that lists many records: the ones read and the problems, or why none could be.
    pub(crate) fn many(result: Result<(Vec<T>, Vec<String>), String>) -> Self {
        match result {
            Ok((records, problems)) => Self { records, problems },
            Err(reason) => Self::failed(reason),
        }
    }
}

impl<T> PerFile<T> {
    /// Parses `file` with `parse` unless it was cut at the in-memory limit (`what` names the file
    /// kind in that message).
    pub(crate) fn observe(
        &mut self,
        cataloger: &'static str,
        what: &str,
        file: &FoundFile<'_>,
        parse: impl FnOnce(&[u8]) -> Parsed<T>,
    ) {
        let parsed = if file.complete {
            parse(file.content)
        } else {
            Parsed::failed(format!("{what} is larger than the in-memory limit"))
        };
        self.unknowns
            .extend(parsed.problems.into_iter().map(|reason| Unknown {
                location: file.location.clone(),
                cataloger: cataloger.into(),
                reason,
            }));
        self.found.extend(
            parsed
                .records
                .into_iter()
                .map(|record| (record, file.location.clone())),
        );
    }

    /// The packages made from every record, with the unknowns met on the way.
    pub(crate) fn finish(self, to_package: impl FnMut((T, Location)) -> Package) -> CatalogOutput {
        CatalogOutput {
            packages: self.found.into_iter().map(to_package).collect(),
            unknowns: self.unknowns,
        }
    }
}
