//! Per-call overhead benchmark (issue 7, goal 2): sequential `get_user` calls on loopback
//! against a local server returning a fixed body, the generated Okta client (hooks, default
//! retry policy, API token) against a raw `reqwest` + `serde_json` call.
//!
//! Run with `cargo bench -p user-apis-benches --bench per_call`. Both clients decode the same
//! generated `okta::types::User`, so the difference is the client machinery, not the type.
//! The server runs on its own threads; each call runs on a current-thread runtime.

use divan::{Bencher, black_box};
use reqwest::header::AUTHORIZATION;
use user_apis::okta::{self, ClientConfig, RetryPolicy};
use user_apis::runtime::{Parts, Runtime};
use user_apis_benches::{
    OKTA_TOKEN, OKTA_USER_ID, okta_parts, okta_user_server, okta_user_url, runtime,
};

fn main() {
    divan::main();
}

#[divan::bench]
fn generated_client(bencher: Bencher) {
    let runtime = runtime();
    let config = ClientConfig::new(okta_user_server()).retry(RetryPolicy::default());
    let client = okta::Client::with_api_token(config, OKTA_TOKEN).expect("a client");
    let call = || async {
        client
            .get_user()
            .user_id(OKTA_USER_ID)
            .send()
            .await
            .expect("the call succeeds")
            .into_inner()
    };
    // Open the keep-alive connection before timing.
    runtime.block_on(call());
    bencher.bench_local(|| black_box(runtime.block_on(call())));
}

#[divan::bench]
fn raw_reqwest(bencher: Bencher) {
    let runtime = runtime();
    let base = okta_user_server();
    let http = user_apis::runtime::http_client_builder()
        .expect("TLS set-up")
        .build()
        .expect("an HTTP client");
    let url = okta_user_url(&base);
    let authorization = format!("SSWS {OKTA_TOKEN}");
    let call = || async {
        let body = http
            .get(&url)
            .header(AUTHORIZATION, &authorization)
            .send()
            .await
            .expect("the call succeeds")
            .bytes()
            .await
            .expect("the body arrives");
        serde_json::from_slice::<okta::types::User>(&body).expect("the user decodes")
    };
    runtime.block_on(call());
    bencher.bench_local(|| black_box(runtime.block_on(call())));
}

/// The raw call through the HTTP client the generated client is built with (its timeouts,
/// default headers and credential), to tell the cost of that configuration from the cost of
/// the runtime's hooks, retry loop and decoding.
#[divan::bench]
fn raw_with_configured_http(bencher: Bencher) {
    let runtime = runtime();
    let parts = parts();
    let http = parts.http;
    let url = okta_user_url(&parts.base_url);
    let call = || async {
        let body = http
            .get(&url)
            .send()
            .await
            .expect("the call succeeds")
            .bytes()
            .await
            .expect("the body arrives");
        serde_json::from_slice::<okta::types::User>(&body).expect("the user decodes")
    };
    runtime.block_on(call());
    bencher.bench_local(|| black_box(runtime.block_on(call())));
}

/// The configured HTTP client and runtime of the generated client, for the breakdown below.
fn parts() -> Parts {
    okta_parts(&okta_user_server())
}

/// Breakdown, step 1: the raw call sent through the retry policy's loop (no buffering).
#[divan::bench]
fn breakdown_retry_loop(bencher: Bencher) {
    let runtime = runtime();
    let parts = parts();
    let policy = RetryPolicy::default();
    let url = okta_user_url(&parts.base_url);
    let call = || async {
        let request = parts.http.get(&url).build().expect("a request");
        let body = policy
            .execute(&parts.http, request)
            .await
            .expect("the call succeeds")
            .bytes()
            .await
            .expect("the body arrives");
        serde_json::from_slice::<okta::types::User>(&body).expect("the user decodes")
    };
    runtime.block_on(call());
    bencher.bench_local(|| black_box(runtime.block_on(call())));
}

/// Breakdown, step 2: the raw call sent through `Runtime::execute`, which also buffers the
/// JSON body inside the retry loop.
#[divan::bench]
fn breakdown_runtime_execute(bencher: Bencher) {
    let runtime = runtime();
    let parts = parts();
    let shared = Runtime::default();
    let url = okta_user_url(&parts.base_url);
    let call = || async {
        let request = parts.http.get(&url).build().expect("a request");
        let response = shared
            .execute(&parts.http, request)
            .await
            .expect("the call succeeds");
        // `execute` read the JSON body already; `readable` gives it back as a body.
        let body = shared
            .readable(response)
            .bytes()
            .await
            .expect("the body arrives");
        serde_json::from_slice::<okta::types::User>(&body).expect("the user decodes")
    };
    runtime.block_on(call());
    bencher.bench_local(|| black_box(runtime.block_on(call())));
}
