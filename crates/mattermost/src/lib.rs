//! Typed async client for the Mattermost Users API (v4).
//!
//! Every operation of `specs/mattermost.yaml` is a method on [`Client`] returning a request
//! builder: set parameters, then `send().await`. Requests authenticate with a bearer token (a
//! personal access token, or the session token [`Session::login`] obtains), go through the
//! shared retry policy (on 429 the wait comes from `Retry-After`, else `X-Ratelimit-Reset`),
//! and every error status decodes to Mattermost's [`AppError`](types::AppError).
//!
//! Beside the generated operations: [`Client::set_profile_image`] uploads a profile image (a
//! multipart body, written by hand), [`Image`] collects a downloaded image with its content
//! type, and the lists that page by `page` and `per_page` offer a lazy
//! [`stream`](builder::ListUsers::stream).
//!
//! With the `mock` feature, the `mock` module offers typed `httpmock` helpers (one per
//! operation) for testing code that uses this client against a local mock server.
//!
//! # Quick start
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//! use user_apis_mattermost::{Client, Error, Session, types};
//!
//! // A personal access token:
//! let bot = Client::with_token("https://chat.example.com", "pat-token")?;
//! let me = bot.get_user().user_id("me").send().await?;
//! println!("{:?}", me.username);
//!
//! // Or sign in: the session token comes back in a header and the client carries it.
//! let session = Session::login("https://chat.example.com", "ada@example.com", "s3cret").await?;
//! let client = session.client();
//!
//! // Every active user, 200 at a time.
//! let mut users = client.list_users().active(true).per_page(200).stream();
//! while let Some(user) = users.try_next().await? {
//!     println!("{:?} {:?}", user.username, user.roles);
//! }
//!
//! // Change one field, then replace the profile picture.
//! let patch = types::UserPatch { nickname: Some("Ada".into()), ..Default::default() };
//! client.patch_user().user_id("me").body(patch).send().await?;
//! let png = std::fs::read("ada.png")?;
//! client.set_profile_image().user_id("me").image(png, "ada.png", "image/png").send().await?;
//!
//! // An error status: its code, and Mattermost's `AppError`.
//! match client.get_user_by_username().username("nobody").send().await {
//!     Ok(user) => println!("{:?}", user.id),
//!     Err(Error::ErrorResponse(body)) => println!("{}: {:?}", body.status(), body.message),
//!     Err(other) => return Err(other.into()),
//! }
//!
//! client.logout().send().await?;
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod declared;
#[rustfmt::skip]
mod generated;
/// Typed [`httpmock`] helpers for testing code that uses this client (feature `mock`): a
/// method per operation on httpmock's `MockServer`, as described below the example. A profile
/// image is served as bytes with its content type (`then.ok(&png, "image/png")`), and the `_`
/// query parameter of `get_profile_image` is `update_time` here as on the client. The
/// authentication header goes through httpmock's own `When`:
/// `when.user_id("me").into_inner().header("authorization", "...")`.
///
/// ```
/// use httpmock::MockServer;
/// use user_apis_mattermost::mock::MockServerExt;
/// use user_apis_mattermost::{Client, types};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start_async().await;
/// let ada = types::User {
///     id: Some("8ea5ycj1ptnp8k3x8qpdgkrd7c".into()),
///     username: Some("ada".into()),
///     ..Default::default()
/// };
/// let lookup = server.get_user_by_username(|when, then| {
///     when.username("ada");
///     then.ok(&ada);
/// });
///
/// // The code under test, pointed at the mock server.
/// let client = Client::with_token(server.base_url(), "test-token")?;
/// let user = client.get_user_by_username().username("ada").send().await?;
///
/// lookup.assert_async().await;
/// assert_eq!(*user, ada);
/// # Ok(()) }
/// ```
#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;
mod image;
mod session;

pub use generated::*;
pub use image::{Image, SetProfileImage};
/// The `serde_json` crate of the free-form fields (custom profile attributes, `props`, error
/// details), at the version they use: no second dependency on it is needed.
pub use serde_json;
pub use session::{LoginError, Session, TOKEN_HEADER, session_token};
pub use user_apis_runtime::{ClientConfig, ConfigError, Password, RetryPolicy};

use user_apis_runtime::Credential;

impl Client {
    /// A client for the Mattermost server at `config` (its root URL, such as
    /// `https://chat.example.com`, or a full [`ClientConfig`]), authenticating with a personal
    /// access token or a session token: `Authorization: Bearer <token>`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the URL is unusable or the token cannot be sent in a header.
    pub fn with_token(
        config: impl Into<ClientConfig>,
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), Some(&Credential::bearer(token)))
    }

    /// A client that sends no credential, for the operations that need none: signing up with
    /// [`create_user`](Self::create_user), password resets and email verification. To sign in,
    /// use [`Session::login`].
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the URL is unusable.
    pub fn without_auth(config: impl Into<ClientConfig>) -> Result<Self, ConfigError> {
        Self::with_credential(config.into(), None)
    }
}
