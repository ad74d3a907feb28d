//! Decoding a 10,000-transaction response into the canonical types, beside `serde_json::Value` on
//! the same bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use khipu::model::TransactionsEnvelope;

#[path = "support/fixtures.rs"]
mod fixtures;

fn decode(c: &mut Criterion) {
    let bytes = fixtures::transactions_response(10_000);
    let mut group = c.benchmark_group("decode_10000_transactions");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("canonical_types", |b| {
        b.iter(|| {
            serde_json::from_slice::<TransactionsEnvelope>(std::hint::black_box(&bytes))
                .expect("decodes")
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&bytes))
                .expect("decodes")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(5));
    targets = decode
}
criterion_main!(benches);
