//! Every bank in specs/, through `dyn Bank`, against a local server: ready and accepted replies,
//! each Khipu error type with its retry advice, unsupported capabilities, missing and invalid
//! parameters (nothing sent), HTTP errors, unknown enum values and kept timestamp offsets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::Duration;

use khipu::model::{BalanceType, ErrorType, TransactionStatus};
use khipu::{
    Bank, Config, Credentials, DataKind, DataRequest, Error, Reply, RetryAdvice, RetryPolicy,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{capabilities, request_for};

const OPERATION_ID: &str = "6baf6c19-e485-463b-ae24-a821b025c8a4";

fn envelope(container: &str, items: Value) -> Value {
    json!({"OperationId": OPERATION_ID, "Status": "OK", "Data": {container: items},
           "AdditionalInformation": null, "Error": null, "LifeSpan": null})
}

fn item(kind: DataKind) -> (&'static str, Value) {
    match kind {
        DataKind::Accounts => (
            "Account",
            json!({"AccountId": "005553344110", "Status": "Frozen", "StatusUpdateDateTime": "2017-07-21T17:32:28-0400", "Currency": "CLP", "AccountType": "Personal"}),
        ),
        DataKind::Balances => (
            "Balance",
            json!({"AccountId": "873458", "CreditDebitIndicator": "Credit", "DateTime": "2022-11-30T01:55:00-0300", "Type": "IntradayAvailable", "Amount": [{"Amount": 250000, "Currency": "CLP"}]}),
        ),
        DataKind::Transactions => (
            "Transaction",
            json!({"AccountId": "873458", "BookingDateTime": "2017-07-22T00:00:00-0400", "CreditDebitIndicator": "Debit", "Status": "Reversed", "Amount": {"Amount": 10000, "Currency": "CLP"}, "TransactionInformation": "PAGO DE CUENTAS"}),
        ),
        DataKind::Statements => (
            "Statement",
            json!({"AccountId": "873458", "StartDateTime": "2017-06-01T00:00:00-0400", "EndDateTime": "2017-06-30T23:59:59-0400", "StatementAmount": [{"Type": "ClosingBalance", "CreditDebitIndicator": "Overdrawn", "Amount": {"Amount": 1, "Currency": "CLP"}}]}),
        ),
        _ => unreachable!("not a data kind"),
    }
}

fn config(server: &MockServer) -> Config {
    Config::new(Credentials::bearer("test-jwt"))
        .base_url(server.uri())
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
}

/// Calls the trait method for `kind`, erasing the item type to JSON.
async fn call(
    bank: &dyn Bank,
    kind: DataKind,
    request: &DataRequest,
) -> Result<Reply<Value>, Error> {
    fn erase<T: serde::Serialize>(r: Reply<T>) -> Reply<Value> {
        match r {
            Reply::Ready {
                operation_id,
                items,
                additional_information,
            } => Reply::Ready {
                operation_id,
                items: items
                    .iter()
                    .map(|i| serde_json::to_value(i).unwrap())
                    .collect(),
                additional_information,
            },
            Reply::Accepted {
                operation_id,
                life_span,
                additional_information,
            } => Reply::Accepted {
                operation_id,
                life_span,
                additional_information,
            },
            _ => unreachable!(),
        }
    }
    Ok(match kind {
        DataKind::Accounts => erase(bank.accounts(request).await?),
        DataKind::Balances => erase(bank.balances(request).await?),
        DataKind::Transactions => erase(bank.transactions(request).await?),
        DataKind::Statements => erase(bank.statements(request).await?),
        _ => unreachable!(),
    })
}

#[test]
fn every_bank_in_specs_offers_something_through_the_trait() {
    let banks = khipu::banks();
    assert_eq!(banks.len(), 7);
    for bank in &banks {
        assert!(
            !khipu::offers(bank).is_empty(),
            "{} offers nothing",
            bank.id
        );
    }
    assert_eq!(capabilities().len(), 11);
}

#[tokio::test]
async fn ready_replies_decode_into_the_canonical_types() {
    for (bank, op) in capabilities() {
        let server = MockServer::start().await;
        let kind = op.capability.unwrap().kind;
        let (container, item) = item(kind);
        let (request, sent) = request_for(op);
        Mock::given(method("POST"))
            .and(path(op.path))
            .and(header("authorization", "Bearer test-jwt"))
            .and(body_partial_json(json!({"RequestData": sent})))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(envelope(container, json!([item.clone()]))),
            )
            .expect(1)
            .mount(&server)
            .await;
        let b = khipu::connect(bank.id, &config(&server)).unwrap();
        let reply = call(b.as_ref(), kind, &request)
            .await
            .unwrap_or_else(|e| panic!("{} {}: {e}", bank.id, op.operation_id));
        assert_eq!(reply.operation_id(), OPERATION_ID);
        assert_eq!(
            reply.items(),
            [item],
            "{} {}: nothing lost, unknown enum values and offsets kept",
            bank.id,
            op.operation_id
        );
    }
}

#[tokio::test]
async fn typed_items_keep_unknown_values_and_offsets() {
    let server = MockServer::start().await;
    let (_, tx) = item(DataKind::Transactions);
    let (_, balance) = item(DataKind::Balances);
    Mock::given(path("/v1/cl/personal/demo-bank.khipu.com/x"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(path(
        "/v1/cl/banking/personal/demo-bank.khipu.com/transactions",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(envelope("Transaction", json!([tx]))))
    .mount(&server)
    .await;
    Mock::given(path(
        "/v1/ar/banking/personal/santander.com.ar/pending/current-day/ACY/balances",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(envelope("Balance", json!([balance]))))
    .mount(&server)
    .await;
    let demo = khipu::connect("cl/personal/demo-bank.khipu.com", &config(&server)).unwrap();
    let reply = demo
        .transactions(&DataRequest::account("000011887755"))
        .await
        .unwrap();
    let t = &reply.items()[0];
    assert_eq!(t.status, TransactionStatus::Unknown("Reversed".into()));
    assert_eq!(t.booking_date_time.offset_seconds().unwrap(), -4 * 3600);
    assert_eq!(t.booking_date_time.as_str(), "2017-07-22T00:00:00-0400");
    let ar = khipu::connect("ar/personal/santander.com.ar", &config(&server)).unwrap();
    let reply = ar
        .balances(&DataRequest::account("000011887755"))
        .await
        .unwrap();
    assert_eq!(
        reply.items()[0].kind,
        BalanceType::Unknown("IntradayAvailable".into())
    );
    assert_eq!(
        reply.items()[0].date_time.offset_seconds().unwrap(),
        -3 * 3600
    );
}

#[tokio::test]
async fn a_callback_url_gives_an_accepted_reply() {
    for (bank, op) in capabilities() {
        let server = MockServer::start().await;
        let kind = op.capability.unwrap().kind;
        let (request, _) = request_for(op);
        let request = request.callback_url("https://my-api.my-business.com/api/open-data-response");
        Mock::given(method("POST"))
            .and(path(op.path))
            .and(body_partial_json(json!({"CallbackUrl": "https://my-api.my-business.com/api/open-data-response"})))
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({
                "OperationId": OPERATION_ID, "Status": "OK", "Data": null,
                "AdditionalInformation": "Los datos serán enviados a la URL de callback.", "Error": null,
                "LifeSpan": "2017-07-22T00:00:00-0400"
            })))
            .expect(1)
            .mount(&server)
            .await;
        let b = khipu::connect(bank.id, &config(&server)).unwrap();
        match call(b.as_ref(), kind, &request).await.unwrap() {
            Reply::Accepted {
                operation_id,
                life_span,
                additional_information,
            } => {
                assert_eq!(operation_id, OPERATION_ID);
                assert_eq!(life_span.unwrap().offset_seconds().unwrap(), -4 * 3600);
                assert!(additional_information.unwrap().contains("callback"));
            }
            other => panic!(
                "{} {}: expected Accepted, got {other:?}",
                bank.id, op.operation_id
            ),
        }
    }
}

#[tokio::test]
async fn status_error_of_each_type_is_a_typed_error_with_its_advice() {
    let cases = [
        (
            "RETRY_IMMEDIATELY",
            ErrorType::RetryImmediately,
            RetryAdvice::Now,
            3,
        ),
        ("DO_NOT_RETRY", ErrorType::DoNotRetry, RetryAdvice::Never, 1),
        (
            "WAIT_4_HOURS_BEFORE_RETRY",
            ErrorType::Wait4HoursBeforeRetry,
            RetryAdvice::After(Duration::from_secs(4 * 3600)),
            1,
        ),
        (
            "RETRY_AFTER_NOTIFICATION",
            ErrorType::RetryAfterNotification,
            RetryAdvice::AfterNotification,
            1,
        ),
        (
            "RETRY_ON_FULL_MOON",
            ErrorType::Unknown("RETRY_ON_FULL_MOON".into()),
            RetryAdvice::Unknown("RETRY_ON_FULL_MOON".into()),
            1,
        ),
    ];
    for (bank, op) in capabilities() {
        for (wire, kind, advice, attempts) in &cases {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path(op.path))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "OperationId": OPERATION_ID, "Status": "ERROR", "Data": null, "AdditionalInformation": null,
                    "Error": {"Code": "E201", "Type": wire, "Description": "El servicio destino no se encuentra disponible."},
                    "LifeSpan": null
                })))
                .expect(*attempts)
                .mount(&server)
                .await;
            let b = khipu::connect(bank.id, &config(&server)).unwrap();
            let (request, _) = request_for(op);
            let err = call(b.as_ref(), op.capability.unwrap().kind, &request)
                .await
                .unwrap_err();
            match &err {
                Error::Khipu {
                    context,
                    operation_id,
                    body,
                } => {
                    assert_eq!(
                        (context.bank, context.operation),
                        (Some(bank.id), op.operation_id)
                    );
                    assert_eq!(operation_id, OPERATION_ID);
                    assert_eq!(body.code.as_deref(), Some("E201"));
                    assert_eq!(body.kind.as_ref(), Some(kind));
                    assert!(body.message.as_deref().unwrap().contains("no se encuentra"));
                }
                other => panic!("expected a Khipu error, got {other:?}"),
            }
            assert_eq!(&err.retry_advice(), advice);
            assert!(
                err.to_string().contains(bank.id) && err.to_string().contains("E201"),
                "{err}"
            );
        }
    }
}

#[tokio::test]
async fn asking_for_what_a_bank_cannot_do_names_the_bank_and_its_offers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    for bank in khipu::banks() {
        let b = khipu::connect(bank.id, &config(&server)).unwrap();
        let err = b.statements(&DataRequest::card("1234")).await.unwrap_err();
        let Error::Unsupported {
            bank: id, offers, ..
        } = &err
        else {
            panic!("{}: {err:?}", bank.id)
        };
        assert_eq!(*id, bank.id);
        assert_eq!(offers, &khipu::offers(bank));
        assert!(
            err.to_string()
                .contains("cannot give statements for a card"),
            "{err}"
        );
    }
    let demo = khipu::connect("cl/personal/demo-bank.khipu.com", &config(&server)).unwrap();
    let err = demo
        .transactions(&DataRequest::account("1").month("2022-07".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("transactions: fetchTransactions_1 (AccountNumber*)"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_or_invalid_parameter_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    for (bank, op) in capabilities() {
        let cap = op.capability.unwrap();
        let b = khipu::connect(bank.id, &config(&server)).unwrap();
        let Some(required) = op.params.iter().find(|p| p.required) else {
            continue;
        };
        let (mut request, _) = request_for(op);
        match required.name {
            "AccountNumber" | "LastDigits" => request.subject = khipu::Subject::None,
            "Currency" => request.currency = None,
            _ => request.period = khipu::Period::Default,
        }
        let err = call(b.as_ref(), cap.kind, &request).await.unwrap_err();
        match err {
            Error::InvalidRequest { context, field, .. } => {
                assert_eq!(context.bank, Some(bank.id));
                assert!(op.param(&field).unwrap().required);
            }
            other => panic!(
                "{} {}: expected InvalidRequest, got {other:?}",
                bank.id, op.operation_id
            ),
        }
    }
    let bci = khipu::connect("cl/entrepreneur/bci.cl", &config(&server)).unwrap();
    let err = bci
        .balances(&DataRequest::account("000011887755"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().ends_with(
            "fetchPendingCurrentDayBalances_1: `Currency` is required; nothing was sent"
        ),
        "{err}"
    );
    let demo = khipu::connect("cl/personal/demo-bank.khipu.com", &config(&server)).unwrap();
    let err = demo
        .transactions(&DataRequest::account("1".repeat(21)))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`AccountNumber` is 21 characters long; the bank accepts at most 20"),
        "{err}"
    );
    let chile = khipu::connect("cl/personal/bancochile.cl", &config(&server)).unwrap();
    let err = chile
        .balances(&DataRequest::account("11887755").currency("clp"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`clp` does not match ^[A-Z]{3,3}$"),
        "{err}"
    );
}

#[tokio::test]
async fn http_errors_are_distinct_and_show_an_excerpt() {
    let server = MockServer::start().await;
    let cases: [(u16, &str); 5] = [
        (400, "malformed"),
        (401, "token expired"),
        (404, "no such path"),
        (500, "boom"),
        (418, "teapot"),
    ];
    let demo = khipu::connect(
        "cl/personal/demo-bank.khipu.com",
        &config(&server).retry(RetryPolicy::none()),
    )
    .unwrap();
    for (status, body) in cases {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .expect(1)
            .mount(&server)
            .await;
        let err = demo
            .balances(&DataRequest::account("000011887755"))
            .await
            .unwrap_err();
        let matched = match status {
            400 => matches!(err, Error::Validation { status: 400, .. }),
            401 => matches!(err, Error::Unauthorized { .. }),
            404 => matches!(err, Error::NotFound { .. }),
            500 => matches!(err, Error::Server { status: 500, .. }),
            _ => matches!(err, Error::UnexpectedStatus { status: 418, .. }),
        };
        assert!(matched, "{status}: {err:?}");
        let text = err.to_string();
        assert!(
            text.contains(body) && text.contains("cl/personal/demo-bank.khipu.com fetchBalance_1"),
            "{text}"
        );
    }
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway</html>"))
        .mount(&server)
        .await;
    let err = demo
        .balances(&DataRequest::account("000011887755"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                status: Some(200),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("<html>gateway</html>"), "{err}");
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"OperationId": "x", "Status": "ERROR", "Data": null, "Error": {"Code": "A000", "Type": "DO_NOT_RETRY", "Description": "JWT expirado"}})))
        .mount(&server)
        .await;
    let err = demo
        .balances(&DataRequest::account("000011887755"))
        .await
        .unwrap_err();
    assert_eq!(err.body().unwrap().code.as_deref(), Some("A000"));
}

#[tokio::test]
async fn auth_is_one_scheme_and_secrets_stay_hidden() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-api-key", "key-123"))
        .and(body_partial_json(
            json!({"RequestData": {"AccountCredential": {"AccountLink": "link-xyz"}}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope("Balance", json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(400))
        .expect(0)
        .mount(&server)
        .await;
    let config = Config::new(Credentials::api_key("key-123"))
        .base_url(server.uri())
        .account_credential(khipu::AccountCredential::link("link-xyz"));
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config).unwrap();
    assert!(
        bank.balances(&DataRequest::account("000011887755"))
            .await
            .unwrap()
            .items()
            .is_empty()
    );
    let shown = format!("{bank:?}");
    assert!(
        !shown.contains("key-123") && !shown.contains("link-xyz"),
        "{shown}"
    );
}

/// What the SDK retries is what `retry_advice()` calls `Now`: a 503 is retried like
/// `RETRY_IMMEDIATELY`; with a callback URL the 503 is not (Khipu may have registered the callback)
/// while Khipu's own `RETRY_IMMEDIATELY` still is.
#[tokio::test]
async fn server_errors_are_retried_as_their_advice_says() {
    let server = MockServer::start().await;
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config(&server)).unwrap();
    let (tag, item) = item(DataKind::Balances);
    for callback in [false, true] {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(tag, json!([item]))))
            .mount(&server)
            .await;
        let mut request = DataRequest::account("000011887755");
        if callback {
            request = request.callback_url("https://my-api.my-business.com/cb");
        }
        let result = bank.balances(&request).await;
        let requests = server.received_requests().await.unwrap().len();
        if callback {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
            assert_eq!(err.retry_advice(), RetryAdvice::Now);
            assert_eq!(requests, 1);
        } else {
            assert_eq!(result.unwrap().items().len(), 1);
            assert_eq!(requests, 2);
        }
    }
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"OperationId": "x", "Status": "ERROR", "Data": null, "Error": {"Code": "E201", "Type": "RETRY_IMMEDIATELY", "Description": "try again"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(tag, json!([item]))))
        .mount(&server)
        .await;
    let request =
        DataRequest::account("000011887755").callback_url("https://my-api.my-business.com/cb");
    let reply = bank.balances(&request).await.unwrap();
    assert_eq!(reply.items().len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn transport_failures_are_retried_then_reported() {
    // A port nothing listens on: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = Config::new(Credentials::bearer("t"))
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .backoff(Duration::from_millis(1), Duration::from_millis(2)),
        );
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config).unwrap();
    let err = bank.accounts(&DataRequest::new()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: false, .. }),
        "{err:?}"
    );
    assert_eq!(err.retry_advice(), RetryAdvice::Now);
}

#[test]
fn unknown_banks_and_plain_http_are_refused() {
    let err = khipu::connect(
        "cl/personal/nope.cl",
        &Config::new(Credentials::bearer("t")),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("cl/personal/demo-bank.khipu.com"),
        "{err}"
    );
    let err = khipu::connect(
        "cl/personal/demo-bank.khipu.com",
        &Config::new(Credentials::bearer("t")).base_url("http://api.khipu.com"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("plain http is allowed only to loopback"),
        "{err}"
    );
}

#[test]
fn a_callback_body_parses_into_the_same_reply() {
    let (_, tx) = item(DataKind::Transactions);
    let body = serde_json::to_vec(&envelope("Transaction", json!([tx]))).unwrap();
    let reply = khipu::callback::parse::<khipu::model::TransactionsData>(&body).unwrap();
    assert_eq!(
        reply.items()[0].status,
        TransactionStatus::Unknown("Reversed".into())
    );
    let err = khipu::callback::parse::<khipu::model::TransactionsData>(b"{not json").unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

/// One timestamp that is not one (`tempor`, a bare date) in one item does not fail the answer:
/// the item keeps the text, every other item and field decodes as usual. For each timestamp
/// field of the model, through the trait.
#[tokio::test]
async fn one_odd_timestamp_keeps_its_text_and_loses_nothing_else() {
    let cases: [(DataKind, &str); 7] = [
        (DataKind::Transactions, "BookingDateTime"),
        (DataKind::Transactions, "ValueDateTime"),
        (DataKind::Accounts, "StatusUpdateDateTime"),
        (DataKind::Balances, "DateTime"),
        (DataKind::Statements, "StartDateTime"),
        (DataKind::Statements, "EndDateTime"),
        (DataKind::Statements, "CreationDateTime"),
    ];
    let demo = "cl/personal/demo-bank.khipu.com";
    for (kind, field) in cases {
        for odd in ["tempor", "2017-07-22", ""] {
            let server = MockServer::start().await;
            let (container, good) = item(kind);
            let mut bad = good.clone();
            bad[field] = json!(odd);
            Mock::given(method("POST"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(envelope(container, json!([good, bad]))),
                )
                .mount(&server)
                .await;
            let bank = khipu::connect(demo, &config(&server)).unwrap();
            let request = match kind {
                DataKind::Accounts => DataRequest::new(),
                _ => DataRequest::account("000011887755"),
            };
            let reply = call(bank.as_ref(), kind, &request)
                .await
                .unwrap_or_else(|e| panic!("{field} = {odd:?}: {e}"));
            let items = reply.items();
            assert_eq!(items.len(), 2, "{field}");
            assert_eq!(items[1][field], json!(odd), "{field}: the text is kept");
            assert_eq!(items[0], good, "{field}: the other item is untouched");
            assert_eq!(items[1]["AccountId"], good["AccountId"], "{field}");
        }
    }
    // LifeSpan, in an accepted answer.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"OperationId": OPERATION_ID,
            "Status": "OK", "Data": null, "AdditionalInformation": null, "Error": null, "LifeSpan": "tempor"})))
        .mount(&server)
        .await;
    let bank = khipu::connect(demo, &config(&server)).unwrap();
    let request = DataRequest::account("000011887755").callback_url("https://my-api.example/cb");
    match bank.transactions(&request).await.unwrap() {
        Reply::Accepted { life_span, .. } => {
            let life_span = life_span.unwrap();
            assert_eq!(life_span.as_str(), "tempor");
            assert!(life_span.to_system_time().is_none());
        }
        other => panic!("{other:?}"),
    }
}
