//! Decoders that take bytes from the network, fed thousands of generated inputs: none panics, the
//! v3.0 notification verifier accepts nothing without a valid signature, and money round-trips
//! exactly.
//!
//! Each property runs 2,000 cases (proptest's default is 256).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]

use khipu::model::TransactionsData;
use khipu::payments::notification::{NotificationError, Verifier};
use proptest::prelude::*;
use std::time::{Duration, UNIX_EPOCH};

const SECRET: &str = "merchant-secret";
const T: u64 = 1_711_965_600_393;

fn verifier() -> Verifier {
    Verifier::new(SECRET).now(UNIX_EPOCH + Duration::from_millis(T))
}

/// JSON-ish bytes: fragments of real payloads glued together, plus raw noise.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(r#"{"OperationId":"x","Status":"OK","Data":{"Transaction":["#.to_owned()),
        Just(r#"{"Status":"ERROR","Error":{"Code":"E1","Type":"RETRY_IMMEDIATELY"}}"#.to_owned()),
        Just(
            r#"{"payment_id":"p","amount":"1000.0000","currency":"CLP","receiver_id":1}"#
                .to_owned()
        ),
        Just(
            r#"{"BookingDateTime":"2017-07-22T00:00:00-0400","Amount":{"Amount":1e308}}"#
                .to_owned()
        ),
        Just("null".to_owned()),
        Just("]}".to_owned()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ];
    prop_oneof![
        prop::collection::vec(piece, 0..8).prop_map(|p| p.concat().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_verifier_never_panics_and_accepts_only_signed_bodies(
        body in jsonish(),
        header in "[ -~]{0,80}",
    ) {
        // A random header is never a valid HMAC-SHA256 of the body (2^-256), so nothing passes.
        let verdict = verifier().verify(&body, &header);
        prop_assert!(verdict.is_err(), "accepted {header:?} for {body:?}");
    }

    #[test]
    fn a_signature_for_other_bytes_or_another_secret_is_refused(
        body in jsonish(),
        other in jsonish(),
        millis in (T - 60_000)..(T + 60_000),
    ) {
        let header = verifier().sign(&body, millis);
        // The genuine pair passes every check but decoding (the bytes may not be a notification).
        match verifier().verify(&body, &header) {
            Ok(_) | Err(NotificationError::Undecodable(_)) => {}
            Err(e) => prop_assert!(false, "refused its own signature: {e}"),
        }
        if other != body {
            prop_assert_eq!(verifier().verify(&other, &header).err(), Some(NotificationError::BadSignature));
        }
        let forged = Verifier::new("not-the-secret").sign(&body, millis);
        prop_assert_eq!(verifier().verify(&body, &forged).err(), Some(NotificationError::BadSignature));
    }

    #[test]
    fn callbacks_envelopes_and_v2_notifications_never_panic(body in jsonish()) {
        let _ = khipu::callback::parse::<TransactionsData>(&body);
        let _ = khipu::payments::v2::notification::parse(&body);
        let _ = serde_json::from_slice::<khipu::model::TransactionsEnvelope>(&body);
    }

    #[test]
    fn date_times_never_panic_and_round_trip(text in "[0-9T:+\\-Z. ]{0,32}") {
        if let Ok(t) = text.parse::<khipu::DateTime>() {
            prop_assert_eq!(t.to_string().parse::<khipu::DateTime>().ok(), Some(t));
        }
    }

    #[test]
    fn the_v2_form_encoding_is_reversible(text in "\\PC{0,40}") {
        let encoded = khipu_types::payments::rawurlencode(&text);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        let decoded = percent_decode(&encoded);
        prop_assert_eq!(decoded, text);
    }
}

/// A decimal with up to 28 significant digits and up to 28 decimal places, either sign.
fn decimal() -> impl Strategy<Value = khipu_types::Decimal> {
    // 96 bits of mantissa: every value rust_decimal holds.
    (any::<u64>(), 0u64..(1 << 32), 0u32..=28, any::<bool>()).prop_map(
        |(lo, hi, scale, negative)| {
            let mantissa = i128::from(lo) | (i128::from(hi) << 64);
            let mut d = khipu_types::Decimal::from_i128_with_scale(mantissa, scale);
            d.set_sign_negative(negative);
            d
        },
    )
}

/// JSON number text: a sign, digits, maybe a fraction, maybe an exponent; huge, tiny and
/// many-digit values included (a `format: double` allows them all).
fn json_number() -> impl Strategy<Value = String> {
    (
        "-?",
        "(0|[1-9][0-9]{0,39})",
        "(\\.[0-9]{1,40})?",
        "([eE][+-]?[0-9]{1,3})?",
    )
        .prop_map(|(sign, int, frac, exp)| format!("{sign}{int}{frac}{exp}"))
}

/// The value a number's text stands for, worked out independently of `Amount`: its sign, its
/// significant digits (no leading or trailing zeros) and the power of ten of the last one.
fn value_of(text: &str) -> (bool, String, i64) {
    let negative = text.starts_with('-');
    let text = text.trim_start_matches('-');
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap()),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let trimmed = all.trim_start_matches('0');
    let significant = trimmed.trim_end_matches('0');
    if significant.is_empty() {
        return (false, String::new(), 0);
    }
    let trailing = (trimmed.len() - significant.len()) as i64;
    (
        negative,
        significant.to_owned(),
        exponent - frac.len() as i64 + trailing,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any decimal goes out as exactly its digits and comes back as itself.
    #[test]
    fn any_decimal_round_trips_exactly(d in decimal()) {
        let amount = khipu::Amount::from(d);
        let wire = serde_json::to_string(&amount).unwrap();
        prop_assert_eq!(&wire, &d.normalize().to_string());
        prop_assert_eq!(serde_json::from_str::<khipu::Amount>(&wire).unwrap(), amount);
        // Inside an answer, as a string (v3.0 writes `"1000.0000"`) or as a number.
        let doc = format!(r#"{{"a":{wire},"b":"{wire}"}}"#);
        let back: std::collections::BTreeMap<String, khipu::Amount> = serde_json::from_str(&doc).unwrap();
        prop_assert_eq!(back["a"], amount);
        prop_assert_eq!(back["b"], amount);
    }

    /// Any JSON number is read to exactly the value its text stands for, and written and read
    /// again to the same: no digit changes. Only more than 64 significant digits is refused, and
    /// with an error that says so.
    #[test]
    fn any_json_number_keeps_every_digit(text in json_number()) {
        let (negative, digits, exponent) = value_of(&text);
        match serde_json::from_str::<khipu::Amount>(&text) {
            Ok(read) => {
                let wire = serde_json::to_string(&read).unwrap();
                prop_assert_eq!(&wire, &read.to_wire_text());
                prop_assert_eq!(value_of(&wire), (negative, digits.clone(), exponent), "{} -> {}", text, wire);
                prop_assert_eq!(serde_json::from_str::<khipu::Amount>(&wire).unwrap(), read);
                prop_assert_eq!(read.significant_digits(), digits.len());
            }
            Err(e) => {
                prop_assert!(digits.len() > khipu_types::AMOUNT_MAX_DIGITS, "{} refused: {}", text, e);
                prop_assert!(e.to_string().contains("more than 64 significant digits"), "{}", e);
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
