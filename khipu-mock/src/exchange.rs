//! What a handler receives and returns: the request read whole, and the answer. A leaf module, so
//! the server and the API handlers depend on it and not on each other.

use bytes::Bytes;

/// A request, read whole.
pub(crate) struct Req {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: hyper::HeaderMap,
    pub(crate) body: Bytes,
}

impl Req {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An answer.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(hyper::header::HeaderName, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub(crate) fn text(status: u16, text: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: text.as_bytes().to_vec(),
        }
    }

    /// The answer with header `name` too.
    pub(crate) fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers
            .push((hyper::header::HeaderName::from_static(name), value));
        self
    }
}

/// `true` when `url` is http(s) to a loopback address: the only places the sandbox sends anything.
pub(crate) fn loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| khipu_types::http::is_loopback_url(&u))
}

/// Why a notification or callback the sandbox sent did not arrive, in words: a timeout says it
/// timed out and after how long, a refused connection says so. The URL came from a request, so
/// its password is redacted and terminal escapes in it or in the cause are neutralized.
pub(crate) fn delivery_failed(url: &str, error: &reqwest::Error) -> String {
    // The sandbox's client (`khipu_types::http::client`) has the default per-attempt timeout.
    describe_failure(url, error, khipu_types::http::DEFAULT_TIMEOUT)
}

fn describe_failure(url: &str, error: &reqwest::Error, timeout: std::time::Duration) -> String {
    let shown = khipu_types::display::redact_url(url);
    let why = if error.is_timeout() {
        format!("timed out: no answer within {timeout:?}")
    } else if error.is_connect() {
        format!(
            "could not connect ({})",
            khipu_types::display::root_cause(error)
        )
    } else {
        khipu_types::display::root_cause(error)
    };
    format!(
        "delivering to {shown} failed: {}",
        khipu_types::display::sanitize(&why)
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::describe_failure;

    /// A receiver that accepts and never answers is reported as a timeout with its limit; one
    /// that refuses the connection, as a refused connection.
    #[tokio::test]
    async fn a_delivery_that_times_out_says_so() {
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://user:pw@{}/notify", silent.local_addr().unwrap());
        let _held = tokio::spawn(async move {
            let (stream, _) = silent.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(stream);
        });
        let timeout = Duration::from_millis(200);
        let client = khipu_types::http::client_builder_with(timeout)
            .build()
            .unwrap();
        let error = client.post(&url).send().await.unwrap_err();
        let said = describe_failure(&url, &error, timeout);
        assert!(said.contains("timed out: no answer within 200ms"), "{said}");
        assert!(!said.contains("pw"), "{said}");

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/notify", closed.local_addr().unwrap());
        drop(closed);
        let error = client.post(&url).send().await.unwrap_err();
        let said = describe_failure(&url, &error, timeout);
        assert!(said.contains("could not connect"), "{said}");
    }
}
