//! A payments request checked against its operation in the spec: its body (JSON, or a form typed
//! by its schema) and its path and query parameters, each problem named as Khipu names it.

use serde_json::{Value, json};

use super::auth::Version;
use super::errors::{field_error, validation};
use crate::exchange::{Reply, Req};
use crate::spec::{Route, parameters, request_schema};
use crate::validate;

/// A request that passed the spec's checks.
pub(crate) struct Call<'a> {
    /// The spec it was served from.
    pub(crate) doc: &'a Value,
    /// The operation.
    pub(crate) route: &'a Route,
    /// How it authenticated.
    pub(crate) version: Version,
    /// The body as JSON (`null` for an operation without one).
    pub(crate) body: Value,
    /// Path parameters, decoded.
    params: &'a [(String, String)],
    /// Query parameters.
    query: &'a [(String, String)],
}

impl<'a> Call<'a> {
    /// `req` checked against `route`'s operation in `doc`, or Khipu's 400 naming each field.
    pub(crate) fn read(
        doc: &'a Value,
        route: &'a Route,
        params: &'a [(String, String)],
        req: &'a Req,
        version: Version,
    ) -> Result<Self, Reply> {
        let call = Self {
            doc,
            route,
            version,
            body: body(doc, &route.operation, req)?,
            params,
            query: &req.query,
        };
        call.check_parameters()?;
        Ok(call)
    }

    /// The path parameter `name` (`id`), or empty.
    pub(crate) fn path(&self, name: &str) -> &str {
        find(self.params, name).unwrap_or_default()
    }

    /// The query parameter `name`.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        find(self.query, name)
    }

    /// Every declared path and query parameter: present when required, and of its schema.
    fn check_parameters(&self) -> Result<(), Reply> {
        for p in parameters(self.doc, self.route) {
            let value = match p.place {
                "query" => self.query(p.name),
                "path" => find(self.params, p.name),
                _ => continue,
            };
            let Some(value) = value else {
                if p.required {
                    return Err(field_error(p.name, "is required"));
                }
                continue;
            };
            let errors = validate::parameter(self.doc, p.name, p.schema, value);
            if !errors.is_empty() {
                return Err(validation("Datos inválidos", &errors));
            }
        }
        Ok(())
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The request body as JSON (forms typed by the schema), validated.
fn body(doc: &Value, op: &Value, req: &Req) -> Result<Value, Reply> {
    let Some((media, schema)) = request_schema(doc, op) else {
        return Ok(Value::Null);
    };
    let value = if req.body.is_empty() {
        json!({})
    } else if media.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
            .into_owned()
            .collect();
        validate::form_to_json(doc, schema, &pairs)
    } else {
        serde_json::from_slice(&req.body)
            .map_err(|e| field_error("(body)", &format!("is not JSON: {e}")))?
    };
    let errors = validate::validate(doc, schema, &value);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(validation("Datos inválidos", &errors))
    }
}
