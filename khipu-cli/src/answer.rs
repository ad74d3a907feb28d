//! Printing one API answer: its JSON text exactly as decoded (`--output json`), or one
//! `field  value` line per field for people, with text from the server sanitized.

use std::collections::BTreeMap;

use khipu::display::sanitize;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::Failure;
use crate::stdout::outln;

/// An answer as pretty JSON text, exactly as decoded: amounts keep their digits (never through
/// `serde_json::Value`, whose numbers are `f64`).
pub fn value<T: Serialize>(answer: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(answer)
        .map_err(|e| Failure::Rejected(format!("cannot print the answer: {e}")))
}

/// An object's fields by name, each value's JSON text as it is.
pub type Fields = BTreeMap<String, Box<RawValue>>;

/// A value's JSON text as a person reads it: a string without its quotes, anything else as is.
pub fn text(raw: &RawValue) -> String {
    let json = raw.get();
    match serde_json::from_str::<String>(json) {
        Ok(s) => s,
        Err(_) if json == "null" => String::new(),
        Err(_) => json.to_owned(),
    }
}

/// One object's JSON text: as it is, or one `field  value` line per field.
pub fn show(answer: &str, json: bool) -> Result<(), Failure> {
    let fields: Option<Fields> = (!json).then(|| serde_json::from_str(answer).ok()).flatten();
    let Some(fields) = fields else {
        outln!("{answer}");
        return Ok(());
    };
    let width = fields.keys().map(String::len).max().unwrap_or(0);
    for (k, v) in &fields {
        outln!("{k:<width$}  {}", sanitize(&text(v)));
    }
    Ok(())
}
