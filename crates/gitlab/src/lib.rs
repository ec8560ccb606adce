//! Typed async client for the GitLab Users API (REST v4).
//!
//! Every operation of `specs/gitlab.yaml` is a method on [`Client`] returning a request
//! builder: set parameters, then `send().await`. Requests authenticate with a `PRIVATE-TOKEN`
//! (personal, project, group or impersonation access token) or an OAuth 2.0 bearer token, go
//! through the shared retry policy (which honours GitLab's `RateLimit-Reset` header), and the
//! paged lists also offer a lazy [`stream`](builder::ListUsers::stream) over every page.
//!
//! An administrator can run requests as another user with the `Sudo` header: for every request
//! of a client with [`ClientConfig::header`] and [`SUDO`], or for one request with the
//! `.sudo(..)` setter every builder has.
//!
//! With the `mock` feature, the `mock` module offers typed `httpmock` helpers (one per
//! operation) for testing code that uses this client against a local mock server.
//!
//! # Quick start
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//! use user_apis_gitlab::{Client, ClientConfig, Error, HeaderValue, SUDO, types};
//!
//! // A personal access token (or `Client::with_oauth_token`).
//! let client = Client::with_private_token("https://gitlab.example.com", "glpat-...")?;
//!
//! // One call: one page of the users matching a search.
//! let page = client.list_users().search("ada").per_page(50).send().await?;
//! for user in page.iter() {
//!     println!("{} {} {:?}", user.id, user.username, user.state);
//! }
//!
//! // Every blocked user, one page at a time as the loop asks for more.
//! let mut users = client.list_users().blocked(true).per_page(100).stream();
//! while let Some(user) = users.try_next().await? {
//!     println!("{} {}", user.id, user.username);
//! }
//!
//! // An error status: its code, and GitLab's message.
//! match client.block_user().id(42).send().await {
//!     Ok(_) => println!("blocked"),
//!     Err(Error::ErrorResponse(body)) => println!("{}: {:?}", body.status(), body.message),
//!     Err(other) => return Err(other.into()),
//! }
//!
//! // One request as another user (admin tokens with the `sudo` scope only):
//! let keys = client.list_user_ssh_keys().user_id("ada").sudo("ada").send().await?;
//! println!("{} keys", keys.len());
//!
//! // Every request as another user:
//! let config = ClientConfig::new("https://gitlab.example.com")
//!     .header(SUDO, HeaderValue::from_static("ada"));
//! let as_ada = Client::with_private_token(config, "glpat-...")?;
//! let body = types::AddEmailRequest::builder().email("ada@example.com");
//! as_ada.add_user_email().id(42).body(body).send().await?;
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod declared;
#[rustfmt::skip]
mod generated;
/// Typed [`httpmock`] helpers for testing code that uses this client (feature `mock`): a
/// method per operation on httpmock's `MockServer`, as described below the example. The `Sudo`
/// header every operation accepts has its setter too; the token header goes through httpmock's
/// own `When`: `when.id(42).into_inner().header("private-token", "...")`.
///
/// ```
/// use httpmock::MockServer;
/// use user_apis_gitlab::mock::MockServerExt;
/// use user_apis_gitlab::{Client, types};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start_async().await;
/// let not_found = types::ApiError {
///     message: Some("404 User Not Found".into()),
///     ..Default::default()
/// };
/// let block = server.block_user(|when, then| {
///     when.id(42).sudo("root");
///     then.not_found(&not_found);
/// });
///
/// // The code under test, pointed at the mock server.
/// let client = Client::with_private_token(server.base_url(), "glpat-test")?;
/// let error = client.block_user().id(42).sudo("root").send().await.expect_err("no such user");
///
/// block.assert_async().await;
/// assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
/// assert_eq!(error.error_body(), Some(&not_found));
/// # Ok(()) }
/// ```
#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;
mod follow;

/// The `chrono` crate of the date-time fields and parameters (`created_after`, ...), at the
/// version they use: no second dependency on it is needed.
pub use chrono;
pub use declared::RATE_LIMIT_RESET;
pub use generated::*;
pub use reqwest::header::{HeaderName, HeaderValue};
/// The `serde_json` crate of the free-form fields (custom profile attributes, `props`, error
/// details), at the version they use: no second dependency on it is needed.
pub use serde_json;
pub use user_apis_runtime::{ClientConfig, ConfigError, Password, RetryPolicy};

use user_apis_runtime::Credential;

/// GitLab.com's root URL; a self-managed instance has its own.
pub const DEFAULT_BASE_URL: &str = "https://gitlab.com";

/// The header that carries a personal, project, group or impersonation access token.
pub const PRIVATE_TOKEN: HeaderName = HeaderName::from_static("private-token");

/// The admin header that runs a request as another user, named by id or username.
///
/// Give it to [`ClientConfig::header`] to run every request of a client as that user; set it
/// on one request with the builder's `.sudo(..)`, which wins over the client's.
pub const SUDO: HeaderName = HeaderName::from_static("sudo");

impl Client {
    /// A client for the GitLab instance at `config` (its root URL, or a full
    /// [`ClientConfig`]), sending `token` in the `PRIVATE-TOKEN` header of every request.
    ///
    /// The token may be a personal, project, group or impersonation access token.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the base URL is unusable or the token cannot be sent (empty, or
    /// holding a space, a control character or non-ASCII).
    pub fn with_private_token(
        config: impl Into<ClientConfig>,
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), &Credential::header(PRIVATE_TOKEN, token))
    }

    /// A client for the GitLab instance at `config`, sending `token` as an OAuth 2.0 bearer
    /// token (`Authorization: Bearer <token>`) with every request.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the base URL is unusable or the token cannot be sent.
    pub fn with_oauth_token(
        config: impl Into<ClientConfig>,
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), &Credential::bearer(token))
    }
}
