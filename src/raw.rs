//! Any operation of any compiled API, built from text: what `khipu api` sends. The request goes
//! the one way every request goes (the config's base URL check, the spec's auth, the response
//! cap, retries by the operation's rule, the span, [`Error`]); what it does not do is check the
//! request against the spec, which the typed clients do by their types and `khipu api` does
//! with the spec itself before calling [`send`].

use bytes::Bytes;

pub use khipu_types::client::{ApiInfo, Operation, Retry};

use crate::config::Config;
use crate::error::{Context, Error};
use crate::http::{Call, Connection, attempt};

/// Every API compiled into this build (by feature), the payments APIs first, then the banks.
pub fn apis() -> Vec<&'static ApiInfo> {
    khipu_generated::catalog::apis()
}

/// The compiled API called `name`: its own name (`payments v3.0`, a bank's id), or the same with
/// dashes for spaces (`payments-v3.0`).
pub fn api(name: &str) -> Option<&'static ApiInfo> {
    apis()
        .into_iter()
        .find(|a| a.name == name || a.name.replace(' ', "-") == name)
}

/// One request's parameters and body, as text.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<(&'static str, Bytes)>,
}

impl RawRequest {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fills `{name}` in the operation's path.
    pub fn path_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path.push((name.into(), value.into()));
        self
    }

    /// Adds `name=value` to the query.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// A JSON body.
    pub fn json(mut self, body: &serde_json::Value) -> Self {
        self.body = Some(("application/json", Bytes::from(body.to_string())));
        self
    }

    /// A form body (`application/x-www-form-urlencoded`), each value sent as given.
    pub fn form(mut self, pairs: &[(String, String)]) -> Self {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.body = Some(("application/x-www-form-urlencoded", Bytes::from(encoded)));
        self
    }
}

/// Sends `request` to `operation` of `api` with `config`'s credentials and options: the status and
/// body of a success, or the error the answer stands for. A path parameter missing or not in the
/// path is [`Error::InvalidRequest`], and nothing is sent.
pub async fn send(
    config: &Config,
    api: &ApiInfo,
    operation: &'static Operation,
    request: &RawRequest,
) -> Result<(u16, Bytes), Error> {
    let context = Context::of(operation);
    let connection = Connection::new(config, api.name, api.auth, api.default_base_url)?;
    let path = fill_path(&context, operation.path, &request.path)?;
    let path_and_query = match request.query.is_empty() {
        true => path,
        false => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&request.query)
                .finish();
            format!("{path}?{query}")
        }
    };
    let method = reqwest::Method::from_bytes(operation.method.as_bytes()).map_err(|_| {
        Error::Config(format!(
            "{context}: `{}` is not an HTTP method",
            operation.method
        ))
    })?;
    let call = Call {
        context: &context,
        rule: operation.retry,
        subject: None,
    };
    attempt::run(call, connection.options.retry_policy(), || {
        connection.send(
            &context,
            method.clone(),
            &path_and_query,
            request.body.clone(),
        )
    })
    .await
}

/// `template` with every `{name}` replaced by its value, percent-encoded.
fn fill_path(
    context: &Context,
    template: &str,
    values: &[(String, String)],
) -> Result<String, Error> {
    let refused = |field: &str, reason: String| Error::InvalidRequest {
        context: context.clone(),
        field: field.to_owned(),
        reason,
    };
    if let Some((name, _)) = values
        .iter()
        .find(|(name, _)| !template.contains(&format!("{{{name}}}")))
    {
        return Err(refused(
            name,
            format!("is not a parameter of the path {template}"),
        ));
    }
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| refused("path", format!("{template} has an unclosed `{{`")))?;
        let name = &rest[open + 1..close];
        let value = values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| refused(name, format!("is required by the path {template}")))?;
        out.push_str(&rest[..open]);
        out.push_str(&progenitor_client::encode_path(value));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_filled_encoded_and_checked() {
        let context = Context::api("payments v3.0", "getPaymentById");
        let values = [("id".to_owned(), "a b/c".to_owned())];
        assert_eq!(
            fill_path(&context, "/v3/payments/{id}", &values).unwrap(),
            "/v3/payments/a%20b%2Fc"
        );
        let missing = fill_path(&context, "/v3/payments/{id}", &[]).unwrap_err();
        assert!(matches!(&missing, Error::InvalidRequest { field, .. } if field == "id"));
        let extra = [("nope".to_owned(), "1".to_owned())];
        let unknown = fill_path(&context, "/v3/banks", &extra).unwrap_err();
        assert!(matches!(&unknown, Error::InvalidRequest { field, .. } if field == "nope"));
    }
}
