//! Money: an exact decimal amount, as the payments APIs send and receive it.
//!
//! Khipu's amounts have up to 4 decimal places. They are exact values, so they are kept as
//! [`rust_decimal::Decimal`] (a 96-bit integer and a scale: no rounding, `Copy`, no allocation),
//! never as `f64`, where `0.1 + 0.2 != 0.3`.
//!
//! On the wire an [`Amount`] is a JSON number written with exactly the decimal's digits: whole
//! values as integers (`1000`, not `1000.0`), others as they are (`1234.5`, `36427014.90143424`).
//! No binary floating point is on the way, in either direction: the number's text goes out and
//! comes in as text (serde_json's raw values), so no amount is ever rounded to the nearest `f64`.
//! It is read from a number or from a decimal string (`"1000.0000"`, as real v3.0 responses and
//! notifications carry it). A number with more than 28 significant digits (beyond what any
//! amount has) is read rounded to 28.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

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

/// Written as the JSON number text of its digits (a raw value, so serde_json writes it as is).
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.to_wire_text()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// serde_json's name for a raw value (its `raw_value` feature, on in this crate): asked for a
/// newtype struct of this name, its deserializers hand over the value's text unparsed, which is
/// how a number's digits reach [`Amount`] without an `f64` on the way. Any other deserializer
/// sees an ordinary newtype and reads the value as usual.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// The text of a JSON number or string, as a decimal: a string is read as decimal text, a number
/// exactly (rounded to 28 significant digits only past that).
fn from_json_text<E: de::Error>(raw: &str) -> Result<Amount, E> {
    let raw = raw.trim();
    if raw.starts_with('"') {
        let text: String = serde_json::from_str(raw).map_err(E::custom)?;
        return text.parse().map_err(E::custom);
    }
    let fail = || {
        E::custom(format!(
            "`{}` is not an amount that fits 28 digits",
            raw.chars().take(40).collect::<String>()
        ))
    };
    if !raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Err(E::invalid_type(de::Unexpected::Other(raw), &AmountVisitor));
    }
    let plain = plain(raw).ok_or_else(fail)?;
    Decimal::from_str_exact(&plain)
        .or_else(|_| plain.parse::<Decimal>())
        .map(Amount)
        .map_err(|_| fail())
}

/// A JSON number's text without its exponent (`1.5e3` is `1500`, `2E-3` is `0.002`), so that it
/// is read as a decimal; `None` for a magnitude no amount has (past 10^60).
fn plain(text: &str) -> Option<String> {
    let Some(at) = text.find(['e', 'E']) else {
        return Some(text.to_owned());
    };
    let exponent: i64 = text[at + 1..].parse().ok()?;
    let mantissa = &text[..at];
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", mantissa),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all = format!("{int}{frac}");
    if all.bytes().all(|b| b == b'0') {
        return Some("0".to_owned());
    }
    // Where the decimal point falls in `all`.
    let point = int.len() as i64 + exponent;
    if point > 60 {
        return None;
    }
    if point < -60 {
        // Far below any amount's last digit: rounds to zero.
        return Some("0".to_owned());
    }
    let out = if point <= 0 {
        format!("0.{}{all}", "0".repeat((-point) as usize))
    } else if point as usize >= all.len() {
        format!("{all}{}", "0".repeat(point as usize - all.len()))
    } else {
        let (whole, fraction) = all.split_at(point as usize);
        format!("{whole}.{fraction}")
    };
    Some(format!("{sign}{out}"))
}

struct AmountVisitor;

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount: a number or a decimal string")
    }

    /// serde_json's raw value: `{"$serde_json::private::RawValue": "<the value's text>"}`.
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Amount, A::Error> {
        let Some((_, raw)) = map.next_entry::<de::IgnoredAny, String>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        from_json_text(&raw)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Amount, D::Error> {
        d.deserialize_any(self)
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
        // Only from a format that has no number text to give (serde_json gives the text): the
        // shortest text that reads back to `v` is the text the sender wrote, up to 15 digits.
        v.to_string().parse().map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE, AmountVisitor)
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
            "1e99",
            "1e61",
            "[1]",
            "{}",
        ] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn many_digits_go_out_and_come_back_exactly() {
        for text in [
            "36427014.90143424",
            "0.12345678901234567890",
            "7922816251426433759354395033.5",
            "-0.0001",
        ] {
            let a: Amount = text.parse().unwrap();
            let wire = serde_json::to_string(&a).unwrap();
            assert_eq!(wire, a.to_wire_text(), "{text}");
            assert_eq!(serde_json::from_str::<Amount>(&wire).unwrap(), a, "{text}");
            // Inside a document, through the reader and the slice reader alike.
            let doc = format!(r#"{{"min_amount": {wire}}}"#);
            let back: std::collections::BTreeMap<String, Amount> =
                serde_json::from_slice(doc.as_bytes()).unwrap();
            assert_eq!(back["min_amount"], a, "{text}");
            let back: std::collections::BTreeMap<String, Amount> =
                serde_json::from_reader(doc.as_bytes()).unwrap();
            assert_eq!(back["min_amount"], a, "{text}");
        }
    }

    #[test]
    fn exponents_are_read_exactly() {
        for (text, value) in [
            ("1.5e3", "1500"),
            ("2E-3", "0.002"),
            ("-12.5e-1", "-1.25"),
            ("0E30", "0"),
            ("1e-70", "0"),
            ("36427014.90143424e0", "36427014.90143424"),
        ] {
            let a: Amount = serde_json::from_str(text).unwrap();
            assert_eq!(a, value.parse().unwrap(), "{text}");
        }
    }

    #[test]
    fn other_formats_still_read_amounts() {
        // A buffered value (what an untagged enum sees) has no text to give: it still reads.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Amount { amount: Amount },
        }
        let Either::Amount { amount } = serde_json::from_str(r#"{"amount": 12.5}"#).unwrap();
        assert_eq!(amount, "12.5".parse().unwrap());
        let from_value: Amount = serde_json::from_value(serde_json::json!("99.01")).unwrap();
        assert_eq!(from_value, "99.01".parse().unwrap());
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
