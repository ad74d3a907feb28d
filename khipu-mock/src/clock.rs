//! The sandbox's timestamps, as Khipu writes them.

/// Now, as RFC 3339 in UTC with milliseconds (`2024-04-18T13:56:54.859Z`, as v3.0 writes them).
pub(crate) fn now_rfc3339() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    match khipu_types::chrono::DateTime::from_timestamp_millis(millis) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => "2024-01-15T10:00:00.000Z".into(),
    }
}

/// `plus_seconds` from now, as RFC 3339 in UTC (`2024-04-18T13:56:54Z`): what a `format:
/// date-time` field holds.
pub(crate) fn later_rfc3339(plus_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    match khipu_types::chrono::DateTime::from_timestamp(now + plus_seconds, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => "2024-01-15T10:00:00Z".into(),
    }
}

/// `plus_seconds` from now, as Khipu's bank APIs write timestamps (`2024-04-18T13:56:54+0000`,
/// no colon in the offset; those fields are plain strings in the bank specs).
pub(crate) fn now_text(plus_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    match khipu_types::chrono::DateTime::from_timestamp(now + plus_seconds, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S+0000").to_string(),
        None => "2024-01-15T10:00:00+0000".into(),
    }
}
