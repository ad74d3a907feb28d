//! A server whose answers never end, shared by the facade's and the command's response-limit tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server whose every answer is a 200 JSON body, chunked, without end: `{"Status":"OK",...`
/// followed by transactions forever. Returns its URL and how many bytes it has managed to send.
pub async fn endless_server() -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
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
