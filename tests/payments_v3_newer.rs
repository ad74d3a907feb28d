//! The Payments v3.0 operations newer than Khipu's v3.0 document (refunds, void, the refund
//! wallet, predictions for every bank, receivers), against the bodies recorded in
//! `khipu-facts/payments-v3-newer-operations.md`: Khipu's PrestaShop and Magento modules' tests
//! (refunds, wallet), its docs page (receivers, predict) and the third-party SDK's models
//! (predict/all, the payment's new fields).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::Duration;

use futures_util::TryStreamExt;
use khipu::Amount;
use khipu::payments::api::types;
use khipu::payments::{Client, PredictQuery, PredictResult, Refund};
use khipu::{Config, Credentials, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "v3-test-api-key";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let config = Config::new(Credentials::api_key(KEY))
        .base_url(server.uri())
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)));
    (server, Client::new(&config).unwrap())
}

/// Khipu's 400 for a refund over what remains (PS and MG tests).
fn over_refundable() -> Value {
    json!({"status":400,"message":"Error de validación","errors":[{"field":"amount","message":"El monto excede el saldo reembolsable del pago"}]})
}

#[tokio::test]
async fn refunds_send_what_khipus_modules_send_and_read_decimal_strings() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .and(header("x-api-key", KEY))
        .and(body_json(json!({"type":"partial","payment_id":"bdrxk4mn9wqz","amount":"205"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id":"uuid-1","payment_id":"pay-1",
            "refunded_amount":"50.0000","total_refunded":"50.0000","remaining":"150.0000","currency":"CLP",
            "message":"La reversa está en proceso."})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .and(body_json(
            json!({"type":"full","payment_id":"bdrxk4mn9wqz"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id":"b31bd9aa-273b-4aed-9516-85866d47a931",
            "payment_id":"bdrxk4mn9wqz","refunded_amount":"150.0000","total_refunded":"200.0000",
            "remaining":"0.0000","currency":"CLP"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let partial = c
        .refund("bdrxk4mn9wqz", Refund::Partial(Amount::from(205)))
        .await
        .unwrap();
    assert_eq!(partial.refunded_amount, "50".parse::<Amount>().unwrap());
    assert_eq!(partial.remaining, Amount::from(150));
    assert_eq!(
        partial.message.as_deref(),
        Some("La reversa está en proceso.")
    );
    let full = c.refund("bdrxk4mn9wqz", Refund::Full).await.unwrap();
    assert_eq!(full.total_refunded, Amount::from(200));
    assert!(full.message.is_none());
}

#[tokio::test]
async fn refund_failures_are_typed_and_writes_are_never_retried() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .and(body_json(
            json!({"type":"partial","payment_id":"p400","amount":"999"}),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(over_refundable()))
        .expect(1)
        .mount(&server)
        .await;
    // Khipu QA answered 500 to a refund it had processed (PS manual-tecnico §3.2).
    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .and(body_json(json!({"type":"full","payment_id":"p500"})))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"status":500,"message":"Error interno"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/payments/p503/void"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = c
        .refund("p400", Refund::Partial(Amount::from(999)))
        .await
        .unwrap_err();
    let Error::Validation {
        body: Some(body), ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(body.fields[0].field, "amount");
    assert!(
        err.is_not_sent() || !err.is_outcome_unknown(),
        "a 400 refund did not happen"
    );
    let err = c.refund("p500", Refund::Full).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("before trying again"), "{err}");
    let err = c.void_payment("p503").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::OutcomeUnknown {
                status: Some(503),
                ..
            }
        ),
        "{err:?}"
    );
    for bad in ["0", "-5", "1.00001"] {
        let err = c
            .refund("x", Refund::Partial(bad.parse().unwrap()))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { field, .. } if field == "amount")
                && err.is_not_sent(),
            "{bad}: {err:?}"
        );
    }
}

#[tokio::test]
async fn void_and_the_wallet_with_khipus_bodies() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments/bdrxk4mn9wqz/void"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message":"Message."})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/refund-wallet/balance"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"balance":"10.0000","currency":"CLP",
            "add_funds_url":"https://khipu.com/dashboard/bills"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/refund-wallet/balance"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"status":400,"message":"Error de validación",
            "errors":[{"field":"receiver_id","message":"La cuenta de cobro con ID 1 no está habilitada para hacer reversas."}]})))
        .mount(&server)
        .await;
    assert_eq!(
        c.void_payment("bdrxk4mn9wqz").await.unwrap().message,
        "Message."
    );
    let wallet = c.refund_wallet().await.unwrap();
    assert_eq!(wallet.balance, Amount::from(10));
    assert_eq!(wallet.add_funds_url, "https://khipu.com/dashboard/bills");
    // An account without the wallet feature: Khipu names `receiver_id`.
    let err = c.refund_wallet().await.unwrap_err();
    assert_eq!(
        err.body().unwrap().fields[0].field,
        "receiver_id",
        "{err:?}"
    );
}

#[tokio::test]
async fn predictions_read_both_cases_for_one_bank_and_all() {
    let (server, c) = setup().await;
    // Khipu's page writes the result in lower case...
    Mock::given(method("GET"))
        .and(path("/v3/predict"))
        .and(query_param("bank_id", "Bawdf"))
        .and(query_param("amount", "1000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result":"new_destinatary_cool_down",
            "max_amount":5000000,"new_destinatary_max_amount":100000,"cool_down_date":"2024-06-21T11:23:09.123Z"})))
        .mount(&server)
        .await;
    // ...the newer code in upper case, for every bank.
    Mock::given(method("GET"))
        .and(path("/v3/predict/all"))
        .and(query_param("payer_email", "ana@example.cl"))
        .and(query_param("amount", "1000"))
        .and(query_param("currency", "CLP"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"banks":[
            {"result":"OK","max_amount":5000000,"cool_down_date":"2024-06-21T11:23:09.123Z","new_destinatary_max_amount":100000,"bank_id":"Bawdf","name":"Banco Ejemplo"},
            {"result":"NOT_AVAILABLE_ACCOUNT","max_amount":0,"cool_down_date":"","new_destinatary_max_amount":0,"bank_id":"Xyz","name":"Otro"},
            {"result":"SOMETHING_NEW","max_amount":1,"cool_down_date":"2024-06-21T11:23:09.123Z","new_destinatary_max_amount":1,"bank_id":"New","name":"Nuevo"}]})))
        .mount(&server)
        .await;
    let one = c
        .predict(&PredictQuery::new("ana@example.cl", "Bawdf", 1000, "CLP"))
        .await
        .unwrap();
    assert_eq!(one.result, PredictResult::NewDestinataryCoolDown);
    assert!(one.cool_down_date.is_valid());
    let all = c
        .predict_all(&PredictQuery::all_banks("ana@example.cl", 1000, "CLP"))
        .await
        .unwrap();
    let results: Vec<&PredictResult> = all.iter().map(|b| &b.prediction.result).collect();
    assert_eq!(
        results,
        [
            &PredictResult::Ok,
            &PredictResult::NotAvailableAccount,
            &PredictResult::Unknown("SOMETHING_NEW".into())
        ]
    );
    assert!(
        !all[1].prediction.cool_down_date.is_valid(),
        "an empty date is kept, not fatal"
    );
    let err = c
        .predict(&PredictQuery::all_banks("ana@example.cl", 1000, "CLP"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "bank_id"),
        "{err:?}"
    );
}

fn receiver(id: i64) -> Value {
    json!({"id": id, "name": format!("Cobrador {id}"), "date_created": "2026-03-11T14:57:56Z",
        "disabled": false, "can_collect": true})
}

#[tokio::test]
async fn receivers_page_through_every_account_and_stop_on_a_lying_total() {
    let (server, c) = setup().await;
    for (offset, ids) in [("0", vec![302026, 302027]), ("2", vec![302028])] {
        Mock::given(method("GET"))
            .and(path("/v3/receivers/children"))
            .and(query_param("offset", offset))
            .and(query_param("max", "2"))
            .and(query_param("sort", "id"))
            .and(query_param("order", "asc"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"receivers": ids.into_iter().map(receiver).collect::<Vec<_>>(), "total": 3}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all: Vec<_> = c.receivers(2).try_collect().await.unwrap();
    let ids: Vec<i64> = all.iter().map(|r| r.id).collect();
    assert_eq!(ids, [302026, 302027, 302028]);

    // A total that promises more than the pages hold ends at the first empty page.
    let (server, c) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v3/receivers/children"))
        .and(query_param("offset", "0"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"receivers":[receiver(1)], "total": 1_000_000})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/receivers/children"))
        .and(query_param("offset", "1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"receivers":[], "total": 1_000_000})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = c.receivers(100).try_collect().await.unwrap();
    assert_eq!(all.len(), 1);

    // A page that fails ends the stream with its error, after what came before.
    let (server, c) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v3/receivers/children"))
        .and(query_param("offset", "0"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"receivers":[receiver(1)], "total": 2})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/receivers/children"))
        .and(query_param("offset", "1"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"status":403,"message":"No contratado"})),
        )
        .mount(&server)
        .await;
    let items: Vec<Result<_, Error>> = futures_util::StreamExt::collect(c.receivers(1)).await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(
        matches!(items[1], Err(Error::Forbidden { .. })),
        "{:?}",
        items[1]
    );
}

#[tokio::test]
async fn a_payment_reads_its_refunds_and_the_newer_states() {
    let (server, c) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v3/payments/v67prof2ugg3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"payment_id":"v67prof2ugg3",
            "payment_url":"u","subject":"Plan Pro","amount":"9990.0000","currency":"CLP","status":"done",
            "status_detail":"partially-refunded","payment_method":"direct_debit","receiver_id":985101,
            "total_refunded":"1000.0000","authorizer_operation_code":"AUT-20240418-0001",
            "refunds":[{"id":"b31bd9aa-273b-4aed-9516-85866d47a931","status":"pending","amount":"1000.0000",
                "currency":"CLP","request_date":"2026-10-01T12:00:00Z"}]})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/payments/v67prof2ugg3"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"payment_id":"v67prof2ugg3",
            "payment_url":"u","subject":"x","amount":"1","currency":"CLP","status":"done",
            "status_detail":"refund-on-hold","payment_method":"wallet_pay","receiver_id":985101})),
        )
        .mount(&server)
        .await;
    let p = c.payment("v67prof2ugg3").await.unwrap();
    assert_eq!(
        p.status_detail,
        Some(types::PaymentGetPaymentStatusDetail::PartiallyRefunded)
    );
    assert_eq!(
        p.payment_method,
        Some(types::PaymentGetPaymentPaymentMethod::DirectDebit)
    );
    assert_eq!(p.total_refunded, Some(Amount::from(1000)));
    assert_eq!(p.refunds.len(), 1);
    assert_eq!(p.refunds[0].amount, Amount::from(1000));
    // Values Khipu adds later are kept, not fatal.
    let later = c.payment("v67prof2ugg3").await.unwrap();
    assert_eq!(
        later.status_detail.map(|s| s.to_string()),
        Some("refund-on-hold".to_owned())
    );
    assert!(later.refunds.is_empty());
}
