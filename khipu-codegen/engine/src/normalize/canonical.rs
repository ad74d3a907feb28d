//! Canonical types: a bank operation whose response envelope and items fit Khipu's Open Data model
//! returns `khipu_types::banking::*Envelope` directly, so every bank client shares one Rust type
//! per schema and nothing is converted to reach the `Bank` trait.
//!
//! Schemas are recognized by their place in the envelope (`Data.Transaction[]`), never by
//! component names, so a spec that names or inlines them differently still maps. An item fits when
//! every property it declares exists in the canonical model with the same shape and every property
//! the model requires is required by the bank too. One that does not fit keeps its generated types
//! and is named in a warning; it is then not on the `Bank` trait.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::{Doc, Log, PassError, component_schemas, resolve};
use crate::model::{self, CONTAINERS, Container, ENVELOPE_FIELDS, REPLACEMENTS};
use crate::pointer::Pointer;
use crate::walk;

/// The container name of an envelope schema (`Transaction`), if it is one.
fn container_of(doc: &Value, envelope: &Value) -> Option<String> {
    let envelope = resolve(doc, envelope);
    let data = resolve(doc, envelope.get("properties")?.get("Data")?);
    let data = single_all_of(doc, data);
    let props = data.get("properties")?.as_object()?;
    let mut names = props
        .keys()
        .filter(|k| CONTAINERS.iter().any(|c| c.name == k.as_str()));
    let name = names.next()?.clone();
    names.next().is_none().then_some(name)
}

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let snapshot = doc.clone();
    let mut replacements = Map::new();
    for (_, _, op, at) in walk::operations_mut(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let envelope = responses
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .find_map(|(_, r)| crate::doc::body_schema(r))
            .cloned();
        let Some(envelope) = envelope else {
            continue;
        };
        let Some(container) = container_of(&snapshot, &envelope) else {
            continue;
        };
        let Some(known) = Container::named(&container) else {
            continue;
        };
        let rust = known.envelope;
        if let Err((field, why)) = fits(&snapshot, &envelope, &container) {
            log.warn(&at.push("responses"), format!("`{field}` {why}; this operation keeps its own types and is not on the Bank trait"));
            continue;
        }
        let stub = known.stub();
        let reference = json!({ "$ref": format!("#/components/schemas/{stub}") });
        for (code, response) in responses.iter_mut() {
            if !code.starts_with('2') {
                continue;
            }
            if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
                for media in content.values_mut() {
                    media["schema"] = reference.clone();
                }
            }
        }
        replacements.insert(
            stub,
            Value::String(format!("::khipu_types::banking::{rust}")),
        );
        log.fix(
            &at.push("responses"),
            format!("Data.{container} fits the canonical model -> khipu_types::banking::{rust}"),
        );
    }
    replace(doc, log, replacements);
    Ok(())
}

/// Makes each stub component (name -> Rust type) a placeholder the generator replaces with its
/// `khipu_types` type (`x-khipu-replacements`, merged with what an earlier pass recorded), then
/// prunes the models nothing reaches any more. Shared by the canonical response and request passes.
pub(super) fn replace(doc: &mut Value, log: &mut Log, replacements: Map<String, Value>) {
    if replacements.is_empty() {
        return;
    }
    let schemas = component_schemas(doc);
    for stub in replacements.keys() {
        schemas.insert(
            stub.clone(),
            json!({"type": "object", "description": "Replaced by a khipu_types::banking type."}),
        );
    }
    match doc.get_mut(REPLACEMENTS) {
        Some(Value::Object(recorded)) => recorded.extend(replacements),
        _ => doc[REPLACEMENTS] = Value::Object(replacements),
    }
    prune_unreachable(doc, log);
}

/// Why the envelope does not fit the canonical one: (field, reason).
fn fits(doc: &Value, envelope: &Value, container: &str) -> Result<(), (String, String)> {
    let envelope = resolve(doc, envelope);
    let props = envelope
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for name in props.keys() {
        if !ENVELOPE_FIELDS.contains(&name.as_str()) {
            return Err((name.clone(), "is not an envelope field".into()));
        }
    }
    for name in ["OperationId", "Status"] {
        if !props.contains_key(name) {
            return Err((name.into(), "is missing from the envelope".into()));
        }
    }
    for name in ["OperationId", "Status", "AdditionalInformation", "LifeSpan"] {
        if let Some(p) = props.get(name) {
            scalar(doc, p, "string").map_err(|why| (name.to_owned(), why))?;
        }
    }
    if let Some(error) = props.get("Error") {
        let error = single_all_of(doc, resolve(doc, error));
        for (name, p) in error
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !["Code", "Type", "Description"].contains(&name.as_str()) {
                return Err((
                    format!("Error.{name}"),
                    "is not in Khipu's error object".into(),
                ));
            }
            scalar(doc, p, "string").map_err(|why| (format!("Error.{name}"), why))?;
        }
    }
    let data = single_all_of(doc, resolve(doc, &props["Data"]));
    let data_props = data
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let inner = &data_props[container];
    if container == "AccountLink" {
        return scalar(doc, inner, "string").map_err(|why| (format!("Data.{container}"), why));
    }
    let array = resolve(doc, inner);
    if array.get("type").and_then(Value::as_str) != Some("array") {
        return Err((format!("Data.{container}"), "is not an array".into()));
    }
    let canonical = &model::schema()["components"]["schemas"][container];
    compatible(
        doc,
        array.get("items").unwrap_or(&Value::Null),
        model::schema(),
        canonical,
        &format!("Data.{container}[]"),
    )
}

/// The one schema of a one-element `allOf` (resolved), or `schema` itself.
pub(super) fn single_all_of<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([one]) => resolve(doc, one),
        _ => schema,
    }
}

fn scalar(doc: &Value, schema: &Value, ty: &str) -> Result<(), String> {
    let schema = single_all_of(doc, resolve(doc, schema));
    match schema.get("type").and_then(Value::as_str) {
        Some(t) if t == ty => Ok(()),
        None if schema.get("properties").is_none() => Ok(()),
        other => Err(format!(
            "is {} where the model has {ty}",
            other.unwrap_or("an object")
        )),
    }
}

/// Whether the bank's schema `b` (in `doc`) fits the canonical schema `c` (in `model`).
fn compatible(
    doc: &Value,
    b: &Value,
    model: &Value,
    c: &Value,
    at: &str,
) -> Result<(), (String, String)> {
    let b = single_all_of(doc, resolve(doc, b));
    let c = single_all_of(model, resolve(model, c));
    let ty = |s: &Value| {
        s.get("type")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| s.get("properties").map(|_| "object".into()))
    };
    match (ty(b).as_deref(), ty(c).as_deref()) {
        (_, None) => Ok(()),
        (Some("object"), Some("object")) => {
            let c_props = c.get("properties").and_then(Value::as_object);
            for (name, bp) in b
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let Some(cp) = c_props.and_then(|p| p.get(name)) else {
                    return Err((
                        format!("{at}.{name}"),
                        "is not in the canonical model".into(),
                    ));
                };
                compatible(doc, bp, model, cp, &format!("{at}.{name}"))?;
            }
            let b_required: BTreeSet<&str> = names(b.get("required"));
            for needed in names(c.get("required")) {
                if !b_required.contains(needed) {
                    return Err((
                        format!("{at}.{needed}"),
                        "is optional here but required by the canonical model".into(),
                    ));
                }
            }
            Ok(())
        }
        (Some("array"), Some("array")) => compatible(
            doc,
            b.get("items").unwrap_or(&Value::Null),
            model,
            c.get("items").unwrap_or(&Value::Null),
            &format!("{at}[]"),
        ),
        (Some("integer"), Some("number")) => Ok(()),
        (Some(x), Some(y)) if x == y => Ok(()),
        (x, Some(y)) => Err((
            at.to_owned(),
            format!(
                "is {} where the canonical model has {y}",
                x.unwrap_or("untyped")
            ),
        )),
    }
}

/// The strings of a JSON list (`required`), or none.
pub(super) fn names(list: Option<&Value>) -> BTreeSet<&str> {
    list.and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Removes the component schemas nothing reaches from the operations any more (the models the
/// canonical types replaced), so no code is generated for them.
fn prune_unreachable(doc: &mut Value, log: &mut Log) {
    let reachable = crate::doc::RefGraph::of(doc).reachable();
    let schemas = component_schemas(doc);
    let unreachable: Vec<String> = schemas
        .keys()
        .filter(|k| !reachable.contains(*k))
        .cloned()
        .collect();
    for name in unreachable {
        schemas.remove(&name);
        log.fix(
            &Pointer::root()
                .push("components")
                .push("schemas")
                .push(name.as_str()),
            "removed: replaced by the canonical model",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::run_idempotent;
    use serde_json::{Value, json};

    fn bank(items: Value) -> Value {
        json!({
            "paths": {"/v1/cl/banking/personal/x.cl/current/balances": {"post": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}},
                "202": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}
            }}}},
            "components": {"schemas": {
                "R": {"type": "object", "properties": {
                    "OperationId": {"type": "string"}, "Status": {"type": "string"},
                    "Data": {"type": "object", "nullable": true, "properties": {"Balance": {"type": "array", "items": items}}},
                    "Error": {"type": "object", "properties": {"Code": {"type": "string"}, "Type": {"type": "string"}}},
                    "LifeSpan": {"type": "string"}
                }},
                "Amount": {"type": "object", "required": ["Amount", "Currency"], "properties": {"Amount": {"type": "integer"}, "Currency": {"type": "string"}}}
            }}
        })
    }

    fn balance() -> Value {
        json!({"type": "object", "required": ["AccountId", "CreditDebitIndicator", "DateTime", "Type", "Amount"], "properties": {
            "AccountId": {"type": "string"}, "CreditDebitIndicator": {"type": "string"}, "DateTime": {"type": "string"},
            "Type": {"type": "string"}, "Amount": {"type": "array", "items": {"$ref": "#/components/schemas/Amount"}}
        }})
    }

    #[test]
    fn a_fitting_envelope_becomes_the_canonical_type_whatever_its_names() {
        let mut doc = bank(balance());
        let report = run_idempotent(super::run, &mut doc);
        let op =
            &doc["paths"]["/v1/cl/banking/personal/x.cl/current/balances"]["post"]["responses"];
        let stub = json!({"$ref": "#/components/schemas/KhipuCanonicalBalancesEnvelope"});
        assert_eq!(op["200"]["content"]["application/json"]["schema"], stub);
        assert_eq!(op["202"]["content"]["application/json"]["schema"], stub);
        assert_eq!(
            doc["x-khipu-replacements"]["KhipuCanonicalBalancesEnvelope"],
            "::khipu_types::banking::BalancesEnvelope"
        );
        let remaining: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            remaining,
            ["KhipuCanonicalBalancesEnvelope"],
            "R and Amount are pruned"
        );
        assert!(report.warnings.is_empty());
    }

    #[test]
    fn an_unknown_field_keeps_the_banks_own_types_with_a_warning() {
        let mut items = balance();
        items["properties"]["Overdraft"] = json!({"type": "string"});
        let mut doc = bank(items);
        let report = run_idempotent(super::run, &mut doc);
        assert!(doc.get("x-khipu-replacements").is_none());
        assert_eq!(report.warnings.len(), 1);
        assert!(
            report.warnings[0]
                .message
                .contains("`Data.Balance[].Overdraft` is not in the canonical model"),
            "{}",
            report.warnings[0].message
        );
    }

    #[test]
    fn a_required_canonical_field_left_optional_does_not_fit() {
        let mut items = balance();
        items["required"] = json!(["AccountId"]);
        let mut doc = bank(items);
        let report = run_idempotent(super::run, &mut doc);
        assert!(
            report.warnings[0]
                .message
                .contains("` is optional here but required by the canonical model"),
            "{}",
            report.warnings[0].message
        );
    }
}
