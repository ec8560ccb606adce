//! `Error`: what every generated operation returns when it does not succeed, and the decoding
//! that keeps the operation, the status and the raw body when a response cannot be read.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::excerpt::{self, SHOWN_CHARS};

/// How much of an undecodable body an error keeps, for debugging.
pub const KEPT_BODY_BYTES: usize = 4096;

/// The headers in which the providers name a request for their support: `X-Request-Id`
/// (GitLab, Mattermost) and `X-Okta-Request-Id` (Okta). An error keeps the first one present
/// ([`Error::request_id`]).
pub const REQUEST_ID_HEADERS: [HeaderName; 2] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("x-okta-request-id"),
];

/// How many characters of a request id an error message shows.
const SHOWN_REQUEST_ID_CHARS: usize = 100;

/// The request id in `headers`: the first of [`REQUEST_ID_HEADERS`] present, when it is text.
pub(crate) fn request_id_in(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
}

/// Why an operation failed. `E` is the API's typed error body.
///
/// Callers ask questions of it as of a `reqwest::Error`: [`status`](Self::status),
/// [`is_timeout`](Self::is_timeout), [`is_connect`](Self::is_connect),
/// [`operation`](Self::operation), [`request_id`](Self::request_id),
/// [`raw_body`](Self::raw_body). No response, however malformed, makes an operation panic: it
/// ends in one of these variants.
///
/// `Display` and `Debug` show what a server sent safely: the values of secret fields in a
/// body that could not be decoded are masked (see [`InvalidResponse`]), control characters
/// are escaped, and a server's long text is cut after [`SHOWN_CHARS`] characters (see
/// [`printable`](crate::printable)). `Display` names the provider's request id, when the
/// answer carried one, for a support ticket.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built: a required parameter is missing, or a value cannot be
    /// sent (for example a path parameter that is empty, `.` or `..`).
    InvalidRequest(String),
    /// The request did not complete: no connection, a timeout, a reset.
    CommunicationError(reqwest::Error),
    /// A status the API documents as an error, with its decoded error body.
    ErrorResponse(ErrorResponse<E>),
    /// A status the API does not document for this operation; the body is unread.
    UnexpectedResponse(UnexpectedResponse),
    /// A documented status whose body could not be read or decoded.
    InvalidResponse(Box<InvalidResponse>),
    /// A failure reported by a client hook.
    Custom(String),
    /// A paged list's server named, as the next page, one the stream had already followed;
    /// the stream ends with this instead of going round in circles.
    RepeatedPage(crate::RepeatedPage),
}

/// A response whose body could not be read or decoded, with what is needed to debug it.
///
/// Its `Display` and `Debug` show the body with the value of every secret field masked as
/// `[REDACTED]`: a field named like a token, password or secret (`token`, `new_password`,
/// `client_secret`, in any case), one of the other names the specs mark `format: password`
/// (`code`, `mfa_code`, `qr_code`, `answer`, `salt`, `activationUrl`), and everything inside
/// an object or list held by such a field. The body may be JSON cut anywhere, so a value cut
/// short is masked to its end. The [`body`](Self::body) field itself, and
/// [`Error::raw_body`], are the bytes as they arrived, unmasked.
pub struct InvalidResponse {
    /// The operationId of the request.
    pub operation: &'static str,
    /// The response's status.
    pub status: StatusCode,
    /// The response's `Content-Type`, if it had one.
    pub content_type: Option<String>,
    /// The first [`KEPT_BODY_BYTES`] bytes of the body (empty when it could not be read), as
    /// they arrived: secrets in it are not masked.
    pub body: Bytes,
    /// What went wrong.
    pub cause: InvalidResponseCause,
    /// The provider's id of the request (see [`REQUEST_ID_HEADERS`]), when the answer named it.
    pub request_id: Option<String>,
}

/// Why a response body could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum InvalidResponseCause {
    /// The body is not the JSON the operation expects (truncated, invalid, empty, HTML, or of
    /// the wrong shape).
    Decode(serde_json::Error),
    /// The body could not be read to its end.
    Read(reqwest::Error),
    /// The body did not arrive in time: the timeout for each attempt passed while reading it.
    TimedOut {
        /// The timeout for each attempt: the call's own (a builder's `timeout`), else the
        /// client's (`ClientConfig::timeout`) when its runtime knows it (one built by
        /// `ClientConfig::build` does).
        timeout: Option<Duration>,
        /// The error the read ended with.
        error: reqwest::Error,
    },
    /// The body is longer than the configured maximum; reading stopped there.
    TooLarge {
        /// The maximum, in bytes (see `ClientConfig::max_body_size`).
        limit: usize,
    },
}

impl<E> Error<E> {
    /// The HTTP status of the response that caused the error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::CommunicationError(error) => error.status(),
            Self::ErrorResponse(response) => Some(response.status()),
            Self::UnexpectedResponse(response) => Some(response.status()),
            Self::InvalidResponse(invalid) => Some(invalid.status),
            Self::InvalidRequest(_) | Self::Custom(_) | Self::RepeatedPage(_) => None,
        }
    }

    /// Whether the request timed out (connecting, or waiting for or reading the response).
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::CommunicationError(error) => error.is_timeout(),
            Self::InvalidResponse(invalid) => match &invalid.cause {
                InvalidResponseCause::TimedOut { .. } => true,
                InvalidResponseCause::Read(error) => error.is_timeout(),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::CommunicationError(error) if error.is_connect())
    }

    /// The operationId of the request, for every error that an answer caused: an error
    /// status, an undocumented one, a body that could not be used, a page seen before.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Self::ErrorResponse(response) => Some(response.operation),
            Self::UnexpectedResponse(response) => Some(response.operation),
            Self::InvalidResponse(invalid) => Some(invalid.operation),
            Self::RepeatedPage(repeated) => Some(repeated.operation),
            _ => None,
        }
    }

    /// The provider's id of the request, for a support ticket: the `X-Request-Id` (GitLab,
    /// Mattermost) or `X-Okta-Request-Id` (Okta) header of the answer that caused the error
    /// (see [`REQUEST_ID_HEADERS`]), when it had one. `None` when no answer came.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::ErrorResponse(response) => request_id_in(response.headers()),
            Self::UnexpectedResponse(response) => request_id_in(response.headers()),
            Self::InvalidResponse(invalid) => invalid.request_id.as_deref(),
            _ => None,
        }
    }

    /// The start of a body that could not be decoded, for debugging: the first
    /// [`KEPT_BODY_BYTES`] bytes as they arrived, unmasked (unlike this error's `Display` and
    /// `Debug`), so that a program can write them where they belong, such as a token-creating
    /// call's new token.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Self::InvalidResponse(invalid) => Some(&invalid.body),
            _ => None,
        }
    }

    /// The typed error body of a documented error status.
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Self::ErrorResponse(response) => Some(response.as_ref()),
            _ => None,
        }
    }
}

impl<E: Serialize> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Self::CommunicationError(error) if error.is_timeout() => {
                f.write_str("request timed out: ")?;
                write_chain(f, error)
            }
            Self::CommunicationError(error) => {
                f.write_str("request failed: ")?;
                write_chain(f, error)
            }
            Self::ErrorResponse(response) => fmt::Display::fmt(response, f),
            Self::UnexpectedResponse(response) => fmt::Display::fmt(response, f),
            Self::InvalidResponse(invalid) => fmt::Display::fmt(invalid, f),
            Self::Custom(message) => write!(f, "{message}"),
            Self::RepeatedPage(repeated) => fmt::Display::fmt(repeated, f),
        }
    }
}

/// Writes `error` and each of its sources that says something more, joined by `: `
/// (`error sending request: tcp connect error: Connection refused`).
fn write_chain(f: &mut fmt::Formatter<'_>, error: &dyn std::error::Error) -> fmt::Result {
    let mut said = error.to_string();
    f.write_str(&said)?;
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !said.contains(&text) {
            write!(f, ": {text}")?;
            said = text;
        }
        source = cause.source();
    }
    Ok(())
}

/// A documented error status of one operation, with its decoded error body.
///
/// It dereferences to the [`ResponseValue`] (`status()`, `headers()`), and through it to the
/// body, so `response.status()` and `response.message` both read. Its `Display` is a
/// sentence: `404 Not Found from get_user: User not found: 00u1`, the API's message taken
/// from the body (see [`api_message`]).
pub struct ErrorResponse<E> {
    operation: &'static str,
    response: ResponseValue<E>,
}

impl<E> ErrorResponse<E> {
    /// The answer `response` to `operation`.
    pub fn new(operation: &'static str, response: ResponseValue<E>) -> Self {
        Self {
            operation,
            response,
        }
    }

    /// The operationId of the request.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The answer: status, headers and the decoded body.
    pub fn into_response(self) -> ResponseValue<E> {
        self.response
    }

    /// The decoded error body.
    pub fn into_inner(self) -> E {
        self.response.into_inner()
    }
}

impl<E> std::ops::Deref for ErrorResponse<E> {
    type Target = ResponseValue<E>;

    fn deref(&self) -> &ResponseValue<E> {
        &self.response
    }
}

impl<E: Serialize> fmt::Display for ErrorResponse<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}", self.response.status(), self.operation)?;
        write_request_id(f, request_id_in(self.response.headers()))?;
        if let Some(message) = api_message(self.response.as_ref()) {
            f.write_str(": ")?;
            excerpt::write_shown(f, &message, SHOWN_CHARS)?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for ErrorResponse<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorResponse")
            .field("operation", &self.operation)
            .field("status", &self.response.status())
            .field("body", self.response.as_ref())
            .field("request_id", &request_id_in(self.response.headers()))
            .finish()
    }
}

/// An answer with a status the operation does not document; its body is unread.
///
/// It dereferences to the [`reqwest::Response`]; [`into_response`](Self::into_response)
/// gives it up, to read its body.
pub struct UnexpectedResponse {
    operation: &'static str,
    response: reqwest::Response,
}

impl UnexpectedResponse {
    /// The answer `response` to `operation`.
    pub fn new(operation: &'static str, response: reqwest::Response) -> Self {
        Self {
            operation,
            response,
        }
    }

    /// The operationId of the request.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The answer, to read its body.
    pub fn into_response(self) -> reqwest::Response {
        self.response
    }
}

impl std::ops::Deref for UnexpectedResponse {
    type Target = reqwest::Response;

    fn deref(&self) -> &reqwest::Response {
        &self.response
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}", self.response.status(), self.operation)?;
        write_request_id(f, request_id_in(self.response.headers()))?;
        f.write_str(": a status the operation does not document (")?;
        excerpt::write_shown(f, self.response.url().path(), SHOWN_CHARS)?;
        f.write_str(")")
    }
}

impl fmt::Debug for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnexpectedResponse")
            .field("operation", &self.operation)
            .field("status", &self.response.status())
            .field("path", &self.response.url().path())
            .field("request_id", &request_id_in(self.response.headers()))
            .finish()
    }
}

/// The API's own words in an error body, as one line; `None` when it has none.
///
/// Read from the providers' fields: Okta's `errorSummary`, followed by its `errorCauses`;
/// GitLab's, Mattermost's and SendAuth's `message`, which GitLab makes an object of fields and
/// their problems for a record that failed validation (`email has already been taken`);
/// `error`, with `error_description` (OAuth), `field` and `details` (SendAuth) when present.
/// A value the server echoes back (SendAuth's `value`) is never shown: it may be a password.
pub fn api_message<E: Serialize + ?Sized>(body: &E) -> Option<String> {
    let body = serde_json::to_value(body).ok()?;
    let fields = body.as_object()?;
    let text = |name: &str| fields.get(name).and_then(Value::as_str);
    if let Some(summary) = text("errorSummary") {
        let causes: Vec<&str> = fields
            .get("errorCauses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|cause| cause.get("errorSummary").and_then(Value::as_str))
            .collect();
        return Some(if causes.is_empty() {
            summary.to_string()
        } else {
            format!("{summary}: {}", causes.join("; "))
        });
    }
    if let Some(message) = fields.get("message").and_then(words) {
        return Some(message);
    }
    let error = text("error")?;
    let mut message = match text("field") {
        Some(field) => format!("{field}: {error}"),
        None => error.to_string(),
    };
    if let Some(description) = text("error_description") {
        message = format!("{message}: {description}");
    }
    if let Some(details) = fields.get("details").and_then(words) {
        message = format!("{message} ({details})");
    }
    Some(message)
}

/// A message field's words: a string, strings joined by `; `, or each field of an object
/// followed by its problems (`email has already been taken; username is too short`).
fn words(value: &Value) -> Option<String> {
    let joined = |items: &[Value], separator: &str| {
        let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
        (!texts.is_empty()).then(|| texts.join(separator))
    };
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Array(items) => joined(items, "; "),
        Value::Object(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .filter_map(|(field, problems)| match problems {
                    Value::String(problem) => Some(format!("{field} {problem}")),
                    Value::Array(items) => {
                        joined(items, ", ").map(|list| format!("{field} {list}"))
                    }
                    _ => None,
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

/// Writes ` (request id ID)` when there is one, escaped and cut like any server text.
fn write_request_id(f: &mut fmt::Formatter<'_>, id: Option<&str>) -> fmt::Result {
    if let Some(id) = id {
        f.write_str(" (request id ")?;
        excerpt::write_shown(f, id, SHOWN_REQUEST_ID_CHARS)?;
        f.write_str(")")?;
    }
    Ok(())
}

impl InvalidResponse {
    /// The error for `operation`'s answer with `status` and `headers` (whose `Content-Type` and
    /// request id it keeps), keeping the first [`KEPT_BODY_BYTES`] of `body`.
    pub(crate) fn error<E>(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        cause: InvalidResponseCause,
    ) -> Error<E> {
        Error::InvalidResponse(Box::new(Self {
            operation,
            status,
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body: body.slice(..body.len().min(KEPT_BODY_BYTES)),
            cause,
            request_id: request_id_in(headers).map(str::to_string),
        }))
    }

    /// The kept body as text (invalid UTF-8 replaced), with every secret value masked.
    fn masked_body(&self) -> String {
        excerpt::mask_secrets(&String::from_utf8_lossy(&self.body)).into_owned()
    }
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid response to {} ({}", self.operation, self.status)?;
        if let Some(content_type) = &self.content_type {
            f.write_str(", ")?;
            excerpt::write_shown(f, content_type, SHOWN_REQUEST_ID_CHARS)?;
        }
        if let Some(id) = &self.request_id {
            f.write_str(", request id ")?;
            excerpt::write_shown(f, id, SHOWN_REQUEST_ID_CHARS)?;
        }
        f.write_str("): ")?;
        match &self.cause {
            // The decoder's message can quote a value of the body, of any length.
            InvalidResponseCause::Decode(error) => excerpt::write_shown(f, error, SHOWN_CHARS)?,
            InvalidResponseCause::Read(error) => write!(f, "body unreadable: {error}")?,
            InvalidResponseCause::TimedOut {
                timeout: Some(timeout),
                ..
            } => write!(
                f,
                "timed out reading the body: the {timeout:?} timeout passed"
            )?,
            InvalidResponseCause::TimedOut { timeout: None, .. } => {
                f.write_str("timed out reading the body")?;
            }
            InvalidResponseCause::TooLarge { limit } => {
                write!(f, "body longer than the {limit}-byte maximum")?;
            }
        }
        if !self.body.is_empty() {
            let start: String = self.masked_body().chars().take(120).collect();
            write!(f, "; body starts {start:?}")?;
        }
        Ok(())
    }
}

/// The fields, with the body masked as in `Display`.
impl fmt::Debug for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body", &self.masked_body())
            .field("cause", &self.cause)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(message) => {
                f.debug_tuple("InvalidRequest").field(message).finish()
            }
            Self::CommunicationError(error) => {
                f.debug_tuple("CommunicationError").field(error).finish()
            }
            Self::ErrorResponse(response) => fmt::Debug::fmt(response, f),
            Self::UnexpectedResponse(response) => fmt::Debug::fmt(response, f),
            Self::InvalidResponse(invalid) => {
                f.debug_tuple("InvalidResponse").field(invalid).finish()
            }
            Self::Custom(message) => f.debug_tuple("Custom").field(message).finish(),
            Self::RepeatedPage(repeated) => f.debug_tuple("RepeatedPage").field(repeated).finish(),
        }
    }
}

impl<E: fmt::Debug + Serialize> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::CommunicationError(error) => Some(error),
            Self::InvalidResponse(invalid) => match &invalid.cause {
                InvalidResponseCause::Decode(error) => Some(error),
                InvalidResponseCause::Read(error)
                | InvalidResponseCause::TimedOut { error, .. } => Some(error),
                InvalidResponseCause::TooLarge { .. } => None,
            },
            _ => None,
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        Self::CommunicationError(error)
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(error: reqwest::header::InvalidHeaderValue) -> Self {
        Self::InvalidRequest(error.to_string())
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

/// The operation named by an answer that a client hook reported in progenitor's error, which
/// does not say.
const HOOK: &str = "a client hook";

/// The error the generated client's hooks speak, folded into this one.
impl<E> From<progenitor_client::Error<E>> for Error<E> {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as Generated;
        match error {
            Generated::InvalidRequest(message) => Self::InvalidRequest(message),
            Generated::CommunicationError(error)
            | Generated::InvalidUpgrade(error)
            | Generated::ResponseBodyError(error) => Self::CommunicationError(error),
            Generated::ErrorResponse(response) => {
                Self::ErrorResponse(ErrorResponse::new(HOOK, response))
            }
            Generated::UnexpectedResponse(response) => {
                Self::UnexpectedResponse(UnexpectedResponse::new(HOOK, response))
            }
            Generated::InvalidResponsePayload(_, error) => Self::Custom(error.to_string()),
            Generated::Custom(message) => Self::Custom(message),
        }
    }
}

/// A JSON body that [`buffer_json`] read inside the retry loop, kept in the rebuilt response's
/// extensions so that [`decode`] takes it as it is instead of reading the body a second time.
#[derive(Clone)]
struct Buffered {
    /// The whole body, or only its start when it passed the size limit or was cut short.
    body: Bytes,
    /// How reading it ended.
    end: End,
}

/// How [`buffer_json`]'s read of a body ended.
#[derive(Clone, Copy)]
enum End {
    /// At the body's end.
    Whole,
    /// At the size limit.
    TooLong,
}

/// Marks a response whose JSON body [`buffer_json`] found cut short by the connection; its
/// body then reads as it arrived and fails with the error that cut it.
#[derive(Clone, Copy)]
struct BodyCut;

/// Whether [`buffer_json`] found `response`'s body cut short by the connection: the retry loop
/// sends an idempotent request again for it, as for a connection that drops before the answer,
/// and tracing reports it as a `body` failure.
pub(crate) fn body_cut(response: &reqwest::Response) -> bool {
    response.extensions().get::<BodyCut>().is_some()
}

/// Whether a response says its body is JSON (`application/json`, any parameters, any case).
fn is_json(headers: &HeaderMap) -> bool {
    const JSON: &str = "application/json";
    headers
        .get(CONTENT_TYPE)
        .map(|value| value.as_bytes().trim_ascii_start())
        .is_some_and(|value| {
            value
                .get(..JSON.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(JSON.as_bytes()))
        })
}

/// Reads a JSON response body of at most `limit` bytes into memory, so that a connection that
/// drops mid-body fails inside the retry loop, and keeps it in the response's extensions.
///
/// The response is handed back with its body read: [`decode`] takes the kept body as it is,
/// and [`readable`] rebuilds a response whose body can be read again, for the paths that hand
/// the response to the caller. Other bodies (images, HTML error pages) are left unread. A body
/// announced or found to be longer than `limit` is not read further: only its start is kept,
/// and [`decode`] reports [`InvalidResponseCause::TooLarge`].
// An `async` block, not an `async fn`, which would hold the response twice: see
// `RetryPolicy::execute_buffered`.
#[allow(clippy::manual_async_fn)] // Deliberately not an `async fn`: see above.
pub(crate) fn buffer_json(
    mut response: reqwest::Response,
    limit: usize,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
    async move {
        if !is_json(response.headers()) {
            return Ok(response);
        }
        let (body, end) = match read_up_to(&mut response, limit).await {
            Ok(Limited::Whole(body)) => (body, End::Whole),
            Ok(Limited::TooLong { start }) => (start, End::TooLong),
            // Kept with the response, so that the caller learns its status: a `201` whose body
            // was cut still created what it was asked to. Its body reads as it arrived, then
            // fails with the error that cut it, wherever it is read.
            Err((partial, error)) => {
                let body = futures_util::stream::iter([Ok(partial), Err(error)]);
                let mut cut = rebuilt(response, reqwest::Body::wrap_stream(body), None);
                cut.extensions_mut().insert(BodyCut);
                return Ok(cut);
            }
        };
        response.extensions_mut().insert(Buffered { body, end });
        Ok(response)
    }
}

/// `response` with a body that can be read: the body [`buffer_json`] kept, when it read one
/// (only its start, without `Content-Length`, when it stopped at the limit), else the
/// response as it is.
pub(crate) fn readable(mut response: reqwest::Response) -> reqwest::Response {
    match response.extensions_mut().remove::<Buffered>() {
        Some(Buffered { body, end }) => {
            let length = matches!(end, End::Whole).then_some(body.len());
            rebuilt(response, reqwest::Body::from(body), length)
        }
        None => response,
    }
}

/// `response` (status, version, URL and headers) with `body` in place of its own, announced as
/// `length` bytes long, or with no `Content-Length` when `length` is `None`.
fn rebuilt(
    mut response: reqwest::Response,
    body: reqwest::Body,
    length: Option<usize>,
) -> reqwest::Response {
    use reqwest::ResponseBuilderExt as _;

    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    if let Some(headers) = builder.headers_mut() {
        *headers = std::mem::take(response.headers_mut());
        match length {
            Some(length) => headers.insert(CONTENT_LENGTH, length.into()),
            None => headers.remove(CONTENT_LENGTH),
        };
    }
    match builder.body(body) {
        Ok(rebuilt) => reqwest::Response::from(rebuilt),
        // Every part came from a valid response, so this cannot fail; the original response
        // is gone, and an empty answer with the same status is the closest truthful stand-in.
        Err(_) => reqwest::Response::from(http::Response::new(Vec::new())),
    }
}

/// Reads and decodes a JSON response body of at most `limit` bytes. `timeout`, the timeout
/// for each attempt, is named in the error when reading the body takes longer.
// An `async` block, not an `async fn`, which would hold the response twice: see
// `RetryPolicy::execute_buffered`.
#[allow(clippy::manual_async_fn)] // Deliberately not an `async fn`: see above.
pub(crate) fn decode<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
    operation: &'static str,
    limit: usize,
    raw: Option<crate::RawBodies>,
    timeout: Option<Duration>,
) -> impl Future<Output = Result<ResponseValue<T>, Error<E>>> {
    async move {
        let status = response.status();
        let url = raw.as_ref().map(|_| response.url().clone());
        // Taken, not copied: the body is read through the response's own body, not its
        // headers.
        let headers = std::mem::take(response.headers_mut());
        let invalid = |headers: &HeaderMap, body: Bytes, cause| {
            InvalidResponse::error(operation, status, headers, body, cause)
        };
        let too_large = InvalidResponseCause::TooLarge { limit };
        let body = match response.extensions_mut().remove::<Buffered>() {
            // `buffer_json` already read the body, and stopped at the limit if it had to.
            Some(Buffered {
                body,
                end: End::TooLong,
            }) => return Err(invalid(&headers, body, too_large)),
            Some(Buffered {
                body,
                end: End::Whole,
            }) => body,
            // Not buffered, or cut short: `buffer_json` left a body that reads as it arrived.
            None => match read_up_to(&mut response, limit).await {
                Ok(Limited::Whole(body)) => body,
                Ok(Limited::TooLong { start }) => return Err(invalid(&headers, start, too_large)),
                Err((partial, error)) => {
                    if let (Some(raw), Some(url)) = (&raw, &url) {
                        raw.keep(status, url, &partial);
                    }
                    let cause = if error.is_timeout() {
                        InvalidResponseCause::TimedOut { timeout, error }
                    } else {
                        InvalidResponseCause::Read(error)
                    };
                    return Err(invalid(&headers, partial, cause));
                }
            },
        };
        if let (Some(raw), Some(url)) = (&raw, &url) {
            raw.keep(status, url, &body);
        }
        // A page of a walk that came back before its turn: it keeps its body alone, in a
        // buffer of its own size (the one it came in may be the connection's, and larger),
        // and decodes when the walk reaches it.
        let body = match crate::paginate::Turn::waiting() {
            Some(turn) => {
                let own = Bytes::copy_from_slice(&body);
                drop(body);
                turn.come().await;
                own
            }
            None => body,
        };
        // Bounded: tiny items that decode into large values cannot cost more than a few
        // times the body limit.
        let budget = limit.saturating_mul(crate::DECODED_SIZE_FACTOR);
        match crate::from_slice_within(&body, budget) {
            Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
            Err(error) => Err(invalid(&headers, body, InvalidResponseCause::Decode(error))),
        }
    }
}

/// A body read with a size limit.
pub(crate) enum Limited {
    /// The whole body, no longer than the limit.
    Whole(Bytes),
    /// The body passed the limit; reading stopped, keeping its first [`KEPT_BODY_BYTES`].
    TooLong {
        /// The start of the body (empty when its announced length was already too long).
        start: Bytes,
    },
}

/// Where [`read_up_to`] takes a body's chunks from: a response it reads, or a binary body
/// already taken as a stream ([`StreamChunks`]).
pub(crate) trait Chunks {
    /// The body's length as announced by `Content-Length`, if known.
    fn announced(&self) -> Option<u64>;

    /// The next chunk, `None` at the end of the body.
    fn next_chunk(&mut self) -> impl Future<Output = reqwest::Result<Option<Bytes>>>;
}

impl Chunks for reqwest::Response {
    fn announced(&self) -> Option<u64> {
        self.content_length()
    }

    fn next_chunk(&mut self) -> impl Future<Output = reqwest::Result<Option<Bytes>>> {
        self.chunk()
    }
}

/// A body stream, such as a [`progenitor_client::ByteStream`]'s, as [`Chunks`].
pub(crate) struct StreamChunks<S>(pub(crate) S);

impl<S> Chunks for StreamChunks<S>
where
    S: futures_core::Stream<Item = reqwest::Result<Bytes>> + Unpin,
{
    /// A stream no longer knows it: the limit is met while reading.
    fn announced(&self) -> Option<u64> {
        None
    }

    fn next_chunk(&mut self) -> impl Future<Output = reqwest::Result<Option<Bytes>>> {
        futures_util::TryStreamExt::try_next(&mut self.0)
    }
}

/// Reads a body chunk by chunk, stopping as soon as it passes `limit`. A body announced as
/// longer is not read at all. On a read error, returns the start of what arrived.
///
/// Chunks are kept as they come, so a body that arrives in one chunk is returned without a
/// copy, and a body cut at the limit keeps only its first [`KEPT_BODY_BYTES`].
pub(crate) async fn read_up_to(
    body: &mut impl Chunks,
    limit: usize,
) -> Result<Limited, (Bytes, reqwest::Error)> {
    if body.announced().is_some_and(|length| length > limit as u64) {
        return Ok(Limited::TooLong {
            start: Bytes::new(),
        });
    }
    let mut parts = Parts::default();
    let mut total = 0;
    loop {
        match body.next_chunk().await {
            Ok(Some(chunk)) => {
                total += chunk.len();
                parts.push(chunk);
                if total > limit {
                    return Ok(Limited::TooLong {
                        start: parts.join(KEPT_BODY_BYTES),
                    });
                }
            }
            Ok(None) => return Ok(Limited::Whole(parts.join(total))),
            Err(error) => return Err((parts.join(KEPT_BODY_BYTES), error)),
        }
    }
}

/// The chunks of a body as they arrived. The first is kept apart, so a body that arrives in
/// one chunk (most JSON bodies) needs no list at all.
#[derive(Default)]
struct Parts {
    first: Option<Bytes>,
    more: Vec<Bytes>,
}

impl Parts {
    fn push(&mut self, chunk: Bytes) {
        if self.first.is_none() {
            self.first = Some(chunk);
        } else {
            self.more.push(chunk);
        }
    }

    /// The first `at_most` bytes as one buffer, without a copy when there is one chunk.
    fn join(&self, at_most: usize) -> Bytes {
        let Some(first) = &self.first else {
            return Bytes::new();
        };
        if self.more.is_empty() {
            return first.slice(..first.len().min(at_most));
        }
        let all = std::iter::once(first).chain(&self.more);
        let mut joined = Vec::with_capacity(at_most.min(all.clone().map(Bytes::len).sum()));
        for part in all {
            let room = at_most - joined.len();
            joined.extend_from_slice(&part[..part.len().min(room)]);
            if joined.len() == at_most {
                break;
            }
        }
        Bytes::from(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(cause: InvalidResponseCause, body: &'static [u8]) -> Error<()> {
        Error::InvalidResponse(Box::new(InvalidResponse {
            operation: "get_user",
            status: StatusCode::OK,
            content_type: Some("text/html".to_string()),
            body: Bytes::from_static(body),
            cause,
            request_id: None,
        }))
    }

    /// The error a documented status with `body` gives for `get_user`.
    fn api_error(status: StatusCode, body: serde_json::Value) -> Error<serde_json::Value> {
        Error::ErrorResponse(ErrorResponse::new(
            "get_user",
            ResponseValue::new(body, status, HeaderMap::new()),
        ))
    }

    #[test]
    fn an_api_error_reads_as_a_sentence_with_the_api_s_message() {
        let not_found = StatusCode::NOT_FOUND;
        let cases = [
            // Okta, with its causes.
            (
                serde_json::json!({"errorCode": "E0000007", "errorSummary": "Not found: Resource not found: 00u1 (User)", "errorCauses": []}),
                "404 Not Found from get_user: Not found: Resource not found: 00u1 (User)",
            ),
            (
                serde_json::json!({"errorSummary": "Api validation failed: login", "errorCauses": [{"errorSummary": "login: An object with this field already exists"}]}),
                "404 Not Found from get_user: Api validation failed: login: login: An object with this field already exists",
            ),
            // GitLab: text, fields and their problems, or a parameter error.
            (
                serde_json::json!({"message": "404 User Not Found"}),
                "404 Not Found from get_user: 404 User Not Found",
            ),
            (
                serde_json::json!({"message": {"email": ["has already been taken"], "username": ["is too short", "is invalid"]}}),
                "404 Not Found from get_user: email has already been taken; username is too short, is invalid",
            ),
            (
                serde_json::json!({"error": "invalid_grant", "error_description": "The grant is invalid"}),
                "404 Not Found from get_user: invalid_grant: The grant is invalid",
            ),
            // Mattermost.
            (
                serde_json::json!({"id": "app.user.missing.app_error", "message": "Unable to find the user.", "status_code": 404}),
                "404 Not Found from get_user: Unable to find the user.",
            ),
            // SendAuth: never the value it echoes, which may be a password.
            (
                serde_json::json!({"error": "too short", "field": "password", "value": "hunter2"}),
                "404 Not Found from get_user: password: too short",
            ),
            (
                serde_json::json!({"error": "user not found", "details": ["no such id"]}),
                "404 Not Found from get_user: user not found (no such id)",
            ),
            // No words: the status and the operation still.
            (
                serde_json::json!({"code": 7}),
                "404 Not Found from get_user",
            ),
            (serde_json::Value::Null, "404 Not Found from get_user"),
        ];
        for (body, sentence) in cases {
            let error = api_error(not_found, body);
            assert_eq!(error.to_string(), sentence);
            assert_eq!(error.operation(), Some("get_user"));
        }
    }

    #[test]
    fn an_api_error_s_message_is_escaped() {
        let error = api_error(
            StatusCode::FORBIDDEN,
            serde_json::json!({"message": "no\r\nerror: all good"}),
        );
        assert_eq!(
            error.to_string(),
            r"403 Forbidden from get_user: no\r\nerror: all good"
        );
    }

    #[test]
    fn an_invalid_response_names_operation_status_and_body() {
        let decode = serde_json::from_slice::<u32>(b"<html>").expect_err("not JSON");
        let error = invalid(InvalidResponseCause::Decode(decode), b"<html>oops</html>");
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert_eq!(error.operation(), Some("get_user"));
        assert_eq!(error.raw_body(), Some(&b"<html>oops</html>"[..]));
        assert_eq!(
            error.to_string(),
            "invalid response to get_user (200 OK, text/html): expected value at line 1 column 1; \
             body starts \"<html>oops</html>\""
        );
        let error = invalid(InvalidResponseCause::TooLarge { limit: 10 }, b"");
        assert_eq!(
            error.to_string(),
            "invalid response to get_user (200 OK, text/html): body longer than the 10-byte maximum"
        );
    }

    #[test]
    fn join_keeps_at_most_the_asked_bytes_and_copies_only_several_parts() {
        let parts = |chunks: &[&'static [u8]]| {
            let mut parts = Parts::default();
            for chunk in chunks {
                parts.push(Bytes::from_static(chunk));
            }
            parts
        };
        let one = parts(&[b"abcdef"]);
        assert_eq!(one.join(4), "abcd");
        assert_eq!(
            one.join(4).as_ptr(),
            one.first
                .as_ref()
                .map_or(std::ptr::null(), |first| first.as_ptr()),
            "no copy"
        );
        let three = parts(&[b"abc", b"def", b"gh"]);
        assert_eq!(three.join(8), "abcdefgh");
        assert_eq!(three.join(4), "abcd");
        assert_eq!(three.join(6), "abcdef");
        assert_eq!(parts(&[]).join(4), "");
    }
}
