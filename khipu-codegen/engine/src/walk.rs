//! Schema-aware traversal of an OpenAPI document held as JSON.
//!
//! Passes must touch schemas only: a property may be called `type` and an example may hold
//! anything, so a blind walk over every object would rewrite data that is not a schema.

use serde_json::{Map, Value};

use crate::pass::PassError;
use crate::pointer::Pointer;

/// Operations are found the one way the sandbox finds them too.
pub use khipu_doc::operations::{METHODS, operations, operations_mut};

/// Where a schema sits, lexically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// `components/schemas`, reachable from anywhere.
    Component,
    /// A request body or a parameter.
    Request,
    /// A response body or header.
    Response,
}

/// Called for every schema object, parent before children.
pub type Visitor<'a> =
    dyn FnMut(&mut Map<String, Value>, &Pointer, Site) -> Result<(), String> + 'a;

/// Visits every schema in the document. An error from the visitor is returned with the pointer of
/// the schema it was raised for.
pub fn schemas(doc: &mut Value, visit: &mut Visitor<'_>) -> Result<(), PassError> {
    let root = Pointer::root();
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        let at = root.push("components");
        if let Some(map) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for (name, schema) in map.iter_mut() {
                schema_tree(
                    schema,
                    &at.push("schemas").push(name),
                    Site::Component,
                    visit,
                )?;
            }
        }
        for (section, site) in [("parameters", Site::Request), ("headers", Site::Response)] {
            if let Some(map) = components.get_mut(section).and_then(Value::as_object_mut) {
                for (name, item) in map.iter_mut() {
                    parameter(item, &at.push(section).push(name), site, visit)?;
                }
            }
        }
        for (section, site) in [
            ("requestBodies", Site::Request),
            ("responses", Site::Response),
        ] {
            if let Some(map) = components.get_mut(section).and_then(Value::as_object_mut) {
                for (name, item) in map.iter_mut() {
                    body(item, &at.push(section).push(name), site, visit)?;
                }
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let at = root.push("paths").push(path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            parameters(item.get_mut("parameters"), &at.push("parameters"), visit)?;
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    operation(op, &at.push(method), visit)?;
                }
            }
        }
    }
    Ok(())
}

fn operation(
    op: &mut Map<String, Value>,
    at: &Pointer,
    visit: &mut Visitor<'_>,
) -> Result<(), PassError> {
    parameters(op.get_mut("parameters"), &at.push("parameters"), visit)?;
    if let Some(request) = op.get_mut("requestBody") {
        body(request, &at.push("requestBody"), Site::Request, visit)?;
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (status, response) in responses.iter_mut() {
            body(
                response,
                &at.push("responses").push(status),
                Site::Response,
                visit,
            )?;
        }
    }
    Ok(())
}

fn parameters(
    list: Option<&mut Value>,
    at: &Pointer,
    visit: &mut Visitor<'_>,
) -> Result<(), PassError> {
    if let Some(list) = list.and_then(Value::as_array_mut) {
        for (i, p) in list.iter_mut().enumerate() {
            parameter(p, &at.push(i.to_string()), Site::Request, visit)?;
        }
    }
    Ok(())
}

fn parameter(
    p: &mut Value,
    at: &Pointer,
    site: Site,
    visit: &mut Visitor<'_>,
) -> Result<(), PassError> {
    if let Some(schema) = p.get_mut("schema") {
        schema_tree(schema, &at.push("schema"), site, visit)?;
    }
    Ok(())
}

/// A request body or a response: schemas under `content/*/schema` and `headers/*/schema`.
fn body(b: &mut Value, at: &Pointer, site: Site, visit: &mut Visitor<'_>) -> Result<(), PassError> {
    let Some(b) = b.as_object_mut() else {
        return Ok(());
    };
    if let Some(content) = b.get_mut("content").and_then(Value::as_object_mut) {
        for (media, m) in content.iter_mut() {
            if let Some(schema) = m.get_mut("schema") {
                schema_tree(
                    schema,
                    &at.push("content").push(media).push("schema"),
                    site,
                    visit,
                )?;
            }
        }
    }
    if let Some(headers) = b.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, h) in headers.iter_mut() {
            parameter(h, &at.push("headers").push(name), site, visit)?;
        }
    }
    Ok(())
}

/// A schema and every schema nested in it.
pub fn schema_tree(
    schema: &mut Value,
    at: &Pointer,
    site: Site,
    visit: &mut Visitor<'_>,
) -> Result<(), PassError> {
    let Some(map) = schema.as_object_mut() else {
        return Ok(());
    };
    visit(map, at, site).map_err(|m| PassError::from((at.clone(), m)))?;
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, p) in props.iter_mut() {
            schema_tree(p, &at.push("properties").push(name), site, visit)?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key).filter(|c| c.is_object()) {
            schema_tree(child, &at.push(key), site, visit)?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = map.get_mut(key).and_then(Value::as_array_mut) {
            for (i, child) in list.iter_mut().enumerate() {
                schema_tree(child, &at.push(key).push(i.to_string()), site, visit)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_schemas_but_not_examples_or_property_names() {
        let mut doc = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"type": {"type": "string"}}},
                    "example": {"type": ["not", "a", "schema"]}
                }}},
                "responses": {"200": {"content": {"application/json": {"schema": {"items": {"type": "integer"}}}}}}
            }}},
            "components": {"schemas": {"X": {"allOf": [{"type": "string"}]}}}
        });
        let mut seen = Vec::new();
        schemas(&mut doc, &mut |_, at, site| {
            seen.push((at.to_string(), site));
            Ok(())
        })
        .unwrap();
        let expected = [
            ("#/components/schemas/X", Site::Component),
            ("#/components/schemas/X/allOf/0", Site::Component),
            (
                "#/paths/~1a/post/requestBody/content/application~1json/schema",
                Site::Request,
            ),
            (
                "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/type",
                Site::Request,
            ),
            (
                "#/paths/~1a/post/responses/200/content/application~1json/schema",
                Site::Response,
            ),
            (
                "#/paths/~1a/post/responses/200/content/application~1json/schema/items",
                Site::Response,
            ),
        ];
        let seen: Vec<_> = seen.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        assert_eq!(seen, expected);
    }
}
