//! A new payment, as a person types it, for either payments version.

use khipu_types::{Amount, DateTime};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::body::{check_amount, to_body};
use crate::error::{Context, Error};

use crate::setters::text_setters;

/// A payment to create, built step by step with plain values: the same builder serves
/// Payments v3.0 (`khipu::payments::Client::create_payment`) and v2.0. Constrained values
/// (listed values such as the currency's codes, lengths, patterns) are checked against the
/// API's spec when the request is sent; a value it refuses fails with [`Error::InvalidRequest`]
/// naming the field, and nothing is sent.
///
/// ```
/// use khipu::payments::NewPayment;
///
/// let payment = NewPayment::new(1000, "CLP", "Order 123")
///     .transaction_id("order-123")
///     .notify_url("https://my-shop.example/khipu/notify")
///     .notify_api_version("3.0")
///     .return_url("https://my-shop.example/thanks");
/// # let _ = payment;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewPayment {
    amount: Amount,
    currency: String,
    subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bank_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picture_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contract_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_date: Option<DateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_email: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payer_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payer_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_reminders: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    responsible_user_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_payer_personal_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    integrator_fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collect_account_uuid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirm_timeout_date: Option<DateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mandatory_payment_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    psp_client_merchant_name: Option<String>,
}

impl NewPayment {
    /// `amount` in `currency` (ISO 4217: `CLP`, `USD`...), for `subject` (what the payer sees).
    pub fn new(
        amount: impl Into<Amount>,
        currency: impl Into<String>,
        subject: impl Into<String>,
    ) -> Self {
        Self {
            amount: amount.into(),
            currency: currency.into(),
            subject: subject.into(),
            transaction_id: None,
            custom: None,
            body: None,
            bank_id: None,
            return_url: None,
            cancel_url: None,
            picture_url: None,
            notify_url: None,
            contract_url: None,
            notify_api_version: None,
            expires_date: None,
            send_email: None,
            payer_name: None,
            payer_email: None,
            send_reminders: None,
            responsible_user_email: None,
            fixed_payer_personal_identifier: None,
            integrator_fee: None,
            collect_account_uuid: None,
            confirm_timeout_date: None,
            mandatory_payment_method: None,
            psp_client_merchant_name: None,
        }
    }

    text_setters!(
        /// Your own id for the payment (an order or invoice number); find it again by it.
        transaction_id,
        /// Anything you want back with the payment (a cart as XML, say).
        custom,
        /// A longer description of the charge.
        body,
        /// The bank to pay from (`bank_id` from the banks list).
        bank_id,
        /// Where the payer goes while the payment is verified.
        return_url,
        /// Where the payer goes if they do not pay.
        cancel_url,
        /// A picture of what is sold.
        picture_url,
        /// Where Khipu notifies you once the payment is reconciled.
        notify_url,
        /// A PDF contract the payer signs by paying (needs `fixed_payer_personal_identifier`).
        contract_url,
        /// The notification API version for `notify_url` (`3.0` for signed JSON, `1.3` for a token).
        notify_api_version,
        /// The payer's name (required with `send_email`).
        payer_name,
        /// The payer's e-mail (required with `send_email`).
        payer_email,
        /// The Khipu user responsible for this charge.
        responsible_user_email,
        /// Only this personal identifier (RUT) may pay.
        fixed_payer_personal_identifier,
        /// The integrator's fee, when the account has an integrator.
        integrator_fee,
        /// Which of your collection accounts receives the money.
        collect_account_uuid,
        /// The only payment method allowed (an `id` from the payment methods list).
        mandatory_payment_method,
        /// Payments v3.0: the final merchant a payment service provider charges for.
        psp_client_merchant_name,
    );

    /// The last moment the payer may pay.
    pub fn expires_date(mut self, date: DateTime) -> Self {
        self.expires_date = Some(date);
        self
    }

    /// The payout date, also the last day the payment may be refunded.
    pub fn confirm_timeout_date(mut self, date: DateTime) -> Self {
        self.confirm_timeout_date = Some(date);
        self
    }

    /// Whether Khipu e-mails the payer a payment request (needs `payer_name` and `payer_email`).
    pub fn send_email(mut self, send: bool) -> Self {
        self.send_email = Some(send);
        self
    }

    /// Whether Khipu sends reminders.
    pub fn send_reminders(mut self, send: bool) -> Self {
        self.send_reminders = Some(send);
        self
    }

    /// This payment as the body type `T` of one API version, checked against that version's spec:
    /// a value it refuses, or a field it does not have, fails naming the field.
    pub(crate) fn to_body<T: DeserializeOwned + Serialize>(
        &self,
        context: &Context,
    ) -> Result<T, Error> {
        check_amount(context, "amount", &self.amount)?;
        // The specs type both as `format: date-time` (RFC 3339), which has an offset: one without
        // is refused here, as the server would.
        for (field, date) in [
            ("expires_date", &self.expires_date),
            ("confirm_timeout_date", &self.confirm_timeout_date),
        ] {
            if let Some(date) = date.as_ref().filter(|d| !d.has_offset()) {
                return Err(Error::InvalidRequest {
                    context: context.clone(),
                    field: field.to_owned(),
                    reason: format!(
                        "`{}` has no UTC offset; a date-time needs one (e.g. 2026-12-31T23:59:59-03:00)",
                        crate::error::sanitize(date.as_str())
                    ),
                });
            }
        }
        to_body(self, context)
    }
}
