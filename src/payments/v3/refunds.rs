//! Giving money back: refunds from the refund wallet, voiding a payment before payout, and the
//! wallet's balance. Every refund and void is a write: sent once, and a failure after it may have
//! reached Khipu is [`Error::OutcomeUnknown`]. Khipu does not de-duplicate refunds: before trying
//! an *outcome unknown* refund again, read the payment back and look for it in its `refunds`.

use khipu_types::Amount;

use super::api::{operations, types};
use super::client::Client;
use crate::Call;
use crate::body::check_amount;
use crate::error::{Context, Error};
use crate::payments::Refund;

impl Client {
    /// Refunds a reconciled payment, in full or in part, from the refund wallet (up to 180 days
    /// after reconciliation; several partial refunds are allowed). Khipu does not de-duplicate
    /// refunds, so this is never retried; an [`Error::OutcomeUnknown`] refund must be looked for
    /// in the payment's `refunds` before a second try.
    ///
    /// ```no_run
    /// # async fn run(client: khipu::payments::Client) -> Result<(), khipu::Error> {
    /// use khipu::payments::Refund;
    ///
    /// let done = client.refund("bdrxk4mn9wqz", Refund::Partial(500.into())).await?;
    /// println!("refunded {} of {}; {} left", done.refunded_amount, done.payment_id, done.remaining);
    /// # Ok(()) }
    /// ```
    pub async fn refund(
        &self,
        payment_id: &str,
        refund: Refund,
    ) -> Result<types::PostRefundResponse, Error> {
        let context = Context::of(&operations::POST_REFUND);
        let body = types::RefundPostRefund {
            payment_id: payment_id.to_owned(),
            type_: match refund {
                Refund::Full => types::RefundPostRefundType::Full,
                Refund::Partial(_) => types::RefundPostRefundType::Partial,
            },
            amount: match refund {
                Refund::Full => None,
                Refund::Partial(amount) => {
                    check_amount(&context, "amount", &amount)?;
                    // Khipu's plugins send the amount as a JSON string.
                    Some(amount.to_wire_text())
                }
            },
        };
        self.api.post_refund().body(body.clone()).call().await
    }

    /// Voids a payment: all of it goes back to the payer. Only for merchants that collect into a
    /// Khipu account, and only before the funds are paid out; a voided payment takes no refunds.
    /// Never retried.
    pub async fn void_payment(&self, id: &str) -> Result<types::Success, Error> {
        self.api.void_payment_by_id().id(id).call().await
    }

    /// The refund wallet's balance; refunds complete only while it covers the day's refunds
    /// (top it up at `add_funds_url`). Retried on 5xx.
    pub async fn refund_wallet(&self) -> Result<types::RefundWalletGetBalance, Error> {
        self.api.get_refund_wallet_balance().call().await
    }

    /// Refunds a payment through the operation Khipu now calls obsolete
    /// (`POST /v3/payments/{id}/refunds`). Never retried.
    #[deprecated(
        note = "Khipu calls this operation obsolete: use `void_payment` to give all of a payment back, or `refund`"
    )]
    pub async fn refund_payment(
        &self,
        id: &str,
        amount: Option<Amount>,
    ) -> Result<types::Success, Error> {
        let context = Context::of(&operations::POST_PAYMENT_REFUNDS_BY_ID);
        if let Some(amount) = &amount {
            check_amount(&context, "amount", amount)?;
        }
        #[allow(
            deprecated,
            reason = "the generated method carries the spec's deprecation"
        )]
        let call = self.api.post_payment_refunds_by_id();
        let body = types::PaymentPostPaymentRefunds::builder().amount(amount);
        call.id(id).body(body).call().await
    }
}
