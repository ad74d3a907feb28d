//! The receiving kits as axum routes (feature `axum`, axum 0.8): the raw body and the signature
//! header in, the [`Delivery`](super::Delivery)'s status out, the handler called only for what
//! verifies and only once per payment. Users of other frameworks call the inboxes directly.

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{MethodRouter, post};

use super::PaymentInbox;
use crate::payments::types::PaymentNotification;

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
pub fn payment_notifications<S, F, Fut, E>(inbox: PaymentInbox, handle: F) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(PaymentNotification) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let inbox = Arc::new(inbox);
    post(move |headers: HeaderMap, body: Bytes| {
        let (inbox, handle) = (inbox.clone(), handle.clone());
        async move {
            let signature = headers
                .get(crate::payments::notification::SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok());
            let delivery = inbox.receive(&body, signature, handle).await;
            StatusCode::from_u16(delivery.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }
    })
}
