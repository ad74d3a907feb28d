//! The HTTP client generated clients are built with, and the one policy every khipu-rs client
//! follows (banking, payments v2.0 and v3.0, generated clients, the sandbox's callbacks).
//!
//! - **Redirects are never followed.** A 3xx comes back to the caller, which reports it as an
//!   error naming the `Location`. Khipu's APIs do not redirect, and following one would send the
//!   API key (reqwest strips only `Authorization` across hosts, not `x-api-key`), a signed body or
//!   a re-sent POST to wherever a hostile or misconfigured server points. Following to the same
//!   origin only would still re-send writes; refusing is the one rule that needs no exceptions.
//! - **Response bodies are capped while they stream** ([`DEFAULT_MAX_RESPONSE_BYTES`], see
//!   [`limit_body`]): a server cannot make a client hold more than the cap in memory.
//!
//! TLS is rustls with the *ring* provider (see the README for the measured build-time reasons).
//! reqwest panics when building a client if no rustls provider is installed; [`client_builder`]
//! installs *ring* first, so no code path of the SDK can hit that panic.

use std::time::Duration;

/// The one default timeout policy of every khipu-rs client: each HTTP attempt (connecting,
/// sending, and reading the whole answer) ends after 30 s, unless the caller sets its own. Khipu's
/// Open Data operations read the bank while the request waits, so they need more than a typical
/// JSON API; a retry, when the API's rule allows one, starts a new attempt with a new 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long connecting (TCP and TLS) may take within an attempt, unless the attempt's own
/// timeout is shorter: a host that does not answer fails fast and, for a read, is retried.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest response body a client reads by default: 32 MiB, about 20,000 transactions.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// A builder with khipu-rs' defaults: TLS provider installed, [`DEFAULT_CONNECT_TIMEOUT`] and
/// [`DEFAULT_TIMEOUT`], redirects not followed.
pub fn client_builder() -> reqwest::ClientBuilder {
    client_builder_with(DEFAULT_TIMEOUT)
}

/// [`client_builder`] with `timeout` for each attempt (connecting takes at most
/// [`DEFAULT_CONNECT_TIMEOUT`] of it).
pub fn client_builder_with(timeout: Duration) -> reqwest::ClientBuilder {
    install_tls_provider();
    reqwest::ClientBuilder::new()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
}

/// The `Location` a redirect points to, safe to print (sanitized, userinfo redacted), or
/// `(none)`.
pub fn redirect_location(headers: &reqwest::header::HeaderMap) -> String {
    match headers.get(reqwest::header::LOCATION) {
        Some(value) => crate::display::redact_url(&String::from_utf8_lossy(value.as_bytes())),
        None => "(none)".to_owned(),
    }
}

/// `response` with its body capped at `max` bytes: reading past it fails with an error that
/// [`is_too_large`] recognizes. The cap holds while the body streams, whatever `Content-Length`
/// says, so memory stays bounded even when a server lies about the length.
pub fn limit_body(response: reqwest::Response, max: usize) -> reqwest::Response {
    // A body whose exact length is known is read as that many bytes and no more (hyper ends an
    // HTTP/1.1 body at its `Content-Length`, and h2 refuses data past it); reqwest reports no
    // exact length for a body it decompresses. Within the cap, it needs no second wrapper: the
    // common answer is read as plain reqwest reads it.
    if response
        .content_length()
        .is_some_and(|length| usize::try_from(length).is_ok_and(|length| length <= max))
    {
        return response;
    }
    let url = response.url().clone();
    let response: ::http::Response<reqwest::Body> = response.into();
    let (mut parts, body) = response.into_parts();
    // Converting drops the URL reqwest keeps; carry it over so errors still name it.
    if let Ok(with_url) =
        reqwest::ResponseBuilderExt::url(::http::Response::builder(), url).body(())
    {
        parts.extensions.extend(with_url.into_parts().0.extensions);
    }
    let limited = http_body_util::Limited::new(body, max);
    reqwest::Response::from(::http::Response::from_parts(
        parts,
        reqwest::Body::wrap(limited),
    ))
}

/// `true` when `error` (or what caused it) is a body that went past [`limit_body`]'s cap.
pub fn is_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A client with khipu-rs' defaults.
pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    client_builder().build()
}

/// Makes *ring* the process's rustls provider unless the application already chose one.
///
/// rustls 0.23.48 deprecates `ring::default_provider` because *ring* has no post-quantum key
/// exchange, to steer users to aws-lc-rs. khipu-rs keeps *ring* on purpose (about 11 s less of a
/// service's clean build on 2 cores, and no C toolchain or cmake for aws-lc); an application
/// that wants post-quantum key exchange installs aws-lc-rs's provider before its first client,
/// and this function then leaves it in place.
pub fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing a provider is fine: one is installed.
        #[allow(deprecated)]
        let ring = rustls::crypto::ring::default_provider();
        let _ = ring.install_default();
    }
}

/// `true` when `url` is http(s) to a loopback address (127.0.0.0/8, ::1, `localhost`): the only
/// places plain http is allowed to reach.
pub fn is_loopback_url(url: &url::Url) -> bool {
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_urls() {
        let check = |u: &str| super::is_loopback_url(&url::Url::parse(u).unwrap());
        assert!(
            check("http://127.0.0.1:8080/x")
                && check("http://[::1]/")
                && check("https://LOCALHOST:1")
        );
        assert!(
            !check("http://10.0.0.1")
                && !check("https://api.khipu.com")
                && !check("ftp://127.0.0.1")
        );
    }

    #[test]
    fn builds_a_client_without_the_application_installing_tls() {
        assert!(super::client().is_ok());
    }
}
