//! The payments client against a local server that checks every request's signature itself,
//! with an implementation of Khipu's rule written independently of the SDK's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::Duration;

use hmac::{Hmac, Mac};
use khipu::payments::NewPayment;
use khipu::payments::v2::{Check, Client, Currency, Expected, VerifyError, notification, types};
use khipu::{Config, Credentials, Error, RetryAdvice, RetryPolicy};
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const RECEIVER: &str = "985101";
const SECRET: &str = "b2025dc47a29a04592fa3c1191110370db0e208c";

/// RFC 3986 percent-encoding of everything but unreserved characters, byte by byte.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Decodes `application/x-www-form-urlencoded` pairs by hand.
fn form_pairs(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                out.push(
                    u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16)
                        .unwrap(),
                );
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// What the server expects in `Authorization` for this request.
fn expected_authorization(request: &Request) -> String {
    // The URL as the client addressed it: this server's scheme, the Host header, the path.
    let host = request.headers.get("host").unwrap().to_str().unwrap();
    let url = format!("http://{host}{}", request.url.path());
    let mut params: Vec<(String, String)> = request.url.query().map(form_pairs).unwrap_or_default();
    let content_type = request
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = String::from_utf8(request.body.clone()).unwrap();
    let mut json = None;
    if content_type.starts_with("application/x-www-form-urlencoded") {
        params.extend(form_pairs(&body));
    } else if !body.is_empty() {
        json = Some(body);
    }
    params.sort();
    let mut to_sign = format!("{}&{}", request.method.as_str(), encode(&url));
    for (k, v) in params {
        to_sign += &format!("&{}={}", encode(&k), encode(&v));
    }
    if let Some(j) = json {
        to_sign += &format!("&{j}");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{RECEIVER}:{hex}")
}

struct SignedCorrectly;

impl Match for SignedCorrectly {
    fn matches(&self, request: &Request) -> bool {
        request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(expected_authorization(request).as_str())
    }
}

fn payment() -> Value {
    serde_json::from_str(include_str!("fixtures/payment.json")).unwrap()
}

fn client(server: &MockServer) -> Client {
    client_with(
        server,
        RetryPolicy::default()
            .max_retries(2)
            .backoff(Duration::from_millis(1), Duration::from_millis(2)),
    )
}

fn client_with(server: &MockServer, retry: RetryPolicy) -> Client {
    let config = Config::new(Credentials::signed(RECEIVER, SECRET))
        .base_url(server.uri())
        .retry(retry);
    Client::new(&config).unwrap()
}

async fn mount(server: &MockServer, verb: &str, route: &str, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .and(SignedCorrectly)
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn every_operation_is_signed_as_khipu_checks_it() {
    let server = MockServer::start().await;
    let message = json!({"message": "Message."});
    let created = json!({"payment_id": "gqzdy6chjne9", "payment_url": "https://khipu.com/payment/info/gqzdy6chjne9",
        "simplified_transfer_url": "https://app.khipu.com/payment/simplified/gqzdy6chjne9", "transfer_url": "https://khipu.com/payment/manual/gqzdy6chjne9",
        "app_url": "khipu:///pos/gqzdy6chjne9", "ready_for_terminal": false});
    mount(&server, "GET", "/2.0/banks", json!({"banks": [{"bank_id": "SDdGj", "name": "Banco Estado", "message": "m", "min_amount": 1000, "type": "Persona", "parent": ""}]})).await;
    mount(&server, "POST", "/2.0/payments", created).await;
    mount(&server, "GET", "/2.0/payments/gqzdy6chjne9", payment()).await;
    mount(&server, "GET", "/2.0/payments", payment()).await;
    mount(
        &server,
        "DELETE",
        "/2.0/payments/gqzdy6chjne9",
        message.clone(),
    )
    .await;
    mount(
        &server,
        "POST",
        "/2.0/payments/gqzdy6chjne9/confirm",
        message.clone(),
    )
    .await;
    mount(
        &server,
        "POST",
        "/2.0/payments/gqzdy6chjne9/refunds",
        message.clone(),
    )
    .await;
    mount(
        &server,
        "POST",
        "/2.0/receivers",
        json!({"receiver_id": "934568", "secret": "s"}),
    )
    .await;
    mount(&server, "GET", "/2.0/merchants/985101/paymentMethods", json!({"paymentMethods": [{"id": "simplified_transfer", "name": "simplified_transfer", "logo_url": "x"}]})).await;
    let c = client(&server);
    assert_eq!(
        c.banks().await.unwrap().banks[0].type_,
        types::BankItemType::Persona
    );
    let body = NewPayment::new(1000, "CLP", "Pago ñandú & café = 10+1 ~ok");
    assert_eq!(
        c.create_payment(&body).await.unwrap().payment_id,
        "gqzdy6chjne9"
    );
    assert_eq!(
        c.payment("gqzdy6chjne9").await.unwrap().status,
        types::PaymentsResponseStatus::Done
    );
    assert_eq!(
        c.payment_by_notification_token("9dec8aa176c5")
            .await
            .unwrap()
            .payment_id,
        "gqzdy6chjne9"
    );
    assert_eq!(
        c.delete_payment("gqzdy6chjne9").await.unwrap().message,
        "Message."
    );
    assert_eq!(
        c.confirm_payment("gqzdy6chjne9").await.unwrap().message,
        "Message."
    );
    assert_eq!(
        c.refund("gqzdy6chjne9", khipu::payments::Refund::Partial(500.into()))
            .await
            .unwrap()
            .message,
        "Message."
    );
    let receiver = types::ReceiversCreateRequest::builder()
        .admin_first_name("Nombre")
        .admin_last_name("Apellido")
        .admin_email("admin@email.com")
        .country_code("CL")
        .business_identifier("99.999.999-9")
        .business_category("VENTA")
        .business_name("Nombre Tributario")
        .business_phone("+56988887777")
        .business_address_line_1("Calle principal 1111")
        .business_address_line_2("Oficina 3-A")
        .business_address_line_3("Santiago")
        .contact_full_name("Nombre Contacto")
        .contact_job_title("Tesorero")
        .contact_email("contacto@email.com")
        .contact_phone("+56955553333");
    assert_eq!(
        c.create_receiver(receiver).await.unwrap().receiver_id,
        "934568"
    );
    assert_eq!(
        c.payment_methods(985101).await.unwrap().payment_methods[0].id,
        "simplified_transfer"
    );
    // the refund's JSON body is what was signed
    let refund = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path().ends_with("/refunds"))
        .unwrap();
    assert_eq!(String::from_utf8(refund.body).unwrap(), r#"{"amount":500}"#);
}

#[tokio::test]
async fn create_payment_goes_on_the_wire_as_khipu_expects() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2.0/payments"))
        .and(SignedCorrectly)
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"payment_id": "p", "payment_url": "u", "simplified_transfer_url": "u",
            "transfer_url": "u", "app_url": "u", "ready_for_terminal": true}),
        ))
        .mount(&server)
        .await;
    let body = NewPayment::new(1000, "CLP", "Cobro de prueba")
        .send_email(true)
        .expires_date("2023-12-31T15:45:00-04:00".parse().unwrap());
    client(&server).create_payment(&body).await.unwrap();
    let request = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let mut pairs = form_pairs(&String::from_utf8(request.body).unwrap());
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("amount".to_owned(), "1000".to_owned()),
            ("currency".to_owned(), "CLP".to_owned()),
            (
                "expires_date".to_owned(),
                "2023-12-31T15:45:00-04:00".to_owned()
            ),
            ("send_email".to_owned(), "true".to_owned()),
            ("subject".to_owned(), "Cobro de prueba".to_owned()),
        ]
    );
    let decimals = NewPayment::new("1234.5".parse::<khipu::Amount>().unwrap(), "USD", "x");
    client(&server).create_payment(&decimals).await.unwrap();
    let body = String::from_utf8(
        server
            .received_requests()
            .await
            .unwrap()
            .pop()
            .unwrap()
            .body,
    )
    .unwrap();
    assert!(body.contains("amount=1234.5&"), "{body}");
}

#[tokio::test]
async fn khipus_three_error_models_are_typed() {
    let server = MockServer::start().await;
    Mock::given(path("/2.0/payments")).respond_with(ResponseTemplate::new(400).set_body_json(json!({
        "status": 400, "message": "Datos inválidos", "errors": [{"field": "amount", "message": "debe ser mayor que 0"}]}))).mount(&server).await;
    Mock::given(path("/2.0/banks"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"status": 403, "message": "Sin autorización"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/2.0/payments/x/confirm"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"status": 503, "message": "Error de operación"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/2.0/payments/y"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .mount(&server)
        .await;
    let c = client_with(&server, RetryPolicy::none());
    let err = c
        .create_payment(&NewPayment::new(1000, "CLP", "x"))
        .await
        .unwrap_err();
    match &err {
        Error::Validation {
            status,
            body: Some(body),
            ..
        } => {
            assert_eq!(
                (*status, body.code.as_deref(), body.message.as_deref()),
                (400, Some("400"), Some("Datos inválidos"))
            );
            assert_eq!(
                (
                    body.fields[0].field.as_str(),
                    body.fields[0].message.as_str()
                ),
                ("amount", "debe ser mayor que 0")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("amount: debe ser mayor que 0"),
        "{err}"
    );
    assert!(matches!(
        c.banks().await.unwrap_err(),
        Error::Forbidden { .. }
    ));
    assert!(matches!(
        c.confirm_payment("x").await.unwrap_err(),
        Error::OutcomeUnknown {
            status: Some(503),
            ..
        }
    ));
    let err = c.payment("y").await.unwrap_err();
    assert!(
        matches!(err, Error::Decode { .. }) && err.to_string().contains("<html>proxy</html>"),
        "{err}"
    );
    let too_long = NewPayment::new(1, "CLP", "s".repeat(256));
    let err = c.create_payment(&too_long).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "subject"),
        "{err:?}"
    );
    // What Khipu's limits refuse never leaves: a negative amount, more than 4 decimals.
    for amount in ["-1", "0", "10.12345", "1234567890123456"] {
        let payment = NewPayment::new(amount.parse::<khipu::Amount>().unwrap(), "CLP", "x");
        let err = c.create_payment(&payment).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { field, .. } if field == "amount")
                && err.is_not_sent()
                && !err.is_outcome_unknown(),
            "{amount}: {err:?}"
        );
    }
    // A field v2.0 does not have is refused, not silently dropped.
    let v3_only = NewPayment::new(1, "CLP", "x").psp_client_merchant_name("Tienda");
    let err = c.create_payment(&v3_only).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "psp_client_merchant_name"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_create_is_not_retried_but_a_read_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2.0/payments"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"status": 503, "message": "Error de operación"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2.0/payments/gqzdy6chjne9"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"status": 503, "message": "Error de operación"})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .create_payment(&NewPayment::new(1000, "CLP", "x"))
        .await
        .unwrap_err();
    assert!(
        err.is_outcome_unknown(),
        "a write that failed with 503 may have happened: {err:?}"
    );
    assert_eq!(
        c.payment("gqzdy6chjne9").await.unwrap_err().retry_advice(),
        RetryAdvice::Now
    );
}

#[tokio::test]
async fn notifications_are_verified_before_goods_go_out() {
    let server = MockServer::start().await;
    let token = "9dec8aa176c5223026919b3b5579a4776923e646ff3be686b9e6b62ec042e91f";
    Mock::given(method("GET"))
        .and(path("/2.0/payments"))
        .and(SignedCorrectly)
        .respond_with(ResponseTemplate::new(200).set_body_json(payment()))
        .mount(&server)
        .await;
    let notice =
        notification::parse(format!("api_version=1.3&notification_token={token}").as_bytes())
            .unwrap();
    let c = client(&server);
    let expected = Expected::new(1000, Currency::Clp).transaction_id("zwo3wqz6uulcvajt");
    assert_eq!(
        c.verify_notification(&notice, &expected)
            .await
            .unwrap()
            .payment_id,
        "gqzdy6chjne9"
    );
    let cases = [
        (Expected::new(999, Currency::Clp), Check::Amount),
        (Expected::new(1000, Currency::Usd), Check::Currency),
        (
            Expected::new(1000, Currency::Clp).transaction_id("other-order"),
            Check::TransactionId,
        ),
    ];
    for (expected, failed) in cases {
        match c.verify_notification(&notice, &expected).await.unwrap_err() {
            VerifyError::Mismatch { check, .. } => assert_eq!(check, failed),
            other => panic!("{other:?}"),
        }
    }
    let other_receiver =
        Client::new(&Config::new(Credentials::signed("111", SECRET)).base_url(server.uri()))
            .unwrap();
    let err = other_receiver
        .verify_notification(&notice, &Expected::new(1000, Currency::Clp))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::Fetch(_)
                | VerifyError::Mismatch {
                    check: Check::Receiver,
                    ..
                }
        ),
        "{err:?}"
    );
    // a payment that is not done yet is refused
    server.reset().await;
    let mut pending = payment();
    pending["status"] = json!("pending");
    Mock::given(method("GET"))
        .and(path("/2.0/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pending))
        .mount(&server)
        .await;
    let err = c
        .verify_notification(&notice, &Expected::new(1000, Currency::Clp))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::Mismatch {
                check: Check::Status,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_secret_never_shows() {
    let server = MockServer::start().await;
    Mock::given(path("/2.0/banks"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"status": 403, "message": "firma inválida"})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(!format!("{c:?}").contains(SECRET));
    let err = c.banks().await.unwrap_err();
    assert!(!err.to_string().contains(SECRET) && !format!("{err:?}").contains(SECRET));
    assert!(
        Client::new(
            &Config::new(Credentials::signed(RECEIVER, SECRET)).base_url("http://khipu.com/api")
        )
        .is_err(),
        "plain http off loopback"
    );
}

/// v2.0 alike: a create answered 5xx with any body is sent once and outcome unknown.
#[tokio::test]
async fn a_v2_create_answered_5xx_with_any_body_is_outcome_unknown_and_sent_once() {
    for status in [500, 502, 503, 504] {
        for (content_type, body) in [
            ("text/html", "<html>Service Unavailable</html>"),
            ("text/plain", ""),
            (
                "application/json",
                r#"{"status": 503, "message": "Error de operación"}"#,
            ),
        ] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path("/2.0/payments"))
                .respond_with(
                    ResponseTemplate::new(status)
                        .set_body_raw(body.as_bytes().to_vec(), content_type),
                )
                .expect(1)
                .mount(&server)
                .await;
            let err = client(&server)
                .create_payment(&NewPayment::new(1000, "CLP", "x"))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::OutcomeUnknown { status: Some(s), .. } if *s == status),
                "{status} {content_type}: {err:?}"
            );
        }
    }
}

/// A form amount goes out with exactly its digits.
#[tokio::test]
async fn form_amounts_keep_their_digits() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2.0/payments"))
        .and(SignedCorrectly)
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"payment_id": "p", "payment_url": "u", "simplified_transfer_url": "u",
            "transfer_url": "u", "app_url": "u", "ready_for_terminal": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let amount: khipu::Amount = "36427014.9014".parse().unwrap();
    client(&server)
        .create_payment(&NewPayment::new(amount, "CLP", "x"))
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap().pop().unwrap();
    let body = String::from_utf8(sent.body).unwrap();
    assert!(body.contains("amount=36427014.9014&"), "{body}");
}
