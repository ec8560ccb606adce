//! Typed async client for the SendAuth Users API.
//!
//! Every operation of `specs/sendauth.yaml` is a method on [`Client`] returning a request
//! builder: set parameters, then `send().await`. Requests authenticate with HTTP basic auth,
//! go through the shared retry policy, and the paged lists also offer a lazy
//! [`stream`](builder::ListUsers::stream) over every page.
//!
//! With the `mock` feature, the `mock` module offers typed `httpmock` helpers (one per
//! operation) for testing code that uses this client against a local mock server.
//!
//! # Quick start
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//! use user_apis_sendauth::{Client, types};
//!
//! // HTTP basic auth with an API user.
//! let client = Client::with_basic_auth("https://app.sendauth.com", "api-user", "api-password")?;
//!
//! // One call: a page of users, with the total count.
//! let page = client.list_users().per_page(50).send().await?;
//! println!("{} users in all", page.total.unwrap_or_default());
//!
//! // Every user, one page at a time as the loop asks for more.
//! let mut users = client.list_users().per_page(100).stream();
//! while let Some(user) = users.try_next().await? {
//!     println!("{:?} {} {}", user.id, user.first_name, user.last_name);
//! }
//!
//! // Read, change, write back: server-assigned fields are dropped on the way out.
//! let id = page.rows[0].id.expect("users read from the server have an id");
//! let mut user = client.get_user().user_id(id).send().await?.into_inner();
//! user.role = Some(types::Role::Admin);
//! client.update_user().user_id(id).body(user).send().await?;
//!
//! // An error status: its code, and SendAuth's error body.
//! match client.register_user().user_id(id).send().await {
//!     Ok(tx) => println!("registration {:?}", tx.tx),
//!     Err(err) if err.status().is_some_and(|status| status.as_u16() == 406) => {
//!         println!("already has a passkey");
//!     }
//!     Err(err) => {
//!         if let Some(body) = err.error_body() {
//!             eprintln!("{:?}: {:?}", err.status(), body.error);
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
/// `when.user_id(&id).into_inner().header("authorization", "...")`.
///
/// ```
/// use httpmock::MockServer;
/// use user_apis_sendauth::mock::MockServerExt;
/// use user_apis_sendauth::{Client, types};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start_async().await;
/// let id = uuid::Uuid::from_u128(0x7b0e_9a4e_3c1f_4b8e_9d2a_5f6c_7d8e_9f01);
/// let ada: types::User = types::User::builder()
///     .id(Some(id))
///     .first_name("Ada")
///     .last_name("Lovelace")
///     .try_into()?;
/// let get = server.get_user(|when, then| {
///     when.user_id(&id);
///     then.ok(&ada);
/// });
///
/// // The code under test, pointed at the mock server.
/// let client = Client::with_basic_auth(server.base_url(), "api-user", "api-password")?;
/// let user = client.get_user().user_id(id).send().await?;
///
/// get.assert_async().await;
/// assert_eq!(*user, ada);
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
/// The `uuid` crate of the ids (`user_apis::sendauth::uuid::Uuid`), at the version they use:
/// no second dependency on it is needed.
pub use uuid;

use user_apis_runtime::Credential;

/// The SendAuth server's root URL.
pub const DEFAULT_BASE_URL: &str = "https://app.sendauth.com";

impl Client {
    /// A client for the SendAuth server at `config` (a base URL or a full [`ClientConfig`]),
    /// authenticating every request with HTTP basic auth.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the base URL is unusable, or the user name or password is empty,
    /// holds a control character (a line break included), or the user name holds `:`. Any
    /// other character travels, as UTF-8.
    pub fn with_basic_auth(
        config: impl Into<ClientConfig>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), &Credential::basic(username, password))
    }
}
