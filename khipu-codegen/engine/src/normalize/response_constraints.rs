//! typify turns `maxLength`/`minLength`/`pattern` into validating newtypes, and responses are
//! validated when decoded: a bank that sends a 37-character OperationId would make the whole reply
//! undecodable. Limits are the server's promise about what it accepts, not a reason to reject what
//! it sends, so they are dropped from every schema a response can reach. Request schemas keep them.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Doc, Log, PassError};
use crate::pointer::Pointer;
use crate::walk::{self, Site};

const LIMITS: [&str; 3] = ["maxLength", "minLength", "pattern"];

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let from_responses = reachable(doc, Site::Response);
    let from_requests = reachable(doc, Site::Request);
    for shared in from_responses.intersection(&from_requests) {
        log.warn(
            &Pointer::root()
                .push("components")
                .push("schemas")
                .push(shared.as_str()),
            "used by requests and responses: its length and pattern limits are dropped for both",
        );
    }
    walk::schemas(doc, &mut |schema, at, site| {
        let in_response = match site {
            Site::Response => true,
            Site::Request => false,
            Site::Component => at
                .tokens()
                .get(2)
                .is_some_and(|name| from_responses.contains(name)),
        };
        if in_response {
            let dropped: Vec<&str> = LIMITS
                .into_iter()
                .filter(|k| schema.remove(*k).is_some())
                .collect();
            if !dropped.is_empty() {
                log.fix(at, format!("dropped {}", dropped.join(", ")));
            }
        }
        Ok(())
    })
}

/// Names of the component schemas reachable from schemas at `site`, following `$ref`s.
fn reachable(doc: &mut Value, site: Site) -> BTreeSet<String> {
    let mut direct = Vec::new();
    let _ = walk::schemas(doc, &mut |schema, _, s| {
        if s == site
            && let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(crate::doc::schema_name)
        {
            direct.push(name);
        }
        Ok(())
    });
    let mut seen = BTreeSet::new();
    while let Some(name) = direct.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(schema) = doc.pointer_mut(&format!(
            "/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        )) else {
            continue;
        };
        let _ = walk::schema_tree(schema, &Pointer::root(), site, &mut |s, _, _| {
            if let Some(n) = s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(crate::doc::schema_name)
            {
                direct.push(n);
            }
            Ok(())
        });
    }
    seen
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::run_idempotent;
    use serde_json::json;

    #[test]
    fn drops_limits_reachable_from_responses_only() {
        let mut doc = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "OperationId": {"type": "string", "maxLength": 36},
                    "Item": {"$ref": "#/components/schemas/Item"}
                }}}}}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "object", "properties": {"AccountNumber": {"type": "string", "maxLength": 20}}},
                "Item": {"type": "object", "properties": {"Amount": {"$ref": "#/components/schemas/Amount"}}},
                "Amount": {"type": "object", "properties": {"Currency": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3}}}
            }}
        });
        let report = run_idempotent(super::run, &mut doc);
        assert_eq!(report.fixes.len(), 2);
        assert!(report.warnings.is_empty());
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Amount"]["properties"]["Currency"],
            json!({"type": "string"}),
            "reached through two $refs"
        );
        assert_eq!(
            schemas["Req"]["properties"]["AccountNumber"]["maxLength"], 20,
            "requests keep their limits"
        );
    }
}
