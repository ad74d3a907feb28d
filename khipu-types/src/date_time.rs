//! Timestamps as Khipu sends them.
//!
//! Khipu writes `2017-07-21T17:32:28-0400` (no colon in the offset, not RFC 3339), and elsewhere
//! `2023-12-31T15:45:00-04:00` or `2017-03-01T13:00:00.000Z`. chrono's `DateTime<Utc>`, what
//! progenitor would use, rejects the first form in strict parsers and throws the offset away in
//! all of them. [`DateTime`] accepts all three, keeps the offset, and writes back exactly the text
//! it read, so a value passes through the SDK unchanged.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO-8601 timestamp with the offset it was written with.
#[derive(Clone)]
pub struct DateTime {
    value: chrono::DateTime<FixedOffset>,
    text: Box<str>,
    offset_given: bool,
}

/// A timestamp that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an ISO-8601 date-time (expected e.g. 2017-07-21T17:32:28-0400)")]
pub struct DateTimeError {
    text: String,
}

impl DateTime {
    /// The instant, with the offset Khipu gave (UTC when the text had none).
    pub fn value(&self) -> chrono::DateTime<FixedOffset> {
        self.value
    }

    /// The offset, as given.
    pub fn offset(&self) -> FixedOffset {
        *self.value.offset()
    }

    /// `false` when the text had no offset and UTC was assumed.
    pub fn has_offset(&self) -> bool {
        self.offset_given
    }

    /// The text exactly as received (or as formatted, for values built from chrono).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let with_offset = chrono::DateTime::parse_from_rfc3339(trimmed)
            .or_else(|_| chrono::DateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f%z"));
        if let Ok(value) = with_offset {
            return Ok(Self {
                value,
                text: text.into(),
                offset_given: true,
            });
        }
        // A bank that sends no offset, or a bare date, still decodes: as UTC (midnight), flagged.
        let naive = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| {
                chrono::NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                    .map(|d| d.and_time(chrono::NaiveTime::MIN))
            })
            .map_err(|_| DateTimeError {
                text: text.to_owned(),
            })?;
        Ok(Self {
            value: naive.and_utc().fixed_offset(),
            text: text.into(),
            offset_given: false,
        })
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        Self {
            value,
            text: value.to_rfc3339().into(),
            offset_given: true,
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

/// Ordered by instant, then by text, so that the order agrees with equality.
impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value
            .cmp(&other.value)
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
                text.parse().map_err(E::custom)
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
        assert_eq!(t.offset().local_minus_utc(), -4 * 3600);
        assert_eq!(t.value().to_rfc3339(), "2017-07-21T17:32:28-04:00");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2017-07-21T17:32:28-0400\""
        );
        assert!(t.has_offset());
    }

    #[test]
    fn reads_rfc3339_forms() {
        let a: DateTime = serde_json::from_str("\"2023-12-31T15:45:00-04:00\"").unwrap();
        assert_eq!(a.offset().local_minus_utc(), -4 * 3600);
        let z: DateTime = serde_json::from_str("\"2017-03-01T13:00:00.000Z\"").unwrap();
        assert_eq!(z.offset().local_minus_utc(), 0);
        assert_eq!(z.as_str(), "2017-03-01T13:00:00.000Z");
    }

    #[test]
    fn no_offset_is_utc_and_says_so() {
        let t: DateTime = "2017-07-22T00:00:00".parse().unwrap();
        assert!(!t.has_offset());
        assert_eq!(t.offset().local_minus_utc(), 0);
        let d: DateTime = "2002-11-30".parse().unwrap();
        assert_eq!(d.value().to_rfc3339(), "2002-11-30T00:00:00+00:00");
        assert_eq!(d.as_str(), "2002-11-30");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            "",
            "yesterday",
            "2017-13-40T99:00:00Z",
            "2017-07-21T17:32:28-99999",
        ] {
            assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        }
        let err = serde_json::from_str::<DateTime>("\"soon\"").unwrap_err();
        assert!(
            err.to_string().contains("not an ISO-8601 date-time"),
            "{err}"
        );
    }

    #[test]
    fn order_follows_the_instant() {
        let a: DateTime = "2017-07-21T17:32:28-0400".parse().unwrap();
        let b: DateTime = "2017-07-21T21:32:29Z".parse().unwrap();
        assert!(a < b);
    }
}
