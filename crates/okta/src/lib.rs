//! Typed async client for the Okta Users API.
//!
//! Every operation of `specs/okta.yaml` is a method on [`Client`] returning a request builder:
//! set parameters, then `send().await`. Requests authenticate with an API token (`SSWS`) or an
//! OAuth 2.0 access token, go through the shared retry policy (on 429 the wait comes from
//! `Retry-After`, else `X-Rate-Limit-Reset`), and the lists that page by cursor offer a lazy
//! [`stream`](builder::ListUsers::stream) that follows the `Link` header.
//!
//! With the `mock` feature, the `mock` module offers typed `httpmock` helpers (one per
//! operation) for testing code that uses this client against a local mock server.
//!
//! # Quick start
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//! use user_apis_okta::{Client, types};
//!
//! // An API token, sent as `SSWS` (or `Client::with_access_token` for OAuth 2.0).
//! let client = Client::with_api_token("https://your-org.okta.com", "00a-api-token")?;
//!
//! // Every active user, one page at a time.
//! let mut users = client.list_users().filter(r#"status eq "ACTIVE""#).limit(200).stream();
//! while let Some(user) = users.try_next().await? {
//!     println!("{:?} {:?}", user.id, user.status);
//! }
//!
//! // Read, change one attribute, write back: custom profile attributes are kept.
//! let mut user = client.get_user().user_id("ada@example.com").send().await?.into_inner();
//! if let Some(profile) = user.profile.as_mut() {
//!     profile.mobile_phone = Some("+1 555 0100".to_string());
//! }
//! client.update_user().user_id("ada@example.com").body(user).send().await?;
//!
//! // A lifecycle operation.
//! client.suspend_user().user_id("ada@example.com").send().await?;
//! # let _ = types::UserStatus::Suspended;
//!
//! // An error status: its code, and Okta's error body.
//! match client.get_user().user_id("nobody@example.com").send().await {
//!     Ok(user) => println!("{:?}", user.status),
//!     Err(err) if err.status().is_some_and(|status| status.as_u16() == 404) => {
//!         println!("no such user");
//!     }
//!     Err(err) => {
//!         if let Some(body) = err.error_body() {
//!             eprintln!("{:?} {:?}", body.error_code, body.error_summary);
//!         }
//!         return Err(err.into());
//!     }
//! }
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod declared;
#[rustfmt::skip]
mod generated;
/// Typed [`httpmock`] helpers for testing code that uses this client (feature `mock`): a
/// method per operation on httpmock's `MockServer`, as described below the example. The
/// authentication header goes through httpmock's own `When`:
/// `when.user_id("00u1").into_inner().header("authorization", "...")`.
///
/// ```
/// use httpmock::MockServer;
/// use user_apis_okta::Client;
/// use user_apis_okta::mock::MockServerExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start_async().await;
/// let deactivate = server.deactivate_user(|when, then| {
///     when.user_id("ada@example.com").send_email(false);
///     then.ok();
/// });
///
/// // The code under test, pointed at the mock server.
/// let client = Client::with_api_token(server.base_url(), "00a-test-token")?;
/// client
///     .deactivate_user()
///     .user_id("ada@example.com")
///     .send_email(false)
///     .send()
///     .await?;
///
/// deactivate.assert_async().await;
/// # Ok(()) }
/// ```
#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;

/// The `chrono` crate of the date-time fields, at the version they use: no second dependency
/// on it is needed.
pub use chrono;
pub use generated::*;
/// The `serde_json` crate of the free-form fields (custom profile attributes, `props`, error
/// details), at the version they use: no second dependency on it is needed.
pub use serde_json;
pub use user_apis_runtime::{ClientConfig, ConfigError, Password, RetryPolicy};

use user_apis_runtime::Credential;

impl Client {
    /// A client for the Okta org at `config` (its URL, such as `https://your-org.okta.com`, or
    /// a full [`ClientConfig`]), authenticating with an API token: `Authorization: SSWS <token>`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the URL is unusable or the token cannot be sent in a header.
    pub fn with_api_token(
        config: impl Into<ClientConfig>,
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), &Credential::scheme("SSWS", token))
    }

    /// A client for the Okta org at `config`, authenticating with an OAuth 2.0 access token:
    /// `Authorization: Bearer <token>`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the URL is unusable or the token cannot be sent in a header.
    pub fn with_access_token(
        config: impl Into<ClientConfig>,
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), &Credential::bearer(token))
    }
}
