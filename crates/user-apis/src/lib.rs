//! Typed async clients for the Users APIs of GitLab, Mattermost, Okta and SendAuth.
//!
//! Each provider is a cargo feature, so a service compiles only the clients it uses:
//!
//! | feature      | module          | status                           |
//! |--------------|-----------------|----------------------------------|
//! | `gitlab`     | [`gitlab`]      | available                        |
//! | `mattermost` | [`mattermost`]  | available                        |
//! | `okta`       | [`okta`]        | available                        |
//! | `sendauth`   | [`sendauth`]    | available                        |
//! | `full`       | all of the above |                                 |
//!
//! TLS comes from rustls by default (feature `rustls`); enable `native-tls` for the
//! platform's library instead. Features only add: enabling one never removes another.
//!
//! Every client shares the [`runtime`]: a [`ClientConfig`] with timeouts and a
//! [`RetryPolicy`], credentials that never appear in `Debug` output, and lazy streams over
//! paged lists.
//!
// The quick start uses the SendAuth client, so it is part of the docs when that feature is on
// (as on docs.rs, which enables every feature).
#![cfg_attr(feature = "sendauth", doc = include_str!("quick_start.md"))]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use user_apis_runtime as runtime;
pub use user_apis_runtime::{ClientConfig, ConfigError, RetryPolicy};

/// The Mattermost Users client (feature `mattermost`).
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use user_apis::mattermost::{Client, Session};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // With a personal access token:
/// let client = Client::with_token("https://chat.example.com", "pat-token")?;
///
/// // Or sign in; the session's client carries the session token:
/// let session = Session::login("https://chat.example.com", "ada@example.com", "s3cret").await?;
/// let me = session.client().get_user().user_id("me").send().await?;
/// println!("{:?}", me.username);
///
/// // Every user of a team, one page of 200 at a time:
/// let mut users = client.list_users().in_team("team-id").per_page(200).stream();
/// while let Some(user) = users.try_next().await? {
///     println!("{:?}", user.username);
/// }
///
/// // A profile image, with its content type:
/// let image = client.get_profile_image().user_id("me").send_image().await?;
/// println!("{:?}, {} bytes", image.content_type, image.bytes.len());
/// # Ok(()) }
/// ```
#[cfg(feature = "mattermost")]
#[cfg_attr(docsrs, doc(cfg(feature = "mattermost")))]
pub mod mattermost {
    pub use user_apis_mattermost::*;
}

/// The Okta Users client (feature `okta`).
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use user_apis::okta::Client;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::with_api_token("https://your-org.okta.com", "00a-api-token")?;
///
/// // Every user, following Okta's `Link` cursors one page at a time:
/// let mut users = client.list_users().limit(200).stream();
/// while let Some(user) = users.try_next().await? {
///     println!("{:?} {:?}", user.id, user.status);
/// }
///
/// // A lifecycle operation:
/// client.deactivate_user().user_id("ada@example.com").send().await?;
/// # Ok(()) }
/// ```
#[cfg(feature = "okta")]
#[cfg_attr(docsrs, doc(cfg(feature = "okta")))]
pub mod okta {
    pub use user_apis_okta::*;
}

/// The SendAuth Users client (feature `sendauth`).
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use user_apis::sendauth::Client;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::with_basic_auth("https://app.sendauth.com", "api-user", "api-password")?;
///
/// // One request:
/// let user = client.get_user().user_id(uuid::Uuid::nil()).send().await?;
/// println!("{} {}", user.first_name, user.last_name);
///
/// // Every user, one page at a time as the loop asks for more:
/// let mut users = client.list_users().per_page(100).stream();
/// while let Some(user) = users.try_next().await? {
///     println!("{:?}", user.email);
/// }
/// # Ok(()) }
/// ```
#[cfg(feature = "sendauth")]
#[cfg_attr(docsrs, doc(cfg(feature = "sendauth")))]
pub mod sendauth {
    pub use user_apis_sendauth::*;
}

/// The GitLab Users client (feature `gitlab`).
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use user_apis::gitlab::{Client, Error};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::with_private_token("https://gitlab.example.com", "glpat-...")?;
///
/// // One request, run as another user (admin tokens with the `sudo` scope only):
/// let user = client.get_user().id(42).sudo("ada").send().await?;
/// println!("{} {:?}", user.username, user.email);
///
/// // Every blocked user, one page at a time as the loop asks for more:
/// let mut users = client.list_users().blocked(true).per_page(100).stream();
/// while let Some(user) = users.try_next().await? {
///     println!("{} {:?}", user.id, user.state);
/// }
///
/// // A typed error carries GitLab's message.
/// let result = client.block_user().id(42).send().await;
/// if let Err(Error::ErrorResponse(body)) = &result {
///     println!("{}: {:?}", body.status(), body.message);
/// }
/// # Ok(()) }
/// ```
#[cfg(feature = "gitlab")]
#[cfg_attr(docsrs, doc(cfg(feature = "gitlab")))]
pub mod gitlab {
    pub use user_apis_gitlab::*;
}
