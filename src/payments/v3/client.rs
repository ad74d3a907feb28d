//! The v3.0 payments client.

use std::fmt;

use super::api::{self, types};
use crate::Call;
use crate::config::Config;
use crate::error::{Context, Error};
use crate::payments::NewPayment;

/// A Payments API v3.0 client: JSON over HTTPS with the merchant's `x-api-key`.
///
/// ```no_run
/// # async fn run() -> Result<(), khipu::Error> {
/// use khipu::payments::{Client, NewPayment};
/// use khipu::{Config, Credentials};
///
/// let config = Config::new(Credentials::api_key("<merchant API key>"));
/// let client = Client::new(&config)?;
/// let created = client
///     .create_payment(
///         &NewPayment::new(1000, "CLP", "Order 123")
///             .transaction_id("order-123")
///             .notify_url("https://my-shop.example/khipu/notify")
///             .notify_api_version("3.0"),
///     )
///     .await?;
/// println!("send the payer to {}", created.payment_url);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(super) api: api::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("payments::Client")
            .field(
                "base_url",
                &progenitor_client::ClientInfo::baseurl(&self.api),
            )
            .finish()
    }
}

impl Client {
    /// A client built from `config` like every client of the SDK; the credentials must be an API
    /// key ([`Credentials::api_key`](crate::Credentials::api_key)), sent as `x-api-key`.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Self {
            api: config.client()?,
        })
    }

    /// The generated client, for anything this facade does not cover.
    pub fn api(&self) -> &api::Client {
        &self.api
    }

    /// Banks the payer can use. Retried on 5xx.
    pub async fn banks(&self) -> Result<types::BankGetBanks, Error> {
        self.api.get_banks().call().await
    }

    /// Creates a payment. Never retried: on a 5xx, an undecodable answer or a timeout the error is
    /// [`Error::OutcomeUnknown`]; look the payment up by your `transaction_id` first.
    pub async fn create_payment(
        &self,
        payment: &NewPayment,
    ) -> Result<types::PostPaymentResponse, Error> {
        let context = Context::of(&api::operations::POST_PAYMENT);
        let body: types::PaymentPostPayment = payment.to_body(&context)?;
        self.api.post_payment().body(body.clone()).call().await
    }

    /// The payment with this id. Retried on 5xx.
    pub async fn payment(&self, id: &str) -> Result<types::PaymentGetPayment, Error> {
        self.api.get_payment_by_id().id(id).call().await
    }

    /// Deletes a pending payment (irreversible). Never retried.
    pub async fn delete_payment(&self, id: &str) -> Result<types::Success, Error> {
        self.api.delete_payment_by_id().id(id).call().await
    }

    /// Confirms a payment (a separately contracted feature). Never retried.
    pub async fn confirm_payment(&self, id: &str) -> Result<types::Success, Error> {
        self.api.post_payment_confirm_by_id().id(id).call().await
    }

    /// Creates a collection account for an integrator (a separately contracted feature). Never
    /// retried.
    pub async fn create_receiver(
        &self,
        body: types::builder::ReceiverPostReceiver,
    ) -> Result<types::PostReceiverResponse, Error> {
        self.api.post_receiver().body(body.clone()).call().await
    }

    /// Payment methods of a collection account. Retried on 5xx.
    pub async fn payment_methods(
        &self,
        merchant_id: u64,
    ) -> Result<types::MerchantGetPaymentMethods, Error> {
        let context = Context::of(&api::operations::GET_MERCHANT_PAYMENT_METHODS_BY_ID);
        let id = crate::body::whole_id(&context, merchant_id)?;
        self.api
            .get_merchant_payment_methods_by_id()
            .id(id)
            .call()
            .await
    }
}
