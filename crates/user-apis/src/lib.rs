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
//! TLS comes from rustls with the `ring` crypto provider by default (feature `rustls`);
//! enable `rustls-aws-lc` for rustls with `aws-lc-rs`, or `native-tls` for the platform's
//! library (each wins over the default when enabled with it). Features only add: enabling one
//! never removes another.
//!
//! Feature `tracing` (off by default) runs every request of every client inside one `tracing`
//! span (target `user_apis`, name `request`) recording the operation, the method, the spec's
//! path template (`/api/v1/users/{userId}`, never the filled-in path), the final status or the
//! kind of failure, the number of attempts and the duration, under OpenTelemetry's HTTP field
//! names (`http.request.method`, `url.template`, `http.response.status_code`, ...). It never
//! records a header, a body or the query, so no credential, password or token appears. The
//! [`runtime`] documentation lists every field and says why it is named so.
//!
//! Every client shares the [`runtime`]: a [`ClientConfig`] with timeouts and a
//! [`RetryPolicy`], credentials that never appear in `Debug` output, and lazy streams over
//! paged lists.
//!
// The quick start uses the SendAuth client, so it is part of the docs when that feature is on
// (as on docs.rs, which enables every feature).
#![cfg_attr(feature = "sendauth", doc = include_str!("quick_start.md"))]
//! For tests, the `mock` feature (usually enabled in `[dev-dependencies]`) adds to each
//! enabled provider a `mock` module (`user_apis::okta::mock`, ...) of typed `httpmock`
//! helpers: a method per operation on httpmock's `MockServer`, whose `When` has a setter per
//! parameter and matches the path exactly as the client encodes it, and whose `Then` serves
//! the typed response of each status the spec documents. The feature re-exports `httpmock`
//! itself (`user_apis::httpmock`), so a test needs no second dependency on it.
#![cfg_attr(
    all(feature = "mock", feature = "okta"),
    doc = r#"
```
use user_apis::httpmock::MockServer;
use user_apis::okta::mock::MockServerExt;
use user_apis::okta::{Client, types};

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), Box<dyn std::error::Error>> {
let server = MockServer::start_async().await;
let ada = types::User {
    id: Some("00u1ab2cd3EF4gh5ij6k".into()),
    status: Some(types::UserStatus::Active),
    ..Default::default()
};
let get = server.get_user(|when, then| {
    when.user_id("ada@example.com");
    then.ok(&ada);
});

// The code under test, pointed at the mock server.
let client = Client::with_api_token(server.base_url(), "00a-test-token")?;
let user = client.get_user().user_id("ada@example.com").send().await?;

get.assert_async().await;
assert_eq!(*user, ada);
# Ok(()) }
```
"#
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use user_apis_runtime as runtime;

/// The `httpmock` crate the typed mocks are built on (feature `mock`), at the version they
/// use: `user_apis::httpmock::MockServer`.
#[cfg(feature = "mock")]
pub use httpmock;
pub use user_apis_runtime::{
    ClientConfig, ConfigError, LocalRateLimiter, RateLimiter, RetryBudget, RetryPolicy, bulk,
};

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
