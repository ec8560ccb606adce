//! Client configuration: where to connect, how long to wait, and how to retry.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::{
    ConfigError, Credential, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_IN_FLIGHT, LocalRateLimiter,
    RateLimitReset, RateLimiter, RawBodies, RetryPolicy, Runtime,
};

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for each attempt of a request, from sending to the end of the response
/// body. A retried request gets it again for each attempt, besides the waits between them.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `User-Agent` sent unless the configuration sets another.
pub const DEFAULT_USER_AGENT: &str = concat!("user-apis/", env!("CARGO_PKG_VERSION"));

/// Everything a client needs besides its credential.
///
/// ```
/// use std::time::Duration;
/// use user_apis_runtime::{ClientConfig, RetryPolicy};
///
/// let config = ClientConfig::new("https://example.com")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_attempts(2));
/// assert_eq!(config.base_url(), "https://example.com");
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    headers: HeaderMap,
    follow_redirects: bool,
    max_body_size: usize,
    /// PEM certificates trusted besides the platform's roots.
    root_certificates: Vec<Vec<u8>>,
    raw: Option<RawBodies>,
    walk_concurrency: usize,
    pacing: Pacing,
    max_in_flight: Option<usize>,
    http_settings: Option<HttpSettings>,
}

/// A caller's own settings of the HTTP client ([`ClientConfig::http_settings`]).
#[derive(Clone)]
struct HttpSettings(
    std::sync::Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>,
);

impl std::fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpSettings(..)")
    }
}

/// How a configuration's clients are paced.
#[derive(Debug, Clone)]
enum Pacing {
    /// A new [`LocalRateLimiter`] for each client built.
    Local,
    /// Not at all.
    Off,
    /// By this limiter, shared by every client built from the configuration.
    Shared(std::sync::Arc<dyn RateLimiter>),
}

/// A configured HTTP client and runtime, ready to hand to a generated client's
/// `new_with_client(base_url, http, runtime)`.
#[derive(Debug)]
pub struct Parts {
    /// The server's root URL, without a trailing slash.
    pub base_url: String,
    /// The HTTP client, carrying the credential, timeouts and user agent.
    pub http: reqwest::Client,
    /// The behaviour the generated client's hooks delegate to.
    pub runtime: Runtime,
}

impl ClientConfig {
    /// A configuration for the server at `base_url` (its root URL: the clients add the
    /// `/api/...` prefix themselves), with default timeouts and retries.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            retry: RetryPolicy::default(),
            headers: HeaderMap::new(),
            follow_redirects: true,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            root_certificates: Vec::new(),
            raw: None,
            walk_concurrency: crate::DEFAULT_WALK_CONCURRENCY,
            pacing: Pacing::Local,
            max_in_flight: Some(DEFAULT_MAX_IN_FLIGHT),
            http_settings: None,
        }
    }

    /// Paces every request by `limiter` instead of a [`LocalRateLimiter`] of the client's own.
    ///
    /// Every client built from this configuration (or a copy of it) shares `limiter`, and
    /// with it one budget: a limiter that keeps its state in a store shared by several
    /// replicas gives them all one budget.
    pub fn rate_limiter(mut self, limiter: impl RateLimiter + 'static) -> Self {
        self.pacing = Pacing::Shared(std::sync::Arc::new(limiter));
        self
    }

    /// Sends requests without pacing: a request goes as soon as it has a place among the
    /// requests in flight, and a `429` is the only sign of the rate limit (retried by the
    /// [`RetryPolicy`]).
    pub fn without_pacing(mut self) -> Self {
        self.pacing = Pacing::Off;
        self
    }

    /// The most requests each client (with all its clones) keeps in flight at once, at least
    /// one (default [`DEFAULT_MAX_IN_FLIGHT`], 75: Okta's default concurrency limit per org).
    /// A request over it waits for a place; each attempt of a request takes one.
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = Some(requests.max(1));
        self
    }

    /// No cap on the requests in flight.
    pub fn without_in_flight_cap(mut self) -> Self {
        self.max_in_flight = None;
        self
    }

    /// How many pages a stream over a paged list keeps fetched or in flight, the one it is
    /// yielding included (4 by default). Where the page numbers are known ahead, that many
    /// pages are requested at once; a list paged by cursors fetches the next page while the
    /// consumer works on the current one. 1 fetches each page only when the consumer reaches
    /// it; 0 counts as 1. The items come in the order of the list whatever the number.
    ///
    /// Only the page being yielded and the next one are held decoded; a page answered before
    /// its turn keeps its JSON body (a half to a third of its decoded size) until then.
    pub fn walk_concurrency(mut self, pages: usize) -> Self {
        self.walk_concurrency = pages;
        self
    }

    /// Keeps the JSON body of each success answer in `raw`, as the server sent it, besides
    /// decoding it (off by default). For a caller that shows what the server sent, fields the
    /// spec does not know included, such as the command-line tool; see [`RawBodies`].
    pub fn keep_raw_bodies(mut self, raw: RawBodies) -> Self {
        self.raw = Some(raw);
        self
    }

    /// The longest response body to read whole, in bytes (default 16 MiB): every JSON body,
    /// and the images Mattermost's `send_image` reads. A longer body fails with
    /// `InvalidResponseCause::TooLarge` as soon as it passes the limit, so a hostile or broken
    /// server cannot make the client buffer an unbounded body. A binary body taken as a stream
    /// (`send`) is read by the caller, and not limited.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for each attempt of a request, body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `user-apis/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// A header sent with every request (GitLab's `Sudo`, for example). A request that sets the
    /// same header itself keeps its own value. `Accept` replaces the default,
    /// `application/json`.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Whether the client follows redirects (default `true`, up to 10 in a row).
    ///
    /// Turn it off to read a redirect itself: a sign-in that answers with a redirect carrying
    /// the session token in a header, for example.
    ///
    /// A redirect to another origin (scheme, host or port) drops the `Authorization` header, as
    /// reqwest does for every client. A client with a secret in any other header (GitLab's
    /// `PRIVATE-TOKEN`, or a header given to [`header`](Self::header) with its value marked
    /// sensitive) does not follow such a redirect at all, since that header would go with it:
    /// the redirect is the answer, which the operations report as an unexpected status with
    /// its `Location`.
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.follow_redirects = follow;
        self
    }

    /// Settings of your own for the HTTP client, such as a proxy, a local address to send
    /// from or a client certificate: `settings` gets the `reqwest::ClientBuilder` with this
    /// configuration's own settings made (TLS, timeouts, headers, redirects) and returns it
    /// with yours. A setting made here wins over the configuration's.
    ///
    /// ```
    /// use user_apis_runtime::ClientConfig;
    ///
    /// let config = ClientConfig::new("https://example.okta.com").http_settings(|http| {
    ///     http.local_address(std::net::IpAddr::from([127, 0, 0, 1]))
    /// });
    /// # let _ = config;
    /// ```
    pub fn http_settings(
        mut self,
        settings: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.http_settings = Some(HttpSettings(std::sync::Arc::new(settings)));
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more PEM certificates) besides the
    /// platform's roots: a server inside a company network whose certificate an internal
    /// authority signed, for example. May be called more than once.
    ///
    /// The certificates are read when the client is built, which fails with
    /// [`ConfigError::InvalidRootCertificate`] when `pem` holds none.
    pub fn root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Reads the provider's rate-limit reset header, unless the retry policy already names one.
    ///
    /// Provider crates call this in their constructors, so a user's explicit choice wins.
    pub fn default_reset_header(mut self, reset: RateLimitReset) -> Self {
        if self.retry.reset().is_none() {
            self.retry = self.retry.reset_header(reset);
        }
        self
    }

    /// The base URL as given.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Checks the configuration and builds the HTTP client, sending `credential` with every
    /// request.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidBaseUrl`] for a URL that is not an absolute `http` or `https` URL
    /// without credentials, query or fragment; [`ConfigError::TlsUnavailable`] for an `https`
    /// URL in a build without any TLS feature; [`ConfigError::InvalidCredential`] for a
    /// credential that cannot travel in a header; [`ConfigError::InvalidUserAgent`];
    /// [`ConfigError::InvalidRootCertificate`]; [`ConfigError::Tls`] or [`ConfigError::Http`]
    /// when the TLS backend cannot start.
    pub fn build(self, credential: Option<&Credential>) -> Result<Parts, ConfigError> {
        let (base_url, parsed_base) = check_base_url(&self.base_url)?;
        if parsed_base.scheme() == "https" && !crate::tls::AVAILABLE {
            return Err(ConfigError::TlsUnavailable);
        }
        let mut headers = self.headers;
        let agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| ConfigError::InvalidUserAgent)?;
        headers.insert(USER_AGENT, agent);
        // Every API served here answers JSON. A default header rather than one per request
        // (the generated binary downloads send `Accept: */*` instead); one set with
        // `header` wins.
        headers
            .entry(ACCEPT)
            .or_insert(HeaderValue::from_static("application/json"));
        if let Some(credential) = credential {
            let (name, value) = credential.to_header()?;
            headers.insert(name, value);
        }
        let redirects = redirect_policy(self.follow_redirects, &headers);
        let http = crate::tls::configure(reqwest::Client::builder(), &self.root_certificates)?
            .default_headers(headers)
            .redirect(redirects)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // One retry layer: the `RetryPolicy`. reqwest's own, on by default, retries only
            // HTTP/2 and HTTP/3 refusals (none without reqwest's `http2` feature, which these
            // crates do not enable), yet it copied every request, headers and extensions
            // included, before sending it; BENCHMARKS.md has the cost. With no retries allowed
            // it makes no copy. Should a service enable `http2`, a refused stream is an error
            // that the `RetryPolicy` retries for idempotent methods only.
            .retry(reqwest::retry::never().max_retries_per_request(0));
        let http = match &self.http_settings {
            Some(settings) => (settings.0)(http),
            None => http,
        }
        .build()
        .map_err(ConfigError::Http)?;
        // The base URL parsed here serves every call (`Runtime::url`).
        let limiter: Option<std::sync::Arc<dyn RateLimiter>> = match self.pacing {
            Pacing::Local => Some(std::sync::Arc::new(LocalRateLimiter::new())),
            Pacing::Off => None,
            Pacing::Shared(limiter) => Some(limiter),
        };
        let runtime = Runtime::new(self.retry)
            .with_max_body_size(self.max_body_size)
            .with_timeout(self.timeout)
            .with_base_url(parsed_base)
            .with_walk_concurrency(self.walk_concurrency)
            .with_rate_limiter(limiter)
            .with_max_in_flight(self.max_in_flight);
        Ok(Parts {
            base_url,
            http,
            runtime: match self.raw {
                Some(raw) => runtime.with_raw_bodies(raw),
                None => runtime,
            },
        })
    }
}

/// The headers reqwest removes when a redirect leaves the origin.
const DROPPED_ACROSS_ORIGINS: [HeaderName; 3] = [
    reqwest::header::AUTHORIZATION,
    reqwest::header::COOKIE,
    reqwest::header::PROXY_AUTHORIZATION,
];

/// The redirect policy for a client sending `headers` with every request: none, or reqwest's
/// default (up to 10 in a row), and then only within the origin when a sensitive header would
/// otherwise go to another one.
fn redirect_policy(follow: bool, headers: &HeaderMap) -> reqwest::redirect::Policy {
    if !follow {
        return reqwest::redirect::Policy::none();
    }
    let limited = reqwest::redirect::Policy::default();
    let secret_travels = headers
        .iter()
        .any(|(name, value)| value.is_sensitive() && !DROPPED_ACROSS_ORIGINS.contains(name));
    if !secret_travels {
        return limited;
    }
    reqwest::redirect::Policy::custom(move |attempt| {
        let leaves_origin = attempt
            .previous()
            .last()
            .is_some_and(|previous| previous.origin() != attempt.url().origin());
        if leaves_origin {
            attempt.stop()
        } else {
            limited.redirect(attempt)
        }
    })
}

impl From<&str> for ClientConfig {
    /// A default configuration for the server at this base URL.
    fn from(base_url: &str) -> Self {
        Self::new(base_url)
    }
}

impl From<String> for ClientConfig {
    /// A default configuration for the server at this base URL.
    fn from(base_url: String) -> Self {
        Self::new(base_url)
    }
}

/// The base URL as the clients join paths to it (no trailing slash), and parsed.
fn check_base_url(text: &str) -> Result<(String, Url), ConfigError> {
    let invalid = |reason: &'static str| ConfigError::InvalidBaseUrl { reason };
    let url = Url::parse(text.trim()).map_err(|_| invalid("it is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("its scheme is not http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it contains credentials; pass them to the client instead",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or fragment"));
    }
    Ok((url.as_str().trim_end_matches('/').to_string(), url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalised() {
        let ok = |text: &str| check_base_url(text).expect("valid URL").0;
        assert_eq!(ok("https://example.com/"), "https://example.com");
        assert_eq!(
            ok("http://127.0.0.1:8080/gitlab/"),
            "http://127.0.0.1:8080/gitlab"
        );
        for (text, reason) in [
            ("example.com", "it is not an absolute URL"),
            ("ftp://example.com", "its scheme is not http or https"),
            (
                "https://me:pw@example.com",
                "it contains credentials; pass them to the client instead",
            ),
            ("https://example.com/?a=1", "it has a query or fragment"),
        ] {
            let error = check_base_url(text).expect_err(text).to_string();
            assert_eq!(error, format!("invalid base URL: {reason}"));
            assert!(!error.contains("pw"));
        }
    }

    #[test]
    fn the_client_carries_a_sensitive_credential() {
        let parts = ClientConfig::new("https://example.com")
            .build(Some(&Credential::bearer("tok-secret")))
            .expect("valid configuration");
        let shown = format!("{parts:?}");
        assert!(!shown.contains("tok-secret"), "{shown}");
        assert_eq!(parts.base_url, "https://example.com");
    }
}
