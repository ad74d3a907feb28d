//! Per-spec overlays: what a maintainer knows about an API that its published document does not
//! say, kept next to the document instead of edited into it.
//!
//! `specs/payments/v3.0.json` stays byte for byte as Khipu publishes it; `v3.0.overlay.yaml` beside
//! it declares the error body Khipu really sends and relaxes `required` fields a pending payment
//! does not carry. The file is an [OpenAPI Overlay 1.0] document, so other tools read it too:
//!
//! ```yaml
//! overlay: 1.0.0
//! info: {title: What Khipu's v3.0 document does not say, version: 1.0.0}
//! actions:
//!   - target: $.components.schemas               # RFC 9535 JSONPath
//!     description: why (required: every action says where its fact comes from)
//!     update: {khipu-error: {type: object}}       # merged into every node the target selects
//!   - target: $.components.schemas.x.required[?@ == 'bank']
//!     remove: true                                # removes every node the target selects
//! ```
//!
//! Rules, applied in order, before normalization:
//! - `update` merges objects key by key (recursively), appends to arrays and replaces anything
//!   else, as the Overlay specification says;
//! - an action whose target selects nothing is an error naming the overlay and the action: the
//!   document changed under it, and the maintainer must look;
//! - every action needs a `description`, so the generated code's provenance is never a mystery.
//!
//! [OpenAPI Overlay 1.0]: https://spec.openapis.org/overlay/v1.0.0.html

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::SpecError;

/// File name suffix of an overlay (`v3.0.overlay.yaml` overlays `v3.0.json`).
pub const SUFFIX: &str = ".overlay.yaml";

/// `true` for an overlay file (which is not a spec of its own).
pub fn is_overlay(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(SUFFIX))
}

/// The overlay that belongs to `spec`, if one exists: same folder, same stem.
pub fn for_spec(spec: &Path) -> Option<PathBuf> {
    let stem = spec.file_stem()?.to_str()?;
    let candidate = spec.with_file_name(format!("{stem}{SUFFIX}"));
    candidate.is_file().then_some(candidate)
}

/// Applies the overlay document `overlay` (named `name` in messages) to `doc`; returns how many
/// actions it applied.
pub fn apply(doc: &mut Value, overlay: &Value, name: &str) -> Result<usize, SpecError> {
    let fail = |at: String, message: String| SpecError::new(name, at, message);
    match overlay.get("overlay").and_then(Value::as_str) {
        Some(v) if v.starts_with("1.") => {}
        Some(v) => {
            return Err(fail(
                "#/overlay".into(),
                format!("overlay version `{v}` is not supported (1.x is)"),
            ));
        }
        None => {
            return Err(fail(
                "#/overlay".into(),
                "missing `overlay: 1.0.0`: this is not an OpenAPI Overlay document".into(),
            ));
        }
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(fail(
            "#/actions".into(),
            "`actions` must be a list of actions".into(),
        ));
    };
    for (i, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{i}");
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            return Err(fail(format!("{at}/target"), "missing `target`".into()));
        };
        if action
            .get("description")
            .and_then(Value::as_str)
            .is_none_or(|d| d.trim().is_empty())
        {
            return Err(fail(
                format!("{at}/description"),
                "every action says why it is there (`description`)".into(),
            ));
        }
        let path = JsonPath::parse(target).map_err(|e| {
            fail(
                format!("{at}/target"),
                format!("`{target}` is not a JSONPath: {e}"),
            )
        })?;
        // Pointers in document order; removing from the last keeps earlier array indexes valid.
        let pointers: Vec<String> = path
            .query_located(doc)
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            return Err(fail(
                format!("{at}/target"),
                format!(
                    "`{target}` selects nothing in the spec: the document changed under this overlay"
                ),
            ));
        }
        let remove = action.get("remove") == Some(&Value::Bool(true));
        match (action.get("update"), remove) {
            (Some(_), true) => {
                return Err(fail(
                    at,
                    "an action either updates or removes, not both".into(),
                ));
            }
            (None, false) => {
                return Err(fail(
                    at,
                    "an action needs `update` or `remove: true`".into(),
                ));
            }
            (None, true) => {
                for pointer in pointers.iter().rev() {
                    remove_at(doc, pointer);
                }
            }
            (Some(update), false) => {
                for pointer in &pointers {
                    if let Some(node) = doc.pointer_mut(pointer) {
                        merge(node, update);
                    }
                }
            }
        }
    }
    Ok(actions.len())
}

fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

/// The Overlay specification's update: objects merge, arrays append, the rest is replaced.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(into), Value::Object(from)) => merge_maps(into, from),
        (Value::Array(into), Value::Array(from)) => into.extend(from.iter().cloned()),
        (Value::Array(into), other) => into.push(other.clone()),
        (node, other) => *node = other.clone(),
    }
}

fn merge_maps(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        match into.get_mut(key) {
            Some(existing) => merge(existing, value),
            None => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn updates_merge_and_removes_take_out_every_match() {
        let mut doc = json!({"components": {"schemas": {
            "p": {"required": ["a", "bank", "b", "bank_id"], "properties": {"a": {}}}}}});
        let o = overlay(json!([
            {"target": "$.components.schemas.p.required[?@ == 'bank' || @ == 'bank_id']",
             "description": "pending payments lack them", "remove": true},
            {"target": "$.components.schemas", "description": "error body",
             "update": {"err": {"type": "object"}, "p": {"properties": {"c": {"type": "string"}}}}}
        ]));
        assert_eq!(apply(&mut doc, &o, "x.overlay.yaml").unwrap(), 2);
        assert_eq!(
            doc["components"]["schemas"]["p"]["required"],
            json!(["a", "b"])
        );
        assert_eq!(doc["components"]["schemas"]["err"]["type"], "object");
        assert_eq!(
            doc["components"]["schemas"]["p"]["properties"],
            json!({"a": {}, "c": {"type": "string"}})
        );
    }

    #[test]
    fn wildcards_reach_every_operation() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"responses": {"400": {"description": "x"}}}},
            "/b": {"post": {"responses": {"400": {"description": "y"}, "200": {}}}}}});
        let o = overlay(json!([{"target": "$.paths.*.*.responses['400']",
            "description": "d", "update": {"content": {"application/json": {}}}}]));
        apply(&mut doc, &o, "o").unwrap();
        assert!(doc["paths"]["/a"]["get"]["responses"]["400"]["content"].is_object());
        assert!(doc["paths"]["/b"]["post"]["responses"]["400"]["content"].is_object());
        assert!(
            doc["paths"]["/b"]["post"]["responses"]["200"]
                .get("content")
                .is_none()
        );
    }

    #[test]
    fn a_target_that_selects_nothing_names_the_action() {
        let mut doc = json!({"paths": {}});
        let o = overlay(
            json!([{"target": "$.components.schemas.gone", "description": "d", "remove": true}]),
        );
        let err = apply(&mut doc, &o, "specs/p/v3.0.overlay.yaml").unwrap_err();
        assert_eq!(err.location, "#/actions/0/target");
        assert!(err.to_string().contains("selects nothing"), "{err}");
    }

    #[test]
    fn refuses_malformed_overlays() {
        let mut doc = json!({});
        for (o, at) in [
            (json!({"actions": []}), "#/overlay"),
            (
                overlay(json!([{"target": "$$", "description": "d", "remove": true}])),
                "#/actions/0/target",
            ),
            (
                overlay(json!([{"target": "$", "remove": true}])),
                "#/actions/0/description",
            ),
            (
                overlay(json!([{"target": "$", "description": "d"}])),
                "#/actions/0",
            ),
        ] {
            assert_eq!(apply(&mut doc, &o, "o").unwrap_err().location, at, "{o}");
        }
    }
}
