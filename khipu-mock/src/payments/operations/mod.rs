//! One handler per operation, by operationId (which the payments versions share while their paths
//! differ), grouped by what they act on.

mod charges;
mod payment;
mod predict;
pub(crate) mod receivers;
mod refunds;
pub(crate) mod subscriptions;

use khipu_generated::automatic_payments::v1_0::operations as pac;
use khipu_generated::payments::v2_0::operations as v2;
use khipu_generated::payments::v3_0::operations as v3;

use super::call::Call;
use crate::examples;
use crate::exchange::Reply;
use crate::state::State;

// The operationIds the sandbox keeps state for, from the generated constants: an operation
// renamed in a spec is a compile error here.
const V2_POST_PAYMENT: &str = v2::POST_PAYMENT.id;
const V3_POST_PAYMENT: &str = v3::POST_PAYMENT.id;
const V2_GET_PAYMENT_BY_ID: &str = v2::GET_PAYMENT_BY_ID.id;
const V3_GET_PAYMENT_BY_ID: &str = v3::GET_PAYMENT_BY_ID.id;
const V2_POST_PAYMENT_BY_TOKEN: &str = v2::POST_PAYMENT_BY_TOKEN.id;
const V2_DELETE_PAYMENT_BY_ID: &str = v2::DELETE_PAYMENT_BY_ID.id;
const V3_DELETE_PAYMENT_BY_ID: &str = v3::DELETE_PAYMENT_BY_ID.id;
const V2_POST_PAYMENT_CONFIRM_BY_ID: &str = v2::POST_PAYMENT_CONFIRM_BY_ID.id;
const V3_POST_PAYMENT_CONFIRM_BY_ID: &str = v3::POST_PAYMENT_CONFIRM_BY_ID.id;
const V2_POST_PAYMENT_REFUNDS_BY_ID: &str = v2::POST_PAYMENT_REFUNDS_BY_ID.id;
const V3_POST_PAYMENT_REFUNDS_BY_ID: &str = v3::POST_PAYMENT_REFUNDS_BY_ID.id;
const V3_POST_REFUND: &str = v3::POST_REFUND.id;
const V3_VOID_PAYMENT_BY_ID: &str = v3::VOID_PAYMENT_BY_ID.id;
const V3_GET_REFUND_WALLET_BALANCE: &str = v3::GET_REFUND_WALLET_BALANCE.id;
const V3_GET_PREDICT: &str = v3::GET_PREDICT.id;
const V3_GET_PREDICT_ALL: &str = v3::GET_PREDICT_ALL.id;
const V2_POST_RECEIVER: &str = v2::POST_RECEIVER.id;
const V3_POST_RECEIVER: &str = v3::POST_RECEIVER.id;
const V3_GET_RECEIVERS: &str = v3::GET_RECEIVERS.id;
const PAC_CREATE_SUBSCRIPTION_1: &str = pac::CREATE_SUBSCRIPTION_1.id;
const PAC_FETCH_SUBSCRIPTION_STATUS_1: &str = pac::FETCH_SUBSCRIPTION_STATUS_1.id;
const PAC_UNSUBSCRIBE_SUBSCRIPTION_1: &str = pac::UNSUBSCRIBE_SUBSCRIPTION_1.id;
const PAC_CREATE_CHARGE_1: &str = pac::CREATE_CHARGE_1.id;

/// Runs the operation `call` is for; one the sandbox keeps no state for answers its example.
#[allow(
    unreachable_patterns,
    reason = "v2.0 and v3.0 share these operationIds; both are named so a rename in either spec fails here"
)]
pub(crate) async fn run(state: &State, call: &Call<'_>) -> Reply {
    match call.route.operation_id() {
        V2_POST_PAYMENT | V3_POST_PAYMENT => payment::create(state, call).await,
        V2_GET_PAYMENT_BY_ID | V3_GET_PAYMENT_BY_ID => payment::get(state, call).await,
        V2_POST_PAYMENT_BY_TOKEN => payment::by_token(state, call).await,
        V2_DELETE_PAYMENT_BY_ID | V3_DELETE_PAYMENT_BY_ID => payment::delete(state, call).await,
        V2_POST_PAYMENT_CONFIRM_BY_ID | V3_POST_PAYMENT_CONFIRM_BY_ID => {
            payment::confirm(state, call).await
        }
        V2_POST_PAYMENT_REFUNDS_BY_ID | V3_POST_PAYMENT_REFUNDS_BY_ID => {
            refunds::legacy(state, call).await
        }
        V3_POST_REFUND => refunds::refund(state, call).await,
        V3_VOID_PAYMENT_BY_ID => refunds::void(state, call).await,
        V3_GET_REFUND_WALLET_BALANCE => refunds::wallet(state).await,
        V3_GET_PREDICT => predict::one(call),
        V3_GET_PREDICT_ALL => predict::all(call),
        V2_POST_RECEIVER | V3_POST_RECEIVER => receivers::create(state, call).await,
        V3_GET_RECEIVERS => receivers::list(state, call).await,
        PAC_CREATE_SUBSCRIPTION_1 => subscriptions::create(state, call).await,
        PAC_FETCH_SUBSCRIPTION_STATUS_1 => subscriptions::get(state, call).await,
        PAC_UNSUBSCRIBE_SUBSCRIPTION_1 => subscriptions::cancel(state, call).await,
        PAC_CREATE_CHARGE_1 => charges::create(state, call).await,
        _ => Reply::json(
            200,
            &examples::response(call.doc, &call.route.operation, "200"),
        ),
    }
}
