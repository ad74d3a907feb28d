//! Who may call: the document's API-key header with the sandbox's key (v3.0), or Khipu's v2.0
//! signature recomputed with the sandbox's receiver id and secret.

use serde_json::Value;

pub(crate) use super::errors::Version;
use super::errors::error;
use crate::exchange::{Reply, Req};
use crate::state::State;

/// The request's version when its credentials are the sandbox's, or Khipu's refusal.
pub(crate) fn check(state: &State, doc: &Value, req: &Req) -> Result<Version, Reply> {
    match api_key_header(doc) {
        Some(header) if req.header(&header) == Some(state.config.api_key.as_str()) => {
            Ok(Version::ApiKey)
        }
        Some(header) => Err(error(
            401,
            &format!("Credenciales no válidas o faltantes: `{header}`"),
        )),
        None if req.header("authorization") == expected_authorization(state, req).as_deref() => {
            Ok(Version::Signed)
        }
        None => Err(error(
            403,
            "Firma inválida: el encabezado Authorization no corresponde a la cuenta de cobro y su secreto",
        )),
    }
}

/// The header of the document's API-key scheme (v3.0's `x-api-key`), when its requests carry a
/// fixed key rather than v2.0's signature in `Authorization`.
fn api_key_header(doc: &Value) -> Option<String> {
    let schemes = doc.pointer("/components/securitySchemes")?.as_object()?;
    schemes.values().find_map(|s| {
        let header = s["name"].as_str()?.to_ascii_lowercase();
        (s["type"] == "apiKey" && s["in"] == "header" && header != "authorization")
            .then_some(header)
    })
}

/// What Khipu signs for this request, as this server received it.
fn expected_authorization(state: &State, req: &Req) -> Option<String> {
    let host = req.header("host")?;
    let url = format!("http://{host}{}", req.path);
    let mut params = req.query.clone();
    let content_type = req
        .header("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut json_body = None;
    if !req.body.is_empty() {
        if content_type.starts_with("application/x-www-form-urlencoded") {
            params.extend(url::form_urlencoded::parse(&req.body).into_owned());
        } else {
            json_body = Some(std::str::from_utf8(&req.body).ok()?);
        }
    }
    let to_sign = khipu_types::payments::string_to_sign(&req.method, &url, &params, json_body);
    let signer = khipu_types::payments::Signer::new(
        state.config.receiver_id.clone(),
        state.config.secret.clone(),
    );
    Some(signer.authorization(&to_sign))
}
