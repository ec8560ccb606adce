//! Helpers shared by the integration tests: credentials, fast retry policies, and request
//! expectations that pin down the whole request on the wire.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use httpmock::{Method, Mock, MockServer, When};
use user_apis::{ClientConfig, RetryPolicy};

/// The SendAuth API user the tests log in as.
pub const SENDAUTH_USER: &str = "api-user";
/// The SendAuth password the tests log in with; no output may ever contain it.
pub const SENDAUTH_PASSWORD: &str = "pa55-w0rd!";
/// `Basic base64("api-user:pa55-w0rd!")`.
pub const SENDAUTH_AUTHORIZATION: &str = "Basic YXBpLXVzZXI6cGE1NS13MHJkIQ==";

/// Retries as in production, but with millisecond backoff so tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// A configuration for a client of `server`, with [`fast_retries`].
pub fn mock_config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(server.base_url()).retry(fast_retries())
}

/// A rate-limit reset `seconds` from now, in whole seconds as a reset header gives it: the
/// header value and the moment it names.
pub fn epoch_seconds_from_now(seconds: u64) -> (String, SystemTime) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970");
    let reset = (now + Duration::from_secs(seconds)).as_secs();
    (reset.to_string(), UNIX_EPOCH + Duration::from_secs(reset))
}

/// Runs `call` and checks that it ended no earlier than `moment`: a retry that waited until the
/// reset time or `Retry-After` date the server named, where the test retry policy's own backoff
/// is milliseconds. Measured against the moment itself, not a duration from the start of the
/// call, so however long the test took to set up its server, the check stays exact.
pub async fn ends_after<T>(moment: SystemTime, call: impl Future<Output = T>) -> T {
    let outcome = call.await;
    let ended = SystemTime::now();
    assert!(
        ended >= moment,
        "retried {:?} before the moment the server named",
        moment.duration_since(ended).unwrap_or_default()
    );
    outcome
}

/// Expects exactly this method, path and query (no other query parameters).
pub fn exact(when: When, method: Method, path: &str, query: &[(&str, &str)]) -> When {
    let when = query
        .iter()
        .fold(when.method(method).path(path), |when, (name, value)| {
            when.query_param(*name, *value)
        });
    when.query_param_count(".*", ".*", query.len())
}

/// Expects exactly `count` query parameters. A typed mock (`user_apis::<provider>::mock`) pins
/// each parameter it is given; this adds that the request carries no others.
pub fn query_count(when: When, count: usize) -> When {
    when.query_param_count(".*", ".*", count)
}

/// The README's code blocks, compiled as doctests so the quick start cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// A mock answering any request with `body`, to show afterwards that none was made.
pub async fn any_request(server: &MockServer, body: serde_json::Value) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(body);
        })
        .await
}
