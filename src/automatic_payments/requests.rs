//! A subscription and a charge, as a person types them.

use khipu_types::Amount;
use serde::Serialize;

use crate::setters::text_setters;

/// A subscription to create. `notify_url`, `return_url` and `cancel_url` are required: one left
/// out fails with [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming it, and nothing
/// is sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewSubscription {
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) max_amount: Amount,
    pub(crate) currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_amount_per_charge: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

impl NewSubscription {
    /// A subscription called `name` for the customer at `email`, charging at most `max_amount`
    /// `currency` (per charge on Khipu's pages; per month in its newer revision, which also takes
    /// [`max_amount_per_charge`](Self::max_amount_per_charge)).
    pub fn new(
        name: impl Into<String>,
        email: impl Into<String>,
        max_amount: impl Into<Amount>,
        currency: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            email: email.into(),
            max_amount: max_amount.into(),
            currency: currency.into(),
            max_amount_per_charge: None,
            notify_url: None,
            return_url: None,
            cancel_url: None,
            service_reference: None,
            image_url: None,
            description: None,
        }
    }

    /// The most a single charge may take (Khipu's newer revision requires it; at most
    /// `max_amount`).
    pub fn max_amount_per_charge(mut self, amount: impl Into<Amount>) -> Self {
        self.max_amount_per_charge = Some(amount.into());
        self
    }

    pub(crate) fn amounts(&self) -> impl Iterator<Item = (&'static str, &Amount)> {
        std::iter::once(("max_amount", &self.max_amount)).chain(
            self.max_amount_per_charge
                .iter()
                .map(|a| ("max_amount_per_charge", a)),
        )
    }

    text_setters!(
        /// Where Khipu POSTs its notice when the customer signs (or the subscription ends).
        notify_url,
        /// Where the customer goes once they signed.
        return_url,
        /// Where the customer goes if signing could not be completed.
        cancel_url,
        /// Shown in the bank's mandate form instead of a random string.
        service_reference,
        /// An image of the subscription.
        image_url,
        /// A longer description, shown at the bank.
        description,
    );
}

/// A charge on an enabled subscription. `notify_url` and `error_response_url` are required.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewCharge {
    pub(crate) subscription_id: String,
    pub(crate) amount: Amount,
    subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_response_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
}

impl NewCharge {
    /// A charge of `amount` (in the currency of the merchant's account) on subscription
    /// `subscription_id`, for `subject`.
    pub fn new(
        subscription_id: impl Into<String>,
        amount: impl Into<Amount>,
        subject: impl Into<String>,
    ) -> Self {
        Self {
            subscription_id: subscription_id.into(),
            amount: amount.into(),
            subject: subject.into(),
            notify_url: None,
            error_response_url: None,
            notify_api_version: None,
            body: None,
            custom: None,
            transaction_id: None,
        }
    }

    text_setters!(
        /// Where Khipu notifies the payment once the charge is reconciled (a payment notification).
        notify_url,
        /// Where Khipu POSTs if the charge fails.
        error_response_url,
        /// The notification API of `notify_url`: `3.0` for a signed JSON notification, `1.3` for a token.
        notify_api_version,
        /// The charge's description (required on Khipu's pages).
        body,
        /// Free data kept with the charge (required on Khipu's pages).
        custom,
        /// Your own id for the charge, an invoice number (required on Khipu's pages).
        transaction_id,
    );
}
