//! The generated clients, used as a service would use them, against a local server: they send what
//! the spec says and decode what Khipu sends, quirks included (202 with null Data, `-0400`
//! offsets, enum values added after the spec was written).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use khipu::banking::cl::personal::demo_bank;
use khipu::model;
use khipu::payments::v2::api as v2_0;
use khipu::{Config, Credentials};
use khipu_types::auth::Auth;
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TRANSACTIONS: &str = "/v1/cl/banking/personal/demo-bank.khipu.com/transactions";

fn transactions_body() -> Value {
    json!({
        "OperationId": "6baf6c19-e485-463b-ae24-a821b025c8a4",
        "Status": "OK",
        "Data": {"Transaction": [{
            "AccountId": "873458",
            "BookingDateTime": "2017-07-22T00:00:00-0400",
            "CreditDebitIndicator": "Credit",
            "Status": "Reversed",
            "Amount": {"Amount": 10000, "Currency": "CLP"},
            "CardInstrument": {"CardSchemeName": "UnionPay"},
            "TransactionMutability": "Immutable"
        }]},
        "AdditionalInformation": null,
        "Error": null,
        "LifeSpan": null
    })
}

fn account_request() -> model::RequestBody {
    model::RequestBody::new().account_number("000011887755")
}

#[tokio::test]
async fn bank_200_decodes_unknown_enum_values_without_failing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .and(body_json(
            json!({"RequestData": {"AccountNumber": "000011887755"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(transactions_body()))
        .expect(1)
        .mount(&server)
        .await;
    let client = demo_bank::Client::new(&server.uri(), bearer(&demo_bank::AUTH)).unwrap();
    let reply = client
        .fetch_transactions_1()
        .body(account_request())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let tx = &reply.data.as_ref().unwrap().transaction[0];
    assert_eq!(
        tx.status,
        model::TransactionStatus::Unknown("Reversed".into())
    );
    assert_eq!(
        tx.credit_debit_indicator,
        model::CreditDebitIndicator::Credit
    );
    assert_eq!(
        tx.card_instrument
            .as_ref()
            .unwrap()
            .card_scheme_name
            .as_str(),
        "UnionPay",
        "an unknown card scheme is kept verbatim"
    );
    assert_eq!(
        tx.booking_date_time.as_str(),
        "2017-07-22T00:00:00-0400",
        "the bank's offset is kept"
    );
    // What was decoded serializes back to what Khipu sent.
    let round_trip = serde_json::to_value(reply.into_inner()).unwrap();
    assert_eq!(round_trip["Data"]["Transaction"][0]["Status"], "Reversed");
}

#[tokio::test]
async fn bank_202_with_null_data_decodes_into_the_same_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "OperationId": "6baf6c19-e485-463b-ae24-a821b025c8a4",
            "Status": "OK",
            "Data": null,
            "AdditionalInformation": "Los datos serán enviados a la URL de callback.",
            "Error": null,
            "LifeSpan": "2017-07-22T00:00:00-0400"
        })))
        .mount(&server)
        .await;
    let client = demo_bank::Client::new(&server.uri(), bearer(&demo_bank::AUTH)).unwrap();
    let reply = client
        .fetch_transactions_1()
        .body(
            account_request().callback_url("https://my-api.my-business.com/api/open-data-response"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 202);
    assert!(reply.data.is_none());
    assert_eq!(
        reply.life_span.as_ref().map(|l| l.as_str()),
        Some("2017-07-22T00:00:00-0400")
    );
}

#[tokio::test]
async fn bank_status_error_carries_the_retry_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "OperationId": "6baf6c19-e485-463b-ae24-a821b025c8a4",
            "Status": "ERROR",
            "Data": null,
            "AdditionalInformation": null,
            "Error": {"Code": "E201", "Type": "WAIT_4_HOURS_BEFORE_RETRY", "Description": "El servicio destino no está disponible."},
            "LifeSpan": null
        })))
        .mount(&server)
        .await;
    let client = demo_bank::Client::new(&server.uri(), bearer(&demo_bank::AUTH)).unwrap();
    let reply = client
        .fetch_transactions_1()
        .body(account_request())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status, model::Status::Error);
    let error = reply.error.as_ref().unwrap();
    assert_eq!(error.kind, Some(model::ErrorType::Wait4HoursBeforeRetry));
    assert_eq!(error.code.as_deref(), Some("E201"));
}

#[tokio::test]
async fn a_request_that_breaks_the_spec_limits_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = demo_bank::Client::new(&server.uri(), bearer(&demo_bank::AUTH)).unwrap();
    let too_long = "1".repeat(21); // AccountNumber has maxLength 20
    let refused = [
        (
            model::RequestBody::new().account_number(too_long),
            "`AccountNumber` is 21 characters long; the bank accepts at most 20",
        ),
        (
            model::RequestBody::new(),
            "`AccountNumber` is required by fetchTransactions_1",
        ),
        (
            account_request().currency("CLP"),
            "`Currency` is not a parameter of fetchTransactions_1",
        ),
    ];
    for (body, why) in refused {
        let err = client
            .fetch_transactions_1()
            .body(body)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, progenitor_client::Error::InvalidRequest(m) if m == why),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn payment_keeps_its_timestamp_offsets_and_empty_funds_source() {
    let server = MockServer::start().await;
    let mut payment: Value = serde_json::from_str(include_str!("fixtures/payment.json")).unwrap();
    payment["funds_source"] = json!("");
    payment["payment_method"] = json!("instant_qr");
    Mock::given(method("GET"))
        .and(path("/2.0/payments/gqzdy6chjne9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&payment))
        .mount(&server)
        .await;
    let config = Config::new(Credentials::signed("985101", "secret")).base_url(server.uri());
    let client: v2_0::Client = config.client().unwrap();
    let reply = client
        .get_payment_by_id()
        .id("gqzdy6chjne9")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.expires_date.offset_seconds().unwrap(), -4 * 3600);
    assert_eq!(reply.expires_date.as_str(), "2023-12-31T15:45:00-04:00");
    assert_eq!(
        reply.conciliation_date.as_ref().unwrap().as_str(),
        "2017-03-01T13:00:00.000Z"
    );
    assert_eq!(
        reply.funds_source,
        v2_0::types::PaymentsResponseFundsSource::Empty
    );
    assert_eq!(
        reply.payment_method,
        v2_0::types::PaymentsResponsePaymentMethod::Unknown("instant_qr".into())
    );
    // Amounts are `number(double)`: 1000 comes back as 1000.0, the same value. (How amounts go on
    // the wire in requests is the payments client's business, not the decoder's.)
    assert_eq!(
        as_floats(serde_json::to_value(&reply).unwrap()),
        as_floats(payment),
        "nothing is lost on a round trip"
    );
}

fn as_floats(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(as_floats).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, as_floats(v))).collect()),
        other => other,
    }
}

/// Error answers come back whole, status first: a declared JSON error body and a gateway's HTML
/// 500 alike (the generator's `error-responses` pass), so no status is lost to a decoding error.
#[tokio::test]
async fn error_answers_come_back_whole_with_their_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2.0/banks"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"status": 403, "message": "Sin autorización"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2.0/payments"))
        .respond_with(
            ResponseTemplate::new(503).set_body_string("<html>Service Unavailable</html>"),
        )
        .mount(&server)
        .await;
    let config = Config::new(Credentials::signed("985101", "secret")).base_url(server.uri());
    let client: v2_0::Client = config.client().unwrap();
    match client.get_banks().send().await.unwrap_err() {
        progenitor_client::Error::UnexpectedResponse(response) => {
            assert_eq!(response.status(), 403);
            // Error schemas are not generated (the facade reads error bodies by shape).
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["message"], "Sin autorización");
        }
        other => panic!("expected the answer back whole, got {other:?}"),
    }
    let body = v2_0::types::PaymentsCreateRequest::builder()
        .amount(1000)
        .currency(v2_0::types::PaymentsCreateRequestCurrency::Clp)
        .subject("x");
    match client.post_payment().body(body).send().await.unwrap_err() {
        progenitor_client::Error::UnexpectedResponse(response) => {
            assert_eq!(response.status(), 503);
        }
        other => panic!("expected the 503 back whole, got {other:?}"),
    }
}

/// `.call()` sends a typed client's request as the `Bank` trait does: a read answered 503 with
/// Khipu's `RETRY_IMMEDIATELY` is sent again (once, under this policy) and then fails as
/// `khipu::Error` with Khipu's error object, the bank and operation named; a request the spec
/// refuses is `InvalidRequest` naming the field, with nothing sent.
#[tokio::test]
async fn a_typed_client_retries_a_503_read_and_fails_as_every_client_does() {
    use khipu::{Call, Error, RetryAdvice, RetryPolicy};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(
            "/v1/cl/banking/personal/demo-bank.khipu.com/transactions",
        ))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "OperationId": "op-1", "Status": "ERROR", "Data": null,
            "Error": {"Code": "E301", "Type": "RETRY_IMMEDIATELY", "Description": "Bank down"}
        })))
        .expect(2)
        .mount(&server)
        .await;
    let once = RetryPolicy::default()
        .max_retries(1)
        .backoff(Duration::from_millis(1), Duration::from_millis(1));
    let config = Config::new(Credentials::bearer("jwt"))
        .base_url(server.uri())
        .retry(once);
    let client: demo_bank::Client = config.client().unwrap();
    let err = client
        .fetch_transactions_1()
        .body(account_request())
        .call()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert_eq!(err.body().and_then(|b| b.code.as_deref()), Some("E301"));
    assert_eq!(err.retry_advice(), RetryAdvice::Now);
    let said = err.to_string();
    assert!(
        said.starts_with("cl/personal/demo-bank.khipu.com fetchTransactions_1: HTTP 503"),
        "{said}"
    );

    let refused = client
        .fetch_transactions_1()
        .body(model::RequestBody::new())
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidRequest { field, .. } if field == "AccountNumber"),
        "{refused:?}"
    );
    assert!(refused.is_not_sent(), "{refused:?}");
}

/// A 503 with Khipu's advice to retry, and then the answer: `.call()` returns the answer.
#[tokio::test]
async fn a_typed_client_read_answered_after_a_503_succeeds() {
    use khipu::{Call, RetryPolicy};
    let server = MockServer::start().await;
    let at = "/v1/cl/banking/personal/demo-bank.khipu.com/transactions";
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "OperationId": "op-1", "Status": "ERROR", "Data": null,
            "Error": {"Code": "E301", "Type": "RETRY_IMMEDIATELY", "Description": "Bank down"}
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(transactions_body()))
        .expect(1)
        .mount(&server)
        .await;
    let fast = RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1));
    let config = Config::new(Credentials::bearer("jwt"))
        .base_url(server.uri())
        .retry(fast);
    let client: demo_bank::Client = config.client().unwrap();
    let answer = client
        .fetch_transactions_1()
        .body(account_request())
        .call()
        .await
        .unwrap();
    assert_eq!(answer.data.unwrap().transaction[0].account_id, "873458");
}

#[test]
fn the_catalog_lists_every_bank_with_its_operations() {
    let banks = khipu::banks();
    let ids: Vec<&str> = banks.iter().map(|b| b.id).collect();
    assert_eq!(
        ids,
        [
            "ar/business/bancocredicoop.coop",
            "ar/personal/santander.com.ar",
            "cl/business/santander.cl",
            "cl/entrepreneur/bci.cl",
            "cl/personal/bancochile.cl",
            "cl/personal/btgpactual.cl",
            "cl/personal/demo-bank.khipu.com"
        ]
    );
    let demo = banks[6];
    assert_eq!(demo.name, "DemoBank");
    let ops: Vec<&str> = demo.operations.iter().map(|o| o.client_method).collect();
    assert_eq!(
        ops,
        [
            "fetch_accounts_1",
            "fetch_balance_1",
            "fetch_statements_1",
            "fetch_transactions_1",
            "account_link_1"
        ]
    );
    let token = demo
        .operations
        .iter()
        .find(|o| o.client_method == "account_link_1")
        .unwrap();
    assert!(token.deprecated && !token.accepts_callback);
    assert!(
        demo.operations
            .iter()
            .filter(|o| !o.deprecated)
            .all(|o| o.accepts_callback)
    );
}

/// The proc macro expands the same spec into a client that behaves like the generated one.
mod btg_from_macro {
    khipu_codegen::bank!("specs/banking/cl/personal/btgpactual.cl.yaml");
}

#[tokio::test]
async fn the_macro_client_decodes_like_the_generated_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/cl/banking/personal/btgpactual.cl/transactions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(transactions_body()))
        .mount(&server)
        .await;
    let from_macro =
        btg_from_macro::Client::new(&server.uri(), bearer(&btg_from_macro::AUTH)).unwrap();
    let generated = khipu::banking::cl::personal::btgpactual::Client::new(
        &server.uri(),
        bearer(&khipu::banking::cl::personal::btgpactual::AUTH),
    )
    .unwrap();
    let a = from_macro
        .fetch_transactions_1()
        .body(model::RequestBody::new().account_number("000011887755"))
        .send()
        .await
        .unwrap();
    let b = generated
        .fetch_transactions_1()
        .body(model::RequestBody::new().account_number("000011887755"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(a.into_inner()).unwrap(),
        serde_json::to_value(b.into_inner()).unwrap()
    );
    assert_eq!(
        btg_from_macro::INFO,
        khipu::banking::cl::personal::btgpactual::INFO
    );
}

/// A bearer-token credential for a bank spec's `AUTH`: how a typed client is built by hand, below
/// `Config::client`.
fn bearer(spec: &'static khipu_types::auth::AuthSpec) -> Auth {
    Auth::new(spec, Credentials::bearer("test-token")).unwrap()
}

/// The `request-builders` rule, on the checked-in Payments v3.0 module: a struct builder for every
/// type a request body contains (the body itself and what it nests), none for an answer.
#[test]
fn struct_builders_exist_for_request_bodies_only() {
    let code = include_str!("../khipu-generated/src/payments/v3_0.rs");
    let builders = code
        .split("    pub mod builder {")
        .nth(1)
        .and_then(|rest| rest.split("\n    pub mod error {").next())
        .expect("a types::builder module");
    let built: Vec<&str> = builders
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub struct "))
        .map(|l| l.trim_end_matches(" {"))
        .collect();
    for body in [
        "PaymentPostPayment",
        "PaymentPostPaymentRefunds",
        "ReceiverPostReceiver",
        "RefundPostRefund",
    ] {
        assert!(
            built.contains(&body),
            "no builder for body {body}: {built:?}"
        );
    }
    for answer in [
        "PostPaymentResponse",
        "PaymentGetPayment",
        "BankGetBanks",
        "KhipuError",
    ] {
        assert!(
            code.contains(&format!("pub struct {answer} {{")),
            "{answer} is no longer a type"
        );
        assert!(
            !built.contains(&answer),
            "{answer} (an answer) has a builder"
        );
    }
    // The body builders still build, through the facade's path.
    let body = khipu::payments::api::types::PaymentPostPaymentRefunds::builder()
        .amount(khipu::Amount::from(1000));
    assert!(khipu::payments::api::types::PaymentPostPaymentRefunds::try_from(body).is_ok());
}

/// The `bounded-strings` rule, on the checked-in Payments v3.0 module: every length-checked string
/// field is an alias of one shared type, and the checks and messages are typify's.
#[test]
fn length_checked_fields_share_one_type_and_keep_their_checks() {
    use khipu::payments::api::types;
    let code = include_str!("../khipu-generated/src/payments/v3_0.rs");
    assert!(
        !code.contains("(::std::string::String);"),
        "a string newtype is left in v3_0.rs"
    );
    let aliases = code.matches("= ::khipu_types::BoundedString<").count();
    assert_eq!(aliases, 53, "v3.0 has 53 length-checked strings");
    let _: khipu_types::BoundedString<0, 255> =
        types::PaymentPostPaymentSubject::try_from("ok").expect("a short subject is accepted");
    // Through the body builder, as a service builds a payment: 256 characters are refused.
    let built = types::PaymentPostPayment::try_from(
        types::PaymentPostPayment::builder()
            .amount(khipu::Amount::from(1000))
            .currency(types::PaymentPostPaymentCurrency::Clp)
            .subject("x".repeat(256)),
    );
    let err = built.expect_err("a 256-character subject is refused");
    assert!(
        err.to_string().contains("longer than 255 characters"),
        "{err}"
    );
    // A minimum too (`psp_client_merchant_name`: 3 to 255 characters), decoded as the sandbox does.
    let short =
        serde_json::from_value::<types::PaymentPostPaymentPspClientMerchantName>(json!("ab"));
    assert!(
        short
            .expect_err("too short")
            .to_string()
            .contains("shorter than 3 characters")
    );
}
