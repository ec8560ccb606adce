//! Typed async client for the SendAuth Users API.
//!
//! Every operation of `specs/sendauth.yaml` is a method on [`Client`] returning a request
//! builder: set parameters, then `send().await`. Requests authenticate with HTTP basic auth,
//! go through the shared retry policy, and the paged lists also offer a lazy
//! [`stream`](builder::ListUsers::stream) over every page.
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
mod generated;
mod streams;

pub use generated::*;
pub use user_apis_runtime::{ClientConfig, ConfigError, Password, RetryPolicy};

use progenitor_client::{ClientHooks, OperationInfo};
use user_apis_runtime::{Credential, Runtime};

/// The SendAuth server's root URL.
pub const DEFAULT_BASE_URL: &str = "https://app.sendauth.com";

impl Client {
    /// A client for the SendAuth server at `config` (a base URL or a full [`ClientConfig`]),
    /// authenticating every request with HTTP basic auth.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the base URL is unusable or the user name or password cannot be
    /// sent (a line break, another control character, non-ASCII, or `:` in the user name).
    pub fn with_basic_auth(
        config: impl Into<ClientConfig>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let credential = Credential::basic(username, password);
        let parts = config.into().build(Some(&credential))?;
        Ok(Self::new_with_client(
            &parts.base_url,
            parts.http,
            parts.runtime,
        ))
    }
}

impl ClientHooks<Runtime> for Client {
    /// Sends every request through the shared runtime, which applies the retry policy.
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner.execute(&self.client, request).await
    }
}
