//! The v3.0 payments client.

use std::fmt;
use std::time::Duration;

use khipu_types::Amount;
use khipu_types::auth::{Auth, Credential};
use khipu_types::client::Options;
use progenitor_client::ClientInfo;

use super::api::{self, types};
use crate::Secret;
use crate::config::RetryPolicy;
use crate::payments::call::{Op, http_client, read, write};
use crate::payments::error::PaymentsError;

/// Khipu's production base URL for the Payments API v3.0 (paths start with `/v3`).
pub const DEFAULT_BASE_URL: &str = "https://payment-api.khipu.com";

/// A Payments API v3.0 client: JSON over HTTPS with the merchant's `x-api-key`.
///
/// ```no_run
/// # async fn run() -> Result<(), khipu::payments::PaymentsError> {
/// use khipu::payments::{Client, types};
///
/// let client = Client::builder()
///     .api_key(std::env::var("KHIPU_API_KEY").unwrap_or_default())
///     .timeout(std::time::Duration::from_secs(10))
///     .build()?;
/// let created = client
///     .create_payment(
///         types::PaymentPostPayment::builder()
///             .amount(1000)
///             .currency(types::PaymentPostPaymentCurrency::Clp)
///             .subject("Order 123")
///             .transaction_id(Some("order-123".parse().unwrap()))
///             .notify_url(Some("https://my-shop.example/khipu/notify".parse().unwrap()))
///             .notify_api_version(Some("3.0".parse().unwrap())),
///     )
///     .await?;
/// println!("send the payer to {}", created.payment_url);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    api: api::Client,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("payments::Client")
            .field("base_url", &self.api.baseurl())
            .field("api_key", &"***")
            .field("retry", &self.retry)
            .finish()
    }
}

/// Builds a [`Client`]: `Client::builder().api_key(..).base_url(..).timeout(..).build()?`.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<Secret>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ClientBuilder {
    /// The merchant's API key (sent as `x-api-key`; never printed).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(Secret::new(key));
        self
    }

    /// Another base URL (a sandbox); plain `http` only to loopback addresses.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Timeout for connecting and for each attempt (default 15 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How the reads retry 5xx and transport failures (writes are never retried).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The largest answer read, in bytes (default
    /// [`khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB); a larger one is
    /// [`PaymentsError::TooLarge`], found while it streams.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// The client, or what is wrong with the settings.
    pub fn build(self) -> Result<Client, PaymentsError> {
        let key = self
            .api_key
            .filter(|k| !k.expose().is_empty())
            .ok_or_else(|| PaymentsError::Config("an API key is required (api_key)".into()))?;
        let base = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let url = crate::config::check_base_url(base).map_err(PaymentsError::Config)?;
        let base = url.as_str().trim_end_matches('/');
        let http = http_client(
            base,
            self.timeout.unwrap_or(khipu_types::http::DEFAULT_TIMEOUT),
        )?;
        let auth = Auth::new(&api::AUTH, Credential::api_key(key.expose()))
            .map_err(|e| PaymentsError::Config(e.to_string()))?;
        Ok(Client {
            api: api::Client::new_with_client(
                base,
                http,
                Options::new(auth).max_response_bytes(
                    self.max_response_bytes
                        .unwrap_or(khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES),
                ),
            ),
            retry: self.retry.unwrap_or_default(),
        })
    }
}

/// The query of [`Client::predict`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PredictQuery {
    /// The payer's e-mail.
    pub payer_email: String,
    /// The payer's bank (`bank_id` from [`Client::banks`]).
    pub bank_id: String,
    /// The amount to pay.
    pub amount: Amount,
    /// ISO 4217 currency code (`CLP`).
    pub currency: String,
}

impl PredictQuery {
    /// A prediction for `payer_email` paying `amount` `currency` from `bank_id`.
    pub fn new(
        payer_email: impl Into<String>,
        bank_id: impl Into<String>,
        amount: impl Into<Amount>,
        currency: impl Into<String>,
    ) -> Self {
        Self {
            payer_email: payer_email.into(),
            bank_id: bank_id.into(),
            amount: amount.into(),
            currency: currency.into(),
        }
    }
}

impl Client {
    fn op(&self, name: &'static str) -> Op {
        Op::new("payments v3.0", name, self.api.inner())
    }

    /// A builder; [`ClientBuilder::api_key`] is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The generated client, for anything this facade does not cover.
    pub fn api(&self) -> &api::Client {
        &self.api
    }

    /// Banks the payer can use. Retried on 5xx.
    pub async fn banks(&self) -> Result<types::BankGetBanks, PaymentsError> {
        read(&self.retry, self.op("getBanks"), || {
            self.api.get_banks().send()
        })
        .await
    }

    /// Creates a payment. Never retried: on a 5xx or a timeout the error is
    /// [`PaymentsError::OutcomeUnknown`]; look the payment up by your `transaction_id` first.
    pub async fn create_payment(
        &self,
        body: types::builder::PaymentPostPayment,
    ) -> Result<types::PaymentPostPayment2, PaymentsError> {
        write(
            self.op("postPayment"),
            self.api.post_payment().body(body).send(),
        )
        .await
    }

    /// The payment with this id. Retried on 5xx.
    pub async fn payment(&self, id: &str) -> Result<types::PaymentGetPayment, PaymentsError> {
        read(&self.retry, self.op("getPaymentById"), || {
            self.api.get_payment_by_id().id(id).send()
        })
        .await
    }

    /// Deletes a pending payment (irreversible). Never retried.
    pub async fn delete_payment(&self, id: &str) -> Result<types::Success, PaymentsError> {
        write(
            self.op("deletePaymentById"),
            self.api.delete_payment_by_id().id(id).send(),
        )
        .await
    }

    /// Confirms a payment (a separately contracted feature). Never retried.
    pub async fn confirm_payment(&self, id: &str) -> Result<types::Success, PaymentsError> {
        write(
            self.op("postPaymentConfirmById"),
            self.api.post_payment_confirm_by_id().id(id).send(),
        )
        .await
    }

    /// Refunds a payment, in full (`None`) or `amount` of it. Never retried: Khipu does not
    /// de-duplicate refunds, so an *outcome unknown* refund must be checked before a second try.
    pub async fn refund_payment(
        &self,
        id: &str,
        amount: Option<Amount>,
    ) -> Result<types::Success, PaymentsError> {
        let body = types::PaymentPostPaymentRefunds::builder().amount(amount);
        write(
            self.op("postPaymentRefundsById"),
            self.api
                .post_payment_refunds_by_id()
                .id(id)
                .body(body)
                .send(),
        )
        .await
    }

    /// Predicts whether a payment would go through. Retried on 5xx.
    pub async fn predict(
        &self,
        query: &PredictQuery,
    ) -> Result<types::PredictGetPredict, PaymentsError> {
        let amount = query.amount.to_wire_text();
        read(&self.retry, self.op("getPredict"), || {
            self.api
                .get_predict()
                .payer_email(query.payer_email.as_str())
                .bank_id(query.bank_id.as_str())
                .amount(amount.as_str())
                .currency(query.currency.as_str())
                .send()
        })
        .await
    }

    /// Creates a collection account for an integrator (a separately contracted feature). Never
    /// retried.
    pub async fn create_receiver(
        &self,
        body: types::builder::ReceiverPostReceiver,
    ) -> Result<types::ReceiverPostReceiver2, PaymentsError> {
        write(
            self.op("postReceiver"),
            self.api.post_receiver().body(body).send(),
        )
        .await
    }

    /// Payment methods of a collection account. Retried on 5xx.
    pub async fn payment_methods(
        &self,
        merchant_id: u64,
    ) -> Result<types::MerchantGetPaymentMethods, PaymentsError> {
        // The document types the id as `number`; ids are whole and far below 2^53, where an f64
        // is exact, which this check keeps true.
        if merchant_id > (1 << 53) {
            return Err(PaymentsError::InvalidRequest {
                operation: "getMerchantPaymentMethodsById",
                message: format!("merchant id {merchant_id} is too large"),
            });
        }
        let id = merchant_id as f64;
        read(
            &self.retry,
            self.op("getMerchantPaymentMethodsById"),
            || self.api.get_merchant_payment_methods_by_id().id(id).send(),
        )
        .await
    }
}
