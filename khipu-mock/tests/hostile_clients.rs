//! Clients that misbehave on purpose cannot hold the sandbox: slow or idle connections are closed,
//! connections beyond the limit wait, and running out of file descriptors does not spin a core.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

/// CPU time (user + system) of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the `(comm)`, which may contain spaces.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn out_of_file_descriptors_the_sandbox_backs_off_instead_of_spinning() {
    let bin = env!("CARGO_BIN_EXE_khipu-mock");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && exec '{bin}' --port 0 --read-timeout 60"
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut first = String::new();
    // Kept open to the end: closing it would make the sandbox's own output fail.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the sandbox prints its URL")
        .to_owned();
    let addr = url.trim_start_matches("http://").to_owned();
    // More idle connections than descriptors: the kernel queues them, accept fails with EMFILE.
    let held: Vec<TcpStream> = (0..100)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(pid);
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(pid) - before;
    let elapsed = started.elapsed();
    drop(held);
    // Recovers once descriptors free up.
    let mut ok = false;
    for _ in 0..50 {
        if answer(&url, GET_ROUTES).starts_with("HTTP/1.1 200") {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    // A spinning accept loop uses a whole core: about 100 ticks per second.
    assert!(
        used < 20,
        "{used} ticks of CPU in {elapsed:?} while out of descriptors"
    );
    assert!(
        ok,
        "the sandbox did not answer again after the connections closed"
    );
}
