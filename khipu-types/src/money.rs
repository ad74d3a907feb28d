//! Money: an exact amount, as the payments APIs send and receive it.
//!
//! The value is the digits Khipu sent and where the decimal point falls, nothing else: an
//! [`Amount`] holds up to 64 significant digits and any power of ten (`1000`, `0.0001`,
//! `36427014.90143424`, `3.402823466e+38`, `2.225073858507e-311`), so no amount a document allows
//! is rounded, refused for its size or read through `f64`. A number with more significant digits
//! than that is refused with an error, never rounded. Khipu's amounts have up to 4 decimal places;
//! `Amount::to_decimal` (feature `decimal`) gives a `rust_decimal::Decimal` for arithmetic when
//! the value fits one exactly, and says so when it does not.
//!
//! On the wire an `Amount` is a JSON number written with exactly its digits: whole values as
//! integers (`1000`, not `1000.0`), others as they are (`1234.5`), the very large and very small
//! with an exponent (`2.225073858507e-311`). The number's text goes out and comes in as text
//! (serde_json's raw values). It is read from a number or from a decimal string (`"1000.0000"`,
//! as real v3.0 responses and notifications carry it). Trailing zeros after the point are not
//! digits of the value: `1000.0000` is `1000`.
//!
//! Arithmetic comes with the `decimal` feature (on by default in `khipu-rs`), which brings
//! `rust_decimal`; without it an amount is still read, compared, checked and written exactly.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "decimal")]
use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// The most significant digits an amount holds (a double has 17; Khipu's amounts, 15).
pub const MAX_DIGITS: usize = 64;

/// Up to this many zeros are written out before switching to an exponent (`1e-40` past it).
const PLAIN_ZEROS: i64 = 40;

/// An exact amount of money (`1000`, `1234.5`, `0.0001`).
///
/// ```
/// use khipu_types::Amount;
/// let a: Amount = "1000.0000".parse()?;
/// assert_eq!(a, Amount::from(1000));
/// assert_eq!(serde_json::to_string(&a)?, "1000");
/// let b: Amount = serde_json::from_str("\"1234.5\"")?;
/// assert_eq!(serde_json::to_string(&b)?, "1234.5");
/// let tiny: Amount = serde_json::from_str("2.225073858507e-311")?;
/// assert_eq!(tiny.to_string(), "2.225073858507e-311");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    negative: bool,
    /// How many of `digits` are used; 0 for zero.
    len: u8,
    /// The value is `digits × 10^exponent`.
    exponent: i32,
    /// The significant digits (ASCII), most significant first, without leading or trailing
    /// zeros; unused bytes are 0, so equal values are equal bytes.
    digits: [u8; MAX_DIGITS],
}

/// Text or a number that is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountError {
    text: String,
    why: &'static str,
}

impl std::fmt::Display for AmountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self { text, why, .. } = self;
        write!(f, "`{text}` is not an amount: {why}")
    }
}

impl std::error::Error for AmountError {}

impl AmountError {
    fn new(text: &str, why: &'static str) -> Self {
        Self {
            text: text.chars().take(40).collect(),
            why,
        }
    }
}

impl Default for Amount {
    /// Zero.
    fn default() -> Self {
        Self {
            negative: false,
            len: 0,
            exponent: 0,
            digits: [0; MAX_DIGITS],
        }
    }
}

impl Amount {
    /// The amount `value`.
    #[cfg(feature = "decimal")]
    pub fn new(value: Decimal) -> Self {
        Self::from(value)
    }

    /// The value as a [`Decimal`], for arithmetic, when it fits one exactly (at most 28
    /// decimal places and 96 bits); an error saying so otherwise, never a rounded value.
    #[cfg(feature = "decimal")]
    pub fn to_decimal(&self) -> Result<Decimal, AmountError> {
        let point = self.point();
        if self.len == 0 {
            return Ok(Decimal::ZERO);
        }
        if point > 29 || i64::from(self.exponent) < -28 {
            return Err(AmountError::new(
                &self.to_string(),
                "it does not fit a 28-digit decimal exactly",
            ));
        }
        Decimal::from_str_exact(&self.plain()).map_err(|_| {
            AmountError::new(
                &self.to_string(),
                "it does not fit a 28-digit decimal exactly",
            )
        })
    }

    /// `true` for an amount with no fractional part.
    pub fn is_whole(&self) -> bool {
        self.len == 0 || self.exponent >= 0
    }

    /// `true` for an amount above zero.
    pub fn is_positive(&self) -> bool {
        self.len > 0 && !self.negative
    }

    /// How many digits follow the decimal point (`1234.5` has 1, `1000` none).
    pub fn decimal_places(&self) -> u64 {
        match self.exponent {
            e if e < 0 && self.len > 0 => u64::from(e.unsigned_abs()),
            _ => 0,
        }
    }

    /// How many significant digits it has (`0.0012` has 2, `1000` has 1).
    pub fn significant_digits(&self) -> usize {
        usize::from(self.len)
    }

    /// The text Khipu expects in forms and signatures: no needless zeros, `.` as the decimal
    /// separator (`1000`, `1234.5`); an exponent only past 40 zeros.
    pub fn to_wire_text(&self) -> String {
        self.to_string()
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }

    /// Where the decimal point falls, counted from the first digit (`12.5`: 2; `0.05`: -1).
    fn point(&self) -> i64 {
        i64::from(self.len) + i64::from(self.exponent)
    }

    /// The value without an exponent, however many zeros that takes.
    fn plain(&self) -> String {
        let digits = String::from_utf8_lossy(self.digits()).into_owned();
        let sign = if self.negative { "-" } else { "" };
        let point = self.point();
        let body = if self.len == 0 {
            "0".to_owned()
        } else if self.exponent >= 0 {
            format!("{digits}{}", "0".repeat(self.exponent as usize))
        } else if point > 0 {
            let (whole, fraction) = digits.split_at(point as usize);
            format!("{whole}.{fraction}")
        } else {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        };
        format!("{sign}{body}")
    }

    /// Reads `text`: an optional sign, digits with at most one `.`, an optional exponent.
    fn parse(text: &str) -> Result<Self, &'static str> {
        const SHAPE: &str =
            "it is not a decimal number (digits, one `.`, an optional sign and exponent)";
        let bytes = text.as_bytes();
        if bytes.is_empty() {
            return Err("it is empty");
        }
        let mut at = 0;
        let negative = match bytes[0] {
            b'-' => {
                at = 1;
                true
            }
            b'+' => {
                at = 1;
                false
            }
            _ => false,
        };
        // Significant digits go straight into the array (no allocation: this runs for every
        // amount decoded); zeros after one are held until a non-zero digit shows they are inside
        // the number, or the end shows they are trailing.
        let mut digits = [0u8; MAX_DIGITS];
        let (mut len, mut held_zeros, mut fraction_digits) = (0usize, 0usize, 0i64);
        let (mut seen_digit, mut seen_point, mut too_many) = (false, false, false);
        while at < bytes.len() {
            match bytes[at] {
                b @ b'0'..=b'9' => {
                    seen_digit = true;
                    fraction_digits += i64::from(seen_point);
                    if b == b'0' {
                        // Leading zeros are not digits of the value.
                        held_zeros += usize::from(len > 0);
                    } else if len + held_zeros < MAX_DIGITS {
                        digits[len..len + held_zeros].fill(b'0');
                        digits[len + held_zeros] = b;
                        len += held_zeros + 1;
                        held_zeros = 0;
                    } else {
                        too_many = true;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                b'e' | b'E' => break,
                b',' | b'_' | b' ' | b'\'' => {
                    return Err("thousands separators are not allowed (`1.000` would be one)");
                }
                _ => return Err(SHAPE),
            }
            at += 1;
        }
        if !seen_digit {
            return Err(SHAPE);
        }
        let mut exponent: i64 = 0;
        if at < bytes.len() {
            let written = &text[at + 1..];
            let unsigned = written.strip_prefix(['-', '+']).unwrap_or(written);
            if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SHAPE);
            }
            if unsigned.len() > 9 {
                return Err("its exponent is out of range");
            }
            exponent = written.parse().map_err(|_| SHAPE)?;
        }
        if too_many {
            return Err("it has more than 64 significant digits");
        }
        if len == 0 {
            return Ok(Self::default());
        }
        // The held zeros trail the last significant digit.
        let exponent = exponent - fraction_digits + held_zeros as i64;
        let exponent = i32::try_from(exponent).map_err(|_| "its exponent is out of range")?;
        Ok(Self {
            negative,
            len: len as u8,
            exponent,
            digits,
        })
    }

    /// Compares magnitudes.
    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        match (self.len, other.len) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Less,
            (_, 0) => Ordering::Greater,
            _ => self
                .point()
                .cmp(&other.point())
                .then_with(|| self.digits().cmp(other.digits())),
        }
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |a: &Amount| match (a.len, a.negative) {
            (0, _) => 0,
            (_, true) => -1,
            (_, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) < 0 => other.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Amount {
    /// The value's digits: plain (`1234.5`, `0.0001`, `340282346600000000000000000000000000000`)
    /// up to 40 zeros, with an exponent past that (`2.225073858507e-311`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let point = self.point();
        let zeros = if self.exponent >= 0 {
            i64::from(self.exponent)
        } else {
            -point.min(0)
        };
        if self.len == 0 || zeros <= PLAIN_ZEROS {
            return f.write_str(&self.plain());
        }
        let digits = self.digits();
        let sign = if self.negative { "-" } else { "" };
        let head = char::from(digits[0]);
        let tail = String::from_utf8_lossy(&digits[1..]);
        let dot = if tail.is_empty() { "" } else { "." };
        write!(f, "{sign}{head}{dot}{tail}e{}", point - 1)
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
        Self::parse(s.trim()).map_err(|why| AmountError::new(s, why))
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

#[cfg(feature = "decimal")]
impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        // A decimal's text is at most 29 digits and a point: always an amount.
        Self::parse(&value.to_string()).unwrap_or_default()
    }
}

#[cfg(feature = "decimal")]
impl TryFrom<Amount> for Decimal {
    type Error = AmountError;
    fn try_from(value: Amount) -> Result<Self, Self::Error> {
        value.to_decimal()
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Amount {
            fn from(value: $t) -> Self {
                // An integer's text is at most 20 digits: always an amount.
                Self::parse(&value.to_string()).unwrap_or_default()
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

/// The text of a JSON number or string, as an amount, exactly.
fn from_json_text<E: de::Error>(raw: &str) -> Result<Amount, E> {
    let raw = raw.trim();
    if raw.starts_with('"') {
        let text: String = serde_json::from_str(raw).map_err(E::custom)?;
        return text.parse().map_err(E::custom);
    }
    if !raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Err(E::invalid_type(de::Unexpected::Other(raw), &AmountVisitor));
    }
    raw.parse().map_err(E::custom)
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
        // shortest text that reads back to `v` is the text the sender wrote, up to 17 digits.
        format!("{v:e}").parse().map_err(E::custom)
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
        for text in ["1000", "1000.0", "1000.0000", "1e3", "+1000", "0001000"] {
            assert_eq!(json(&text.parse().unwrap()), "1000", "{text}");
        }
        assert_eq!(json(&"-5".parse().unwrap()), "-5");
        assert_eq!(json(&"-0".parse().unwrap()), "0");
    }

    #[test]
    fn fractions_keep_exactly_their_digits() {
        for (text, wire) in [
            ("1234.5", "1234.5"),
            ("0.1", "0.1"),
            ("0.0001", "0.0001"),
            ("99999999999.9999", "99999999999.9999"),
            ("1234.5600", "1234.56"),
            (
                "0.12345678901234567890123456789",
                "0.12345678901234567890123456789",
            ),
            ("1e-29", "0.00000000000000000000000000001"),
            ("3.402823466e+38", "340282346600000000000000000000000000000"),
            ("2.225073858507e-311", "2.225073858507e-311"),
            ("1.7976931348623157e308", "1.7976931348623157e308"),
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
        assert_eq!(from("0.3"), "0.30".parse::<Amount>().unwrap());
        assert_eq!(from("-12"), Amount::from(-12));
        assert_eq!(
            from("3.402823466e+38").to_string(),
            "340282346600000000000000000000000000000"
        );
    }

    #[test]
    fn refuses_what_is_not_an_amount_and_never_rounds() {
        for bad in [
            "\"\"",
            "\"1.000,50\"",
            "\"1,000\"",
            "\"12 CLP\"",
            "\"NaN\"",
            "\"1..2\"",
            "\"1e\"",
            "\"1e99999999999\"",
            "true",
            "null",
            "[1]",
            "{}",
        ] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
        let many = format!("0.{}", "1".repeat(65));
        let err = many.parse::<Amount>().unwrap_err();
        assert!(
            err.to_string().contains("more than 64 significant digits"),
            "{err}"
        );
    }

    #[cfg(feature = "decimal")]
    #[test]
    fn arithmetic_is_offered_only_where_it_is_exact() {
        assert_eq!(
            Amount::from(1000).to_decimal().unwrap(),
            Decimal::from(1000)
        );
        let tiny: Amount = "1e-29".parse().unwrap();
        assert!(tiny.to_decimal().is_err());
        let huge: Amount = "3.402823466e+38".parse().unwrap();
        assert!(
            huge.to_decimal()
                .unwrap_err()
                .to_string()
                .contains("28-digit")
        );
        let many: Amount = "0.12345678901234567890123456789".parse().unwrap();
        assert!(many.to_decimal().is_err());
        assert_eq!(Amount::from(Decimal::new(-12345, 2)).to_string(), "-123.45");
    }

    #[test]
    fn orders_by_value() {
        let sorted = [
            "-1e3", "-2", "-0.5", "0", "1e-311", "0.0001", "1", "1.5", "10", "3.4e38",
        ];
        let amounts: Vec<Amount> = sorted.iter().map(|t| t.parse().unwrap()).collect();
        for pair in amounts.windows(2) {
            assert!(pair[0] < pair[1], "{:?} < {:?}", pair[0], pair[1]);
        }
        assert_eq!("1.50".parse::<Amount>().unwrap(), "15e-1".parse().unwrap());
    }

    #[test]
    fn counts_places_and_digits_for_khipus_limits() {
        let a: Amount = "1234.5600".parse().unwrap();
        assert_eq!((a.decimal_places(), a.significant_digits()), (2, 6));
        let b: Amount = "1000".parse().unwrap();
        assert_eq!(
            (b.decimal_places(), b.significant_digits(), b.is_whole()),
            (0, 1, true)
        );
        assert!(!Amount::default().is_positive() && !Amount::from(-1).is_positive());
    }

    #[test]
    fn many_digits_go_out_and_come_back_exactly() {
        for text in [
            "36427014.90143424",
            "0.12345678901234567890",
            "7922816251426433759354395033.5",
            "-0.0001",
            "123456789012345678901234567890.123456789012345678901234567890",
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
            ("36427014.90143424e0", "36427014.90143424"),
        ] {
            let a: Amount = serde_json::from_str(text).unwrap();
            assert_eq!(a, value.parse().unwrap(), "{text}");
        }
        let far: Amount = serde_json::from_str("1e-70").unwrap();
        assert_eq!(far.to_string(), "1e-70");
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
