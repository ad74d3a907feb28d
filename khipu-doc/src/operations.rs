//! Every operation of a document, the one way the generator and the sandbox both find them: each
//! path item's keys that are HTTP methods, in document order.

use serde_json::{Map, Value};

use crate::Pointer;

/// HTTP methods that name operations in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation: (path, method, operation object, pointer).
pub fn operations_mut(
    doc: &mut Value,
) -> Vec<(String, &'static str, &mut Map<String, Value>, Pointer)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let at = Pointer::root().push("paths").push(path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, op) in item.iter_mut() {
                let Some(method) = METHODS.iter().find(|m| **m == key.as_str()) else {
                    continue;
                };
                if let Some(op) = op.as_object_mut() {
                    out.push((path.clone(), *method, op, at.push(*method)));
                }
            }
        }
    }
    out
}

/// Every operation, read-only: `(path, method, operation, pointer)`, in document order.
pub fn operations(doc: &Value) -> Vec<(String, &'static str, &Map<String, Value>, Pointer)> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = Pointer::root().push("paths").push(path);
        for (key, op) in item.as_object().into_iter().flatten() {
            if let (Some(method), Some(op)) =
                (METHODS.iter().find(|m| **m == key.as_str()), op.as_object())
            {
                out.push((path.clone(), *method, op, at.push(*method)));
            }
        }
    }
    out
}
