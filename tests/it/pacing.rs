//! Pacing and the cap on requests in flight: a client holds its requests back by the
//! rate-limit headers its server sends, keeps at most so many in flight, shares both with its
//! clones, can take another rate limiter or none; and `bulk` returns each item's result at
//! its item's place.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::json;
use user_apis::runtime::{Pause, RateLimitReading, RateLimiter};
use user_apis::{bulk, gitlab, okta};
use user_apis_tests::{ends_after, epoch_seconds_from_now, exact, mock_config};

/// A mock answering `GET /api/v1/users/00u1` with Okta's rate-limit headers: a limit of 100,
/// `remaining` left, and a reset at the Unix time `reset`.
async fn okta_user_with_limit<'a>(
    server: &'a MockServer,
    remaining: &str,
    reset: &str,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users/00u1", &[]);
            then.status(200)
                .header("x-rate-limit-limit", "100")
                .header("x-rate-limit-remaining", remaining)
                .header("x-rate-limit-reset", reset)
                .json_body(json!({"id": "00u1"}));
        })
        .await
}

/// After an answer saying nothing remains until the reset, the next request waits for that
/// reset, in another clone of the client too; the answer itself is a success.
#[tokio::test]
async fn a_spent_limit_holds_the_next_request_until_the_reset() {
    let server = MockServer::start_async().await;
    let (reset, moment) = epoch_seconds_from_now(2);
    let mock = okta_user_with_limit(&server, "0", &reset).await;
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    let user = client.get_user().user_id("00u1").send().await.expect("ok");
    assert_eq!(user.id.as_deref(), Some("00u1"));
    let clone = client.clone();
    ends_after(moment, async {
        clone.get_user().user_id("00u1").send().await.expect("ok");
    })
    .await;
    assert_eq!(mock.calls_async().await, 2);
}

/// While requests remain, none waits; without pacing, none waits for a spent limit either.
#[tokio::test]
async fn remaining_requests_go_at_once_and_pacing_can_be_turned_off() {
    let server = MockServer::start_async().await;
    let (reset, moment) = epoch_seconds_from_now(3);
    let remaining = okta_user_with_limit(&server, "5", &reset).await;
    let paced = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    for _ in 0..4 {
        paced.get_user().user_id("00u1").send().await.expect("ok");
    }
    remaining.assert_calls_async(4).await;

    remaining.delete_async().await;
    let spent = okta_user_with_limit(&server, "0", &reset).await;
    let unpaced =
        okta::Client::with_api_token(mock_config(&server).without_pacing(), "t0ken").expect("c");
    for _ in 0..3 {
        unpaced.get_user().user_id("00u1").send().await.expect("ok");
    }
    spent.assert_calls_async(3).await;
    assert!(
        SystemTime::now() < moment,
        "no request waited for the reset"
    );
}

/// A local server answering every request after `delay`, closing each connection, and
/// counting the requests it holds at once: the highest count seen, and the requests answered.
async fn counting_server(delay: Duration) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (now, peak, answered) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let (seen_peak, seen_answered) = (Arc::clone(&peak), Arc::clone(&answered));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (now, peak, answered) =
                (Arc::clone(&now), Arc::clone(&peak), Arc::clone(&answered));
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let held = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(held, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                now.fetch_sub(1, Ordering::SeqCst);
                answered.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"id":"00u1"}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, seen_peak, seen_answered)
}

/// Calls `get_user` from `tasks` spawned tasks, each with a clone of `client`.
async fn concurrent_calls(client: &okta::Client, tasks: usize) {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_user().user_id("00u1").send().await })
        })
        .collect();
    for handle in handles {
        handle
            .await
            .expect("the task ran")
            .expect("the call succeeds");
    }
}

/// Thirty tasks share one client capped at four requests in flight: the server never holds
/// more than four at once, and all thirty are answered. Without the cap, it holds more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_on_requests_in_flight_holds_across_clones() {
    let (url, peak, answered) = counting_server(Duration::from_millis(20)).await;
    let capped = user_apis::ClientConfig::new(&url).max_in_flight(4);
    let client = okta::Client::with_api_token(capped, "t0ken").expect("client");
    concurrent_calls(&client, 30).await;
    assert_eq!(answered.load(Ordering::SeqCst), 30);
    assert_eq!(peak.load(Ordering::SeqCst), 4, "never more than the cap");

    let (url, peak, answered) = counting_server(Duration::from_millis(200)).await;
    let uncapped = user_apis::ClientConfig::new(&url).without_in_flight_cap();
    let client = okta::Client::with_api_token(uncapped, "t0ken").expect("client");
    concurrent_calls(&client, 30).await;
    assert_eq!(answered.load(Ordering::SeqCst), 30);
    assert!(peak.load(Ordering::SeqCst) > 4, "{peak:?}");
}

/// A rate limiter of one's own, recording what the client asks and tells it.
#[derive(Debug, Default)]
struct Recording {
    acquired: AtomicUsize,
    readings: Mutex<Vec<RateLimitReading>>,
}

/// What the configuration holds: the recording, shared with the test.
#[derive(Debug)]
struct Recorder(Arc<Recording>);

impl RateLimiter for Recorder {
    fn acquire(&self) -> Pause<'_> {
        self.0.acquired.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(()))
    }

    fn observe(&self, reading: &RateLimitReading) {
        self.0.readings.lock().expect("not poisoned").push(*reading);
    }
}

/// Another rate limiter takes the default one's place: every request of every client built
/// from the configuration asks it, and it is told GitLab's headers, read as GitLab sends them.
#[tokio::test]
async fn a_rate_limiter_of_ones_own_is_shared_by_the_configurations_clients() {
    let server = MockServer::start_async().await;
    let (reset, moment) = epoch_seconds_from_now(60);
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/7", &[]);
            then.status(200)
                .header("ratelimit-limit", "600")
                .header("ratelimit-remaining", "598")
                .header("ratelimit-reset", &reset)
                .json_body(json!({"id": 7, "username": "ada", "name": "Ada"}));
        })
        .await;
    let recording = Arc::new(Recording::default());
    let config = mock_config(&server).rate_limiter(Recorder(Arc::clone(&recording)));
    let first = gitlab::Client::with_private_token(config.clone(), "glpat").expect("client");
    let second = gitlab::Client::with_private_token(config, "glpat").expect("client");
    for client in [&first, &second] {
        let user = client.get_user().id(7).send().await.expect("ok");
        assert_eq!(user.username, "ada");
    }
    mock.assert_calls_async(2).await;
    assert_eq!(recording.acquired.load(Ordering::SeqCst), 2);
    let readings = recording.readings.lock().expect("not poisoned").clone();
    let read: Vec<_> = readings
        .iter()
        .map(|r| (r.limit, r.remaining, r.reset, r.refused))
        .collect();
    assert_eq!(read, [(Some(600), Some(598), Some(moment), false); 2]);
    // Each reading says when its request went: the second after the first.
    let sent: Vec<_> = readings.iter().map(|r| r.sent).collect();
    assert!(matches!(sent[..], [Some(a), Some(b)] if a <= b), "{sent:?}");
}

/// Twenty users, answered in an order of their own (later ones sooner), two of them unknown:
/// `bulk` returns each result at its user's place, the failures with their status.
#[tokio::test]
async fn bulk_results_keep_the_order_of_the_items() {
    let server = MockServer::start_async().await;
    let ids: Vec<String> = (0..20).map(|i| format!("00u{i:02}")).collect();
    let missing = ["00u03", "00u17"];
    for (i, id) in ids.iter().enumerate() {
        let known = !missing.contains(&id.as_str());
        server
            .mock_async(|when, then| {
                exact(when, GET, &format!("/api/v1/users/{id}"), &[]);
                let then = then.delay(Duration::from_millis(5 * (20 - i as u64)));
                if known {
                    then.status(200).json_body(json!({"id": id}));
                } else {
                    then.status(404).json_body(json!({"errorCode": "E0000007"}));
                }
            })
            .await;
    }
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    let results = bulk(ids.clone(), 8, |id| {
        let client = client.clone();
        async move { client.get_user().user_id(&id).send().await }
    })
    .await;
    assert_eq!(results.len(), ids.len());
    for (id, result) in ids.iter().zip(&results) {
        match result {
            Ok(user) => {
                assert!(!missing.contains(&id.as_str()), "{id}");
                assert_eq!(user.id.as_deref(), Some(id.as_str()));
            }
            Err(error) => {
                assert!(missing.contains(&id.as_str()), "{id}: {error:?}");
                assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
            }
        }
    }
}
