//! The pure parsers, exposed for the fuzz targets in `fuzz/` only; not a stable API.

pub use crate::catalogers::apk::parse_installed as apk_installed;
pub use crate::catalogers::apk::{ApkEntry, ParsedInstalled};
pub use crate::catalogers::dpkg::parse_copyright as dpkg_copyright;
pub use crate::catalogers::dpkg::parse_status as dpkg_status;
pub use crate::catalogers::dpkg::{DpkgEntry, ParsedStatus};
