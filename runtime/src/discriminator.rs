//! A union variant whose type implies its discriminator, for variants that share one
//! shape: 185 alert-threshold variants of Atlas's spec have five shapes between them,
//! and differ only in `metricName`. Each is the shape's one generic struct with a
//! [`Discriminator`] of its own marker type (`RawMetricThresholdViewVariant<AssertMsg…>`),
//! so the shape is type-checked and derived once, not 185 times, and choosing the type
//! still chooses the value: no caller can leave it out or contradict it.

use std::fmt;
use std::marker::PhantomData;

/// The value a marker type stands for (`"ASSERT_MSG"`).
pub trait DiscriminatorValue {
    /// The discriminator's value on the wire.
    const VALUE: &'static str;
}

/// The discriminator member of a variant, implied by `T`: written as `T::VALUE`, and
/// read back only when it says so. It holds nothing; `Default::default()` is the only
/// value.
pub struct Discriminator<T>(PhantomData<fn() -> T>);

impl<T: DiscriminatorValue> Discriminator<T> {
    /// The value it writes.
    pub const fn value(&self) -> &'static str {
        T::VALUE
    }
}

// By hand: the derives would ask `T` for the same traits, and markers need none.
impl<T> Default for Discriminator<T> {
    fn default() -> Self {
        Discriminator(PhantomData)
    }
}

impl<T> Clone for Discriminator<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Discriminator<T> {}

impl<T> PartialEq for Discriminator<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Discriminator<T> {}

impl<T: DiscriminatorValue> fmt::Debug for Discriminator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(T::VALUE, f)
    }
}

impl<T: DiscriminatorValue> serde::Serialize for Discriminator<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(T::VALUE)
    }
}

impl<'de, T: DiscriminatorValue> serde::Deserialize<'de> for Discriminator<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        if text == T::VALUE {
            Ok(Discriminator::default())
        } else {
            Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&text),
                &T::VALUE,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // As atlas-codegen writes them: the marker derives what the shape's derives ask of
    // `T`, and serde is told to ask nothing more.
    #[derive(Debug, Clone, Copy, Default)]
    struct AssertMsg;
    impl DiscriminatorValue for AssertMsg {
        const VALUE: &'static str = "ASSERT_MSG";
    }

    #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "camelCase", bound = "")]
    struct Threshold<T: DiscriminatorValue> {
        #[serde(default)]
        metric_name: Discriminator<T>,
        #[serde(skip_serializing_if = "Option::is_none")]
        threshold: Option<f64>,
    }

    #[test]
    fn the_type_writes_its_value_and_reads_only_it() {
        let t = Threshold::<AssertMsg> {
            threshold: Some(1.5),
            ..Default::default()
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"metricName":"ASSERT_MSG","threshold":1.5}"#);
        let back: Threshold<AssertMsg> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.threshold, Some(1.5));
        assert_eq!(back.metric_name.value(), "ASSERT_MSG");
        let other = serde_json::from_str::<Threshold<AssertMsg>>(r#"{"metricName":"X"}"#);
        let message = other.unwrap_err().to_string();
        assert!(
            message.contains("invalid value: string \"X\", expected ASSERT_MSG"),
            "{message}"
        );
        assert_eq!(
            format!("{t:?}"),
            r#"Threshold { metric_name: "ASSERT_MSG", threshold: Some(1.5) }"#
        );
    }
}
