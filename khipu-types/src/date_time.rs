//! Timestamps as Khipu sends them.
//!
//! Khipu writes `2017-07-21T17:32:28-0400` (no colon in the offset, not RFC 3339), and elsewhere
//! `2023-12-31T15:45:00-04:00` or `2017-03-01T13:00:00.000Z`. chrono's `DateTime<Utc>`, what
//! progenitor would use, rejects the first form in strict parsers and throws the offset away in
//! all of them. [`DateTime`] accepts all three, keeps the offset, and writes back exactly the text
//! it read, so a value passes through the SDK unchanged.
//!
//! Reading never fails on a string: the bank specs type their timestamps as plain `string`, and one
//! odd value (`"2017-07-22"`, `"tempor"`) must not make a whole answer undecodable. Like an open
//! enum keeps a value it does not know, a [`DateTime`] keeps text that is not a date-time as it
//! came ([`DateTime::value`] is `None` for it). Parsing text a person or a program gives
//! (`"...".parse()`) is strict and says what is wrong.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO-8601 timestamp with the offset it was written with, or, when Khipu sent text that is
/// not one, that text.
#[derive(Clone)]
pub struct DateTime {
    text: Box<str>,
    parsed: Option<Parsed>,
}

/// A text that is a date-time: the instant and whether the text gave the offset.
#[derive(Clone, Copy)]
struct Parsed {
    value: chrono::DateTime<FixedOffset>,
    offset_given: bool,
}

/// A timestamp that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    text: String,
    why: &'static str,
}

impl std::fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self { text, why, .. } = self;
        write!(
            f,
            "`{text}` {why} (expected e.g. 2017-07-21T17:32:28-04:00)"
        )
    }
}

impl std::error::Error for DateTimeError {}

impl DateTime {
    /// `text` as received: a date-time when it is one, kept as text when it is not. Never fails;
    /// this is how answers are read.
    pub fn from_text(text: impl Into<String>) -> Self {
        let text: String = text.into();
        Self {
            parsed: parse(&text),
            text: text.into(),
        }
    }

    /// The instant, with the offset Khipu gave (UTC when the text had none); `None` when the
    /// text is not a date-time.
    pub fn value(&self) -> Option<chrono::DateTime<FixedOffset>> {
        self.parsed.map(|p| p.value)
    }

    /// The offset, as given; `None` when the text is not a date-time.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.value().map(|v| *v.offset())
    }

    /// `true` when the text is a date-time that gave its offset (`false` when UTC was assumed,
    /// or the text is not a date-time).
    pub fn has_offset(&self) -> bool {
        self.parsed.is_some_and(|p| p.offset_given)
    }

    /// `true` when the text is a date-time.
    pub fn is_valid(&self) -> bool {
        self.parsed.is_some()
    }

    /// The text exactly as received (or as formatted, for values built from chrono).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `text` read as an ISO-8601 date-time: with an offset (RFC 3339, or Khipu's `-0400`), or
/// without one (a date-time or a bare date, taken as UTC and flagged).
fn parse(text: &str) -> Option<Parsed> {
    let trimmed = text.trim();
    let with_offset = chrono::DateTime::parse_from_rfc3339(trimmed)
        .or_else(|_| chrono::DateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f%z"));
    if let Ok(value) = with_offset {
        return Some(Parsed {
            value,
            offset_given: true,
        });
    }
    let naive = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok()?;
    Some(Parsed {
        value: naive.and_utc().fixed_offset(),
        offset_given: false,
    })
}

/// Strict, for what a person or a program gives: text that is not a date-time, or one without
/// the UTC offset every spec's `format: date-time` (RFC 3339) has, is an error.
impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parsed = DateTime::from_text(text);
        let why = match (parsed.is_valid(), parsed.has_offset()) {
            (true, true) => return Ok(parsed),
            (true, false) => "has no UTC offset, which a date-time (RFC 3339) needs",
            (false, _) => "is not an ISO-8601 date-time",
        };
        Err(DateTimeError {
            text: text.chars().take(60).collect(),
            why,
        })
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        Self {
            text: value.to_rfc3339().into(),
            parsed: Some(Parsed {
                value,
                offset_given: true,
            }),
        }
    }
}

impl<Tz: TimeZone> From<&chrono::DateTime<Tz>> for DateTime {
    fn from(value: &chrono::DateTime<Tz>) -> Self {
        Self::from(value.fixed_offset())
    }
}

impl TryFrom<&str> for DateTime {
    type Error = DateTimeError;
    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for DateTime {
    type Error = DateTimeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({:?})", self.text)
    }
}

/// Two timestamps are equal when they were written the same way: `-0400` and `-04:00` differ,
/// as the wire texts do. Compare [`DateTime::value`] for the instant.
impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for DateTime {}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by instant (text that is not a date-time first), then by text, so that the order
/// agrees with equality.
impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value()
            .cmp(&other.value())
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO-8601 date-time string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateTime, E> {
                Ok(DateTime::from_text(text))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_khipus_offset_without_colon() {
        let t: DateTime = "2017-07-21T17:32:28-0400".parse().unwrap();
        assert_eq!(t.offset().unwrap().local_minus_utc(), -4 * 3600);
        assert_eq!(t.value().unwrap().to_rfc3339(), "2017-07-21T17:32:28-04:00");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2017-07-21T17:32:28-0400\""
        );
        assert!(t.has_offset());
    }

    #[test]
    fn reads_rfc3339_forms() {
        let a: DateTime = serde_json::from_str("\"2023-12-31T15:45:00-04:00\"").unwrap();
        assert_eq!(a.offset().unwrap().local_minus_utc(), -4 * 3600);
        let z: DateTime = serde_json::from_str("\"2017-03-01T13:00:00.000Z\"").unwrap();
        assert_eq!(z.offset().unwrap().local_minus_utc(), 0);
        assert_eq!(z.as_str(), "2017-03-01T13:00:00.000Z");
    }

    #[test]
    fn no_offset_is_utc_and_says_so_and_given_text_needs_one() {
        let t = DateTime::from_text("2017-07-22T00:00:00");
        assert!(!t.has_offset());
        assert_eq!(t.offset().unwrap().local_minus_utc(), 0);
        let err = "2017-07-22T00:00:00".parse::<DateTime>().unwrap_err();
        assert!(err.to_string().contains("no UTC offset"), "{err}");
        let d = DateTime::from_text("2002-11-30");
        assert_eq!(d.value().unwrap().to_rfc3339(), "2002-11-30T00:00:00+00:00");
        assert_eq!(d.as_str(), "2002-11-30");
    }

    #[test]
    fn garbage_is_an_error_when_given_and_kept_when_received() {
        for bad in [
            "",
            "yesterday",
            "2017-13-40T99:00:00Z",
            "2017-07-21T17:32:28-99999",
        ] {
            let err = bad.parse::<DateTime>().unwrap_err();
            assert!(
                err.to_string().contains("not an ISO-8601 date-time"),
                "{err}"
            );
            let kept: DateTime = serde_json::from_value(serde_json::json!(bad)).unwrap();
            assert!(!kept.is_valid() && kept.value().is_none() && kept.offset().is_none());
            assert_eq!(kept.as_str(), bad);
            assert_eq!(serde_json::to_value(&kept).unwrap(), serde_json::json!(bad));
        }
        // Not a string at all is still an error.
        assert!(serde_json::from_str::<DateTime>("12").is_err());
    }

    #[test]
    fn order_follows_the_instant() {
        let a: DateTime = "2017-07-21T17:32:28-0400".parse().unwrap();
        let b: DateTime = "2017-07-21T21:32:29Z".parse().unwrap();
        assert!(a < b);
        assert!(DateTime::from_text("tempor") < a);
    }
}
