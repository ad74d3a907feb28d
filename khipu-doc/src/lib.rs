//! The one way khipu-rs reads an OpenAPI document, for the generator, its sandbox (`khipu-mock`)
//! and their tests: reading a spec file with its overlay applied ([`load`], [`overlay`]; feature
//! `load`), finding its operations ([`operations`]), and the questions every pass asks of the
//! document held as JSON, answered once: what a pointer or `$ref` leads to, which component
//! schema a `$ref` names, an operation's success body, and what references what.
//!
//! Examples are data, not schema: a `$ref` key inside `example`/`examples` is never followed or
//! counted.
#![warn(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

mod error;
#[cfg(feature = "load")]
pub mod load;
pub mod operations;
#[cfg(feature = "load")]
pub mod overlay;
pub mod pointer;

pub use error::SpecError;
pub use pointer::Pointer;

/// An OpenAPI document held as JSON: what every normalization pass works on. It reads and writes
/// as the JSON value it holds (`Deref`), so the functions of this crate answer its questions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc(Value);

impl Doc {
    /// Holds `value` as a document (any JSON: the structure pass says what is missing).
    pub fn new(value: Value) -> Self {
        Self(value)
    }

    /// The JSON value.
    pub fn into_value(self) -> Value {
        self.0
    }
}

impl std::ops::Deref for Doc {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl std::ops::DerefMut for Doc {
    fn deref_mut(&mut self) -> &mut Value {
        &mut self.0
    }
}

/// How many `$ref` hops [`resolve`] follows before giving up (so a cycle ends).
const MAX_HOPS: usize = 32;

/// The value at `pointer`, if any.
pub fn lookup<'a>(doc: &'a Value, pointer: &Pointer) -> Option<&'a Value> {
    pointer.tokens().iter().try_fold(doc, |v, t| match v {
        Value::Object(m) => m.get(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Follows local `$ref`s from `value` to what they name; a ref that does not resolve is returned
/// as it is.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_HOPS {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(Pointer::parse_ref)
        else {
            return value;
        };
        match lookup(doc, &target) {
            Some(next) => value = next,
            None => return value,
        }
    }
    value
}

/// The component schema a `$ref` names (`#/components/schemas/A~1B` -> `A/B`), unescaped.
pub fn schema_name(reference: &str) -> Option<String> {
    let p = Pointer::parse_ref(reference)?;
    match p.tokens() {
        [c, s, name] if c == "components" && s == "schemas" => Some(name.clone()),
        _ => None,
    }
}

/// The limits a string schema declares on its values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringLimits {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
}

impl StringLimits {
    /// The limits `schema` declares itself (its `$ref` is not followed).
    pub fn of(schema: &Value) -> Self {
        schema.as_object().map(Self::of_map).unwrap_or_default()
    }

    /// The limits a schema object declares.
    pub fn of_map(schema: &Map<String, Value>) -> Self {
        Self {
            min_length: schema.get("minLength").and_then(Value::as_u64),
            max_length: schema.get("maxLength").and_then(Value::as_u64),
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// The schema of a request or response body's first media type.
pub fn body_schema(body: &Value) -> Option<&Value> {
    body.get("content")?
        .as_object()?
        .values()
        .find_map(|m| m.get("schema"))
}

/// The first 2xx response of an operation that has a body, resolved, with its status code.
pub fn success<'a>(doc: &'a Value, op: &'a Map<String, Value>) -> Option<(&'a str, &'a Value)> {
    op.get("responses")?
        .as_object()?
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .map(|(code, r)| (code.as_str(), resolve(doc, r)))
        .find(|(_, r)| body_schema(r).is_some())
}

/// What references which component schema.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RefGraph {
    /// Schemas referenced from outside `components/schemas` (operations, shared responses,
    /// parameters...): the roots.
    pub roots: BTreeSet<String>,
    /// For each component schema, the schemas its definition references.
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

impl RefGraph {
    /// Builds the graph of `doc`.
    pub fn of(doc: &Value) -> Self {
        let mut graph = Self::default();
        for (key, value) in doc.as_object().into_iter().flatten() {
            if key == "components" {
                for (section, entries) in value.as_object().into_iter().flatten() {
                    if section == "schemas" {
                        for (name, schema) in entries.as_object().into_iter().flatten() {
                            let mut out = BTreeSet::new();
                            refs(schema, &mut out);
                            graph.edges.insert(name.clone(), out);
                        }
                    } else {
                        refs(entries, &mut graph.roots);
                    }
                }
            } else {
                refs(value, &mut graph.roots);
            }
        }
        graph
    }

    /// Every schema reachable from the roots.
    pub fn reachable(&self) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue: Vec<&String> = self.roots.iter().collect();
        while let Some(name) = queue.pop() {
            if seen.insert(name.clone()) {
                queue.extend(self.edges.get(name).into_iter().flatten());
            }
        }
        seen
    }

    /// Whether anything other than `name`'s own definition references it.
    pub fn is_referenced(&self, name: &str) -> bool {
        self.roots.contains(name)
            || self
                .edges
                .iter()
                .any(|(from, to)| from != name && to.contains(name))
    }
}

/// The component schemas `value` references, examples excluded.
/// Keys whose values are data, not schema: a `$ref` under them is never followed or counted.
const DATA_KEYS: [&str; 2] = ["example", "examples"];

fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = schema_name(r) {
                            out.insert(name);
                        }
                    }
                    (k, _) if DATA_KEYS.contains(&k) => {}
                    (_, v) => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Calls `visit` with every `$ref` string under `value` (not those inside examples), to rewrite
/// them in place.
pub fn refs_mut(value: &mut Value, visit: &mut dyn FnMut(&mut String)) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => visit(r),
                    (k, _) if DATA_KEYS.contains(&k) => {}
                    (_, v) => refs_mut(v, visit),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| refs_mut(v, visit)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/a": {"get": {"responses": {
                "202": {"description": "accepted"},
                "200": {"$ref": "#/components/responses/Ok"}
            }}}},
            "components": {
                "responses": {"Ok": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Envelope"},
                    "example": {"$ref": "#/components/schemas/Example"}
                }}}},
                "schemas": {
                    "Envelope": {"properties": {"Data": {"$ref": "#/components/schemas/A~1B"}}},
                    "A/B": {"type": "string"},
                    "Orphan": {"properties": {"next": {"$ref": "#/components/schemas/Orphan"}}},
                    "Example": {"type": "string"}
                }
            }
        })
    }

    #[test]
    fn the_graph_follows_refs_but_not_examples() {
        let d = doc();
        let graph = RefGraph::of(&d);
        assert_eq!(
            graph.reachable(),
            BTreeSet::from(["Envelope".into(), "A/B".into()])
        );
        assert!(graph.is_referenced("A/B"));
        assert!(
            !graph.is_referenced("Orphan"),
            "a self-reference does not count"
        );
        assert!(
            !graph.is_referenced("Example"),
            "a $ref in an example is data"
        );
    }

    #[test]
    fn success_skips_bodiless_responses_and_resolves_shared_ones() {
        let d = doc();
        let op = d["paths"]["/a"]["get"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let (code, response) = success(&d, &op).unwrap_or(("", &Value::Null));
        assert_eq!(code, "200");
        assert_eq!(
            body_schema(response).and_then(|s| s["$ref"].as_str()),
            Some("#/components/schemas/Envelope")
        );
        assert_eq!(
            schema_name("#/components/schemas/A~1B").as_deref(),
            Some("A/B")
        );
        assert_eq!(schema_name("#/components/responses/Ok"), None);
    }
}
