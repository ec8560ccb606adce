//! Walk benchmark: the wall time and peak heap of walking 50,000 users over 500 pages through
//! the real clients' `stream()`, against a local server that answers each page after 20 ms.
//!
//! Run with `cargo bench -p user-apis-benches --bench walk`, or name schemes to walk only
//! those (`cargo bench -p user-apis-benches --bench walk -- gitlab okta`). Each paging scheme
//! walks once with one page at a time (`walk_concurrency(1)`, the sequential walk) and once
//! with 8: GitLab
//! (`X-Next-Page` and `X-Total-Pages`), Mattermost (pages from 0 until a short one, fetched
//! ahead speculatively), SendAuth (a `total` in each page) and Okta (`Link` cursors, with a
//! consumer that spends 10 ms on each page, as an `await`, so the next page can be fetched
//! meanwhile). The page-number schemes are held to 1.25x the ideal of 500 x 20 ms / 8, Okta to
//! 1.1x of 500 x 20 ms; the peak heap, counted on the client's thread as in `stream_memory`,
//! is given in pages (the peak of fetching and decoding one page of 100 as the first request
//! of the same client, connection included) against N + 1.

use std::time::{Duration, Instant};

use futures_util::{Stream, TryStreamExt};
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_benches::counting::{Counting, count_this_thread, peak_of};
use user_apis_benches::{
    OKTA_TOKEN, gitlab_user, json_list, json_response, mattermost_user, okta_user, runtime,
    sendauth_user, serve,
};

/// Users on each page.
const PAGE: usize = 100;
/// Pages the server holds.
const PAGES: usize = 500;
/// How long the server takes to answer each page.
const LATENCY: Duration = Duration::from_millis(20);
/// How long the Okta consumer works on each page.
const WORK: Duration = Duration::from_millis(10);
/// Pages in flight for the concurrent walks.
const N: usize = 8;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The value of query parameter `name` in a request target.
fn query(target: &str, name: &str) -> Option<usize> {
    target
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .and_then(|value| value.parse().ok())
}

/// A server that answers each request after [`LATENCY`] with what `respond` makes of it.
fn slow_server(respond: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> String {
    serve(move |target| {
        std::thread::sleep(LATENCY);
        respond(target)
    })
}

/// GitLab: pages from 1, `X-Next-Page` (empty on the last) and `X-Total-Pages`.
fn gitlab_page(target: &str) -> Vec<u8> {
    let page = query(target, "page").unwrap_or(1);
    let count = if (1..=PAGES).contains(&page) { PAGE } else { 0 };
    let next = if page < PAGES {
        (page + 1).to_string()
    } else {
        String::new()
    };
    json_response(
        &json_list((page.max(1) - 1) * PAGE, count, gitlab_user),
        &format!("x-next-page: {next}\r\nx-total-pages: {PAGES}\r\n"),
    )
}

/// Mattermost: pages from 0, the ones past the list empty.
fn mattermost_page(target: &str) -> Vec<u8> {
    let page = query(target, "page").unwrap_or(0);
    let count = if page < PAGES { PAGE } else { 0 };
    json_response(&json_list(page * PAGE, count, mattermost_user), "")
}

/// SendAuth: pages from 1, each with the total.
fn sendauth_page(target: &str) -> Vec<u8> {
    let page = query(target, "page").unwrap_or(1);
    let count = if (1..=PAGES).contains(&page) { PAGE } else { 0 };
    let rows = json_list((page.max(1) - 1) * PAGE, count, sendauth_user);
    let total = PAGE * PAGES;
    json_response(&format!(r#"{{"rows":{rows},"total":{total}}}"#), "")
}

/// Okta: the page its `after` cursor names (the first without one), with a `Link` to the
/// next unless it is the last.
fn okta_page(target: &str) -> Vec<u8> {
    let page = query(target, "after").unwrap_or(0);
    let link = if page + 1 < PAGES {
        format!(
            "link: </api/v1/users?limit={PAGE}&after={}>; rel=\"next\"\r\n",
            page + 1
        )
    } else {
        String::new()
    };
    json_response(&json_list(page * PAGE, PAGE, okta_user), &link)
}

/// Consumes a walk, spending `work` after each page's last item; the items seen.
async fn consume<T, E: std::fmt::Debug>(
    stream: impl Stream<Item = Result<T, E>> + Unpin,
    work: Option<Duration>,
) -> usize {
    let mut stream = stream;
    let mut items = 0;
    while let Some(_item) = stream.try_next().await.expect("every page arrives") {
        items += 1;
        if let Some(work) = work
            && items % PAGE == 0
        {
            tokio::time::sleep(work).await;
        }
    }
    items
}

/// One measured walk: its wall time and peak heap.
struct Walked {
    time: Duration,
    peak: usize,
    /// The peak of fetching and decoding one page as the client's first request.
    one_page: usize,
}

/// Settles (the connections of clients dropped before close), then fetches and decodes one
/// page with `page`, the first request of a new client, and returns its peak: a page with the
/// connection it comes through, whose read buffer grows to about a page and stays so. A walk
/// holds up to N + 1 pages and N connections.
fn one_page(rt: &tokio::runtime::Runtime, page: impl AsyncFn() -> usize) -> usize {
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
    let (users, peak) = peak_of(|| rt.block_on(page()));
    assert_eq!(users, PAGE);
    peak
}

/// Runs `walk` once and measures it.
fn measure(rt: &tokio::runtime::Runtime, walk: impl AsyncFnOnce() -> usize) -> Walked {
    let ((items, time), peak) = peak_of(|| {
        rt.block_on(async {
            let started = Instant::now();
            let items = walk().await;
            (items, started.elapsed())
        })
    });
    assert_eq!(items, PAGE * PAGES, "every user is walked");
    Walked {
        time,
        peak,
        one_page: 0,
    }
}

/// The concurrencies to walk `scheme` with, 1 and [`N`], when the command line names it or
/// names no scheme; none otherwise.
fn chosen_walks() -> impl Fn(&str) -> Vec<usize> {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    move |scheme| {
        if named.is_empty() || named.iter().any(|name| name == scheme) {
            vec![1, N]
        } else {
            Vec::new()
        }
    }
}

fn main() {
    count_this_thread();
    let walks = chosen_walks();
    let rt = runtime();
    let gitlab_url = slow_server(gitlab_page);
    let mattermost_url = slow_server(mattermost_page);
    let sendauth_url = slow_server(sendauth_page);
    let okta_url = slow_server(okta_page);

    let gitlab = |n: usize| {
        let config = gitlab::ClientConfig::new(gitlab_url.clone()).walk_concurrency(n);
        gitlab::Client::with_private_token(config, "glpat-bench").expect("a client")
    };
    let mattermost = |n: usize| {
        let config = mattermost::ClientConfig::new(mattermost_url.clone()).walk_concurrency(n);
        mattermost::Client::with_token(config, "bench").expect("a client")
    };
    let sendauth = |n: usize| {
        let config = sendauth::ClientConfig::new(sendauth_url.clone()).walk_concurrency(n);
        sendauth::Client::with_basic_auth(config, "bench", "bench").expect("a client")
    };
    let okta = |n: usize| {
        let config = okta::ClientConfig::new(okta_url.clone()).walk_concurrency(n);
        okta::Client::with_api_token(config, OKTA_TOKEN).expect("a client")
    };

    let per_page = PAGE as u64;
    let ideal_numbers = LATENCY * PAGES as u32 / N as u32;
    let ideal_cursor = LATENCY * PAGES as u32;
    println!(
        "walk: {} users over {PAGES} pages of {PAGE}, each answered after {} ms",
        PAGE * PAGES,
        LATENCY.as_millis(),
    );
    println!(
        "{:<11} {:>3} {:>9} {:>9} {:>7} {:>9} {:>9} {:>11} {:>7}",
        "scheme", "N", "time", "ideal", "ratio", "page KB", "peak KB", "peak pages", "goal"
    );
    let report = |scheme: &str, n: usize, walked: &Walked, ideal: Duration, goal: f64| {
        let ratio = walked.time.as_secs_f64() / ideal.as_secs_f64();
        let pages = walked.peak as f64 / walked.one_page as f64;
        let within = ratio <= goal && pages <= (n + 1) as f64;
        println!(
            "{scheme:<11} {n:>3} {:>8.2}s {:>8.2}s {:>6.2}x {:>9} {:>9} {:>11.1} {:>7}",
            walked.time.as_secs_f64(),
            ideal.as_secs_f64(),
            ratio,
            walked.one_page / 1024,
            walked.peak / 1024,
            pages,
            if goal.is_finite() {
                if within { "met" } else { "MISSED" }.to_string()
            } else {
                "-".to_string()
            },
        );
    };

    for n in walks("gitlab") {
        let client = gitlab(n);
        let one_page = one_page(&rt, async || {
            client
                .list_users()
                .per_page(per_page)
                .send()
                .await
                .expect("a page")
                .into_inner()
                .len()
        });
        let mut walked = measure(&rt, async || {
            consume(client.list_users().per_page(per_page).stream(), None).await
        });
        walked.one_page = one_page;
        let (ideal, goal) = if n == 1 {
            (LATENCY * PAGES as u32, f64::INFINITY)
        } else {
            (ideal_numbers, 1.25)
        };
        report("gitlab", n, &walked, ideal, goal);
    }
    for n in walks("mattermost") {
        let client = mattermost(n);
        let one_page = one_page(&rt, async || {
            client
                .list_users()
                .per_page(PAGE as i32)
                .send()
                .await
                .expect("a page")
                .into_inner()
                .len()
        });
        let mut walked = measure(&rt, async || {
            consume(client.list_users().per_page(PAGE as i32).stream(), None).await
        });
        walked.one_page = one_page;
        let (ideal, goal) = if n == 1 {
            (LATENCY * PAGES as u32, f64::INFINITY)
        } else {
            (ideal_numbers, 1.25)
        };
        report("mattermost", n, &walked, ideal, goal);
    }
    for n in walks("sendauth") {
        let client = sendauth(n);
        let one_page = one_page(&rt, async || {
            client
                .list_users()
                .per_page(per_page)
                .send()
                .await
                .expect("a page")
                .into_inner()
                .rows
                .len()
        });
        let mut walked = measure(&rt, async || {
            consume(client.list_users().per_page(per_page).stream(), None).await
        });
        walked.one_page = one_page;
        let (ideal, goal) = if n == 1 {
            (LATENCY * PAGES as u32, f64::INFINITY)
        } else {
            (ideal_numbers, 1.25)
        };
        report("sendauth", n, &walked, ideal, goal);
    }
    for n in walks("okta") {
        let client = okta(n);
        let one_page = one_page(&rt, async || {
            client
                .list_users()
                .limit(PAGE as i64)
                .send()
                .await
                .expect("a page")
                .into_inner()
                .len()
        });
        let mut walked = measure(&rt, async || {
            consume(client.list_users().limit(PAGE as i64).stream(), Some(WORK)).await
        });
        walked.one_page = one_page;
        let goal = if n == 1 { f64::INFINITY } else { 1.1 };
        report("okta", n, &walked, ideal_cursor, goal);
    }
    println!(
        "ideal: 500 x 20 ms for N = 1 and for Okta's cursors (whose consumer also works 10 ms \
         a page), 500 x 20 ms / N for page numbers; goal: at most 1.25x (page numbers) or 1.1x \
         (Okta) of it, and a peak within N + 1 pages"
    );
}
