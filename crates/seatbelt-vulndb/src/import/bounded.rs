//! Deserialising lists with a length cap, so a hostile record cannot make the parser allocate
//! millions of elements before any check runs.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

/// A list of at most `MAX` elements; longer lists fail to deserialise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bounded<T, const MAX: usize>(pub(crate) Vec<T>);

impl<T, const MAX: usize> Default for Bounded<T, MAX> {
    fn default() -> Self {
        Bounded(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for Bounded<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BoundedVisitor<T, const MAX: usize>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for BoundedVisitor<T, MAX> {
            type Value = Bounded<T, MAX>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of at most {MAX} elements")
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Bounded(Vec::new()))
            }

            // YAML-to-JSON conversions turn an empty list into "" (seen in alpine-secdb's
            // v3.3 community.json); nothing else is accepted as a list.
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.is_empty() {
                    Ok(Bounded(Vec::new()))
                } else {
                    Err(E::invalid_type(serde::de::Unexpected::Str(v), &self))
                }
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX).min(64));
                while let Some(item) = seq.next_element()? {
                    if out.len() == MAX {
                        return Err(serde::de::Error::custom(format!(
                            "more than {MAX} elements in a list"
                        )));
                    }
                    out.push(item);
                }
                Ok(Bounded(out))
            }
        }

        deserializer.deserialize_any(BoundedVisitor::<T, MAX>(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_lists_over_the_cap() {
        let ok: Bounded<u8, 3> = serde_json::from_str("[1,2,3]").unwrap();
        assert_eq!(ok.0, vec![1, 2, 3]);
        let err = serde_json::from_str::<Bounded<u8, 3>>("[1,2,3,4]").unwrap_err();
        assert!(err.to_string().contains("more than 3"), "{err}");
        let null: Bounded<u8, 3> = serde_json::from_str("null").unwrap();
        assert!(null.0.is_empty());
        let empty: Bounded<u8, 3> = serde_json::from_str("\"\"").unwrap();
        assert!(empty.0.is_empty());
        assert!(serde_json::from_str::<Bounded<u8, 3>>("\"x\"").is_err());
    }
}
