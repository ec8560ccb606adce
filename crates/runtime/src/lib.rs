//! Behaviour shared by every user-apis client: credentials, configuration, retries and
//! pagination.
//!
//! The provider crates (`user-apis-sendauth`, ...) are generated from OpenAPI documents; this
//! crate is the hand-written part they all delegate to. A generated client holds a
//! [`Runtime`] and sends every request through [`Runtime::execute`], which applies the
//! [`RetryPolicy`]. [`ClientConfig`] builds the HTTP client with the [`Credential`], the
//! timeouts and the user agent, and [`paginate`] turns a provider's paging scheme into a lazy
//! [`Stream`](futures_core::Stream).
//!
//! # Tracing
//!
//! With the `tracing` feature (off by default; forwarded by every provider crate and the
//! `user-apis` facade), every request of a generated client runs inside one `tracing` span,
//! however many attempts it takes: target `user_apis`, name `request`, level `INFO`. Its fields:
//!
//! | field | value |
//! |-------|-------|
//! | `user_apis.operation_id` | the spec's operationId: `get_user` |
//! | `http.request.method` | `GET` |
//! | `url.template` | the spec's path, placeholders left in: `/api/v1/users/{userId}` |
//! | `server.address`, `server.port` | the server's host and port |
//! | `http.response.status_code` | the status of the final answer |
//! | `error.type` | on failure: the status of an error answer (`404`), else the kind of failure, one of `timeout`, `connect`, `body`, `decode`, `redirect`, `builder`, `request`, `_OTHER` |
//! | `user_apis.request_id` | on a failed answer (an error status, or a JSON body cut short): the provider's id of the request, from the first of [`REQUEST_ID_HEADERS`] it carries (GitLab and Mattermost `X-Request-Id`, Okta `X-Okta-Request-Id`), as [`Error::request_id`] gives it |
//! | `user_apis.attempts` | the attempts made, the first included |
//! | `user_apis.duration_ms` | milliseconds from the first attempt to the final answer (its JSON body read), waits between attempts included |
//! | `otel.name`, `otel.kind`, `otel.status_code` | `GET /api/v1/users/{userId}`, `client`, and `ERROR` on failure: the span's name, kind and status for `tracing-opentelemetry` |
//!
//! Each retry adds an `INFO` event `retrying` inside the span, with the number of the attempt
//! that failed (`user_apis.attempt`), its `http.response.status_code`, its `error.type`, or
//! both (`body` for a JSON body cut short after its status), and the wait before the next one
//! (`user_apis.wait_ms`).
//!
//! The names are OpenTelemetry's semantic conventions for HTTP client spans where they define
//! one, so that spans exported through `tracing-opentelemetry` land in the fields that HTTP
//! dashboards and queries already read; the rest carry the `user_apis.` prefix, as the
//! conventions ask of names they do not define. The duration is a field besides the span's own
//! timing because a plain log subscriber prints fields, not span lifetimes.
//!
//! Nothing secret is recorded. No header but the request id of a failed answer is read
//! (credentials travel in `Authorization` and `PRIVATE-TOKEN`), and no body (passwords). The
//! URL is not recorded either: the path is the template, so no id appears, and the query is
//! left out whole, names and values, since a value can be a token. A failure is recorded by its kind alone, because a transport
//! error's message quotes the URL. The span covers sending and receiving, not decoding: a body
//! that does not decode is an error of the call, while the span shows the status it came with.
//!
//! Without the feature none of this is compiled, and a request does no work for it.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod arg;
mod bulk;
mod config;
mod credentials;
mod decoded_size;
mod error;
mod excerpt;
mod pacing;
mod page_headers;
mod paginate;
mod password;
mod raw;
mod retry;
mod schemes;
mod tls;
mod trace;

use std::fmt;

use futures_util::FutureExt;
use futures_util::future::Either;

pub use arg::{IntoArg, OutOfRange};
pub use bulk::bulk;
pub use config::{
    ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, Parts,
};
pub use credentials::Credential;
pub use decoded_size::{DECODED_SIZE_FACTOR, from_slice_within};
pub use error::{
    Error, ErrorResponse, InvalidResponse, InvalidResponseCause, KEPT_BODY_BYTES,
    REQUEST_ID_HEADERS, UnexpectedResponse, api_message,
};
pub use excerpt::{SHOWN_CHARS, printable};
pub use pacing::{
    DEFAULT_MAX_IN_FLIGHT, EPOCH_THRESHOLD, LocalRateLimiter, Pause, RateLimitReading, RateLimiter,
};
pub use page_headers::{cursor_page_headers, numbered_page_headers};
pub use paginate::{
    Cursor, DEFAULT_WALK_CONCURRENCY, Page, RepeatedPage, Walk, next_link_param, paginate, walk,
};
pub use password::Password;
pub use raw::RawBodies;
pub use retry::{RateLimitReset, RetryBudget, RetryPolicy};
pub use schemes::{
    CountedPage, cursor_walk, full_page, items_before, next_page_walk, short_page_walk, total_walk,
};
pub use secrecy::SecretString;
pub use tls::http_client_builder;
pub use trace::CallOptions;

/// Reads a streamed (binary) response body, such as a downloaded image, keeping its status and
/// headers, and refusing one longer than `limit` bytes without reading it further.
///
/// # Errors
///
/// [`Error::InvalidResponse`] with [`InvalidResponseCause::TooLarge`] (naming `operation`,
/// with the status, content type and the body's first [`KEPT_BODY_BYTES`] bytes) when the body
/// passes `limit`; [`Error::CommunicationError`] when it is cut short.
pub async fn read_binary<E>(
    response: progenitor_client::ResponseValue<progenitor_client::ByteStream>,
    operation: &'static str,
    limit: usize,
) -> Result<progenitor_client::ResponseValue<Vec<u8>>, Error<E>> {
    use error::{Limited, StreamChunks, read_up_to};

    let status = response.status();
    let headers = response.headers().clone();
    let mut body = StreamChunks(response.into_inner().into_inner());
    match read_up_to(&mut body, limit).await {
        Ok(Limited::Whole(bytes)) => Ok(progenitor_client::ResponseValue::new(
            bytes.into(),
            status,
            headers,
        )),
        Ok(Limited::TooLong { start }) => Err(InvalidResponse::error(
            operation,
            status,
            &headers,
            start,
            InvalidResponseCause::TooLarge { limit },
        )),
        Err((_, error)) => Err(Error::CommunicationError(error)),
    }
}

/// The default longest body a client reads: 16 MiB. Longer ones fail with
/// [`InvalidResponseCause::TooLarge`] without being read to their end: JSON bodies, and the
/// images that Mattermost's `send_image` reads. A binary body taken as a stream (`send`) is
/// the caller's to read, and not limited.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// Percent-encodes one path parameter so it stays exactly one path segment.
///
/// Every generated operation builds its URL through this. `/`, `\\`, `?`, `#`, `%`, spaces,
/// control characters and non-ASCII are percent-encoded (the WHATWG path-segment set plus `/`,
/// `\\` and `%`); a value with none of them is borrowed as it is. `\\` is encoded because URL
/// parsing reads it as `/` in `http` and `https` URLs. Values that no encoding can keep in place
/// are refused before anything is sent: an empty value (the URL would name the parent
/// resource) and `.` or `..` (URL parsing resolves them, so the request would reach another
/// path).
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the problem, for those values.
// The error type is the one every generated operation returns, large or not.
#[allow(clippy::result_large_err)]
pub fn path_segment<E>(value: &str) -> Result<std::borrow::Cow<'_, str>, Error<E>> {
    match value {
        "" => Err(Error::InvalidRequest(
            "a path parameter is empty".to_string(),
        )),
        "." | ".." => Err(Error::InvalidRequest(format!(
            "a path parameter is {value:?}, which would change the path"
        ))),
        // Ids rarely need encoding: one pass over the bytes tells, before any copy.
        _ if value.bytes().all(|byte| KEPT[usize::from(byte)]) => {
            Ok(std::borrow::Cow::Borrowed(value))
        }
        _ => Ok(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).into()),
    }
}

/// Decodes a list or map sent as `null` as an empty one, the way a missing one decodes.
///
/// Every optional list and map of the generated types reads through this
/// (`#[serde(default, deserialize_with = "...")]`): servers written in Go send an empty list
/// as `null`, which would otherwise fail the whole response. A list or map that is present
/// decodes as usual.
///
/// # Errors
///
/// The deserializer's, for a value that is neither `null` nor a `T`.
pub fn null_as_empty<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}

/// The printable ASCII characters [`path_segment`] percent-encodes, besides controls and
/// non-ASCII: `` ␠ " # < > ? ` { } / \ % ``. [`PATH_SEGMENT`] and [`KEPT`] are both made
/// from this list.
const ENCODED: &[u8] = b" \"#<>?`{}/\\%";

/// What [`path_segment`] percent-encodes: controls, non-ASCII and [`ENCODED`].
const PATH_SEGMENT: &percent_encoding::AsciiSet = &{
    let mut set = percent_encoding::CONTROLS.add(ENCODED[0]);
    let mut i = 1;
    while i < ENCODED.len() {
        set = set.add(ENCODED[i]);
        i += 1;
    }
    set
};

/// The bytes [`PATH_SEGMENT`] leaves alone, as a table: printable ASCII but [`ENCODED`]. One
/// lookup per byte tells whether a value can be borrowed as it is.
const KEPT: [bool; 256] = {
    let mut kept = [false; 256];
    let mut byte = b' ';
    while byte <= b'~' {
        kept[byte as usize] = true;
        byte += 1;
    }
    let mut i = 0;
    while i < ENCODED.len() {
        kept[ENCODED[i] as usize] = false;
        i += 1;
    }
    kept
};

/// A client that could not be built from its configuration.
// `Display` and `Error` are written out rather than derived: this is the only error type that
// would need a derive, and the derive's crates are a second or so of every clean build.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The credential cannot be sent in a header. The message names the part and the problem,
    /// never the secret.
    InvalidCredential {
        /// Which part: `token`, `password`, `user name`.
        what: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The base URL is unusable.
    InvalidBaseUrl {
        /// Why.
        reason: &'static str,
    },
    /// The user agent cannot be sent in a header.
    InvalidUserAgent,
    /// The HTTP client could not start (for example, its TLS backend failed).
    Http(reqwest::Error),
    /// The base URL is `https`, and this build has no TLS backend.
    TlsUnavailable,
    /// A certificate given to `ClientConfig::root_certificate` cannot be read.
    InvalidRootCertificate,
    /// The TLS backend could not be set up.
    Tls(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCredential { what, problem } => {
                write!(f, "invalid credential: {what} {problem}")
            }
            Self::InvalidBaseUrl { reason } => write!(f, "invalid base URL: {reason}"),
            Self::InvalidUserAgent => {
                f.write_str("invalid user agent: it holds a character a header cannot carry")
            }
            Self::Http(_) => f.write_str("cannot build the HTTP client"),
            Self::TlsUnavailable => f.write_str(
                "the base URL is https, but no TLS backend is built in: enable the `rustls`, \
                 `rustls-aws-lc` or `native-tls` feature",
            ),
            Self::InvalidRootCertificate => {
                f.write_str("invalid root certificate: expected one or more PEM certificates")
            }
            Self::Tls(_) => f.write_str("cannot set up TLS"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(error) => Some(error),
            Self::Tls(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// The state every generated client carries and its hooks delegate to.
#[derive(Debug, Clone)]
pub struct Runtime {
    retry: RetryPolicy,
    /// The retry budget's tokens, shared by every clone of this runtime (and so of its client).
    tokens: std::sync::Arc<retry::RetryTokens>,
    max_body_size: usize,
    /// The HTTP client's timeout for each attempt, when known, for the errors to name.
    timeout: Option<std::time::Duration>,
    /// The client's base URL, parsed once: given by `ClientConfig::build`, or else the first
    /// base URL [`url`](Self::url) parses.
    base: std::sync::OnceLock<reqwest::Url>,
    /// Where the bodies of success answers are kept, for a caller that asked for them.
    raw: Option<RawBodies>,
    /// The pages a stream over a paged list keeps fetched or in flight.
    walk_concurrency: usize,
    /// The pacing and the cap on requests in flight, shared by every clone.
    gate: pacing::Gate,
    /// The cap on requests in flight, if any.
    max_in_flight: Option<usize>,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new(RetryPolicy::default())
    }
}

impl Runtime {
    /// A runtime applying `retry`, reading bodies of up to [`DEFAULT_MAX_BODY_SIZE`] bytes.
    ///
    /// It starts a full bucket for the policy's [`RetryBudget`], which its clones share, and,
    /// shared the same way, a [`LocalRateLimiter`] and a cap of [`DEFAULT_MAX_IN_FLIGHT`]
    /// requests in flight.
    pub fn new(retry: RetryPolicy) -> Self {
        Self {
            tokens: std::sync::Arc::new(retry::RetryTokens::new(retry.retry_budget())),
            retry,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            timeout: None,
            base: std::sync::OnceLock::new(),
            raw: None,
            walk_concurrency: DEFAULT_WALK_CONCURRENCY,
            gate: pacing::Gate {
                limiter: Some(std::sync::Arc::new(LocalRateLimiter::new())),
                in_flight: Some(std::sync::Arc::new(tokio::sync::Semaphore::new(
                    DEFAULT_MAX_IN_FLIGHT,
                ))),
            },
            max_in_flight: Some(DEFAULT_MAX_IN_FLIGHT),
        }
    }

    /// The same runtime, pacing its requests with `limiter` (shared by its clones, and by
    /// any other runtime given the same `Arc`), or not at all with `None`.
    pub fn with_rate_limiter(mut self, limiter: Option<std::sync::Arc<dyn RateLimiter>>) -> Self {
        self.gate.limiter = limiter;
        self
    }

    /// The same runtime, keeping at most `requests` in flight at once across its clones (at
    /// least one), or any number with `None`.
    pub fn with_max_in_flight(mut self, requests: Option<usize>) -> Self {
        self.max_in_flight = requests.map(|requests| requests.max(1));
        self.gate.in_flight = self
            .max_in_flight
            .map(|requests| std::sync::Arc::new(tokio::sync::Semaphore::new(requests)));
        self
    }

    /// The rate limiter that paces this runtime's requests, if any.
    pub fn rate_limiter(&self) -> Option<&std::sync::Arc<dyn RateLimiter>> {
        self.gate.limiter.as_ref()
    }

    /// The most requests this runtime keeps in flight at once, if capped.
    pub fn max_in_flight(&self) -> Option<usize> {
        self.max_in_flight
    }

    /// The same runtime, its streams over paged lists keeping up to `pages` fetched or in
    /// flight (at least 1, which fetches each page only when the consumer reaches it).
    pub fn with_walk_concurrency(mut self, pages: usize) -> Self {
        self.walk_concurrency = pages.max(1);
        self
    }

    /// The pages a stream over a paged list keeps fetched or in flight
    /// ([`DEFAULT_WALK_CONCURRENCY`] unless configured).
    pub fn walk_concurrency(&self) -> usize {
        self.walk_concurrency
    }

    /// The same runtime, keeping the JSON body of each success answer it decodes in `raw`, as
    /// the server sent it (see [`RawBodies`]).
    pub fn with_raw_bodies(mut self, raw: RawBodies) -> Self {
        self.raw = Some(raw);
        self
    }

    /// The same runtime, refusing JSON bodies longer than `bytes`.
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The same runtime, knowing that its HTTP client gives each attempt `timeout`: an error
    /// for a body that did not arrive in time names it. `ClientConfig::build` sets it to the
    /// configured timeout; a runtime for a client of one's own
    /// (`new_with_client(.., Runtime::default().with_timeout(..))`) can be told.
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest body this runtime reads whole, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// Reads and decodes the JSON body of a generated operation's response.
    ///
    /// Generated code calls this for every JSON body (codegen's `decode_through_runtime`
    /// fixup). It reads at most the configured maximum, and when the body cannot be read or
    /// decoded, the error names the operation, the status and the content type, and keeps the
    /// start of the body.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResponse`] when the body is too long, unreadable or not the expected JSON.
    // The error type is the one every generated operation returns, large or not.
    #[allow(clippy::result_large_err)]
    pub fn decode<T: serde::de::DeserializeOwned, E>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
    ) -> impl Future<Output = Result<progenitor_client::ResponseValue<T>, Error<E>>> {
        let timeout = self.read_timeout(&response);
        error::decode(
            response,
            info.operation_id,
            self.max_body_size,
            self.raw.clone(),
            timeout,
        )
    }

    /// Reads the body of a success answer to an operation whose documented answer is only an
    /// acknowledgement (Mattermost's `{"status": "OK"}`): the action was performed, so the
    /// answer is a success whatever its body holds.
    ///
    /// Generated code calls this for every 2xx answer of such an operation (codegen's
    /// `any_success_without_data` fixup). A body that decodes as `T` is returned as
    /// [`decode`](Self::decode) returns it; one that is missing, empty, cut short, too long or
    /// of another shape gives `T::default()`, with the answer's status and headers.
    pub fn acknowledge<T: serde::de::DeserializeOwned + Default>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
    ) -> impl Future<Output = progenitor_client::ResponseValue<T>> {
        let status = response.status();
        let headers = response.headers().clone();
        let timeout = self.read_timeout(&response);
        let decoded = error::decode::<T, ()>(
            response,
            info.operation_id,
            self.max_body_size,
            self.raw.clone(),
            timeout,
        );
        async move {
            decoded.await.unwrap_or_else(|_| {
                progenitor_client::ResponseValue::new(T::default(), status, headers)
            })
        }
    }

    /// The same runtime, keeping `base` parsed for [`url`](Self::url). `ClientConfig::build`
    /// sets it to the client's base URL.
    pub fn with_base_url(mut self, base: reqwest::Url) -> Self {
        self.base = std::sync::OnceLock::from(base);
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The URL of a request: `base` with `segments` appended, each as one path segment.
    ///
    /// Generated operations build every URL through this, with the spec's literal segments as
    /// they are and each path parameter encoded by [`path_segment`]; the segments are not
    /// encoded again. When `base` is the base URL this runtime keeps parsed, the URL starts
    /// from that copy, so a call does not parse its whole URL again. A runtime from
    /// `ClientConfig::build` keeps the client's base URL; one made otherwise (a client built
    /// with `new_with_client(.., Runtime::default())`) keeps the first base URL it parses. Any
    /// other base is parsed on the spot.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `base` is not an absolute URL that can take a path.
    // The error type is the one every generated operation returns, large or not.
    #[allow(clippy::result_large_err)]
    pub fn url<E>(&self, base: &str, segments: &[&str]) -> Result<reqwest::Url, Error<E>> {
        let invalid = || Error::InvalidRequest(format!("the base URL {base:?} cannot take a path"));
        let kept = self.base.get();
        let mut url = match kept {
            // A parsed root URL ends in `/`, which the base URL as given does not.
            Some(parsed)
                if parsed.as_str() == base || parsed.as_str().strip_suffix('/') == Some(base) =>
            {
                parsed.clone()
            }
            _ => {
                let parsed = reqwest::Url::parse(base).map_err(|_| invalid())?;
                // A runtime without a base URL keeps the first that can take a path, unless
                // another call got there first.
                if kept.is_none() && !parsed.cannot_be_a_base() {
                    let _ = self.base.set(parsed.clone());
                }
                parsed
            }
        };
        if url.cannot_be_a_base() {
            return Err(invalid());
        }
        // `set_path`, not `path_segments_mut`, which would encode the encoded values again
        // (`%2F` would become `%252F`). The path parse that `set_path` does leaves them as
        // they are: `path_segment` encoded every character it would change, and refused the
        // segments it would resolve (`.`, `..`).
        let base_path = url.path().trim_end_matches('/');
        let mut path = String::with_capacity(
            base_path.len()
                + segments
                    .iter()
                    .map(|segment| segment.len() + 1)
                    .sum::<usize>(),
        );
        path.push_str(base_path);
        for segment in segments {
            path.push('/');
            path.push_str(segment);
        }
        url.set_path(&path);
        Ok(url)
    }

    /// A response from [`execute`](Self::execute) whose body can be read again.
    ///
    /// `execute` reads a JSON body inside the retry loop and keeps it aside, for
    /// [`decode`](Self::decode). Generated code passes every response it hands to the caller
    /// undecoded (`Error::UnexpectedResponse`, byte streams) through this, so the caller reads
    /// the body as the server sent it. Any other response is returned as it is.
    pub fn readable(&self, response: reqwest::Response) -> reqwest::Response {
        error::readable(response)
    }

    /// An error status that `info`'s operation documents, its body decoded as
    /// [`decode`](Self::decode) does, as [`Error::ErrorResponse`] keeps it.
    pub async fn decode_error<E: serde::de::DeserializeOwned>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
    ) -> Result<ErrorResponse<E>, Error<E>> {
        let body = self.decode(response, info).await?;
        Ok(ErrorResponse::new(info.operation_id, body))
    }

    /// A status that `info`'s operation does not document, made [`readable`](Self::readable),
    /// as [`Error::UnexpectedResponse`] keeps it.
    pub fn unexpected(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
    ) -> UnexpectedResponse {
        UnexpectedResponse::new(info.operation_id, error::readable(response))
    }

    /// Reads the answer to a generated operation that returns data: a status in `ok` decodes
    /// as `T` (as [`decode`](Self::decode) does), one in `errors` as the operation's error
    /// body `E` ([`Error::ErrorResponse`], as [`decode_error`](Self::decode_error) does), and
    /// any other is [`Error::UnexpectedResponse`] (as [`unexpected`](Self::unexpected) gives
    /// it).
    ///
    /// Every generated `send` reads its answer through this or its two siblings (codegen's
    /// `answer_through_runtime` fixup), in place of a `match` of its own on the status: the
    /// code is compiled once per pair of types rather than once per operation and status.
    ///
    /// # Errors
    ///
    /// As above, and [`Error::InvalidResponse`] when a body does not decode.
    // The decode's own future, or the refusal's, not an `async fn` around them: a layer more
    // would move the response and the decode's state once more on every call.
    pub fn answer<T: serde::de::DeserializeOwned, E: serde::de::DeserializeOwned>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
        ok: &[u16],
        errors: &[u16],
    ) -> impl Future<Output = Result<progenitor_client::ResponseValue<T>, Error<E>>> {
        if ok.contains(&response.status().as_u16()) {
            Either::Left(self.decode(response, info))
        } else {
            Either::Right(self.refusal(response, info, errors).map(Err))
        }
    }

    /// [`answer`](Self::answer) for an operation that returns no data: any 2xx is a success,
    /// with the answer's status and headers (codegen's `any_success_without_data` says why).
    ///
    /// # Errors
    ///
    /// As [`answer`](Self::answer) for any other status.
    pub fn answer_empty<E: serde::de::DeserializeOwned>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
        errors: &[u16],
    ) -> impl Future<Output = Result<progenitor_client::ResponseValue<()>, Error<E>>> {
        if response.status().is_success() {
            Either::Left(std::future::ready(Ok(
                progenitor_client::ResponseValue::empty(response),
            )))
        } else {
            Either::Right(self.refusal(response, info, errors).map(Err))
        }
    }

    /// [`answer`](Self::answer) for an operation whose answer is only an acknowledgement: any
    /// 2xx is a success, its body read as [`acknowledge`](Self::acknowledge) reads it.
    ///
    /// # Errors
    ///
    /// As [`answer`](Self::answer) for any other status.
    pub fn answer_acknowledged<
        T: serde::de::DeserializeOwned + Default,
        E: serde::de::DeserializeOwned,
    >(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
        errors: &[u16],
    ) -> impl Future<Output = Result<progenitor_client::ResponseValue<T>, Error<E>>> {
        if response.status().is_success() {
            Either::Left(self.acknowledge(response, info).map(Ok))
        } else {
            Either::Right(self.refusal(response, info, errors).map(Err))
        }
    }

    /// The error of an answer that is no success: the error body `E` for a status in
    /// `errors`, [`Error::UnexpectedResponse`] for any other. Generic in `E` alone, so one
    /// copy serves every operation of a client.
    async fn refusal<E: serde::de::DeserializeOwned>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
        errors: &[u16],
    ) -> Error<E> {
        if errors.contains(&response.status().as_u16()) {
            match self.decode_error(response, info).await {
                Ok(body) => Error::ErrorResponse(body),
                Err(error) => error,
            }
        } else {
            Error::UnexpectedResponse(self.unexpected(response, info))
        }
    }

    /// The timeout `response` was read under, for a body that times out to name: the one its
    /// call set for itself, else the client's.
    fn read_timeout(&self, response: &reqwest::Response) -> Option<std::time::Duration> {
        (response.extensions().get::<trace::CallTimeout>())
            .map(|timeout| timeout.0)
            .or(self.timeout)
    }

    /// Sends one request of a generated client, with retries.
    ///
    /// A JSON body (up to the maximum body size) is read inside the retry loop, so a connection
    /// cut in the middle of the body is retried like one cut before the answer. The response
    /// comes back with that body already read and kept aside: decode it with
    /// [`decode`](Self::decode), or pass the response through [`readable`](Self::readable)
    /// before reading it any other way.
    // The retry loop's own future, not one wrapping it: each layer of `async fn` would hold
    // another copy of the request, and every layer above moves the whole.
    pub fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        self.execute_with(&self.retry, http, request)
    }

    /// [`execute`](Self::execute) under `retry` instead of the client's policy.
    pub(crate) fn execute_with(
        &self,
        retry: &RetryPolicy,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let gate = (!self.gate.is_open()).then_some(&self.gate);
        retry.execute_buffered(
            http,
            request,
            Some(self.max_body_size),
            Some(&self.tokens),
            gate,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_error_says_what_is_wrong_and_keeps_its_cause() {
        use std::error::Error as _;

        let error = ConfigError::InvalidUserAgent;
        assert_eq!(
            error.to_string(),
            "invalid user agent: it holds a character a header cannot carry"
        );
        assert!(error.source().is_none());
        let cause = std::io::Error::other("no crypto provider");
        let error = ConfigError::Tls(Box::new(cause));
        assert_eq!(error.to_string(), "cannot set up TLS");
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("no crypto provider")
        );
    }

    #[test]
    fn null_lists_and_maps_decode_as_empty_ones() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Page {
            #[serde(default, deserialize_with = "null_as_empty")]
            rows: Vec<u32>,
            #[serde(default, deserialize_with = "null_as_empty")]
            tags: std::collections::HashMap<String, String>,
        }
        let page = |text: &str| serde_json::from_str::<Page>(text);
        let empty = Page {
            rows: Vec::new(),
            tags: Default::default(),
        };
        assert_eq!(
            page(r#"{"rows": null, "tags": null}"#).expect("nulls"),
            empty
        );
        assert_eq!(page("{}").expect("missing"), empty);
        let full = page(r#"{"rows": [1, 2], "tags": {"a": "b"}}"#).expect("present");
        assert_eq!(full.rows, [1, 2]);
        assert_eq!(full.tags["a"], "b");
        // Anything else is still refused.
        assert!(page(r#"{"rows": "1,2"}"#).is_err());
    }

    #[test]
    fn urls_append_segments_to_the_base_as_given() {
        let configured = |base: &str| {
            let parts = ClientConfig::new(base).build(None).expect("valid base URL");
            (parts.base_url, parts.runtime)
        };
        let url = |runtime: &Runtime, base: &str, segments: &[&str]| {
            runtime
                .url::<()>(base, segments)
                .expect("a URL")
                .to_string()
        };
        // Every encoded value, hostile ones included, lands as the text a joined string gives.
        let values = [
            "00u1",
            "a/../b?admin=1#x%y zü",
            "..\\..\\groups",
            "%2e%2e",
            "[v]|^~",
        ];
        for base in ["https://example.com", "http://127.0.0.1:8080/gitlab/"] {
            let (base, runtime) = configured(base);
            for value in values {
                let segment = path_segment::<()>(value).expect("encoded");
                let joined = format!("{base}/api/v4/users/{segment}/status");
                assert_eq!(
                    url(&runtime, &base, &["api", "v4", "users", &segment, "status"]),
                    joined,
                    "{value:?}"
                );
                // A base other than the configured one is parsed on the spot, to the same.
                assert_eq!(
                    url(
                        &Runtime::default(),
                        &base,
                        &["api", "v4", "users", &segment, "status"]
                    ),
                    joined
                );
            }
        }
        // A runtime given no base URL keeps the first one it parses, for the next calls.
        let fresh = Runtime::default();
        let kept = |runtime: &Runtime| runtime.base.get().map(|url| url.as_str().to_string());
        assert_eq!(
            url(&fresh, "https://a.example.com/x", &["users"]),
            "https://a.example.com/x/users"
        );
        assert_eq!(kept(&fresh).as_deref(), Some("https://a.example.com/x"));
        assert_eq!(
            url(&fresh, "https://a.example.com/x", &["groups"]),
            "https://a.example.com/x/groups"
        );
        assert_eq!(
            url(&fresh, "https://b.example.com", &["users"]),
            "https://b.example.com/users",
            "another base is parsed on the spot"
        );
        assert_eq!(
            kept(&fresh).as_deref(),
            Some("https://a.example.com/x"),
            "the first base stays"
        );

        let (_, runtime) = configured("https://example.com");
        assert_eq!(
            url(&runtime, "https://other.example.org/x", &["users"]),
            "https://other.example.org/x/users",
            "the base passed in wins over the configured one"
        );
        for base in ["not a url", "mailto:ada@example.com"] {
            let error = runtime.url::<()>(base, &["users"]).expect_err(base);
            assert!(
                matches!(error, Error::InvalidRequest(_)),
                "{base}: {error:?}"
            );
            // Nor does a runtime without a base URL keep one that cannot take a path.
            let fresh = Runtime::default();
            fresh.url::<()>(base, &["users"]).expect_err(base);
            assert!(fresh.base.get().is_none(), "{base}");
        }
    }

    #[test]
    fn path_segments_are_encoded_or_refused() {
        let ok = |value: &str| {
            path_segment::<()>(value)
                .expect("a usable segment")
                .into_owned()
        };
        assert_eq!(ok("00u1"), "00u1");
        assert_eq!(ok("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(ok("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(ok("..."), "...");
        assert_eq!(ok("%2e%2e"), "%252e%252e");
        // `\\` would be read as `/`.
        assert_eq!(ok("..\\..\\groups"), "..%5C..%5Cgroups");
        // Borrowed exactly when nothing is encoded; the same as progenitor's `encode_path`
        // but for `\\`.
        for value in (0_u8..=127)
            .map(|b| char::from(b).to_string())
            .chain(["é".to_string()])
        {
            let expected = progenitor_client::encode_path(&value).replace('\\', "%5C");
            match path_segment::<()>(&value) {
                Ok(std::borrow::Cow::Borrowed(kept)) => assert_eq!(kept, expected, "{value:?}"),
                Ok(std::borrow::Cow::Owned(changed)) => {
                    assert_eq!(changed, expected, "{value:?}");
                    assert_ne!(changed, value, "{value:?} was copied for nothing");
                }
                Err(_) => assert_eq!(value, ".", "only `.` of one byte is refused"),
            }
        }
        for value in ["", ".", ".."] {
            let error = path_segment::<()>(value).expect_err("refused");
            assert!(
                matches!(error, Error::InvalidRequest(_)),
                "{value:?}: {error:?}"
            );
        }
    }
}
