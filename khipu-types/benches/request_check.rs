#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a build step or bench that cannot set up stops with the message"
)]
//! What a bank client's check of a request against its spec's limits costs per request
//! (`BankInfo::check_request`, run by every generated bank client's `pre` hook): the JSON body
//! is read again and every parameter checked, a pattern included.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use khipu_types::banking::{AccountCredential, RequestBody};
use khipu_types::catalog::{BankInfo, DataKind, OperationInfo, Param};
use khipu_types::pattern::{Atom, CharSet, Compiled};

static OPERATIONS: [OperationInfo; 1] = [OperationInfo::new(
    "fetchCurrentBalances_1",
    "fetch_current_balances_1",
    "POST",
    "/v1/cl/banking/personal/bancochile.cl/balances",
    "Balances",
)
.callback()
.serves(DataKind::Balances)
.params(&[
    Param::new("AccountNumber", true)
        .min_length(1)
        .max_length(20),
    Param::new("Currency", false).max_length(3).pattern(
        "^[A-Z]{3,3}$",
        Compiled::new(
            true,
            true,
            &[Atom::new(CharSet::Ranges(&[('A', 'Z')], false), 3, 3)],
        ),
    ),
])];

static INFO: BankInfo = BankInfo::new(
    "cl/personal/bancochile.cl",
    "cl",
    "personal",
    "bancochile.cl",
    "Banco de Chile",
    "v1.0",
    "",
    &OPERATIONS,
    "https://api.khipu.com",
    &AUTH,
);

static AUTH: khipu_types::auth::AuthSpec = khipu_types::auth::AuthSpec::new(
    khipu_types::auth::Requirement::new(
        &[khipu_types::auth::Scheme::Bearer { name: "JWT" }],
        false,
    ),
    &[],
);

fn request_check(c: &mut Criterion) {
    let body = RequestBody::new()
        .account_number("000011887755")
        .currency("CLP")
        .account_credential(AccountCredential::login("12345678-9", "secret"))
        .callback_url("https://my-api.example/khipu");
    let request = khipu_types::http::client()
        .expect("a client")
        .post("https://api.khipu.com/v1/cl/banking/personal/bancochile.cl/balances")
        .json(&body)
        .build()
        .expect("a valid request");
    let mut group = c.benchmark_group("request_check");
    group.throughput(Throughput::Elements(1));
    group.bench_function("balances", |b| {
        b.iter(|| {
            INFO.check_request("fetch_current_balances_1", std::hint::black_box(&request))
                .expect("within the limits")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = request_check
}
criterion_main!(benches);
