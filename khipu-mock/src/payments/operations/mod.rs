//! One handler per operation, by operationId (which the payments versions share while their paths
//! differ), grouped by what they act on.

mod charges;
mod payment;
mod predict;
pub(crate) mod receivers;
mod refunds;
pub(crate) mod subscriptions;

use super::call::Call;
use crate::examples;
use crate::exchange::Reply;
use crate::state::State;

/// Runs the operation `call` is for; one the sandbox keeps no state for answers its example.
pub(crate) async fn run(state: &State, call: &Call<'_>) -> Reply {
    match call.route.operation_id() {
        "postPayment" => payment::create(state, call).await,
        "getPaymentById" => payment::get(state, call).await,
        "postPaymentByToken" => payment::by_token(state, call).await,
        "deletePaymentById" => payment::delete(state, call).await,
        "postPaymentConfirmById" => payment::confirm(state, call).await,
        "postPaymentRefundsById" => refunds::legacy(state, call).await,
        "postRefund" => refunds::refund(state, call).await,
        "voidPaymentById" => refunds::void(state, call).await,
        "getRefundWalletBalance" => refunds::wallet(state).await,
        "getPredict" => predict::one(call),
        "getPredictAll" => predict::all(call),
        "postReceiver" => receivers::create(state, call).await,
        "getReceivers" => receivers::list(state, call).await,
        "createSubscription_1" => subscriptions::create(state, call).await,
        "fetchSubscriptionStatus_1" => subscriptions::get(state, call).await,
        "unsubscribeSubscription_1" => subscriptions::cancel(state, call).await,
        "createCharge_1" => charges::create(state, call).await,
        _ => Reply::json(
            200,
            &examples::response(call.doc, &call.route.operation, "200"),
        ),
    }
}
