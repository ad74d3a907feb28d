//! The specs the sandbox serves, and the route table made from them. `cargo xtask codegen` writes
//! them into this package (`specs.json`: every spec with its overlay applied, the documents the
//! clients are generated from), and `--check` keeps them in step with `specs/`.

use khipu_doc::resolve;
use serde_json::Value;

/// Which API a spec describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// A bank's Open Data API (`/v1/{cc}/banking/...`).
    Banking,
    /// Khipu's other APIs, which authenticate as the payments APIs do: Payments (`/v3/...`,
    /// `/2.0/...`) and Automatic Payments (`/v1/automatic-payment/...`).
    Payments,
}

/// One embedded spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Its file name under specs/.
    pub name: String,
    /// The document.
    pub doc: Value,
    /// Which API.
    pub api: Api,
}

/// One operation the sandbox answers.
#[derive(Debug)]
pub struct Route {
    /// Index of the spec in [`Specs::specs`].
    pub spec: usize,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template (`/2.0/payments/{id}`).
    pub path: String,
    /// The operation object.
    pub operation: Value,
}

impl Route {
    /// The operation's `operationId` (empty if it has none).
    pub fn operation_id(&self) -> &str {
        self.operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// Every embedded spec and its operations.
#[derive(Debug)]
pub struct Specs {
    /// The specs.
    pub specs: Vec<Spec>,
    /// Their operations.
    pub routes: Vec<Route>,
}

impl Specs {
    /// The specs embedded in this build (an error here is a codegen bug).
    pub fn embedded() -> Result<Self, String> {
        let list: Vec<Value> = serde_json::from_str(include_str!("../specs.json"))
            .map_err(|e| format!("the embedded specs do not parse: {e}"))?;
        let mut specs = Vec::new();
        for entry in list {
            let name = entry["name"].as_str().unwrap_or_default().to_owned();
            let doc = entry["doc"].clone();
            // specs/banking/ holds the banks; every other family is served like the payments APIs.
            let api = if name.starts_with("banking/") {
                Api::Banking
            } else {
                Api::Payments
            };
            specs.push(Spec { name, doc, api });
        }
        Ok(Self::from_specs(specs))
    }

    fn from_specs(specs: Vec<Spec>) -> Self {
        let mut routes = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            // Found the one way the generator finds them (khipu_doc): every HTTP method.
            for (path, method, op, _) in khipu_doc::operations::operations(&spec.doc) {
                routes.push(Route {
                    spec: i,
                    method: method.to_uppercase(),
                    path,
                    operation: Value::Object(op.clone()),
                });
            }
        }
        Self { specs, routes }
    }

    /// The route for `method` and `path`, with the values of its path parameters.
    pub fn route(&self, method: &str, path: &str) -> Option<(&Route, Vec<(String, String)>)> {
        let wanted: Vec<&str> = path.split('/').collect();
        self.routes
            .iter()
            .filter(|r| r.method == method)
            .find_map(|r| {
                let template: Vec<&str> = r.path.split('/').collect();
                if template.len() != wanted.len() {
                    return None;
                }
                let mut params = Vec::new();
                for (t, w) in template.iter().zip(&wanted) {
                    match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                        Some(name) if !w.is_empty() => {
                            params.push((name.to_owned(), percent_decode(w)))
                        }
                        Some(_) => return None,
                        None if t == w => {}
                        None => return None,
                    }
                }
                Some((r, params))
            })
    }

    /// The methods some operation takes at `path` (upper case), for a 405's `Allow`.
    pub fn methods(&self, path: &str) -> Vec<String> {
        let mut methods: Vec<String> = ["GET", "POST", "PUT", "DELETE", "PATCH"]
            .iter()
            .filter(|m| self.route(m, path).is_some())
            .map(|m| (*m).to_owned())
            .collect();
        methods.dedup();
        methods
    }

    /// The spec document of a route.
    pub fn doc(&self, route: &Route) -> &Value {
        &self.specs[route.spec].doc
    }

    /// The API of a route.
    pub fn api(&self, route: &Route) -> Api {
        self.specs[route.spec].api
    }
}

fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// One parameter a route declares.
#[derive(Debug, Clone, Copy)]
pub struct Parameter<'a> {
    /// Its name.
    pub name: &'a str,
    /// Where it goes: `path`, `query`, `header`, `cookie`.
    pub place: &'a str,
    /// It must be given (path parameters always are).
    pub required: bool,
    /// Its schema (`null` when it declares none).
    pub schema: &'a Value,
}

/// The parameters `route` declares in `doc`: its path item's, then its operation's, which win
/// over one of the same name and place (OpenAPI's rule), `$ref`s resolved. What the sandbox
/// checks a request's parameters against, and `khipu api` before sending.
pub fn parameters<'a>(doc: &'a Value, route: &'a Route) -> Vec<Parameter<'a>> {
    let item = doc
        .get("paths")
        .and_then(|p| p.get(&route.path))
        .and_then(|i| i.get("parameters"));
    let mut out: Vec<Parameter<'a>> = Vec::new();
    let lists = [item, route.operation.get("parameters")];
    for param in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let param = resolve(doc, param);
        let (Some(name), Some(place)) = (param["name"].as_str(), param["in"].as_str()) else {
            continue;
        };
        out.retain(|p| !(p.name == name && p.place == place));
        out.push(Parameter {
            name,
            place,
            required: param["required"] == true || place == "path",
            schema: param.get("schema").unwrap_or(&Value::Null),
        });
    }
    out
}

/// The JSON request body schema of an operation and its media type.
pub fn request_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<(&'a str, &'a Value)> {
    let body = resolve(doc, op.get("requestBody")?);
    let (media, m) = body.get("content")?.as_object()?.iter().next()?;
    Some((media.as_str(), m.get("schema")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_is_embedded_and_routed() {
        let specs = Specs::embedded().unwrap();
        assert!(specs.specs.len() >= 8, "{}", specs.specs.len());
        let (route, params) = specs.route("GET", "/2.0/payments/abc%20d").unwrap();
        assert_eq!(
            (route.path.as_str(), params[0].1.as_str()),
            ("/2.0/payments/{id}", "abc d")
        );
        assert!(specs.route("GET", "/2.0/payments").is_some());
        assert!(
            specs
                .route(
                    "POST",
                    "/v1/cl/banking/personal/demo-bank.khipu.com/transactions"
                )
                .is_some()
        );
        assert!(
            specs
                .route(
                    "GET",
                    "/v1/cl/banking/personal/demo-bank.khipu.com/transactions"
                )
                .is_none()
        );
        assert!(specs.route("GET", "/2.0/payments/").is_none());
    }
}
