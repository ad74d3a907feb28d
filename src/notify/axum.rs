//! The receiving kits as axum routes (feature `axum`, axum 0.8): the raw body and the signature
//! header in, the [`Delivery`](super::Delivery)'s status out, the handler called only for what
//! verifies and only once per payment. Users of other frameworks call the inboxes directly.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;

use crate::callback::CallbackHub;

/// The status a kit decided, as axum's type (a kit only ever answers valid statuses).
fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The bank callbacks of `hub`, as a router to nest at the hub's public base path: `POST
/// /{token}` answers as [`CallbackHub::deliver`] says (404 for a guessed URL, 400 for a body that
/// does not decode, 200 delivered).
///
/// ```no_run
/// use khipu::callback::CallbackHub;
///
/// let hub = CallbackHub::new("https://my-api.example/khipu/callbacks")?;
/// let app: axum::Router =
///     axum::Router::new().nest("/khipu/callbacks", khipu::notify::axum::bank_callbacks(hub.clone()));
/// # Ok::<(), khipu::Error>(())
/// ```
pub fn bank_callbacks<S>(hub: CallbackHub) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    axum::Router::new().route(
        "/{token}",
        post(move |Path(token): Path<String>, body: Bytes| {
            let hub = hub.clone();
            async move { status(hub.deliver(&token, &body).await) }
        }),
    )
}

/// A `POST` route answering each request with the [`Delivery`](super::Delivery) `receive` makes
/// of its headers and body: every notification route is this, over its inbox.
#[cfg(any(
    feature = "payments-v3-0",
    feature = "payments-v2-0",
    feature = "automatic-payments-v1-0"
))]
fn delivering<S, I, F, R, Fut>(inbox: I, handle: F, receive: R) -> axum::routing::MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    I: Send + Sync + 'static,
    F: Clone + Send + Sync + 'static,
    R: Fn(std::sync::Arc<I>, axum::http::HeaderMap, Bytes, F) -> Fut
        + Clone
        + Send
        + Sync
        + 'static,
    Fut: std::future::Future<Output = super::Delivery> + Send + 'static,
{
    let inbox = std::sync::Arc::new(inbox);
    post(move |headers: axum::http::HeaderMap, body: Bytes| {
        let (inbox, handle, receive) = (inbox.clone(), handle.clone(), receive.clone());
        async move { status(receive(inbox, headers, body, handle).await.status()) }
    })
}

/// `POST` route for Payments v3.0 notifications: mount it at your `notify_url`'s path.
///
/// ```no_run
/// use khipu::notify::{PaymentInbox, axum::payment_notifications};
///
/// let app: axum::Router = axum::Router::new().route(
///     "/khipu/notify",
///     payment_notifications(PaymentInbox::new("merchant-secret"), |paid| async move {
///         println!("ship the order of {}", paid.payment_id); // Err(..) answers 500: Khipu retries
///         Ok::<(), String>(())
///     }),
/// );
/// ```
#[cfg(feature = "payments-v3-0")]
pub fn payment_notifications<S, F, Fut, E>(
    inbox: super::PaymentInbox,
    handle: F,
) -> axum::routing::MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(crate::payments::api::types::PaymentNotification) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    delivering(inbox, handle, |inbox, headers, body, handle| async move {
        let signature = headers
            .get(crate::payments::notification::SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok());
        inbox.receive(&body, signature, handle).await
    })
}

/// `POST` route for Payments v2.0 notifications: each is read back with the inbox's signed
/// client, and the handler gets the payment, once.
#[cfg(feature = "payments-v2-0")]
pub fn payment_notifications_v2<S, F, Fut, E>(
    inbox: super::PaymentV2Inbox,
    handle: F,
) -> axum::routing::MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(crate::payments::v2::types::PaymentsResponse) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    delivering(inbox, handle, |inbox, _, body, handle| async move {
        inbox.receive(&body, handle).await
    })
}

/// `POST` route for Automatic Payments subscription notices: each is confirmed by reading the
/// subscription, and the handler gets Khipu's status, once per subscription and status.
#[cfg(feature = "automatic-payments-v1-0")]
pub fn subscription_notices<S, F, Fut, E>(
    inbox: super::SubscriptionInbox,
    handle: F,
) -> axum::routing::MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(crate::automatic_payments::api::types::SubscriptionStatus) -> Fut
        + Clone
        + Send
        + Sync
        + 'static,
    Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    delivering(inbox, handle, |inbox, _, body, handle| async move {
        inbox.receive(&body, handle).await
    })
}
