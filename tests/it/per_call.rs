//! Per-call options: an operation's builder sets its own timeout and retry policy, in place of
//! the client's, for that call alone.

use std::time::Duration;

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::json;
use user_apis::{RetryPolicy, gitlab, okta};
use user_apis_tests::{exact, mock_config};

/// A call's timeout replaces the client's in both directions: a short one gives up on a slow
/// answer the client would wait for, and a long one waits for an answer the client's would
/// not.
#[tokio::test]
async fn a_calls_timeout_replaces_the_clients() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users/00u1", &[]);
            then.status(200)
                .delay(Duration::from_millis(400))
                .json_body(json!({"id": "00u1"}));
        })
        .await;
    let patient = okta::Client::with_api_token(
        mock_config(&server)
            .timeout(Duration::from_secs(30))
            .retry(RetryPolicy::never()),
        "token",
    )
    .expect("client");
    let error = patient
        .get_user()
        .user_id("00u1")
        .timeout(Duration::from_millis(50))
        .send()
        .await
        .expect_err("the call's timeout is short");
    assert!(error.is_timeout(), "{error:?}");

    let hasty = okta::Client::with_api_token(
        mock_config(&server)
            .timeout(Duration::from_millis(50))
            .retry(RetryPolicy::never()),
        "token",
    )
    .expect("client");
    assert!(hasty.get_user().user_id("00u1").send().await.is_err());
    let user = hasty
        .get_user()
        .user_id("00u1")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("the call waits longer than its client");
    assert_eq!(user.id.as_deref(), Some("00u1"));
    slow.assert_calls_async(3).await;
}

/// A call's retry policy replaces the client's: `never()` sends once where the client would
/// retry, and a policy with more attempts retries where the client would not. The call after
/// it is back to the client's policy.
#[tokio::test]
async fn a_calls_retry_policy_replaces_the_clients() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/7", &[]);
            then.status(503);
        })
        .await;
    let client = gitlab::Client::with_private_token(mock_config(&server), "token").expect("client");
    let error = client
        .get_user()
        .id(7)
        .retry(RetryPolicy::never())
        .send()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    unavailable.assert_calls_async(1).await;

    client.get_user().id(7).send().await.expect_err("503");
    let retried = unavailable.calls_async().await - 1;
    assert!(
        retried > 1,
        "the client's policy retries: {retried} requests"
    );
    unavailable.delete_async().await;

    let once = gitlab::Client::with_private_token(
        mock_config(&server).retry(RetryPolicy::never()),
        "token",
    )
    .expect("client");
    let unavailable = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/7", &[]);
            then.status(503);
        })
        .await;
    once.get_user()
        .id(7)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .send()
        .await
        .expect_err("503 three times");
    unavailable.assert_calls_async(3).await;
}

/// A body that stalls past the call's own timeout is reported naming that timeout, not the
/// client's.
#[tokio::test]
async fn a_stalled_body_names_the_calls_timeout() {
    use tokio::io::AsyncWriteExt as _;

    let (url, _) = crate::hostile::raw_server(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    content-length: 100\r\n\r\n{\"id\":";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = okta::Client::with_api_token(
        user_apis::ClientConfig::new(url.as_str())
            .timeout(Duration::from_secs(30))
            .retry(RetryPolicy::never()),
        "token",
    )
    .expect("client");
    let error = client
        .get_user()
        .user_id("00u1")
        .timeout(Duration::from_millis(150))
        .send()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        error.to_string(),
        "invalid response to get_user (200 OK, application/json): timed out reading the body: \
         the 150ms timeout passed; body starts \"{\\\"id\\\":\""
    );
}
