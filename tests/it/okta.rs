//! Okta: every operation's request on the wire and decoded response, plus cursor streams,
//! forward compatibility, custom profile attributes and errors. What every provider does alike
//! is tested over the provider table (`providers.rs`).

use std::future::Future;
use std::pin::Pin;

use futures_util::{StreamExt, TryStreamExt};
use httpmock::Method::{self, DELETE, GET, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};
use user_apis::okta::mock::MockServerExt;
use user_apis::okta::{Client, Error, ResponseValue, types};
use user_apis::{ClientConfig, RetryPolicy};
use user_apis_tests::{exact, mock_config, query_count};

pub(crate) const TOKEN: &str = "00aBcD-okta-api-token";
pub(crate) const AUTHORIZATION: &str = "SSWS 00aBcD-okta-api-token";
pub(crate) const USER_ID: &str = "00u1ab2cd3EF4gh5ij6k";
const ROLE_ID: &str = "ra1b2c3d4e5f6g7h8i9";
const GROUP_ID: &str = "00g1a2b3c4d5e6f7g8h9";
pub(crate) const USER_TYPE_ID: &str = "oty1a2b3c4d5e6f7g8h9";

fn client(server: &MockServer) -> Client {
    Client::with_api_token(mock_config(server), TOKEN).expect("valid client")
}

/// A user as Okta sends it, with two custom profile attributes.
fn user_json(status: &str) -> Value {
    json!({
        "id": USER_ID,
        "status": status,
        "created": "2024-01-02T03:04:05.000Z",
        "activated": "2024-01-02T03:05:00.000Z",
        "statusChanged": "2024-01-02T03:05:00.000Z",
        "lastLogin": null,
        "lastUpdated": "2024-02-03T04:05:06.000Z",
        "passwordChanged": "2024-01-02T03:05:00.000Z",
        "profile": {
            "login": "ada@example.com",
            "email": "ada@example.com",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "mobilePhone": null,
            "secondEmail": null,
            "department": "Engines",
            "costCenter": 1842
        },
        "credentials": {
            "password": {},
            "emails": [{"value": "ada@example.com", "status": "VERIFIED", "type": "PRIMARY"}],
            "provider": {"type": "OKTA", "name": "OKTA"}
        },
        "type": {"id": USER_TYPE_ID},
        "_links": {"self": {"href": format!("https://x.okta.com/api/v1/users/{USER_ID}")}}
    })
}

fn group_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "created": "2024-01-02T03:04:05.000Z",
        "lastUpdated": "2024-01-02T03:04:05.000Z",
        "lastMembershipUpdated": "2024-03-04T05:06:07.000Z",
        "objectClass": ["okta:user_group"],
        "type": "OKTA_GROUP",
        "profile": {"name": name, "description": null, "owner": "it"},
        "_links": {}
    })
}

fn assert_is_ada(user: &types::User) {
    assert_eq!(user.id.as_deref(), Some(USER_ID));
    assert_eq!(user.status, Some(types::UserStatus::Active));
    assert_eq!(user.last_login, None);
    assert_eq!(
        user.created.map(|t| t.to_rfc3339()),
        Some("2024-01-02T03:04:05+00:00".to_string())
    );
    let profile = user.profile.as_ref().expect("profile");
    assert_eq!(profile.login.as_deref(), Some("ada@example.com"));
    assert_eq!(profile.first_name.as_deref(), Some("Ada"));
    assert_eq!(profile.extra.get("department"), Some(&json!("Engines")));
    assert_eq!(profile.extra.get("costCenter"), Some(&json!(1842)));
    let credentials = user.credentials.as_ref().expect("credentials");
    assert_eq!(
        credentials.emails[0].status,
        Some(types::EmailStatus::Verified)
    );
    assert_eq!(
        credentials.provider.as_ref().and_then(|p| p.type_.clone()),
        Some(types::AuthenticationProviderType::Okta)
    );
    assert_eq!(
        user.type_.as_ref().and_then(|t| t.id.as_deref()),
        Some(USER_TYPE_ID)
    );
    assert!(user.links.contains_key("self"));
}

#[tokio::test]
async fn list_users_sends_every_filter() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v1/users",
                &[
                    ("q", "ada"),
                    ("after", "00u0"),
                    ("limit", "50"),
                    ("filter", r#"status eq "ACTIVE""#),
                    ("format", "json"),
                    ("search", r#"profile.department eq "Engines""#),
                    ("sortBy", "profile.lastName"),
                    ("sortOrder", "desc"),
                    ("expand", "classification"),
                ],
            )
            .header("authorization", AUTHORIZATION)
            .header("accept", "application/json");
            then.status(200).json_body(json!([user_json("ACTIVE")]));
        })
        .await;

    let users = client(&server)
        .list_users()
        .q("ada")
        .after("00u0")
        .limit(50)
        .filter(r#"status eq "ACTIVE""#)
        .format("json")
        .search(r#"profile.department eq "Engines""#)
        .sort_by("profile.lastName")
        .sort_order(types::SortOrder::Desc)
        .expand("classification")
        .send()
        .await;

    mock.assert_async().await;
    let users = users.expect("list succeeds");
    assert_eq!(users.len(), 1);
    assert_is_ada(&users[0]);
}

#[tokio::test]
async fn create_user_sends_profile_credentials_and_flags() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                "/api/v1/users",
                &[
                    ("activate", "false"),
                    ("provider", "false"),
                    ("nextLogin", "changePassword"),
                ],
            )
            .header("authorization", AUTHORIZATION)
            .header("content-type", "application/json")
            .json_body(json!({
                "profile": {
                    "login": "ada@example.com",
                    "email": "ada@example.com",
                    "firstName": "Ada",
                    "lastName": "Lovelace",
                    "department": "Engines"
                },
                "credentials": {"password": {"value": "Tr0ub4dor&3"}}
            }));
            then.status(200).json_body(user_json("STAGED"));
        })
        .await;

    let mut profile = types::UserProfile {
        login: Some("ada@example.com".into()),
        email: Some("ada@example.com".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        mobile_phone: None,
        second_email: None,
        extra: Default::default(),
    };
    profile.extra.insert("department".into(), json!("Engines"));
    let credentials = types::UserCredentialsInput {
        password: Some(types::PasswordCredential {
            value: Some("Tr0ub4dor&3".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = client(&server)
        .create_user()
        .activate(false)
        .provider(false)
        .next_login(types::UserNextLogin::ChangePassword)
        .body(types::UserInput {
            profile: Some(profile),
            credentials: Some(credentials),
            ..Default::default()
        })
        .send()
        .await;

    mock.assert_async().await;
    let created = created.expect("create succeeds");
    assert_eq!(created.status, Some(types::UserStatus::Staged));
}

#[tokio::test]
async fn get_user_decodes_every_field() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v1/users/{USER_ID}"), &[])
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;

    let user = client(&server).get_user().user_id(USER_ID).send().await;

    mock.assert_async().await;
    assert_is_ada(&user.expect("get succeeds"));
}

/// `new_with_client` sends through the caller's own HTTP client as it is configured (its
/// default headers carry the credential here), and the answer and its errors decode as with
/// any other client.
#[tokio::test]
async fn a_client_of_your_own_sends_as_configured() {
    use reqwest::header::{HeaderMap, HeaderValue};

    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}");
    let found = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[])
                .header("authorization", "SSWS own-token")
                .header("x-team", "directory");
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users/nobody", &[]).header("x-team", "directory");
            then.status(404).json_body(json!({
                "errorCode": "E0000007",
                "errorSummary": "Not found: Resource not found: nobody (User)"
            }));
        })
        .await;
    let mut headers = HeaderMap::new();
    headers.insert("authorization", HeaderValue::from_static("SSWS own-token"));
    headers.insert("x-team", HeaderValue::from_static("directory"));
    let http = user_apis::runtime::http_client_builder()
        .expect("TLS set-up")
        .default_headers(headers)
        .build()
        .expect("an HTTP client");
    let client = Client::new_with_client(
        &server.base_url(),
        http,
        user_apis::runtime::Runtime::new(RetryPolicy::never()),
    );

    let user = client.get_user().user_id(USER_ID).send().await;
    let error = client.get_user().user_id("nobody").send().await;

    found.assert_async().await;
    missing.assert_async().await;
    assert_is_ada(&user.expect("get succeeds"));
    let error = error.expect_err("404");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    assert_eq!(
        error
            .error_body()
            .and_then(|body| body.error_code.as_deref()),
        Some("E0000007")
    );
}

/// Settings of the caller's own reach the HTTP client: here a proxy, which every request then
/// goes through (to a host that does not exist), with the configuration's own settings kept.
#[tokio::test]
async fn http_settings_of_your_own_apply() {
    let proxy = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}");
    let through_proxy = proxy
        .mock_async(|when, then| {
            exact(when, GET, &path, &[])
                .header("host", "example.okta.invalid")
                .header("authorization", "SSWS token")
                .header("accept", "application/json");
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;
    let proxy_url = proxy.base_url();
    let config = ClientConfig::new("http://example.okta.invalid")
        .retry(RetryPolicy::never())
        .http_settings(move |http| {
            http.proxy(reqwest::Proxy::http(&proxy_url).expect("a proxy URL"))
        });
    let client = Client::with_api_token(config, "token").expect("client");

    let user = client.get_user().user_id(USER_ID).send().await;

    through_proxy.assert_async().await;
    assert_is_ada(&user.expect("get succeeds"));
}

#[tokio::test]
async fn update_user_keeps_custom_profile_attributes() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}");
    server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[]);
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;
    // Only the writable parts go back: profile (custom attributes and nulls included) and
    // credentials without the read-only emails.
    let put = server
        .mock_async(|when, then| {
            exact(when, PUT, &path, &[("strict", "true")])
                .header("authorization", AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(json!({
                    "profile": {
                        "login": "ada@example.com",
                        "email": "ada@example.com",
                        "firstName": "Ada",
                        "lastName": "Lovelace",
                        "mobilePhone": "+1 555 0100",
                        "department": "Engines",
                        "costCenter": 1842
                    },
                    "credentials": {
                        "password": {},
                        "provider": {"type": "OKTA", "name": "OKTA"}
                    },
                    "type": {"id": USER_TYPE_ID}
                }));
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;

    let client = client(&server);
    let mut user = client
        .get_user()
        .user_id(USER_ID)
        .send()
        .await
        .expect("get")
        .into_inner();
    user.profile.as_mut().expect("profile").mobile_phone = Some("+1 555 0100".into());
    let updated = client
        .update_user()
        .user_id(USER_ID)
        .strict(true)
        .body(user)
        .send()
        .await;

    put.assert_async().await;
    assert_is_ada(&updated.expect("update succeeds"));
}

#[tokio::test]
async fn list_app_links_decodes_links() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v1/users/{USER_ID}/appLinks"),
                &[("showAll", "true")],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([{
                "id": "00ub0oNGTSWTBKOLGLNR",
                "label": "Analytics",
                "linkUrl": "https://x.okta.com/home/analytics/0oa1/123",
                "logoUrl": "https://x.okta.com/logo.png",
                "appName": "analytics",
                "appInstanceId": "0oa1",
                "appAssignmentId": "0ua1",
                "credentialsSetup": false,
                "hidden": true,
                "sortOrder": 3
            }]));
        })
        .await;

    let links = client(&server)
        .list_app_links()
        .user_id(USER_ID)
        .show_all(true)
        .send()
        .await;

    mock.assert_async().await;
    let links = links.expect("links");
    assert_eq!(links[0].label.as_deref(), Some("Analytics"));
    assert_eq!(links[0].hidden, Some(true));
    assert_eq!(links[0].sort_order, Some(3));
}

#[tokio::test]
async fn change_password_sends_both_passwords() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v1/users/{USER_ID}/credentials/change_password"),
                &[("strict", "true")],
            )
            .header("authorization", AUTHORIZATION)
            .json_body(json!({
                "oldPassword": {"value": "old-secret"},
                "newPassword": {"value": "new-secret"},
                "revokeSessions": true
            }));
            then.status(200).json_body(json!({
                "password": {},
                "recovery_question": {"question": "First pet?"},
                "provider": {"type": "OKTA", "name": "OKTA"}
            }));
        })
        .await;

    let request = types::ChangePasswordRequest {
        old_password: Some(types::PasswordCredential {
            value: Some("old-secret".into()),
            ..Default::default()
        }),
        new_password: Some(types::PasswordCredential {
            value: Some("new-secret".into()),
            ..Default::default()
        }),
        revoke_sessions: Some(true),
    };
    let shown = format!("{request:?}");
    assert!(
        !shown.contains("old-secret") && !shown.contains("new-secret"),
        "{shown}"
    );
    let credentials = client(&server)
        .change_password()
        .user_id(USER_ID)
        .strict(true)
        .body(request)
        .send()
        .await;

    mock.assert_async().await;
    let credentials = credentials.expect("change password").into_inner();
    assert_eq!(
        credentials
            .recovery_question
            .and_then(|q| q.question)
            .as_deref(),
        Some("First pet?")
    );
}

#[tokio::test]
async fn change_recovery_question_sends_question_and_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v1/users/{USER_ID}/credentials/change_recovery_question"),
                &[],
            )
            .header("authorization", AUTHORIZATION)
            .json_body(json!({
                "password": {"value": "current-secret"},
                "recovery_question": {"question": "First pet?", "answer": "Tortoise"}
            }));
            then.status(200).json_body(json!({
                "password": {},
                "recovery_question": {"question": "First pet?"}
            }));
        })
        .await;

    let credentials = client(&server)
        .change_recovery_question()
        .user_id(USER_ID)
        .body(types::UserCredentialsInput {
            password: Some(types::PasswordCredential {
                value: Some("current-secret".into()),
                ..Default::default()
            }),
            recovery_question: Some(types::RecoveryQuestionCredential {
                question: Some("First pet?".into()),
                answer: Some("Tortoise".into()),
            }),
            provider: None,
        })
        .send()
        .await;

    mock.assert_async().await;
    let question = credentials
        .expect("change question")
        .into_inner()
        .recovery_question;
    assert_eq!(
        question.and_then(|q| q.question).as_deref(),
        Some("First pet?")
    );
}

#[tokio::test]
async fn forgot_password_returns_the_link_when_not_emailed() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}/credentials/forgot_password");
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, &path, &[("sendEmail", "false")])
                .header("authorization", AUTHORIZATION)
                .header_missing("content-type")
                .body("");
            then.status(200)
                .json_body(json!({"resetPasswordUrl": "https://x.okta.com/reset/abc"}));
        })
        .await;

    let response = client(&server)
        .forgot_password()
        .user_id(USER_ID)
        .send_email(false)
        .send()
        .await;

    mock.assert_async().await;
    assert_eq!(
        response
            .expect("forgot")
            .reset_password_url
            .as_ref()
            .map(|url| url.expose()),
        Some("https://x.okta.com/reset/abc")
    );
}

#[tokio::test]
async fn forgot_password_with_the_recovery_answer_sends_it() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}/credentials/forgot_password");
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, &path, &[])
                .header("authorization", AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(json!({
                    "password": {"value": "brand-new"},
                    "recovery_question": {"answer": "Tortoise"}
                }));
            // With the answer and a new password, Okta sends the credentials back.
            then.status(200).json_body(json!({
                "password": {},
                "recovery_question": {"question": "First pet?"},
                "provider": {"type": "OKTA", "name": "OKTA"}
            }));
        })
        .await;

    let response = client(&server)
        .forgot_password()
        .user_id(USER_ID)
        .body(types::UserCredentialsInput {
            password: Some(types::PasswordCredential {
                value: Some("brand-new".into()),
                ..Default::default()
            }),
            recovery_question: Some(types::RecoveryQuestionCredential {
                question: None,
                answer: Some("Tortoise".into()),
            }),
            provider: None,
        })
        .send()
        .await;

    mock.assert_async().await;
    let answer = response.expect("forgot").into_inner();
    assert_eq!(answer.reset_password_url, None);
    assert_eq!(
        answer.recovery_question.and_then(|q| q.question).as_deref(),
        Some("First pet?")
    );
    assert_eq!(
        answer.provider.and_then(|p| p.type_),
        Some(types::AuthenticationProviderType::Okta)
    );
    assert_eq!(answer.password, Some(types::PasswordCredential::default()));
}

#[tokio::test]
async fn list_user_groups_decodes_groups() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v1/users/{USER_ID}/groups"),
                &[("after", "00g0"), ("limit", "2")],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200)
                .json_body(json!([group_json(GROUP_ID, "Everyone")]));
        })
        .await;

    let groups = client(&server)
        .list_user_groups()
        .user_id(USER_ID)
        .after("00g0")
        .limit(2)
        .send()
        .await;

    mock.assert_async().await;
    let group = &groups.expect("groups")[0];
    assert_eq!(group.type_, Some(types::GroupType::OktaGroup));
    let profile = group.profile.as_ref().expect("profile");
    assert_eq!(profile.name.as_deref(), Some("Everyone"));
    assert_eq!(profile.extra.get("owner"), Some(&json!("it")));
}

#[tokio::test]
async fn activate_user_returns_the_activation_link() {
    let server = MockServer::start_async().await;
    let activation = types::UserActivationToken {
        activation_url: Some("https://x.okta.com/welcome/XE6wE17zmphl3KqAPFxO".into()),
        activation_token: Some("XE6wE17zmphl3KqAPFxO".into()),
    };
    let mock = server.activate_user(|when, then| {
        let when = when.user_id(USER_ID).send_email(false).into_inner();
        query_count(when, 1).header("authorization", AUTHORIZATION);
        then.ok(&activation);
    });

    let token = client(&server)
        .activate_user()
        .user_id(USER_ID)
        .send_email(false)
        .send()
        .await;

    mock.assert_async().await;
    let token = token.expect("activate").into_inner();
    assert_eq!(token, activation);
    // The link and the token activate the account: `Debug` (a log line) shows neither.
    assert!(
        !format!("{token:?}").contains("XE6wE17zmphl3KqAPFxO"),
        "{token:?}"
    );
}

#[tokio::test]
async fn activate_user_requires_send_email() {
    let server = MockServer::start_async().await;
    let error = client(&server)
        .activate_user()
        .user_id(USER_ID)
        .send()
        .await
        .expect_err("sendEmail is required");
    let Error::InvalidRequest(message) = error else {
        panic!("expected a request error, got {error:?}")
    };
    assert_eq!(message, "send_email was not initialized");
}

#[tokio::test]
async fn expire_password_returns_a_redacted_temporary_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v1/users/{USER_ID}/lifecycle/expire_password"),
                &[("tempPassword", "true")],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200)
                .json_body(json!({"tempPassword": "HR076gb6"}));
        })
        .await;

    let temp = client(&server)
        .expire_password()
        .user_id(USER_ID)
        .temp_password(true)
        .send()
        .await;

    mock.assert_async().await;
    let temp = temp.expect("expire").into_inner();
    assert_eq!(
        temp.temp_password.as_ref().map(|p| p.expose()),
        Some("HR076gb6")
    );
    assert!(!format!("{temp:?}").contains("HR076gb6"));
    assert_eq!(temp.id, None);
}

/// Without `tempPassword`, Okta answers with the user, which decodes whole, also with the
/// timestamps, `transitioningToStatus` and a name that Okta sends as `null`.
#[tokio::test]
async fn expire_password_returns_the_user() {
    let server = MockServer::start_async().await;
    let mut user = user_json("PASSWORD_EXPIRED");
    user["activated"] = Value::Null;
    user["statusChanged"] = Value::Null;
    user["passwordChanged"] = Value::Null;
    user["transitioningToStatus"] = Value::Null;
    user["profile"]["lastName"] = Value::Null;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v1/users/{USER_ID}/lifecycle/expire_password"),
                &[],
            )
            .header("authorization", AUTHORIZATION)
            .body("");
            then.status(200).json_body(user);
        })
        .await;

    let expired = client(&server)
        .expire_password()
        .user_id(USER_ID)
        .send()
        .await;

    mock.assert_async().await;
    let expired = expired.expect("expire").into_inner();
    assert_eq!(expired.temp_password, None);
    assert_eq!(expired.id.as_deref(), Some(USER_ID));
    assert_eq!(expired.status, Some(types::UserStatus::PasswordExpired));
    assert_eq!(expired.activated, None);
    assert_eq!(expired.transitioning_to_status, None);
    let profile = expired.profile.expect("profile");
    assert_eq!(profile.first_name.as_deref(), Some("Ada"));
    assert_eq!(profile.last_name, None);
    assert_eq!(profile.extra.get("department"), Some(&json!("Engines")));
    assert_eq!(
        expired.type_.and_then(|t| t.id).as_deref(),
        Some(USER_TYPE_ID)
    );
}

#[tokio::test]
async fn reset_password_sends_provider_and_flag() {
    let server = MockServer::start_async().await;
    let reset = types::ResetPasswordToken {
        reset_password_url: Some("https://x.okta.com/reset/xyz".into()),
    };
    let mock = server.reset_password(|when, then| {
        let when = when
            .user_id(USER_ID)
            .provider(types::AuthenticationProviderType::Okta)
            .send_email(false)
            .into_inner();
        query_count(when, 2)
            .header("authorization", AUTHORIZATION)
            // What the typed setters stand for on the wire.
            .query_param("provider", "OKTA")
            .query_param("sendEmail", "false");
        then.ok(&reset);
    });

    let token = client(&server)
        .reset_password()
        .user_id(USER_ID)
        .provider(types::AuthenticationProviderType::Okta)
        .send_email(false)
        .send()
        .await;

    mock.assert_async().await;
    assert_eq!(token.expect("reset").into_inner(), reset);
}

#[tokio::test]
async fn list_assigned_roles_decodes_roles() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v1/users/{USER_ID}/roles"),
                &[("expand", "targets/groups")],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([{
                "id": ROLE_ID,
                "label": "Help Desk Administrator",
                "type": "HELP_DESK_ADMIN",
                "status": "ACTIVE",
                "assignmentType": "USER",
                "created": "2024-01-02T03:04:05.000Z",
                "lastUpdated": "2024-01-02T03:04:05.000Z",
                "_embedded": {"targets": {"groups": []}}
            }]));
        })
        .await;

    let roles = client(&server)
        .list_assigned_roles()
        .user_id(USER_ID)
        .expand("targets/groups")
        .send()
        .await;

    mock.assert_async().await;
    let role = &roles.expect("roles")[0];
    assert_eq!(role.type_, Some(types::RoleType::HelpDeskAdmin));
    assert_eq!(role.status, Some(types::RoleStatus::Active));
    assert!(role.embedded.contains_key("targets"));
}

#[tokio::test]
async fn add_role_to_user_sends_only_the_type() {
    let server = MockServer::start_async().await;
    let input = types::RoleInput {
        type_: Some(types::RoleType::UserAdmin),
        ..Default::default()
    };
    let role = types::Role {
        id: Some(ROLE_ID.to_string()),
        label: Some("User Administrator".to_string()),
        type_: Some(types::RoleType::UserAdmin),
        status: Some(types::RoleStatus::Active),
        ..Default::default()
    };
    let mock = server.add_role_to_user(|when, then| {
        let when = when.user_id(USER_ID).body(&input).into_inner();
        query_count(when, 0)
            .header("authorization", AUTHORIZATION)
            .header("content-type", "application/json")
            .json_body(json!({"type": "USER_ADMIN"}));
        then.created(&role);
    });

    let added = client(&server)
        .add_role_to_user()
        .user_id(USER_ID)
        .body(input.clone())
        .send()
        .await;

    mock.assert_async().await;
    let added = added.expect("add role");
    assert_eq!(added.status().as_u16(), 201);
    assert_eq!(added.into_inner(), role);
}

/// A custom role is assigned by its id and the resource set it applies to, sent as `role` and
/// `resource-set` beside `"type": "CUSTOM"`.
#[tokio::test]
async fn add_role_to_user_assigns_a_custom_role() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, &format!("/api/v1/users/{USER_ID}/roles"), &[])
                .header("authorization", AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(json!({
                    "type": "CUSTOM",
                    "role": "cr0a1b2c3d4e5f6g7h8",
                    "resource-set": "iam0a1b2c3d4e5f6g7h8"
                }));
            then.status(201).json_body(json!({
                "id": ROLE_ID,
                "label": "Directory auditors",
                "type": "CUSTOM",
                "status": "ACTIVE",
                "assignmentType": "USER",
                "role": "cr0a1b2c3d4e5f6g7h8",
                "resource-set": "iam0a1b2c3d4e5f6g7h8",
                "created": "2024-01-02T03:04:05.000Z",
                "lastUpdated": "2024-01-02T03:04:05.000Z"
            }));
        })
        .await;

    let added = client(&server)
        .add_role_to_user()
        .user_id(USER_ID)
        .body(types::RoleInput {
            type_: Some(types::RoleType::Custom),
            role: Some("cr0a1b2c3d4e5f6g7h8".into()),
            resource_set: Some("iam0a1b2c3d4e5f6g7h8".into()),
        })
        .send()
        .await;

    mock.assert_async().await;
    let added = added.expect("add custom role").into_inner();
    assert_eq!(added.type_, Some(types::RoleType::Custom));
    assert_eq!(added.role.as_deref(), Some("cr0a1b2c3d4e5f6g7h8"));
    assert_eq!(added.resource_set.as_deref(), Some("iam0a1b2c3d4e5f6g7h8"));
}

/// A user imported with the hash of the password they had elsewhere: the hash goes on the wire
/// with its parameters, and stays out of `Debug`.
#[tokio::test]
async fn create_user_imports_a_password_hash() {
    const HASH: &str = "Sd3tLzM5k6Ga2x0RP7Dd0Ab8iXjoYWrUtUmXQdpKW9a";
    const SALT: &str = "rwh3vH166HCH/NT9XV5FYu";
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v1/users", &[])
                .header("authorization", AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(json!({
                    "profile": {"login": "ada@example.com", "email": "ada@example.com"},
                    "credentials": {
                        "password": {
                            "hash": {
                                "algorithm": "BCRYPT",
                                "workFactor": 10,
                                "salt": SALT,
                                "value": HASH
                            }
                        }
                    }
                }));
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;

    let password = types::PasswordCredential {
        hash: Some(types::PasswordHash {
            algorithm: Some(types::PasswordHashAlgorithm::Bcrypt),
            work_factor: Some(10),
            salt: Some(SALT.into()),
            value: Some(HASH.into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let shown = format!("{password:?}");
    assert!(!shown.contains(HASH) && !shown.contains(SALT), "{shown}");
    let created = client(&server)
        .create_user()
        .body(types::UserInput {
            profile: Some(types::UserProfile {
                login: Some("ada@example.com".into()),
                email: Some("ada@example.com".into()),
                first_name: None,
                last_name: None,
                mobile_phone: None,
                second_email: None,
                extra: Default::default(),
            }),
            credentials: Some(types::UserCredentialsInput {
                password: Some(password),
                ..Default::default()
            }),
            ..Default::default()
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_is_ada(&created.expect("create"));
}

#[tokio::test]
async fn list_group_targets_for_role_decodes_groups() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v1/users/{USER_ID}/roles/{ROLE_ID}/targets/groups"),
                &[("limit", "20")],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200)
                .json_body(json!([group_json(GROUP_ID, "Support")]));
        })
        .await;

    let groups = client(&server)
        .list_group_targets_for_role()
        .user_id(USER_ID)
        .role_id(ROLE_ID)
        .limit(20)
        .send()
        .await;

    mock.assert_async().await;
    let groups = groups.expect("targets");
    assert_eq!(groups[0].id.as_deref(), Some(GROUP_ID));
}

type Sent<'a> =
    Pin<Box<dyn Future<Output = Result<ResponseValue<()>, Error<types::ApiError>>> + 'a>>;

/// One bodiless operation: the request it must send, and the call that sends it.
type Case<'a> = (Method, String, Vec<(&'static str, &'static str)>, Sent<'a>);

#[tokio::test]
async fn operations_without_a_body_accept_200_and_204() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let user = format!("/api/v1/users/{USER_ID}");
    let role = format!("{user}/roles/{ROLE_ID}");
    let target = format!("{role}/targets/groups/{GROUP_ID}");
    let cases: Vec<Case<'_>> = vec![
        (
            DELETE,
            user.clone(),
            vec![("sendEmail", "true")],
            Box::pin(
                client
                    .deactivate_or_delete_user()
                    .user_id(USER_ID)
                    .send_email(true)
                    .send(),
            ),
        ),
        (
            POST,
            format!("{user}/lifecycle/deactivate"),
            vec![("sendEmail", "false")],
            Box::pin(
                client
                    .deactivate_user()
                    .user_id(USER_ID)
                    .send_email(false)
                    .send(),
            ),
        ),
        (
            POST,
            format!("{user}/lifecycle/reset_factors"),
            vec![],
            Box::pin(client.reset_all_factors().user_id(USER_ID).send()),
        ),
        (
            POST,
            format!("{user}/lifecycle/suspend"),
            vec![],
            Box::pin(client.suspend_user().user_id(USER_ID).send()),
        ),
        (
            POST,
            format!("{user}/lifecycle/unlock"),
            vec![],
            Box::pin(client.unlock_user().user_id(USER_ID).send()),
        ),
        (
            POST,
            format!("{user}/lifecycle/unsuspend"),
            vec![],
            Box::pin(client.unsuspend_user().user_id(USER_ID).send()),
        ),
        (
            DELETE,
            role.clone(),
            vec![],
            Box::pin(
                client
                    .remove_role_from_user()
                    .user_id(USER_ID)
                    .role_id(ROLE_ID)
                    .send(),
            ),
        ),
        (
            PUT,
            target.clone(),
            vec![],
            Box::pin(
                client
                    .add_group_target_to_role()
                    .user_id(USER_ID)
                    .role_id(ROLE_ID)
                    .group_id(GROUP_ID)
                    .send(),
            ),
        ),
        (
            DELETE,
            target.clone(),
            vec![],
            Box::pin(
                client
                    .remove_group_target_from_role()
                    .user_id(USER_ID)
                    .role_id(ROLE_ID)
                    .group_id(GROUP_ID)
                    .send(),
            ),
        ),
        (
            DELETE,
            format!("{user}/sessions"),
            vec![("oauthTokens", "true")],
            Box::pin(
                client
                    .end_all_user_sessions()
                    .user_id(USER_ID)
                    .oauth_tokens(true)
                    .send(),
            ),
        ),
    ];

    for (index, (method, path, query, sent)) in cases.into_iter().enumerate() {
        // Alternate the two success statuses Okta uses for these operations.
        let status = if index % 2 == 0 { 204 } else { 200 };
        let label = format!("{method:?} {path}");
        let mock = server
            .mock_async(|when, then| {
                exact(when, method, &path, &query)
                    .header("authorization", AUTHORIZATION)
                    .body("");
                then.status(status);
            })
            .await;
        let response = sent.await;
        mock.assert_async().await;
        let response = response.unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(response.status().as_u16(), status, "{label}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn stream_follows_link_cursors_over_three_pages() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let first = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users", &[("limit", "2")])
                .header("authorization", AUTHORIZATION);
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}/api/v1/users?limit=2>; rel="self""#),
                )
                .header(
                    "link",
                    format!(r#"<{base}/api/v1/users?after=00u2&limit=2>; rel="next""#),
                )
                .json_body(json!([user_json("ACTIVE"), user_json("ACTIVE")]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v1/users",
                &[("after", "00u2"), ("limit", "2")],
            );
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}/api/v1/users?after=00u4&limit=2>; rel="next""#),
                )
                .json_body(json!([user_json("SUSPENDED"), user_json("SUSPENDED")]));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v1/users",
                &[("after", "00u4"), ("limit", "2")],
            );
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}/api/v1/users?after=00u4&limit=2>; rel="self""#),
                )
                .json_body(json!([user_json("STAGED")]));
        })
        .await;

    // One page at a time: each page is fetched only when the consumer reaches it.
    let client =
        Client::with_api_token(mock_config(&server).walk_concurrency(1), TOKEN).expect("client");
    let mut stream = client.list_users().limit(2).stream();
    let first_user = stream.next().await.expect("an item").expect("decoded");
    assert_eq!(first_user.status, Some(types::UserStatus::Active));
    assert_eq!(
        second.calls_async().await,
        0,
        "page 2 waits until it is needed"
    );
    let rest: Vec<types::User> = stream.try_collect().await.expect("every page");

    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(1).await;
    let statuses: Vec<_> = rest.into_iter().map(|u| u.status).collect();
    assert_eq!(
        statuses,
        [
            Some(types::UserStatus::Active),
            Some(types::UserStatus::Suspended),
            Some(types::UserStatus::Suspended),
            Some(types::UserStatus::Staged),
        ]
    );

    // An `after` cursor set on the builder is where the walk starts, to resume one.
    let resumed: Vec<types::User> = client
        .list_users()
        .limit(2)
        .after("00u2")
        .stream()
        .try_collect()
        .await
        .expect("pages 2 and 3");
    assert_eq!(resumed.len(), 3);
    first.assert_calls_async(1).await;
    second.assert_calls_async(2).await;
    third.assert_calls_async(2).await;
}

#[tokio::test]
async fn group_streams_follow_cursors_too() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let path = format!("/api/v1/users/{USER_ID}/roles/{ROLE_ID}/targets/groups");
    server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[]);
            then.status(200)
                .header("link", format!(r#"<{base}{path}?after=g1>; rel="next""#))
                .json_body(json!([group_json("g1", "One")]));
        })
        .await;
    server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[("after", "g1")]);
            then.status(200).json_body(json!([group_json("g2", "Two")]));
        })
        .await;
    server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v1/users/{USER_ID}/groups"), &[]);
            then.status(200)
                .json_body(json!([group_json("g3", "Three")]));
        })
        .await;

    let client = client(&server);
    let targets: Vec<types::Group> = client
        .list_group_targets_for_role()
        .user_id(USER_ID)
        .role_id(ROLE_ID)
        .stream()
        .try_collect()
        .await
        .expect("targets");
    let ids: Vec<_> = targets.iter().map(|g| g.id.as_deref()).collect();
    assert_eq!(ids, [Some("g1"), Some("g2")]);
    let groups: Vec<types::Group> = client
        .list_user_groups()
        .user_id(USER_ID)
        .stream()
        .try_collect()
        .await
        .expect("groups");
    assert_eq!(groups.len(), 1);
}

#[tokio::test]
async fn an_unknown_user_status_decodes_and_is_kept() {
    let server = MockServer::start_async().await;
    let mut body = user_json("PENDING_USER_ACTION");
    body["transitioningToStatus"] = json!("SOMETHING_NEW");
    // A field this client does not know is ignored.
    body["realmId"] = json!("guo1a2b3c4d5e6f7g8h9");
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/api/v1/users/{USER_ID}"));
            then.status(200).json_body(body);
        })
        .await;

    let user = client(&server)
        .get_user()
        .user_id(USER_ID)
        .send()
        .await
        .expect("decodes")
        .into_inner();

    assert_eq!(
        user.status,
        Some(types::UserStatus::Unknown("PENDING_USER_ACTION".into()))
    );
    assert_eq!(
        serde_json::to_value(&user.status).expect("serializes"),
        json!("PENDING_USER_ACTION")
    );
    assert_eq!(
        user.transitioning_to_status
            .map(|s| s.to_string())
            .as_deref(),
        Some("SOMETHING_NEW")
    );
}

#[tokio::test]
async fn okta_errors_are_typed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/users");
            then.status(400).json_body(json!({
                "errorCode": "E0000001",
                "errorSummary": "Api validation failed: login",
                "errorLink": "E0000001",
                "errorId": "oaeHfmOAx1iRLa0H10DeMz5fQ",
                "errorCauses": [{"errorSummary": "login: An object with this field already exists"}]
            }));
        })
        .await;

    let error = client(&server)
        .create_user()
        .body(types::UserInput::default())
        .send()
        .await
        .expect_err("400");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let Error::ErrorResponse(body) = error else {
        panic!("expected Okta's error, got {error:?}")
    };
    assert_eq!(body.error_code.as_deref(), Some("E0000001"));
    assert_eq!(body.error_id.as_deref(), Some("oaeHfmOAx1iRLa0H10DeMz5fQ"));
    assert_eq!(
        body.error_causes[0].error_summary.as_deref(),
        Some("login: An object with this field already exists")
    );
}

#[tokio::test]
async fn oauth_access_tokens_are_sent_as_bearer() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v1/users/{USER_ID}"), &[])
                .header("authorization", "Bearer eyJ.access.token");
            then.status(200).json_body(user_json("ACTIVE"));
        })
        .await;
    let config = ClientConfig::new(server.base_url()).retry(RetryPolicy::never());
    let client = Client::with_access_token(config, "eyJ.access.token").expect("client");

    let user = client.get_user().user_id(USER_ID).send().await;

    mock.assert_async().await;
    assert_is_ada(&user.expect("get"));
}
