//! A local HTTP/1.1 server that answers every request with the same JSON bytes, so that only the
//! client's work differs between the calls a bench compares.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;

/// Binds 127.0.0.1 on a free port: the listener and its base URL.
pub async fn bind() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
    (listener, url)
}

/// Answers `body` to every request of every connection `listener` accepts, until dropped.
pub async fn serve(listener: tokio::net::TcpListener, body: Bytes) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let body = body.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |_request| {
                let mut response = hyper::Response::new(Full::new(body.clone()));
                response
                    .headers_mut()
                    .insert("content-type", "application/json".parse().expect("valid"));
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
