//! Behaviour shared by every user-apis client: credentials, configuration, retries and
//! pagination.
//!
//! The provider crates (`user-apis-sendauth`, ...) are generated from OpenAPI documents; this
//! crate is the hand-written part they all delegate to. A generated client holds a
//! [`Runtime`] and sends every request through [`Runtime::execute`], which applies the
//! [`RetryPolicy`]. [`ClientConfig`] builds the HTTP client with the [`Credential`], the
//! timeouts and the user agent, and [`paginate`] turns a provider's paging scheme into a lazy
//! [`Stream`](futures_core::Stream).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod credentials;
mod error;
mod paginate;
mod password;
mod retry;

pub use config::{
    ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, Parts,
};
pub use credentials::Credential;
pub use error::{Error, InvalidResponse, InvalidResponseCause, KEPT_BODY_BYTES};
pub use paginate::{Page, next_link_param, paginate};
pub use password::Password;
pub use retry::{RateLimitReset, RetryPolicy};
pub use secrecy::SecretString;

/// Reads a streamed (binary) response body, such as a downloaded image, to its end.
///
/// # Errors
///
/// The transport error that cut the body short.
pub async fn read_stream(stream: progenitor_client::ByteStream) -> reqwest::Result<Vec<u8>> {
    use futures_util::TryStreamExt as _;

    stream
        .into_inner()
        .try_fold(Vec::new(), |mut bytes, chunk| async move {
            bytes.extend_from_slice(&chunk);
            Ok(bytes)
        })
        .await
}

/// The default longest JSON body a client reads: 16 MiB. Longer ones fail with
/// [`InvalidResponseCause::TooLarge`] without being read to their end. Binary downloads stream
/// and are not limited.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// Percent-encodes one path parameter so it stays exactly one path segment.
///
/// Every generated operation builds its URL through this. `/`, `?`, `#`, `%`, spaces, control
/// characters and non-ASCII are percent-encoded. Values that no encoding can keep in place are
/// refused before anything is sent: an empty value (the URL would name the parent resource)
/// and `.` or `..` (URL parsing resolves them, so the request would reach another path).
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the problem, for those values.
// The error type is the one every generated operation returns, large or not.
#[allow(clippy::result_large_err)]
pub fn path_segment<E>(value: &str) -> Result<String, Error<E>> {
    match value {
        "" => Err(Error::InvalidRequest(
            "a path parameter is empty".to_string(),
        )),
        "." | ".." => Err(Error::InvalidRequest(format!(
            "a path parameter is {value:?}, which would change the path"
        ))),
        _ => Ok(progenitor_client::encode_path(value)),
    }
}

/// A client that could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The credential cannot be sent in a header. The message names the part and the problem,
    /// never the secret.
    #[error("invalid credential: {what} {problem}")]
    InvalidCredential {
        /// Which part: `token`, `password`, `user name`.
        what: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The base URL is unusable.
    #[error("invalid base URL: {reason}")]
    InvalidBaseUrl {
        /// Why.
        reason: &'static str,
    },
    /// The user agent cannot be sent in a header.
    #[error("invalid user agent: it holds a character a header cannot carry")]
    InvalidUserAgent,
    /// The HTTP client could not start (for example, its TLS backend failed).
    #[error("cannot build the HTTP client")]
    Http(#[source] reqwest::Error),
}

/// The state every generated client carries and its hooks delegate to.
#[derive(Debug, Clone)]
pub struct Runtime {
    retry: RetryPolicy,
    max_body_size: usize,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new(RetryPolicy::default())
    }
}

/// A header progenitor adds to every request from the spec's `info.version`. None of the
/// APIs served here defines it, so it is not sent.
const GENERATOR_VERSION_HEADER: &str = "api-version";

impl Runtime {
    /// A runtime applying `retry`, reading bodies of up to [`DEFAULT_MAX_BODY_SIZE`] bytes.
    pub fn new(retry: RetryPolicy) -> Self {
        Self {
            retry,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// The same runtime, refusing JSON bodies longer than `bytes`.
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
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
    pub async fn decode<T: serde::de::DeserializeOwned, E>(
        &self,
        response: reqwest::Response,
        info: &progenitor_client::OperationInfo,
    ) -> Result<progenitor_client::ResponseValue<T>, Error<E>> {
        error::decode(response, info, self.max_body_size).await
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends one request of a generated client, with retries.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        request.headers_mut().remove(GENERATOR_VERSION_HEADER);
        self.retry
            .execute_buffered(http, request, Some(self.max_body_size))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded_or_refused() {
        let ok = |value: &str| path_segment::<()>(value).expect("a usable segment");
        assert_eq!(ok("00u1"), "00u1");
        assert_eq!(ok("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(ok("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(ok("..."), "...");
        assert_eq!(ok("%2e%2e"), "%252e%252e");
        for value in ["", ".", ".."] {
            let error = path_segment::<()>(value).expect_err("refused");
            assert!(
                matches!(error, Error::InvalidRequest(_)),
                "{value:?}: {error:?}"
            );
        }
    }
}
