//! Bulk updates under a rate limit: 3,000 Okta `update_user` calls from 64 concurrent tasks
//! sharing one client, against a local server that accepts 100 requests in any second (a
//! sliding window) and refuses the rest with `429` and Okta's rate-limit headers.
//!
//! Run with `cargo bench -p user-apis-benches --bench bulk_rate_limit`. It runs the same work
//! twice, each against a fresh server: without pacing and without a cap on requests in
//! flight (the behaviour before either existed: a `429` is the only sign of the limit, and
//! is retried), and with the defaults (pacing by the headers, at most 75 requests in flight).
//! It prints, for each: the time taken, the updates per second against the limit, the
//! requests the server refused (`429`) against all it received, and the updates that failed.
//!
//! The server's headers on every answer: `X-Rate-Limit-Limit: 100`,
//! `X-Rate-Limit-Remaining` (the requests it would still accept now) and
//! `X-Rate-Limit-Reset` (the Unix time, rounded up to the second, at which the oldest request
//! in the window leaves it).

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use user_apis::okta::{self, ClientConfig, types};
use user_apis_benches::{OKTA_TOKEN, okta_user, runtime};

/// Updates in all.
const UPDATES: usize = 3_000;
/// Tasks sending them, each with a clone of one client.
const TASKS: usize = 64;
/// Requests the server accepts in any window.
const LIMIT: usize = 100;
/// The server's window.
const WINDOW: Duration = Duration::from_secs(1);

/// What the server counted.
#[derive(Default)]
struct Counts {
    received: AtomicUsize,
    refused: AtomicUsize,
}

/// A rate-limited server: the moments of the requests it accepted within the window.
struct Limited {
    accepted: Mutex<VecDeque<Instant>>,
    counts: Counts,
}

impl Limited {
    /// Decides on one request: whether it is accepted, and the headers to send.
    fn decide(&self) -> (bool, String) {
        let now = Instant::now();
        let mut accepted = self.accepted.lock().expect("not poisoned");
        while accepted
            .front()
            .is_some_and(|&oldest| oldest + WINDOW <= now)
        {
            accepted.pop_front();
        }
        let ok = accepted.len() < LIMIT;
        if ok {
            accepted.push_back(now);
        }
        let remaining = LIMIT - accepted.len();
        let frees = accepted.front().map_or(now, |&oldest| oldest + WINDOW);
        drop(accepted);
        let reset = SystemTime::now() + frees.saturating_duration_since(now);
        let since_epoch = reset.duration_since(UNIX_EPOCH).expect("after 1970");
        let reset_seconds = since_epoch.as_secs() + u64::from(since_epoch.subsec_nanos() > 0);
        (
            ok,
            format!(
                "x-rate-limit-limit: {LIMIT}\r\nx-rate-limit-remaining: {remaining}\r\nx-rate-limit-reset: {reset_seconds}\r\n"
            ),
        )
    }
}

/// Starts the server on its own threads (one per connection); its URL and state.
fn serve() -> (String, Arc<Limited>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let address: SocketAddr = listener.local_addr().expect("local address");
    let state = Arc::new(Limited {
        accepted: Mutex::new(VecDeque::new()),
        counts: Counts::default(),
    });
    let shared = Arc::clone(&state);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let state = Arc::clone(&shared);
            std::thread::spawn(move || connection(stream, &state));
        }
    });
    (format!("http://{address}"), state)
}

/// Answers the requests of one keep-alive connection, reading each body by its
/// `content-length`.
fn connection(mut stream: TcpStream, state: &Limited) {
    stream.set_nodelay(true).ok();
    let user = okta_user(1);
    let mut buffer = Vec::with_capacity(8192);
    let mut chunk = [0_u8; 8192];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < end + length {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..end + length);
        state.counts.received.fetch_add(1, Ordering::Relaxed);
        let (ok, headers) = state.decide();
        let response = if ok {
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{user}",
                user.len()
            )
        } else {
            state.counts.refused.fetch_add(1, Ordering::Relaxed);
            let body = r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#;
            format!(
                "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{body}",
                body.len()
            )
        };
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// What one run measured.
struct Run {
    elapsed: Duration,
    succeeded: usize,
    failed: usize,
    received: usize,
    refused: usize,
}

/// Sends [`UPDATES`] updates from [`TASKS`] tasks through one client built from `config`
/// pointed at a fresh server.
fn run(config: impl Fn(String) -> ClientConfig) -> Run {
    let (url, server) = serve();
    let client = okta::Client::with_api_token(config(url), OKTA_TOKEN).expect("a client");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let (succeeded, failed) = runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let client = client.clone();
                let next = Arc::clone(&next);
                tokio::spawn(async move {
                    let (mut succeeded, mut failed) = (0, 0);
                    while next.fetch_add(1, Ordering::Relaxed) < UPDATES {
                        let body = types::UserInput::default();
                        let updated = client
                            .update_user()
                            .user_id("00u00000000000000001")
                            .body(body)
                            .send()
                            .await;
                        match updated {
                            Ok(_) => succeeded += 1,
                            Err(_) => failed += 1,
                        }
                    }
                    (succeeded, failed)
                })
            })
            .collect();
        let mut totals = (0, 0);
        for task in tasks {
            let (succeeded, failed) = task.await.expect("the task ran");
            totals.0 += succeeded;
            totals.1 += failed;
        }
        totals
    });
    Run {
        elapsed: started.elapsed(),
        succeeded,
        failed,
        received: server.counts.received.load(Ordering::Relaxed),
        refused: server.counts.refused.load(Ordering::Relaxed),
    }
}

fn print(name: &str, run: &Run) {
    let seconds = run.elapsed.as_secs_f64();
    let rate = run.succeeded as f64 / seconds;
    println!(
        "{name:<22} {seconds:>7.2} s  {rate:>6.1}/s ({:>5.1}% of the limit)  429s: {:>5} of {:>5} requests ({:>5.2}%)  failed updates: {}",
        100.0 * rate * WINDOW.as_secs_f64() / LIMIT as f64,
        run.refused,
        run.received,
        100.0 * run.refused as f64 / run.received.max(1) as f64,
        run.failed,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    println!(
        "{UPDATES} updates from {TASKS} tasks, server limit {LIMIT} requests per {:?} (sliding window)",
        WINDOW
    );
    let unpaced = run(|url| {
        ClientConfig::new(url)
            .without_pacing()
            .without_in_flight_cap()
    });
    print("no pacing, no cap", &unpaced);
    let paced = run(ClientConfig::new);
    print("pacing + cap (default)", &paced);
}
