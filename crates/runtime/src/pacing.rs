//! Client-side pacing: the rate-limit headers of each answer, the [`RateLimiter`] that holds a
//! client's requests back by them, and the cap on requests in flight.
//!
//! Providers send their rate limit with every answer, each under its own names: Okta
//! `X-Rate-Limit-Limit`, `-Remaining` and `-Reset`; GitLab `RateLimit-Limit`, `-Remaining` and
//! `-Reset`; Mattermost `X-Ratelimit-Limit`, `-Remaining` and `-Reset`. [`RateLimitReading`]
//! reads whichever family an answer carries, so no provider needs code of its own. A reset is
//! a Unix time in seconds (Okta, GitLab) or a number of seconds to wait (Mattermost documents
//! both): a value of [`EPOCH_THRESHOLD`] or more is a Unix time, a smaller one a delay.
//!
//! Each client (with all its clones) holds one [`RateLimiter`], by default a
//! [`LocalRateLimiter`], which every attempt of every request goes through: it waits as the
//! limiter says before sending, and tells the limiter what the answer said. A `429` remains
//! the fallback, retried by the [`RetryPolicy`](crate::RetryPolicy).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};
use tokio::time::Instant;

/// The requests a client keeps in flight at most, by default: Okta's default concurrency
/// limit per org.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 75;

/// A reset value from this one up (2001-09-09) is a Unix time; a smaller one is a number of
/// seconds from now.
pub const EPOCH_THRESHOLD: u64 = 1_000_000_000;

/// The header families read, each as its limit, remaining and reset headers: Okta's, GitLab's
/// and Mattermost's.
const FAMILIES: [[HeaderName; 3]; 3] = [
    [
        HeaderName::from_static("x-rate-limit-limit"),
        HeaderName::from_static("x-rate-limit-remaining"),
        HeaderName::from_static("x-rate-limit-reset"),
    ],
    [
        HeaderName::from_static("ratelimit-limit"),
        HeaderName::from_static("ratelimit-remaining"),
        HeaderName::from_static("ratelimit-reset"),
    ],
    [
        HeaderName::from_static("x-ratelimit-limit"),
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderName::from_static("x-ratelimit-reset"),
    ],
];

/// What one answer said about the client's rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitReading {
    /// The requests allowed in each window (`*-Limit`), if sent.
    pub limit: Option<u64>,
    /// The requests the server still accepts in the current window (`*-Remaining`), if sent.
    pub remaining: Option<u64>,
    /// When the window resets (`*-Reset`), if sent.
    pub reset: Option<SystemTime>,
    /// Whether the answer was a `429 Too Many Requests`.
    pub refused: bool,
    /// When the request this answer is for was let go, if known: with it, the server's count
    /// (`limit - remaining`) tells how far back its window reaches.
    pub sent: Option<std::time::Instant>,
}

impl RateLimitReading {
    /// A reading of these values.
    pub fn new(
        limit: Option<u64>,
        remaining: Option<u64>,
        reset: Option<SystemTime>,
        refused: bool,
    ) -> Self {
        Self {
            limit,
            remaining,
            reset,
            refused,
            sent: None,
        }
    }

    /// This reading, for a request let go at `sent`.
    pub fn sent_at(self, sent: std::time::Instant) -> Self {
        Self {
            sent: Some(sent),
            ..self
        }
    }

    /// Reads the first family of rate-limit headers that `headers` carries (Okta's, GitLab's
    /// or Mattermost's), a reset given in seconds counting from `now`. `None` when the answer
    /// carries none of them, or none that can be read.
    ///
    /// A limit or remaining count is the leading number of its header (`100` in `100, 100;w=60`).
    pub fn from_headers(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Self> {
        let number = |name: &HeaderName| -> Option<u64> {
            let text = headers.get(name)?.to_str().ok()?;
            text.split([',', ';']).next()?.trim().parse().ok()
        };
        for [limit, remaining, reset] in &FAMILIES {
            let reading = Self {
                limit: number(limit),
                remaining: number(remaining),
                reset: number(reset).and_then(|value| reset_time(value, now)),
                refused: status == StatusCode::TOO_MANY_REQUESTS,
                sent: None,
            };
            if reading.limit.is_some() || reading.remaining.is_some() || reading.reset.is_some() {
                return Some(reading);
            }
        }
        None
    }
}

/// The moment a reset header's `value` names: a Unix time from [`EPOCH_THRESHOLD`] up, else
/// seconds from `now`.
pub(crate) fn reset_time(value: u64, now: SystemTime) -> Option<SystemTime> {
    if value >= EPOCH_THRESHOLD {
        UNIX_EPOCH.checked_add(Duration::from_secs(value))
    } else {
        now.checked_add(Duration::from_secs(value))
    }
}

/// A wait before a request is sent, as a [`RateLimiter`] gives it.
pub type Pause<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// The pacing state of one client, shared by all its clones: when may the next request go,
/// given what the server said.
///
/// The runtime calls [`acquire`](Self::acquire) before each attempt of each request (a retry
/// included), and sends once it resolves; then [`observe`](Self::observe) with the rate-limit
/// headers of the answer, if it carried any. [`LocalRateLimiter`] is the default, in
/// process; another implementation can keep the budget in a store that several replicas of a
/// service share (the readings carry Unix times, which mean the same on every machine).
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Waits until one more request may be sent, and counts it as sent.
    fn acquire(&self) -> Pause<'_>;

    /// Takes in what an answer said about the rate limit.
    fn observe(&self, reading: &RateLimitReading);
}

/// The default [`RateLimiter`]: the requests of one client, kept within the limit its server
/// reports.
///
/// - **Remaining**: after an answer saying `Remaining: n`, at most `n` more requests go before
///   the reset it names; then requests wait for that reset. A `429` counts as `Remaining: 0`,
///   so every clone waits for its reset instead of each running into the limit. A reset more
///   than a minute away is not waited for here: the [`RetryPolicy`](crate::RetryPolicy),
///   which bounds its waits, decides.
/// - **Limit**: no more than the limit, less a margin of [`margin`](Self::margin) (3% by
///   default, at least one request), go within any window, whatever the server's windows
///   are (fixed or sliding). The window is learnt from the answers. A reset names whole
///   seconds, so the time to it may be up to a second shorter than it reads: the window is at
///   least the longest time to a reset seen less that second (a quarter second of latency
///   allowed), and at least one second. It grows when the server's count shows a longer
///   one: an answer saying `Remaining: r` says the server still counts the last `limit - r`
///   requests of this client (this one included), so its window is longer than the time
///   since the oldest of them went; when that is longer than the window held by more than the
///   quarter second of latency allowed, it is taken as the window. Requests of other clients
///   of the same account only make the window seem longer, never shorter.
///
/// Until an answer names a limit, requests are not held back (the cap on requests in flight
/// still applies); a server that sends no rate-limit headers is never paced.
#[derive(Debug, Clone, Default)]
pub struct LocalRateLimiter {
    state: Arc<Mutex<State>>,
    margin_percent: u8,
}

/// The entries kept of recent requests at most: a limit above it is enforced as this many.
const MAX_LOG: usize = 16_384;

/// The longest the limiter holds requests for a reset: one further away is left to the
/// retry policy, which bounds its own waits.
const MAX_HOLD: Duration = Duration::from_secs(60);

/// The resolution of a reset: whole seconds.
const RESOLUTION: Duration = Duration::from_secs(1);

/// The latency allowed between a server's reading of its clock and this client's.
const LATENCY: Duration = Duration::from_millis(250);

/// What "longer than" adds to a span.
const TICK: Duration = Duration::from_millis(1);

/// `duration` in whole seconds, rounded down, at least one.
fn whole_seconds(duration: Duration) -> Duration {
    Duration::from_secs(duration.as_secs().max(1))
}

/// How long the sends are kept while no window is known.
const UNKNOWN_WINDOW_HORIZON: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct State {
    /// The limit per window last reported.
    limit: Option<u64>,
    /// The window learnt from the resets and the counts.
    window: Option<Duration>,
    /// How long the sends are kept: the longest time to a reset seen, at least the window.
    horizon: Option<Duration>,
    /// The moments at which recent requests were let go, oldest first.
    sent: VecDeque<Instant>,
    /// The moments from which recent requests count against the limit, oldest first: when
    /// they were let go, or once answered, when their answer came.
    counted: VecDeque<Instant>,
    /// What the last answer left: requests still allowed, and the reset after which that
    /// count no longer holds.
    allowance: Option<(u64, Instant)>,
}

impl LocalRateLimiter {
    /// A limiter with the default margin (3%).
    pub fn new() -> Self {
        Self {
            state: Arc::default(),
            margin_percent: 3,
        }
    }

    /// The share of the limit kept unused within a window, in percent (default 3, at most
    /// 50): room for other clients of the same account and for requests that reach the
    /// server later than they left.
    pub fn margin(mut self, percent: u8) -> Self {
        self.margin_percent = percent.min(50);
        self
    }

    /// Lets one request go now, counting it, or says when to ask again.
    ///
    /// Nothing is promised for later: a request that waits asks again when its time comes,
    /// with what the answers in between said (a request still in flight counts from when it
    /// left until its answer says when the server took it in).
    fn try_take(&self, now: Instant) -> Result<(), Instant> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some((left, reset)) = state.allowance {
            if reset <= now {
                state.allowance = None;
            } else if left == 0 {
                return Err(reset);
            }
        }
        if let (Some(limit), Some(window)) = (state.limit, state.window) {
            let kept = limit - limit * u64::from(self.margin_percent) / 100;
            let allowed = usize::try_from(kept).unwrap_or(MAX_LOG).clamp(1, MAX_LOG);
            let counted = &state.counted;
            let inside = counted.len() - counted.partition_point(|&t| t + window <= now);
            if inside >= allowed {
                // The request that makes room leaves the window one window after it counts from.
                return Err(counted[counted.len() - allowed] + window);
            }
        }
        if let Some((left, reset)) = state.allowance {
            state.allowance = Some((left - 1, reset));
        }
        let horizon = state.horizon.unwrap_or(UNKNOWN_WINDOW_HORIZON);
        let state = &mut *state;
        for log in [&mut state.sent, &mut state.counted] {
            while log.front().is_some_and(|&oldest| oldest + horizon <= now) {
                log.pop_front();
            }
            if log.len() >= MAX_LOG {
                log.pop_front();
            }
            // An answer observed meanwhile may count from a moment after `now`.
            let place = log.partition_point(|&t| t <= now);
            log.insert(place, now);
        }
        Ok(())
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire(&self) -> Pause<'_> {
        match self.try_take(Instant::now()) {
            // A zero-sized future: no allocation when nothing waits.
            Ok(()) => Box::pin(Ready),
            Err(mut at) => Box::pin(async move {
                loop {
                    tokio::time::sleep_until(at).await;
                    match self.try_take(Instant::now()) {
                        Ok(()) => break,
                        Err(later) => at = later,
                    }
                }
            }),
        }
    }

    fn observe(&self, reading: &RateLimitReading) {
        let now = Instant::now();
        let until_reset = reading
            .reset
            .map(|reset| reset.duration_since(SystemTime::now()).unwrap_or_default());
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(limit) = reading.limit {
            state.limit = Some(limit);
        }
        if let Some(until) = until_reset {
            // A refusal's reset may be a penalty rather than the window.
            if !reading.refused && reading.limit.is_some() {
                let longest = whole_seconds(until + LATENCY);
                let shortest = whole_seconds((until + LATENCY).saturating_sub(RESOLUTION));
                state.horizon = Some(state.horizon.map_or(longest, |known| known.max(longest)));
                state.window = Some(state.window.map_or(shortest, |known| known.max(shortest)));
            }
        }
        // The server counts `limit - remaining` requests in its window, this one included: the
        // oldest of the last that many of this client's, up to this one, is still inside.
        if let (Some(limit), Some(remaining), Some(sent), Some(window), Some(horizon)) = (
            state.limit,
            reading.remaining,
            reading.sent,
            state.window,
            state.horizon,
        ) {
            let sent = Instant::from_std(sent);
            let counted = if reading.refused {
                usize::try_from(limit).unwrap_or(usize::MAX)
            } else {
                usize::try_from(limit.saturating_sub(remaining)).unwrap_or(usize::MAX)
            };
            let up_to = state.sent.partition_point(|&t| t <= sent);
            // A refused request is not among those counted.
            let this_one = usize::from(reading.refused);
            if counted >= 1 && counted + this_one <= up_to {
                let oldest = state.sent[up_to - this_one - counted];
                // Still inside, so the window is longer than the span since it went; by less
                // than the latency allowed, it is taken for the jitter of requests on the way.
                let span = sent.saturating_duration_since(oldest) + TICK;
                if span > window + LATENCY {
                    state.window = Some(span.min(horizon));
                }
            }
        }
        // The server took the request in at some moment before its answer came, and counts it
        // from then: it is counted here from the answer, so that one slow on its way is never
        // taken for gone while the server still counts it.
        if let Some(sent) = reading.sent {
            let counted = &mut state.counted;
            let up_to = counted.partition_point(|&t| t <= Instant::from_std(sent));
            if up_to > 0 && counted[up_to - 1] < now {
                counted.remove(up_to - 1);
                let place = counted.partition_point(|&t| t <= now);
                counted.insert(place, now);
            }
        }
        let remaining = if reading.refused {
            Some(0)
        } else {
            reading.remaining
        };
        if let (Some(left), Some(until)) = (remaining, until_reset)
            && !until.is_zero()
            && until <= MAX_HOLD
        {
            state.allowance = Some((left, now + until));
        }
    }
}

/// A future that is ready at once, of size zero.
struct Ready;

impl Future for Ready {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Ready(())
    }
}

/// What every attempt of a client's requests passes through: its pacing and its cap on
/// requests in flight, each shared by the client's clones.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gate {
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    pub(crate) in_flight: Option<Arc<tokio::sync::Semaphore>>,
}

impl Gate {
    /// Waits for a place among the requests in flight, then for the limiter; the place is
    /// held until the returned guard is dropped.
    pub(crate) async fn enter(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let permit = match &self.in_flight {
            // The semaphore is never closed.
            Some(semaphore) => semaphore.acquire().await.ok(),
            None => None,
        };
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
        permit
    }

    /// Tells the limiter what the answer to a request let go at `sent` said.
    pub(crate) fn observe(&self, status: StatusCode, headers: &HeaderMap, sent: Instant) {
        if let Some(limiter) = &self.limiter
            && let Some(reading) =
                RateLimitReading::from_headers(status, headers, SystemTime::now())
        {
            limiter.observe(&reading.sent_at(sent.into_std()));
        }
    }

    /// Whether nothing is paced or capped.
    pub(crate) fn is_open(&self) -> bool {
        self.limiter.is_none() && self.in_flight.is_none()
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    /// A reading of `limit` and `remaining` with a reset `seconds` from now.
    fn reading(limit: u64, remaining: u64, seconds: u64, refused: bool) -> RateLimitReading {
        RateLimitReading::new(
            Some(limit),
            Some(remaining),
            Some(SystemTime::now() + Duration::from_secs(seconds)),
            refused,
        )
    }

    /// The moments, from the start, at which `count` requests are let go.
    async fn send_times(limiter: &LocalRateLimiter, count: usize) -> Vec<Duration> {
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..count {
            limiter.acquire().await;
            times.push(start.elapsed());
        }
        times
    }

    #[test]
    fn every_family_and_every_reset_form_is_read() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let at = |seconds| Some(UNIX_EPOCH + Duration::from_secs(seconds));
        let read = |pairs, status| RateLimitReading::from_headers(status, &headers(pairs), now);
        let ok = StatusCode::OK;
        // Okta: a Unix time.
        assert_eq!(
            read(
                &[
                    ("x-rate-limit-limit", "600"),
                    ("x-rate-limit-remaining", "599"),
                    ("x-rate-limit-reset", "1700000060"),
                ],
                ok
            ),
            Some(RateLimitReading::new(
                Some(600),
                Some(599),
                at(1_700_000_060),
                false
            ))
        );
        // GitLab: a Unix time, and a limit in the structured form some servers send.
        assert_eq!(
            read(
                &[
                    ("ratelimit-limit", "2000, 2000;w=60"),
                    ("ratelimit-remaining", "0"),
                    ("ratelimit-reset", "1700000030"),
                ],
                StatusCode::TOO_MANY_REQUESTS
            ),
            Some(RateLimitReading::new(
                Some(2000),
                Some(0),
                at(1_700_000_030),
                true
            ))
        );
        // Mattermost: seconds to wait, or a Unix time.
        assert_eq!(
            read(
                &[
                    ("x-ratelimit-limit", "100"),
                    ("x-ratelimit-remaining", "7"),
                    ("x-ratelimit-reset", "2"),
                ],
                ok
            ),
            Some(RateLimitReading::new(
                Some(100),
                Some(7),
                at(1_700_000_002),
                false
            ))
        );
        assert_eq!(
            read(&[("x-ratelimit-reset", "1700000005")], ok).map(|r| r.reset),
            Some(at(1_700_000_005))
        );
        // Nothing, or nothing readable.
        assert_eq!(read(&[], ok), None);
        assert_eq!(read(&[("x-rate-limit-remaining", "many")], ok), None);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_wait_for_the_reset_once_remaining_is_spent() {
        let limiter = LocalRateLimiter::new();
        // Before any answer, nothing is held back.
        assert_eq!(send_times(&limiter, 3).await, [Duration::ZERO; 3]);
        // Two left until a reset 5 s away (in a window of 100, which does not bind).
        limiter.observe(&reading(100, 2, 5, false));
        let times = send_times(&limiter, 4).await;
        assert_eq!(times[..2], [Duration::ZERO; 2], "{times:?}");
        assert!(
            times[2] >= Duration::from_millis(4_900) && times[2] <= Duration::from_secs(5),
            "the third waits for the reset: {times:?}"
        );
        assert_eq!(
            times[3], times[2],
            "after the reset, the count no longer holds"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_holds_every_request_until_its_reset() {
        let limiter = LocalRateLimiter::new();
        limiter.observe(&reading(100, 40, 3, true));
        let times = send_times(&limiter, 2).await;
        assert!(times[0] >= Duration::from_millis(2_900), "{times:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_than_the_limit_go_within_a_window() {
        // A limit of 4 a second (the margin rounds to nothing), learnt from a reset 1 s away.
        let limiter = LocalRateLimiter::new();
        limiter.observe(&reading(4, 4, 1, false));
        let times = send_times(&limiter, 9).await;
        let seconds: Vec<u64> = times.iter().map(Duration::as_secs).collect();
        assert_eq!(seconds, [0, 0, 0, 0, 1, 1, 1, 1, 2], "{times:?}");
        // Within any one second, at most four.
        for (i, time) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .filter(|later| **later < *time + Duration::from_secs(1))
                .count();
            assert!(in_window <= 4, "{times:?}");
        }
        // With a margin, fewer.
        let limiter = LocalRateLimiter::new().margin(25);
        limiter.observe(&reading(4, 4, 1, false));
        let seconds: Vec<u64> = send_times(&limiter, 4)
            .await
            .iter()
            .map(Duration::as_secs)
            .collect();
        assert_eq!(seconds, [0, 0, 0, 1]);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_sent_before_the_first_answer_count_against_the_limit() {
        let limiter = LocalRateLimiter::new();
        // Three went out before anything was known; then the server names a limit of 4 a
        // second: one more may go in this second.
        assert_eq!(send_times(&limiter, 3).await, [Duration::ZERO; 3]);
        limiter.observe(&reading(4, 1, 1, false));
        let seconds: Vec<u64> = send_times(&limiter, 3)
            .await
            .iter()
            .map(Duration::as_secs)
            .collect();
        assert_eq!(seconds, [0, 1, 1]);
    }

    /// A server that accepts `limit` requests in any `window` (sliding) and answers as the
    /// providers do: its reset is the Unix time, rounded up to the second, at which the oldest
    /// request it counts leaves the window.
    struct Sliding {
        limit: usize,
        window: Duration,
        accepted: VecDeque<Instant>,
    }

    impl Sliding {
        fn answer(&mut self, now: Instant) -> RateLimitReading {
            while self
                .accepted
                .front()
                .is_some_and(|&oldest| oldest + self.window <= now)
            {
                self.accepted.pop_front();
            }
            let accepted = self.accepted.len() < self.limit;
            if accepted {
                self.accepted.push_back(now);
            }
            let frees = self
                .accepted
                .front()
                .map_or(Duration::ZERO, |&oldest| oldest + self.window - now);
            // The wall clock is taken as 0.1 s past a whole second: rounding the reset up to
            // the second adds up to 0.9 s.
            let until = (frees.as_secs_f64() + 0.1).ceil() - 0.1;
            RateLimitReading::new(
                Some(self.limit as u64),
                Some((self.limit - self.accepted.len()) as u64),
                Some(SystemTime::now() + Duration::from_secs_f64(until)),
                !accepted,
            )
            .sent_at(now.into_std())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_is_learnt_from_resets_rounded_up_to_the_second() {
        // 100 a second, sliding; the resets read up to 1.9 s away.
        let mut server = Sliding {
            limit: 100,
            window: Duration::from_secs(1),
            accepted: VecDeque::new(),
        };
        let limiter = LocalRateLimiter::new();
        let start = Instant::now();
        let mut refused = 0;
        for _ in 0..400 {
            limiter.acquire().await;
            let reading = server.answer(Instant::now());
            refused += usize::from(reading.refused);
            limiter.observe(&reading);
        }
        // 97 a second (the margin kept): the last of 400 goes in the fifth second, not the
        // ninth as with a window taken for two seconds.
        assert_eq!(refused, 0);
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn the_servers_count_shows_a_longer_window() {
        // A limit of 10; a reset read 2 s away says one second at least.
        let limiter = LocalRateLimiter::new();
        let in_two_seconds = SystemTime::now() + Duration::from_secs(2);
        limiter.observe(&RateLimitReading::new(
            Some(10),
            None,
            Some(in_two_seconds),
            false,
        ));
        let start = Instant::now();
        assert_eq!(send_times(&limiter, 5).await, [Duration::ZERO; 5]);
        tokio::time::advance(Duration::from_millis(1_500)).await;
        limiter.acquire().await;
        // The server still counts the five sent 1.5 s ago: its window is longer.
        let count = RateLimitReading::new(Some(10), Some(4), None, false);
        limiter.observe(&count.sent_at(Instant::now().into_std()));
        let times: Vec<Duration> = send_times(&limiter, 5)
            .await
            .iter()
            .map(|time| *time + Duration::from_millis(1_500))
            .collect();
        assert_eq!(times[..4], [Duration::from_millis(1_500); 4], "{times:?}");
        assert_eq!(times[4], Duration::from_millis(1_501), "{times:?}");
        assert_eq!(start.elapsed(), Duration::from_millis(1_501));
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_request_counts_the_ones_in_flight_from_their_answers() {
        // Four a second; four go at once and are still on their way.
        let limiter = LocalRateLimiter::new();
        let in_two_seconds = SystemTime::now() + Duration::from_secs(2);
        limiter.observe(&RateLimitReading::new(
            Some(4),
            None,
            Some(in_two_seconds),
            false,
        ));
        let start = Instant::now();
        assert_eq!(send_times(&limiter, 4).await, [Duration::ZERO; 4]);
        let fifth = tokio::spawn({
            let limiter = limiter.clone();
            async move {
                limiter.acquire().await;
                start.elapsed()
            }
        });
        // Their answers come half a second later: the server may have taken them in as late
        // as that, so they count until 1.5 s, not 1 s.
        tokio::time::advance(Duration::from_millis(500)).await;
        for _ in 0..4 {
            let answer = RateLimitReading::new(Some(4), None, None, false);
            limiter.observe(&answer.sent_at(start.into_std()));
        }
        assert_eq!(
            fifth.await.expect("the task ran"),
            Duration::from_millis(1_500)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_one_state() {
        let limiter = LocalRateLimiter::new();
        let clone = limiter.clone();
        clone.observe(&reading(100, 1, 2, false));
        assert_eq!(send_times(&limiter, 1).await, [Duration::ZERO]);
        let times = send_times(&clone, 1).await;
        assert!(times[0] >= Duration::from_millis(1_900), "{times:?}");
    }
}
