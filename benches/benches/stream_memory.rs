//! Stream memory benchmark (issue 7, goal 3): the peak heap while walking 50,000 Okta users
//! over 500 pages through the real client (`list_users().limit(100).stream()`), against the
//! peak of fetching and decoding one page of 100.
//!
//! Run with `cargo bench -p user-apis-benches --bench stream_memory`. A counting global
//! allocator records the peak of live heap bytes above the level when each measurement
//! starts, counting the client's thread only (the tokio runtime is current-thread, so all of
//! the client's work is there). The local server runs in the same process on its own threads;
//! it builds each page's response as it is asked for (up to about 140 KB while it formats a
//! 69 KB page), and when its buffers counted too, whether they overlapped the client's peak
//! moved either figure by about a page from run to run.

use futures_util::TryStreamExt;
use user_apis::okta::{self, ClientConfig, RetryPolicy};
use user_apis_benches::counting::{Counting, count_this_thread, peak_of};
use user_apis_benches::{OKTA_TOKEN, json_list, json_response, okta_user, runtime, serve};

/// Users on each page.
const PAGE: usize = 100;
/// Pages the server holds.
const PAGES: usize = 500;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The response for one request: the page its `after` cursor names (the first without one),
/// with a `Link` to the next page unless it is the last.
fn page_response(target: &str) -> Vec<u8> {
    let page = target
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("after="))
        .and_then(|after| after.parse::<usize>().ok())
        .unwrap_or(0);
    let body = json_list(page * PAGE, PAGE, okta_user);
    let link = if page + 1 < PAGES {
        format!(
            "link: </api/v1/users?limit={PAGE}&after={}>; rel=\"next\"\r\n",
            page + 1
        )
    } else {
        String::new()
    };
    json_response(&body, &link)
}

fn main() {
    // The client's thread; the server's threads, started below, count nothing.
    count_this_thread();
    let runtime = runtime();
    let config = ClientConfig::new(serve(page_response)).retry(RetryPolicy::default());
    let client = okta::Client::with_api_token(config, OKTA_TOKEN).expect("a client");
    let page_bytes = page_response("/api/v1/users").len();

    // Warm up: open the connection and let lazily built state settle.
    runtime.block_on(async {
        let first = client.list_users().limit(PAGE as i64).send().await;
        assert_eq!(first.expect("a page").len(), PAGE);
    });

    let (users, one_page) = peak_of(|| {
        runtime.block_on(async {
            let page = client.list_users().limit(PAGE as i64).send().await;
            page.expect("a page").into_inner().len()
        })
    });
    assert_eq!(users, PAGE);

    let (users, walk) = peak_of(|| {
        runtime.block_on(async {
            let mut stream = client.list_users().limit(PAGE as i64).stream();
            let mut users = 0_usize;
            while let Some(user) = stream.try_next().await.expect("every page arrives") {
                users += usize::from(user.id.is_some());
            }
            users
        })
    });
    assert_eq!(users, PAGE * PAGES);

    println!("page response: {page_bytes} bytes ({PAGE} users)");
    println!("peak heap, fetching and decoding one page: {one_page} bytes");
    println!("peak heap, streaming {users} users over {PAGES} pages: {walk} bytes");
    println!(
        "ratio: {:.2}x (goal: at most 2x)",
        walk as f64 / one_page as f64
    );
}
