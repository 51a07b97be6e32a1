//! What a `#[derive(Decode)]` expansion calls: the parts of reading a JSON object into a
//! struct that do not depend on the struct, written once here instead of once per type.
//!
//! serde's own derive writes, for every struct, a field enum with three visitors, a
//! sequence visitor and a map visitor with a duplicate check per member. The Atlas API
//! has more than a thousand received models, and type-checking those expansions was the
//! largest part of building `atlas-endpoints --features full`; a derived `Decode` is one
//! map visitor whose arms call [`member`].

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The index of a member name among a struct's member names, or `usize::MAX` for a name
/// the struct does not know (its value is skipped, as serde's derive does).
#[derive(Clone, Copy)]
pub struct MemberIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for MemberIndex {
    type Value = usize;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for MemberIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        Ok(self.0.iter().position(|n| *n == name).unwrap_or(usize::MAX))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<usize, E> {
        Ok(self
            .0
            .iter()
            .position(|n| n.as_bytes() == name)
            .unwrap_or(usize::MAX))
    }
}

/// Reads the value of member `name` into `slot`; a member given twice is an error, as
/// with serde's derive.
#[inline]
pub fn member<'de, T: de::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a member the struct does not know.
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a required member, or serde's "missing field" error.
#[inline]
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}
