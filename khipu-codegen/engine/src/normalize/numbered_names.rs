//! Khipu's exporter names a schema again with a number when a name repeats: the success answer
//! of `postPayment` is `payment-post-payment-2`, beside its request `payment-post-payment`, and
//! progenitor would call it `PaymentPostPayment2`. The rule: a numbered component schema
//! (`…-<digits>`) that is exactly one operation's success body, and referred to nowhere else, is
//! renamed after that role, `<operationId>-response` (`PostPaymentResponse`). A numbered schema
//! with any other use keeps its name, and a warning says why.

use serde_json::{Value, json};

use super::{Doc, Log, PassError, component_schemas};
use crate::doc::{body_schema, refs_mut, success};
use crate::pointer::Pointer;

const PREFIX: &str = "#/components/schemas/";

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let numbered: Vec<String> = component_schemas(doc)
        .keys()
        .filter(|name| numbered(name))
        .cloned()
        .collect();
    for name in numbered {
        let at = Pointer::root()
            .push("components")
            .push("schemas")
            .push(name.as_str());
        let target = format!("{PREFIX}{name}");
        let mut uses = 0;
        refs_mut(doc, &mut |r| uses += usize::from(*r == target));
        let answering: Vec<String> = crate::walk::operations(doc)
            .into_iter()
            .map(|(_, _, op, _)| op)
            .filter(|op| {
                success(doc, op)
                    .and_then(|(_, response)| body_schema(response))
                    .is_some_and(|schema| *schema == json!({ "$ref": target }))
            })
            .filter_map(|op| op.get("operationId").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        let [operation] = &answering[..] else {
            log.warn(
                &at,
                format!("kept: the success body of {} operations", answering.len()),
            );
            continue;
        };
        if uses != 1 {
            log.warn(&at, format!("kept: referred to {uses} times"));
            continue;
        }
        let renamed = format!("{operation}-response");
        let schemas = component_schemas(doc);
        if schemas.contains_key(&renamed) {
            log.warn(&at, format!("kept: `{renamed}` exists"));
            continue;
        }
        if let Some(schema) = schemas.remove(&name) {
            schemas.insert(renamed.clone(), schema);
        }
        let new = format!("{PREFIX}{renamed}");
        refs_mut(doc, &mut |r| {
            if *r == target {
                r.clone_from(&new);
            }
        });
        log.fix(
            &at,
            format!("renamed `{renamed}`: the success body of {operation}"),
        );
    }
    Ok(())
}

/// `payment-post-payment-2`: a name ending in a dash and digits.
fn numbered(name: &str) -> bool {
    name.rsplit_once('-').is_some_and(|(stem, n)| {
        !stem.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::run_idempotent;
    use serde_json::json;

    fn answering(schema: &str) -> serde_json::Value {
        json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    #[test]
    fn a_numbered_success_body_is_named_after_its_operation_and_other_uses_keep_theirs() {
        let mut doc = json!({
            "paths": {
                "/v3/payments": {"post": {"operationId": "postPayment",
                    "requestBody": answering("payment-post-payment"),
                    "responses": {"200": answering("payment-post-payment-2")}}},
                "/v3/a": {"get": {"operationId": "getA", "responses": {"200": answering("shared-2")}}},
                "/v3/b": {"get": {"operationId": "getB", "responses": {"200": answering("shared-2")}}}
            },
            "components": {"schemas": {
                "payment-post-payment": {"type": "object"},
                "payment-post-payment-2": {"type": "object"},
                "shared-2": {"type": "object"},
                "v3": {"type": "object"}
            }}
        });
        let report = run_idempotent(super::run, &mut doc);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(schemas.contains_key("postPayment-response"));
        assert!(!schemas.contains_key("payment-post-payment-2"));
        assert!(schemas.contains_key("payment-post-payment") && schemas.contains_key("shared-2"));
        assert_eq!(
            doc["paths"]["/v3/payments"]["post"]["responses"]["200"]["content"]["application/json"]
                ["schema"]["$ref"],
            "#/components/schemas/postPayment-response"
        );
        assert_eq!(report.fixes.len(), 1);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    }
}
