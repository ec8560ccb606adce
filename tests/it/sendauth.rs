//! SendAuth: every operation's request on the wire and decoded response, plus errors, retries
//! of a `5xx`, timeouts and streams. What every provider does alike is tested over the provider
//! table (`providers.rs`).

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use httpmock::Method::{GET, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};
use user_apis::sendauth::mock::MockServerExt;
use user_apis::sendauth::{Client, Error, types};
use user_apis::{ClientConfig, RetryPolicy};
use user_apis_tests::{
    SENDAUTH_AUTHORIZATION, SENDAUTH_PASSWORD, SENDAUTH_USER, any_request, exact, fast_retries,
    mock_config, query_count,
};
use uuid::Uuid;

pub(crate) const USER_ID: &str = "7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f01";
pub(crate) const COMPANY_ID: &str = "0c4f1a2b-3d4e-4f50-8a61-72b3c4d5e6f7";

fn user_id() -> Uuid {
    USER_ID.parse().expect("valid uuid")
}

fn client(server: &MockServer) -> Client {
    Client::with_basic_auth(mock_config(server), SENDAUTH_USER, SENDAUTH_PASSWORD)
        .expect("valid client")
}

/// A user as the server sends it, read-only fields included.
fn user_json(first_name: &str) -> Value {
    json!({
        "id": USER_ID,
        "role": "admin",
        "username": "ada.lovelace",
        "firstName": first_name,
        "lastName": "Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
        "company": {
            "id": COMPANY_ID,
            "orgID": COMPANY_ID,
            "name": "Analytical Engines",
            "createdAt": "2024-01-02T03:04:05Z"
        },
        "permissions": ["users:read"],
        "groupPermissions": ["audits:read"],
        "permissionGroups": [COMPANY_ID],
        "messagingPreference": "sms",
        "hasPasskeys": true,
        "createdAt": "2024-01-02T03:04:05Z",
        "lastAuthenticated": "2024-06-07T08:09:10Z"
    })
}

/// A mock of one page of `list_users`: exactly `query`, answered with `rows` and `total`.
async fn users_page<'a>(
    server: &'a MockServer,
    query: &[(&str, &str)],
    rows: Vec<Value>,
    total: u64,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users", query)
                .header("authorization", SENDAUTH_AUTHORIZATION);
            then.status(200)
                .json_body(json!({"rows": rows, "total": total}));
        })
        .await
}

/// The writable part of [`user_json`]: what a create or update must send.
fn user_input_json(first_name: &str) -> Value {
    json!({
        "role": "admin",
        "firstName": first_name,
        "lastName": "Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
        "company": {"id": COMPANY_ID, "orgID": COMPANY_ID, "name": "Analytical Engines"},
        "permissions": ["users:read"],
        "groupPermissions": ["audits:read"],
        "permissionGroups": [COMPANY_ID],
        "messagingPreference": "sms"
    })
}

fn assert_is_ada(user: &types::User) {
    assert_eq!(user.id, Some(user_id()));
    assert_eq!(user.first_name, "Ada");
    assert_eq!(user.last_name, "Lovelace");
    assert_eq!(user.role, Some(types::Role::Admin));
    assert_eq!(
        user.messaging_preference,
        Some(types::MessagingPreference::Sms)
    );
    assert_eq!(user.has_passkeys, Some(true));
    assert_eq!(user.username.as_deref(), Some("ada.lovelace"));
    assert_eq!(
        user.created_at.map(|t| t.to_rfc3339()),
        Some("2024-01-02T03:04:05+00:00".to_string())
    );
    let company = user.company.as_ref().expect("company");
    assert_eq!(company.name.as_deref(), Some("Analytical Engines"));
    assert_eq!(
        user.permission_groups,
        vec![COMPANY_ID.parse::<Uuid>().expect("uuid")]
    );
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
                    ("page", "2"),
                    ("perPage", "50"),
                    ("q", "ada lovelace"),
                    ("permission", "users:read"),
                    ("sortBy", "lastName"),
                    ("sortDir", "desc"),
                ],
            )
            .header("authorization", SENDAUTH_AUTHORIZATION)
            .header("accept", "application/json")
            .header("user-agent", user_apis::runtime::DEFAULT_USER_AGENT)
            .header_missing("api-version");
            then.status(200)
                .json_body(json!({"rows": [user_json("Ada")], "total": 51}));
        })
        .await;

    let page = client(&server)
        .list_users()
        .page(2)
        .per_page(50)
        .q("ada lovelace")
        .permission("users:read")
        .sort_by("lastName")
        .sort_dir(types::SortDirection::Desc)
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("list succeeds");
    assert_eq!(page.status(), 200);
    assert_eq!(page.total, Some(51));
    assert_eq!(page.rows.len(), 1);
    assert_is_ada(&page.rows[0]);
}

#[tokio::test]
async fn create_user_sends_only_writable_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v1/users", &[])
                .header("authorization", SENDAUTH_AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(json!({
                    "firstName": "Ada",
                    "lastName": "Lovelace",
                    "email": "ada@example.com",
                    "role": "user",
                    "messagingPreference": "email"
                }));
            then.status(201).json_body(user_json("Ada"));
        })
        .await;

    let created = client(&server)
        .create_user()
        .body(
            types::UserInput::builder()
                .first_name("Ada")
                .last_name("Lovelace")
                .email("ada@example.com".to_string())
                .role(types::Role::User)
                .messaging_preference(types::MessagingPreference::Email),
        )
        .send()
        .await
        .expect("create succeeds");

    mock.assert_async().await;
    assert_eq!(created.status(), 201);
    assert_is_ada(&created);
}

#[tokio::test]
async fn list_deleted_users_pages() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v1/users/deleted",
                &[
                    ("page", "1"),
                    ("perPage", "10"),
                    ("q", "ada"),
                    ("permission", "admin"),
                ],
            )
            .header("authorization", SENDAUTH_AUTHORIZATION);
            then.status(200)
                .json_body(json!({"rows": [user_json("Ada")], "total": 1}));
        })
        .await;

    let page = client(&server)
        .list_deleted_users()
        .page(1)
        .per_page(10)
        .q("ada")
        .permission("admin")
        .send()
        .await
        .expect("list succeeds");

    mock.assert_async().await;
    assert_eq!(page.total, Some(1));
    assert_is_ada(&page.rows[0]);
}

/// A server written in Go sends an empty list as `null`: a page without rows, and a user
/// without permissions, decode as empty lists instead of failing the response.
#[tokio::test]
async fn null_lists_decode_as_empty() {
    let server = MockServer::start_async().await;
    let mut user = user_json("Ada");
    user["permissions"] = Value::Null;
    user["groupPermissions"] = Value::Null;
    user["permissionGroups"] = Value::Null;
    let empty = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users/deleted", &[]);
            then.status(200)
                .json_body(json!({"rows": null, "total": 0}));
        })
        .await;
    let one = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v1/users/{USER_ID}"), &[]);
            then.status(200).json_body(user);
        })
        .await;
    let client = client(&server);

    let page = client
        .list_deleted_users()
        .send()
        .await
        .expect("empty page");
    let user = client
        .get_user()
        .user_id(user_id())
        .send()
        .await
        .expect("user without permissions");

    empty.assert_async().await;
    one.assert_async().await;
    assert_eq!((page.rows.len(), page.total), (0, Some(0)));
    assert!(user.permissions.is_empty());
    assert!(user.group_permissions.is_empty());
    assert!(user.permission_groups.is_empty());
    assert_eq!(user.first_name, "Ada");
}

#[tokio::test]
async fn restore_and_destroy_deleted_users() {
    let server = MockServer::start_async().await;
    let restore = server.restore_user(|when, then| {
        query_count(when.user_id(&user_id()).into_inner(), 0)
            .header("authorization", SENDAUTH_AUTHORIZATION);
        then.ok();
    });
    let destroy = server.destroy_user(|when, then| {
        query_count(when.user_id(&user_id()).into_inner(), 0)
            .header("authorization", SENDAUTH_AUTHORIZATION);
        then.ok();
    });

    let client = client(&server);
    let restored = client
        .restore_user()
        .user_id(user_id())
        .send()
        .await
        .expect("restore");
    let destroyed = client
        .destroy_user()
        .user_id(user_id())
        .send()
        .await
        .expect("destroy");

    restore.assert_async().await;
    destroy.assert_async().await;
    assert_eq!(
        (restored.status().as_u16(), destroyed.status().as_u16()),
        (200, 200)
    );
}

#[tokio::test]
async fn get_user_decodes_every_field() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v1/users/{USER_ID}"), &[])
                .header("authorization", SENDAUTH_AUTHORIZATION);
            then.status(200).json_body(user_json("Ada"));
        })
        .await;

    let user = client(&server)
        .get_user()
        .user_id(user_id())
        .send()
        .await
        .expect("get");

    mock.assert_async().await;
    assert_is_ada(&user);
    assert_eq!(user.phone.as_deref(), Some("+44 20 7946 0000"));
    assert_eq!(user.permissions, vec!["users:read"]);
    assert_eq!(user.group_permissions, vec!["audits:read"]);
}

#[tokio::test]
async fn update_user_round_trips_a_read_user_without_read_only_fields() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}");
    let get = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[]);
            then.status(200).json_body(user_json("Ada"));
        })
        .await;
    let put = server
        .mock_async(|when, then| {
            exact(when, PUT, &path, &[])
                .header("authorization", SENDAUTH_AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(user_input_json("Augusta"));
            then.status(200).json_body(user_json("Augusta"));
        })
        .await;

    let client = client(&server);
    let mut user = client
        .get_user()
        .user_id(user_id())
        .send()
        .await
        .expect("get")
        .into_inner();
    user.first_name = "Augusta".to_string();
    let updated = client
        .update_user()
        .user_id(user_id())
        .body(user)
        .send()
        .await
        .expect("update");

    get.assert_async().await;
    put.assert_async().await;
    assert_eq!(updated.first_name, "Augusta");
}

#[tokio::test]
async fn delete_user() {
    let server = MockServer::start_async().await;
    let mock = server.delete_user(|when, then| {
        query_count(when.user_id(&user_id()).into_inner(), 0)
            .header("authorization", SENDAUTH_AUTHORIZATION);
        then.ok();
    });

    let response = client(&server)
        .delete_user()
        .user_id(user_id())
        .send()
        .await
        .expect("delete");

    mock.assert_async().await;
    assert_eq!(response.status(), 200);
}

/// Basic authentication sends the user name and password as UTF-8 (RFC 7617), so a password
/// outside ASCII signs in.
#[tokio::test]
async fn basic_auth_sends_a_non_ascii_password_as_utf8() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            // base64("zoë:pässwörd €") of its UTF-8 bytes.
            exact(when, GET, &format!("/api/v1/users/{USER_ID}"), &[])
                .header("authorization", "Basic em/Dqzpww6Rzc3fDtnJkIOKCrA==");
            then.status(200).json_body(user_json("Ada"));
        })
        .await;
    let client = Client::with_basic_auth(mock_config(&server), "zoë", "pässwörd €")
        .expect("any text but control characters can be sent");
    let user = client
        .get_user()
        .user_id(user_id())
        .send()
        .await
        .expect("get");
    mock.assert_async().await;
    assert_is_ada(&user);
}

#[tokio::test]
async fn get_user_audits_decodes_entries() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v1/users/{USER_ID}/audits"),
                &[("page", "3"), ("perPage", "20"), ("q", "login")],
            )
            .header("authorization", SENDAUTH_AUTHORIZATION);
            then.status(200).json_body(json!({
                "rows": [{
                    "subject": USER_ID,
                    "name": "Ada Lovelace",
                    "type": "user",
                    "actor": "admin@example.com",
                    "action": "login",
                    "extras": {"ip": "192.0.2.1"},
                    "created_at": "2024-06-07T08:09:10Z"
                }],
                "total": 41
            }));
        })
        .await;

    let page = client(&server)
        .get_user_audits()
        .user_id(user_id())
        .page(3)
        .per_page(20)
        .q("login")
        .send()
        .await
        .expect("audits");

    mock.assert_async().await;
    assert_eq!(page.total, Some(41));
    let entry = &page.rows[0];
    assert_eq!(entry.subject, Some(user_id()));
    assert_eq!(entry.type_.as_deref(), Some("user"));
    assert_eq!(entry.action.as_deref(), Some("login"));
    assert_eq!(
        entry.extras.get("ip").map(String::as_str),
        Some("192.0.2.1")
    );
}

#[tokio::test]
async fn get_user_transactions_decodes_states() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v1/users/{USER_ID}/transactions"),
                &[("page", "1"), ("perPage", "5"), ("q", "vpn")],
            )
            .header("authorization", SENDAUTH_AUTHORIZATION);
            then.status(200).json_body(json!({
                "rows": [{
                    "id": COMPANY_ID,
                    "subject": USER_ID,
                    "subjectName": "Ada Lovelace",
                    "state": "verified",
                    "completedAt": "2024-06-07T08:09:10Z",
                    "requestor": "vpn",
                    "context": "login",
                    "createdAt": "2024-06-07T08:09:00Z",
                    "expiresAt": "2024-06-07T08:14:00Z",
                    "message": "Approve VPN login",
                    "userMessage": "it was me"
                }],
                "total": 1
            }));
        })
        .await;

    let page = client(&server)
        .get_user_transactions()
        .user_id(user_id())
        .page(1)
        .per_page(5)
        .q("vpn")
        .send()
        .await
        .expect("transactions");

    mock.assert_async().await;
    let tx = &page.rows[0];
    assert_eq!(tx.state, Some(types::TransactionState::Verified));
    assert_eq!(tx.subject_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(tx.user_message.as_deref(), Some("it was me"));
    assert_eq!(
        tx.expires_at.map(|t| t.to_rfc3339()),
        Some("2024-06-07T08:14:00+00:00".to_string())
    );
}

#[tokio::test]
async fn register_user_opens_a_transaction() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v1/users/{USER_ID}/register"),
                &[],
            )
            .header("authorization", SENDAUTH_AUTHORIZATION)
            .body("");
            then.status(201).json_body(json!({"tx": COMPANY_ID}));
        })
        .await;

    let tx = client(&server)
        .register_user()
        .user_id(user_id())
        .send()
        .await
        .expect("register");

    mock.assert_async().await;
    assert_eq!(tx.status(), 201);
    assert_eq!(tx.tx, Some(COMPANY_ID.parse().expect("uuid")));
}

#[tokio::test]
async fn authenticate_user_sends_the_message() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v1/users/{USER_ID}/authenticate"),
                &[],
            )
            .header("authorization", SENDAUTH_AUTHORIZATION)
            .header("content-type", "application/json")
            .json_body(json!({"message": "Approve the VPN login", "connectwise": "T-42"}));
            then.status(201).json_body(json!({"tx": COMPANY_ID}));
        })
        .await;

    let tx = client(&server)
        .authenticate_user()
        .user_id(user_id())
        .body(
            types::WebTx::builder()
                .message("Approve the VPN login".to_string())
                .connectwise("T-42".to_string()),
        )
        .send()
        .await
        .expect("authenticate");

    mock.assert_async().await;
    assert_eq!(tx.tx, Some(COMPANY_ID.parse().expect("uuid")));
}

#[tokio::test]
async fn authenticate_user_without_a_message_sends_no_body() {
    let server = MockServer::start_async().await;
    let tx = types::Tx {
        tx: Some(COMPANY_ID.parse().expect("uuid")),
    };
    // `body(None)`: no body and no `Content-Type`.
    let mock = server.authenticate_user(|when, then| {
        query_count(when.user_id(&user_id()).body(None).into_inner(), 0)
            .header("authorization", SENDAUTH_AUTHORIZATION);
        then.created(&tx);
    });

    let sent = client(&server)
        .authenticate_user()
        .user_id(user_id())
        .send()
        .await;

    mock.assert_async().await;
    assert_eq!(sent.expect("authenticate").into_inner(), tx);
}

#[tokio::test]
async fn remove_user_passkey() {
    let server = MockServer::start_async().await;
    let mock = server.remove_user_passkey(|when, then| {
        query_count(when.user_id(&user_id()).into_inner(), 0)
            .header("authorization", SENDAUTH_AUTHORIZATION);
        then.ok();
    });

    let response = client(&server)
        .remove_user_passkey()
        .user_id(user_id())
        .send()
        .await
        .expect("remove passkey");

    mock.assert_async().await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn set_user_tags_sends_the_map() {
    let server = MockServer::start_async().await;
    let tags = types::TagsRequest {
        tags: [("team", "platform"), ("site", "LON")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let mock = server.set_user_tags(|when, then| {
        let when = when.user_id(&user_id()).body(&tags).into_inner();
        // The typed body is what `tags` serializes to; on the wire that is exactly this.
        query_count(when, 0)
            .header("authorization", SENDAUTH_AUTHORIZATION)
            .header("content-type", "application/json")
            .json_body(json!({"tags": {"team": "platform", "site": "LON"}}));
        then.ok();
    });

    let response = client(&server)
        .set_user_tags()
        .user_id(user_id())
        .body(tags.clone())
        .send()
        .await
        .expect("set tags");

    mock.assert_async().await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn not_found_is_a_typed_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/api/v1/users/{USER_ID}"));
            then.status(404)
                .json_body(json!({"error": "user not found", "details": ["no such id"]}));
        })
        .await;

    let error = client(&server)
        .get_user()
        .user_id(user_id())
        .send()
        .await
        .expect_err("404");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Error::ErrorResponse(body) = error else {
        panic!("expected a typed error, got {error:?}")
    };
    assert_eq!(body.error.as_deref(), Some("user not found"));
    assert_eq!(body.details, vec!["no such id"]);
}

#[tokio::test]
async fn unprocessable_is_a_typed_validation_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path(format!("/api/v1/users/{USER_ID}"));
            then.status(422).json_body(json!({
                "error": "invalid email",
                "field": "email",
                "value": "not-an-email"
            }));
        })
        .await;

    let error = client(&server)
        .update_user()
        .user_id(user_id())
        .body(
            types::UserInput::builder()
                .first_name("Ada")
                .last_name("Lovelace"),
        )
        .send()
        .await
        .expect_err("422");

    let Error::ErrorResponse(body) = error else {
        panic!("expected a typed error, got {error:?}")
    };
    assert_eq!(body.status(), 422);
    assert_eq!(body.field.as_deref(), Some("email"));
    assert_eq!(body.value.as_deref(), Some("not-an-email"));
}

#[tokio::test]
async fn unknown_enum_values_decode_and_are_sent_back_unchanged() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v1/users/{USER_ID}");
    let mut from_server = user_json("Ada");
    from_server["role"] = json!("auditor");
    from_server["messagingPreference"] = json!("carrier-pigeon");
    from_server["addedNextYear"] = json!({"a": 1});
    server
        .mock_async(|when, then| {
            when.method(GET).path(&path);
            then.status(200).json_body(from_server.clone());
        })
        .await;
    let mut expected_body = user_input_json("Ada");
    expected_body["role"] = json!("auditor");
    expected_body["messagingPreference"] = json!("carrier-pigeon");
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path(&path).json_body(expected_body);
            then.status(200).json_body(from_server.clone());
        })
        .await;

    let client = client(&server);
    let user = client
        .get_user()
        .user_id(user_id())
        .send()
        .await
        .expect("get")
        .into_inner();
    assert_eq!(user.role, Some(types::Role::Unknown("auditor".to_string())));
    assert_eq!(
        user.role.as_ref().map(ToString::to_string).as_deref(),
        Some("auditor")
    );
    assert_eq!(
        user.messaging_preference,
        Some(types::MessagingPreference::Unknown(
            "carrier-pigeon".to_string()
        ))
    );
    client
        .update_user()
        .user_id(user_id())
        .body(user)
        .send()
        .await
        .expect("update");
    put.assert_async().await;
}

#[tokio::test]
async fn a_malformed_body_is_an_error_not_a_panic() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"rows": [{"firstName": 7"#);
        })
        .await;

    let error = client(&server)
        .list_users()
        .send()
        .await
        .expect_err("malformed");

    let Error::InvalidResponse(invalid) = &error else {
        panic!("expected an invalid response, got {error:?}")
    };
    assert_eq!(invalid.operation, "list_users");
    assert_eq!(invalid.status.as_u16(), 200);
    assert_eq!(invalid.content_type.as_deref(), Some("application/json"));
    assert_eq!(invalid.body.as_ref(), br#"{"rows": [{"firstName": 7"#);
    assert!(matches!(
        invalid.cause,
        user_apis::runtime::InvalidResponseCause::Decode(_)
    ));
}

#[tokio::test]
async fn a_slow_server_ends_in_a_timeout_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users");
            then.status(200)
                .delay(Duration::from_secs(5))
                .json_body(json!({"rows": [], "total": 0}));
        })
        .await;
    let config = ClientConfig::new(server.base_url())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::never());
    let client = Client::with_basic_auth(config, SENDAUTH_USER, SENDAUTH_PASSWORD).expect("client");

    let error = client.list_users().send().await.expect_err("timeout");

    let Error::CommunicationError(inner) = &error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert!(inner.is_timeout(), "{inner:?}");
}

#[tokio::test]
async fn a_post_that_failed_with_5xx_is_not_repeated() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/users");
            then.status(503).body("overloaded");
        })
        .await;

    let error = client(&server)
        .create_user()
        .body(
            types::UserInput::builder()
                .first_name("Ada")
                .last_name("Lovelace"),
        )
        .send()
        .await
        .expect_err("503");

    failing.assert_calls_async(1).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));

    // The same status on a GET is retried up to the policy's attempts.
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users");
            then.status(503);
        })
        .await;
    let error = client(&server).list_users().send().await.expect_err("503");
    get.assert_calls_async(fast_retries().attempts() as usize)
        .await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn stream_walks_three_pages_lazily() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (page, names) in [
        (1, vec!["A1", "A2", "A3"]),
        (2, vec!["B1", "B2", "B3"]),
        (3, vec!["C1"]),
    ] {
        let rows = names.iter().map(|name| user_json(name)).collect();
        let page = page.to_string();
        let query = [("page", page.as_str()), ("perPage", "3"), ("q", "x")];
        // A stream's first request is the builder's own: no `page`.
        let query = &query[usize::from(page == "1")..];
        pages.push(users_page(&server, query, rows, 7).await);
    }

    // One page at a time: each page is fetched only when the consumer reaches it.
    let config = mock_config(&server).walk_concurrency(1);
    let client = Client::with_basic_auth(config, SENDAUTH_USER, SENDAUTH_PASSWORD).expect("client");
    let first_two: Vec<types::User> = client
        .list_users()
        .per_page(3)
        .q("x")
        .stream()
        .take(2)
        .try_collect()
        .await
        .expect("first page");
    assert_eq!(first_two.len(), 2);
    assert_eq!(pages[0].calls_async().await, 1);
    assert_eq!(
        pages[1].calls_async().await,
        0,
        "page 2 is not fetched before it is needed"
    );

    let names: Vec<String> = client
        .list_users()
        .per_page(3)
        .q("x")
        .stream()
        .map_ok(|user| user.first_name)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(names, ["A1", "A2", "A3", "B1", "B2", "B3", "C1"]);
    for page in &pages[1..] {
        page.assert_calls_async(1).await;
    }

    // A page set on the builder is where the walk starts, to resume one; with `per_page` it
    // counts the items before it and stops at `total`, asking for no page 4.
    let beyond = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users")
                .query_param("page", "4");
            then.status(200).json_body(json!({"rows": [], "total": 7}));
        })
        .await;
    let resumed: Vec<String> = client
        .list_users()
        .per_page(3)
        .q("x")
        .page(2)
        .stream()
        .map_ok(|user| user.first_name)
        .try_collect()
        .await
        .expect("pages 2 and 3");
    assert_eq!(resumed, ["B1", "B2", "B3", "C1"]);
    pages[0].assert_calls_async(2).await;
    for page in &pages[1..] {
        page.assert_calls_async(2).await;
    }
    beyond.assert_calls_async(0).await;
}

/// A resumed walk counts the items before its first page as the server served them: at most
/// 100 a page, whatever `per_page` asked, so it does not stop short of `total`.
#[tokio::test]
async fn a_stream_resumed_with_a_page_size_over_the_cap_reads_to_the_end() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    // 250 users, served 100 a page although 150 were asked for: page 2 holds 101 to 200.
    for (page, count) in [(2_u32, 100_usize), (3, 50)] {
        let rows = (0..count)
            .map(|i| user_json(&format!("P{page}-{i}")))
            .collect();
        let page = page.to_string();
        let query = [("page", page.as_str()), ("perPage", "150")];
        pages.push(users_page(&server, &query, rows, 250).await);
    }
    let users: Vec<types::User> = client(&server)
        .list_users()
        .per_page(150)
        .page(2)
        .stream()
        .try_collect()
        .await
        .expect("pages 2 and 3");
    assert_eq!(users.len(), 150);
    assert_eq!(users[149].first_name, "P3-49");
    for page in &pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_stream_resumed_without_a_page_size_ends_at_the_first_empty_page() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (page, names) in [(2, vec!["B1", "B2"]), (3, vec!["C1"]), (4, vec![])] {
        let rows = names.iter().map(|name| user_json(name)).collect();
        let page = page.to_string();
        pages.push(users_page(&server, &[("page", page.as_str())], rows, 5).await);
    }

    let names: Vec<String> = client(&server)
        .list_users()
        .page(2)
        .stream()
        .map_ok(|user| user.first_name)
        .try_collect()
        .await
        .expect("pages 2 to 4");

    // The two items before page 2 are unknown, so `total` (5) is never reached: page 4, empty,
    // ends the walk.
    assert_eq!(names, ["B1", "B2", "C1"]);
    for page in &pages {
        page.assert_calls_async(1).await;
    }
}

/// A walk resumed at the last page a `u64` can number ends after that page: there is no next
/// page to ask for, and the count does not wrap to page 0 (or panic).
#[tokio::test]
async fn a_stream_resumed_at_the_last_page_number_ends_there() {
    let server = MockServer::start_async().await;
    let last = u64::MAX.to_string();
    let page = users_page(
        &server,
        &[("page", last.as_str())],
        vec![user_json("Z1"), user_json("Z2")],
        5,
    )
    .await;
    let anything_else = any_request(&server, json!({"rows": [], "total": 0})).await;

    let names: Vec<String> = client(&server)
        .list_users()
        .page(u64::MAX)
        .stream()
        .map_ok(|user| user.first_name)
        .try_collect()
        .await
        .expect("the last page");

    assert_eq!(names, ["Z1", "Z2"]);
    page.assert_calls_async(1).await;
    anything_else.assert_calls_async(0).await;
}
