//! The Payments API v3.0 client against a wiremock server that checks what is sent (the
//! `x-api-key`, no `Authorization`, the exact JSON), and the 3.0 notification verifier with
//! Khipu's documented example.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::{Duration, UNIX_EPOCH};

use khipu::Amount;
use khipu::payments::api::types;
use khipu::payments::notification::{NotificationError, Verifier};
use khipu::payments::{Client, NewPayment, PredictQuery, PredictResult, Refund};
use khipu::{Config, Credentials, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "v3-test-api-key";

/// Every request carries the API key and no Authorization header.
struct KeyOnly;

impl Match for KeyOnly {
    fn matches(&self, request: &Request) -> bool {
        request
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            == Some(KEY)
            && request.headers.get("authorization").is_none()
    }
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let config = Config::new(Credentials::api_key(KEY))
        .base_url(server.uri())
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)));
    (server, Client::new(&config).unwrap())
}

fn pending_payment() -> Value {
    // A pending payment as Khipu really sends it: no conciliation_date, bank, payer fields...,
    // and amounts as decimal strings.
    json!({"payment_id": "gqzdy6chjne9", "payment_url": "https://khipu.com/payment/info/gqzdy6chjne9",
           "receiver_id": 985101, "subject": "Orden 123", "amount": "1000.0000", "discount": "0.0000",
           "currency": "CLP", "status": "pending", "status_detail": "pending",
           "funds_source": "", "payment_method": "not_available", "expires_date": "2026-12-01T10:00:00.000Z"})
}

#[tokio::test]
async fn every_operation_sends_the_key_and_exact_json() {
    let (server, c) = setup().await;
    let ok = json!({"message": "ok"});
    Mock::given(method("GET"))
        .and(path("/v3/banks"))
        .and(KeyOnly)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"banks": [
            {"bank_id": "Bawdf", "name": "DemoBank", "message": "", "min_amount": "200.0000",
             "type": "Persona", "parent": "", "logo_url": ""}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/v3/payments")).and(KeyOnly)
        .and(body_json(json!({"amount": 1234.5, "currency": "CLP", "subject": "Orden 123",
                              "transaction_id": "order-123", "notify_api_version": "3.0"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_id": "gqzdy6chjne9", "payment_url": "https://khipu.com/payment/info/gqzdy6chjne9",
            "simplified_transfer_url": "u", "transfer_url": "u", "app_url": "u", "ready_for_terminal": false})))
        .expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v3/payments/gqzdy6chjne9"))
        .and(KeyOnly)
        .respond_with(ResponseTemplate::new(200).set_body_json(pending_payment()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v3/payments/gqzdy6chjne9"))
        .and(KeyOnly)
        .respond_with(ResponseTemplate::new(200).set_body_json(&ok))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/payments/gqzdy6chjne9/confirm"))
        .and(KeyOnly)
        .respond_with(ResponseTemplate::new(200).set_body_json(&ok))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/payments/gqzdy6chjne9/refunds"))
        .and(KeyOnly)
        .and(body_json(json!({"amount": 1000})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&ok))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/v3/predict")).and(KeyOnly)
        .and(query_param("payer_email", "a@b.cl")).and(query_param("bank_id", "Bawdf"))
        .and(query_param("amount", "1000.5")).and(query_param("currency", "CLP"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": "ok",
            "max_amount": 5000000, "cool_down_date": "2024-06-21T11:23:09.123Z", "new_destinatary_max_amount": 100000})))
        .expect(1).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/v3/receivers"))
        .and(KeyOnly)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"receiver_id": "123456", "secret": "s"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/merchants/985101/paymentMethods"))
        .and(KeyOnly)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"paymentMethods": []})))
        .expect(1)
        .mount(&server)
        .await;

    let banks = c.banks().await.unwrap();
    assert_eq!(banks.banks[0].min_amount, Amount::from(200));
    let created = c
        .create_payment(
            &NewPayment::new("1234.5".parse::<Amount>().unwrap(), "CLP", "Orden 123")
                .transaction_id("order-123")
                .notify_api_version("3.0"),
        )
        .await
        .unwrap();
    assert_eq!(created.payment_id, "gqzdy6chjne9");
    let payment = c.payment("gqzdy6chjne9").await.unwrap();
    assert_eq!(payment.amount, Amount::from(1000));
    assert_eq!(payment.status, types::PaymentGetPaymentStatus::Pending);
    assert!(payment.conciliation_date.is_none() && payment.bank.is_none());
    c.delete_payment("gqzdy6chjne9").await.unwrap();
    c.confirm_payment("gqzdy6chjne9").await.unwrap();
    // The obsolete operation still works for code that has not moved to `refund`.
    #[allow(
        deprecated,
        reason = "the obsolete refund stays until Khipu removes it"
    )]
    c.refund_payment("gqzdy6chjne9", Some(Amount::from(1000)))
        .await
        .unwrap();
    let p = c
        .predict(&PredictQuery::new(
            "a@b.cl",
            "Bawdf",
            "1000.50".parse::<Amount>().unwrap(),
            "CLP",
        ))
        .await
        .unwrap();
    assert_eq!(p.result, PredictResult::Ok);
    let r = types::ReceiverPostReceiver::builder()
        .admin_first_name("Ana")
        .admin_last_name("Pérez")
        .admin_email("ana@example.cl")
        .country_code("CL")
        .business_identifier("76.123.456-7")
        .business_category("Retail")
        .business_name("Tienda")
        .business_phone("+56 2 1234 5678")
        .business_address_line_1("Calle 1")
        .business_address_line_2("Of. 2")
        .business_address_line_3("Santiago")
        .contact_full_name("Ana Pérez")
        .contact_job_title("CEO")
        .contact_email("ana@example.cl")
        .contact_phone("+56 9 1234 5678");
    assert_eq!(c.create_receiver(r).await.unwrap().receiver_id, "123456");
    c.payment_methods(985101).await.unwrap();
}

#[tokio::test]
async fn a_create_answered_500_is_sent_once_and_reported_as_outcome_unknown() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"status": 500, "message": "Error interno"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = c
        .create_payment(&NewPayment::new(1000, "CLP", "x"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.retry_advice(), khipu::RetryAdvice::AfterCheck);
    assert!(
        err.to_string().contains("look it up before trying again"),
        "{err}"
    );
}

#[tokio::test]
async fn a_refund_that_times_out_is_outcome_unknown_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({"id": "r1", "payment_id": "p1", "refunded_amount": "1.0000",
                    "total_refunded": "1.0000", "remaining": "0.0000", "currency": "CLP"}),
                )
                .set_delay(Duration::from_secs(3)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let config = Config::new(Credentials::api_key(KEY))
        .base_url(server.uri())
        .timeout(Duration::from_millis(300));
    let c = Client::new(&config).unwrap();
    let err = c.refund("p1", Refund::Full).await.unwrap_err();
    assert!(
        matches!(err, Error::OutcomeUnknown { status: None, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn reads_retry_5xx_and_errors_are_typed() {
    let (server, c) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v3/payments/flaky"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .expect(3)
        .mount(&server)
        .await;
    let err = c.payment("flaky").await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");

    for (status, body, check) in [
        (
            400,
            json!({"status": 400, "message": "Datos inválidos", "errors": [{"field": "amount", "message": "debe ser positivo"}]}),
            (|e: &Error| matches!(e, Error::Validation { body: Some(b), .. } if b.fields[0].field == "amount"))
                as fn(&Error) -> bool,
        ),
        (401, json!({"status": 401, "message": "no key"}), |e| {
            matches!(e, Error::Unauthorized { .. })
        }),
        (403, json!({"status": 403, "message": "no"}), |e| {
            matches!(e, Error::Forbidden { .. })
        }),
        (
            404,
            json!({"status": 404, "message": "no such payment"}),
            |e| matches!(e, Error::NotFound { body: Some(b), .. } if b.message.as_deref() == Some("no such payment")),
        ),
    ] {
        let id = format!("e{status}");
        Mock::given(method("GET"))
            .and(path(format!("/v3/payments/{id}")))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        let err = c.payment(&id).await.unwrap_err();
        assert!(check(&err), "{status}: {err:?}");
        assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
    }
    assert!(!format!("{c:?}").contains(KEY));
}

#[tokio::test]
async fn a_missing_key_is_a_config_error() {
    assert!(matches!(
        Client::new(&Config::new(Credentials::api_key(""))),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::new(&Config::new(Credentials::api_key("k")).base_url("http://example.com")),
        Err(Error::Config(_))
    ));
    // Payments v3.0 takes an API key, never a bearer token: refused before anything is sent.
    let wrong = Client::new(&Config::new(Credentials::bearer("t"))).unwrap_err();
    assert!(
        wrong.to_string().contains("does not accept a bearer token"),
        "{wrong}"
    );
    let _ = header("x", "y"); // matchers used above
}

const SECRET: &str = "1a4cbbbeb8bdb7e1d73572b9cc43ce4ce18f79d9";
const KNOWN_T: u64 = 1_711_965_600_393;
const KNOWN_S: &str = "GYzpjnXlTKQ+BJY7pZJmrM6DZgWMSJdtOr/dleBKTdg=";

fn example_body() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/webhook-v3-example.body.json"
    ))
    .unwrap()
}

fn at_known_time() -> Verifier {
    Verifier::new(SECRET).now(UNIX_EPOCH + Duration::from_millis(KNOWN_T))
}

#[test]
fn khipus_documented_notification_verifies_and_decodes() {
    let n = at_known_time()
        .verify(&example_body(), &format!("t={KNOWN_T},s={KNOWN_S}"))
        .unwrap();
    assert_eq!(n.payment_id, "zfxnocsow6mz");
    assert_eq!(n.receiver_id, 990939);
    assert_eq!(n.amount, Amount::from(1000));
    assert_eq!(n.currency, "CLP");
}

#[test]
fn a_one_byte_change_anywhere_fails() {
    let header = format!("t={KNOWN_T},s={KNOWN_S}");
    let body = example_body();
    for i in [0, body.len() / 2, body.len() - 1] {
        let mut changed = body.clone();
        changed[i] ^= 0x01;
        assert_eq!(
            at_known_time().verify(&changed, &header).unwrap_err(),
            NotificationError::BadSignature,
            "byte {i}"
        );
    }
    let later = format!("t={},s={KNOWN_S}", KNOWN_T + 1);
    assert_eq!(
        at_known_time().verify(&body, &later).unwrap_err(),
        NotificationError::BadSignature
    );
    assert_eq!(
        Verifier::new("other-secret")
            .now(UNIX_EPOCH + Duration::from_millis(KNOWN_T))
            .verify(&body, &header)
            .unwrap_err(),
        NotificationError::BadSignature
    );
}

/// Signatures computed independently with Python's hmac:
/// `python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'<secret>', b'<t>.<body>', hashlib.sha256).digest()).decode())"`
#[test]
fn independently_computed_signatures_verify() {
    for (secret, t, body, s) in [
        (
            "s3cr3t",
            1_700_000_000_000u64,
            r#"{"payment_id":"abc123","receiver_id":1,"amount":1000,"currency":"CLP"}"#,
            "/aSr0/yuMPYEWMpV3nReq0xQq+NdsXnxVAw1MgzmIQA=",
        ),
        (
            "ñandú-ünïcode",
            1_800_000_000_123u64,
            r#"{"payment_id":"x","receiver_id":2,"amount":"0.5000","currency":"USD","subject":"café"}"#,
            "Oo4LrssjEtRCSGIDFyNVVAB2mS3WIoSGIwxIHlg7pNs=",
        ),
    ] {
        let verifier = Verifier::new(secret).now(UNIX_EPOCH + Duration::from_millis(t));
        let n = verifier
            .verify(body.as_bytes(), &format!("t={t},s={s}"))
            .unwrap();
        assert!(!n.payment_id.is_empty());
        assert_eq!(verifier.sign(body.as_bytes(), t), format!("t={t},s={s}"));
    }
}

#[test]
fn each_failure_is_its_own_error() {
    let body = example_body();
    let header = format!("t={KNOWN_T},s={KNOWN_S}");
    let at = |ms: u64| Verifier::new(SECRET).now(UNIX_EPOCH + Duration::from_millis(ms));
    assert!(matches!(
        at(KNOWN_T).verify(&body, "s=abc"),
        Err(NotificationError::MalformedHeader(_))
    ));
    assert!(matches!(
        at(KNOWN_T + 301_000).verify(&body, &header),
        Err(NotificationError::TooOld { .. })
    ));
    assert!(matches!(
        at(KNOWN_T - 301_000).verify(&body, &header),
        Err(NotificationError::TooNew { .. })
    ));
    assert!(at(KNOWN_T + 299_000).verify(&body, &header).is_ok());
    let signed_junk = Verifier::new(SECRET).sign(b"not json", KNOWN_T);
    assert!(matches!(
        at(KNOWN_T).verify(b"not json", &signed_junk),
        Err(NotificationError::Undecodable(_))
    ));
}

/// Whatever a gateway puts in a 5xx to a create (HTML, nothing, text, Khipu's JSON), the create
/// was sent once and its outcome is unknown; so is a 200 whose body does not decode.
#[tokio::test]
async fn a_create_answered_5xx_with_any_body_is_outcome_unknown_and_sent_once() {
    let bodies: [(&str, &str); 4] = [
        ("text/html", "<html>Internal Server Error</html>"),
        ("text/plain", ""),
        (
            "text/plain",
            "upstream connect error or disconnect/reset before headers",
        ),
        (
            "application/json",
            r#"{"status": 500, "message": "Error interno"}"#,
        ),
    ];
    for status in [500, 502, 503, 504] {
        for (content_type, body) in bodies {
            let (server, c) = setup().await;
            Mock::given(method("POST"))
                .and(path("/v3/payments"))
                .respond_with(
                    ResponseTemplate::new(status)
                        .set_body_raw(body.as_bytes().to_vec(), content_type),
                )
                .expect(1)
                .mount(&server)
                .await;
            let err = c
                .create_payment(&NewPayment::new(1000, "CLP", "x"))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::OutcomeUnknown { status: Some(s), .. } if *s == status),
                "{status} {content_type} {body:?}: {err:?}"
            );
            assert_eq!(err.retry_advice(), khipu::RetryAdvice::AfterCheck);
        }
    }
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = c
        .create_payment(&NewPayment::new(1000, "CLP", "x"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
}

/// What the spec lists for the currency is checked before sending, as the README says: a
/// lowercase code and one the spec does not know are refused naming the field and the values it
/// takes; every listed code (CLF included) goes out.
#[tokio::test]
async fn a_currency_the_spec_does_not_list_is_refused_before_sending() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_id": "p1", "payment_url": "https://khipu.com/payment/info/p1",
            "simplified_transfer_url": "https://s", "transfer_url": "https://t",
            "app_url": "khipu:///pos/p1", "ready_for_terminal": false
        })))
        .expect(2)
        .mount(&server)
        .await;
    for currency in ["clp", "XYZ"] {
        let err = c
            .create_payment(&NewPayment::new(1000, currency, "x"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { field, reason, .. }
                if field == "currency" && reason.contains(&format!("`{currency}`")) && reason.contains("`CLF`")),
            "{currency}: {err:?}"
        );
        assert!(err.is_not_sent(), "{err:?}");
    }
    for currency in ["CLP", "CLF"] {
        c.create_payment(&NewPayment::new(1000, currency, "x"))
            .await
            .unwrap();
    }
}

/// A create that never left is said to have never left: refused by Khipu's documented limits,
/// or by a connection that was refused.
#[tokio::test]
async fn a_create_refused_before_sending_is_not_outcome_unknown() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    for (amount, why) in [
        ("36427014.90143424", "decimal places"),
        ("-1", "more than 0"),
        ("1234567890123456", "significant digits"),
    ] {
        let payment = NewPayment::new(amount.parse::<Amount>().unwrap(), "CLP", "x");
        let err = c.create_payment(&payment).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { field, reason, .. } if field == "amount" && reason.contains(why)),
            "{amount}: {err:?}"
        );
        assert!(err.is_not_sent() && !err.is_outcome_unknown());
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
    let too_long = NewPayment::new(1000, "CLP", "x").transaction_id("t".repeat(256));
    let err = c.create_payment(&too_long).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "transaction_id"),
        "{err:?}"
    );
    // Nothing listens on this port: the connection is refused, the payment was never sent.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = Client::new(
        &Config::new(Credentials::api_key(KEY)).base_url(format!("http://127.0.0.1:{port}")),
    )
    .unwrap();
    let err = closed
        .create_payment(&NewPayment::new(1000, "CLP", "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. }) && !err.is_outcome_unknown(),
        "{err:?}"
    );
}

/// An amount with many digits goes out with exactly those digits.
#[tokio::test]
async fn amounts_go_out_with_their_exact_digits() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .and(body_json(json!({"amount": 36427014.9014, "currency": "CLP", "subject": "x"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payment_id": "p", "payment_url": "u", "simplified_transfer_url": "u", "transfer_url": "u",
            "app_url": "u", "ready_for_terminal": false})))
        .expect(1)
        .mount(&server)
        .await;
    let amount: Amount = "36427014.9014".parse().unwrap();
    c.create_payment(&NewPayment::new(amount, "CLP", "x"))
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap().pop().unwrap();
    let text = String::from_utf8(sent.body).unwrap();
    assert!(text.contains(r#""amount":36427014.9014"#), "{text}");
}
