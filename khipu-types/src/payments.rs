//! Request signing for Khipu's Payments API v2.0.
//!
//! Every request carries `Authorization: <receiver_id>:<hash>`, where `hash` is the lowercase hex
//! HMAC-SHA256, keyed with the collection account's secret, of
//!
//! ```text
//! METHOD & rawurlencode(url without query)
//!        [& rawurlencode(key) = rawurlencode(value)]...   every query and form parameter, sorted by key
//!        [& raw JSON body]                                 when the body is JSON
//! ```
//!
//! `rawurlencode` keeps only RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`). The
//! generated payments client calls [`sign`] on the request it is about to send, after it is built,
//! so the signature covers exactly the bytes on the wire.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Secret;

/// Everything but RFC 3986's unreserved characters is encoded, as PHP's `rawurlencode` does.
const RAW: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// PHP's `rawurlencode`.
pub fn rawurlencode(text: &str) -> String {
    utf8_percent_encode(text, RAW).to_string()
}

/// The identity requests are signed with: the collection account (receiver) and its secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Signer {
    receiver_id: String,
    secret: Secret,
}

impl Signer {
    /// A signer for `receiver_id` with `secret`.
    pub fn new(receiver_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            receiver_id: receiver_id.into(),
            secret: Secret::new(secret),
        }
    }

    /// The receiver (collection account) id.
    pub fn receiver_id(&self) -> &str {
        &self.receiver_id
    }

    pub(crate) fn secret(&self) -> &crate::Secret {
        &self.secret
    }

    /// The `Authorization` value for `to_sign`.
    pub fn authorization(&self, to_sign: &str) -> String {
        format!(
            "{}:{}",
            self.receiver_id,
            hmac_hex(self.secret.expose(), to_sign)
        )
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("receiver_id", &self.receiver_id)
            .field("secret", &self.secret)
            .finish()
    }
}

/// Lowercase hex HMAC-SHA256 of `message` keyed with `secret`.
pub fn hmac_hex(secret: &str, message: &str) -> String {
    crate::mac::hmac_sha256(secret.as_bytes(), &[message.as_bytes()])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The string Khipu signs, from its parts. `params` are decoded (not yet percent-encoded) pairs
/// from the query and the form body; `json_body` is the raw JSON body, if any.
pub fn string_to_sign(
    method: &str,
    url_without_query: &str,
    params: &[(String, String)],
    json_body: Option<&str>,
) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut out = format!(
        "{}&{}",
        method.to_uppercase(),
        rawurlencode(url_without_query)
    );
    for (key, value) in sorted {
        out.push('&');
        out.push_str(&rawurlencode(key));
        out.push('=');
        out.push_str(&rawurlencode(value));
    }
    if let Some(body) = json_body {
        out.push('&');
        out.push_str(body);
    }
    out
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError(String);

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self(what) = self;
        write!(f, "cannot sign the request: {what}")
    }
}

impl std::error::Error for SignError {}

/// The string to sign for a built request.
pub fn request_string_to_sign(request: &reqwest::Request) -> Result<String, SignError> {
    let mut url = request.url().clone();
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    url.set_fragment(None);
    let content_type = request
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = match request.body() {
        None => None,
        Some(b) => Some(
            b.as_bytes()
                .ok_or_else(|| SignError("the body is a stream, so it cannot be signed".into()))?,
        ),
    };
    let mut json_body = None;
    if let Some(bytes) = body.filter(|b| !b.is_empty()) {
        if content_type.starts_with("application/x-www-form-urlencoded") {
            params.extend(
                url::form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())),
            );
        } else if content_type.starts_with("application/json") {
            json_body = Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| SignError("the JSON body is not UTF-8".into()))?,
            );
        } else {
            return Err(SignError(format!("unexpected body type `{content_type}`")));
        }
    }
    Ok(string_to_sign(
        request.method().as_str(),
        url.as_str(),
        &params,
        json_body,
    ))
}

/// The signature of a Payments v3.0 notification: base64 of HMAC-SHA256, keyed with the merchant
/// secret, of `millis + "." + body` (the value after `s=` in `x-khipu-signature`).
pub fn notification_signature(secret: &str, body: &[u8], millis: u64) -> String {
    use base64::Engine as _;
    let millis = millis.to_string();
    let tag = crate::mac::hmac_sha256(secret.as_bytes(), &[millis.as_bytes(), b".", body]);
    base64::engine::general_purpose::STANDARD.encode(tag)
}

/// Signs `request` in place: the progenitor pre-hook of the generated payments client.
pub async fn sign(signer: &Signer, request: &mut reqwest::Request) -> Result<(), SignError> {
    let to_sign = request_string_to_sign(request)?;
    let mut value = reqwest::header::HeaderValue::from_str(&signer.authorization(&to_sign))
        .map_err(|_| SignError("the receiver id has characters not allowed in a header".into()))?;
    value.set_sensitive(true);
    request
        .headers_mut()
        .insert(reqwest::header::AUTHORIZATION, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed test secret (40 hex characters, the length Khipu's secrets have).
    const SECRET: &str = "0123456789abcdef0123456789abcdef01234567";

    // The expected hashes were computed once, independently, with Python's hmac module:
    //
    //   python3 -c 'import hmac,hashlib,urllib.parse as u
    //   raw=lambda s: u.quote(s, safe="-_.~")
    //   def sign(m, url, p, k, body=None):
    //       s = m + "&" + raw(url) + "".join("&" + raw(a) + "=" + raw(p[a]) for a in sorted(p))
    //       s += "&" + body if body is not None else ""
    //       return s, hmac.new(k.encode(), s.encode(), hashlib.sha256).hexdigest()
    //   print(sign("POST", "https://khipu.com/api/2.0/payments",
    //              {"subject": "Cobro de prueba", "amount": "1000", "currency": "CLP"}, SECRET))'

    #[test]
    fn khipus_string_to_sign_example() {
        let params = [
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "should be encoded".to_owned()),
        ];
        assert_eq!(
            string_to_sign("POST", "https://khipu.com/api/2.0/bar/foo", &params, None),
            "POST&https%3A%2F%2Fkhipu.com%2Fapi%2F2.0%2Fbar%2Ffoo&a=1&b=should%20be%20encoded"
        );
    }

    #[test]
    fn khipus_create_payment_example_matches_python() {
        let params = [
            ("subject".to_owned(), "Cobro de prueba".to_owned()),
            ("amount".to_owned(), "1000".to_owned()),
            ("currency".to_owned(), "CLP".to_owned()),
        ];
        let to_sign = string_to_sign("POST", "https://khipu.com/api/2.0/payments", &params, None);
        assert_eq!(
            to_sign,
            "POST&https%3A%2F%2Fkhipu.com%2Fapi%2F2.0%2Fpayments&amount=1000&currency=CLP&subject=Cobro%20de%20prueba"
        );
        assert_eq!(
            hmac_hex(SECRET, &to_sign),
            "d5c4d227f3e45a780beb1cbe3a69583b237cd7b52b7aaf8015a2bd424fbf5aaa"
        );
        assert_eq!(
            Signer::new("985101", SECRET).authorization(&to_sign),
            "985101:d5c4d227f3e45a780beb1cbe3a69583b237cd7b52b7aaf8015a2bd424fbf5aaa"
        );
    }

    #[test]
    fn a_get_with_a_query_signs_the_query_parameters() {
        let request = crate::http::client().unwrap()
            .get("https://khipu.com/api/2.0/payments?notification_token=9dec8aa176c5223026919b3b5579a4776923e646ff3be686b9e6b62ec042e91f")
            .build()
            .unwrap();
        let to_sign = request_string_to_sign(&request).unwrap();
        assert_eq!(
            to_sign,
            "GET&https%3A%2F%2Fkhipu.com%2Fapi%2F2.0%2Fpayments&notification_token=9dec8aa176c5223026919b3b5579a4776923e646ff3be686b9e6b62ec042e91f"
        );
        assert_eq!(
            hmac_hex(SECRET, &to_sign),
            "d22f3cfc36fd810edbaf58f41079d530ab0b51af1f46d09a5ff08ab625e567a1"
        );
    }

    #[test]
    fn a_json_refund_signs_the_raw_body() {
        let request = crate::http::client()
            .unwrap()
            .post("https://khipu.com/api/2.0/payments/gqzdy6chjne9/refunds")
            .header("content-type", "application/json")
            .body(r#"{"amount":500}"#)
            .build()
            .unwrap();
        let to_sign = request_string_to_sign(&request).unwrap();
        assert_eq!(
            to_sign,
            r#"POST&https%3A%2F%2Fkhipu.com%2Fapi%2F2.0%2Fpayments%2Fgqzdy6chjne9%2Frefunds&{"amount":500}"#
        );
        assert_eq!(
            hmac_hex(SECRET, &to_sign),
            "292cd6996878c43d98a61c6f1005411cc3e52ba6cf033ed63cf3292c2a066b1d"
        );
    }

    #[test]
    fn spaces_accents_plus_ampersand_equals_and_tilde_in_a_form() {
        let form = [
            ("subject", "Pago ñandú & café = 10+1 ~ok"),
            ("amount", "1000.5"),
            ("currency", "CLP"),
        ];
        let request = crate::http::client()
            .unwrap()
            .post("https://khipu.com/api/2.0/payments")
            .form(&form)
            .build()
            .unwrap();
        let to_sign = request_string_to_sign(&request).unwrap();
        assert_eq!(
            to_sign,
            "POST&https%3A%2F%2Fkhipu.com%2Fapi%2F2.0%2Fpayments&amount=1000.5&currency=CLP&subject=Pago%20%C3%B1and%C3%BA%20%26%20caf%C3%A9%20%3D%2010%2B1%20~ok"
        );
        assert_eq!(
            hmac_hex(SECRET, &to_sign),
            "5bf8731fca281ae408fc5fea6e6183b51b816ac0ecbdc02d86919fc8fa1ca5da"
        );
    }

    #[tokio::test]
    async fn sign_sets_the_header_and_hides_the_secret() {
        let signer = Signer::new("985101", SECRET);
        let mut request = crate::http::client()
            .unwrap()
            .get("https://khipu.com/api/2.0/banks")
            .build()
            .unwrap();
        sign(&signer, &mut request).await.unwrap();
        let header = request.headers()["authorization"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            header,
            format!(
                "985101:{}",
                hmac_hex(SECRET, "GET&https%3A%2F%2Fkhipu.com%2Fapi%2F2.0%2Fbanks")
            )
        );
        assert!(request.headers()["authorization"].is_sensitive());
        assert!(!format!("{signer:?}").contains(SECRET));
    }
}
