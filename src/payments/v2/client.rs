//! The signed payments client.

use std::fmt;
use std::time::Duration;

use khipu_types::Amount;
use khipu_types::auth::{Auth, Credential};
use khipu_types::client::Options;
use progenitor_client::ClientInfo;

use super::api as v2_0;
use super::notification::{Expected, Notification, VerifyError};
use super::types;
use crate::config::RetryPolicy;
use crate::payments::call::{self, Op, http_client, write};
use crate::payments::error::PaymentsError;

/// Khipu's production base URL for the Payments API (paths start with `/2.0`).
pub const DEFAULT_BASE_URL: &str = "https://khipu.com/api";

/// A Payments API v2.0 client for one collection account (receiver).
#[derive(Clone)]
pub struct Client {
    api: v2_0::Client,
    receiver_id: String,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("payments::Client")
            .field("receiver_id", &self.receiver_id)
            .field("base_url", &self.api.baseurl())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for Khipu's production API.
    pub fn new(
        receiver_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Self, PaymentsError> {
        Self::with_base_url(receiver_id, secret, DEFAULT_BASE_URL)
    }

    /// A client for another base URL (a sandbox); plain `http` only to loopback addresses.
    pub fn with_base_url(
        receiver_id: impl Into<String>,
        secret: impl Into<String>,
        base_url: &str,
    ) -> Result<Self, PaymentsError> {
        let receiver_id = receiver_id.into();
        let url = crate::config::check_base_url(base_url).map_err(PaymentsError::Config)?;
        let base = url.as_str().trim_end_matches('/');
        let http = http_client(base, khipu_types::http::DEFAULT_TIMEOUT)?;
        let auth = Auth::new(&v2_0::AUTH, Credential::signed(receiver_id.clone(), secret))
            .map_err(|e| PaymentsError::Config(e.to_string()))?;
        let api = v2_0::Client::new_with_client(base, http, Options::new(auth));
        Ok(Self {
            api,
            receiver_id,
            retry: RetryPolicy::default(),
        })
    }

    /// Sets how the safe reads retry 503s and transport failures.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the timeout of each attempt.
    pub fn timeout(self, timeout: Duration) -> Result<Self, PaymentsError> {
        let http = http_client(self.api.baseurl(), timeout)?;
        let options = self.api.inner().clone();
        Ok(Self {
            api: v2_0::Client::new_with_client(self.api.baseurl(), http, options),
            ..self
        })
    }

    /// Sets the largest answer read, in bytes (default
    /// [`khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB); a larger one is
    /// [`PaymentsError::TooLarge`], found while it streams.
    pub fn max_response_bytes(self, bytes: usize) -> Self {
        let options = self.api.inner().clone().max_response_bytes(bytes);
        Self {
            api: v2_0::Client::new_with_client(
                self.api.baseurl(),
                self.api.client().clone(),
                options,
            ),
            ..self
        }
    }

    fn op(&self, name: &'static str) -> Op {
        Op::new("payments v2.0", name, self.api.inner())
    }

    /// The collection account this client signs for.
    pub fn receiver_id(&self) -> &str {
        &self.receiver_id
    }

    /// The generated client, for anything this facade does not cover.
    pub fn api(&self) -> &v2_0::Client {
        &self.api
    }

    /// Banks the payer can use with this collection account. Retried on 5xx.
    pub async fn banks(&self) -> Result<types::BanksResponse, PaymentsError> {
        self.read("getBanks", || self.api.get_banks().send()).await
    }

    /// Creates a payment. Never retried automatically: a retry could create it twice.
    pub async fn create_payment(
        &self,
        body: types::builder::PaymentsCreateRequest,
    ) -> Result<types::PaymentsCreateResponse, PaymentsError> {
        write(
            self.op("postPayment"),
            self.api.post_payment().body(body).send(),
        )
        .await
    }

    /// The payment with this id. Retried on 5xx.
    pub async fn payment(&self, id: &str) -> Result<types::PaymentsResponse, PaymentsError> {
        self.read("getPaymentById", || {
            self.api.get_payment_by_id().id(id).send()
        })
        .await
    }

    /// The payment a notification token refers to. Retried on 5xx.
    pub async fn payment_by_notification_token(
        &self,
        token: &str,
    ) -> Result<types::PaymentsResponse, PaymentsError> {
        self.read("postPaymentByToken", || {
            self.api
                .post_payment_by_token()
                .notification_token(token)
                .send()
        })
        .await
    }

    /// Deletes a pending payment (irreversible). Never retried.
    pub async fn delete_payment(&self, id: &str) -> Result<types::SuccessResponse, PaymentsError> {
        write(
            self.op("deletePaymentById"),
            self.api.delete_payment_by_id().id(id).send(),
        )
        .await
    }

    /// Confirms a payment (a separately contracted feature).
    pub async fn confirm_payment(&self, id: &str) -> Result<types::SuccessResponse, PaymentsError> {
        write(
            self.op("postPaymentConfirmById"),
            self.api.post_payment_confirm_by_id().id(id).send(),
        )
        .await
    }

    /// Refunds a payment, in full or `amount` of it.
    pub async fn refund_payment(
        &self,
        id: &str,
        amount: Option<Amount>,
    ) -> Result<types::SuccessResponse, PaymentsError> {
        let body = types::RefundRequest::builder().amount(amount);
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

    /// Creates a collection account for an integrator (a separately contracted feature).
    pub async fn create_receiver(
        &self,
        body: types::builder::ReceiversCreateRequest,
    ) -> Result<types::ReceiversCreateResponse, PaymentsError> {
        write(
            self.op("postReceiver"),
            self.api.post_receiver().body(body).send(),
        )
        .await
    }

    /// Payment methods of a collection account (this client's by default). Retried on 5xx.
    pub async fn payment_methods(
        &self,
        merchant_id: Option<&str>,
    ) -> Result<types::PaymentMethodsResponse, PaymentsError> {
        let id = merchant_id.unwrap_or(&self.receiver_id);
        let numeric: f64 = id.parse().map_err(|_| PaymentsError::InvalidRequest {
            operation: "getMerchantPaymentMethodsById",
            message: format!("merchant id `{id}` is not a number"),
        })?;
        self.read("getMerchantPaymentMethodsById", || {
            self.api
                .get_merchant_payment_methods_by_id()
                .id(numeric)
                .send()
        })
        .await
    }

    /// Fetches the payment a notification names and checks it is the one the merchant expects:
    /// this receiver, the amount and currency, the transaction id, and status `done`. Deliver the
    /// goods only on `Ok`.
    pub async fn verify_notification(
        &self,
        notification: &Notification,
        expected: &Expected,
    ) -> Result<types::PaymentsResponse, VerifyError> {
        let payment = self
            .payment_by_notification_token(&notification.notification_token)
            .await
            .map_err(VerifyError::Fetch)?;
        expected.check(&self.receiver_id, &payment)?;
        Ok(payment)
    }

    async fn read<T, F, Fut>(&self, operation: &'static str, call: F) -> Result<T, PaymentsError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<
                Output = Result<
                    progenitor_client::ResponseValue<T>,
                    progenitor_client::Error<types::ErrorResponse>,
                >,
            >,
    {
        call::read(&self.retry, self.op(operation), call).await
    }
}
