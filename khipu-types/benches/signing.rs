#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a build step or bench that cannot set up stops with the message"
)]
//! Payments request signatures per second: the string to sign from a built create-payment request,
//! and its HMAC-SHA256.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use khipu_types::payments::{Signer, request_string_to_sign};

fn signing(c: &mut Criterion) {
    let form = [
        ("amount", "1000"),
        ("currency", "CLP"),
        ("subject", "Cobro de prueba ñandú & café"),
        ("transaction_id", "order-123"),
        ("notify_url", "https://my-shop.example/khipu/notify"),
        ("return_url", "https://my-shop.example/return"),
    ];
    let request = khipu_types::http::client()
        .expect("a client")
        .post("https://khipu.com/api/2.0/payments")
        .form(&form)
        .build()
        .expect("a valid request");
    let signer = Signer::new("985101", "0123456789abcdef0123456789abcdef01234567");
    let mut group = c.benchmark_group("signing");
    group.throughput(Throughput::Elements(1));
    group.bench_function("create_payment", |b| {
        b.iter(|| {
            let to_sign = request_string_to_sign(std::hint::black_box(&request)).expect("signable");
            signer.authorization(&to_sign)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = signing
}
criterion_main!(benches);
