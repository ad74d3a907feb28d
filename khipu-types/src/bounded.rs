//! A string with a length range, for the `minLength`/`maxLength` fields of request bodies and
//! parameters.
//!
//! typify writes one newtype per such field, each with its own checks and eight derives: Payments
//! v3.0 had 53 of them, about 2,570 generated lines, most of them "at most 255 characters". The
//! generator's `bounded-strings` pass makes each of those names an alias of this one type, so a
//! service compiles the checks once per distinct range instead of once per field.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// A string of `MIN..=MAX` characters (Unicode scalar values, as JSON Schema counts them).
///
/// `MIN = 0` means no minimum and `MAX = usize::MAX` no maximum. Built with `parse`/`try_from`,
/// which check the range; read back with `Deref` (it is a `String`) or `String::from`.
///
/// ```
/// use khipu_types::BoundedString;
///
/// let subject: BoundedString<0, 5> = "hello".parse().unwrap();
/// assert_eq!(&*subject, "hello");
/// let err = BoundedString::<0, 5>::try_from("too long").unwrap_err();
/// assert_eq!(err.to_string(), "longer than 5 characters");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoundedString<const MIN: usize, const MAX: usize>(String);

/// A string outside its field's length range. Its text is typify's, so messages read the same as
/// before the generator shared this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LengthError {
    /// More characters than the field allows (the maximum).
    Longer(usize),
    /// Fewer characters than the field needs (the minimum).
    Shorter(usize),
}

impl fmt::Display for LengthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LengthError::Longer(max) => write!(f, "longer than {max} characters"),
            LengthError::Shorter(min) => write!(f, "shorter than {min} characters"),
        }
    }
}

impl std::error::Error for LengthError {}

impl<const MIN: usize, const MAX: usize> BoundedString<MIN, MAX> {
    /// Checks `value`'s length against `MIN..=MAX` (the maximum first, as typify did).
    pub fn new(value: String) -> Result<Self, LengthError> {
        Self::check(&value)?;
        Ok(Self(value))
    }

    fn check(value: &str) -> Result<(), LengthError> {
        // Counting stops one past the maximum: a hostile megabyte is not walked to the end.
        let count = value.chars().take(MAX.saturating_add(1)).count();
        if count > MAX {
            Err(LengthError::Longer(MAX))
        } else if count < MIN {
            Err(LengthError::Shorter(MIN))
        } else {
            Ok(())
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> Deref for BoundedString<MIN, MAX> {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> AsRef<str> for BoundedString<MIN, MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> fmt::Display for BoundedString<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MIN: usize, const MAX: usize> From<BoundedString<MIN, MAX>> for String {
    fn from(value: BoundedString<MIN, MAX>) -> Self {
        value.0
    }
}

impl<const MIN: usize, const MAX: usize> FromStr for BoundedString<MIN, MAX> {
    type Err = LengthError;
    fn from_str(value: &str) -> Result<Self, LengthError> {
        // Checked before copying, so a refused value costs no allocation.
        Self::check(value)?;
        Ok(Self(value.to_owned()))
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<&str> for BoundedString<MIN, MAX> {
    type Error = LengthError;
    fn try_from(value: &str) -> Result<Self, LengthError> {
        value.parse()
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<&String> for BoundedString<MIN, MAX> {
    type Error = LengthError;
    fn try_from(value: &String) -> Result<Self, LengthError> {
        value.parse()
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<String> for BoundedString<MIN, MAX> {
    type Error = LengthError;
    fn try_from(value: String) -> Result<Self, LengthError> {
        Self::new(value)
    }
}

impl<const MIN: usize, const MAX: usize> serde::Serialize for BoundedString<MIN, MAX> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, const MIN: usize, const MAX: usize> serde::Deserialize<'de> for BoundedString<MIN, MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::{BoundedString, LengthError};

    type Field = BoundedString<3, 5>;

    #[test]
    fn the_range_is_inclusive_and_counts_characters_not_bytes() {
        assert!(Field::try_from("abc").is_ok());
        assert!(Field::try_from("abcde").is_ok());
        // Five characters, ten bytes.
        assert!(Field::try_from("ñññññ").is_ok());
        assert_eq!(Field::try_from("ab"), Err(LengthError::Shorter(3)));
        assert_eq!(
            Field::try_from(String::from("abcdef")),
            Err(LengthError::Longer(5))
        );
    }

    #[test]
    fn the_maximum_is_checked_first_as_typify_did() {
        // Impossible range: both limits fail; the message is the maximum's.
        assert_eq!(
            BoundedString::<9, 2>::try_from("abc")
                .unwrap_err()
                .to_string(),
            "longer than 2 characters"
        );
        assert_eq!(
            BoundedString::<9, 20>::try_from("abc")
                .unwrap_err()
                .to_string(),
            "shorter than 9 characters"
        );
    }

    #[test]
    fn no_maximum_means_any_length() {
        let long = "x".repeat(10_000);
        assert!(BoundedString::<0, { usize::MAX }>::try_from(long.as_str()).is_ok());
    }

    #[test]
    fn json_is_a_plain_string_and_decoding_checks_the_range() {
        let value: Field = serde_json::from_str(r#""abcd""#).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), r#""abcd""#);
        assert_eq!(String::from(value), "abcd");
        let err = serde_json::from_str::<Field>(r#""abcdefgh""#).unwrap_err();
        assert!(
            err.to_string().contains("longer than 5 characters"),
            "{err}"
        );
    }
}
