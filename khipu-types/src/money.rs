//! Money: an exact decimal amount, as the payments APIs send and receive it.
//!
//! Khipu's amounts have up to 4 decimal places. They are exact values, so they are kept as
//! [`rust_decimal::Decimal`] (a 96-bit integer and a scale: no rounding, `Copy`, no allocation),
//! never as `f64`, where `0.1 + 0.2 != 0.3`.
//!
//! On the wire an [`Amount`] is a JSON number: whole values are written as integers (`1000`, not
//! `1000.0`), others with exactly their digits (`1234.5`). It is read from a number or from a
//! decimal string (`"1000.0000"`, as real v3.0 responses and notifications carry it).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact amount of money (`1000`, `1234.5`, `0.0001`).
///
/// ```
/// use khipu_types::Amount;
/// let a: Amount = "1000.0000".parse()?;
/// assert_eq!(a, Amount::from(1000));
/// assert_eq!(serde_json::to_string(&a)?, "1000");
/// let b: Amount = serde_json::from_str("\"1234.5\"")?;
/// assert_eq!(serde_json::to_string(&b)?, "1234.5");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

/// Text or a number that is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an amount: {why}")]
pub struct AmountError {
    text: String,
    why: &'static str,
}

impl Amount {
    /// The amount `value`.
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The exact value.
    pub const fn decimal(&self) -> Decimal {
        self.0
    }

    /// `true` for an amount with no fractional part.
    pub fn is_whole(&self) -> bool {
        self.0.fract().is_zero()
    }

    /// The text Khipu expects in forms and signatures: no needless zeros, no exponent, `.` as the
    /// decimal separator (`1000`, `1234.5`).
    pub fn to_wire_text(&self) -> String {
        self.0.normalize().to_string()
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl FromStr for Amount {
    type Err = AmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let fail = |why| AmountError {
            text: s.chars().take(40).collect(),
            why,
        };
        if text.is_empty() {
            return Err(fail("it is empty"));
        }
        // Thousands separators and commas are refused: "1.000" would silently be one.
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        {
            return Err(fail("only digits, `.` and a sign are allowed"));
        }
        Decimal::from_str_exact(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map(Self)
            .map_err(|_| fail("it is not a decimal number that fits 28 digits"))
    }
}

impl TryFrom<&str> for Amount {
    type Error = AmountError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<String> for Amount {
    type Error = AmountError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl From<Amount> for Decimal {
    fn from(value: Amount) -> Self {
        value.0
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Amount {
            fn from(value: $t) -> Self {
                Self(Decimal::from(value))
            }
        }
    )*};
}
from_int!(i32, i64, u32, u64);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0.normalize();
        if value.scale() == 0
            && let Some(whole) = value.to_i64()
        {
            return serializer.serialize_i64(whole);
        }
        // Without serde_json's arbitrary_precision (which would change every number in the
        // program), a fraction goes out as an f64. That is exact text only when the f64's shortest
        // form reads back to the same decimal: true for every amount of up to 15 digits; anything
        // else is refused rather than rounded.
        let float = value.to_f64().filter(|f| f.is_finite());
        match float {
            Some(f) if Decimal::from_str_exact(&f.to_string()).ok() == Some(value) => {
                serializer.serialize_f64(f)
            }
            _ => Err(serde::ser::Error::custom(format!(
                "amount {value} has more digits than a JSON number carries exactly"
            ))),
        }
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount: a number or a decimal string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        if !v.is_finite() {
            return Err(E::custom("an amount must be finite"));
        }
        // The shortest text that reads back to `v` is the text the sender wrote (for up to 15
        // significant digits), so `1234.56` stays exactly 1234.56.
        v.to_string().parse().map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(a: &Amount) -> String {
        serde_json::to_string(a).unwrap()
    }

    #[test]
    fn whole_amounts_are_integers_on_the_wire() {
        for text in ["1000", "1000.0", "1000.0000", "1e3"] {
            assert_eq!(json(&text.parse().unwrap()), "1000", "{text}");
        }
        assert_eq!(json(&"-5".parse().unwrap()), "-5");
    }

    #[test]
    fn fractions_keep_exactly_their_digits() {
        for (text, wire) in [
            ("1234.5", "1234.5"),
            ("0.1", "0.1"),
            ("0.0001", "0.0001"),
            ("99999999999.9999", "99999999999.9999"),
            ("1234.5600", "1234.56"),
        ] {
            let a: Amount = text.parse().unwrap();
            assert_eq!(json(&a), wire, "{text}");
            let back: Amount = serde_json::from_str(wire).unwrap();
            assert_eq!(back, a, "{text}");
        }
    }

    #[test]
    fn decodes_numbers_and_decimal_strings() {
        let from = |s: &str| serde_json::from_str::<Amount>(s).unwrap();
        assert_eq!(from("1000"), Amount::from(1000));
        assert_eq!(from("\"1000.0000\""), Amount::from(1000));
        assert_eq!(from("1000.5"), from("\"1000.5\""));
        assert_eq!(from("0.3").decimal(), Decimal::new(3, 1));
        assert_eq!(from("-12"), Amount::from(-12));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "\"\"",
            "\"1.000,50\"",
            "\"12 CLP\"",
            "\"NaN\"",
            "true",
            "null",
            "\"1e99\"",
        ] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn too_many_digits_is_an_error_not_a_rounding() {
        let a: Amount = "0.12345678901234567890".parse().unwrap();
        assert!(serde_json::to_string(&a).is_err());
    }

    #[test]
    fn wire_text_has_no_needless_zeros() {
        assert_eq!(
            "1000.0000".parse::<Amount>().unwrap().to_wire_text(),
            "1000"
        );
        assert_eq!("0.50".parse::<Amount>().unwrap().to_string(), "0.5");
    }
}
