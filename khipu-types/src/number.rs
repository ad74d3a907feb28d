//! Numbers as Khipu writes them: a whole amount is `1000`, not `1000.0`.
//!
//! Khipu's amounts are JSON numbers (`number`, format `double`). serde writes an `f64` with a
//! fractional part always (`1000.0`), which changes the text of every whole amount that passes
//! through the SDK and, in form bodies, is not what Khipu documents. These helpers write whole
//! values as integers and others in the shortest form that reads back to the same `f64`.

use serde::Serializer;

/// Largest whole `f64` that is still exact (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Serializes `value` as an integer when it is whole (and exact), else as a float.
pub fn serialize_f64<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() <= EXACT {
        // Exact by the check above; `as` cannot truncate.
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// [`serialize_f64`] for optional values.
pub fn serialize_option_f64<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serialize_f64(v, serializer),
        None => serializer.serialize_none(),
    }
}

/// The text Khipu expects for an amount in a form or a signature: `1000`, `1000.5`, `0.25`;
/// no thousands separator, `.` as decimal separator, no exponent.
pub fn amount_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() <= EXACT {
        format!("{}", value as i64)
    } else {
        // Display gives the shortest text that reads back to the same f64, never an exponent.
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct A {
        #[serde(serialize_with = "serialize_f64")]
        a: f64,
    }

    #[test]
    fn whole_values_are_integers() {
        assert_eq!(
            serde_json::to_string(&A { a: 1000.0 }).unwrap(),
            r#"{"a":1000}"#
        );
        assert_eq!(
            serde_json::to_string(&A { a: 1000.5 }).unwrap(),
            r#"{"a":1000.5}"#
        );
        assert_eq!(
            serde_json::to_string(&A { a: -0.25 }).unwrap(),
            r#"{"a":-0.25}"#
        );
        assert_eq!(
            serde_json::to_string(&A { a: 1e20 }).unwrap(),
            r#"{"a":1e+20}"#
        );
    }

    #[test]
    fn amount_text_has_no_separators_or_needless_decimals() {
        assert_eq!(amount_text(1000.0), "1000");
        assert_eq!(amount_text(1234567.89), "1234567.89");
        assert_eq!(amount_text(0.1), "0.1");
        assert_eq!(amount_text(1e-7), "0.0000001");
    }
}
