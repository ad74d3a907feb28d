//! The Automatic Payments client.

use std::fmt;

use super::api::{self, types};
use super::hints::{ChargeErrorHint, SubscriptionHint};
use super::requests::{NewCharge, NewSubscription};
use crate::Call;
use crate::body::{check_amount, to_body};
use crate::config::Config;
use crate::error::{Context, Error};

/// An Automatic Payments (PAC) client: JSON over HTTPS with the merchant's `x-api-key`.
#[derive(Clone)]
pub struct Client {
    api: api::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("automatic_payments::Client")
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

    /// Creates a subscription: send the customer to its `redirect_url` to sign the mandate at
    /// their bank. Never retried.
    pub async fn subscribe(
        &self,
        subscription: &NewSubscription,
    ) -> Result<types::SubscriptionCreationResult, Error> {
        let context = Context::of(&api::operations::CREATE_SUBSCRIPTION_1);
        for (field, amount) in subscription.amounts() {
            check_amount(&context, field, amount)?;
        }
        let body: types::SubscriptionCreationRequest = to_body(subscription, &context)?;
        self.api
            .create_subscription_1()
            .body(body.clone())
            .call()
            .await
    }

    /// The subscription's current status; charges are possible only while it is `ENABLED`.
    /// Retried on 5xx.
    pub async fn subscription(&self, id: &str) -> Result<types::SubscriptionStatus, Error> {
        self.api.fetch_subscription_status_1().id(id).call().await
    }

    /// The status of the subscription a notice names: what to act on, since the notice itself
    /// is unsigned.
    pub async fn subscription_of(
        &self,
        hint: &SubscriptionHint,
    ) -> Result<types::SubscriptionStatus, Error> {
        self.subscription(hint.subscription_id()).await
    }

    /// The charge a failure notice names, read back: the payment, when the notice says which
    /// (Khipu's newer revision does). Read it with the payments client (`GET /v3/payments/{id}`).
    pub fn payment_of<'h>(&self, hint: &'h ChargeErrorHint) -> Option<&'h str> {
        hint.payment_id()
    }

    /// Ends a subscription: no new charges are accepted (charges the bank is processing may still
    /// complete); it cannot be undone. Known only from third-party code: Khipu's pages do not
    /// show it. Never retried.
    pub async fn cancel(&self, id: &str) -> Result<types::SubscriptionStatus, Error> {
        self.api.unsubscribe_subscription_1().id(id).call().await
    }

    /// Charges an enabled subscription. The charge becomes a Khipu payment (`payment_id`), read
    /// with the payments client; its `notify_url` receives the payment's notification. Never
    /// retried: an [`Error::OutcomeUnknown`] charge must be looked up before a second try.
    pub async fn charge(&self, charge: &NewCharge) -> Result<types::ChargeResult, Error> {
        let context = Context::of(&api::operations::CREATE_CHARGE_1);
        check_amount(&context, "amount", &charge.amount)?;
        let body: types::ChargeRequest = to_body(charge, &context)?;
        self.api.create_charge_1().body(body.clone()).call().await
    }
}
