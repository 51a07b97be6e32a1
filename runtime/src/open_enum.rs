//! `open_enum!`: what a generated string enum expands to, written once here so that the
//! generated code names each value once (`OnDemand = "ON_DEMAND"`) instead of four times
//! (the enum, `as_str`, `From<&str>`, the serde impls).
//!
//! An open enum is `#[non_exhaustive]` and keeps a value this version of the crate does not
//! know in `Unknown(String)`: Atlas adds regions, instance sizes and event types every week,
//! and an answer carrying a new one must still decode.

/// Declares an open string enum: the variants, `Unknown(String)`, `KNOWN`, `as_str`,
/// `is_known`, `From<&str>`, `From<String>`, `FromStr` and `Display` (all `#[inline]`, so
/// none is compiled until used). Serde and parameter impls are `open_enum_serialize!`,
/// `open_enum_deserialize!` and `open_enum_param!`, so a type gets only what it uses.
#[doc(hidden)]
#[macro_export]
macro_rules! __atlas_open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($variant:ident = $value:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(#[doc = concat!("`", $value, "`")] $variant,)*
            /// A value this version of the crate does not know.
            Unknown($crate::__private::String),
        }

        impl $name {
            /// Every value the spec lists, in its order.
            #[allow(dead_code)]
            pub const KNOWN: &'static [Self] = &[$(Self::$variant,)*];

            /// The value as Atlas writes it.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other,
                }
            }

            /// Whether this is one of the values the spec lists (not `Unknown`).
            #[allow(dead_code)]
            #[inline]
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::convert::From<$crate::__private::String> for $name {
            #[inline]
            fn from(value: $crate::__private::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            #[inline]
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(::core::convert::Into::into(other)),
                }
            }
        }
    };
}

/// `Serialize` for an `open_enum!`: its text.
#[doc(hidden)]
#[macro_export]
macro_rules! __atlas_open_enum_serialize {
    ($name:ident) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// `Deserialize` for an `open_enum!`: any text, unknown values kept.
#[doc(hidden)]
#[macro_export]
macro_rules! __atlas_open_enum_deserialize {
    ($name:ident) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let text = <$crate::__private::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(d)?;
                ::core::result::Result::Ok(<$name as ::core::convert::From<&str>>::from(&text))
            }
        }
    };
}

/// Path and query/header text for an `open_enum!` used as a parameter.
#[doc(hidden)]
#[macro_export]
macro_rules! __atlas_open_enum_param {
    ($name:ident) => {
        impl $crate::implement::PathSegment for $name {
            #[inline]
            fn to_segment(&self) -> $crate::__private::Cow<'_, str> {
                $crate::__private::Cow::Borrowed(self.as_str())
            }
        }

        impl $crate::implement::ParamText for $name {
            #[inline]
            fn param_text(&self) -> $crate::__private::Cow<'_, str> {
                $crate::__private::Cow::Borrowed(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::__atlas_open_enum! {
        /// A test enum.
        pub enum Size { M10 = "M10", OnDemand = "ON_DEMAND", }
    }
    crate::__atlas_open_enum_serialize!(Size);
    crate::__atlas_open_enum_deserialize!(Size);
    crate::__atlas_open_enum_param!(Size);

    #[test]
    fn values_round_trip_and_unknown_ones_are_kept() {
        assert_eq!(Size::from("ON_DEMAND"), Size::OnDemand);
        assert_eq!(Size::OnDemand.as_str(), "ON_DEMAND");
        assert_eq!(Size::from("M999"), Size::Unknown("M999".into()));
        let json = serde_json::to_string(&vec![Size::M10, Size::Unknown("X".into())]).unwrap();
        assert_eq!(json, r#"["M10","X"]"#);
        let back: Vec<Size> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![Size::M10, Size::Unknown("X".into())]);
        assert_eq!(crate::implement::ParamText::param_text(&Size::M10), "M10");
    }
}
