//! The findings model shared by `seatbelt lint` and `seatbelt audit`: rule descriptions, findings
//! with their location (a Dockerfile line, or a path in an image layer), the report, its five
//! renderers, the `--fail-on` decision, the config file and inline-ignore pragmas.
//!
//! Producers (the Dockerfile rules, the image checks, the secret detectors) build a [`Report`];
//! everything after that — filtering by config, rendering, exit status — lives here so both
//! commands behave the same.
#![deny(missing_docs)]

mod config;
mod fails;
mod finding;
mod format;
mod ignore;
mod render;
mod rule;

pub use config::{load_config, Config, ConfigError, CONFIG_FILE_NAMES, MAX_CONFIG_BYTES};
pub use fails::fails;
pub use finding::{fingerprint, Finding, FindingLocation, Report};
pub use format::{Format, FormatError};
pub use ignore::{parse_ignore_pragma, IgnorePragma};
pub use render::{render, render_with, RenderOptions};
pub use rule::RuleInfo;
