//! Form bodies (`application/x-www-form-urlencoded`, Payments v2.0) written from the same JSON a
//! body would be, so every value keeps its exact text: an [`Amount`](crate::Amount)'s digits, a
//! [`DateTime`](crate::DateTime)'s offset, booleans as `true`/`false`. Generated clients send
//! their form bodies through [`pairs`] (the generator's `form-bodies` code pass).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;

/// A body that cannot be a form: not an object of plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError(String);

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self(what) = self;
        write!(f, "cannot be sent as a form: {what}")
    }
}

impl std::error::Error for FormError {}

/// `body`'s fields as form pairs, by name: strings as they are, numbers with their exact digits,
/// booleans as `true`/`false`; absent and `null` fields are left out. Nested objects and arrays
/// have no form encoding Khipu documents, and are an error naming the field.
pub fn pairs<T: Serialize + ?Sized>(body: &T) -> Result<Vec<(String, String)>, FormError> {
    let json = serde_json::to_string(body).map_err(|e| FormError(e.to_string()))?;
    let fields: BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(&json).map_err(|e| FormError(e.to_string()))?;
    let mut out = Vec::with_capacity(fields.len());
    for (name, raw) in fields {
        let text = raw.get();
        let value = match text.as_bytes().first() {
            Some(b'"') => {
                serde_json::from_str::<String>(text).map_err(|e| FormError(e.to_string()))?
            }
            Some(b'{' | b'[') => {
                return Err(FormError(format!("`{name}` is not a plain value")));
            }
            _ if text == "null" => continue,
            _ => text.to_owned(),
        };
        out.push((name, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Amount, DateTime};

    #[derive(Serialize)]
    struct Create {
        amount: Amount,
        subject: String,
        send_email: Option<bool>,
        expires_date: Option<DateTime>,
        bank_id: Option<String>,
    }

    #[test]
    fn values_keep_their_exact_text() {
        let body = Create {
            amount: "36427014.9014".parse().unwrap(),
            subject: "Pago ñandú & café".into(),
            send_email: Some(true),
            expires_date: Some("2023-12-31T15:45:00-04:00".parse().unwrap()),
            bank_id: None,
        };
        let pairs = pairs(&body).unwrap();
        let text = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(text("amount"), Some("36427014.9014"));
        assert_eq!(text("subject"), Some("Pago ñandú & café"));
        assert_eq!(text("send_email"), Some("true"));
        assert_eq!(text("expires_date"), Some("2023-12-31T15:45:00-04:00"));
        assert_eq!(text("bank_id"), None);
        assert_eq!(
            serde_urlencoded_like(&pairs),
            "amount=36427014.9014&expires_date=2023-12-31T15%3A45%3A00-04%3A00&send_email=true&subject=Pago+%C3%B1and%C3%BA+%26+caf%C3%A9"
        );
    }

    #[test]
    fn nested_values_are_refused_by_name() {
        let err = pairs(&serde_json::json!({"a": 1, "items": [1, 2]})).unwrap_err();
        assert!(err.to_string().contains("`items`"), "{err}");
        assert!(pairs(&1).is_err());
    }

    /// What reqwest's form encoder writes for the pairs (url's `form_urlencoded`).
    fn serde_urlencoded_like(pairs: &[(String, String)]) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }
}
