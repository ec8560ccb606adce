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
use user_apis_benches::{json_response, okta_user, serve};

/// The Okta API token both clients send.
const TOKEN: &str = "00a-bench-token";

fn main() {
    divan::main();
}

/// A current-thread runtime with I/O and timers, as a small service would run the client.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A server answering every request with one Okta user.
fn user_server() -> String {
    let response = json_response(&okta_user(1), "");
    serve(move |_| response.clone())
}

#[divan::bench]
fn generated_client(bencher: Bencher) {
    let runtime = runtime();
    let config = ClientConfig::new(user_server()).retry(RetryPolicy::default());
    let client = okta::Client::with_api_token(config, TOKEN).expect("a client");
    let call = || async {
        client
            .get_user()
            .user_id("00u00000000000000001")
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
    let base = user_server();
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/users/00u00000000000000001");
    let authorization = format!("SSWS {TOKEN}");
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
