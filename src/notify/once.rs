//! Runs a handler at most once successfully per key: one delivery of a key at a time, and none
//! after one succeeded.
#![cfg_attr(
    not(any(
        feature = "payments-v3-0",
        feature = "payments-v2-0",
        feature = "automatic-payments-v1-0"
    )),
    allow(dead_code, reason = "the payments inboxes use it")
)]

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Delivery, Ledger, MemoryLedger};

/// Runs a handler at most once successfully per key: one delivery of a key at a time, and none
/// after one succeeded.
pub(crate) struct Once {
    ledger: Arc<dyn Ledger>,
    running: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Once {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Once").finish_non_exhaustive()
    }
}

impl Once {
    /// With the default [`MemoryLedger`].
    pub(crate) fn in_memory() -> Self {
        Self::new(Arc::new(MemoryLedger::default()))
    }

    /// With `ledger`, the application's own.
    pub(crate) fn with(ledger: impl Ledger) -> Self {
        Self::new(Arc::new(ledger))
    }

    pub(crate) fn new(ledger: Arc<dyn Ledger>) -> Self {
        Self {
            ledger,
            running: Mutex::default(),
        }
    }

    pub(crate) async fn run<F, Fut, E>(&self, key: &str, handle: F) -> Delivery
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let turn = {
            let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            running.entry(key.to_owned()).or_default().clone()
        };
        let delivery = {
            let _mine = turn.lock().await;
            match self.ledger.handled(key).await {
                Ok(true) => Delivery::AlreadyHandled,
                Err(e) => Delivery::Failed(format!("the ledger failed: {e}")),
                Ok(false) => match handle().await {
                    Ok(()) => match self.ledger.record(key).await {
                        Ok(()) => Delivery::Handled,
                        // Handled, but not recorded: a later delivery runs the handler again,
                        // which is what the application's own idempotency must then absorb.
                        Err(e) => Delivery::Failed(format!("handled, but the ledger failed: {e}")),
                    },
                    Err(e) => Delivery::Failed(e.to_string()),
                },
            }
        };
        // The last one out removes the key's lock, so the map stays as large as what runs now.
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if Arc::strong_count(&turn) == 2 {
            running.remove(key);
        }
        delivery
    }
}

#[cfg(test)]
impl Once {
    /// No key's lock is left behind.
    pub(crate) fn is_idle(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }
}
