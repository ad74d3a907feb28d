//! Bank results that arrive later, correlated: the Open Data API answers a request with a
//! CallbackUrl `202 Accepted` (an `OperationId` and a `LifeSpan`, the latest delivery time), and
//! POSTs the result to that URL later, unsigned, to a URL that must be public. A [`CallbackHub`]
//! gives each request its own URL (a public base plus 32 random bytes), so a stranger who guesses
//! the base cannot post fake bank data (an unknown token is 404 and never reaches the
//! application), and [`CallbackHub::wait`] resolves to the same [`Reply`] the synchronous call
//! gives, or to [`Error::Callback`] once the `LifeSpan` passes (Khipu's `LIFESPAN_EXCEEDED`) or the
//! hub shuts down.
//!
//! The receiving end is framework-free: [`CallbackHub::deliver`] takes the URL's last segment and
//! the body and gives the HTTP status to answer (`khipu::notify::axum::bank_callbacks` mounts it
//! with the `axum` feature).
//!
//! Bounded: at most `max_pending` requests wait at once (1,000 by default; more is
//! [`Error::Callback`] before anything is sent) and a body is at most `max_body_bytes` (32 MiB).
//!
//! Restarts: a ticket's token is 16 random bytes and their HMAC under the hub's key, so a hub
//! recognises its own tickets without remembering them. With a key that survives restarts
//! ([`CallbackHub::key`]) and a [`CallbackStore`] that does too, a result that arrives while no
//! one waits (the process restarted) is kept, and [`CallbackHub::resume`] waits for it again from
//! the ticket's URL. By default the key is random per process and the store is in memory: after a
//! restart, results for earlier tickets are answered 404 and lost; ask again.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use khipu_types::banking::Container;
use tokio::sync::oneshot;

use crate::bank::BoxFuture;
use crate::error::Error;
use crate::recent::Recent;
use crate::reply::Reply;

/// Where results that arrive while no one waits for them are kept (a restart in between):
/// implement it over your database, with a [`CallbackHub::key`] that survives restarts too.
pub trait CallbackStore: Send + Sync + 'static {
    /// Keeps the result that arrived for `token` (a second one for the same token is ignored).
    fn put<'a>(&'a self, token: &'a str, body: &'a [u8]) -> BoxFuture<'a, Result<(), String>>;
    /// The result kept for `token`, forgotten once taken.
    fn take<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>>;
}

/// The default store: in memory, the last 1,000 results.
#[derive(Debug)]
pub struct MemoryStore {
    results: Mutex<(HashMap<String, Vec<u8>>, Recent)>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self {
            results: Mutex::new((HashMap::new(), Recent::new(1_000))),
        }
    }
}

impl CallbackStore for MemoryStore {
    fn put<'a>(&'a self, token: &'a str, body: &'a [u8]) -> BoxFuture<'a, Result<(), String>> {
        let mut results = self.results.lock().unwrap_or_else(PoisonError::into_inner);
        let (kept, order) = &mut *results;
        if !kept.contains_key(token) {
            kept.insert(token.to_owned(), body.to_vec());
            for old in order.insert(token) {
                kept.remove(&old);
            }
        }
        Box::pin(async { Ok(()) })
    }

    fn take<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        let taken = self
            .results
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .remove(token);
        Box::pin(async move { Ok(taken) })
    }
}

/// How long [`CallbackHub::wait`] waits when the 202 carried no `LifeSpan`.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15 * 60);

/// A request's own callback URL, for results holding `C` (`TransactionsData`...).
#[derive(Debug)]
pub struct Ticket<C> {
    token: String,
    url: String,
    container: PhantomData<fn() -> C>,
}

impl<C> Ticket<C> {
    /// The URL to give as the request's CallbackUrl.
    pub fn url(&self) -> &str {
        &self.url
    }
}

struct Pending {
    /// Checks a body decodes as the ticket's container (so a bad one is 400 at once).
    decodes: fn(&[u8]) -> Result<(), Error>,
    deliver: Option<oneshot::Sender<Vec<u8>>>,
    receive: Option<oneshot::Receiver<Vec<u8>>>,
}

struct Inner {
    pending: HashMap<String, Pending>,
    /// Tokens already delivered (the last 10,000): a second delivery is answered 200, ignored.
    delivered: Recent,
    closed: bool,
}

/// Correlates bank callbacks with the requests that asked for them. Clones share one hub.
#[derive(Clone)]
pub struct CallbackHub {
    base: String,
    key: Arc<[u8; 32]>,
    store: Arc<dyn CallbackStore>,
    max_pending: usize,
    max_body: usize,
    default_wait: Duration,
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for CallbackHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackHub")
            .field("base", &khipu_types::display::redact_url(&self.base))
            .field("max_pending", &self.max_pending)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

fn decodes<C: Container>(body: &[u8]) -> Result<(), Error> {
    super::parse::<C>(body).map(|_| ())
}

impl CallbackHub {
    /// A hub whose URLs start with `public_base` (where its receiving route is mounted, as the
    /// Internet reaches it: `https://my-api.example/khipu/callbacks`).
    pub fn new(public_base: &str) -> Result<Self, Error> {
        let parsed = url::Url::parse(public_base).map_err(|e| {
            Error::Config(format!(
                "callback base `{}` is not a URL: {e}",
                khipu_types::display::redact_url(public_base)
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config("a callback base must be http(s)".into()));
        }
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key)
            .map_err(|e| Error::Config(format!("no randomness for the callback key: {e}")))?;
        Ok(Self {
            base: public_base.trim_end_matches('/').to_owned(),
            key: Arc::new(key),
            store: Arc::new(MemoryStore::default()),
            max_pending: 1_000,
            max_body: khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES,
            default_wait: DEFAULT_WAIT,
            inner: Arc::new(Mutex::new(Inner {
                pending: HashMap::new(),
                delivered: Recent::new(10_000),
                closed: false,
            })),
        })
    }

    /// The key that authenticates this hub's tokens: give the same one after a restart (with a
    /// lasting [`store`](Self::store)) to receive results for tickets issued before it.
    pub fn key(mut self, key: [u8; 32]) -> Self {
        self.key = Arc::new(key);
        self
    }

    /// Where results that arrive while no one waits are kept (in memory by default).
    pub fn store(mut self, store: impl CallbackStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    fn mac(&self, id: &[u8]) -> Vec<u8> {
        khipu_types::mac::hmac_sha256(&self.key[..], &[id])[..16].to_vec()
    }

    /// `true` for a token this hub (or one with its key) issued.
    fn authentic(&self, token: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(token) {
            Ok(bytes) if bytes.len() == 32 => {
                let (id, mac) = bytes.split_at(16);
                let expected = self.mac(id);
                // Constant time: a timing side channel must not help forge a token.
                khipu_types::mac::equal(&expected, mac)
            }
            _ => false,
        }
    }

    /// At most `n` requests waiting at once.
    pub fn max_pending(mut self, n: usize) -> Self {
        self.max_pending = n.max(1);
        self
    }

    /// The largest callback body taken; a larger one is answered 413.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body = n;
        self
    }

    /// How long to wait when the 202 carried no `LifeSpan`.
    pub fn default_wait(mut self, wait: Duration) -> Self {
        self.default_wait = wait;
        self
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new request's callback URL, for results holding `C`. Refused when `max_pending`
    /// requests already wait, or the hub was shut down.
    pub fn ticket<C: Container>(&self) -> Result<Ticket<C>, Error> {
        let mut id = [0u8; 16];
        getrandom::getrandom(&mut id)
            .map_err(|e| Error::Config(format!("no randomness for a callback token: {e}")))?;
        let mut token_bytes = id.to_vec();
        token_bytes.extend(self.mac(&id));
        self.register(URL_SAFE_NO_PAD.encode(token_bytes))
    }

    /// The ticket of `url` (a ticket's URL, kept with the request's `OperationId`), issued before
    /// a restart by a hub with the same key: wait for its result again. Refused for a URL this
    /// hub's key did not issue.
    pub fn resume<C: Container>(&self, url: &str) -> Result<Ticket<C>, Error> {
        let token = url.rsplit('/').next().unwrap_or_default();
        if !self.authentic(token) {
            return Err(callback_error(
                None,
                "not a callback URL this hub's key issued",
            ));
        }
        self.register(token.to_owned())
    }

    fn register<C: Container>(&self, token: String) -> Result<Ticket<C>, Error> {
        let mut inner = self.inner();
        if inner.closed {
            return Err(callback_error(None, "the callback hub was shut down"));
        }
        if inner.pending.len() >= self.max_pending {
            return Err(callback_error(
                None,
                &format!(
                    "{} requests already wait for their callbacks (max_pending)",
                    self.max_pending
                ),
            ));
        }
        let (deliver, receive) = oneshot::channel();
        inner.pending.insert(
            token.clone(),
            Pending {
                decodes: decodes::<C>,
                deliver: Some(deliver),
                receive: Some(receive),
            },
        );
        Ok(Ticket {
            url: format!("{}/{token}", self.base),
            token,
            container: PhantomData,
        })
    }

    /// The result of the request that carried `ticket`'s URL: `reply` itself when it is already
    /// `Ready`; for `Accepted`, the callback's, decoded as the synchronous answer is, or
    /// [`Error::Callback`] once its `LifeSpan` (else the default wait) passes.
    pub async fn wait<C: Container>(
        &self,
        ticket: Ticket<C>,
        reply: Reply<C::Item>,
    ) -> Result<Reply<C::Item>, Error> {
        // A result kept while no one waited (a restart in between) comes first.
        if let Ok(Some(body)) = self.store.take(&ticket.token).await {
            self.inner().pending.remove(&ticket.token);
            return super::parse::<C>(&body);
        }
        let receive = self
            .inner()
            .pending
            .get_mut(&ticket.token)
            .and_then(|p| p.receive.take());
        let Reply::Accepted {
            operation_id,
            life_span,
            ..
        } = reply
        else {
            self.inner().pending.remove(&ticket.token);
            return Ok(reply);
        };
        let Some(receive) = receive else {
            return Err(callback_error(
                Some(&operation_id),
                "this ticket is already being waited for",
            ));
        };
        let wait = life_span
            .as_ref()
            .and_then(khipu_types::DateTime::to_system_time)
            .map(|at| {
                at.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO)
            })
            .unwrap_or(self.default_wait);
        let outcome = tokio::time::timeout(wait, receive).await;
        self.inner().pending.remove(&ticket.token);
        match outcome {
            Ok(Ok(body)) => super::parse::<C>(&body),
            Ok(Err(_)) => Err(callback_error(
                Some(&operation_id),
                "the callback hub was shut down",
            )),
            Err(_) => Err(callback_error(
                Some(&operation_id),
                &format!(
                    "no result by its LifeSpan {} (Khipu's LIFESPAN_EXCEEDED)",
                    life_span
                        .as_ref()
                        .map_or("(none; the hub's default wait)", |l| l.as_str())
                ),
            )),
        }
    }

    /// A POST to `{base}/{token}` with `body`: the HTTP status to answer. 404 for a token this
    /// hub's key did not issue (a guessed URL: the application never sees it), 413 past the body
    /// cap, 400 for a body that does not decode as the ticket's result (the waiter is not woken),
    /// 200 once delivered, and 200 again for a second delivery of the same result (ignored). A
    /// result for a ticket no one waits for here (issued before a restart) is kept in the store
    /// for [`resume`](Self::resume); 500 if the store fails, so Khipu delivers again.
    pub async fn deliver(&self, token: &str, body: &[u8]) -> u16 {
        if body.len() > self.max_body {
            return 413;
        }
        let waiting = {
            let inner = self.inner();
            if inner.delivered.contains(token) {
                return 200;
            }
            inner.pending.contains_key(token)
        };
        if !waiting {
            if !self.authentic(token) {
                return 404;
            }
            return match self.store.put(token, body).await {
                Ok(()) => 200,
                Err(_) => 500,
            };
        }
        let mut inner = self.inner();
        let Some(pending) = inner.pending.get_mut(token) else {
            return 404;
        };
        if (pending.decodes)(body).is_err() {
            return 400;
        }
        if let Some(deliver) = pending.deliver.take() {
            let _ = deliver.send(body.to_vec());
        }
        inner.delivered.insert(token);
        200
    }

    /// Stops the hub: every waiter gets [`Error::Callback`], and no ticket is issued any more.
    pub fn shutdown(&self) {
        let mut inner = self.inner();
        inner.closed = true;
        for pending in inner.pending.values_mut() {
            pending.deliver.take();
        }
    }

    /// Requests waiting now.
    pub fn pending(&self) -> usize {
        self.inner().pending.len()
    }
}

fn callback_error(operation_id: Option<&str>, reason: &str) -> Error {
    Error::Callback {
        operation_id: operation_id.map(str::to_owned),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use khipu_types::banking::TransactionsData;

    use super::*;

    const RESULT: &[u8] = br#"{"OperationId":"op-1","Status":"OK","Data":{"Transaction":[]},"AdditionalInformation":null,"Error":null,"LifeSpan":null}"#;

    fn accepted(life_span: Option<&str>) -> Reply<khipu_types::banking::Transaction> {
        Reply::Accepted {
            operation_id: "op-1".into(),
            life_span: life_span.map(khipu_types::DateTime::from_text),
            additional_information: None,
        }
    }

    #[tokio::test]
    async fn a_result_reaches_its_waiter_once_and_guesses_never_do() {
        let hub = CallbackHub::new("https://shop.example/khipu/callbacks/").unwrap();
        let ticket = hub.ticket::<TransactionsData>().unwrap();
        assert!(
            ticket
                .url()
                .starts_with("https://shop.example/khipu/callbacks/")
        );
        let token = ticket.url().rsplit('/').next().unwrap().to_owned();
        assert_eq!(token.len(), 43);
        assert_eq!(hub.deliver("guessed", RESULT).await, 404);
        assert_eq!(hub.deliver(&token, b"{not json").await, 400);
        let waiting = tokio::spawn({
            let hub = hub.clone();
            async move {
                hub.wait(ticket, accepted(Some("2099-01-01T00:00:00Z")))
                    .await
            }
        });
        tokio::task::yield_now().await;
        assert_eq!(hub.deliver(&token, RESULT).await, 200);
        assert_eq!(
            hub.deliver(&token, RESULT).await,
            200,
            "a second delivery is ignored"
        );
        let reply = waiting.await.unwrap().unwrap();
        assert!(matches!(reply, Reply::Ready { .. }));
        assert_eq!(hub.pending(), 0);
    }

    /// A result that arrives after a restart is kept and found again from the ticket's URL, with
    /// the same key and a lasting store; a guessed token is still 404, and another key's too.
    #[tokio::test]
    async fn a_result_after_a_restart_is_kept_for_the_resumed_ticket() {
        let shared = SharedStore(std::sync::Arc::new(MemoryStore::default()));
        let before = CallbackHub::new("https://shop.example/cb")
            .unwrap()
            .key([7; 32])
            .store(shared.clone());
        let url = before
            .ticket::<TransactionsData>()
            .unwrap()
            .url()
            .to_owned();
        drop(before); // the process restarts
        let after = CallbackHub::new("https://shop.example/cb")
            .unwrap()
            .key([7; 32])
            .store(shared);
        let token = url.rsplit('/').next().unwrap();
        assert_eq!(
            after.deliver(token, RESULT).await,
            200,
            "kept, though no one waits here"
        );
        let mut forged = token.to_owned();
        forged.replace_range(..1, if token.starts_with('A') { "B" } else { "A" });
        assert_eq!(after.deliver(&forged, RESULT).await, 404);
        let stranger = CallbackHub::new("https://shop.example/cb").unwrap();
        assert_eq!(stranger.deliver(token, RESULT).await, 404, "another key");
        assert!(stranger.resume::<TransactionsData>(&url).is_err());
        let ticket = after.resume::<TransactionsData>(&url).unwrap();
        let reply = after.wait(ticket, accepted(None)).await.unwrap();
        assert!(matches!(reply, Reply::Ready { .. }));
    }

    /// A store shared between two hubs, as a database is between two runs.
    #[derive(Clone)]
    struct SharedStore(std::sync::Arc<MemoryStore>);

    impl CallbackStore for SharedStore {
        fn put<'a>(&'a self, token: &'a str, body: &'a [u8]) -> BoxFuture<'a, Result<(), String>> {
            self.0.put(token, body)
        }

        fn take<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
            self.0.take(token)
        }
    }

    #[tokio::test]
    async fn a_past_life_span_and_a_shutdown_are_errors_that_say_so() {
        let hub = CallbackHub::new("http://127.0.0.1:1/cb")
            .unwrap()
            .max_pending(2);
        let late = hub.ticket::<TransactionsData>().unwrap();
        let err = hub
            .wait(late, accepted(Some("2001-01-01T00:00:00Z")))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("LIFESPAN_EXCEEDED"), "{err}");
        let a = hub.ticket::<TransactionsData>().unwrap();
        let _b = hub.ticket::<TransactionsData>().unwrap();
        assert!(hub.ticket::<TransactionsData>().is_err(), "max_pending");
        let waiting = tokio::spawn({
            let hub = hub.clone();
            async move { hub.wait(a, accepted(None)).await }
        });
        tokio::task::yield_now().await;
        hub.shutdown();
        let err = waiting.await.unwrap().unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
    }
}
