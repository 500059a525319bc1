//! Test support shared by seatbelt's crates.
pub mod registry;
