//! The retry budget: one token bucket per client, shared by its clones, so that an outage
//! does not make every concurrent call retry `max_attempts` times.

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::json;
use user_apis::okta;
use user_apis::{RetryBudget, RetryPolicy};
use user_apis_tests::{exact, fast_retries, mock_config};

/// Calls `get_user` from `tasks` spawned tasks at once, each with a clone of `client`, and
/// returns how many of them failed.
async fn concurrent_calls(client: &okta::Client, tasks: usize) -> usize {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_user().user_id("00u1").send().await })
        })
        .collect();
    let mut failed = 0;
    for handle in handles {
        if handle.await.expect("the task ran").is_err() {
            failed += 1;
        }
    }
    failed
}

/// A mock answering every `GET /api/v1/users/00u1` with `status`.
async fn answering(server: &MockServer, status: u16) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users/00u1", &[]);
            then.status(status).json_body(json!({"id": "00u1"}));
        })
        .await
}

/// A hundred tasks share one client while the server answers only `503`. The default bucket
/// (500 tokens, 5 a retry) pays for exactly 100 retries in all, so the server sees 200
/// requests, not the 400 that four attempts each would make. Then 50 successes refund one
/// token each, which pays for 10 more retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_spends_the_shared_budget_and_successes_refill_it() {
    let server = MockServer::start_async().await;
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    assert_eq!(fast_retries().attempts(), 4);

    let mut outage = answering(&server, 503).await;
    assert_eq!(concurrent_calls(&client, 100).await, 100);
    assert_eq!(outage.calls_async().await, 100 + 500 / 5);

    // With the bucket empty, each call makes one attempt.
    outage.delete_async().await;
    outage = answering(&server, 503).await;
    assert_eq!(concurrent_calls(&client, 10).await, 10);
    assert_eq!(outage.calls_async().await, 10);

    outage.delete_async().await;
    let healthy = answering(&server, 200).await;
    for _ in 0..50 {
        client
            .get_user()
            .user_id("00u1")
            .send()
            .await
            .expect("the server is back");
    }
    assert_eq!(healthy.calls_async().await, 50);

    healthy.delete_async().await;
    let outage = answering(&server, 503).await;
    assert_eq!(concurrent_calls(&client, 20).await, 20);
    assert_eq!(outage.calls_async().await, 20 + 50 / 5);
}

/// Each client has its own bucket: one that spent its budget leaves another's whole, even one
/// built from the same configuration.
#[tokio::test]
async fn each_client_has_its_own_budget() {
    let server = MockServer::start_async().await;
    let outage = answering(&server, 503).await;
    let budget = RetryBudget::new(6).retry_cost(3);
    let config = mock_config(&server).retry(fast_retries().budget(budget));
    let first = okta::Client::with_api_token(config.clone(), "t0ken").expect("client");
    let second = okta::Client::with_api_token(config, "t0ken").expect("client");
    assert_eq!(concurrent_calls(&first, 3).await, 3);
    assert_eq!(
        outage.calls_async().await,
        3 + 2,
        "two retries at 3 tokens each"
    );
    assert_eq!(concurrent_calls(&second, 1).await, 1);
    assert_eq!(
        outage.calls_async().await,
        5 + 3,
        "the second client's bucket is full"
    );
}

/// Without a budget, every call retries up to its attempts, as before.
#[tokio::test]
async fn a_policy_without_budget_retries_every_call_fully() {
    let server = MockServer::start_async().await;
    let outage = answering(&server, 503).await;
    let policy: RetryPolicy = fast_retries().without_budget();
    let client =
        okta::Client::with_api_token(mock_config(&server).retry(policy), "t0ken").expect("client");
    assert_eq!(concurrent_calls(&client, 5).await, 5);
    assert_eq!(outage.calls_async().await, 5 * 4);
}
