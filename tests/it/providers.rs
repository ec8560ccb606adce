//! The four providers as one table, for what every client does alike. For each: how to build
//! a client of a mock server, one get and one paged list with their paths and paging, a POST
//! action, the rate-limit headers, the error bodies and the credential. A test of a shared
//! behaviour is an `async fn(Provider)` written once; [`each_provider!`] makes one
//! `#[tokio::test]` of it per provider, so that a failure names the provider.

use std::fmt::Debug;

use futures_util::{Stream, StreamExt};
use httpmock::Method::{GET, POST};
use httpmock::{Mock, MockServer, Then};
use serde::Serialize;
use serde_json::{Value, json};
use user_apis::gitlab::ResponseValue;
use user_apis::runtime::{Error, InvalidResponseCause};
use user_apis::{ClientConfig, gitlab, mattermost, okta, sendauth};
use user_apis_tests::{SENDAUTH_AUTHORIZATION, SENDAUTH_PASSWORD, SENDAUTH_USER, exact};

// Each provider's credential and user are those of its own tests.
use crate::gitlab::{TOKEN as GITLAB_TOKEN, USER_ID as GITLAB_USER_ID};
use crate::mattermost::{
    AUTHORIZATION as MATTERMOST_AUTHORIZATION, TOKEN as MATTERMOST_TOKEN,
    USER_ID as MATTERMOST_USER_ID,
};
use crate::okta::{
    AUTHORIZATION as OKTA_AUTHORIZATION, TOKEN as OKTA_TOKEN, USER_ID as OKTA_USER_ID,
    USER_TYPE_ID as OKTA_USER_TYPE_ID,
};
use crate::sendauth::{COMPANY_ID as SENDAUTH_COMPANY_ID, USER_ID as SENDAUTH_USER_ID};

/// Makes one `#[tokio::test]` per provider of `async fn $test(provider: Provider)`, in a
/// module named after the test: `each_provider!(a_test)` for every provider,
/// `each_provider!(a_test: gitlab, okta)` for those named. The tests are
/// `a_test::gitlab`, `a_test::okta`, ...
macro_rules! each_provider {
    ($test:ident) => {
        $crate::providers::each_provider!($test: gitlab, mattermost, okta, sendauth);
    };
    ($test:ident: $($provider:ident),+ $(,)?) => {
        mod $test {
            $(
                #[tokio::test]
                async fn $provider() {
                    super::$test($crate::providers::Provider::named(stringify!($provider)))
                        .await;
                }
            )+
        }
    };
}
pub(crate) use each_provider;

/// A provider, as a row of the table: its methods give what the shared tests need of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    GitLab,
    Mattermost,
    Okta,
    SendAuth,
}

/// Every provider.
pub(crate) const PROVIDERS: [Provider; 4] = [
    Provider::GitLab,
    Provider::Mattermost,
    Provider::Okta,
    Provider::SendAuth,
];

/// A provider's rate-limit headers: the limit, what remains of it, and its reset, which the
/// client waits for on a `429`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimitHeaders {
    pub(crate) limit: &'static str,
    pub(crate) remaining: &'static str,
    pub(crate) reset: &'static str,
    /// Whether the reset is a Unix time in seconds; otherwise it counts the seconds to wait.
    pub(crate) epoch: bool,
}

/// A successful answer: its status and its decoded body, serialized again.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

/// What a failed call tells its caller, the same for every provider.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) variant: &'static str,
    pub(crate) status: Option<u16>,
    pub(crate) operation: Option<&'static str>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Option<Vec<u8>>,
    /// The provider's typed error body (`ErrorResponse`), serialized again.
    pub(crate) typed: Option<Value>,
    pub(crate) too_large: bool,
    pub(crate) timeout: bool,
    pub(crate) request_id: Option<String>,
    /// The error's `Display`.
    pub(crate) message: String,
    /// The error's `Debug`.
    pub(crate) debug: String,
}

/// What `error` tells its caller, boxed, as the `Err` of every call of [`AnyClient`].
pub(crate) fn failure<E: Debug + Serialize>(error: &Error<E>) -> Box<Failure> {
    let (content_type, too_large) = match error {
        Error::InvalidResponse(invalid) => (
            invalid.content_type.clone(),
            matches!(invalid.cause, InvalidResponseCause::TooLarge { .. }),
        ),
        _ => (None, false),
    };
    Box::new(Failure {
        variant: match error {
            Error::InvalidRequest(_) => "InvalidRequest",
            Error::CommunicationError(_) => "CommunicationError",
            Error::ErrorResponse(_) => "ErrorResponse",
            Error::UnexpectedResponse(_) => "UnexpectedResponse",
            Error::InvalidResponse(_) => "InvalidResponse",
            _ => "other",
        },
        status: error.status().map(|s| s.as_u16()),
        operation: error.operation(),
        content_type,
        body: error.raw_body().map(<[u8]>::to_vec),
        typed: match error {
            Error::ErrorResponse(body) => Some(to_json(body.as_ref())),
            _ => None,
        },
        too_large,
        timeout: error.is_timeout(),
        request_id: error.request_id().map(str::to_string),
        message: error.to_string(),
        debug: format!("{error:?}"),
    })
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("a decoded value serializes")
}

fn answer<T: Serialize, E: Debug + Serialize>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> Result<Answer, Box<Failure>> {
    match result {
        Ok(response) => Ok(Answer {
            status: response.status().as_u16(),
            body: to_json(&response.into_inner()),
        }),
        Err(error) => Err(failure(&error)),
    }
}

async fn items<T: Serialize, E: Debug + Serialize>(
    stream: impl Stream<Item = Result<T, Error<E>>>,
) -> Vec<Result<Value, Box<Failure>>> {
    stream
        .map(|item| item.map(|item| to_json(&item)).map_err(|e| failure(&e)))
        .collect()
        .await
}

impl Provider {
    /// The provider a test of [`each_provider!`] is named after.
    pub(crate) fn named(name: &str) -> Self {
        PROVIDERS
            .into_iter()
            .find(|provider| provider.name() == name)
            .unwrap_or_else(|| panic!("no provider is named {name:?}"))
    }

    /// The provider's name, as its crate and feature spell it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::GitLab => "gitlab",
            Self::Mattermost => "mattermost",
            Self::Okta => "okta",
            Self::SendAuth => "sendauth",
        }
    }

    /// The id of the user [`AnyClient::get_user`] reads, as its path carries it.
    pub(crate) fn user_id(self) -> String {
        match self {
            Self::GitLab => GITLAB_USER_ID.to_string(),
            Self::Mattermost => MATTERMOST_USER_ID.to_string(),
            Self::Okta => OKTA_USER_ID.to_string(),
            Self::SendAuth => SENDAUTH_USER_ID.to_string(),
        }
    }

    /// The path of [`AnyClient::get_user`].
    pub(crate) fn user_path(self) -> String {
        format!("{}/{}", self.list_path(), self.user_id())
    }

    /// The path template of [`AnyClient::get_user`], as spans record it.
    pub(crate) fn user_template(self) -> &'static str {
        match self {
            Self::GitLab => "/api/v4/users/{id}",
            Self::Mattermost => "/api/v4/users/{user_id}",
            Self::Okta => "/api/v1/users/{userId}",
            Self::SendAuth => "/api/v1/users/{userID}",
        }
    }

    /// The path of the paged list, [`AnyClient::list_users`].
    pub(crate) fn list_path(self) -> &'static str {
        match self {
            Self::GitLab | Self::Mattermost => "/api/v4/users",
            Self::Okta | Self::SendAuth => "/api/v1/users",
        }
    }

    /// The query parameter of the list's filter that [`AnyClient::list_users_matching`] sets.
    pub(crate) fn filter(self) -> &'static str {
        match self {
            Self::GitLab => "search",
            Self::Mattermost => "in_team",
            Self::Okta | Self::SendAuth => "q",
        }
    }

    /// The action of [`AnyClient::action`], a POST without a body.
    pub(crate) fn action(self) -> Action {
        let user = self.user_path();
        let (path, status, body, decoded) = match self {
            Self::GitLab => (format!("{user}/block"), 201, Some(json!(true)), Value::Null),
            Self::Mattermost => {
                let ok = json!({"status": "OK"});
                (format!("{user}/demote"), 200, Some(ok.clone()), ok)
            }
            Self::Okta => (
                format!("{user}/lifecycle/deactivate"),
                200,
                None,
                Value::Null,
            ),
            Self::SendAuth => {
                let tx = json!({"tx": SENDAUTH_COMPANY_ID});
                (format!("{user}/register"), 201, Some(tx.clone()), tx)
            }
        };
        Action {
            path,
            status,
            body,
            decoded,
        }
    }

    /// What [`AnyClient::get_named`] reads: GitLab's user status, the others' user.
    pub(crate) fn named_body(self) -> Value {
        match self {
            Self::GitLab => json!({"emoji": "coffee", "availability": "busy", "message": "Away"}),
            _ => self.user(),
        }
    }

    /// The path of [`AnyClient::get_named`] with `segment` in the place of a text path
    /// parameter; `None` for SendAuth, whose paths take only UUIDs.
    pub(crate) fn named_path(self, segment: &str) -> Option<String> {
        match self {
            Self::GitLab => Some(format!("/api/v4/users/{segment}/status")),
            Self::Mattermost => Some(format!("/api/v4/users/{segment}")),
            Self::Okta => Some(format!("/api/v1/users/{segment}")),
            Self::SendAuth => None,
        }
    }

    /// A user as [`AnyClient::get_user`] reads it. Every field is one the client knows, in the
    /// form it writes back (no empty list, no `null`), so the decoded user serializes to this
    /// again.
    pub(crate) fn user(self) -> Value {
        match self {
            Self::GitLab => json!({
                "id": GITLAB_USER_ID,
                "username": "ada",
                "name": "Ada Lovelace",
                "state": "active",
                "locked": false,
                "web_url": "https://gitlab.example.com/ada",
                "created_at": "2024-01-02T03:04:05Z",
                "custom_attributes": [{"key": "team", "value": "platform"}],
                "is_admin": false
            }),
            Self::Mattermost => json!({
                "id": self.user_id(),
                "create_at": 1_700_000_000_000_i64,
                "delete_at": 0,
                "username": "ada",
                "email_verified": true,
                "position": "Engineer",
                "roles": "system_user",
                "failed_attempts": 0,
                "notify_props": {"push": "mention", "auto_responder_active": "false"},
                "props": {"customStatus": "{\"emoji\":\"coffee\"}"},
                "timezone": {
                    "useAutomaticTimezone": "true",
                    "automaticTimezone": "Europe/London"
                },
                "terms_of_service_id": "tos1"
            }),
            Self::Okta => json!({
                "id": self.user_id(),
                "status": "ACTIVE",
                "created": "2024-01-02T03:04:05Z",
                "profile": {
                    "login": "ada@example.com",
                    "firstName": "Ada",
                    "department": "Engines",
                    "costCenter": 1842
                },
                "credentials": {
                    "emails": [{"value": "ada@example.com", "status": "VERIFIED", "type": "PRIMARY"}],
                    "provider": {"type": "OKTA", "name": "OKTA"}
                },
                "type": {"id": OKTA_USER_TYPE_ID},
                "_links": {"self": {"href": format!("https://x.okta.com/api/v1/users/{OKTA_USER_ID}")}}
            }),
            Self::SendAuth => json!({
                "id": self.user_id(),
                "firstName": "Ada",
                "lastName": "Lovelace",
                "email": "ada@example.com",
                "permissions": ["users:read"],
                "messagingPreference": "sms",
                "createdAt": "2024-01-02T03:04:05Z"
            }),
        }
    }

    /// An empty page of the list, as the server sends it.
    pub(crate) fn empty_list(self) -> Value {
        match self {
            Self::SendAuth => json!({"rows": [], "total": 0}),
            _ => json!([]),
        }
    }

    /// [`Self::empty_list`] as [`AnyClient::list_users`] decodes it: SendAuth's empty `rows`
    /// is written back as absent.
    pub(crate) fn empty_list_decoded(self) -> Value {
        match self {
            Self::SendAuth => json!({"total": 0}),
            _ => json!([]),
        }
    }

    /// Item `n` of the list, in the form it is written back, like [`Self::user`].
    pub(crate) fn item(self, n: u64) -> Value {
        match self {
            Self::GitLab => json!({
                "id": n,
                "username": format!("u{n}"),
                "name": format!("User {n}")
            }),
            Self::Mattermost => json!({"id": format!("u{n}"), "username": format!("u{n}")}),
            Self::Okta => json!({"id": format!("00u{n}")}),
            Self::SendAuth => json!({"firstName": format!("U{n}"), "lastName": "L"}),
        }
    }

    /// The provider's error body for `status` (401 or 403), as its servers send it.
    pub(crate) fn error(self, status: u16) -> Value {
        match (self, status) {
            (Self::GitLab, 401) => json!({"message": "401 Unauthorized"}),
            (Self::GitLab, _) => json!({"message": "403 Forbidden"}),
            (Self::Mattermost, 401) => json!({
                "id": "api.context.session_expired.app_error",
                "message": "Invalid or expired session, please login again.",
                "request_id": "rq5fm8bsaj8gtq6qdrn3d1gdxe",
                "status_code": 401,
                "is_oauth": false
            }),
            (Self::Mattermost, _) => json!({
                "id": "api.context.permissions.app_error",
                "message": "You do not have the appropriate permissions.",
                "request_id": "rq5fm8bsaj8gtq6qdrn3d1gdxe",
                "status_code": 403,
                "is_oauth": false
            }),
            (Self::Okta, 401) => {
                json!({"errorCode": "E0000011", "errorSummary": "Invalid token provided"})
            }
            (Self::Okta, _) => json!({
                "errorCode": "E0000006",
                "errorSummary": "You do not have permission to perform the requested action"
            }),
            (Self::SendAuth, 401) => json!({"error": "bad credentials"}),
            (Self::SendAuth, _) => json!({"error": "forbidden"}),
        }
    }

    /// How the provider's server answers a request over its rate limit: Okta with its
    /// error body (its operations document the `429`), the others with text or their own JSON.
    pub(crate) fn too_many_requests(self, then: Then) -> Then {
        match self {
            Self::GitLab => then.body("Retry later\n"),
            Self::Mattermost => then.body("limit exceeded\n"),
            Self::Okta => then.json_body(self.typed_too_many_requests().unwrap_or_default()),
            Self::SendAuth => then.json_body(json!({"error": "slow down"})),
        }
    }

    /// The typed error of a `429`, where the provider documents one.
    pub(crate) fn typed_too_many_requests(self) -> Option<Value> {
        matches!(self, Self::Okta).then(|| {
            json!({
                "errorCode": "E0000047",
                "errorSummary": "API call exceeded rate limit due to too many requests."
            })
        })
    }

    /// The provider's rate-limit headers; SendAuth sends none.
    pub(crate) fn rate_limit(self) -> Option<RateLimitHeaders> {
        match self {
            Self::GitLab => Some(RateLimitHeaders {
                limit: "ratelimit-limit",
                remaining: "ratelimit-remaining",
                reset: "ratelimit-reset",
                epoch: true,
            }),
            Self::Mattermost => Some(RateLimitHeaders {
                limit: "x-ratelimit-limit",
                remaining: "x-ratelimit-remaining",
                reset: "x-ratelimit-reset",
                epoch: false,
            }),
            Self::Okta => Some(RateLimitHeaders {
                limit: "x-rate-limit-limit",
                remaining: "x-rate-limit-remaining",
                reset: "x-rate-limit-reset",
                epoch: true,
            }),
            Self::SendAuth => None,
        }
    }

    /// The header that carries the credential of [`Self::client`], and its value.
    pub(crate) fn auth(self) -> (&'static str, &'static str) {
        match self {
            Self::GitLab => ("private-token", GITLAB_TOKEN),
            Self::Mattermost => ("authorization", MATTERMOST_AUTHORIZATION),
            Self::Okta => ("authorization", OKTA_AUTHORIZATION),
            Self::SendAuth => ("authorization", SENDAUTH_AUTHORIZATION),
        }
    }

    /// What no output may show of the credential of [`Self::client`]: the secret, and for
    /// basic authentication also its base64 form.
    pub(crate) fn secrets(self) -> Vec<&'static str> {
        match self {
            Self::GitLab => vec![GITLAB_TOKEN],
            Self::Mattermost => vec![MATTERMOST_TOKEN],
            Self::Okta => vec![OKTA_TOKEN],
            Self::SendAuth => vec![
                SENDAUTH_PASSWORD,
                SENDAUTH_AUTHORIZATION.trim_start_matches("Basic "),
            ],
        }
    }

    /// What the credential of every constructor is.
    pub(crate) fn secret(self) -> Secret {
        match self {
            Self::SendAuth => Secret::Password,
            _ => Secret::Token,
        }
    }

    /// The constructors that take a credential.
    pub(crate) fn constructors(self) -> &'static [&'static str] {
        match self {
            Self::GitLab => &["with_private_token", "with_oauth_token"],
            Self::Mattermost => &["with_token"],
            Self::Okta => &["with_api_token", "with_access_token"],
            Self::SendAuth => &["with_basic_auth"],
        }
    }

    /// A client of `url` with `secret` as its token or password, by `constructor`, one of
    /// [`Self::constructors`].
    pub(crate) fn build(self, constructor: &str, url: &str, secret: &str) -> Built {
        match (self, constructor) {
            (Self::GitLab, "with_private_token") => {
                gitlab::Client::with_private_token(url, secret).map(drop)
            }
            (Self::GitLab, "with_oauth_token") => {
                gitlab::Client::with_oauth_token(url, secret).map(drop)
            }
            (Self::Mattermost, "with_token") => {
                mattermost::Client::with_token(url, secret).map(drop)
            }
            (Self::Okta, "with_api_token") => okta::Client::with_api_token(url, secret).map(drop),
            (Self::Okta, "with_access_token") => {
                okta::Client::with_access_token(url, secret).map(drop)
            }
            (Self::SendAuth, "with_basic_auth") => {
                sendauth::Client::with_basic_auth(url, SENDAUTH_USER, secret).map(drop)
            }
            (_, other) => panic!("{self:?} has no constructor {other}"),
        }
    }

    /// A client of `config` with the table's credential.
    pub(crate) fn client(self, config: ClientConfig) -> AnyClient {
        match self {
            Self::GitLab => AnyClient::GitLab(
                gitlab::Client::with_private_token(config, GITLAB_TOKEN).expect("client"),
            ),
            Self::Mattermost => AnyClient::Mattermost(
                mattermost::Client::with_token(config, MATTERMOST_TOKEN).expect("client"),
            ),
            Self::Okta => {
                AnyClient::Okta(okta::Client::with_api_token(config, OKTA_TOKEN).expect("client"))
            }
            Self::SendAuth => AnyClient::SendAuth(
                sendauth::Client::with_basic_auth(config, SENDAUTH_USER, SENDAUTH_PASSWORD)
                    .expect("client"),
            ),
        }
    }

    /// A page number the list's builder refuses, by `send` as by `stream`; `None` for Okta,
    /// whose pages are cursors.
    pub(crate) fn refused_page(self) -> Option<u64> {
        match self {
            // Pages count from 1.
            Self::GitLab | Self::SendAuth => Some(0),
            // Beyond the `i32` the API takes.
            Self::Mattermost => Some(u64::MAX),
            Self::Okta => None,
        }
    }

    /// Serves page `n` (from 1) of `pages` of the list as [`AnyClient::stream`] asks for it,
    /// holding item `n`, and naming the next page in the provider's way; a `status` other than
    /// 200 refuses it with the provider's error.
    pub(crate) async fn serve_page<'a>(
        self,
        server: &'a MockServer,
        n: u64,
        pages: u64,
        status: u16,
    ) -> Mock<'a> {
        let path = self.list_path();
        let page = n.to_string();
        let last = n == pages;
        let after = format!("c{n}");
        let next = format!(
            r#"<{}{path}?after=c{}>; rel="next""#,
            server.base_url(),
            n + 1
        );
        server
            .mock_async(|when, then| {
                // A stream's first request is the builder's own: no `page`, no `after`.
                let first = usize::from(n == 1);
                match self {
                    Self::GitLab | Self::SendAuth => {
                        exact(when, GET, path, &[("page", page.as_str())][first..])
                    }
                    // Numbered from 0, and one item a page is a full one.
                    Self::Mattermost => exact(
                        when,
                        GET,
                        path,
                        &[("page", (n - 1).to_string().as_str()), ("per_page", "1")][first..],
                    ),
                    Self::Okta if n == 1 => exact(when, GET, path, &[]),
                    Self::Okta => exact(when, GET, path, &[("after", &after)]),
                };
                let then = then.status(status);
                if status != 200 {
                    then.json_body(self.error(status));
                    return;
                }
                let items = json!([self.item(n)]);
                match self {
                    Self::GitLab => {
                        let next = if last {
                            String::new()
                        } else {
                            (n + 1).to_string()
                        };
                        then.header("x-next-page", next)
                            .header("x-total-pages", pages.to_string())
                            .json_body(items);
                    }
                    Self::Mattermost => {
                        then.json_body(items);
                    }
                    Self::Okta if last => {
                        then.json_body(items);
                    }
                    Self::Okta => {
                        then.header("link", next).json_body(items);
                    }
                    Self::SendAuth => {
                        then.json_body(json!({"rows": items, "total": pages}));
                    }
                }
            })
            .await
    }
}

/// What a provider's credential is: a token, sent as it is, or a basic authentication
/// password, sent as UTF-8 in base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Secret {
    Token,
    Password,
}

/// What a constructor of [`Provider::build`] gave.
pub(crate) type Built = Result<(), user_apis::runtime::ConfigError>;

/// A POST without a body that each provider has: its path, the answer's status and body, and
/// that body as the client decodes it (none for an operation without data), serialized again.
#[derive(Debug)]
pub(crate) struct Action {
    pub(crate) path: String,
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    pub(crate) decoded: Value,
}

fn sendauth_user_id() -> uuid::Uuid {
    SENDAUTH_USER_ID.parse().expect("a UUID")
}

/// A client of one of the providers, whose calls answer alike.
#[derive(Debug)]
pub(crate) enum AnyClient {
    GitLab(gitlab::Client),
    Mattermost(mattermost::Client),
    Okta(okta::Client),
    SendAuth(sendauth::Client),
}

impl AnyClient {
    /// Reads the user of [`Provider::user_path`].
    pub(crate) async fn get_user(&self) -> Result<Answer, Box<Failure>> {
        match self {
            Self::GitLab(c) => answer(c.get_user().id(GITLAB_USER_ID).send().await),
            Self::Mattermost(c) => answer(c.get_user().user_id(MATTERMOST_USER_ID).send().await),
            Self::Okta(c) => answer(c.get_user().user_id(OKTA_USER_ID).send().await),
            Self::SendAuth(c) => answer(c.get_user().user_id(sendauth_user_id()).send().await),
        }
    }

    /// Reads the first page of the list, without a query.
    pub(crate) async fn list_users(&self) -> Result<Answer, Box<Failure>> {
        match self {
            Self::GitLab(client) => answer(client.list_users().send().await),
            Self::Mattermost(client) => answer(client.list_users().send().await),
            Self::Okta(client) => answer(client.list_users().send().await),
            Self::SendAuth(client) => answer(client.list_users().send().await),
        }
    }

    /// Reads the first page of the list with its [`Provider::filter`] set to `value`.
    pub(crate) async fn list_users_matching(&self, value: &str) -> Result<Answer, Box<Failure>> {
        match self {
            Self::GitLab(client) => answer(client.list_users().search(value).send().await),
            Self::Mattermost(client) => answer(client.list_users().in_team(value).send().await),
            Self::Okta(client) => answer(client.list_users().q(value).send().await),
            Self::SendAuth(client) => answer(client.list_users().q(value).send().await),
        }
    }

    /// Sends the action of [`Provider::action`].
    pub(crate) async fn action(&self) -> Result<Answer, Box<Failure>> {
        match self {
            Self::GitLab(client) => answer(client.block_user().id(GITLAB_USER_ID).send().await),
            Self::Mattermost(client) => {
                let demote = client.demote_user_to_guest();
                answer(demote.user_id(MATTERMOST_USER_ID).send().await)
            }
            Self::Okta(client) => {
                answer(client.deactivate_user().user_id(OKTA_USER_ID).send().await)
            }
            Self::SendAuth(client) => answer(
                client
                    .register_user()
                    .user_id(sendauth_user_id())
                    .send()
                    .await,
            ),
        }
    }

    /// Calls the operation of [`Provider::named_path`] with `name` as its text parameter.
    pub(crate) async fn get_named(&self, name: &str) -> Result<Answer, Box<Failure>> {
        match self {
            Self::GitLab(client) => answer(client.get_user_status().user_id(name).send().await),
            Self::Mattermost(client) => answer(client.get_user().user_id(name).send().await),
            Self::Okta(client) => answer(client.get_user().user_id(name).send().await),
            Self::SendAuth(_) => panic!("SendAuth's paths take no text"),
        }
    }

    /// Walks the whole list from its first page, or from page `first` (which Okta, whose pages
    /// are cursors, has not), as [`Provider::serve_page`] serves it.
    pub(crate) async fn stream(&self, first: Option<u64>) -> Vec<Result<Value, Box<Failure>>> {
        match self {
            Self::GitLab(client) => {
                let mut list = client.list_users();
                if let Some(page) = first {
                    list = list.page(page);
                }
                items(list.stream()).await
            }
            Self::Mattermost(client) => {
                let mut list = client.list_users().per_page(1);
                if let Some(page) = first {
                    list = list.page(page);
                }
                items(list.stream()).await
            }
            Self::Okta(client) => {
                assert_eq!(first, None, "Okta's pages are cursors");
                items(client.list_users().stream()).await
            }
            Self::SendAuth(client) => {
                let mut list = client.list_users();
                if let Some(page) = first {
                    list = list.page(page);
                }
                items(list.stream()).await
            }
        }
    }
}

/// A mock of `GET path` that answers as `respond` sets the answer up.
pub(crate) async fn on_get<'a>(
    server: &'a MockServer,
    path: &str,
    respond: impl FnOnce(Then) -> Then,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            respond(then);
        })
        .await
}

/// A mock of `path` that answers `GET` with `body`, checking the request's credential.
pub(crate) async fn serve_get<'a>(
    provider: Provider,
    server: &'a MockServer,
    path: &str,
    body: Value,
) -> Mock<'a> {
    let (header, value) = provider.auth();
    server
        .mock_async(|when, then| {
            exact(when, GET, path, &[]).header(header, value);
            then.status(200).json_body(body);
        })
        .await
}

/// A mock of the provider's [`Action`] that answers as it says, checking the request's
/// credential and that it carries no body.
pub(crate) async fn serve_action(provider: Provider, server: &MockServer) -> Mock<'_> {
    let action = provider.action();
    let (header, value) = provider.auth();
    server
        .mock_async(|when, then| {
            exact(when, POST, &action.path, &[])
                .header(header, value)
                .body("");
            let then = then.status(action.status);
            if let Some(body) = action.body {
                then.json_body(body);
            }
        })
        .await
}
