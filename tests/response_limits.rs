//! Answers larger than the limit stop being read while they stream: the clients fail with a typed
//! error and the `khipu` command's memory stays bounded, even against a server that never ends
//! its body and sends no length.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use khipu::payments::{self, PaymentsError};
use khipu::{Config, Credentials, DataRequest, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server whose every answer is a 200 JSON body, chunked, without end: `{"Status":"OK",...`
/// followed by transactions forever. Returns its URL and how many bytes it has managed to send.
async fn endless_server() -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let first = br#"{"OperationId":"x","Status":"OK","Data":{"Transaction":["#;
                let item =
                    br#"{"AccountId":"1","Amount":{"Amount":1,"Currency":"CLP"}},"#.repeat(1000);
                let mut payload: &[u8] = first;
                loop {
                    let chunk = [
                        format!("{:x}\r\n", payload.len()).as_bytes(),
                        payload,
                        b"\r\n",
                    ]
                    .concat();
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    counter.fetch_add(payload.len() as u64, Ordering::Relaxed);
                    payload = &item;
                }
            });
        }
    });
    (url, sent)
}

#[tokio::test]
async fn the_bank_trait_stops_reading_at_the_limit() {
    let (url, sent) = endless_server().await;
    let limit = 1024 * 1024;
    let config = Config::new(Credentials::api_key("k"))
        .base_url(url)
        .timeout(Duration::from_secs(10))
        .max_response_bytes(limit);
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", config).unwrap();
    let err = bank
        .transactions(&DataRequest::account("000011887755"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: l, .. } if l == limit),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("1048576-byte response limit"),
        "{err}"
    );
    // Not retried: a second endless body would change nothing.
    let total = sent.load(Ordering::Relaxed);
    // Kernel socket buffers on loopback absorb several MiB after the client stops reading.
    assert!(
        total < limit as u64 + 16 * 1024 * 1024,
        "the server sent {total} bytes"
    );
}

#[tokio::test]
async fn payments_and_typed_clients_stop_at_the_limit_too() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"banks":[],"pad":"{}"}}"#, "x".repeat(100_000))),
        )
        .mount(&server)
        .await;
    let client = payments::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .max_response_bytes(10_000)
        .build()
        .unwrap();
    let err = client.banks().await.unwrap_err();
    assert!(
        matches!(err, PaymentsError::TooLarge { limit: 10_000, .. }),
        "{err:?}"
    );
    // The same body fits the default limit.
    let roomy = payments::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    assert!(roomy.banks().await.unwrap().banks.is_empty());

    use khipu::payments::api;
    use khipu_types::auth::{Auth, Credential};
    use khipu_types::client::Options;
    let auth = Auth::new(&api::AUTH, Credential::api_key("k")).unwrap();
    let typed =
        api::Client::new(&server.uri(), Options::new(auth).max_response_bytes(10_000)).unwrap();
    let err = typed.get_banks().send().await.unwrap_err();
    let source = std::error::Error::source(&err).expect("a body error has a source");
    assert!(khipu_types::http::is_too_large(source), "{err:?}");
}

/// Peak resident memory (VmHWM) of a running process, in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn the_cli_memory_stays_bounded_against_an_endless_answer() {
    let (url, sent) = endless_server().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_khipu"))
        .args([
            "transactions",
            "--bank",
            "cl/personal/demo-bank.khipu.com",
            "--account",
            "1",
            "--base-url",
            &url,
        ])
        .env("KHIPU_API_KEY", "k")
        .env_remove("KHIPU_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) || peak > 400 * 1024 {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the CLI kept reading for {:?}, peak {peak} KiB",
                started.elapsed()
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("response limit"), "{stderr}");
    let limit = khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES as u64;
    let total = sent.load(Ordering::Relaxed);
    assert!(
        total < limit + 16 * 1024 * 1024,
        "the server sent {total} bytes"
    );
    // The body buffer (32 MiB) plus the program; without the limit this grows without end.
    assert!(peak < 200 * 1024, "peak resident memory {peak} KiB");
    eprintln!(
        "cli: peak {peak} KiB, server sent {total} bytes, {:?}",
        started.elapsed()
    );
}
