//! What Khipu sends back, received: a notification is verified (or read back from Khipu), then
//! the application's handler runs **at most once successfully** per payment, whatever Khipu's
//! retries and concurrent deliveries do. The core takes bytes and a header and gives a
//! [`Delivery`] whose [`status`](Delivery::status) is the HTTP answer (400 for what does not
//! verify, without calling the handler; 200 once handled or already handled; 500 when the handler
//! failed, so Khipu delivers again). Any web framework can carry it; with the `axum` feature,
//! `khipu::notify::axum` mounts it as a route.
//!
//! Bank results that arrive later at a CallbackUrl are correlated by
//! [`CallbackHub`](crate::callback::CallbackHub) (`axum::bank_callbacks` mounts it).
//!
//! Which deliveries count as the same is decided by a key (the payment id): deliveries with one
//! key run one at a time in this process (a second waits for the first), and a key whose handler
//! succeeded is recorded in a [`Ledger`]. The default [`MemoryLedger`] forgets on restart and
//! keeps the last 100,000 keys; a service with several processes, or that must not handle a
//! payment twice across a restart, gives a ledger of its own (a unique key in its database).

#[cfg(feature = "axum")]
pub mod axum;
mod once;
#[cfg(feature = "payments-v3-0")]
mod payments_v3;
#[cfg(any(feature = "payments-v2-0", feature = "automatic-payments-v1-0"))]
mod readback;

use std::sync::{Mutex, PoisonError};

#[cfg(feature = "payments-v3-0")]
pub use payments_v3::PaymentInbox;
#[cfg(feature = "payments-v2-0")]
pub use readback::PaymentV2Inbox;
#[cfg(feature = "automatic-payments-v1-0")]
pub use readback::SubscriptionInbox;

#[cfg(any(
    feature = "payments-v3-0",
    feature = "payments-v2-0",
    feature = "automatic-payments-v1-0"
))]
pub(crate) use once::Once;

use crate::bank::BoxFuture;
use crate::recent::Recent;

/// What became of one delivery, and what to answer Khipu.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// Verified, and the handler succeeded: answer 200.
    Handled,
    /// Verified, and this key was already handled: the handler was not called; answer 200.
    AlreadyHandled,
    /// It does not verify (bad or stale signature, not a notification): the handler was not
    /// called; answer 400.
    Rejected(String),
    /// Verified, but the handler (or reading Khipu's state, or the ledger) failed: answer 500,
    /// so Khipu delivers it again.
    Failed(String),
}

impl Delivery {
    /// The HTTP status to answer Khipu with.
    pub fn status(&self) -> u16 {
        match self {
            Delivery::Handled | Delivery::AlreadyHandled => 200,
            Delivery::Rejected(_) => 400,
            Delivery::Failed(_) => 500,
        }
    }
}

/// Where handled keys are recorded. Implement it over your database to survive restarts and to
/// share it between processes.
pub trait Ledger: Send + Sync + 'static {
    /// Whether `key` was handled already.
    fn handled<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, String>>;
    /// Records that `key` was handled.
    fn record<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>>;
}

/// The default ledger: in memory, the last `capacity` keys (100,000 unless said), lost on
/// restart.
#[derive(Debug)]
pub struct MemoryLedger {
    keys: Mutex<Recent>,
}

impl Default for MemoryLedger {
    fn default() -> Self {
        Self::with_capacity(100_000)
    }
}

impl MemoryLedger {
    /// Remembers the last `capacity` keys.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            keys: Mutex::new(Recent::new(capacity)),
        }
    }
}

impl Ledger for MemoryLedger {
    fn handled<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, String>> {
        let found = self
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(key);
        Box::pin(async move { Ok(found) })
    }

    fn record<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>> {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key);
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_deliveries_of_one_key_run_once_and_a_failure_lets_the_next_try() {
        let once = Arc::new(Once::new(Arc::new(MemoryLedger::default())));
        let calls = Arc::new(AtomicU32::new(0));
        let failing = once
            .run("p1", || async { Err::<(), _>("database down") })
            .await;
        assert_eq!(failing, Delivery::Failed("database down".into()));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (once, calls) = (once.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                once.run("p1", || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok::<(), String>(())
                })
                .await
            }));
        }
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            statuses.iter().filter(|d| **d == Delivery::Handled).count(),
            1
        );
        assert!(statuses.iter().all(|d| d.status() == 200));
        assert!(once.is_idle(), "no lock left behind");
    }

    #[tokio::test]
    async fn the_memory_ledger_is_bounded() {
        let ledger = MemoryLedger::with_capacity(2);
        for key in ["a", "b", "c"] {
            ledger.record(key).await.unwrap();
        }
        assert!(!ledger.handled("a").await.unwrap());
        assert!(ledger.handled("c").await.unwrap());
    }
}
