//! `khipu api`: any operation of any compiled API. The request is checked against the spec the
//! client was generated from (the sandbox's embedded copy, overlays applied) before anything is
//! sent: every parameter must be one the operation declares and fit its schema, the required
//! ones must be there, and the body must fit the request schema. Then it goes out the one way
//! (`khipu::raw::send`: the spec's auth, retries by the operation's rule, `khipu::Error`).

use khipu::raw::{self, ApiInfo, Operation, RawRequest};
use serde_json::Value;

use crate::Failure;
use crate::answer::show;
use crate::args::ApiArgs;
use crate::stdout::outln;
use crate::target::Target;

/// Runs `khipu api`.
pub async fn run(target: &Target, args: &ApiArgs, json: bool) -> Result<(), Failure> {
    if args.list {
        return list(args.api.as_deref(), json);
    }
    let (Some(name), Some(id)) = (args.api.as_deref(), args.operation.as_deref()) else {
        return Err(Failure::Usage(
            "khipu api needs an API and an operationId (or --list); `khipu api --list` shows them"
                .into(),
        ));
    };
    let api = find_api(name)?;
    let operation = api.operation(id).ok_or_else(|| {
        let ids: Vec<&str> = api.operations.iter().map(|o| o.id).collect();
        Failure::Usage(format!(
            "{} has no operation `{id}`; it has: {}",
            api.name,
            ids.join(", ")
        ))
    })?;
    let request = checked_request(api, operation, &args.params, args.body.as_deref())?;
    let config = config(target, api)?;
    let (_, body) = raw::send(&config, api, operation, &request).await?;
    let text = String::from_utf8_lossy(&body);
    match serde_json::from_str::<&serde_json::value::RawValue>(&text) {
        // JSON escapes control characters, so its text is safe to print as it came.
        Ok(_) => show(&text, json),
        Err(_) => {
            outln!("{}", khipu::display::sanitize(&text));
            Ok(())
        }
    }
}

/// The compiled API `name` names.
fn find_api(name: &str) -> Result<&'static ApiInfo, Failure> {
    raw::api(name).ok_or_else(|| {
        let names: Vec<String> = raw::apis()
            .iter()
            .map(|a| a.name.replace(' ', "-"))
            .collect();
        Failure::Usage(format!(
            "no API `{name}` in this build; it has: {}",
            names.join(", ")
        ))
    })
}

/// `--list`: every operation of `api` (or of every API).
fn list(api: Option<&str>, json: bool) -> Result<(), Failure> {
    let apis = match api {
        Some(name) => vec![find_api(name)?],
        None => raw::apis(),
    };
    let rows: Vec<(String, &Operation)> = apis
        .iter()
        .flat_map(|a| {
            a.operations
                .iter()
                .map(move |o| (a.name.replace(' ', "-"), o))
        })
        .collect();
    if json {
        let items: Vec<Value> = rows
            .iter()
            .map(|(api, o)| {
                serde_json::json!({"api": api, "operation_id": o.id, "method": o.method,
                    "path": o.path, "retry": retry(o), "summary": o.summary})
            })
            .collect();
        outln!("{}", Value::Array(items));
        return Ok(());
    }
    let width = |f: &dyn Fn(&(String, &Operation)) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (wa, wo, wm) = (
        width(&|r| r.0.len()),
        width(&|r| r.1.id.len()),
        width(&|r| r.1.method.len()),
    );
    for (api, o) in &rows {
        outln!(
            "{api:<wa$}  {:<wo$}  {:<wm$}  {}  ({}) {}",
            o.id,
            o.method,
            o.path,
            retry(o),
            o.summary
        );
    }
    Ok(())
}

fn retry(operation: &Operation) -> &'static str {
    match operation.retry {
        raw::Retry::Read => "read",
        raw::Retry::Callback => "callback",
        _ => "write",
    }
}

/// The credentials and base URL of `api`, from the environment or the sandbox.
fn config(target: &Target, api: &ApiInfo) -> Result<khipu::Config, Failure> {
    if api.bank {
        return Ok(target.banking()?.0);
    }
    match api.name {
        n if n.starts_with("payments v2") => target.payments_v2(),
        n if n.starts_with("automatic-payments") => target.automatic_payments(),
        _ => target.payments_v3(),
    }
}

/// The request, checked against the operation's spec.
fn checked_request(
    api: &ApiInfo,
    operation: &Operation,
    params: &[String],
    body: Option<&str>,
) -> Result<RawRequest, Failure> {
    let specs = khipu_mock::Specs::embedded().map_err(Failure::Usage)?;
    let route = specs
        .routes
        .iter()
        .find(|r| stem(&specs.specs[r.spec].name) == api.spec && r.operation_id() == operation.id)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{} {}: not in the specs this build embeds",
                api.name, operation.id
            ))
        })?;
    let doc = specs.doc(route);
    let declared = khipu_mock::spec::parameters(doc, route);
    let refuse = |what: String| Failure::Usage(format!("{} {}: {what}", api.name, operation.id));
    let mut request = RawRequest::new();
    let mut given = Vec::new();
    for param in params {
        let (name, value) = param
            .split_once('=')
            .ok_or_else(|| refuse(format!("`{param}` is not NAME=VALUE")))?;
        let declaration = declared.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = declared.iter().map(|p| p.name).collect();
            refuse(format!(
                "`{name}` is not one of its parameters ({})",
                if names.is_empty() {
                    "it has none".to_owned()
                } else {
                    names.join(", ")
                }
            ))
        })?;
        let errors = khipu_mock::validate::parameter(doc, name, declaration.schema, value);
        if let Some(e) = errors.first() {
            return Err(refuse(format!("parameter `{name}`: {}", e.message)));
        }
        request = match declaration.place {
            "path" => request.path_param(name, value),
            "query" => request.query(name, value),
            other => {
                return Err(refuse(format!(
                    "`{name}` is a {other} parameter, which khipu api does not send"
                )));
            }
        };
        given.push(name);
    }
    if let Some(p) = declared
        .iter()
        .find(|p| p.required && !given.contains(&p.name))
    {
        let name = p.name;
        return Err(refuse(format!(
            "parameter `{name}` is required (-p {name}=VALUE)"
        )));
    }
    let schema = khipu_mock::spec::request_schema(doc, &route.operation);
    match (body, schema) {
        (None, Some(_)) if route.operation["requestBody"]["required"] == true => {
            Err(refuse("a body is required (--body JSON)".into()))
        }
        (None, _) => Ok(request),
        (Some(_), None) => Err(refuse("takes no body".into())),
        (Some(text), Some((media, schema))) => {
            let value = read_body(text)?;
            if let Some(e) = khipu_mock::validate::validate(doc, schema, &value).first() {
                return Err(refuse(format!("body field `{}`: {}", e.field, e.message)));
            }
            if media.contains("form") {
                let Value::Object(fields) = &value else {
                    return Err(refuse("a form body is given as a JSON object".into()));
                };
                let pairs: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                        )
                    })
                    .collect();
                Ok(request.form(&pairs))
            } else {
                Ok(request.json(&value))
            }
        }
    }
}

/// A spec's name without its extension (`payments/v3.0.json` is `payments/v3.0`).
fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// `--body`: JSON text, `@FILE`, or `@-` for standard input.
fn read_body(text: &str) -> Result<Value, Failure> {
    let (source, json) = match text.strip_prefix('@') {
        Some("-") => {
            let mut buffer = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut buffer).map_err(|e| {
                Failure::Usage(format!("--body @-: cannot read standard input: {e}"))
            })?;
            ("standard input".to_owned(), buffer)
        }
        Some(path) => (
            path.to_owned(),
            std::fs::read_to_string(path)
                .map_err(|e| Failure::Usage(format!("--body @{path}: cannot read it: {e}")))?,
        ),
        None => ("--body".to_owned(), text.to_owned()),
    };
    serde_json::from_str(&json).map_err(|e| Failure::Usage(format!("{source}: not JSON: {e}")))
}
