//! The public API of one generated client, as data: operations with method, path and capability,
//! and every request and response field flattened to a path (`body.RequestData.AccountNumber`,
//! `body.Data.Transaction[].Amount`) with its type, presence, nullability, enum values and limits.
//!
//! It is read from the document after normalization (so nullability and types are what the
//! generated code has) but before the canonical-types pass replaces bank envelopes (so a bank's
//! own fields are listed, not the stub that stands for `khipu_types`). Fields are flattened
//! through `$ref`, `allOf`, `items` and `additionalProperties`, which makes the summary the same
//! whether a schema is inline or shared. Descriptions, summaries and examples are not listed; each
//! operation carries a short hash of them (`docs`), so a wording change shows as one line.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::auth::{Requirement, Scheme};
use crate::doc::resolve;
use crate::{Client, walk};

/// How deep a schema is followed; deeper parts show as one field of type `object`.
const MAX_DEPTH: usize = 12;

/// The public API of one generated client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiSummary {
    /// The spec file (`specs/banking/cl/personal/bancochile.cl.yaml`).
    pub spec: String,
    /// `bank cl/personal/bancochile.cl` or `payments 3.0`.
    pub api: String,
    /// Rust path below `khipu_generated` (`banking::cl::personal::bancochile`).
    pub module: String,
    /// The cargo feature that compiles it.
    pub feature: String,
    /// `info.version`.
    pub version: String,
    /// How requests authenticate (`bearer`, `header x-api-key`, `khipu-signed`...).
    pub auth: String,
    /// Hash of the document-level texts (title, description).
    pub docs: String,
    /// By operationId (the generated method's name comes from it).
    pub operations: BTreeMap<String, OperationSummary>,
}

/// One operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OperationSummary {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path as in the spec.
    pub path: String,
    /// Marked deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// What it serves on the `Bank` trait (`Transactions`), if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_trait: Option<String>,
    /// Its own authentication, where it differs from the spec's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    /// Hash of its summary, descriptions and examples.
    pub docs: String,
    /// Parameters (`query:limit`) and body fields (`body.RequestData.AccountNumber`).
    pub request: BTreeMap<String, Field>,
    /// The success body's fields (`body.Data.Transaction[].Amount`).
    pub response: BTreeMap<String, Field>,
}

/// One parameter or field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Field {
    /// `string`, `string(date-time)`, `integer(int64)`, `object`, `array`, `any`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Must be present.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Accepts null.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Enum values, sorted.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// `minLength`.
    #[serde(default, rename = "minLength", skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `maxLength`.
    #[serde(default, rename = "maxLength", skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// `pattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `minimum` (exclusive when `exclusiveMinimum` is true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// `maximum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl ApiSummary {
    /// Reads the summary of `doc`, the normalized document before canonical types (see the module
    /// docs). `module` and `feature` are filled in when the crate is laid out.
    pub fn read(doc: &Value, client: &Client) -> Self {
        let docs = text_hash(|h| {
            for key in ["title", "summary", "description"] {
                h.add(&doc["info"][key]);
            }
        });
        let mut operations = BTreeMap::new();
        for (path, method, op, _) in walk::operations(doc) {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let generated = client.operations.iter().find(|o| o.operation_id == id);
            let method = method.to_uppercase();
            let auth = client
                .auth
                .operations
                .iter()
                .find(|(m, p, _)| *m == method && *p == path)
                .map(|(_, _, r)| requirement(r));
            let mut texts = Texts::default();
            for key in ["summary", "description"] {
                texts.add(op.get(key).unwrap_or(&Value::Null));
            }
            let mut request = BTreeMap::new();
            parameters(doc, op, &mut request, &mut texts);
            if let Some(body) = op.get("requestBody").map(|b| resolve(doc, b)) {
                texts.add(body.get("description").unwrap_or(&Value::Null));
                if let Some(schema) = crate::doc::body_schema(body) {
                    let required = body.get("required") == Some(&Value::Bool(true));
                    let mut walk = Flatten::new(doc, &mut request, &mut texts);
                    walk.field("body", schema, required, 0);
                }
            }
            let mut response = BTreeMap::new();
            if let Some((_, body)) = crate::doc::success(doc, op) {
                texts.add(body.get("description").unwrap_or(&Value::Null));
                if let Some(schema) = crate::doc::body_schema(body) {
                    let mut walk = Flatten::new(doc, &mut response, &mut texts);
                    walk.field("body", schema, true, 0);
                }
            }
            // Response limits are not part of the generated API: the response-constraints pass
            // drops them so that a long value never fails a decode.
            for f in response.values_mut() {
                (f.min_length, f.max_length, f.pattern) = (None, None, None);
                (f.minimum, f.maximum) = (None, None);
            }
            operations.insert(
                id,
                OperationSummary {
                    method,
                    path,
                    deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
                    bank_trait: generated
                        .and_then(|g| g.capability.as_ref().ok())
                        .map(|c| c.kind().variant().to_owned()),
                    auth,
                    docs: texts.finish(),
                    request,
                    response,
                },
            );
        }
        Self {
            spec: client.spec.replace('\\', "/"),
            api: match &client.identity {
                crate::Identity::Bank(b) => format!("bank {}", b.id()),
                crate::Identity::Api { family, version } => format!("{family} {version}"),
            },
            module: String::new(),
            feature: String::new(),
            version: client.version.clone(),
            auth: requirement(&client.auth.default),
            docs,
            operations,
        }
    }

    /// The summary as written to disk: JSON, keys sorted, each field on one line.
    pub fn render(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut out = String::new();
        render(&value, 0, &mut out);
        out.push('\n');
        out
    }

    /// Reads a summary written by [`render`](Self::render); `name` is how errors refer to it.
    pub fn parse(text: &str, name: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("{name}: not an API summary ({e})"))
    }
}

/// One line per requirement: `bearer`, `header x-api-key`, `khipu-signed`, `none`; alternatives
/// joined with ` | `, ` (optional)` when `{}` is among them.
fn requirement(r: &Requirement) -> String {
    let mut parts: Vec<String> = r
        .schemes
        .iter()
        .map(|s| match s {
            Scheme::ApiKeyHeader { header, .. } => format!("header {header}"),
            Scheme::Bearer { .. } => "bearer".into(),
            Scheme::KhipuSigned { .. } => "khipu-signed".into(),
        })
        .collect();
    if parts.is_empty() {
        parts.push("none".into());
    }
    let optional = if r.optional && !r.schemes.is_empty() {
        " (optional)"
    } else {
        ""
    };
    format!("{}{optional}", parts.join(" | "))
}

/// Path, query and header parameters (operation-level and path-item-level are both in `op` after
/// normalization; the path item's own are not repeated by Khipu).
fn parameters(
    doc: &Value,
    op: &Map<String, Value>,
    out: &mut BTreeMap<String, Field>,
    texts: &mut Texts,
) {
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let p = resolve(doc, p);
        let (Some(name), Some(place)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        texts.add(p.get("description").unwrap_or(&Value::Null));
        let required = p.get("required") == Some(&Value::Bool(true));
        let schema = p.get("schema").unwrap_or(&Value::Null);
        let mut walk = Flatten::new(doc, out, texts);
        walk.field(&format!("{place}:{name}"), schema, required, 0);
    }
}

/// Walks a schema into flat fields.
struct Flatten<'a> {
    doc: &'a Value,
    out: &'a mut BTreeMap<String, Field>,
    texts: &'a mut Texts,
    /// Components being expanded, so a recursive schema ends.
    expanding: BTreeSet<String>,
}

impl<'a> Flatten<'a> {
    fn new(doc: &'a Value, out: &'a mut BTreeMap<String, Field>, texts: &'a mut Texts) -> Self {
        Self {
            doc,
            out,
            texts,
            expanding: BTreeSet::new(),
        }
    }

    fn field(&mut self, name: &str, schema: &Value, required: bool, depth: usize) {
        let (merged, refs) = self.merge(schema, 0);
        let fresh: Vec<String> = refs
            .into_iter()
            .filter(|r| self.expanding.insert(r.clone()))
            .collect();
        let recursive = fresh.is_empty() && schema_ref(schema).is_some();
        for key in ["description", "title", "example", "examples"] {
            self.texts.add(merged.get(key).unwrap_or(&Value::Null));
        }
        let ty = type_name(&merged);
        let mut values: Vec<String> = merged
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        values.sort();
        values.dedup();
        let number = |k: &str| merged.get(k).and_then(Value::as_f64);
        let limits = crate::doc::StringLimits::of_map(&merged);
        self.out.insert(
            name.to_owned(),
            Field {
                ty,
                required,
                nullable: merged.get("nullable") == Some(&Value::Bool(true)),
                values,
                min_length: limits.min_length,
                max_length: limits.max_length,
                pattern: limits.pattern,
                minimum: number("minimum"),
                maximum: number("maximum"),
            },
        );
        if depth < MAX_DEPTH && !recursive {
            let required_names: BTreeSet<&str> = merged
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (prop, child) in merged
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let required = required_names.contains(prop.as_str());
                self.field(&format!("{name}.{prop}"), child, required, depth + 1);
            }
            if let Some(items) = merged.get("items").filter(|i| i.is_object()) {
                self.field(&format!("{name}[]"), items, true, depth + 1);
            }
            if let Some(values) = merged.get("additionalProperties").filter(|i| i.is_object()) {
                self.field(&format!("{name}{{}}"), values, true, depth + 1);
            }
            for key in ["oneOf", "anyOf"] {
                for (i, branch) in merged
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    // Named by its component, or by its title when inline (what a bundler that
                    // dereferences keeps), so both renderings give the same field paths.
                    let label = schema_ref(branch)
                        .and_then(crate::doc::schema_name)
                        .or_else(|| {
                            branch
                                .get("title")
                                .and_then(Value::as_str)
                                .map(str::to_owned)
                        })
                        .unwrap_or_else(|| i.to_string());
                    self.field(&format!("{name}|{label}"), branch, false, depth + 1);
                }
            }
        }
        for r in fresh {
            self.expanding.remove(&r);
        }
    }

    /// The schema with `$ref`s followed and `allOf` members merged (properties and required
    /// lists united, the first type wins), and the components it went through.
    fn merge(&self, schema: &Value, depth: usize) -> (Map<String, Value>, Vec<String>) {
        let mut refs: Vec<String> = schema_ref(schema).map(str::to_owned).into_iter().collect();
        let resolved = resolve(self.doc, schema);
        let mut out = resolved.as_object().cloned().unwrap_or_default();
        // Siblings of a `$ref` wrapper (nullable, description) stay on the merged schema.
        if let Some(outer) = schema.as_object() {
            for (k, v) in outer {
                if k != "$ref" {
                    out.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        out.remove("$ref");
        let Some(members) = out.remove("allOf").and_then(|a| a.as_array().cloned()) else {
            return (out, refs);
        };
        if depth > MAX_DEPTH {
            return (out, refs);
        }
        for member in &members {
            let (part, more) = self.merge(member, depth + 1);
            refs.extend(more);
            for (k, v) in part {
                match (k.as_str(), out.get_mut(&k)) {
                    ("properties", Some(Value::Object(mine))) => {
                        if let Value::Object(theirs) = v {
                            for (p, s) in theirs {
                                mine.entry(p).or_insert(s);
                            }
                        }
                    }
                    ("required", Some(Value::Array(mine))) => {
                        if let Value::Array(theirs) = v {
                            for r in theirs {
                                if !mine.contains(&r) {
                                    mine.push(r);
                                }
                            }
                        }
                    }
                    (_, Some(_)) => {}
                    (_, None) => {
                        out.insert(k, v);
                    }
                }
            }
        }
        (out, refs)
    }
}

/// The `$ref` of a schema, if it is one.
fn schema_ref(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

fn type_name(schema: &Map<String, Value>) -> String {
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if schema.contains_key("properties") => "object",
        None if schema.contains_key("items") => "array",
        None if schema.contains_key("oneOf") || schema.contains_key("anyOf") => "one-of",
        None => "any",
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(f) => format!("{ty}({f})"),
        None => ty.to_owned(),
    }
}

/// A running hash of documentation texts.
#[derive(Default)]
struct Texts(Sha256);

impl Texts {
    fn add(&mut self, v: &Value) {
        if !v.is_null() {
            self.0.update(v.to_string().as_bytes());
            self.0.update([0]);
        }
    }

    fn finish(self) -> String {
        self.0.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn text_hash(fill: impl FnOnce(&mut Texts)) -> String {
    let mut t = Texts::default();
    fill(&mut t);
    t.finish()
}

/// Pretty JSON where every object or array holding only scalars sits on one line, so that a
/// changed field is a one-line diff.
fn render(value: &Value, indent: usize, out: &mut String) {
    let flat = |v: &Value| match v {
        Value::Object(m) => m.values().all(|c| {
            !c.is_object() && !c.is_array()
                || c.as_array()
                    .is_some_and(|a| a.iter().all(|x| !x.is_object() && !x.is_array()))
        }),
        Value::Array(a) => a.iter().all(|c| !c.is_object() && !c.is_array()),
        _ => true,
    };
    if flat(value) {
        out.push_str(&value.to_string());
        return;
    }
    let pad = "  ".repeat(indent + 1);
    match value {
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, v)) in map.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                render(v, indent + 1, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        Value::Array(list) => {
            out.push_str("[\n");
            for (i, v) in list.iter().enumerate() {
                out.push_str(&pad);
                render(v, indent + 1, out);
                out.push_str(if i + 1 < list.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Used by the tests of this module and of [`super::diff`]: the summary of a spec held in memory.
#[cfg(test)]
pub(crate) fn of(doc: Value, file: &str) -> ApiSummary {
    crate::testing::generate(doc, file).client.summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_flattened_through_refs_and_all_of_alike() {
        let inline = json!({"type": "object", "required": ["A"], "properties": {
            "A": {"type": "string", "maxLength": 3},
            "B": {"type": "array", "items": {"type": "object", "properties": {"C": {"type": "integer", "nullable": true}}}}
        }});
        let doc = json!({"components": {"schemas": {
            "Item": {"type": "object", "properties": {"C": {"type": "integer", "nullable": true}}},
            "Root": {"allOf": [{"type": "object", "required": ["A"], "properties": {"A": {"type": "string", "maxLength": 3}}},
                               {"properties": {"B": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}]}
        }}});
        let mut a = BTreeMap::new();
        let mut b = BTreeMap::new();
        let (mut ta, mut tb) = (Texts::default(), Texts::default());
        Flatten::new(&doc, &mut a, &mut ta).field("body", &inline, true, 0);
        Flatten::new(&doc, &mut b, &mut tb).field(
            "body",
            &json!({"$ref": "#/components/schemas/Root"}),
            true,
            0,
        );
        assert_eq!(a, b);
        assert_eq!(a["body.A"].max_length, Some(3));
        assert!(a["body.A"].required);
        assert!(a["body.B[].C"].nullable);
        assert_eq!(a["body.B[].C"].ty, "integer");
    }

    #[test]
    fn a_recursive_schema_ends() {
        let doc = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
        }}});
        let mut out = BTreeMap::new();
        let mut texts = Texts::default();
        Flatten::new(&doc, &mut out, &mut texts).field(
            "body",
            &json!({"$ref": "#/components/schemas/Node"}),
            true,
            0,
        );
        assert_eq!(out.keys().collect::<Vec<_>>(), ["body", "body.next"]);
    }

    #[test]
    fn rendering_puts_each_field_on_one_line_and_reads_back() {
        let mut s = ApiSummary {
            spec: "specs/x.yaml".into(),
            ..ApiSummary::default()
        };
        let mut op = OperationSummary::default();
        op.request.insert(
            "body.A".into(),
            Field {
                ty: "string".into(),
                required: true,
                values: vec!["X".into(), "Y".into()],
                ..Field::default()
            },
        );
        s.operations.insert("getA".into(), op);
        let text = s.render();
        assert!(
            text.contains(
                "\"body.A\": {\"enum\":[\"X\",\"Y\"],\"required\":true,\"type\":\"string\"}"
            ) || text.contains(
                "\"body.A\": {\"type\":\"string\",\"required\":true,\"enum\":[\"X\",\"Y\"]}"
            ),
            "{text}"
        );
        assert_eq!(ApiSummary::parse(&text, "x").unwrap(), s);
        assert!(
            ApiSummary::parse("{", "x.api.json")
                .unwrap_err()
                .contains("x.api.json")
        );
    }
}
