//! One token per source, renewed by one caller at a time. Callers that find the token stale
//! queue behind the one renewing it and take its result, the token or its error, so a hundred
//! concurrent calls cost one token request, and a failing identity server one failure each (not a
//! hundred requests in a row).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::token::{AccessToken, TokenError};

/// How long before its expiry a token is renewed, by default: a request signed with a token
/// that expires in transit is a wasted round trip and a 401.
pub const DEFAULT_SKEW: Duration = Duration::from_secs(30);

pub(crate) struct Cache {
    skew: Duration,
    state: Mutex<State>,
    /// Held by the one caller renewing the token; the others wait here.
    renewing: tokio::sync::Mutex<()>,
    requests: AtomicU64,
}

#[derive(Default)]
struct State {
    token: Option<AccessToken>,
    /// Renewals finished so far.
    round: u64,
    /// The error of the last renewal, with its round.
    failed: Option<(u64, TokenError)>,
}

impl Cache {
    pub(crate) fn new(skew: Duration, first: Option<AccessToken>) -> Self {
        Self {
            skew,
            state: Mutex::new(State {
                token: first,
                ..State::default()
            }),
            renewing: tokio::sync::Mutex::new(()),
            requests: AtomicU64::new(0),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is a plain value; a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached token, or a new one from `renew` (one caller at a time).
    pub(crate) async fn get<F, Fut>(&self, renew: F) -> Result<AccessToken, TokenError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken, TokenError>>,
    {
        let seen = {
            let state = self.state();
            if let Some(token) = state.token.as_ref().filter(|t| t.usable(self.skew)) {
                return Ok(token.clone());
            }
            state.round
        };
        let _turn = self.renewing.lock().await;
        {
            let state = self.state();
            if let Some(token) = state.token.as_ref().filter(|t| t.usable(self.skew)) {
                return Ok(token.clone());
            }
            // A renewal finished while this caller waited, and failed: its error is this
            // caller's too.
            if let Some((round, error)) = &state.failed
                && *round > seen
            {
                return Err(error.clone());
            }
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let result = renew().await;
        let mut state = self.state();
        state.round += 1;
        match &result {
            Ok(token) => {
                state.token = Some(token.clone());
                state.failed = None;
            }
            Err(error) => {
                state.token = None;
                state.failed = Some((state.round, error.clone()));
            }
        }
        result
    }

    /// Drops the cached token if it is `rejected` (the API answered 401 to it), so the next
    /// [`get`](Self::get) renews it; a token already renewed by another caller is kept.
    pub(crate) fn invalidate(&self, rejected: &str) {
        let mut state = self.state();
        if state
            .token
            .as_ref()
            .is_some_and(|t| t.secret().expose() == rejected)
        {
            state.token = None;
        }
    }

    /// Renewals started so far (token requests sent).
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicU64;

    use super::*;

    async fn slow_token(n: &AtomicU64) -> Result<AccessToken, TokenError> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let i = n.fetch_add(1, Ordering::Relaxed);
        Ok(AccessToken::new(format!("t{i}")).expires_in(Duration::from_secs(3600)))
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_renewal() {
        let cache = Arc::new(Cache::new(DEFAULT_SKEW, None));
        let issued = Arc::new(AtomicU64::new(0));
        let mut calls = Vec::new();
        for _ in 0..50 {
            let (cache, issued) = (cache.clone(), issued.clone());
            calls.push(tokio::spawn(async move {
                cache.get(|| slow_token(&issued)).await.unwrap()
            }));
        }
        for call in calls {
            assert_eq!(call.await.unwrap().secret().expose(), "t0");
        }
        assert_eq!(cache.requests(), 1);
        // A 401 to t0 renews once; a second report of the same stale token changes nothing.
        cache.invalidate("t0");
        let next = cache.get(|| slow_token(&issued)).await.unwrap();
        cache.invalidate("t0");
        assert_eq!(next.secret().expose(), "t1");
        assert_eq!(
            cache
                .get(|| slow_token(&issued))
                .await
                .unwrap()
                .secret()
                .expose(),
            "t1"
        );
        assert_eq!(cache.requests(), 2);
    }

    #[tokio::test]
    async fn a_failed_renewal_is_every_waiter_s_error_and_the_next_caller_tries_again() {
        let cache = Arc::new(Cache::new(DEFAULT_SKEW, None));
        let refused = || async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err(TokenError::Refused {
                status: 401,
                error: "invalid_client".into(),
                description: None,
            })
        };
        let mut calls = Vec::new();
        for _ in 0..20 {
            let cache = cache.clone();
            calls.push(tokio::spawn(async move { cache.get(refused).await }));
        }
        for call in calls {
            let error = call.await.unwrap().unwrap_err();
            assert_eq!(error.oauth_error(), Some("invalid_client"));
        }
        assert_eq!(cache.requests(), 1);
        assert!(cache.get(refused).await.is_err());
        assert_eq!(cache.requests(), 2);
    }

    #[tokio::test]
    async fn a_token_is_renewed_before_it_expires() {
        let cache = Cache::new(Duration::from_millis(100), None);
        let issued = AtomicU64::new(0);
        let short = || async {
            let i = issued.fetch_add(1, Ordering::Relaxed);
            Ok(AccessToken::new(format!("s{i}")).expires_in(Duration::from_millis(300)))
        };
        assert_eq!(cache.get(short).await.unwrap().secret().expose(), "s0");
        assert_eq!(cache.get(short).await.unwrap().secret().expose(), "s0");
        tokio::time::sleep(Duration::from_millis(220)).await;
        // About 80 ms left, less than the 100 ms skew: renewed.
        assert_eq!(cache.get(short).await.unwrap().secret().expose(), "s1");
    }
}
