//! A transactions call through `dyn Bank` against a local server, beside the same call made with a
//! plain reqwest request and serde_json decoding into the same types.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use khipu::{Config, Credentials, DataRequest};

#[path = "support/fixed_server.rs"]
mod fixed_server;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/plain.rs"]
mod plain;

/// Items in the answer: 100, as a service reads them, and 1, where the client's own work per call
/// is most of the time.
const SIZES: [usize; 2] = [100, 1];

fn call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    for items in SIZES {
        pair(c, &runtime, items);
    }
}

/// The two sides for an answer of `items` transactions.
fn pair(c: &mut Criterion, runtime: &tokio::runtime::Runtime, items: usize) {
    let body = fixtures::transactions_response(items);
    let url = runtime.block_on(async {
        let (listener, url) = fixed_server::bind().await;
        tokio::spawn(fixed_server::serve(listener, Bytes::from(body)));
        url
    });
    let bank = khipu::connect(
        "cl/personal/demo-bank.khipu.com",
        &Config::new(Credentials::bearer("bench")).base_url(&url),
    )
    .expect("connects");
    let request = DataRequest::account(plain::ACCOUNT);
    let plain = plain::Plain::new(&url);
    let mut group = c.benchmark_group(format!("transactions_call_{items}_items"));
    group.bench_function("dyn_bank", |b| {
        b.to_async(runtime).iter(|| async {
            let reply = bank.transactions(&request).await.expect("a reply");
            assert_eq!(reply.items().len(), items);
        })
    });
    group.bench_function("plain_reqwest", |b| {
        b.to_async(runtime).iter(|| plain.transactions(items))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(5));
    targets = call
}
criterion_main!(benches);
