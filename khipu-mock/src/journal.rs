//! What the sandbox delivered and what it was asked, for tests to read: bounded (the last
//! 1,000 of each), credentials never kept. A leaf module.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

/// How many records of each kind are kept.
const KEEP: usize = 1_000;

/// One delivery attempt of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The payment it is about.
    pub payment_id: String,
    /// The URL it went to (a password in it redacted).
    pub url: String,
    /// 1 for the first delivery, 2 for the first retry...
    pub attempt: u32,
    /// The status the endpoint answered, or why there was none.
    pub outcome: Result<u16, String>,
}

/// One request the sandbox answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// How it authenticated (`bearer`, `x-api-key`, `signature`, `none`); never the credential.
    pub auth: &'static str,
    /// What the sandbox answered.
    pub status: u16,
}

#[derive(Default)]
pub(crate) struct Journal {
    deliveries: Mutex<VecDeque<DeliveryRecord>>,
    requests: Mutex<VecDeque<RequestRecord>>,
}

fn push<T>(queue: &Mutex<VecDeque<T>>, record: T) {
    let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
    queue.push_back(record);
    while queue.len() > KEEP {
        queue.pop_front();
    }
}

fn all<T: Clone>(queue: &Mutex<VecDeque<T>>) -> Vec<T> {
    queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .cloned()
        .collect()
}

impl Journal {
    pub(crate) fn delivered(&self, record: DeliveryRecord) {
        push(&self.deliveries, record);
    }

    pub(crate) fn answered(&self, record: RequestRecord) {
        push(&self.requests, record);
    }

    pub(crate) fn deliveries(&self) -> Vec<DeliveryRecord> {
        all(&self.deliveries)
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        all(&self.requests)
    }
}
