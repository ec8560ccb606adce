//! Body memory benchmark: the peak heap while an Okta `list_users` answer is read and decoded,
//! for hostile bodies of tiny items (`[{},{},...]`, each `{}` a whole `User` once decoded)
//! and, for comparison, a body of real users of about the same length.
//!
//! Run with `cargo bench -p user-apis-benches --bench body_memory`. The counting allocator is
//! the one of `stream_memory`: live heap bytes of the client's thread, peak above the level at
//! the start of each measurement. The local server runs on its own threads, which count
//! nothing. Each figure is printed with its ratio to the client's `max_body_size` (16 MiB).

use user_apis::okta::{self, ClientConfig, RetryPolicy};
use user_apis_benches::counting::{Counting, count_this_thread, peak_of};
use user_apis_benches::{OKTA_TOKEN, json_list, json_response, okta_user, runtime, serve};

/// The client's body limit, the default.
const MAX_BODY: usize = 16 * 1024 * 1024;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A JSON list of `{}` items, `bytes` long or just under.
fn empty_objects(bytes: usize) -> String {
    let items = (bytes - 2) / 3;
    let mut body = String::with_capacity(bytes);
    body.push('[');
    for i in 0..items {
        body.push_str(if i == 0 { "{}" } else { ",{}" });
    }
    body.push(']');
    body
}

fn main() {
    count_this_thread();
    let runtime = runtime();
    let mib = 1024 * 1024;
    let users = (15 * mib) / okta_user(0).len();
    let bodies = [
        ("4 MiB of {}", json_response(&empty_objects(4 * mib), "")),
        ("15 MiB of {}", json_response(&empty_objects(15 * mib), "")),
        (
            "real users, about 15 MiB",
            json_response(&json_list(0, users, okta_user), ""),
        ),
    ];
    for (label, response) in bodies {
        let body_bytes = response.len();
        let base = serve(move |_| response.clone());
        let config = ClientConfig::new(base).retry(RetryPolicy::never());
        let client = okta::Client::with_api_token(config, OKTA_TOKEN).expect("a client");
        let (outcome, peak) = peak_of(|| {
            runtime.block_on(async {
                match client.list_users().send().await {
                    Ok(page) => format!("{} users", page.len()),
                    Err(error) => format!("refused: {error}"),
                }
            })
        });
        let outcome: String = outcome.chars().take(200).collect();
        println!(
            "{label} ({body_bytes} bytes): peak heap {peak} bytes, {:.2}x max_body_size; {outcome}",
            peak as f64 / MAX_BODY as f64
        );
    }
}
