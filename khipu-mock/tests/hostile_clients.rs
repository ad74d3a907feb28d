//! Clients that misbehave on purpose cannot hold the sandbox: slow or idle connections are closed
//! and connections beyond the limit wait (running out of file descriptors, which needs a process
//! of its own: khipu-cli/tests/sandbox.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use khipu_mock::{Sandbox, SandboxConfig};

const GET_ROUTES: &[u8] = b"GET /_sandbox/routes HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";

/// `true` once the server has closed `stream` (a read returns end of file or an error).
fn closed_within(mut stream: &TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408 or similar before closing
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

fn answer(url: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_partial_and_idle_connections_are_closed() {
    let config = SandboxConfig::default().read_timeout(Duration::from_millis(300));
    let sandbox = Sandbox::start(config).await.unwrap();
    let addr = sandbox.addr();
    let closed = tokio::task::spawn_blocking(move || {
        let streams: Vec<TcpStream> = (0..60)
            .map(|i| {
                let mut s = TcpStream::connect(addr).unwrap();
                match i % 3 {
                    // Headers that never end.
                    0 => s.write_all(b"POST /v1/x HTTP/1.1\r\nhost: x\r\n").unwrap(),
                    // A body that never comes.
                    1 => s
                        .write_all(
                            b"POST /v1/x HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"a\"",
                        )
                        .unwrap(),
                    // Nothing at all.
                    _ => {}
                }
                s
            })
            .collect();
        streams
            .iter()
            .filter(|s| closed_within(s, Duration::from_secs(3)))
            .count()
    })
    .await
    .unwrap();
    assert_eq!(
        closed, 60,
        "only {closed} of 60 slow connections were closed"
    );
    // The sandbox still answers.
    let url = sandbox.url().to_owned();
    let text = tokio::task::spawn_blocking(move || answer(&url, GET_ROUTES))
        .await
        .unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_coming_gets_408() {
    let config = SandboxConfig::default().read_timeout(Duration::from_millis(300));
    let sandbox = Sandbox::start(config).await.unwrap();
    let addr = sandbox.addr();
    let text = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"POST /v1/x HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{")
            .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        text
    })
    .await
    .unwrap();
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let config = SandboxConfig::default()
        .read_timeout(Duration::from_secs(30))
        .max_connections(2);
    let sandbox = Sandbox::start(config).await.unwrap();
    let (addr, url) = (sandbox.addr(), sandbox.url().to_owned());
    tokio::task::spawn_blocking(move || {
        let holders: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(100));
        let mut third = TcpStream::connect(addr).unwrap();
        third.write_all(GET_ROUTES).unwrap();
        third
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut buf = [0u8; 64];
        assert!(
            third.read(&mut buf).is_err(),
            "served beyond the limit of 2"
        );
        drop(holders);
        third
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let n = third.read(&mut buf).unwrap();
        assert!(
            buf[..n].starts_with(b"HTTP/1.1 200"),
            "{:?}",
            String::from_utf8_lossy(&buf[..n])
        );
        assert!(answer(&url, GET_ROUTES).starts_with("HTTP/1.1 200"));
    })
    .await
    .unwrap();
}
