//! String enums that never fail on a value they do not know.
//!
//! Khipu adds enum values over time (new balance types, error types, payment methods). A
//! generated enum that rejected them would make a whole response undecodable, so every string
//! enum the generator emits is an `open_enum!`: known values are variants, anything else is kept
//! verbatim in the catch-all variant and serializes back unchanged.
//!
//! Requests are the other way round: a value the spec does not list is one Khipu refuses, so
//! while a request body is read from a builder ([`refuse_unknown`]), an open enum refuses it,
//! naming the values it knows, before anything is sent.

use std::cell::Cell;

thread_local! {
    static REFUSING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `read` (a synchronous deserialization of a request body) with every open enum refusing
/// values it does not know: `"clp"` for a currency the spec lists as `CLP` is an error naming
/// `CLP, CLF, ...` instead of a request Khipu answers 400. Decoding answers never uses this.
pub fn refuse_unknown<R>(read: impl FnOnce() -> R) -> R {
    /// Restores the previous mode even if `read` unwinds.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            REFUSING.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(REFUSING.with(|r| r.replace(true)));
    read()
}

#[doc(hidden)]
pub fn refusing_unknown() -> bool {
    REFUSING.with(Cell::get)
}

/// Declares an open string enum.
///
/// ```
/// khipu_types::open_enum! {
///     /// Whether money comes in or goes out.
///     pub enum CreditDebitIndicator {
///         Credit = "Credit",
///         Debit = "Debit",
///         ..Unknown
///     }
/// }
/// let parsed: CreditDebitIndicator = serde_json::from_str("\"Refund\"").unwrap();
/// assert_eq!(parsed, CreditDebitIndicator::Unknown("Refund".into()));
/// assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"Refund\"");
/// assert_eq!(CreditDebitIndicator::from("Credit"), CreditDebitIndicator::Credit);
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal,)*
            ..$unknown:ident $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this version of the SDK does not know, kept as Khipu sent it.
            $unknown(::std::string::String),
        }

        impl $name {
            /// The values this version knows, in the order the spec lists them.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$unknown(value) => value.as_str(),
                }
            }

            /// `false` for a value this version does not know.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::$unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::$unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl $crate::__private::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: $crate::__private::serde::de::Error>(self, value: &str) -> ::std::result::Result<$name, E> {
                        let parsed = $name::from(value);
                        if !parsed.is_known() && $crate::__private::refusing_unknown() {
                            return Err(E::unknown_variant(value, $name::KNOWN));
                        }
                        Ok(parsed)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

#[cfg(test)]
mod strict_tests {
    crate::open_enum! {
        /// A request enum.
        pub enum Currency {
            Clp = "CLP",
            Clf = "CLF",
            ..Unknown
        }
    }

    #[test]
    fn requests_refuse_what_the_spec_does_not_list_and_answers_keep_it() {
        let read = |json: &str| serde_json::from_str::<Currency>(json);
        assert_eq!(read("\"clp\"").unwrap(), Currency::Unknown("clp".into()));
        let refused = super::refuse_unknown(|| read("\"clp\""))
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("unknown variant `clp`, expected `CLP` or `CLF`"),
            "{refused}"
        );
        assert_eq!(
            super::refuse_unknown(|| read("\"CLF\"")).unwrap(),
            Currency::Clf
        );
        // The mode ends with the call.
        assert!(!super::refusing_unknown());
        assert!(read("\"XYZ\"").is_ok());
    }
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Test enum with Khipu's empty funds_source value.
        pub enum FundsSource {
            Debit = "debit",
            Empty = "",
            NotAvailable = "not-available",
            ..Unknown
        }
    }

    #[test]
    fn known_values_round_trip() {
        for value in FundsSource::KNOWN {
            let json = format!("\"{value}\"");
            let parsed: FundsSource = serde_json::from_str(&json).unwrap();
            assert!(parsed.is_known());
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        }
        assert_eq!(
            serde_json::from_str::<FundsSource>("\"\"").unwrap(),
            FundsSource::Empty
        );
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let parsed: FundsSource = serde_json::from_str("\"crypto\"").unwrap();
        assert_eq!(parsed, FundsSource::Unknown("crypto".into()));
        assert!(!parsed.is_known());
        assert_eq!(parsed.to_string(), "crypto");
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"crypto\"");
    }

    #[test]
    fn non_strings_are_still_errors() {
        let err = serde_json::from_str::<FundsSource>("42").unwrap_err();
        assert!(err.to_string().contains("a string (FundsSource)"), "{err}");
    }
}
