//! The signed payments client.

use std::fmt;

use khipu_types::auth::Credentials;

use super::api as v2_0;
use super::notification::{Expected, Notification, VerifyError};
use super::types;
use crate::Call;
use crate::body::check_amount;
use crate::config::Config;
use crate::error::{Context, Error};
use crate::payments::{NewPayment, Refund};

/// A Payments API v2.0 client for one collection account (receiver): every request signed with
/// its secret.
#[derive(Clone)]
pub struct Client {
    api: v2_0::Client,
    receiver_id: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("payments::v2::Client")
            .field("receiver_id", &self.receiver_id)
            .field(
                "base_url",
                &progenitor_client::ClientInfo::baseurl(&self.api),
            )
            .finish()
    }
}

/// This API's name in errors and traces.
const API: &str = <v2_0::Client as khipu_types::client::ApiClient>::NAME;

impl Client {
    /// A client built from `config` like every client of the SDK; the credentials must be the
    /// collection account's id and secret ([`Credentials::signed`]).
    pub fn new(config: &Config) -> Result<Self, Error> {
        let Credentials::Signed(signer) = &config.credentials else {
            return Err(Error::Config(format!(
                "{API}: requests are signed: use Credentials::signed(receiver_id, secret)"
            )));
        };
        let receiver_id = signer.receiver_id().to_owned();
        Ok(Self {
            api: config.client()?,
            receiver_id,
        })
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
    pub async fn banks(&self) -> Result<types::BanksResponse, Error> {
        self.api.get_banks().call().await
    }

    /// Creates a payment. Never retried: a failure after sending is
    /// [`Error::OutcomeUnknown`]; look the payment up before trying again.
    pub async fn create_payment(
        &self,
        payment: &NewPayment,
    ) -> Result<types::PaymentsCreateResponse, Error> {
        let context = Context::of(&v2_0::operations::POST_PAYMENT);
        let body: types::PaymentsCreateRequest = payment.to_body(&context)?;
        self.api.post_payment().body(body.clone()).call().await
    }

    /// The payment with this id. Retried on 5xx.
    pub async fn payment(&self, id: &str) -> Result<types::PaymentsResponse, Error> {
        self.api.get_payment_by_id().id(id).call().await
    }

    /// The payment a notification token refers to. Retried on 5xx.
    pub async fn payment_by_notification_token(
        &self,
        token: &str,
    ) -> Result<types::PaymentsResponse, Error> {
        self.api
            .post_payment_by_token()
            .notification_token(token)
            .call()
            .await
    }

    /// Deletes a pending payment (irreversible). Never retried.
    pub async fn delete_payment(&self, id: &str) -> Result<types::SuccessResponse, Error> {
        self.api.delete_payment_by_id().id(id).call().await
    }

    /// Confirms a payment (a separately contracted feature). Never retried.
    pub async fn confirm_payment(&self, id: &str) -> Result<types::SuccessResponse, Error> {
        self.api.post_payment_confirm_by_id().id(id).call().await
    }

    /// Refunds a payment, in full or in part, as v3.0's `refund` does. Never retried.
    pub async fn refund(&self, id: &str, refund: Refund) -> Result<types::SuccessResponse, Error> {
        let context = Context::of(&v2_0::operations::POST_PAYMENT_REFUNDS_BY_ID);
        let amount = match refund {
            Refund::Full => None,
            Refund::Partial(amount) => {
                check_amount(&context, "amount", &amount)?;
                Some(amount)
            }
        };
        let body = types::RefundRequest::builder().amount(amount);
        self.api
            .post_payment_refunds_by_id()
            .id(id)
            .body(body)
            .call()
            .await
    }

    /// Creates a collection account for an integrator (a separately contracted feature). Never
    /// retried.
    pub async fn create_receiver(
        &self,
        body: types::builder::ReceiversCreateRequest,
    ) -> Result<types::ReceiversCreateResponse, Error> {
        self.api.post_receiver().body(body.clone()).call().await
    }

    /// Payment methods of a collection account (this client's is
    /// [`receiver_id`](Self::receiver_id)). Retried on 5xx.
    pub async fn payment_methods(
        &self,
        merchant_id: u64,
    ) -> Result<types::PaymentMethodsResponse, Error> {
        let context = Context::of(&v2_0::operations::GET_MERCHANT_PAYMENT_METHODS_BY_ID);
        let id = crate::body::whole_id(&context, merchant_id)?;
        self.api
            .get_merchant_payment_methods_by_id()
            .id(id)
            .call()
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
}
