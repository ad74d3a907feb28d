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
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO-8601 timestamp with the offset it was written with, or, when Khipu sent text that is
/// not one, that text.
///
/// Read without a date library: the text is read here into an instant and an offset (about 130
/// lines, checked against chrono in this crate's tests), so a service does not compile chrono
/// unless it asks for `chrono::DateTime` values (feature `chrono`, on by default in `khipu-rs`).
#[derive(Clone)]
pub struct DateTime {
    text: Box<str>,
    parsed: Option<Parsed>,
}

/// A text that is a date-time: the instant, the offset and whether the text gave the offset.
#[derive(Clone, Copy)]
struct Parsed {
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
    /// Nanoseconds past `seconds`; 1,000,000,000 or more only for a leap second (`:60`), as
    /// chrono keeps one.
    nanos: u32,
    /// Seconds east of UTC.
    offset: i32,
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
    /// text is not a date-time (feature `chrono`).
    #[cfg(feature = "chrono")]
    pub fn value(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let p = self.parsed?;
        let offset = chrono::FixedOffset::east_opt(p.offset)?;
        Some(chrono::DateTime::from_timestamp(p.seconds, p.nanos)?.with_timezone(&offset))
    }

    /// The offset, as given (feature `chrono`); `None` when the text is not a date-time.
    #[cfg(feature = "chrono")]
    pub fn offset(&self) -> Option<chrono::FixedOffset> {
        chrono::FixedOffset::east_opt(self.offset_seconds()?)
    }

    /// The offset in seconds east of UTC (`-14400` for `-0400`; `0` when UTC was assumed);
    /// `None` when the text is not a date-time.
    pub fn offset_seconds(&self) -> Option<i32> {
        self.parsed.map(|p| p.offset)
    }

    /// The instant as a `SystemTime`; `None` when the text is not a date-time.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let p = self.parsed?;
        let after = Duration::from_nanos(u64::from(p.nanos));
        let at = match u64::try_from(p.seconds) {
            Ok(s) => SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)),
            Err(_) => {
                SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(p.seconds.unsigned_abs()))
            }
        };
        at?.checked_add(after)
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before); `None` when the text is not a
    /// date-time.
    pub fn unix_seconds(&self) -> Option<i64> {
        self.parsed.map(|p| p.seconds)
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

    /// The instant, for ordering.
    fn instant(&self) -> Option<(i64, u32)> {
        self.parsed.map(|p| (p.seconds, p.nanos))
    }
}

/// `text` read as an ISO-8601 date-time: with an offset (RFC 3339, or Khipu's `-0400`), or
/// without one (a date-time or a bare date, taken as UTC and flagged).
///
/// The forms, as chrono's `parse_from_rfc3339` and the `%Y-%m-%dT%H:%M:%S%.f%z` format read them
/// before: `YYYY-MM-DD`, then `T` (or `t` or a space), `HH:MM:SS`, an optional fraction (digits
/// past nanoseconds are dropped), then `Z`/`z`, `±HH:MM`, or after `T` also `±HHMM` or nothing.
fn parse(text: &str) -> Option<Parsed> {
    let mut r = Reader(text.trim().as_bytes());
    let (year, month, day) = (
        r.digits(4)?,
        r.skip(b'-')?.digits(2)?,
        r.skip(b'-')?.digits(2)?,
    );
    if month == 0 || month > 12 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    if r.0.is_empty() {
        return Some(Parsed {
            seconds: days * 86_400,
            nanos: 0,
            offset: 0,
            offset_given: false,
        });
    }
    let separator = r.next()?;
    if !matches!(separator, b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute) = (r.digits(2)?, r.skip(b':')?.digits(2)?);
    let second = r.skip(b':')?.digits(2)?;
    // 60 is a leap second, as RFC 3339 allows and chrono reads it.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut nanos = 0;
    if r.0.first() == Some(&b'.') {
        r.next();
        let digits = r.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for (i, d) in r.0[..digits].iter().enumerate().take(9) {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        r.0 = &r.0[digits..];
    }
    let (offset, offset_given) = match r.next() {
        None if separator == b'T' => (0, false),
        None => return None,
        Some(b'Z' | b'z') => (0, true),
        Some(sign @ (b'+' | b'-')) => {
            let hours = r.digits(2)?;
            // `-04:00` after any separator; Khipu's `-0400` after `T`, as chrono read them.
            if r.0.first() == Some(&b':') {
                r.next();
            } else if separator != b'T' {
                return None;
            }
            let minutes = r.digits(2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let east = (hours * 3600 + minutes * 60) as i32;
            (if sign == b'-' { -east } else { east }, true)
        }
        Some(_) => return None,
    };
    if !r.0.is_empty() {
        return None;
    }
    let (second, leap) = if second == 60 {
        (59, 1_000_000_000)
    } else {
        (second, 0)
    };
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(Parsed {
        seconds: local - i64::from(offset),
        nanos: nanos + leap,
        offset,
        offset_given,
    })
}

/// The rest of the text being read.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn next(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    fn skip(&mut self, expected: u8) -> Option<&mut Self> {
        (self.next()? == expected).then_some(self)
    }

    /// Exactly `n` ASCII digits, as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let digits = self.0.get(..n)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[n..];
        Some(digits.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`: years counted from March, so the leap day ends a year).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = i64::from((153 * ((month + 9) % 12) + 2) / 5 + day - 1);
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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

#[cfg(feature = "chrono")]
impl From<chrono::DateTime<chrono::FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<chrono::FixedOffset>) -> Self {
        Self {
            text: value.to_rfc3339().into(),
            // From the value, not its text: a year past 9999 is still an instant.
            parsed: Some(Parsed {
                seconds: value.timestamp(),
                nanos: value.timestamp_subsec_nanos(),
                offset: value.offset().local_minus_utc(),
                offset_given: true,
            }),
        }
    }
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> From<&chrono::DateTime<Tz>> for DateTime {
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
        self.instant()
            .cmp(&other.instant())
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
        assert_eq!(t.offset_seconds(), Some(-4 * 3600));
        // 2017-07-21T21:32:28Z, from `date -u -d @1500672748`.
        assert_eq!(t.unix_seconds(), Some(1_500_672_748));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2017-07-21T17:32:28-0400\""
        );
        assert!(t.has_offset());
    }

    #[test]
    fn reads_rfc3339_forms() {
        let a: DateTime = serde_json::from_str("\"2023-12-31T15:45:00-04:00\"").unwrap();
        assert_eq!(a.offset_seconds(), Some(-4 * 3600));
        let z: DateTime = serde_json::from_str("\"2017-03-01T13:00:00.000Z\"").unwrap();
        assert_eq!(z.offset_seconds(), Some(0));
        assert_eq!(z.as_str(), "2017-03-01T13:00:00.000Z");
        let nanos: DateTime = "2024-02-29t23:59:59.123456789123+05:30".parse().unwrap();
        assert_eq!(
            nanos.to_system_time(),
            SystemTime::UNIX_EPOCH.checked_add(Duration::new(1_709_231_399, 123_456_789))
        );
    }

    #[test]
    fn no_offset_is_utc_and_says_so_and_given_text_needs_one() {
        let t = DateTime::from_text("2017-07-22T00:00:00");
        assert!(!t.has_offset());
        assert_eq!(t.offset_seconds(), Some(0));
        let err = "2017-07-22T00:00:00".parse::<DateTime>().unwrap_err();
        assert!(err.to_string().contains("no UTC offset"), "{err}");
        let d = DateTime::from_text("2002-11-30");
        assert_eq!(d.unix_seconds(), Some(1_038_614_400));
        assert_eq!(d.as_str(), "2002-11-30");
    }

    #[test]
    fn garbage_is_an_error_when_given_and_kept_when_received() {
        for bad in [
            "",
            "yesterday",
            "2017-13-40T99:00:00Z",
            "2017-07-21T17:32:28-99999",
            "2023-02-29T00:00:00Z",
            "2017-07-21T17:32:28.Z",
            "2017-07-21T24:00:00Z",
            "2017-07-21 17:32:28",
            "2017-07-21T17:32:28+24:00",
            "2017-07-21T17:32:28Zjunk",
            "２０１７-07-21",
        ] {
            let err = bad.parse::<DateTime>().unwrap_err();
            assert!(
                err.to_string().contains("not an ISO-8601 date-time"),
                "{bad}: {err}"
            );
            let kept: DateTime = serde_json::from_value(serde_json::json!(bad)).unwrap();
            assert!(
                !kept.is_valid()
                    && kept.offset_seconds().is_none()
                    && kept.to_system_time().is_none()
            );
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
        let before_1970: DateTime = "1969-12-31T23:59:59Z".parse().unwrap();
        assert_eq!(before_1970.unix_seconds(), Some(-1));
        assert!(before_1970 < a);
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn a_chrono_value_converts_both_ways() {
        let offset = chrono::FixedOffset::west_opt(4 * 3600).unwrap();
        for (y, m, d) in [(2017, 7, 21), (1969, 12, 31), (12_000, 1, 1)] {
            let value = chrono::NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_nano_opt(17, 32, 28, 5)
                .unwrap()
                .and_local_timezone(offset)
                .unwrap();
            let t = DateTime::from(value);
            assert_eq!(t.value(), Some(value), "{value}");
            assert_eq!(t.offset_seconds(), Some(-4 * 3600));
        }
    }

    /// The reader against chrono, which read these texts before: the same instant and offset
    /// for every day of 1899 to 2101 at several times and offsets, in every accepted form.
    #[cfg(feature = "chrono")]
    #[test]
    fn reads_what_chrono_reads_the_same_way() {
        let start = chrono::NaiveDate::from_ymd_opt(1899, 1, 1).unwrap();
        let mut checked = 0;
        for (n, day) in start.iter_days().take(203 * 366).enumerate() {
            let time = [
                "00:00:00",
                "23:59:59.5",
                "12:34:56.000001",
                "23:59:60",
                "01:02:03.1234567891",
            ][n % 5];
            let offset = ["Z", "-04:00", "+0530", "-2359", "+00:00", "z", "-23:59"][n % 7];
            for form in [
                format!("{day}T{time}{offset}"),
                format!("{day} {time}{offset}"),
                format!("{day}t{time}{offset}"),
                format!("{day}T{time}"),
                format!("{day}"),
            ] {
                let ours = DateTime::from_text(&form);
                let theirs = chrono::DateTime::parse_from_rfc3339(&form)
                    .or_else(|_| chrono::DateTime::parse_from_str(&form, "%Y-%m-%dT%H:%M:%S%.f%z"))
                    .ok()
                    .or_else(|| {
                        chrono::NaiveDateTime::parse_from_str(&form, "%Y-%m-%dT%H:%M:%S%.f")
                            .or_else(|_| {
                                chrono::NaiveDate::parse_from_str(&form, "%Y-%m-%d")
                                    .map(|d| d.and_time(chrono::NaiveTime::MIN))
                            })
                            .ok()
                            .map(|n| n.and_utc().fixed_offset())
                    });
                assert_eq!(ours.value(), theirs, "{form}");
                if let Some(theirs) = theirs {
                    assert_eq!(ours.offset(), Some(*theirs.offset()), "{form}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 250_000, "{checked}");
    }
}
