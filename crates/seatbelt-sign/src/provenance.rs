//! SLSA provenance v1 (<https://slsa.dev/spec/v1.0/provenance>) for images seatbelt writes:
//! the build definition (a seatbelt build type, the command's parameters, the inputs by
//! digest) and the run details (seatbelt as builder, an invocation id, start and finish times
//! that honour `SOURCE_DATE_EPOCH`). Commands that write images ([`Provenance::seatbelt`] with
//! their own kind: `copy`, later `harden`) build one, and attach it with
//! [`crate::attest::attest_subject`] under [`crate::predicate::SLSA_PROVENANCE_V1`].

use std::collections::BTreeMap;

use jiff::Timestamp;
use rand_core::RngCore;
use serde::Serialize;
use serde_json::Value;

use crate::intoto::ResourceDescriptor;
use crate::SignError;

/// Where seatbelt's build types and builder id live: the project's repository URL, so the
/// URIs follow the project if it moves.
const PROJECT: &str = env!("CARGO_PKG_REPOSITORY");

/// The build type URI of a seatbelt operation (`copy`, `harden`, …), versioned so its
/// parameters' meaning can change without confusing old verifiers.
pub fn build_type(kind: &str) -> String {
    format!("{PROJECT}/buildtypes/{kind}/v1")
}

/// The builder id: seatbelt run as a command-line tool (its trust is whoever runs it).
pub fn builder_id() -> String {
    format!("{PROJECT}/cli")
}

/// When a build ran: now, or `SOURCE_DATE_EPOCH` for reproducible output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    started: Timestamp,
    reproducible: bool,
}

impl Clock {
    /// Starts the clock: `SOURCE_DATE_EPOCH` (seconds since 1970) when set, else now.
    pub fn start() -> Result<Clock, SignError> {
        match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(value) => Clock::from_source_date_epoch(&value),
            Err(_) => Ok(Clock {
                started: Clock::now_seconds(),
                reproducible: false,
            }),
        }
    }

    /// A clock pinned to a `SOURCE_DATE_EPOCH` value.
    pub fn from_source_date_epoch(value: &str) -> Result<Clock, SignError> {
        let invalid = || SignError::Unsupported {
            reference: format!("SOURCE_DATE_EPOCH={value}"),
            reason: "not a number of seconds since 1970 in range; unset it or fix it".to_string(),
        };
        let seconds: i64 = value.trim().parse().map_err(|_| invalid())?;
        let started = Timestamp::from_second(seconds).map_err(|_| invalid())?;
        Ok(Clock {
            started,
            reproducible: true,
        })
    }

    fn now_seconds() -> Timestamp {
        let now = Timestamp::now();
        Timestamp::from_second(now.as_second()).unwrap_or(now)
    }

    /// When the build started.
    pub fn started(&self) -> Timestamp {
        self.started
    }

    /// Now, or the pinned time.
    pub fn finished(&self) -> Timestamp {
        if self.reproducible {
            self.started
        } else {
            Clock::now_seconds()
        }
    }

    /// Whether times are pinned by `SOURCE_DATE_EPOCH`.
    pub fn is_reproducible(&self) -> bool {
        self.reproducible
    }
}

/// A provenance predicate being assembled.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// `buildDefinition.buildType`.
    pub build_type: String,
    /// `buildDefinition.externalParameters`: what the caller asked for.
    pub external_parameters: Value,
    /// `buildDefinition.internalParameters`: what the builder chose (may be null).
    pub internal_parameters: Value,
    /// `buildDefinition.resolvedDependencies`: inputs, by digest.
    pub resolved_dependencies: Vec<ResourceDescriptor>,
    /// `runDetails.builder.id`.
    pub builder_id: String,
    /// `runDetails.builder.version`.
    pub builder_version: BTreeMap<String, String>,
    /// `runDetails.metadata.invocationId`; filled in by [`Provenance::to_predicate`] when
    /// empty.
    pub invocation_id: String,
    /// `runDetails.metadata.startedOn`.
    pub started_on: Timestamp,
    /// `runDetails.metadata.finishedOn`.
    pub finished_on: Timestamp,
    /// `runDetails.byproducts`.
    pub byproducts: Vec<ResourceDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Predicate<'a> {
    build_definition: BuildDefinition<'a>,
    run_details: RunDetails<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildDefinition<'a> {
    build_type: &'a str,
    external_parameters: &'a Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    internal_parameters: &'a Value,
    resolved_dependencies: &'a [ResourceDescriptor],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunDetails<'a> {
    builder: Builder<'a>,
    metadata: Metadata<'a>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    byproducts: &'a [ResourceDescriptor],
}

#[derive(Serialize)]
struct Builder<'a> {
    id: &'a str,
    version: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metadata<'a> {
    invocation_id: &'a str,
    started_on: String,
    finished_on: String,
}

impl Provenance {
    /// The provenance of a seatbelt operation `kind` run with `external_parameters` over
    /// `inputs`, timed by `clock` (finish time taken now).
    pub fn seatbelt(
        kind: &str,
        external_parameters: Value,
        inputs: Vec<ResourceDescriptor>,
        clock: &Clock,
    ) -> Provenance {
        Provenance {
            build_type: build_type(kind),
            external_parameters,
            internal_parameters: Value::Null,
            resolved_dependencies: inputs,
            builder_id: builder_id(),
            builder_version: BTreeMap::from([(
                "seatbelt".to_string(),
                env!("CARGO_PKG_VERSION").to_string(),
            )]),
            invocation_id: if clock.is_reproducible() {
                String::new()
            } else {
                random_invocation_id()
            },
            started_on: clock.started(),
            finished_on: clock.finished(),
            byproducts: Vec::new(),
        }
    }

    /// The predicate JSON. An empty invocation id becomes one derived from the rest of the
    /// predicate, so a reproducible build (`SOURCE_DATE_EPOCH`) gives identical provenance.
    pub fn to_predicate(&self) -> Value {
        let render = |invocation_id: &str| {
            let predicate = Predicate {
                build_definition: BuildDefinition {
                    build_type: &self.build_type,
                    external_parameters: &self.external_parameters,
                    internal_parameters: &self.internal_parameters,
                    resolved_dependencies: &self.resolved_dependencies,
                },
                run_details: RunDetails {
                    builder: Builder {
                        id: &self.builder_id,
                        version: &self.builder_version,
                    },
                    metadata: Metadata {
                        invocation_id,
                        started_on: self.started_on.to_string(),
                        finished_on: self.finished_on.to_string(),
                    },
                    byproducts: &self.byproducts,
                },
            };
            // Plain structs, strings and JSON values: serialisation cannot fail.
            serde_json::to_value(predicate).unwrap_or(Value::Null)
        };
        if !self.invocation_id.is_empty() {
            return render(&self.invocation_id);
        }
        let derived = seatbelt_types::Digest::sha256_of(render("").to_string().as_bytes());
        render(&format!("urn:sha256:{}", derived.hex()))
    }
}

fn random_invocation_id() -> String {
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    // A random (version 4) UUID.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let part = |range: std::ops::Range<usize>| hex.get(range).unwrap_or_default().to_string();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input() -> ResourceDescriptor {
        ResourceDescriptor::for_digest(
            "127.0.0.1:5000/src",
            &seatbelt_types::Digest::sha256_of(b"source"),
        )
    }

    #[test]
    fn reproducible_provenance_is_identical_and_shaped_as_slsa_v1() {
        let clock = Clock::from_source_date_epoch("1700000000").unwrap();
        let params = json!({"command": "copy", "arguments": ["a", "b"]});
        let one =
            Provenance::seatbelt("copy", params.clone(), vec![input()], &clock).to_predicate();
        let two = Provenance::seatbelt("copy", params, vec![input()], &clock).to_predicate();
        assert_eq!(one, two);
        assert_eq!(one["buildDefinition"]["buildType"], build_type("copy"));
        assert_eq!(
            one["buildDefinition"]["resolvedDependencies"][0]["digest"]["sha256"],
            seatbelt_types::Digest::sha256_of(b"source").hex()
        );
        assert_eq!(
            one["runDetails"]["metadata"]["startedOn"],
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            one["runDetails"]["metadata"]["finishedOn"],
            "2023-11-14T22:13:20Z"
        );
        assert!(one["runDetails"]["metadata"]["invocationId"]
            .as_str()
            .unwrap()
            .starts_with("urn:sha256:"));
        assert!(one["buildDefinition"].get("internalParameters").is_none());
        // It passes the shape check cosign applies to `slsaprovenance1`.
        let bytes = serde_json::to_vec(&one).unwrap();
        crate::predicate::PredicateType::parse("slsaprovenance1")
            .unwrap()
            .predicate(&bytes, "", "p")
            .unwrap();
    }

    #[test]
    fn live_provenance_has_a_random_invocation() {
        let clock = Clock {
            started: Timestamp::from_second(1).unwrap(),
            reproducible: false,
        };
        let a = Provenance::seatbelt("copy", json!({}), vec![], &clock);
        let b = Provenance::seatbelt("copy", json!({}), vec![], &clock);
        assert_ne!(a.invocation_id, b.invocation_id);
        assert_eq!(a.invocation_id.len(), "urn:uuid:".len() + 36);
    }

    #[test]
    fn bad_epochs_are_errors() {
        for value in ["", "x", "1e9", "99999999999999999999"] {
            assert!(Clock::from_source_date_epoch(value).is_err(), "{value}");
        }
    }
}
