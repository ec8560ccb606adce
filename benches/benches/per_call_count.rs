//! Per-call overhead, counted and timed (issue 7, goal 2): sequential `get_user` calls with
//! one client on loopback.
//!
//! Usage: `per_call_count <raw|configured|generated|interleaved> <N> [R]`.
//!
//! - `raw`, `configured` and `generated` make `N` calls of one kind, for
//!   `scripts/per-call-instructions.sh` to run under valgrind. Instruction counts repeat
//!   exactly for the same binary, whatever else the machine is doing, where the timed
//!   `per_call` benchmark moves by several percent from run to run. The script subtracts a run
//!   of 200 calls from a run of 1,200, so start-up (TLS roots, the runtime, the server)
//!   cancels out.
//! - `interleaved` times `N` rounds of three calls, raw, configured and generated, taking
//!   turns on one thread against the same server, so that a change in the machine's speed
//!   during the run touches all three alike; it prints the median time of each and their
//!   ratios. `interleaved N R` makes each turn `R` calls of one kind in a row (about `N`
//!   calls of each in all), which keeps each kind's code and data warmer between its calls.
//!   `scripts/per-call-ab.sh` reads the three medians from the lines this prints.
//!
//! `generated` is `okta::Client` with the default retry policy and an API token; `raw` is
//! a plain `reqwest::Client` with the same `Authorization` header, `bytes()` and
//! `serde_json::from_slice` into the same type; `configured` is the raw call through the HTTP
//! client `ClientConfig` builds (timeouts, default headers, credential), which tells the cost
//! of that configuration from the cost of the runtime.

use std::time::{Duration, Instant};

use reqwest::header::AUTHORIZATION;
use user_apis::okta::{self, ClientConfig, RetryPolicy};
use user_apis_benches::{
    OKTA_TOKEN, OKTA_USER_ID, okta_parts, okta_user_server, okta_user_url, runtime,
};

fn main() {
    // Cargo passes `--bench` to benchmark targets.
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let count = |text: String| text.parse::<usize>().ok().filter(|&count| count > 0);
    let (Some(variant), Some(calls)) = (args.next(), args.next().and_then(count)) else {
        eprintln!("usage: per_call_count <raw|configured|generated|interleaved> <calls> [run]");
        std::process::exit(2);
    };
    let Some(run) = args.next().map_or(Some(1), count) else {
        eprintln!("the run length is a number of calls, at least 1");
        std::process::exit(2);
    };
    let runtime = runtime();
    let base = okta_user_server();

    let config = ClientConfig::new(base.clone()).retry(RetryPolicy::default());
    let client = okta::Client::with_api_token(config, OKTA_TOKEN).expect("a client");
    let http = user_apis::runtime::http_client_builder()
        .expect("TLS set-up")
        .build()
        .expect("an HTTP client");
    let configured_http = okta_parts(&base).http;
    let url = okta_user_url(&base);
    let authorization = format!("SSWS {OKTA_TOKEN}");

    let generated = || {
        runtime.block_on(async {
            client
                .get_user()
                .user_id(OKTA_USER_ID)
                .send()
                .await
                .expect("the call succeeds")
                .into_inner()
        })
    };
    // A raw call through `http`, adding the `Authorization` header when it is not configured.
    let raw_through = |http: &reqwest::Client, authorize: bool| {
        runtime.block_on(async {
            let mut request = http.get(&url);
            if authorize {
                request = request.header(AUTHORIZATION, &authorization);
            }
            let body = request
                .send()
                .await
                .expect("the call succeeds")
                .bytes()
                .await
                .expect("the body arrives");
            serde_json::from_slice::<okta::types::User>(&body).expect("the user decodes")
        })
    };
    let raw = || raw_through(&http, true);
    let configured = || raw_through(&configured_http, false);

    match variant.as_str() {
        "generated" => (0..calls).for_each(|_| drop(std::hint::black_box(generated()))),
        "raw" => (0..calls).for_each(|_| drop(std::hint::black_box(raw()))),
        "configured" => (0..calls).for_each(|_| drop(std::hint::black_box(configured()))),
        "interleaved" => {
            // Open the keep-alive connections and warm every path before timing.
            for _ in 0..200 {
                std::hint::black_box((generated(), raw(), configured()));
            }
            let mut times: [Vec<Duration>; 3] = Default::default();
            // Which goes first rotates too, so none always follows another. Each turn is
            // `run` calls of one kind in a row (one unless given). `scripts/per-call-phases.sh`
            // tells the calls apart by this order and the 600 warm-up calls above: change
            // them together.
            for round in 0..calls.div_ceil(run) {
                for turn in 0..3 {
                    let which = (round + turn) % 3;
                    for _ in 0..run {
                        let started = Instant::now();
                        match which {
                            0 => drop(std::hint::black_box(raw())),
                            1 => drop(std::hint::black_box(configured())),
                            _ => drop(std::hint::black_box(generated())),
                        }
                        times[which].push(started.elapsed());
                    }
                }
            }
            let [raw, configured, generated] = times.map(|mut times| {
                times.sort_unstable();
                times[times.len() / 2].as_secs_f64() * 1e6
            });
            println!("{calls} rounds of interleaved calls ({run} in a row), median time per call:");
            println!("raw         {raw:>9.2} µs");
            println!(
                "configured  {configured:>9.2} µs  {:.3}x raw (the client's HTTP configuration)",
                configured / raw
            );
            println!(
                "generated   {generated:>9.2} µs  {:.3}x raw, {:.3}x configured",
                generated / raw,
                generated / configured
            );
        }
        other => {
            eprintln!("unknown variant {other:?}: raw, configured, generated or interleaved");
            std::process::exit(2);
        }
    }
}
