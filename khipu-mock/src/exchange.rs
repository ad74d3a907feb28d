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
