//! Test support shared by seatbelt's crates.
