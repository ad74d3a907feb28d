//! progenitor drops `deprecated`; Khipu deprecates whole operations (Account Link) and fields
//! (AccountCredential), and users must see that in the docs of the generated code.

use serde_json::{Map, Value};

use super::{Doc, Log, PassError};
use crate::walk;

const MARK: &str = "**Deprecated by Khipu.**";

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    for (_, _, op, at) in walk::operations_mut(doc) {
        if mark(op, "description") {
            log.fix(&at, "deprecated operation: noted in its docs");
        }
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for (i, p) in params.iter_mut().enumerate() {
                if let Some(p) = p.as_object_mut()
                    && mark(p, "description")
                {
                    log.fix(
                        &at.push("parameters").push(i.to_string()),
                        "deprecated parameter: noted in its docs",
                    );
                }
            }
        }
    }
    walk::schemas(doc, &mut |schema, at, _| {
        if mark(schema, "description") {
            log.fix(at, "deprecated schema: noted in its docs");
        }
        Ok(())
    })
}

/// Prefixes the description of a deprecated item with the mark, once.
fn mark(item: &mut Map<String, Value>, field: &str) -> bool {
    if item.get("deprecated") != Some(&Value::Bool(true)) {
        return false;
    }
    let text = item.get(field).and_then(Value::as_str).unwrap_or_default();
    if text.starts_with(MARK) {
        return false;
    }
    let marked = if text.is_empty() {
        MARK.to_owned()
    } else {
        format!("{MARK}\n\n{text}")
    };
    item.insert(field.into(), Value::String(marked));
    true
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::run_idempotent;
    use serde_json::json;

    #[test]
    fn marks_operations_and_fields() {
        let mut doc = json!({
            "paths": {"/token": {"post": {"deprecated": true, "description": "Account Link", "responses": {}}}},
            "components": {"schemas": {"R": {"properties": {"AccountCredential": {"deprecated": true, "oneOf": []}}}}}
        });
        let report = run_idempotent(super::run, &mut doc);
        assert_eq!(report.fixes.len(), 2);
        assert!(
            doc["paths"]["/token"]["post"]["description"]
                .as_str()
                .unwrap()
                .starts_with("**Deprecated")
        );
        assert!(
            doc["paths"]["/token"]["post"]["description"]
                .as_str()
                .unwrap()
                .ends_with("Account Link")
        );
        assert_eq!(
            doc["components"]["schemas"]["R"]["properties"]["AccountCredential"]["description"],
            "**Deprecated by Khipu.**"
        );
    }
}
