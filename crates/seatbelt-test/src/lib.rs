//! Test support shared by seatbelt's crates.

pub mod cli;
pub mod debian;
pub mod distribution;
pub mod layers;
pub mod registry;
pub mod skopeo;
pub mod tools;
