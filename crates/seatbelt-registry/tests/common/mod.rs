//! The hostile-registry tests' vocabulary over `seatbelt_test::registry`'s scriptable server.

pub(crate) use seatbelt_test::registry::{FakeReply as Reply, FakeServer as Server};

/// The distribution spec's JSON error body.
pub(crate) fn error_body(code: &str, message: &str) -> String {
    format!(r#"{{"errors":[{{"code":"{code}","message":"{message}"}}]}}"#)
}
