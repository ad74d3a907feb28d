//! Helpers for the engine's tests that generate whole documents.

use serde_json::{Value, json};

/// `doc` with a server, as every Khipu document has one, unless it names its own.
pub(crate) fn with_server(mut doc: Value) -> Value {
    if let Some(map) = doc.as_object_mut() {
        map.entry("servers")
            .or_insert_with(|| json!([{"url": "https://api.khipu.com"}]));
    }
    doc
}
