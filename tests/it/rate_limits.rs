//! Rate limits, for every provider: a `429` is retried after the wait the server names, in
//! `Retry-After` or in the provider's own reset header (a Unix time for GitLab and Okta,
//! seconds for Mattermost), and comes back at once when that wait is beyond the budget.

use std::time::{Duration, Instant, SystemTime};

use httpmock::Method::POST;
use httpmock::{Mock, MockServer, Then};
use reqwest::header::HeaderName;
use user_apis::ClientConfig;
use user_apis::runtime::RateLimitReset;
use user_apis_tests::{ends_after, epoch_seconds_from_now, fast_retries, mock_config};

use crate::providers::{
    Answer, Failure, Provider, RateLimitHeaders, each_provider, on_get, serve_action, serve_get,
};

/// A reset value about a second or two away in the provider's form, and the moment it names
/// when that is a Unix time: whole seconds, so 1 to 2 s away; seconds to wait, `1`.
fn reset_soon(rate_limit: RateLimitHeaders) -> (String, Option<SystemTime>) {
    if rate_limit.epoch {
        let (reset, moment) = epoch_seconds_from_now(2);
        (reset, Some(moment))
    } else {
        ("1".to_string(), None)
    }
}

/// A reset value an hour away in the provider's form.
fn reset_in_an_hour(rate_limit: RateLimitHeaders) -> String {
    if rate_limit.epoch {
        epoch_seconds_from_now(3600).0
    } else {
        "3600".to_string()
    }
}

/// Runs `call`, sent now, and checks that it ended no earlier than `moment`, or, for a wait
/// in seconds that counts from the answer, no earlier than 900 ms from now. The test client's
/// own backoff is milliseconds.
async fn waits_for<T>(moment: Option<SystemTime>, call: impl Future<Output = T>) -> T {
    let sent = SystemTime::now();
    ends_after(moment.unwrap_or(sent + Duration::from_millis(900)), call).await
}

/// Mocks of the user's path: the first answers once as `refuse` sets it up, the second, after
/// it, with the user.
async fn refused_once(
    provider: Provider,
    server: &MockServer,
    refuse: impl FnOnce(Then) -> Then,
) -> [Mock<'_>; 2] {
    let path = provider.user_path();
    let refused = on_get(server, &path, |then| refuse(then).up_to_n_times(1)).await;
    [
        refused,
        serve_get(provider, server, &path, provider.user()).await,
    ]
}

/// Checks that `get_user` asked each mock of [`refused_once`] once and decoded the user.
async fn assert_retried_once(
    provider: Provider,
    mocks: [Mock<'_>; 2],
    user: Result<Answer, Box<Failure>>,
) {
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
    assert_eq!(user.expect("the retry succeeds").body, provider.user());
}

/// A `429` with `Retry-After` is retried, with the credential again, and the retry's answer
/// is the one decoded.
async fn a_429_with_retry_after_is_retried_then_succeeds(provider: Provider) {
    let server = MockServer::start_async().await;
    let limited = on_get(&server, provider.list_path(), |then| {
        let then = then.status(429).header("retry-after", "1");
        provider.too_many_requests(then).up_to_n_times(1)
    })
    .await;
    let ok = serve_get(
        provider,
        &server,
        provider.list_path(),
        provider.empty_list(),
    )
    .await;

    let page = provider.client(mock_config(&server)).list_users().await;

    limited.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
    let page = page.expect("succeeds on the retry");
    assert_eq!(page.body, provider.empty_list_decoded());
}
each_provider!(a_429_with_retry_after_is_retried_then_succeeds);

/// A `429` with the provider's rate-limit headers waits for the reset they name: "1" from
/// Mattermost is a one-second wait, not a time long past.
async fn a_429_waits_for_the_reset_header(provider: Provider) {
    let rate_limit = provider.rate_limit().expect("a reset header");
    let server = MockServer::start_async().await;
    let (reset, moment) = reset_soon(rate_limit);
    let mocks = refused_once(provider, &server, |then| {
        provider.too_many_requests(
            then.status(429)
                .header(rate_limit.limit, "10")
                .header(rate_limit.remaining, "0")
                .header(rate_limit.reset, &reset),
        )
    })
    .await;
    let client = provider.client(mock_config(&server));

    let user = waits_for(moment, client.get_user()).await;

    assert_retried_once(provider, mocks, user).await;
}
each_provider!(a_429_waits_for_the_reset_header: gitlab, mattermost, okta);

/// A `429` is retried even for a POST, which the server refused without acting on it, after
/// the wait the server names: in its reset header, or SendAuth's in `Retry-After`.
async fn a_429_to_a_post_waits_and_is_retried(provider: Provider) {
    let server = MockServer::start_async().await;
    let (header, wait, moment) = match provider.rate_limit() {
        Some(rate_limit) => {
            let (reset, moment) = reset_soon(rate_limit);
            (rate_limit.reset, reset, moment)
        }
        None => ("retry-after", "1".to_string(), None),
    };
    let action = provider.action();
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path(&action.path);
            then.status(429).header(header, &wait).up_to_n_times(1);
        })
        .await;
    let ok = serve_action(provider, &server).await;
    let client = provider.client(mock_config(&server));

    let done = waits_for(moment, client.action()).await;

    limited.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
    let done = done.expect("succeeds after the wait");
    assert_eq!(done.status, action.status);
    assert_eq!(done.body, action.decoded);
}
each_provider!(a_429_to_a_post_waits_and_is_retried);

/// A wait beyond the retry policy's budget (30 s) is not waited for: the `429` comes back at
/// once, after one attempt, with its status, whether `Retry-After` or the reset header names
/// the wait, and whatever its body: Mattermost's limiter answers in plain text; Okta's `429`
/// is its typed error.
async fn a_wait_beyond_the_budget_returns_the_429_at_once(provider: Provider) {
    let mut waits = vec![("retry-after", "3600".to_string())];
    if let Some(rate_limit) = provider.rate_limit() {
        waits.push((rate_limit.reset, reset_in_an_hour(rate_limit)));
    }
    for (header, wait) in waits {
        let server = MockServer::start_async().await;
        let mut limited = Vec::new();
        for path in [provider.user_path(), provider.list_path().to_string()] {
            let refuse =
                |then: Then| provider.too_many_requests(then.status(429).header(header, &wait));
            limited.push(on_get(&server, &path, refuse).await);
        }
        let client = provider.client(mock_config(&server));

        let started = Instant::now();
        let get = client.get_user().await.expect_err("429");
        let list = client.list_users().await.expect_err("429");

        assert!(started.elapsed() < Duration::from_secs(5), "{header}");
        for mock in &limited {
            mock.assert_calls_async(1).await;
        }
        for failure in [get, list] {
            assert_eq!(failure.status, Some(429), "{header}: {failure:?}");
            assert_eq!(
                failure.typed,
                provider.typed_too_many_requests(),
                "{header}: {failure:?}"
            );
        }
    }
}
each_provider!(a_wait_beyond_the_budget_returns_the_429_at_once);

/// `Retry-After` wins over the reset header: a `429` that says "now" in one and "in an hour" in
/// the other is retried at once.
async fn retry_after_wins_over_the_reset_header(provider: Provider) {
    let rate_limit = provider.rate_limit().expect("a reset header");
    let server = MockServer::start_async().await;
    let mocks = refused_once(provider, &server, |then| {
        then.status(429)
            .header("retry-after", "0")
            .header(rate_limit.reset, reset_in_an_hour(rate_limit))
    })
    .await;

    let user = provider.client(mock_config(&server)).get_user().await;

    assert_retried_once(provider, mocks, user).await;
}
each_provider!(retry_after_wins_over_the_reset_header: gitlab, mattermost, okta);

/// A retry policy that names a reset header of its own keeps it: the provider's header, which
/// says an hour, is not read, so backoff applies and the request is tried the policy's number
/// of times.
async fn a_retry_policy_naming_its_own_reset_header_keeps_it(provider: Provider) {
    let rate_limit = provider.rate_limit().expect("a reset header");
    let server = MockServer::start_async().await;
    let limited = on_get(&server, provider.list_path(), |then| {
        then.status(429)
            .header(rate_limit.reset, reset_in_an_hour(rate_limit))
    })
    .await;
    let policy = fast_retries().reset_header(RateLimitReset::DeltaSeconds(
        HeaderName::from_static("x-custom-reset"),
    ));
    let config = ClientConfig::new(server.base_url()).retry(policy);

    let failure = provider.client(config).list_users().await.expect_err("429");

    limited
        .assert_calls_async(fast_retries().attempts() as usize)
        .await;
    assert_eq!(failure.status, Some(429));
}
each_provider!(a_retry_policy_naming_its_own_reset_header_keeps_it: gitlab, mattermost, okta);

/// The rate-limit headers come with every answer; their reset is the end of the rate window,
/// not when a `503` will pass. A `503` with a reset an hour away is retried after the policy's
/// backoff, where waiting for that reset (beyond the wait budget) meant no retry.
async fn a_503_is_retried_after_backoff_whatever_the_rate_limit_reset(provider: Provider) {
    let rate_limit = provider.rate_limit().expect("rate-limit headers");
    let server = MockServer::start_async().await;
    let mocks = refused_once(provider, &server, |then| {
        then.status(503)
            .header(rate_limit.limit, "600")
            .header(rate_limit.remaining, "599")
            .header(rate_limit.reset, reset_in_an_hour(rate_limit))
            .body("Service Unavailable")
    })
    .await;

    let user = provider.client(mock_config(&server)).get_user().await;

    assert_retried_once(provider, mocks, user).await;
}
each_provider!(a_503_is_retried_after_backoff_whatever_the_rate_limit_reset: gitlab, mattermost, okta);
