//! Rejects documents that no pass can repair, with the place at fault.

use serde_json::Value;

use super::{Doc, Log, PassError, lookup};
use crate::pointer::Pointer;
use crate::walk::METHODS;

pub(super) fn run(doc: &mut Doc, _log: &mut Log) -> Result<(), PassError> {
    let root = Pointer::root();
    let Some(top) = doc.as_object() else {
        return Err((
            root,
            "the document is not a mapping of OpenAPI fields".into(),
        )
            .into());
    };
    match top.get("openapi") {
        Some(Value::String(_)) => {}
        Some(_) => {
            return Err((
                root.push("openapi"),
                "`openapi` must be a version string such as \"3.0.3\"".into(),
            )
                .into());
        }
        None => {
            return Err((
                root.push("openapi"),
                "missing `openapi`: this is not an OpenAPI 3 document".into(),
            )
                .into());
        }
    }
    for field in ["title", "version"] {
        let at = root.push("info").push(field);
        match lookup(doc, &at) {
            Some(Value::String(_)) => {}
            Some(_) => return Err((at, format!("`info.{field}` must be a string")).into()),
            None => return Err((at, format!("missing `info.{field}`")).into()),
        }
    }
    let Some(paths) = top.get("paths") else {
        return Err((
            root.push("paths"),
            "missing `paths`: a client needs at least one operation".into(),
        )
            .into());
    };
    let Some(paths) = paths.as_object() else {
        return Err((
            root.push("paths"),
            "`paths` must be a mapping of path to path item".into(),
        )
            .into());
    };
    if paths.is_empty() && !top.contains_key(super::openapi31::WEBHOOKS) {
        return Err((
            root.push("paths"),
            "`paths` is empty: a client needs at least one operation".into(),
        )
            .into());
    }
    for (path, item) in paths {
        let at = root.push("paths").push(path);
        if !path.starts_with('/') {
            return Err((at, format!("path `{path}` must start with `/`")).into());
        }
        let Some(item) = item.as_object() else {
            return Err((
                at,
                "a path item must be a mapping of method to operation".into(),
            )
                .into());
        };
        if item.contains_key("$ref") {
            return Err((
                at.push("$ref"),
                "path items given by `$ref` are not supported: inline the path item".into(),
            )
                .into());
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = at.push(method);
            let Some(op) = op.as_object() else {
                return Err((at, "an operation must be a mapping".into()).into());
            };
            if let Some(body) = op.get("requestBody") {
                check_content(body, &at.push("requestBody"))?;
            }
            if let Some(Value::Object(responses)) = op.get("responses") {
                for (code, response) in responses {
                    check_content(response, &at.push("responses").push(code))?;
                }
            }
            match op.get("responses") {
                Some(Value::Object(r)) if !r.is_empty() => {}
                Some(Value::Object(_)) => {
                    return Err((
                        at.push("responses"),
                        "`responses` is empty: at least one response is required".into(),
                    )
                        .into());
                }
                Some(_) => {
                    return Err((
                        at.push("responses"),
                        "`responses` must be a mapping of status code to response".into(),
                    )
                        .into());
                }
                None => return Err((at.push("responses"), "missing `responses`".into()).into()),
            }
        }
    }
    check_refs(doc, doc, &root)?;
    check_patterns(doc)
}

/// Generated code compiles every `pattern` with regress when first used, and would panic on one
/// that does not compile; such a spec is refused here instead.
fn check_patterns(doc: &mut Value) -> Result<(), PassError> {
    crate::walk::schemas(doc, &mut |schema, _, _| match schema.get("pattern") {
        None => Ok(()),
        Some(Value::String(p)) => regress::Regex::new(p).map(|_| ()).map_err(|e| {
            format!("`pattern: {p}` is not a valid ECMAScript regular expression: {e}")
        }),
        Some(other) => Err(format!("`pattern` must be a string, not {other}")),
    })
    .map_err(|e| PassError::from((e.at.push("pattern"), e.message)))
}

/// Every media type of a body must have a schema (a `$ref`'d body is checked where it is defined).
fn check_content(body: &Value, at: &Pointer) -> Result<(), PassError> {
    let Some(content) = body.get("content") else {
        return Ok(());
    };
    let Some(content) = content.as_object() else {
        return Err((
            at.push("content"),
            "`content` must be a mapping of media type to body".into(),
        )
            .into());
    };
    for (media, m) in content {
        match m.get("schema") {
            Some(Value::Object(_)) => {}
            Some(_) => {
                return Err((
                    at.push("content").push(media).push("schema"),
                    "a schema must be a mapping".into(),
                )
                    .into());
            }
            None => {
                return Err((
                    at.push("content").push(media),
                    format!("the `{media}` body has no `schema`"),
                )
                    .into());
            }
        }
    }
    Ok(())
}

/// Every `$ref` anywhere in the document must be local and resolve.
fn check_refs(doc: &Value, value: &Value, at: &Pointer) -> Result<(), PassError> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let Some(reference) = reference.as_str() else {
                    return Err((at.push("$ref"), "`$ref` must be a string".into()).into());
                };
                let Some(target) = Pointer::parse_ref(reference) else {
                    return Err((
                        at.push("$ref"),
                        format!(
                            "`{reference}` is not a local reference (`#/...`); bundle the document into one file"
                        ),
                    ).into());
                };
                if lookup(doc, &target).is_none() {
                    return Err((
                        at.push("$ref"),
                        format!("`{reference}` does not resolve: nothing is defined there"),
                    )
                        .into());
                }
            }
            for (k, v) in map {
                // Examples are data, not schema: a `$ref` key inside one is just a field.
                if k == "example" || k == "examples" {
                    continue;
                }
                check_refs(doc, v, &at.push(k))?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_refs(doc, v, &at.push(i.to_string()))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::run;
    use serde_json::json;

    fn minimal() -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
               "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}})
    }

    #[test]
    fn accepts_a_minimal_document() {
        assert!(run(super::run, &mut minimal()).is_ok());
    }

    #[test]
    fn names_a_missing_responses_object() {
        let mut doc = minimal();
        doc["paths"]["/v1/x"] = json!({"post": {"operationId": "x"}});
        let err = run(super::run, &mut doc).unwrap_err();
        assert_eq!(err.0, "#/paths/~1v1~1x/post/responses");
        assert!(err.1.contains("missing `responses`"));
    }

    #[test]
    fn names_a_dangling_ref() {
        let mut doc = minimal();
        doc["paths"]["/a"]["get"]["responses"]["200"]["content"] =
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}});
        let err = run(super::run, &mut doc).unwrap_err();
        assert_eq!(
            err.0,
            "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
        );
        assert!(err.1.contains("does not resolve"), "{}", err.1);
    }

    #[test]
    fn rejects_remote_refs_and_path_item_refs() {
        let mut doc = minimal();
        doc["paths"]["/b"] = json!({"$ref": "#/paths/~1a"});
        assert_eq!(run(super::run, &mut doc).unwrap_err().0, "#/paths/~1b/$ref");
        let mut doc = minimal();
        doc["paths"]["/a"]["get"]["responses"]["200"]["content"] =
            json!({"application/json": {"schema": {"$ref": "common.yaml#/X"}}});
        assert!(
            run(super::run, &mut doc)
                .unwrap_err()
                .1
                .contains("not a local reference")
        );
    }

    #[test]
    fn ignores_refs_inside_examples() {
        let mut doc = minimal();
        doc["paths"]["/a"]["get"]["responses"]["200"]["content"] = json!({"application/json": {"schema": {"type": "object"}, "example": {"$ref": "anything"}}});
        assert!(run(super::run, &mut doc).is_ok());
    }

    #[test]
    fn refuses_a_pattern_that_does_not_compile() {
        let mut doc = minimal();
        doc["components"] =
            json!({"schemas": {"Currency": {"type": "string", "pattern": "^([A-Z]{3}"}}});
        let err = run(super::run, &mut doc).unwrap_err();
        assert_eq!(err.0, "#/components/schemas/Currency/pattern");
        assert!(
            err.1.contains("not a valid ECMAScript regular expression"),
            "{}",
            err.1
        );
    }

    #[test]
    fn rejects_missing_info_and_paths() {
        let mut doc = minimal();
        doc["info"].as_object_mut().unwrap().remove("version");
        assert_eq!(run(super::run, &mut doc).unwrap_err().0, "#/info/version");
        let mut doc = minimal();
        doc.as_object_mut().unwrap().remove("paths");
        assert_eq!(run(super::run, &mut doc).unwrap_err().0, "#/paths");
        assert_eq!(run(super::run, &mut json!([1])).unwrap_err().0, "#");
    }
}
