//! Canonical request bodies: a bank operation whose JSON body fits Khipu's request model takes
//! `khipu_types::banking::RequestBody` (or `AccountLinkRequest`), so every bank client shares one
//! request type and its credential objects instead of generating its own copies.
//!
//! Bodies are recognized by place (the JSON request body of a bank operation) and shape, never by
//! component name:
//!
//! | body                                                        | becomes               |
//! |-------------------------------------------------------------|-----------------------|
//! | `RequestData` (+ optional string `CallbackUrl`), nothing else; every `RequestData` property a string parameter the model knows (`AccountNumber`, `LastDigits`, `Currency`, `BookingDate*`) or an object-shaped `AccountCredential` (one object, or `oneOf`/`anyOf` of objects) | `RequestBody` |
//! | exactly `Username` and `Password`, both required strings     | `AccountLinkRequest`  |
//! | anything else                                                | the bank's own types (a warning when it has `RequestData`) |
//!
//! The limits the bank puts on each parameter (required, lengths, pattern) are not carried by the
//! shared type. They stay in the module's `INFO` (read from the document before this pass) and
//! the generated client checks each request against them before sending it.

use serde_json::{Map, Value, json};

use super::canonical::{names, replace, single_all_of};
use super::{Doc, Log, PassError, resolve};
use crate::model::{ACCOUNT_LINK_REQUEST, KNOWN_PARAMS, REQUEST_BODIES, REQUEST_BODY, SharedBody};
use crate::walk;

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let snapshot = doc.clone();
    let mut replacements = Map::new();
    for (_, _, op, at) in walk::operations_mut(doc) {
        let Some(body) = op.get("requestBody") else {
            continue;
        };
        let body = resolve(&snapshot, body);
        let Some(schema) = json_schema(body) else {
            continue;
        };
        if schema
            .get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| REQUEST_BODIES.iter().any(|(stub, _)| r.ends_with(stub)))
        {
            continue;
        }
        let at = at.push("requestBody");
        let (stub, rust) = match classify(&snapshot, schema) {
            Ok(shared) => shared,
            Err(Some(why)) => {
                log.warn(
                    &at,
                    format!("{why}; this operation keeps its own request types"),
                );
                continue;
            }
            Err(None) => continue,
        };
        let mut body = body.clone();
        if let Some(media) = body
            .get_mut("content")
            .and_then(|c| c.get_mut("application/json"))
        {
            media["schema"] = json!({ "$ref": format!("#/components/schemas/{stub}") });
        }
        op.insert("requestBody".into(), body);
        log.fix(
            &at,
            format!("the body fits Khipu's request model -> {rust}"),
        );
        replacements.insert(stub.to_owned(), Value::String(rust.to_owned()));
    }
    replace(doc, log, replacements);
    Ok(())
}

fn json_schema(body: &Value) -> Option<&Value> {
    let content = body.get("content")?.as_object()?;
    // Only a body sent as JSON alone: a shared type cannot also be a form.
    match content.len() {
        1 => content.get("application/json")?.get("schema"),
        _ => None,
    }
}

/// Which shared body `schema` is: `Ok((stub, rust))`, `Err(Some(why))` for a data request that does not
/// fit, `Err(None)` for a body that is not shaped like one at all.
fn classify(doc: &Value, schema: &Value) -> Result<SharedBody, Option<String>> {
    let schema = object(doc, schema).ok_or(None)?;
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or(None)?;
    if let Some(data) = props.get("RequestData") {
        data_request(doc, props, data).map_err(Some)?;
        return Ok(REQUEST_BODY);
    }
    let required = names(schema.get("required"));
    let login = props.len() == 2
        && ["Username", "Password"]
            .iter()
            .all(|n| props.get(*n).is_some_and(|p| string(doc, p)) && required.contains(n));
    if login {
        Ok(ACCOUNT_LINK_REQUEST)
    } else {
        Err(None)
    }
}

fn data_request(doc: &Value, props: &Map<String, Value>, data: &Value) -> Result<(), String> {
    for (name, p) in props {
        match name.as_str() {
            "RequestData" => {}
            "CallbackUrl" if string(doc, p) => {}
            "CallbackUrl" => return Err("`CallbackUrl` is not a string".into()),
            other => return Err(format!("the body has `{other}` beside `RequestData`")),
        }
    }
    let data = object(doc, data).ok_or("`RequestData` is not an object")?;
    if data
        .get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false))
    {
        return Err("`RequestData` takes additional properties".into());
    }
    for (name, p) in data
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if name == "AccountCredential" {
            if !credential(doc, p) {
                return Err("`RequestData.AccountCredential` is not a credential object".into());
            }
        } else if !KNOWN_PARAMS.contains(&name.as_str()) {
            return Err(format!(
                "`RequestData.{name}` is not in Khipu's request model"
            ));
        } else if !string(doc, p) {
            return Err(format!("`RequestData.{name}` is not a string"));
        }
    }
    Ok(())
}

/// An object schema (through `$ref` and a one-element `allOf`), if it is one.
fn object<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let schema = single_all_of(doc, resolve(doc, schema));
    let typed = schema.get("type").and_then(Value::as_str);
    (typed == Some("object") || (typed.is_none() && schema.get("properties").is_some()))
        .then_some(schema)
}

fn string(doc: &Value, schema: &Value) -> bool {
    resolve(doc, schema).get("type").and_then(Value::as_str) == Some("string")
}

/// One credential object, or a choice of them (`oneOf`/`anyOf`).
fn credential(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    let branches = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array));
    match branches {
        Some(branches) => !branches.is_empty() && branches.iter().all(|b| object(doc, b).is_some()),
        None => object(doc, schema).is_some(),
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::run_idempotent;
    use serde_json::{Value, json};

    fn bank(body: Value) -> Value {
        json!({
            "paths": {"/v1/cl/banking/personal/x.cl/balances": {"post": {
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "Link": {"type": "object", "required": ["AccountLink"], "properties": {"AccountLink": {"type": "string"}}},
                "Login": {"type": "object", "properties": {"Username": {"type": "string"}, "Password": {"type": "string", "format": "password"}}}
            }}
        })
    }

    fn data_request(extra: Value) -> Value {
        let mut data = json!({"type": "object", "required": ["AccountNumber"], "properties": {
            "AccountNumber": {"type": "string", "maxLength": 20},
            "AccountCredential": {"oneOf": [{"$ref": "#/components/schemas/Link"}, {"$ref": "#/components/schemas/Login"}]}
        }});
        if let Value::Object(extra) = extra {
            for (k, v) in extra {
                data["properties"][k] = v;
            }
        }
        json!({"type": "object", "required": ["RequestData"], "properties": {
            "RequestData": data,
            "CallbackUrl": {"type": "string", "maxLength": 255}
        }})
    }

    fn body_schema(doc: &Value) -> &Value {
        &doc["paths"]["/v1/cl/banking/personal/x.cl/balances"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]
    }

    #[test]
    fn a_data_request_becomes_the_shared_body_and_its_credentials_are_pruned() {
        let mut doc = bank(data_request(json!({})));
        let report = run_idempotent(super::run, &mut doc);
        assert_eq!(
            body_schema(&doc),
            &json!({"$ref": "#/components/schemas/KhipuCanonicalRequestBody"})
        );
        assert_eq!(
            doc["x-khipu-replacements"]["KhipuCanonicalRequestBody"],
            "::khipu_types::banking::RequestBody"
        );
        let left: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            left,
            ["KhipuCanonicalRequestBody"],
            "Link and Login are pruned"
        );
        assert!(report.warnings.is_empty());
    }

    #[test]
    fn a_login_body_becomes_the_account_link_request() {
        let mut doc = bank(
            json!({"type": "object", "required": ["Username", "Password"], "properties": {
                "Username": {"type": "string", "maxLength": 12}, "Password": {"type": "string"}
            }}),
        );
        run_idempotent(super::run, &mut doc);
        assert_eq!(
            body_schema(&doc),
            &json!({"$ref": "#/components/schemas/KhipuCanonicalAccountLinkRequest"})
        );
    }

    #[test]
    fn a_parameter_outside_the_model_keeps_the_banks_types_with_a_warning() {
        let mut doc = bank(data_request(json!({"Branch": {"type": "string"}})));
        let report = run_idempotent(super::run, &mut doc);
        assert!(body_schema(&doc)["type"] == "object", "left as it was");
        assert!(doc.get("x-khipu-replacements").is_none());
        assert!(
            report.warnings[0]
                .message
                .contains("`RequestData.Branch` is not in Khipu's request model"),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn a_parameter_of_another_type_does_not_fit() {
        let mut doc = bank(data_request(json!({"Currency": {"type": "integer"}})));
        let report = run_idempotent(super::run, &mut doc);
        assert!(
            report.warnings[0]
                .message
                .contains("`RequestData.Currency` is not a string")
        );
    }

    #[test]
    fn other_bodies_are_left_alone() {
        let mut doc = bank(json!({"type": "object", "properties": {"Amount": {"type": "number"}}}));
        let report = run_idempotent(super::run, &mut doc);
        assert!(report.fixes.is_empty() && report.warnings.is_empty());
    }
}
