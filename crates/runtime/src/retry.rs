//! Retries: which failures are worth another attempt, how long to wait, and when to stop.
//!
//! The schedule (exponential backoff with jitter, bounded attempts) comes from the `backon`
//! crate. The loop that uses it is ours, because the decision to retry depends on the
//! response itself (its status and rate-limit headers) and on whether the request may already
//! have been processed, which a generic retry adapter sees only as an opaque error. The retry
//! budget shared by a client's clones ([`RetryBudget`]) is a single atomic counter.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use crate::pacing::Gate;
use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How a provider tells when its rate limit resets, besides the standard `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateLimitReset {
    /// The header holds the Unix time (in seconds) at which the limit resets.
    EpochSeconds(HeaderName),
    /// The header holds the number of seconds until the limit resets.
    DeltaSeconds(HeaderName),
    // Either is read by its value, as pacing reads it: from `EPOCH_THRESHOLD` up a Unix time,
    // below it seconds from now, so a server that sends the other kind is still understood.
}

/// When and how often a request is tried again.
///
/// Retried: `429 Too Many Requests` always (the server refused the request without acting on
/// it); `502`, `503`, `504` and errors after the request may have reached the server only for
/// idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE); a failure to connect always, since
/// nothing was sent. A POST or PATCH that got a 5xx is never repeated: it may have been
/// processed.
///
/// The wait before each retry is the server's (`Retry-After` in seconds or as an HTTP date, or
/// on a `429` the provider's reset header) when it gives one, else exponential backoff with
/// jitter. A retry whose wait would take the total past
/// [`max_total_wait`](Self::max_total_wait) is not made: the last response or error is returned
/// at once.
///
/// Every retry is also paid from the client's [`RetryBudget`], a token bucket shared by the
/// client and all its clones, as in the AWS SDKs' standard retry mode: a retry costs 5 tokens
/// (10 after a timeout) from a bucket of 500, and an answer that is not a failure puts some
/// back. When most calls fail (an outage), the bucket empties after about a hundred retries,
/// and from then on each call makes one attempt and returns its failure at once, instead of
/// every concurrent call multiplying the load by `max_attempts`. Successes refill it. Set
/// another with [`budget`](Self::budget), or none with [`without_budget`](Self::without_budget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_total_wait: Duration,
    reset_header: Option<RateLimitReset>,
    budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    /// Four attempts, backoff from 250 ms to 8 s, at most 30 s of waiting in all, and the
    /// default [`RetryBudget`].
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_total_wait: Duration::from_secs(30),
            reset_header: None,
            budget: Some(RetryBudget::default()),
        }
    }
}

/// The retry quota of one client, shared by all its clones: a token bucket, as in the AWS
/// SDKs' standard retry mode.
///
/// The bucket starts full, with [`capacity`](Self::new) tokens (default 500). Each retry takes
/// [`retry_cost`](Self::retry_cost) tokens (default 5), or
/// [`timeout_cost`](Self::timeout_cost) (default 10) when the attempt timed out. A retry that
/// the bucket cannot pay is not made: the last response or error is returned at once. An
/// answer that is not a failure (any status but `429` and `5xx`) puts tokens back, up to the
/// capacity: the cost of its request's last retry if it was retried, else
/// [`success_refund`](Self::success_refund) (default 1).
///
/// ```
/// use user_apis_runtime::{RetryBudget, RetryPolicy};
///
/// // Room for 20 retries in a row, then one for every ten successes.
/// let policy = RetryPolicy::default().budget(RetryBudget::new(100).success_refund(1).retry_cost(5));
/// assert_eq!(policy.retry_budget().map(RetryBudget::capacity), Some(100));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    /// 500 tokens; a retry costs 5, one after a timeout 10; a success refunds 1.
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryBudget {
    /// A bucket of `capacity` tokens, with the default costs and refund.
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// The tokens a retry takes (default 5).
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// The tokens a retry after a timeout takes (default 10).
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }

    /// The tokens an answer that is not a failure puts back when its request was not
    /// retried (default 1).
    pub fn success_refund(mut self, tokens: u32) -> Self {
        self.success_refund = tokens;
        self
    }

    /// The tokens the bucket holds when full, and starts with.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

/// The tokens left in one client's [`RetryBudget`], shared by the client's clones.
#[derive(Debug)]
pub(crate) struct RetryTokens {
    available: AtomicU32,
}

impl RetryTokens {
    /// A full bucket for `budget`.
    pub(crate) fn new(budget: Option<&RetryBudget>) -> Self {
        Self {
            available: AtomicU32::new(budget.map_or(0, |budget| budget.capacity)),
        }
    }

    /// The tokens left.
    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        self.available.load(Ordering::Relaxed)
    }

    /// Takes `cost` tokens if the bucket holds them.
    fn spend(&self, cost: u32) -> bool {
        self.available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    /// Puts `tokens` back, up to `capacity`. A full bucket (the usual case) costs one load.
    fn refund(&self, tokens: u32, capacity: u32) {
        if self.available.load(Ordering::Relaxed) >= capacity {
            return;
        }
        let _ = self
            .available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_add(tokens).min(capacity))
            });
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included; `1` disables retries, `0` counts as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff wait; each later one doubles, up to [`Self::max_backoff`].
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest backoff wait before jitter, which adds up to as much again at random (so
    /// that clients limited together do not retry together).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The most time spent waiting between attempts of one request, server waits included.
    pub fn max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }

    /// The provider's rate-limit reset header, read when `Retry-After` is absent.
    pub fn reset_header(mut self, reset: RateLimitReset) -> Self {
        self.reset_header = Some(reset);
        self
    }

    /// The provider's rate-limit reset header, if one is set.
    pub fn reset(&self) -> Option<&RateLimitReset> {
        self.reset_header.as_ref()
    }

    /// Attempts in all, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The retry budget each client built with this policy gets (default
    /// [`RetryBudget::default`]); every clone of a client shares its client's.
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// No retry budget: each request retries up to [`max_attempts`](Self::max_attempts)
    /// however many others are failing.
    pub fn without_budget(mut self) -> Self {
        self.budget = None;
        self
    }

    /// The retry budget, if there is one.
    pub fn retry_budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
    }

    fn backoff(&self) -> ExponentialBackoff {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build()
    }

    /// Sends `request`, retrying as this policy allows; returns the last response or error.
    ///
    /// A response with an error status is returned as `Ok`, for the caller to decode. The
    /// retry budget belongs to a client, so this call, made without one, spends none; a
    /// generated client's calls spend their client's.
    pub fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        self.execute_buffered(client, request, None, None, None)
    }

    /// Like [`execute`](Self::execute), and with `buffer_json = Some(limit)` also reads a JSON
    /// response body of up to `limit` bytes before returning, so that a connection that drops
    /// in the middle of the body is retried like one that drops before the answer. With
    /// `tokens`, each retry is paid from them, and an answer that is not a failure refunds
    /// some (see [`RetryBudget`]).
    //
    // Every generated call holds this future and moves it between layers, so its size is part
    // of each call's cost. Hence an `async` block rather than an `async fn` (which would keep
    // the request twice, as argument and as local), one request slot (the copy for the next
    // attempt replaces the one sent), and the backoff schedule boxed when a first retry needs
    // it.
    #[allow(clippy::manual_async_fn)] // Deliberately not an `async fn`: see above.
    pub(crate) fn execute_buffered(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        buffer_json: Option<usize>,
        tokens: Option<&RetryTokens>,
        gate: Option<&Gate>,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        async move {
            let idempotent = is_idempotent(request.method());
            let mut delays: Option<Box<ExponentialBackoff>> = None;
            let mut waited = Duration::ZERO;
            // What the last retry of this request cost, refunded if it ends well.
            let mut paid = 0;
            let mut attempts = crate::trace::Attempts::start();
            loop {
                // Each attempt that may be retried sends a copy, keeping the request for the
                // next one.
                let Some(sent) = self.copy_for_retry(&request) else {
                    break;
                };
                let outcome = gated_attempt(client, sent, buffer_json, gate).await;
                attempts.finished();
                let server_wait = match &outcome {
                    Ok(response) if should_retry_status(response.status(), idempotent) => {
                        self.server_wait(response.status(), response.headers(), SystemTime::now())
                    }
                    Err(error) if should_retry_error(error, idempotent) => None,
                    // A JSON body cut short by the connection, as `should_retry_error` would
                    // judge the error that cut it: never a connect error.
                    Ok(response) if idempotent && crate::error::body_cut(response) => None,
                    _ => {
                        self.settle(tokens, &outcome, paid);
                        return outcome;
                    }
                };
                let Some(backoff) = delays
                    .get_or_insert_with(|| Box::new(self.backoff()))
                    .next()
                else {
                    return outcome;
                };
                let wait = server_wait.unwrap_or(backoff);
                if waited.saturating_add(wait) > self.max_total_wait {
                    return outcome;
                }
                if let (Some(tokens), Some(budget)) = (tokens, &self.budget) {
                    let cost = match &outcome {
                        Err(error) if error.is_timeout() => budget.timeout_cost,
                        _ => budget.retry_cost,
                    };
                    if !tokens.spend(cost) {
                        return outcome;
                    }
                    paid = cost;
                }
                attempts.retrying(&outcome, wait);
                // Release the connection before sleeping.
                drop(outcome);
                tokio::time::sleep(wait).await;
                waited += wait;
            }
            // No copy, so no retry: a single attempt is allowed, or the body is a stream.
            let outcome = gated_attempt(client, request, buffer_json, gate).await;
            attempts.finished();
            self.settle(tokens, &outcome, paid);
            outcome
        }
    }

    /// Refunds `tokens` for a request's final `outcome` when it is not a failure: the cost of
    /// its last retry (`paid`) if it was retried, else the budget's success refund.
    fn settle(
        &self,
        tokens: Option<&RetryTokens>,
        outcome: &reqwest::Result<reqwest::Response>,
        paid: u32,
    ) {
        let (Some(tokens), Some(budget)) = (tokens, &self.budget) else {
            return;
        };
        let answered = matches!(outcome, Ok(response)
            if !response.status().is_server_error()
                && response.status() != StatusCode::TOO_MANY_REQUESTS);
        if answered {
            let refund = if paid > 0 {
                paid
            } else {
                budget.success_refund
            };
            tokens.refund(refund, budget.capacity);
        }
    }

    /// The copy of `request` a retry would send: `None` when no retry is allowed, or when the
    /// body is a stream, which cannot be copied.
    fn copy_for_retry(&self, request: &reqwest::Request) -> Option<reqwest::Request> {
        if self.max_attempts > 1 {
            copy_request(request)
        } else {
            None
        }
    }

    /// The wait the server asks for before an answer with `status` is retried: `Retry-After`
    /// (seconds or HTTP date), else, on a `429` only, the provider's reset header. Some
    /// providers send their rate-limit headers with every answer (Okta, Mattermost), and the
    /// reset is the end of the rate window, which says nothing about when a `503` will pass.
    ///
    /// Values that cannot be read are ignored, and so is a time already past, which a clock
    /// ahead of the server's reads: backoff applies, where a wait of zero would send every
    /// attempt at once into the limit.
    pub fn server_wait(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Option<Duration> {
        let text = |name: &HeaderName| headers.get(name)?.to_str().ok().map(str::trim);
        if let Some(value) = text(&RETRY_AFTER) {
            if let Ok(seconds) = value.parse::<u64>() {
                return Some(Duration::from_secs(seconds));
            }
            if let Ok(date) = httpdate::parse_http_date(value) {
                return date.duration_since(now).ok();
            }
        }
        if status != StatusCode::TOO_MANY_REQUESTS {
            return None;
        }
        // Either kind is read as pacing reads it: a value from `EPOCH_THRESHOLD` up is a Unix
        // time, a smaller one seconds from now. Mattermost documents its reset both ways, and
        // an epoch taken for seconds would be a wait of decades.
        let (RateLimitReset::DeltaSeconds(name) | RateLimitReset::EpochSeconds(name)) =
            self.reset_header.as_ref()?;
        let value = text(name)?.parse::<u64>().ok()?;
        crate::pacing::reset_time(value, now)?
            .duration_since(now)
            .ok()
    }
}

/// One attempt through `gate`, when there is one: it waits for a place among the requests in
/// flight and for the rate limiter, holds the place until the answer (its JSON body
/// included) is in, and tells the limiter what the answer said.
async fn gated_attempt(
    client: &reqwest::Client,
    request: reqwest::Request,
    buffer_json: Option<usize>,
    gate: Option<&Gate>,
) -> reqwest::Result<reqwest::Response> {
    let Some(gate) = gate else {
        return attempt(client, request, buffer_json).await;
    };
    let place = gate.enter().await;
    let sent = tokio::time::Instant::now();
    let outcome = attempt(client, request, buffer_json).await;
    if let Ok(response) = &outcome {
        gate.observe(response.status(), response.headers(), sent);
    }
    drop(place);
    outcome
}

/// One attempt: sends `request` and, with `buffer_json = Some(limit)`, reads a JSON body.
fn attempt(
    client: &reqwest::Client,
    request: reqwest::Request,
    buffer_json: Option<usize>,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
    let sent = client.execute(request);
    async move {
        let response = sent.await?;
        match buffer_json {
            Some(limit) => crate::error::buffer_json(response, limit).await,
            None => Ok(response),
        }
    }
}

/// A copy of `request` to send: `None` when its body is a stream, which cannot be copied.
///
/// The copy carries everything reqwest reads from a request: method, URL, headers, version,
/// body and timeout. `Request::try_clone` also copies the request's extension map, allocating
/// it (to set the timeout) and then replacing it; that was the largest single cost of a call's
/// retry set-up. reqwest keeps nothing in that map but the timeout, which is copied here, and
/// does not pass it on to the connection. (Other extensions, which only a request converted
/// from an `http::Request` can hold, are not copied: reqwest would not read them either.)
fn copy_request(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    // Most requests have no headers of their own (the client's default headers are added
    // when it sends), and the new request's map is already empty.
    if !request.headers().is_empty() {
        *copy.headers_mut() = request.headers().clone();
    }
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE
    )
}

fn should_retry_status(status: StatusCode, idempotent: bool) -> bool {
    match status {
        StatusCode::TOO_MANY_REQUESTS => true,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
            idempotent
        }
        _ => false,
    }
}

fn should_retry_error(error: &reqwest::Error, idempotent: bool) -> bool {
    if error.is_builder() || error.is_redirect() {
        return false;
    }
    // A failed connect sent nothing; anything later may have reached the server.
    error.is_connect() || idempotent
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use reqwest::header::HeaderValue;

    use super::*;

    /// The status whose reset header counts.
    const LIMITED: StatusCode = StatusCode::TOO_MANY_REQUESTS;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn retry_after_seconds_and_dates_are_read() {
        let policy = RetryPolicy::default();
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            policy.server_wait(LIMITED, &headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        // 2023-11-14T22:13:30Z is 10 s after `now`.
        assert_eq!(
            policy.server_wait(
                LIMITED,
                &headers(&[("retry-after", "Tue, 14 Nov 2023 22:13:30 GMT")]),
                now
            ),
            Some(Duration::from_secs(10))
        );
        // A date in the past (a clock ahead of the server's) leaves the wait to backoff, where
        // "now" would send every attempt at once.
        assert_eq!(
            policy.server_wait(
                LIMITED,
                &headers(&[("retry-after", "Tue, 14 Nov 2000 22:13:30 GMT")]),
                now
            ),
            None
        );
        // `Retry-After` "0" is the server's own word: no wait.
        assert_eq!(
            policy.server_wait(LIMITED, &headers(&[("retry-after", "0")]), now),
            Some(Duration::ZERO)
        );
        // Garbage and negative numbers leave the wait to backoff.
        assert_eq!(
            policy.server_wait(LIMITED, &headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(
            policy.server_wait(LIMITED, &headers(&[("retry-after", "-3")]), now),
            None
        );
        assert_eq!(policy.server_wait(LIMITED, &HeaderMap::new(), now), None);
    }

    #[test]
    fn provider_reset_headers_apply_when_retry_after_is_absent() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let epoch = RetryPolicy::default().reset_header(RateLimitReset::EpochSeconds(
            HeaderName::from_static("x-rate-limit-reset"),
        ));
        assert_eq!(
            epoch.server_wait(
                LIMITED,
                &headers(&[("x-rate-limit-reset", "1700000004")]),
                now
            ),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            epoch.server_wait(
                LIMITED,
                &headers(&[("x-rate-limit-reset", "1700000004"), ("retry-after", "2")]),
                now
            ),
            Some(Duration::from_secs(2)),
            "Retry-After wins"
        );
        // A reset header declared as seconds to wait that holds a Unix time is read as one
        // (Mattermost documents both), not as a wait of decades; and the other way round.
        let delta = RetryPolicy::default().reset_header(RateLimitReset::DeltaSeconds(
            HeaderName::from_static("x-ratelimit-reset"),
        ));
        assert_eq!(
            delta.server_wait(
                LIMITED,
                &headers(&[("x-ratelimit-reset", "1700000004")]),
                now
            ),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            delta.server_wait(LIMITED, &headers(&[("x-ratelimit-reset", "3")]), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            epoch.server_wait(LIMITED, &headers(&[("x-rate-limit-reset", "3")]), now),
            Some(Duration::from_secs(3))
        );
        // An absurd epoch does not overflow.
        let absurd = epoch.server_wait(
            LIMITED,
            &headers(&[("x-rate-limit-reset", "18446744073709551615")]),
            now,
        );
        assert!(
            absurd.is_none_or(|wait| wait > Duration::from_secs(1_000_000)),
            "{absurd:?}"
        );
        // A reset already past (a clock ahead of the server's) leaves the wait to backoff.
        assert_eq!(
            epoch.server_wait(
                LIMITED,
                &headers(&[("x-rate-limit-reset", "1699999990")]),
                now
            ),
            None
        );
        // The reset is the end of the rate window: it says nothing about a 503, which some
        // providers send it with (Okta sends it with every answer). `Retry-After` still counts.
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(
            epoch.server_wait(
                unavailable,
                &headers(&[("x-rate-limit-reset", "1700000004")]),
                now
            ),
            None
        );
        assert_eq!(
            epoch.server_wait(
                unavailable,
                &headers(&[("x-rate-limit-reset", "1700000004"), ("retry-after", "2")]),
                now
            ),
            Some(Duration::from_secs(2))
        );
        let delta = RetryPolicy::default().reset_header(RateLimitReset::DeltaSeconds(
            HeaderName::from_static("x-ratelimit-reset"),
        ));
        assert_eq!(
            delta.server_wait(LIMITED, &headers(&[("x-ratelimit-reset", "3")]), now),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn a_retry_copy_is_the_same_request() {
        use reqwest::header::{ACCEPT, HeaderValue};
        let http = crate::http_client_builder()
            .expect("TLS set-up")
            .build()
            .expect("client");
        let request = http
            .delete("http://127.0.0.1:1/api/v1/users/00u1?sendEmail=true")
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header("x-two", "a")
            .header("x-two", "b")
            .timeout(Duration::from_secs(3))
            .version(reqwest::Version::HTTP_11)
            .build()
            .expect("request");
        let copy = copy_request(&request).expect("a body-less request is copied");
        assert_eq!(copy.method(), request.method());
        assert_eq!(copy.url(), request.url());
        assert_eq!(copy.headers(), request.headers());
        assert_eq!(copy.version(), request.version());
        assert_eq!(copy.timeout(), Some(&Duration::from_secs(3)));
        let untimed = http.get("http://127.0.0.1:1/").build().expect("request");
        let copy = copy_request(&untimed).expect("copied");
        assert_eq!(copy.timeout(), None);
        assert!(copy.headers().is_empty());

        let with_body = http
            .post("http://127.0.0.1:1/")
            .body("{}")
            .build()
            .expect("request");
        let copy = copy_request(&with_body).expect("a byte body is copied");
        assert_eq!(
            copy.body().and_then(reqwest::Body::as_bytes),
            Some(&b"{}"[..])
        );
        let streamed = http
            .post("http://127.0.0.1:1/")
            .body(reqwest::Body::wrap_stream(futures_util::stream::empty::<
                Result<bytes::Bytes, std::io::Error>,
            >()))
            .build()
            .expect("request");
        assert!(
            copy_request(&streamed).is_none(),
            "a stream cannot be sent twice"
        );
    }

    #[test]
    fn only_safe_failures_are_retried() {
        assert!(should_retry_status(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(should_retry_status(StatusCode::SERVICE_UNAVAILABLE, true));
        assert!(!should_retry_status(StatusCode::SERVICE_UNAVAILABLE, false));
        assert!(!should_retry_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            true
        ));
        assert!(!should_retry_status(StatusCode::NOT_FOUND, true));
        assert!(is_idempotent(&Method::PUT) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
    }

    /// A server that reads each request and then hangs up without answering, for the first
    /// `drops` connections, and answers `200 ok` after that. Returns its URL and a connection
    /// counter.
    async fn flaky_server(
        drops: usize,
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("address"));
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = counter.fetch_add(1, Ordering::SeqCst);
                let mut request = Vec::new();
                let mut buffer = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                if seen >= drops {
                    let reply =
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                    let _ = socket.write_all(reply).await;
                }
                // Dropping the socket closes the connection, answered or not.
            }
        });
        (url, connections)
    }

    #[tokio::test]
    async fn a_dropped_connection_is_retried_for_get_but_not_for_post() {
        use std::sync::atomic::Ordering;

        let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
        let http = crate::http_client_builder()
            .expect("TLS set-up")
            .build()
            .expect("client");

        let (url, connections) = flaky_server(1).await;
        let request = http.get(&url).build().expect("request");
        let response = policy
            .execute(&http, request)
            .await
            .expect("the retry succeeds");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(connections.load(Ordering::SeqCst), 2);

        let (url, connections) = flaky_server(1).await;
        let request = http.post(&url).body("{}").build().expect("request");
        let error = policy
            .execute(&http, request)
            .await
            .expect_err("no second attempt");
        assert!(!error.is_connect(), "the request was sent: {error:?}");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "a POST that may have been processed is not repeated"
        );
    }

    #[tokio::test]
    async fn a_refused_connection_is_retried_even_for_post() {
        // Bind and release a port, so nothing listens there.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("address"));
        drop(listener);
        let policy = RetryPolicy::default()
            .max_attempts(3)
            .initial_backoff(Duration::from_millis(1));
        let http = crate::http_client_builder()
            .expect("TLS set-up")
            .build()
            .expect("client");
        let request = http.post(&url).body("{}").build().expect("request");
        let started = std::time::Instant::now();
        let error = policy
            .execute(&http, request)
            .await
            .expect_err("nothing listens");
        assert!(error.is_connect(), "{error:?}");
        // Three attempts means two backoff waits were taken (at least 1 ms and 2 ms).
        assert!(started.elapsed() >= Duration::from_millis(3));
    }

    #[test]
    fn the_bucket_pays_retries_and_refunds_up_to_its_capacity() {
        let tokens = RetryTokens::new(Some(&RetryBudget::new(12)));
        assert_eq!(tokens.available(), 12);
        assert!(tokens.spend(5) && tokens.spend(5));
        assert!(!tokens.spend(5), "2 tokens left cannot pay 5");
        assert_eq!(tokens.available(), 2, "a refused retry takes nothing");
        tokens.refund(5, 12);
        tokens.refund(10, 12);
        assert_eq!(tokens.available(), 12, "refunds stop at the capacity");
        assert_eq!(RetryTokens::new(None).available(), 0);
    }

    #[tokio::test]
    async fn a_timed_out_retry_costs_more_and_a_bare_policy_spends_nothing() {
        // Nothing answers: each attempt times out, and its retry costs the timeout cost.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("address"));
        let budget = RetryBudget::new(25).timeout_cost(10).retry_cost(1);
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(1))
            .budget(budget);
        let http = crate::http_client_builder()
            .expect("TLS set-up")
            .timeout(Duration::from_millis(20))
            .build()
            .expect("client");
        let tokens = RetryTokens::new(policy.retry_budget());
        let request = http.get(&url).build().expect("request");
        let error = policy
            .execute_buffered(&http, request, None, Some(&tokens), None)
            .await
            .expect_err("nothing answers");
        assert!(error.is_timeout(), "{error:?}");
        assert_eq!(tokens.available(), 5, "two retries at 10 tokens each");
        drop(listener);
        assert_eq!(RetryPolicy::default().without_budget().retry_budget(), None);
    }

    #[test]
    fn the_schedule_is_bounded_by_attempts() {
        let policy = RetryPolicy::default()
            .max_attempts(3)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        let delays: Vec<Duration> = policy.backoff().collect();
        assert_eq!(delays.len(), 2, "three attempts means two waits");
        assert!(
            delays.iter().all(|d| *d <= Duration::from_millis(600)),
            "{delays:?}"
        );
        assert_eq!(RetryPolicy::never().backoff().count(), 0);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }
}
