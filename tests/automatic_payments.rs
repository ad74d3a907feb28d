//! The Automatic Payments (PAC) client against the bodies in `khipu-facts/automatic-payments-v1.md`:
//! Khipu's pages (the curl sample, the status sample) and its newer revision as the third-party
//! SDK models it (201, 422 `ChargeError`, `PENDING` without `customer_bank_code`), with the
//! callbacks read as hints and the charge's notification verified.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::Duration;

use khipu::automatic_payments::api::types::SubscriptionStatusStatus as Status;
use khipu::automatic_payments::{Client, NewCharge, NewSubscription, hints};
use khipu::{Config, Credentials, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "pac-test-api-key";
const ID: &str = "13a0f1aa-5e47-4894-aa8b-282dd19593ec";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let config = Config::new(Credentials::api_key(KEY))
        .base_url(server.uri())
        .timeout(Duration::from_secs(5));
    (server, Client::new(&config).unwrap())
}

/// The subscription of Khipu's curl sample.
fn curl_sample() -> NewSubscription {
    NewSubscription::new(
        "Service XYZ Id 11.222.333-0",
        "personal.email@gmail.com",
        1000,
        "CLP",
    )
    .notify_url("https://my-domain.biz/subscription-notify-api")
    .return_url("https://my-domain.biz/subscription-result")
    .cancel_url("https://my-domain.biz/subscription-cancel")
}

#[tokio::test]
async fn subscribe_sends_khipus_curl_sample_and_status_reads_both_revisions() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/subscription"))
        .and(header("x-api-key", KEY))
        .and(body_json(json!({"name":"Service XYZ Id 11.222.333-0","email":"personal.email@gmail.com",
            "max_amount":1000,"currency":"CLP","notify_url":"https://my-domain.biz/subscription-notify-api",
            "return_url":"https://my-domain.biz/subscription-result","cancel_url":"https://my-domain.biz/subscription-cancel"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"subscription_id": ID,
            "redirect_url": format!("https://khipu.com/pac-manager/{ID}")})))
        .expect(1)
        .mount(&server)
        .await;
    // Khipu's page sample, then the newer revision's (no customer_bank_code, PENDING).
    Mock::given(method("GET"))
        .and(path(format!("/v1/automatic-payment/subscription/{ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"subscription_id":ID,"status":"SIGNED",
            "developer":false,"customer_bank_code":"8","service_reference":"My Merchant name"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/automatic-payment/subscription/{ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"subscription_id":ID,"status":"PENDING",
            "developer":true,"service_reference":""})),
        )
        .mount(&server)
        .await;
    let created = c.subscribe(&curl_sample()).await.unwrap();
    assert_eq!(created.subscription_id, ID);
    assert!(created.redirect_url.ends_with(ID));
    let page = c.subscription(ID).await.unwrap();
    assert_eq!(
        (page.status, page.customer_bank_code.as_deref()),
        (Status::Signed, Some("8"))
    );
    let newer = c.subscription(ID).await.unwrap();
    assert_eq!(
        (newer.status, newer.customer_bank_code),
        (Status::Pending, None)
    );
}

#[tokio::test]
async fn the_newer_fields_go_out_and_missing_urls_are_refused_before_sending() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/subscription"))
        .and(body_json(json!({"name":"n","email":"a@b.cl","max_amount":1000,"max_amount_per_charge":250,
            "currency":"CLP","notify_url":"https://x/n","return_url":"https://x/r","cancel_url":"https://x/c",
            "service_reference":"12345678K"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"subscription_id":"7Kp2R9xTmQ4b",
            "redirect_url":"https://khipu.com/pac-manager/7Kp2R9xTmQ4b"})))
        .expect(1)
        .mount(&server)
        .await;
    let newer = NewSubscription::new("n", "a@b.cl", 1000, "CLP")
        .max_amount_per_charge(250)
        .notify_url("https://x/n")
        .return_url("https://x/r")
        .cancel_url("https://x/c")
        .service_reference("12345678K");
    assert_eq!(
        c.subscribe(&newer).await.unwrap().subscription_id,
        "7Kp2R9xTmQ4b"
    );
    let no_notify = NewSubscription::new("n", "a@b.cl", 1000, "CLP")
        .return_url("https://x/r")
        .cancel_url("https://x/c");
    let err = c.subscribe(&no_notify).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "notify_url")
            && err.is_not_sent(),
        "{err:?}"
    );
    let err = c
        .subscribe(&curl_sample().max_amount_per_charge(0))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "max_amount_per_charge"),
        "{err:?}"
    );
}

#[tokio::test]
async fn charges_read_200_and_201_and_khipus_422() {
    let (server, c) = setup().await;
    let page_body = json!({"subscription_id":ID,"amount":10000,"subject":"Charge Service XYZ Id 11.222.333-0",
        "body":"Service XYZ - November 2022 - Amount: $10.000","error_response_url":"https://my-domain.biz/charge-error-api",
        "custom":"Custom information content.","transaction_id":"INVOICE-23ffcfbe1e4a4d1c9dc631fe70bddaa0",
        "notify_url":"https://my-domain.biz/charge-notify-api","notify_api_version":"1.3"});
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/charge-intent"))
        .and(body_json(page_body))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"payment_id":"v67prof2ugg3"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/charge-intent"))
        .and(body_json(
            json!({"subscription_id":"s201","amount":9990,"subject":"s",
            "error_response_url":"https://x/e","notify_url":"https://x/n"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"payment_id":"p201"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/charge-intent"))
        .and(body_json(json!({"subscription_id":"s422","amount":9990,"subject":"s",
            "error_response_url":"https://x/e","notify_url":"https://x/n"})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"error_code":"MAX_AMOUNT_PER_CHARGE_EXCEEDED",
            "error_message":"amount exceeds the maximum allowed per charge for this subscription"})))
        .expect(1)
        .mount(&server)
        .await;
    let page = NewCharge::new(ID, 10000, "Charge Service XYZ Id 11.222.333-0")
        .body("Service XYZ - November 2022 - Amount: $10.000")
        .error_response_url("https://my-domain.biz/charge-error-api")
        .custom("Custom information content.")
        .transaction_id("INVOICE-23ffcfbe1e4a4d1c9dc631fe70bddaa0")
        .notify_url("https://my-domain.biz/charge-notify-api")
        .notify_api_version("1.3");
    assert_eq!(c.charge(&page).await.unwrap().payment_id, "v67prof2ugg3");
    let short = |id: &str| {
        NewCharge::new(id, 9990, "s")
            .error_response_url("https://x/e")
            .notify_url("https://x/n")
    };
    assert_eq!(c.charge(&short("s201")).await.unwrap().payment_id, "p201");
    let err = c.charge(&short("s422")).await.unwrap_err();
    let Error::Validation {
        body: Some(body),
        status,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*status, body.code.as_deref()),
        (422, Some("MAX_AMOUNT_PER_CHARGE_EXCEEDED"))
    );
    assert!(
        err.to_string().contains("amount exceeds the maximum"),
        "{err}"
    );
}

#[tokio::test]
async fn writes_are_sent_once_and_a_5xx_after_sending_is_outcome_unknown() {
    let (server, c) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/charge-intent"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/automatic-payment/subscription/{ID}")))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"status":500})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/automatic-payment/subscription"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"subscription_id\":"))
        .expect(1)
        .mount(&server)
        .await;
    let charge = NewCharge::new(ID, 100, "s")
        .error_response_url("https://x/e")
        .notify_url("https://x/n");
    for err in [
        c.charge(&charge).await.unwrap_err(),
        c.cancel(ID).await.unwrap_err(),
        c.subscribe(&curl_sample()).await.unwrap_err(),
    ] {
        assert!(err.is_outcome_unknown(), "{err:?}");
    }
}

#[test]
fn callbacks_are_hints_and_the_charge_notification_is_verified() {
    let hint = hints::subscription(
        format!(r#"{{"subscription_id":"{ID}","status":"enabled"}}"#).as_bytes(),
    )
    .unwrap();
    assert_eq!(
        (hint.subscription_id(), hint.claimed_status()),
        (ID, "enabled")
    );
    let failed = hints::charge_error(
        br#"{"subscription_id":"s","transaction_id":"INVOICE-1","error_message":"amount exceeds the maximum allowed per charge for this subscription","payment_id":"v67prof2ugg3"}"#,
    )
    .unwrap();
    assert_eq!(failed.payment_id(), Some("v67prof2ugg3"));
    let body = br#"{"payment_id":"v67prof2ugg3","receiver_id":985101,"amount":"9990.0000","currency":"CLP","payment_method":"direct_debit"}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let signature = khipu::payments::notification::Verifier::new("merchant-secret").sign(body, now);
    let paid = hints::charge_notification(body, &signature, "merchant-secret").unwrap();
    assert_eq!(paid.payment_id, "v67prof2ugg3");
    assert!(hints::charge_notification(body, &signature, "another-secret").is_err());
}
