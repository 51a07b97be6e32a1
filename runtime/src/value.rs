//! How field types become parameter text and rule inputs.
//!
//! Each trait is one capability, so a declaration that puts a type where it cannot go
//! (a `Vec` as a path segment, a range on a `String`) fails to compile with a message that
//! names the capability, on the field's type.

use std::borrow::Cow;

use crate::endpoint::Number;
use crate::pattern::Pattern;

/// A value that can fill one `{placeholder}` of a path template.
///
/// Strings and integers can; sequences, options and structures cannot.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a path segment",
    label = "a path placeholder needs a string or an integer",
    note = "path fields take `String`, `&str`, `Cow<str>`, an integer type or an id type (`OrgId`, `ClientId`, …)"
)]
pub trait PathSegment {
    /// The rule every value of the type follows, for types that carry one ([`OrgId`](crate::OrgId),
    /// [`ClientId`](crate::ClientId), …): a path field of the type is checked against it
    /// in `validate()` and shows it in its [`ParamInfo`](crate::implement::ParamInfo) with no
    /// `pattern(…)` in the declaration.
    const PATTERN: Option<Pattern> = None;

    /// The unencoded text of the segment.
    fn to_segment(&self) -> Cow<'_, str>;
}

/// A single value as text for a query string or a header.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a query or header value",
    label = "query and header fields take strings, numbers, booleans, or `Option`/`Vec` of those",
    note = "for an enum of fixed names, `#[derive(atlas_runtime::QueryValue)]`; for other types of your own, implement `atlas_runtime::implement::ParamText`"
)]
pub trait ParamText {
    /// The rule every value of the type follows, as [`PathSegment::PATTERN`].
    const PATTERN: Option<Pattern> = None;

    /// The unencoded text.
    fn param_text(&self) -> Cow<'_, str>;
}

/// A query or header field: one value, an optional one (left out when `None`) or a
/// sequence (the parameter is repeated).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a query or header field",
    label = "use a string, number or boolean, or an `Option` or `Vec` of one",
    note = "for an enum of fixed names, `#[derive(atlas_runtime::QueryValue)]`; for other scalar types of your own, implement `atlas_runtime::implement::ParamText`"
)]
pub trait ParamValues {
    /// The rule each value follows, from its [`ParamText::PATTERN`].
    const PATTERN: Option<Pattern> = None;

    /// Calls `f` once per value to send (zero times for `None`).
    fn each_value(&self, f: &mut dyn FnMut(&str));

    /// For `#[atlas_endpoint]`: [`Self::PATTERN`] on each value (nothing, decided at
    /// compile time, for a type without one). Provided here, so that its body is
    /// type-checked once and not once per declaration, and called through the trait's own
    /// path, so that a type that cannot be a parameter is reported once.
    #[doc(hidden)]
    #[inline]
    fn __check_carried(
        &self,
        v: &mut crate::implement::Validator,
        param: &crate::implement::ParamInfo,
    ) {
        if Self::PATTERN.is_some() {
            self.each_value(&mut |text| v.text(param, text));
        }
    }

    /// For `#[atlas_endpoint]`: `name=value` for each value (see [`Self::__check_carried`]).
    #[doc(hidden)]
    #[inline]
    fn __write_query(&self, w: &mut crate::request::QueryWriter, name: &str) {
        w.param(name, self);
    }

    /// For `#[atlas_endpoint]`: each value with its parameter's index (see
    /// [`Self::__check_carried`]).
    #[doc(hidden)]
    #[inline]
    fn __push_values(&self, out: &mut Vec<(usize, String)>, index: usize) {
        self.each_value(&mut |text| out.push((index, text.to_string())));
    }
}

/// A value a `pattern` rule can check: text, or `Option`/sequences of text.
#[diagnostic::on_unimplemented(
    message = "a `pattern` rule cannot check `{Self}`",
    label = "patterns apply to strings, and to `Option` or `Vec` of strings"
)]
pub trait PatternValue {
    /// Calls `f` with each text to check.
    fn each_text(&self, f: &mut dyn FnMut(&str));
}

/// A value a `range` rule can check: a number, or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "a `range` rule cannot check `{Self}`",
    label = "ranges apply to integers and floats, and to `Option` of those"
)]
pub trait RangeValue {
    /// The number, or `None` to skip the check.
    fn number(&self) -> Option<Number>;
}

/// A value a `length` rule can check: text (counted in characters) or a sequence.
#[diagnostic::on_unimplemented(
    message = "a `length` rule cannot check `{Self}`",
    label = "lengths apply to strings and sequences, and to `Option` of those"
)]
pub trait LengthValue {
    /// The length, or `None` to skip the check.
    fn length(&self) -> Option<usize>;
    /// How the value is shown in a violation.
    fn describe(&self) -> Cow<'_, str>;
}

// ---- text ----

macro_rules! text_impls {
    ($($t:ty),*) => {$(
        impl PathSegment for $t {
            fn to_segment(&self) -> Cow<'_, str> {
                Cow::Borrowed(self.as_ref())
            }
        }
        impl ParamText for $t {
            fn param_text(&self) -> Cow<'_, str> {
                Cow::Borrowed(self.as_ref())
            }
        }
        impl PatternValue for $t {
            fn each_text(&self, f: &mut dyn FnMut(&str)) {
                f(self.as_ref())
            }
        }
        impl LengthValue for $t {
            fn length(&self) -> Option<usize> {
                let s: &str = self.as_ref();
                Some(s.chars().count())
            }
            fn describe(&self) -> Cow<'_, str> {
                Cow::Borrowed(self.as_ref())
            }
        }
    )*};
}
text_impls!(String, str, Cow<'_, str>);

// ---- numbers ----

macro_rules! int_impls {
    ($($t:ty),*) => {$(
        impl PathSegment for $t {
            fn to_segment(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
        impl ParamText for $t {
            fn param_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
        impl RangeValue for $t {
            fn number(&self) -> Option<Number> {
                Some(Number::Int(*self as i128))
            }
        }
    )*};
}
int_impls!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

macro_rules! float_impls {
    ($($t:ty),*) => {$(
        impl ParamText for $t {
            fn param_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
        impl RangeValue for $t {
            fn number(&self) -> Option<Number> {
                Some(Number::Float(*self as f64))
            }
        }
    )*};
}
float_impls!(f32, f64);

impl ParamText for bool {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

/// RFC 3339, as Atlas's `date-time` parameters expect.
impl ParamText for jiff::Timestamp {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

// ---- wrappers ----

impl<T: PathSegment + ?Sized> PathSegment for &T {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn to_segment(&self) -> Cow<'_, str> {
        (**self).to_segment()
    }
}

impl<T: ParamText + ?Sized> ParamText for &T {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn param_text(&self) -> Cow<'_, str> {
        (**self).param_text()
    }
}

impl<T: ParamText> ParamValues for T {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        f(&self.param_text())
    }
}

impl<T: ParamText> ParamValues for Option<T> {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            f(&v.param_text())
        }
    }
}

impl<T: ParamText> ParamValues for Vec<T> {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|v| f(&v.param_text()))
    }
}

impl<T: ParamText> ParamValues for [T] {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|v| f(&v.param_text()))
    }
}

impl<T: ParamText> ParamValues for Option<Vec<T>> {
    const PATTERN: Option<Pattern> = T::PATTERN;
    fn each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.each_value(f)
        }
    }
}

impl<T: PatternValue + ?Sized> PatternValue for &T {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        (**self).each_text(f)
    }
}

impl<T: PatternValue> PatternValue for Option<T> {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.each_text(f)
        }
    }
}

impl<T: PatternValue> PatternValue for Vec<T> {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|v| v.each_text(f))
    }
}

impl<T: PatternValue> PatternValue for [T] {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|v| v.each_text(f))
    }
}

impl<T: RangeValue + ?Sized> RangeValue for &T {
    fn number(&self) -> Option<Number> {
        (**self).number()
    }
}

impl<T: RangeValue> RangeValue for Option<T> {
    fn number(&self) -> Option<Number> {
        self.as_ref().and_then(T::number)
    }
}

impl<T: LengthValue + ?Sized> LengthValue for &T {
    fn length(&self) -> Option<usize> {
        (**self).length()
    }
    fn describe(&self) -> Cow<'_, str> {
        (**self).describe()
    }
}

impl<T: LengthValue> LengthValue for Option<T> {
    fn length(&self) -> Option<usize> {
        self.as_ref().and_then(T::length)
    }
    fn describe(&self) -> Cow<'_, str> {
        match self {
            Some(v) => v.describe(),
            None => Cow::Borrowed("null"),
        }
    }
}

impl<T> LengthValue for Vec<T> {
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
    fn describe(&self) -> Cow<'_, str> {
        Cow::Owned(format!("{} items", self.len()))
    }
}

impl<T> LengthValue for [T] {
    fn length(&self) -> Option<usize> {
        Some(self.len())
    }
    fn describe(&self) -> Cow<'_, str> {
        Cow::Owned(format!("{} items", self.len()))
    }
}

impl<T: PatternValue> PatternValue for crate::patch::Patch<T> {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self.as_set() {
            v.each_text(f)
        }
    }
}

impl<T: RangeValue> RangeValue for crate::patch::Patch<T> {
    fn number(&self) -> Option<Number> {
        self.as_set().and_then(T::number)
    }
}

impl<T: LengthValue> LengthValue for crate::patch::Patch<T> {
    fn length(&self) -> Option<usize> {
        self.as_set().and_then(T::length)
    }
    fn describe(&self) -> Cow<'_, str> {
        match self.as_set() {
            Some(v) => v.describe(),
            None => Cow::Borrowed("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<T: ParamValues + ?Sized>(v: &T) -> Vec<String> {
        let mut out = Vec::new();
        v.each_value(&mut |s| out.push(s.to_string()));
        out
    }

    #[test]
    fn query_values() {
        assert_eq!(values(&5u32), ["5"]);
        assert_eq!(values(&true), ["true"]);
        assert_eq!(values(&None::<i32>), Vec::<String>::new());
        assert_eq!(values(&Some("x".to_string())), ["x"]);
        assert_eq!(values(&vec![1, 2]), ["1", "2"]);
    }

    #[test]
    fn lengths_count_characters() {
        assert_eq!("Zoë".to_string().length(), Some(3));
        assert_eq!(vec![1, 2, 3].length(), Some(3));
        assert_eq!(None::<String>.length(), None);
    }
}
