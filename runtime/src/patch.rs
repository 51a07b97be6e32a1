//! Updates that can leave, set or clear a field.
//!
//! Atlas's PATCH bodies read an absent member as "leave unchanged" and an explicit JSON
//! `null` as "clear" for nullable fields. `Option` cannot say both, so update requests use
//! [`Patch`]. In a request declared with `#[atlas_endpoint]`, an unchanged member is left
//! out with nothing to write; a serde struct of your own says
//! `#[serde(skip_serializing_if = "Patch::is_unchanged")]`, as below.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of an update: leave it, set it, or clear it (send `null`).
///
/// ```
/// use atlas_runtime::Patch;
/// #[derive(serde::Serialize)]
/// struct Update {
///     #[serde(skip_serializing_if = "Patch::is_unchanged")]
///     description: Patch<String>,
///     #[serde(skip_serializing_if = "Patch::is_unchanged")]
///     name: Patch<String>,
/// }
/// let body = Update { description: Patch::Clear, name: Patch::Unchanged };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"description":null}"#);
/// let body = Update { description: Patch::Unchanged, name: "ci".to_string().into() };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"name":"ci"}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Leave the field as it is: the member is not sent.
    #[default]
    Unchanged,
    /// Set the field: the member is sent with this value.
    Set(T),
    /// Clear the field: the member is sent as `null`.
    Clear,
}

impl<T> Patch<T> {
    /// Whether the member is left out; for `skip_serializing_if`.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// `Some(value)` sets, `None` clears.
    pub fn from_option(value: Option<T>) -> Self {
        match value {
            Some(v) => Patch::Set(v),
            None => Patch::Clear,
        }
    }

    /// The value being set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

/// So a `Patch<String>` setter takes `"text"` as an `Option<String>` one does.
impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Patch::Set(value.to_string())
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => v.serialize(serializer),
            Patch::Unchanged | Patch::Clear => serializer.serialize_none(),
        }
    }
}

/// `null` reads as [`Patch::Clear`]; a missing member (with `#[serde(default)]`) as
/// [`Patch::Unchanged`].
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from_option)
    }
}
