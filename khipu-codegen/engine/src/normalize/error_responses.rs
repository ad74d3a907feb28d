//! Error answers are read by the runtime, never decoded by generated code.
//!
//! progenitor decodes a declared error body inside the generated `send` and, when that body is not
//! the documented JSON, returns a decoding error that no longer carries the HTTP status. A gateway
//! answering `500` with `<html>Internal Server Error</html>` to a create payment then looks like
//! "cannot decode the answer" instead of a 500, and a write whose outcome is unknown is reported
//! as a client-side problem. Rule: every `4xx`, `5xx` and `default` response is removed from its
//! operation, so the generated client hands any non-success answer back whole
//! (`Error::UnexpectedResponse`) and the runtime maps the status first and reads Khipu's error body
//! only if it decodes. Error schemas in `components/schemas` stay, so their types are still
//! generated for whoever decodes a body by hand. With no error bodies left, an operation's error
//! responses never have to agree on one type either (progenitor's rule for error bodies).

use serde_json::Value;

use super::{Doc, Log, PassError};
use crate::walk;

/// Status keys this pass removes.
fn is_error(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5') || code.eq_ignore_ascii_case("default")
}

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    for (_, _, op, at) in walk::operations_mut(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let removed: Vec<String> = responses
            .keys()
            .filter(|code| is_error(code))
            .cloned()
            .collect();
        for code in &removed {
            responses.remove(code);
        }
        if !removed.is_empty() {
            log.fix(
                &at.push("responses"),
                format!(
                    "{} answered by the runtime (status first, then Khipu's body if it decodes)",
                    removed.join(", ")
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::normalize::testing::run_idempotent;

    #[test]
    fn error_responses_go_and_their_schemas_stay() {
        let mut doc = json!({
            "paths": {"/v3/payments": {"post": {
                "operationId": "postPayment",
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ok"}}}},
                    "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/KhipuError"}}}},
                    "500": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/KhipuError"}}}},
                    "default": {"description": "anything else"}
                }
            }}},
            "components": {"schemas": {"Ok": {"type": "object"}, "KhipuError": {"type": "object"}}}
        });
        let report = run_idempotent(super::run, &mut doc);
        let responses = &doc["paths"]["/v3/payments"]["post"]["responses"];
        assert_eq!(
            responses.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["200"]
        );
        assert!(doc["components"]["schemas"]["KhipuError"].is_object());
        assert_eq!(report.fixes.len(), 1);
        assert!(
            report.fixes[0].what.starts_with("400, 500, default"),
            "{:?}",
            report.fixes
        );
    }

    #[test]
    fn success_only_operations_are_untouched() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {}, "202": {}}}}}});
        let report = run_idempotent(super::run, &mut doc);
        assert!(report.fixes.is_empty());
    }
}
