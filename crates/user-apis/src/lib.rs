//! Typed async clients for the Users APIs of GitLab, Mattermost, Okta and SendAuth.
//!
//! Each provider is a cargo feature, so a service compiles only the clients it uses:
//!
#![doc = include_str!("providers.md")]
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
//! Types have the same names in every provider: `User` is a user as the API returns it,
//! `UserInput` the body of `update_user` (`UserInput::from(user)` starts a read-modify-write),
//! and `create_user` takes `UserInput` where creating sends the same fields (Okta, SendAuth)
//! or `NewUser` where it sends more, such as a password (GitLab, Mattermost).
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

// One module per provider behind its feature, from the provider table.
include!("providers.rs");

#[cfg(feature = "directory")]
#[cfg_attr(docsrs, doc(cfg(feature = "directory")))]
pub mod directory;
