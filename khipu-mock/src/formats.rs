//! The string formats the sandbox checks in what it accepts and keeps in what it serves, with one
//! rule each, shared by the request validator, the answers it synthesizes and the conformance
//! generator ([`crate::conformance`]):
//!
//! | format | rule |
//! |---|---|
//! | `date-time` | a date, a time and an offset: RFC 3339 (`2024-06-21T11:23:09.123Z`, `-04:00`) or Khipu's `-0400` |
//! | `email` | one `@` between a non-empty local part and a domain with a dot, no spaces or control characters |
//! | `uri` | an absolute URL (`https://...`) |
//!
//! Other formats (`double`, `int64`, `password`...) constrain nothing a string check can see.

/// Why `text` is not a `format` value, or `Ok` (also for formats without a rule here).
pub fn check(format: &str, text: &str) -> Result<(), &'static str> {
    match format {
        "date-time" => date_time(text),
        "email" => email(text),
        "uri" | "url" => uri(text),
        _ => Ok(()),
    }
}

fn date_time(text: &str) -> Result<(), &'static str> {
    match text.parse::<khipu_types::DateTime>() {
        Ok(t) if t.has_offset() => Ok(()),
        _ => Err("is not a date-time with an offset (e.g. 2024-06-21T11:23:09-04:00)"),
    }
}

fn email(text: &str) -> Result<(), &'static str> {
    let bad = || Err("is not an e-mail address");
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad();
    }
    let Some((local, domain)) = text.split_once('@') else {
        return bad();
    };
    let labels_ok = domain.split('.').all(|l| !l.is_empty());
    if local.is_empty() || domain.contains('@') || !domain.contains('.') || !labels_ok {
        return bad();
    }
    Ok(())
}

fn uri(text: &str) -> Result<(), &'static str> {
    match url::Url::parse(text) {
        Ok(u) if !u.cannot_be_a_base() => Ok(()),
        _ => Err("is not an absolute URL"),
    }
}

/// A value of `format`, for answers and instances that need one; `None` for a format without a
/// rule here.
pub fn example(format: &str) -> Option<&'static str> {
    match format {
        "date-time" => Some("2024-06-21T11:23:09.123Z"),
        "email" => Some("pagador@example.cl"),
        "uri" | "url" => Some("https://example.cl/khipu"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_accepts_khipus_forms_and_refuses_the_rest() {
        for ok in [
            "2024-06-21T11:23:09.123Z",
            "2017-07-21T17:32:28-0400",
            "2023-12-31T15:45:00-04:00",
        ] {
            assert_eq!(check("date-time", ok), Ok(()), "{ok}");
        }
        for bad in ["", "not-a-date", "2017-07-22", "2026-11-30T19:42:43"] {
            assert!(check("date-time", bad).is_err(), "{bad}");
        }
        assert_eq!(check("email", "ana@example.cl"), Ok(()));
        for bad in [
            "", "nope", "a@b", "@b.cl", "a b@c.cl", "a@b..cl", "a@b@c.cl",
        ] {
            assert!(check("email", bad).is_err(), "{bad}");
        }
        assert_eq!(check("uri", "https://shop.example/notify?x=1"), Ok(()));
        for bad in ["", "shop.example", "mailto:x"] {
            assert!(check("uri", bad).is_err(), "{bad}");
        }
        assert_eq!(check("double", "anything"), Ok(()));
    }

    #[test]
    fn the_examples_pass_their_own_rules() {
        for format in ["date-time", "email", "uri"] {
            let value = example(format).unwrap();
            assert_eq!(check(format, value), Ok(()), "{format}: {value}");
        }
    }
}
