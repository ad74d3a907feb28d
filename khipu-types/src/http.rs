//! The HTTP client generated clients are built with.
//!
//! TLS is rustls with the *ring* provider (see the README for the measured build-time reasons).
//! reqwest panics when building a client if no rustls provider is installed; [`client_builder`]
//! installs *ring* first, so no code path of the SDK can hit that panic.

use std::time::Duration;

/// Timeout for connecting and for a whole request, unless the caller sets its own.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// A builder with khipu-rs' defaults: TLS provider installed, 15 s connect and request timeouts.
pub fn client_builder() -> reqwest::ClientBuilder {
    install_tls_provider();
    reqwest::ClientBuilder::new()
        .connect_timeout(DEFAULT_TIMEOUT)
        .timeout(DEFAULT_TIMEOUT)
}

/// A client with khipu-rs' defaults.
pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    client_builder().build()
}

/// Makes *ring* the process's rustls provider unless the application already chose one.
pub fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing a provider is fine: one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
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
