//! Typed request bodies from the SDK's builders: what the generated type's constraints refuse, and
//! Khipu's documented limits on amounts, fail naming the field before anything is sent.

use std::collections::BTreeMap;

use khipu_types::Amount;
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::{Context, Error};

/// The most significant digits an amount may have: Khipu reads amounts as IEEE doubles
/// (`format: double`), which carry 15 exactly.
const AMOUNT_DIGITS: usize = 15;

/// The most decimal places Khipu takes ("hasta 4 lugares decimales", its documents say).
const AMOUNT_DECIMALS: u64 = 4;

/// Refuses, before anything is sent, an amount Khipu's documented limits do not allow: zero or
/// less, more than 4 decimal places, or more digits than Khipu's doubles carry exactly.
pub(crate) fn check_amount(context: &Context, field: &str, amount: &Amount) -> Result<(), Error> {
    let refused = |reason: String| Error::InvalidRequest {
        context: context.clone(),
        field: field.to_owned(),
        reason,
    };
    if !amount.is_positive() {
        return Err(refused(format!("is {amount}; it must be more than 0")));
    }
    if amount.decimal_places() > AMOUNT_DECIMALS {
        return Err(refused(format!(
            "{amount} has {} decimal places; Khipu takes at most {AMOUNT_DECIMALS}",
            amount.decimal_places()
        )));
    }
    let digits = amount.significant_digits();
    if digits > AMOUNT_DIGITS {
        return Err(refused(format!(
            "{amount} has {digits} significant digits; Khipu carries at most {AMOUNT_DIGITS} exactly"
        )));
    }
    Ok(())
}

/// `request` as the generated body type `T`, through JSON text (so amounts keep their digits):
/// what `T`'s constraints refuse, and what `T` would silently drop, fail naming the field.
pub(crate) fn to_body<R: Serialize, T: DeserializeOwned + Serialize>(
    request: &R,
    context: &Context,
) -> Result<T, Error> {
    let refused = |field: String, reason: String| Error::InvalidRequest {
        context: context.clone(),
        field,
        reason,
    };
    let unwritable =
        |e: serde_json::Error| refused("request".into(), format!("cannot be written: {e}"));
    let given = serde_json::to_string(request).map_err(unwritable)?;
    // Open enums refuse here what the spec does not list (`clp`): Khipu would answer 400.
    let typed: T = khipu_types::refuse_unknown(|| {
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&given))
    })
    .map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        match missing_field(&inner) {
            // serde names a missing field in its message, at its parent's path.
            Some(name) if path == "." => refused(name.to_owned(), "is required".into()),
            Some(name) => refused(format!("{path}.{name}"), "is required".into()),
            None => refused(path, format!("is refused: {inner}")),
        }
    })?;
    let kept = serde_json::to_string(&typed).map_err(unwritable)?;
    let names = |json: &str| serde_json::from_str::<BTreeMap<String, IgnoredAny>>(json).ok();
    if let (Some(given), Some(kept)) = (names(&given), names(&kept))
        && let Some(dropped) = given.keys().find(|k| !kept.contains_key(*k))
    {
        return Err(refused(
            dropped.clone(),
            format!("is not a field of {}", context.api),
        ));
    }
    Ok(typed)
}

/// The field serde's "missing field `name`" message names.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// A merchant id for a path the documents type as `number`: ids are whole and far below 2^53,
/// where an `f64` is exact, which this check keeps true.
#[cfg_attr(
    not(any(feature = "payments-v3-0", feature = "payments-v2-0")),
    allow(
        dead_code,
        reason = "only the payments clients send ids typed as numbers"
    )
)]
pub(crate) fn whole_id(context: &Context, id: u64) -> Result<f64, Error> {
    if id > (1 << 53) {
        return Err(Error::InvalidRequest {
            context: context.clone(),
            field: "id".into(),
            reason: format!("{id} is too large"),
        });
    }
    #[allow(
        clippy::cast_precision_loss,
        reason = "checked above: exact below 2^53"
    )]
    Ok(id as f64)
}

#[cfg(test)]
mod tests {
    use super::missing_field;

    #[test]
    fn a_missing_field_is_named() {
        assert_eq!(
            missing_field("missing field `notify_url` at line 1 column 80"),
            Some("notify_url")
        );
        assert_eq!(missing_field("invalid type: string"), None);
    }
}
