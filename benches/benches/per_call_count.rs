//! Per-call overhead in instructions (issue 7, goal 2, counted rather than timed): makes `N`
//! sequential `get_user` calls with one client, for `scripts/per-call-instructions.sh` to run
//! under `valgrind --tool=callgrind`. Instruction counts repeat exactly for the same binary,
//! whatever else the machine is doing, where the timed `per_call` benchmark moves by several
//! percent from run to run.
//!
//! Usage: `per_call_count <raw|generated|interleaved> <N>`. `interleaved` times instead:
//! `N` rounds of three calls, raw, raw through the HTTP client `ClientConfig` builds, and
//! generated, taking turns on one thread against the same server, so that a change in the
//! machine's speed during the run touches all three alike; it prints the median time of each
//! and their ratios.
//!
//! Usage: `per_call_count <raw|generated> <N>`. `generated` is `okta::Client` with the default
//! retry policy and an API token; `raw` is `reqwest::Client::new()` with the same
//! `Authorization` header, `bytes()` and `serde_json::from_slice` into the same type. The
//! script subtracts a run of 200 calls from a run of 1,200, so start-up (TLS roots, the
//! runtime, the server) cancels out.

use reqwest::header::AUTHORIZATION;
use user_apis::okta::{self, ClientConfig, RetryPolicy};
use user_apis_benches::{json_response, okta_user, serve};

/// The Okta API token both clients send.
const TOKEN: &str = "00a-bench-token";
const USER_PATH: &str = "/api/v1/users/00u00000000000000001";

fn main() {
    // Cargo passes `--bench` to benchmark targets.
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let (Some(variant), Some(Ok(calls))) = (args.next(), args.next().map(|n| n.parse::<usize>()))
    else {
        eprintln!("usage: per_call_count <raw|generated|interleaved> <calls>");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let response = json_response(&okta_user(1), "");
    let base = serve(move |_| response.clone());
    match variant.as_str() {
        "interleaved" => {
            let config = ClientConfig::new(base.clone()).retry(RetryPolicy::default());
            let client = okta::Client::with_api_token(config, TOKEN).expect("a client");
            let http = reqwest::Client::new();
            let url = format!("{base}{USER_PATH}");
            let authorization = format!("SSWS {TOKEN}");
            let generated = || {
                runtime.block_on(async {
                    client
                        .get_user()
                        .user_id("00u00000000000000001")
                        .send()
                        .await
                        .expect("the call succeeds")
                        .into_inner()
                })
            };
            let raw = || {
                runtime.block_on(async {
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
                })
            };
            // The raw call through the HTTP client `ClientConfig` builds (timeouts, default
            // headers, credential): what the configuration costs, apart from the runtime.
            let parts = ClientConfig::new(base.clone())
                .build(Some(&user_apis::runtime::Credential::scheme("SSWS", TOKEN)))
                .expect("a configuration");
            let configured = || {
                runtime.block_on(async {
                    let body = parts
                        .http
                        .get(&url)
                        .send()
                        .await
                        .expect("the call succeeds")
                        .bytes()
                        .await
                        .expect("the body arrives");
                    serde_json::from_slice::<okta::types::User>(&body).expect("the user decodes")
                })
            };
            // Open the keep-alive connections and warm every path before timing.
            for _ in 0..200 {
                std::hint::black_box(generated());
                std::hint::black_box(raw());
                std::hint::black_box(configured());
            }
            let mut times = [Vec::new(), Vec::new(), Vec::new()];
            // Which goes first rotates too, so none always follows another.
            for round in 0..calls {
                for turn in 0..3 {
                    let which = (round + turn) % 3;
                    let started = std::time::Instant::now();
                    match which {
                        0 => drop(std::hint::black_box(raw())),
                        1 => drop(std::hint::black_box(configured())),
                        _ => drop(std::hint::black_box(generated())),
                    }
                    times[which].push(started.elapsed());
                }
            }
            let [raw, configured, generated] = times.map(|mut times| {
                times.sort_unstable();
                times[times.len() / 2].as_secs_f64() * 1e6
            });
            println!("{calls} rounds of interleaved calls, median time per call:");
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
        "generated" => {
            let config = ClientConfig::new(base).retry(RetryPolicy::default());
            let client = okta::Client::with_api_token(config, TOKEN).expect("a client");
            for _ in 0..calls {
                let user = runtime.block_on(async {
                    client
                        .get_user()
                        .user_id("00u00000000000000001")
                        .send()
                        .await
                        .expect("the call succeeds")
                        .into_inner()
                });
                std::hint::black_box(user);
            }
        }
        "raw" => {
            let http = reqwest::Client::new();
            let url = format!("{base}{USER_PATH}");
            let authorization = format!("SSWS {TOKEN}");
            for _ in 0..calls {
                let user = runtime.block_on(async {
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
                });
                std::hint::black_box(user);
            }
        }
        other => {
            eprintln!("unknown variant {other:?}: raw, generated or interleaved");
            std::process::exit(2);
        }
    }
}
