//! Mattermost: every operation's request on the wire and decoded response, plus the multipart
//! image upload, sign-in sessions, page streams and errors. What every provider does alike is
//! tested over the provider table (`providers.rs`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::{StreamExt, TryStreamExt};
use httpmock::Method::{self, DELETE, GET, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};
use user_apis::mattermost::mock::MockServerExt;
use user_apis::mattermost::{Client, Error, LoginError, ResponseValue, Session, types};
use user_apis_tests::{any_request, exact, mock_config, query_count};

pub(crate) const TOKEN: &str = "pat-9xq3mattermost";
pub(crate) const AUTHORIZATION: &str = "Bearer pat-9xq3mattermost";
pub(crate) const USER_ID: &str = "8ea5ycj1ptnp8k3x8qpdgkrd7c";
const OTHER_ID: &str = "wq1tz8umqfgp7by3rah5unr3oe";
const BOT_ID: &str = "4xp9fdt3pbbhddnxbqdgn9pbzr";
const TOKEN_ID: &str = "tk4jwob5pfyqmn9m9a3wsskaqh";
const CHANNEL_ID: &str = "gm9hky5xdtrudmgmgf6e9h3ueh";

fn client(server: &MockServer) -> Client {
    Client::with_token(mock_config(server), TOKEN).expect("valid client")
}

/// A user as Mattermost sends it, with fields this client does not know.
fn user_json(id: &str, username: &str) -> Value {
    json!({
        "id": id,
        "create_at": 1_700_000_000_000_i64,
        "update_at": 1_700_000_100_000_i64,
        "delete_at": 0,
        "username": username,
        "auth_data": "",
        "auth_service": "",
        "email": format!("{username}@example.com"),
        "email_verified": true,
        "nickname": "",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "position": "Engineer",
        "roles": "system_user",
        "locale": "en",
        "notify_props": {
            "email": "true",
            "push": "mention",
            "desktop": "all",
            "desktop_sound": "true",
            "mention_keys": "ada,@ada",
            "channel": "true",
            "first_name": "false",
            "auto_responder_active": "false"
        },
        "props": {"customStatus": "{\"emoji\":\"coffee\"}"},
        "last_password_update": 1_700_000_000_000_i64,
        "last_picture_update": 1_700_000_050_000_i64,
        "failed_attempts": 0,
        "mfa_active": false,
        "timezone": {
            "useAutomaticTimezone": "true",
            "automaticTimezone": "Europe/London",
            "manualTimezone": ""
        },
        "terms_of_service_id": "tos1",
        "terms_of_service_create_at": 1_700_000_000_500_i64,
        "is_bot": false,
        "disable_welcome_email": false
    })
}

fn assert_is_user(user: &types::User, id: &str, username: &str) {
    assert_eq!(user.id.as_deref(), Some(id));
    assert_eq!(user.username.as_deref(), Some(username));
    assert_eq!(user.create_at, Some(1_700_000_000_000));
    assert_eq!(user.delete_at, Some(0));
    assert_eq!(user.email_verified, Some(true));
    assert_eq!(user.position.as_deref(), Some("Engineer"));
    assert_eq!(user.roles.as_deref(), Some("system_user"));
    assert_eq!(user.failed_attempts, Some(0));
    let notify = user.notify_props.as_ref().expect("notify props");
    assert_eq!(notify.push.as_deref(), Some("mention"));
    assert_eq!(
        notify.extra.get("auto_responder_active"),
        Some(&json!("false"))
    );
    let timezone = user.timezone.as_ref().expect("timezone");
    assert_eq!(timezone.use_automatic_timezone.as_deref(), Some("true"));
    assert_eq!(
        timezone.automatic_timezone.as_deref(),
        Some("Europe/London")
    );
    assert_eq!(
        user.props.get("customStatus").map(String::as_str),
        Some("{\"emoji\":\"coffee\"}")
    );
    assert_eq!(user.terms_of_service_id.as_deref(), Some("tos1"));
}

fn app_error(id: &str, status: u16) -> Value {
    json!({
        "id": id,
        "message": "Something went wrong.",
        "detailed_error": "",
        "request_id": "rq5fm8bsaj8gtq6qdrn3d1gdxe",
        "status_code": status,
        "is_oauth": false
    })
}

fn token_info_json(id: &str) -> Value {
    json!({"id": id, "user_id": USER_ID, "description": "CI", "is_active": true})
}

#[tokio::test]
async fn list_users_sends_every_filter() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users",
                &[
                    ("page", "2"),
                    ("per_page", "100"),
                    ("in_team", "team1"),
                    ("not_in_team", "team2"),
                    ("in_channel", "chan1"),
                    ("not_in_channel", "chan2"),
                    ("in_group", "group1"),
                    ("group_constrained", "true"),
                    ("without_team", "false"),
                    ("active", "true"),
                    ("inactive", "false"),
                    ("role", "system_user"),
                    ("sort", "last_activity_at"),
                    ("roles", "system_admin,system_user"),
                    ("channel_roles", "channel_user"),
                    ("team_roles", "team_admin"),
                ],
            )
            .header("authorization", AUTHORIZATION)
            .header("accept", "application/json");
            then.status(200)
                .json_body(json!([user_json(USER_ID, "ada")]));
        })
        .await;

    let users = client(&server)
        .list_users()
        .page(2)
        .per_page(100)
        .in_team("team1")
        .not_in_team("team2")
        .in_channel("chan1")
        .not_in_channel("chan2")
        .in_group("group1")
        .group_constrained(true)
        .without_team(false)
        .active(true)
        .inactive(false)
        .role("system_user")
        .sort("last_activity_at")
        .roles("system_admin,system_user")
        .channel_roles("channel_user")
        .team_roles("team_admin")
        .send()
        .await;

    mock.assert_async().await;
    let users = users.expect("list succeeds");
    assert_eq!(users.len(), 1);
    assert_is_user(&users[0], USER_ID, "ada");
}

#[tokio::test]
async fn create_user_sends_the_new_account_and_invitation() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                "/api/v4/users",
                &[("t", "invite-token"), ("iid", "invite-id")],
            )
            .header("authorization", AUTHORIZATION)
            .header("content-type", "application/json")
            .json_body(json!({
                "email": "ada@example.com",
                "username": "ada",
                "first_name": "Ada",
                "password": "Tr0ub4dor&3",
                "locale": "en",
                "props": {"team": "engines"},
                "notify_props": {"email": "true", "auto_responder_message": "Away"}
            }));
            then.status(201).json_body(user_json(USER_ID, "ada"));
        })
        .await;

    let mut notify = types::UserNotifyProps {
        email: Some("true".into()),
        push: None,
        desktop: None,
        desktop_sound: None,
        mention_keys: None,
        channel: None,
        first_name: None,
        extra: serde_json::Map::new(),
    };
    notify
        .extra
        .insert("auto_responder_message".into(), json!("Away"));
    let props = [("team".to_string(), "engines".to_string())].into();
    let new_user = types::NewUser {
        email: "ada@example.com".into(),
        username: "ada".into(),
        first_name: Some("Ada".into()),
        password: Some("Tr0ub4dor&3".into()),
        locale: Some("en".into()),
        props,
        notify_props: Some(notify),
        auth_data: None,
        auth_service: None,
        last_name: None,
        nickname: None,
    };
    assert!(!format!("{new_user:?}").contains("Tr0ub4dor"));
    let created = client(&server)
        .create_user()
        .t("invite-token")
        .iid("invite-id")
        .body(new_user)
        .send()
        .await;

    mock.assert_async().await;
    let created = created.expect("create succeeds");
    assert_eq!(created.status().as_u16(), 201);
    assert_is_user(&created, USER_ID, "ada");
}

#[tokio::test]
async fn users_by_ids_and_usernames_send_arrays() {
    let server = MockServer::start_async().await;
    let by_ids = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                "/api/v4/users/ids",
                &[("since", "1700000000000")],
            )
            .header("authorization", AUTHORIZATION)
            .json_body(json!([USER_ID, OTHER_ID]));
            then.status(200).json_body(json!([
                user_json(USER_ID, "ada"),
                user_json(OTHER_ID, "grace")
            ]));
        })
        .await;
    let by_names = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/usernames", &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!(["ada", "grace"]));
            then.status(200)
                .json_body(json!([user_json(USER_ID, "ada")]));
        })
        .await;

    let client = client(&server);
    let users = client
        .get_users_by_ids()
        .since(1_700_000_000_000)
        .body(vec![USER_ID.to_string(), OTHER_ID.to_string()])
        .send()
        .await
        .expect("by ids");
    let named = client
        .get_users_by_usernames()
        .body(vec!["ada".to_string(), "grace".to_string()])
        .send()
        .await
        .expect("by usernames");

    by_ids.assert_async().await;
    by_names.assert_async().await;
    assert_is_user(&users[1], OTHER_ID, "grace");
    assert_is_user(&named[0], USER_ID, "ada");
}

#[tokio::test]
async fn users_by_group_channels_is_a_map_of_channel_to_members() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/group_channels", &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!([CHANNEL_ID, "other-gm"]));
            then.status(200).json_body(json!({
                (CHANNEL_ID): [user_json(USER_ID, "ada"), user_json(OTHER_ID, "grace")],
                "other-gm": []
            }));
        })
        .await;

    let members = client(&server)
        .get_users_by_group_channel_ids()
        .body(vec![CHANNEL_ID.to_string(), "other-gm".to_string()])
        .send()
        .await;

    mock.assert_async().await;
    let members = members.expect("group channels").into_inner();
    let map: &HashMap<String, Vec<types::User>> = &members;
    assert_eq!(map.len(), 2);
    assert_is_user(&map[CHANNEL_ID][1], OTHER_ID, "grace");
    assert!(map["other-gm"].is_empty());
}

#[tokio::test]
async fn search_users_sends_the_whole_search() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/search", &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!({
                    "term": "ada",
                    "team_id": "team1",
                    "not_in_team_id": "team2",
                    "in_channel_id": "chan1",
                    "not_in_channel_id": "chan2",
                    "in_group_id": "group1",
                    "group_constrained": true,
                    "allow_inactive": true,
                    "without_team": false,
                    "limit": 50
                }));
            then.status(200)
                .json_body(json!([user_json(USER_ID, "ada")]));
        })
        .await;

    let users = client(&server)
        .search_users()
        .body(types::UserSearch {
            term: "ada".into(),
            team_id: Some("team1".into()),
            not_in_team_id: Some("team2".into()),
            in_channel_id: Some("chan1".into()),
            not_in_channel_id: Some("chan2".into()),
            in_group_id: Some("group1".into()),
            group_constrained: Some(true),
            allow_inactive: Some(true),
            without_team: Some(false),
            limit: Some(50),
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_is_user(&users.expect("search")[0], USER_ID, "ada");
}

#[tokio::test]
async fn autocomplete_users_splits_channel_and_team_matches() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/autocomplete",
                &[
                    ("name", "ad"),
                    // The server's names, which `team_id` and `channel_id` stand for.
                    ("in_team", "team1"),
                    ("in_channel", "chan1"),
                    ("limit", "25"),
                ],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!({
                "users": [user_json(USER_ID, "ada")],
                "out_of_channel": [user_json(OTHER_ID, "adam")]
            }));
        })
        .await;

    let matches = client(&server)
        .autocomplete_users()
        .name("ad")
        .team_id("team1")
        .channel_id("chan1")
        .limit(25)
        .send()
        .await;

    mock.assert_async().await;
    let matches = matches.expect("autocomplete");
    assert_is_user(&matches.users[0], USER_ID, "ada");
    assert_is_user(&matches.out_of_channel[0], OTHER_ID, "adam");
}

/// The server's `users` list has no `omitempty`, so a nil list (a Go server's empty one) goes
/// out as `null`: it decodes as an empty list.
#[tokio::test]
async fn autocomplete_without_matches_decodes_null_lists_as_empty() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/autocomplete",
                &[("name", "zz"), ("in_team", "team1")],
            );
            then.status(200)
                .json_body(json!({"users": null, "out_of_channel": null}));
        })
        .await;

    let matches = client(&server)
        .autocomplete_users()
        .name("zz")
        .team_id("team1")
        .send()
        .await;

    mock.assert_async().await;
    let matches = matches.expect("autocomplete");
    assert!(matches.users.is_empty());
    assert!(matches.out_of_channel.is_empty());
}

#[tokio::test]
async fn known_users_are_an_array_of_ids() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/known", &[]).header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([USER_ID, OTHER_ID]));
        })
        .await;

    let known = client(&server).list_known_users().send().await;

    mock.assert_async().await;
    assert_eq!(known.expect("known").into_inner(), vec![USER_ID, OTHER_ID]);
}

#[tokio::test]
async fn user_counts_plain_and_filtered() {
    let server = MockServer::start_async().await;
    let total = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/stats", &[]).header("authorization", AUTHORIZATION);
            then.status(200)
                .json_body(json!({"total_users_count": 1234}));
        })
        .await;
    let filtered = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/stats/filtered",
                &[
                    ("in_team", "team1"),
                    ("in_channel", "chan1"),
                    ("include_deleted", "true"),
                    ("include_bots", "false"),
                    ("roles", "system_user"),
                    ("channel_roles", "channel_admin"),
                    ("team_roles", "team_user"),
                ],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!({"total_users_count": 7}));
        })
        .await;

    let client = client(&server);
    let all = client.get_total_users_stats().send().await.expect("stats");
    let some = client
        .get_total_users_stats_filtered()
        .in_team("team1")
        .in_channel("chan1")
        .include_deleted(true)
        .include_bots(false)
        .roles("system_user")
        .channel_roles("channel_admin")
        .team_roles("team_user")
        .send()
        .await
        .expect("filtered stats");

    total.assert_async().await;
    filtered.assert_async().await;
    assert_eq!(all.total_users_count, Some(1234));
    assert_eq!(some.total_users_count, Some(7));
}

#[tokio::test]
async fn single_users_by_id_username_and_email() {
    let server = MockServer::start_async().await;
    let ada: types::User = serde_json::from_value(user_json(USER_ID, "ada")).expect("a user");
    let authenticated = |when: httpmock::When| {
        query_count(when, 0)
            .header("authorization", AUTHORIZATION)
            .header("accept", "application/json");
    };
    let mocks = [
        server.get_user(|when, then| {
            authenticated(when.user_id(USER_ID).into_inner());
            then.ok(&ada);
        }),
        server.get_user_by_username(|when, then| {
            authenticated(when.username("ada").into_inner());
            then.ok(&ada);
        }),
        server.get_user_by_email(|when, then| {
            authenticated(when.email("ada@example.com").into_inner());
            then.ok(&ada);
        }),
    ];

    let client = client(&server);
    let by_id = client.get_user().user_id(USER_ID).send().await;
    let by_name = client.get_user_by_username().username("ada").send().await;
    let by_email = client
        .get_user_by_email()
        .email("ada@example.com")
        .send()
        .await;

    for mock in &mocks {
        mock.assert_async().await;
    }
    for user in [by_id, by_name, by_email] {
        assert_is_user(&user.expect("get"), USER_ID, "ada");
    }
}

#[tokio::test]
async fn update_user_sends_back_only_the_writable_fields() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v4/users/{USER_ID}");
    server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[]);
            then.status(200).json_body(user_json(USER_ID, "ada"));
        })
        .await;
    let put = server
        .mock_async(|when, then| {
            exact(when, PUT, &path, &[])
                .header("authorization", AUTHORIZATION)
                .header("content-type", "application/json")
                .json_body(json!({
                    "id": USER_ID,
                    "username": "ada",
                    "email": "ada@example.com",
                    "nickname": "Countess",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "position": "Engineer",
                    "locale": "en",
                    "notify_props": {
                        "email": "true",
                        "push": "mention",
                        "desktop": "all",
                        "desktop_sound": "true",
                        "mention_keys": "ada,@ada",
                        "channel": "true",
                        "first_name": "false",
                        "auto_responder_active": "false"
                    },
                    "props": {"customStatus": "{\"emoji\":\"coffee\"}"},
                    "timezone": {
                        "useAutomaticTimezone": "true",
                        "automaticTimezone": "Europe/London",
                        "manualTimezone": ""
                    }
                }));
            then.status(200).json_body(user_json(USER_ID, "ada"));
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
    user.nickname = Some("Countess".into());
    let updated = client
        .update_user()
        .user_id(USER_ID)
        .body(user)
        .send()
        .await;

    put.assert_async().await;
    assert_is_user(&updated.expect("update"), USER_ID, "ada");
}

#[tokio::test]
async fn patch_user_sends_only_the_patch() {
    let server = MockServer::start_async().await;
    let patch = types::UserPatch {
        nickname: Some("Countess".into()),
        position: Some("Analyst".into()),
        ..Default::default()
    };
    let ada: types::User = serde_json::from_value(user_json(USER_ID, "ada")).expect("a user");
    let mock = server.patch_user(|when, then| {
        let when = when.user_id(USER_ID).body(&patch).into_inner();
        query_count(when, 0)
            .header("authorization", AUTHORIZATION)
            .json_body(json!({"nickname": "Countess", "position": "Analyst"}));
        then.ok(&ada);
    });

    let patched = client(&server)
        .patch_user()
        .user_id(USER_ID)
        .body(patch.clone())
        .send()
        .await;

    mock.assert_async().await;
    assert_is_user(&patched.expect("patch"), USER_ID, "ada");
}

/// `send_image` reads an image whole, so it stops at the client's `max_body_size`: a hostile
/// server cannot make it buffer without end.
#[tokio::test]
async fn an_image_longer_than_the_body_limit_is_refused() {
    let server = MockServer::start_async().await;
    let png = |size: usize| {
        let mut bytes = b"\x89PNG".to_vec();
        bytes.resize(size, 7);
        bytes
    };
    for (user, size) in [("u-at-limit", 1024), ("u-over", 1025)] {
        let body = png(size);
        server.get_profile_image(|when, then| {
            when.user_id(user);
            then.ok(&body, "image/png");
        });
    }
    let client =
        Client::with_token(mock_config(&server).max_body_size(1024), TOKEN).expect("valid client");

    let image = client
        .get_profile_image()
        .user_id("u-at-limit")
        .send_image()
        .await
        .expect("an image of exactly the limit");
    assert_eq!(image.bytes, png(1024));

    let error = client
        .get_profile_image()
        .user_id("u-over")
        .send_image()
        .await
        .expect_err("one byte over the limit");
    let Error::InvalidResponse(invalid) = &error else {
        panic!("{error:?}");
    };
    assert!(
        matches!(
            invalid.cause,
            user_apis::runtime::InvalidResponseCause::TooLarge { limit: 1024 }
        ),
        "{error:?}"
    );
    assert_eq!(invalid.operation, "get_profile_image");
    assert_eq!(invalid.status.as_u16(), 200);
    assert_eq!(invalid.content_type.as_deref(), Some("image/png"));
    assert!(invalid.body.starts_with(b"\x89PNG"), "{error:?}");
}

#[tokio::test]
async fn images_come_back_as_bytes_with_their_content_type() {
    let server = MockServer::start_async().await;
    let png: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff];
    let jpeg: Vec<u8> = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    let image = server.get_profile_image(|when, then| {
        // `update_time` is the `_` query parameter, on the mock as on the client.
        let when = when
            .user_id(USER_ID)
            .update_time(1_700_000_050_000)
            .into_inner();
        // Bytes are asked for as such, not with the client's default `application/json`.
        query_count(when, 1)
            .query_param("_", "1700000050000")
            .header("authorization", AUTHORIZATION)
            .header("accept", "*/*");
        then.ok(&jpeg, "image/jpeg");
    });
    let default = server.get_default_profile_image(|when, then| {
        query_count(when.user_id(USER_ID).into_inner(), 0).header("authorization", AUTHORIZATION);
        then.ok(&png, "image/png");
    });

    let client = client(&server);
    let custom = client
        .get_profile_image()
        .user_id(USER_ID)
        .update_time(1_700_000_050_000)
        .send_image()
        .await
        .expect("image");
    let generated = client
        .get_default_profile_image()
        .user_id(USER_ID)
        .send_image()
        .await
        .expect("default image");

    image.assert_async().await;
    default.assert_async().await;
    assert_eq!(custom.status().as_u16(), 200);
    assert_eq!(custom.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(custom.bytes, jpeg);
    assert_eq!(generated.content_type.as_deref(), Some("image/png"));
    assert_eq!(generated.bytes, png);
    assert_eq!(
        format!("{:?}", generated.into_inner()),
        r#"Image { content_type: Some("image/png"), bytes: [10 bytes] }"#
    );
}

/// The exact `multipart/form-data` body of a one-part upload, for a given boundary.
fn multipart(boundary: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// Matches an upload whose only part is `image` with exactly this file name, type and bytes.
fn is_upload(
    file_name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
) -> impl Fn(&httpmock::HttpMockRequest) -> bool + Send + Sync + 'static {
    move |request| {
        let headers = request.headers();
        let Some(boundary) = headers
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("multipart/form-data; boundary="))
        else {
            return false;
        };
        request.body_ref() == multipart(boundary, file_name, content_type, bytes).as_slice()
    }
}

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xfe,
];

#[tokio::test]
async fn set_profile_image_uploads_one_multipart_file() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, &format!("/api/v4/users/{USER_ID}/image"), &[])
                .header("authorization", AUTHORIZATION)
                .header("accept", "application/json")
                .is_true(is_upload("me.png", "image/png", PNG));
            then.status(200).json_body(json!({"status": "OK"}));
        })
        .await;

    let client = client(&server);
    let builder = client
        .set_profile_image()
        .user_id(USER_ID)
        .image(PNG, "me.png", "image/png");
    assert!(format!("{builder:?}").contains(r#"image: Some("\"me.png\" (image/png, 11 bytes)")"#));
    let done = builder.send().await;

    mock.assert_async().await;
    assert_eq!(done.expect("upload").status.as_deref(), Some("OK"));
}

#[tokio::test]
async fn a_rate_limited_upload_is_sent_again_whole() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v4/users/{USER_ID}/image");
    let limited = server
        .mock_async(|when, then| {
            exact(when, POST, &path, &[]).is_true(is_upload("me.png", "image/png", PNG));
            then.status(429)
                .header("retry-after", "0")
                .body("limit exceeded\n")
                .up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            exact(when, POST, &path, &[]).is_true(is_upload("me.png", "image/png", PNG));
            then.status(200).json_body(json!({"status": "OK"}));
        })
        .await;

    let done = client(&server)
        .set_profile_image()
        .user_id(USER_ID)
        .image(PNG.to_vec(), "me.png", "image/png")
        .send()
        .await;

    limited.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
    assert_eq!(done.expect("upload").status.as_deref(), Some("OK"));
}

#[tokio::test]
async fn upload_errors_are_typed_and_bad_input_never_reaches_the_server() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(413).json_body(app_error(
                "api.user.upload_profile_user.too_large.app_error",
                413,
            ));
        })
        .await;
    let client = client(&server);

    let error = client
        .set_profile_image()
        .user_id(USER_ID)
        .image(PNG, "huge.png", "image/png")
        .send()
        .await
        .expect_err("413");
    let Error::ErrorResponse(body) = error else {
        panic!("expected Mattermost's error, got {error:?}")
    };
    assert_eq!(body.status().as_u16(), 413);
    assert_eq!(
        body.id.as_deref(),
        Some("api.user.upload_profile_user.too_large.app_error")
    );

    for (builder, expected) in [
        (
            client.set_profile_image().image(PNG, "me.png", "image/png"),
            "user_id was not initialized",
        ),
        (
            client.set_profile_image().user_id("me"),
            "image was not initialized",
        ),
        (
            client
                .set_profile_image()
                .user_id("me")
                .image(PNG, "me.png", "not a type"),
            "\"not a type\" is not a media type",
        ),
    ] {
        match builder.send().await {
            Err(Error::InvalidRequest(message)) => assert_eq!(message, expected),
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn generate_mfa_secret_keeps_the_secret_out_of_debug() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v4/users/{USER_ID}/mfa/generate"),
                &[],
            )
            .header("authorization", AUTHORIZATION)
            .body("");
            then.status(200)
                .json_body(json!({"secret": "JBSWY3DPEHPK3PXP", "qr_code": "iVBORw0KGgo="}));
        })
        .await;

    let secret = client(&server)
        .generate_mfa_secret()
        .user_id(USER_ID)
        .send()
        .await;

    mock.assert_async().await;
    let secret = secret.expect("secret").into_inner();
    assert_eq!(
        secret.secret.as_ref().map(|s| s.expose()),
        Some("JBSWY3DPEHPK3PXP")
    );
    assert_eq!(
        secret.qr_code.as_ref().map(|code| code.expose()),
        Some("iVBORw0KGgo=")
    );
    // The QR code holds the secret too.
    let shown = format!("{secret:?}");
    assert!(
        !shown.contains("JBSWY3DPEHPK3PXP") && !shown.contains("iVBORw0KGgo="),
        "{shown}"
    );
}

/// Servers installed at 6.0 or later turn the MFA check off (`DisableLegacyMFA`) and answer
/// with Go's plain-text not-found page, which is not an `AppError`.
#[tokio::test]
async fn check_user_mfa_turned_off_is_an_unexpected_404_that_reads_as_sent() {
    let server = MockServer::start_async().await;
    let mfa = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/mfa", &[])
                .json_body(json!({"login_id": "ada@example.com"}));
            then.status(404)
                .header("content-type", "text/plain; charset=utf-8")
                .body("404 page not found\n");
        })
        .await;

    let error = Client::without_auth(mock_config(&server))
        .expect("client")
        .check_user_mfa()
        .body(types::LoginId {
            login_id: "ada@example.com".into(),
        })
        .send()
        .await
        .expect_err("the check is off");

    mfa.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Error::UnexpectedResponse(response) = error else {
        panic!("a plain-text 404 is not an AppError: {error:?}");
    };
    assert_eq!(
        response
            .into_response()
            .text()
            .await
            .expect("the body reads"),
        "404 page not found\n"
    );
}

#[tokio::test]
async fn check_user_mfa_and_switch_account_type() {
    let server = MockServer::start_async().await;
    let mfa = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/mfa", &[])
                .json_body(json!({"login_id": "ada@example.com"}));
            then.status(200).json_body(json!({"mfa_required": true}));
        })
        .await;
    let switch = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/login/switch", &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!({
                    "current_service": "email",
                    "new_service": "gitlab",
                    "email": "ada@example.com",
                    "password": "pw-now",
                    "mfa_code": "123456"
                }));
            then.status(200)
                .json_body(json!({"follow_link": "https://gitlab.example.com/oauth"}));
        })
        .await;

    let anonymous = Client::without_auth(mock_config(&server)).expect("client");
    let needed = anonymous
        .check_user_mfa()
        .body(types::LoginId {
            login_id: "ada@example.com".into(),
        })
        .send()
        .await
        .expect("mfa check");
    let link = client(&server)
        .switch_account_type()
        .body(types::AccountSwitch {
            current_service: "email".into(),
            new_service: "gitlab".into(),
            email: Some("ada@example.com".into()),
            password: Some("pw-now".into()),
            mfa_code: Some("123456".into()),
            new_password: None,
            ldap_id: None,
        })
        .send()
        .await
        .expect("switch");

    mfa.assert_async().await;
    switch.assert_async().await;
    assert_eq!(needed.mfa_required, Some(true));
    assert_eq!(
        link.follow_link.as_deref(),
        Some("https://gitlab.example.com/oauth")
    );
    // The anonymous client sent no credential.
    let unauthenticated = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/users/mfa")
                .header_missing("authorization");
            then.status(200).json_body(json!({"mfa_required": false}));
        })
        .await;
    mfa.delete_async().await;
    anonymous
        .check_user_mfa()
        .body(types::LoginId {
            login_id: "x".into(),
        })
        .send()
        .await
        .expect("mfa check");
    unauthenticated.assert_async().await;
}

#[tokio::test]
async fn sessions_and_audits_decode() {
    let server = MockServer::start_async().await;
    let sessions = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v4/users/{USER_ID}/sessions"), &[])
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([{
                "id": "sess1",
                "token": "leaked-session-token",
                "create_at": 1_700_000_000_000_i64,
                "expires_at": 1_702_592_000_000_i64,
                "last_activity_at": 1_700_000_900_000_i64,
                "user_id": USER_ID,
                "device_id": "apple:abc",
                "roles": "system_user",
                "is_oauth": false,
                "props": {"os": "Linux", "browser": "Firefox/120.0"},
                "team_members": [{
                    "team_id": "team1", "user_id": USER_ID, "roles": "team_user",
                    "delete_at": 0, "scheme_user": true, "scheme_admin": false,
                    "explicit_roles": ""
                }],
                "local": false
            }]));
        })
        .await;
    let audits = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v4/users/{USER_ID}/audits"), &[])
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([{
                "id": "aud1",
                "create_at": 1_700_000_000_000_i64,
                "user_id": USER_ID,
                "action": "/api/v4/users/login",
                "extra_info": "success session_user=ada",
                "ip_address": "203.0.113.7",
                "session_id": "sess1"
            }]));
        })
        .await;

    let client = client(&server);
    let list = client
        .list_sessions()
        .user_id(USER_ID)
        .send()
        .await
        .expect("sessions");
    let records = client
        .list_user_audits()
        .user_id(USER_ID)
        .send()
        .await
        .expect("audits");

    sessions.assert_async().await;
    audits.assert_async().await;
    let session = &list[0];
    assert_eq!(session.id.as_deref(), Some("sess1"));
    assert_eq!(session.expires_at, Some(1_702_592_000_000));
    assert_eq!(session.props.get("os").map(String::as_str), Some("Linux"));
    assert_eq!(session.team_members[0].scheme_user, Some(true));
    assert!(!format!("{session:?}").contains("leaked-session-token"));
    assert_eq!(records[0].ip_address.as_deref(), Some("203.0.113.7"));
    assert_eq!(records[0].action.as_deref(), Some("/api/v4/users/login"));
}

#[tokio::test]
async fn verify_email_without_token_returns_the_user() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v4/users/{USER_ID}/email/verify/member"),
                &[],
            )
            .header("authorization", AUTHORIZATION)
            .body("");
            then.status(200).json_body(user_json(USER_ID, "ada"));
        })
        .await;

    let user = client(&server)
        .verify_user_email_without_token()
        .user_id(USER_ID)
        .send()
        .await;

    mock.assert_async().await;
    assert_is_user(&user.expect("verified"), USER_ID, "ada");
}

#[tokio::test]
async fn personal_access_tokens_create_read_and_search() {
    let server = MockServer::start_async().await;
    let tokens = format!("/api/v4/users/{USER_ID}/tokens");
    let create = server
        .mock_async(|when, then| {
            exact(when, POST, &tokens, &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!({"description": "CI"}));
            // Servers answer 200 here although the documents say 201.
            then.status(200).json_body(json!({
                "id": TOKEN_ID, "token": "new-secret-token", "user_id": USER_ID,
                "description": "CI"
            }));
        })
        .await;
    let for_user = server
        .mock_async(|when, then| {
            exact(when, GET, &tokens, &[("page", "1"), ("per_page", "20")])
                .header("authorization", AUTHORIZATION);
            then.status(200)
                .json_body(json!([token_info_json(TOKEN_ID)]));
        })
        .await;
    let all = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/tokens",
                &[("page", "0"), ("per_page", "50")],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200)
                .json_body(json!([token_info_json(TOKEN_ID)]));
        })
        .await;
    let one = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v4/users/tokens/{TOKEN_ID}"), &[])
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(token_info_json(TOKEN_ID));
        })
        .await;
    let search = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/tokens/search", &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!({"term": "ada"}));
            then.status(200)
                .json_body(json!([token_info_json(TOKEN_ID)]));
        })
        .await;

    let client = client(&server);
    let created = client
        .create_user_access_token()
        .user_id(USER_ID)
        .body(types::NewAccessToken {
            description: "CI".into(),
        })
        .send()
        .await
        .expect("create token")
        .into_inner();
    let listed = client
        .list_user_access_tokens_for_user()
        .user_id(USER_ID)
        .page(1)
        .per_page(20)
        .send()
        .await
        .expect("user's tokens");
    let every = client
        .list_user_access_tokens()
        .page(0)
        .per_page(50)
        .send()
        .await
        .expect("all tokens");
    let info = client
        .get_user_access_token()
        .token_id(TOKEN_ID)
        .send()
        .await
        .expect("token");
    let found = client
        .search_user_access_tokens()
        .body(types::SearchTerm { term: "ada".into() })
        .send()
        .await
        .expect("search");

    for mock in [&create, &for_user, &all, &one, &search] {
        mock.assert_async().await;
    }
    assert_eq!(
        created.token.as_ref().map(|t| t.expose()),
        Some("new-secret-token")
    );
    assert!(!format!("{created:?}").contains("new-secret-token"));
    for tokens in [listed.into_inner(), every.into_inner(), found.into_inner()] {
        assert_eq!(tokens[0].id.as_deref(), Some(TOKEN_ID));
        assert_eq!(tokens[0].is_active, Some(true));
    }
    assert_eq!(info.description.as_deref(), Some("CI"));
}

#[tokio::test]
async fn update_user_auth_keeps_the_older_editions_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, PUT, &format!("/api/v4/users/{USER_ID}/auth"), &[])
                .header("authorization", AUTHORIZATION)
                .json_body(json!({
                    "auth_data": "ada-ldap-id",
                    "auth_service": "ldap",
                    "password": "current-pw"
                }));
            then.status(200)
                .json_body(json!({"auth_data": "ada-ldap-id", "auth_service": "ldap"}));
        })
        .await;

    let auth = client(&server)
        .update_user_auth()
        .user_id(USER_ID)
        .body(types::UserAuthData {
            auth_data: "ada-ldap-id".into(),
            auth_service: "ldap".into(),
            password: Some("current-pw".into()),
        })
        .send()
        .await;

    mock.assert_async().await;
    let auth = auth.expect("auth").into_inner();
    assert_eq!(auth.auth_service, "ldap");
    assert_eq!(auth.password, None);
}

#[tokio::test]
async fn terms_of_service_acceptance_and_uploads_decode() {
    let server = MockServer::start_async().await;
    let terms = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &format!("/api/v4/users/{USER_ID}/terms_of_service"),
                &[],
            )
            .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!({
                "user_id": USER_ID, "terms_of_service_id": "tos1",
                "create_at": 1_700_000_000_500_i64
            }));
        })
        .await;
    let uploads = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v4/users/{USER_ID}/uploads"), &[])
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([
                {
                    "id": "up1", "type": "attachment", "create_at": 1_700_000_000_000_i64,
                    "user_id": USER_ID, "channel_id": CHANNEL_ID, "filename": "a.pdf",
                    "path": "/data/a.pdf", "file_size": 2048, "file_offset": 1024
                },
                {"id": "up2", "type": "bulk_export", "file_size": 1}
            ]));
        })
        .await;

    let client = client(&server);
    let accepted = client
        .get_user_terms_of_service()
        .user_id(USER_ID)
        .send()
        .await
        .expect("terms");
    let sessions = client
        .list_uploads_for_user()
        .user_id(USER_ID)
        .send()
        .await
        .expect("uploads");

    terms.assert_async().await;
    uploads.assert_async().await;
    assert_eq!(accepted.terms_of_service_id.as_deref(), Some("tos1"));
    assert_eq!(accepted.create_at, Some(1_700_000_000_500));
    assert_eq!(sessions[0].type_, Some(types::UploadType::Attachment));
    assert_eq!(sessions[0].file_offset, Some(1024));
    assert_eq!(
        sessions[1].type_,
        Some(types::UploadType::Unknown("bulk_export".into()))
    );
}

fn membership_json(channel: &str) -> Value {
    json!({
        "channel_id": channel,
        "user_id": USER_ID,
        "roles": "channel_user",
        "last_viewed_at": 1_700_000_000_000_i64,
        "msg_count": 42,
        "mention_count": 1,
        "notify_props": {"desktop": "default", "email": "default", "push": "mention",
                         "mark_unread": "all", "ignore_channel_mentions": "off"},
        "last_update_at": 1_700_000_000_000_i64,
        "team_display_name": "Engines",
        "team_name": "engines",
        "team_update_at": 1_690_000_000_000_i64
    })
}

#[tokio::test]
async fn channel_members_page_and_stream_to_a_short_page() {
    let server = MockServer::start_async().await;
    let path = format!("/api/v4/users/{USER_ID}/channel_members");
    let page = server
        .mock_async(|when, then| {
            // `page_size` as the server reads it: `per_page`.
            exact(when, GET, &path, &[("page", "3"), ("per_page", "2")])
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!([membership_json("c1")]));
        })
        .await;
    let client = client(&server);
    let one = client
        .list_channel_members_for_user()
        .user_id(USER_ID)
        .page(3)
        .page_size(2)
        .send()
        .await
        .expect("memberships");
    page.assert_async().await;
    let member = &one[0];
    assert_eq!(member.team_name.as_deref(), Some("engines"));
    assert_eq!(member.msg_count, Some(42));
    let notify = member.notify_props.as_ref().expect("notify props");
    assert_eq!(notify.mark_unread.as_deref(), Some("all"));
    assert_eq!(
        notify.extra.get("ignore_channel_mentions"),
        Some(&json!("off"))
    );

    // A page shorter than `page_size` is the last: a page fetched past it is dropped unread.
    let mut mocks = Vec::new();
    for (number, channels) in [("0", vec!["c1", "c2"]), ("1", vec!["c3"])] {
        let body: Vec<Value> = channels.into_iter().map(membership_json).collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    // A stream's first request is the builder's own: no `page`.
                    let query = [("page", number), ("per_page", "2")];
                    exact(when, GET, &path, &query[usize::from(number == "0")..]);
                    then.status(200).json_body(json!(body));
                })
                .await,
        );
    }
    // A walk told to start below 0 starts at 0, and says so.
    let zero = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[("page", "0"), ("per_page", "2")]);
            then.status(200)
                .json_body(json!([membership_json("c1"), membership_json("c2")]));
        })
        .await;
    let all: Vec<types::ChannelMemberWithTeamData> = client
        .list_channel_members_for_user()
        .user_id(USER_ID)
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .expect("every membership");
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
    let channels: Vec<_> = all.iter().map(|m| m.channel_id.as_deref()).collect();
    assert_eq!(channels, [Some("c1"), Some("c2"), Some("c3")]);

    // Resumed from page 1; a negative page starts the walk at 0.
    let resumed: Vec<types::ChannelMemberWithTeamData> = client
        .list_channel_members_for_user()
        .user_id(USER_ID)
        .page_size(2)
        .page(1)
        .stream()
        .try_collect()
        .await
        .expect("page 1, the last");
    assert_eq!(resumed.len(), 1);
    let from_negative = client
        .list_channel_members_for_user()
        .user_id(USER_ID)
        .page_size(2)
        .page(-5)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("every membership");
    assert_eq!(from_negative.len(), 3);
    mocks[0].assert_calls_async(1).await;
    zero.assert_calls_async(1).await;
    mocks[1].assert_calls_async(3).await;
}

#[tokio::test]
async fn list_users_stream_walks_pages_from_zero_and_stops_at_a_short_page() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (number, ids) in [
        ("0", vec!["u0", "u1"]),
        ("1", vec!["u2", "u3"]),
        ("2", vec!["u4"]),
    ] {
        let body: Vec<Value> = ids.iter().map(|id| user_json(id, id)).collect();
        pages.push(
            server
                .mock_async(|when, then| {
                    exact(
                        when,
                        GET,
                        "/api/v4/users",
                        &[("page", number), ("per_page", "2"), ("in_team", "team1")]
                            [usize::from(number == "0")..],
                    )
                    .header("authorization", AUTHORIZATION);
                    then.status(200).json_body(json!(body));
                })
                .await,
        );
    }
    // A page after the short one must never be asked for.
    let beyond = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v4/users")
                .query_param("page", "3");
            then.status(200).json_body(json!([]));
        })
        .await;

    // One page in flight at a time: each page is fetched when the consumer reaches it.
    let client =
        Client::with_token(mock_config(&server).walk_concurrency(1), TOKEN).expect("client");
    let mut stream = client.list_users().in_team("team1").per_page(2).stream();
    let first = stream.next().await.expect("an item").expect("decoded");
    assert_eq!(first.id.as_deref(), Some("u0"));
    assert_eq!(
        pages[1].calls_async().await,
        0,
        "page 1 waits until it is needed"
    );
    let rest: Vec<types::User> = stream.try_collect().await.expect("every page");

    for page in &pages {
        page.assert_calls_async(1).await;
    }
    beyond.assert_calls_async(0).await;
    let ids: Vec<_> = rest.iter().map(|u| u.id.as_deref()).collect();
    assert_eq!(ids, [Some("u1"), Some("u2"), Some("u3"), Some("u4")]);

    // A page set on the builder is where the walk starts, to resume one.
    let resumed: Vec<types::User> = client
        .list_users()
        .in_team("team1")
        .per_page(2)
        .page(1)
        .stream()
        .try_collect()
        .await
        .expect("pages 1 and 2");
    let ids: Vec<_> = resumed.iter().map(|u| u.id.as_deref()).collect();
    assert_eq!(ids, [Some("u2"), Some("u3"), Some("u4")]);
    pages[0].assert_calls_async(1).await;
    pages[1].assert_calls_async(2).await;
    pages[2].assert_calls_async(2).await;
}

/// Four pages in flight (the default): the pages after a full one are asked for before the
/// consumer reaches them, those past the short page are dropped unread, and the items come in
/// the order of the list.
#[tokio::test]
async fn list_users_stream_fetches_ahead_and_drops_what_is_past_the_short_page() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (number, ids) in [
        ("0", vec!["u0", "u1"]),
        ("1", vec!["u2", "u3"]),
        ("2", vec!["u4"]),
        // Past the short page: fetched ahead, never yielded.
        ("3", vec!["x5", "x6"]),
        ("4", vec!["x7", "x8"]),
    ] {
        let body: Vec<Value> = ids.iter().map(|id| user_json(id, id)).collect();
        pages.push(
            server
                .mock_async(|when, then| {
                    exact(
                        when,
                        GET,
                        "/api/v4/users",
                        &[("page", number), ("per_page", "2")][usize::from(number == "0")..],
                    )
                    .header("authorization", AUTHORIZATION);
                    then.status(200).json_body(json!(body));
                })
                .await,
        );
    }
    let client = client(&server);
    let users: Vec<types::User> = client
        .list_users()
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<_> = users.iter().map(|u| u.id.as_deref()).collect();
    assert_eq!(
        ids,
        [Some("u0"), Some("u1"), Some("u2"), Some("u3"), Some("u4")]
    );
    for page in &pages[..3] {
        page.assert_calls_async(1).await;
    }
    // Page 0 is fetched alone; then pages 1 to 4 at once, of which 3 and 4 come to nothing.
    for page in &pages[3..] {
        assert!(page.calls_async().await <= 1);
    }
}

/// A page size of 0 asks for empty pages: the stream ends at the first one instead of asking
/// for the next forever.
#[tokio::test]
async fn a_stream_with_a_page_size_of_zero_ends_at_its_first_empty_page() {
    let server = MockServer::start_async().await;
    let empty = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users", &[("per_page", "0")]);
            then.status(200).json_body(json!([]));
        })
        .await;

    let users: Vec<types::User> = client(&server)
        .list_users()
        .per_page(0)
        .stream()
        .try_collect()
        .await
        .expect("an empty walk");

    assert!(users.is_empty());
    empty.assert_calls_async(1).await;
}

#[tokio::test]
async fn token_streams_use_the_server_default_page_size() {
    let server = MockServer::start_async().await;
    // Without `per_page`, a full page holds 60 items; 60 then 1 means two pages.
    let full: Vec<Value> = (0..60).map(|i| token_info_json(&format!("t{i}"))).collect();
    let path = format!("/api/v4/users/{USER_ID}/tokens");
    let first = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[]);
            then.status(200).json_body(json!(full));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[("page", "1")]);
            then.status(200).json_body(json!([token_info_json("t60")]));
        })
        .await;
    let everyone = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/tokens", &[("per_page", "500")]);
            // Asked for 500, the server sends at most 200: 150 is a short page.
            let short: Vec<Value> = (0..150)
                .map(|i| token_info_json(&format!("a{i}")))
                .collect();
            then.status(200).json_body(json!(short));
        })
        .await;

    let client = client(&server);
    let tokens: Vec<types::AccessTokenInfo> = client
        .list_user_access_tokens_for_user()
        .user_id(USER_ID)
        .stream()
        .try_collect()
        .await
        .expect("tokens");
    let all: Vec<types::AccessTokenInfo> = client
        .list_user_access_tokens()
        .per_page(500)
        .stream()
        .try_collect()
        .await
        .expect("all tokens");

    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    everyone.assert_calls_async(1).await;
    assert_eq!(tokens.len(), 61);
    assert_eq!(all.len(), 150);
}

type Sent<'a> = Pin<
    Box<dyn Future<Output = Result<ResponseValue<types::StatusOk>, Error<types::AppError>>> + 'a>,
>;

/// One operation answered with `{"status": "OK"}`: the request it must send (method, path,
/// query, JSON body or none), and the call that sends it.
type Case<'a> = (
    Method,
    String,
    Vec<(&'static str, &'static str)>,
    Option<Value>,
    Sent<'a>,
);

/// Converting answers with what the account became, not `{"status": "OK"}`.
#[tokio::test]
async fn conversions_answer_with_the_bot_or_user_made() {
    let server = MockServer::start_async().await;
    let to_bot = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v4/users/{USER_ID}/convert_to_bot"),
                &[],
            )
            .header("authorization", AUTHORIZATION)
            .header("accept", "application/json")
            .body("");
            then.status(200).json_body(json!({
                "user_id": USER_ID,
                "username": "ada",
                "display_name": "Ada",
                "description": "",
                "owner_id": OTHER_ID,
                "create_at": 1_700_000_000_000_i64,
                "update_at": 1_700_000_000_000_i64,
                "delete_at": 0
            }));
        })
        .await;
    let to_user = server
        .mock_async(|when, then| {
            exact(
                when,
                POST,
                &format!("/api/v4/bots/{BOT_ID}/convert_to_user"),
                &[("set_system_admin", "true")],
            )
            .header("authorization", AUTHORIZATION)
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .json_body(
                json!({"username": "former-bot", "email": "bot@example.com", "password": "b0t-pw"}),
            );
            then.status(200).json_body(user_json(BOT_ID, "former-bot"));
        })
        .await;
    let client = client(&server);

    let bot = client
        .convert_user_to_bot()
        .user_id(USER_ID)
        .send()
        .await
        .expect("converted")
        .into_inner();
    to_bot.assert_async().await;
    assert_eq!(bot.user_id.as_deref(), Some(USER_ID));
    assert_eq!(bot.owner_id.as_deref(), Some(OTHER_ID));
    assert_eq!(bot.create_at, Some(1_700_000_000_000));

    let user = client
        .convert_bot_to_user()
        .bot_user_id(BOT_ID)
        .set_system_admin(true)
        .body(
            types::BotConversion::builder()
                .username("former-bot".to_string())
                .email("bot@example.com".to_string())
                .password("b0t-pw"),
        )
        .send()
        .await
        .expect("converted");
    to_user.assert_async().await;
    assert_is_user(&user, BOT_ID, "former-bot");
}

#[tokio::test]
async fn actions_answered_with_status_ok() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let user = format!("/api/v4/users/{USER_ID}");
    let mut saml_matches = HashMap::new();
    saml_matches.insert(USER_ID.to_string(), "ada-saml".to_string());
    let cases: Vec<Case<'_>> = vec![
        (
            DELETE,
            "/api/v4/users".into(),
            vec![],
            None,
            Box::pin(client.permanent_delete_all_users().send()),
        ),
        (
            DELETE,
            user.clone(),
            vec![],
            None,
            Box::pin(client.delete_user().user_id(USER_ID).send()),
        ),
        (
            PUT,
            format!("{user}/roles"),
            vec![],
            Some(json!({"roles": "system_user system_admin"})),
            Box::pin(
                client
                    .update_user_roles()
                    .user_id(USER_ID)
                    .body(types::RolesUpdate {
                        roles: "system_user system_admin".into(),
                    })
                    .send(),
            ),
        ),
        (
            PUT,
            format!("{user}/active"),
            vec![],
            Some(json!({"active": false})),
            Box::pin(
                client
                    .update_user_active()
                    .user_id(USER_ID)
                    .body(types::ActiveUpdate { active: false })
                    .send(),
            ),
        ),
        (
            DELETE,
            format!("{user}/image"),
            vec![],
            None,
            Box::pin(client.set_default_profile_image().user_id(USER_ID).send()),
        ),
        (
            POST,
            "/api/v4/users/password/reset".into(),
            vec![],
            Some(json!({"token": "reset-token", "new_password": "n3w-pw"})),
            Box::pin(
                client
                    .reset_password()
                    .body(types::PasswordReset {
                        token: "reset-token".into(),
                        new_password: "n3w-pw".into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/password/reset/send".into(),
            vec![],
            Some(json!({"email": "ada@example.com"})),
            Box::pin(
                client
                    .send_password_reset_email()
                    .body(types::EmailAddress {
                        email: "ada@example.com".into(),
                    })
                    .send(),
            ),
        ),
        (
            PUT,
            format!("{user}/password"),
            vec![],
            Some(json!({"current_password": "old-pw", "new_password": "new-pw"})),
            Box::pin(
                client
                    .update_user_password()
                    .user_id(USER_ID)
                    .body(types::PasswordUpdate {
                        current_password: Some("old-pw".into()),
                        new_password: "new-pw".into(),
                    })
                    .send(),
            ),
        ),
        (
            PUT,
            format!("{user}/mfa"),
            vec![],
            Some(json!({"activate": true, "code": "123456"})),
            Box::pin(
                client
                    .update_user_mfa()
                    .user_id(USER_ID)
                    .body(types::MfaUpdate {
                        activate: true,
                        code: Some("123456".into()),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            format!("{user}/demote"),
            vec![],
            None,
            Box::pin(client.demote_user_to_guest().user_id(USER_ID).send()),
        ),
        (
            POST,
            format!("{user}/promote"),
            vec![],
            None,
            Box::pin(client.promote_guest_to_user().user_id(USER_ID).send()),
        ),
        (
            POST,
            "/api/v4/users/logout".into(),
            vec![],
            None,
            Box::pin(client.logout().send()),
        ),
        (
            POST,
            format!("{user}/sessions/revoke"),
            vec![],
            Some(json!({"session_id": "sess1"})),
            Box::pin(
                client
                    .revoke_session()
                    .user_id(USER_ID)
                    .body(types::SessionId {
                        session_id: "sess1".into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            format!("{user}/sessions/revoke/all"),
            vec![],
            None,
            Box::pin(client.revoke_all_sessions().user_id(USER_ID).send()),
        ),
        (
            POST,
            "/api/v4/users/sessions/revoke/all".into(),
            vec![],
            None,
            Box::pin(client.revoke_sessions_from_all_users().send()),
        ),
        (
            PUT,
            "/api/v4/users/sessions/device".into(),
            vec![],
            Some(json!({"device_id": "apple:abc123"})),
            Box::pin(
                client
                    .attach_device_id()
                    .body(types::DeviceId {
                        device_id: "apple:abc123".into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/email/verify".into(),
            vec![],
            Some(json!({"token": "verify-token"})),
            Box::pin(
                client
                    .verify_user_email()
                    .body(types::VerificationToken {
                        token: "verify-token".into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/email/verify/send".into(),
            vec![],
            Some(json!({"email": "ada@example.com"})),
            Box::pin(
                client
                    .send_verification_email()
                    .body(types::EmailAddress {
                        email: "ada@example.com".into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/tokens/revoke".into(),
            vec![],
            Some(json!({"token_id": TOKEN_ID})),
            Box::pin(
                client
                    .revoke_user_access_token()
                    .body(types::AccessTokenId {
                        token_id: TOKEN_ID.into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/tokens/disable".into(),
            vec![],
            Some(json!({"token_id": TOKEN_ID})),
            Box::pin(
                client
                    .disable_user_access_token()
                    .body(types::AccessTokenId {
                        token_id: TOKEN_ID.into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/tokens/enable".into(),
            vec![],
            Some(json!({"token_id": TOKEN_ID})),
            Box::pin(
                client
                    .enable_user_access_token()
                    .body(types::AccessTokenId {
                        token_id: TOKEN_ID.into(),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            format!("{user}/terms_of_service"),
            vec![],
            Some(json!({"termsOfServiceId": "tos2", "accepted": true})),
            Box::pin(
                client
                    .register_terms_of_service_action()
                    .user_id(USER_ID)
                    .body(types::TermsOfServiceAction {
                        terms_of_service_id: "tos2".into(),
                        accepted: true,
                    })
                    .send(),
            ),
        ),
        (
            POST,
            format!("{user}/typing"),
            vec![],
            Some(json!({"channel_id": CHANNEL_ID, "parent_id": "post1"})),
            Box::pin(
                client
                    .publish_user_typing()
                    .user_id(USER_ID)
                    .body(types::Typing {
                        channel_id: CHANNEL_ID.into(),
                        parent_id: Some("post1".into()),
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/migrate_auth/ldap".into(),
            vec![],
            Some(json!({"from": "email", "match_field": "email", "force": false})),
            Box::pin(
                client
                    .migrate_auth_to_ldap()
                    .body(types::LdapMigration {
                        from: "email".into(),
                        match_field: "email".into(),
                        force: false,
                    })
                    .send(),
            ),
        ),
        (
            POST,
            "/api/v4/users/migrate_auth/saml".into(),
            vec![],
            Some(json!({"from": "email", "matches": {(USER_ID): "ada-saml"}, "auto": false})),
            Box::pin(
                client
                    .migrate_auth_to_saml()
                    .body(types::SamlMigration {
                        from: "email".into(),
                        matches: saml_matches,
                        auto: false,
                    })
                    .send(),
            ),
        ),
    ];
    assert_eq!(cases.len(), 25);

    for (method, path, query, body, sent) in cases {
        let label = format!("{method:?} {path}");
        let mock = server
            .mock_async(|when, then| {
                let when = exact(when, method, &path, &query)
                    .header("authorization", AUTHORIZATION)
                    .header("accept", "application/json");
                match body {
                    Some(body) => when
                        .header("content-type", "application/json")
                        .json_body(body),
                    None => when.body(""),
                };
                then.status(200).json_body(json!({"status": "OK"}));
            })
            .await;
        let response = sent.await;
        mock.assert_async().await;
        let response = response.unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(response.status.as_deref(), Some("OK"), "{label}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn login_hands_back_an_authenticated_client() {
    let server = MockServer::start_async().await;
    let login = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/login", &[])
                .header_missing("authorization")
                .header("content-type", "application/json")
                .json_body(json!({"login_id": "ada@example.com", "password": "Tr0ub4dor&3"}));
            then.status(200)
                .header("Token", "sess-8kq1mattermost")
                .json_body(user_json(USER_ID, "ada"));
        })
        .await;
    let me = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/me", &[])
                .header("authorization", "Bearer sess-8kq1mattermost");
            then.status(200).json_body(user_json(USER_ID, "ada"));
        })
        .await;
    let logout = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/logout", &[])
                .header("authorization", "Bearer sess-8kq1mattermost");
            then.status(200).json_body(json!({"status": "OK"}));
        })
        .await;

    let session = Session::login(mock_config(&server), "ada@example.com", "Tr0ub4dor&3")
        .await
        .expect("signed in");
    assert_is_user(session.user().expect("user"), USER_ID, "ada");
    assert_eq!(session.token().expose(), "sess-8kq1mattermost");
    let shown = format!("{session:?}");
    assert!(!shown.contains("sess-8kq1mattermost"), "{shown}");
    assert!(!shown.contains("Tr0ub4dor"), "{shown}");

    let user = session
        .client()
        .get_user()
        .user_id("me")
        .send()
        .await
        .expect("authenticated call");
    session.client().logout().send().await.expect("logout");

    login.assert_async().await;
    me.assert_async().await;
    logout.assert_async().await;
    assert_is_user(&user, USER_ID, "ada");
}

#[tokio::test]
async fn login_with_sends_a_multi_factor_code_and_accepts_201() {
    // `ldap_only` travels as text: the server compares it with "true".
    let server = MockServer::start_async().await;
    let login = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/login", &[]).json_body(json!({
                "login_id": "ada",
                "password": "pw",
                "token": "654321",
                "device_id": "android:xyz",
                "ldap_only": "true"
            }));
            then.status(201)
                .header("token", "sess-from-201")
                .json_body(user_json(USER_ID, "ada"));
        })
        .await;

    let session = Session::login_with(
        mock_config(&server),
        types::Login {
            login_id: Some("ada".into()),
            password: Some("pw".into()),
            token: Some("654321".into()),
            device_id: Some("android:xyz".into()),
            ldap_only: Some(types::LdapOnly::True),
            id: None,
        },
    )
    .await
    .expect("signed in");

    login.assert_async().await;
    assert_eq!(session.token().expose(), "sess-from-201");
    assert_is_user(session.user().expect("user"), USER_ID, "ada");
}

#[tokio::test]
async fn failed_logins_say_why() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/users/login")
                .json_body_includes(r#"{"login_id": "wrong"}"#);
            then.status(401).json_body(app_error(
                "api.user.login.invalid_credentials_email_username",
                401,
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/users/login")
                .json_body_includes(r#"{"login_id": "tokenless"}"#);
            then.status(200).json_body(user_json(USER_ID, "ada"));
        })
        .await;

    let error = Session::login(mock_config(&server), "wrong", "nope")
        .await
        .expect_err("rejected");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let LoginError::Api(Error::ErrorResponse(body)) = &error else {
        panic!("expected Mattermost's error, got {error:?}")
    };
    assert_eq!(
        body.id.as_deref(),
        Some("api.user.login.invalid_credentials_email_username")
    );
    assert!(!format!("{error:?} {error}").contains("nope"));

    let error = Session::login(mock_config(&server), "tokenless", "pw")
        .await
        .expect_err("no token");
    assert!(
        matches!(error, LoginError::MissingToken { status } if status.as_u16() == 200),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the server answered the sign-in (200 OK) without a session token"
    );

    let error = Session::login("not a url", "ada", "pw")
        .await
        .expect_err("bad URL");
    assert!(matches!(error, LoginError::Config(_)), "{error:?}");
}

#[tokio::test]
async fn cws_login_reads_the_token_off_the_redirect() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let cws = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/login/cws", &[])
                .header_missing("authorization")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("login_id", "ada@example.com")
                .form_urlencoded_tuple("cws_token", "cws+token/1")
                .form_urlencoded_tuple_count(".*", ".*", 2);
            then.status(302)
                .header("location", format!("{base}/landing"))
                .header("token", "sess-from-cws");
        })
        .await;
    let landing = server
        .mock_async(|when, then| {
            when.path("/landing");
            then.status(200).body("<html></html>");
        })
        .await;
    let me = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v4/users/me", &[])
                .header("authorization", "Bearer sess-from-cws");
            then.status(200).json_body(user_json(USER_ID, "ada"));
        })
        .await;

    let session =
        Session::login_by_cws_token(mock_config(&server), "ada@example.com", "cws+token/1")
            .await
            .expect("signed in");
    assert!(session.user().is_none());
    let user = session
        .client()
        .get_user()
        .user_id("me")
        .send()
        .await
        .expect("authenticated call");

    cws.assert_async().await;
    landing.assert_calls_async(0).await;
    me.assert_async().await;
    assert_is_user(&user, USER_ID, "ada");

    // The generated operation on an ordinary client follows the redirect, as clients do.
    let followed = Client::without_auth(mock_config(&server))
        .expect("client")
        .login_by_cws_token()
        .body(types::CwsLogin {
            login_id: Some("ada@example.com".into()),
            cws_token: Some("cws+token/1".into()),
        })
        .send()
        .await
        .expect("followed");
    assert_eq!(followed.status().as_u16(), 200);
    landing.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_rejected_cws_token_is_a_redirect_without_a_token() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v4/users/login/cws");
            then.status(302).header("location", format!("{base}/"));
        })
        .await;

    let error = Session::login_by_cws_token(mock_config(&server), "ada@example.com", "expired")
        .await
        .expect_err("no session");
    assert!(
        matches!(error, LoginError::MissingToken { status } if status.as_u16() == 302),
        "{error:?}"
    );
}

#[tokio::test]
async fn mattermost_errors_are_typed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v4/users/username/nobody");
            then.status(404).json_body(json!({
                "id": "app.user.missing_account.const",
                "message": "Unable to find the user.",
                "detailed_error": "",
                "request_id": "bk8t5xbhe3f4mnsjfwjrtt5wpa",
                "status_code": 404,
                "is_oauth": false,
                "params": {"future": "field"}
            }));
        })
        .await;

    let error = client(&server)
        .get_user_by_username()
        .username("nobody")
        .send()
        .await
        .expect_err("404");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Error::ErrorResponse(body) = error else {
        panic!("expected Mattermost's error, got {error:?}")
    };
    assert_eq!(
        body.into_inner(),
        types::AppError {
            id: Some("app.user.missing_account.const".into()),
            message: Some("Unable to find the user.".into()),
            request_id: Some("bk8t5xbhe3f4mnsjfwjrtt5wpa".into()),
            status_code: Some(404),
            is_oauth: Some(false),
        }
    );
}

#[tokio::test]
async fn the_hand_written_upload_refuses_ids_that_change_the_path() {
    let server = MockServer::start_async().await;
    let any = any_request(&server, json!({"status": "OK"})).await;
    for id in ["", ".", ".."] {
        let error = client(&server)
            .set_profile_image()
            .user_id(id)
            .image(vec![0x89, b'P', b'N', b'G'], "me.png", "image/png")
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{id:?}: {error:?}"
        );
    }
    any.assert_calls_async(0).await;
}

/// Some servers answer actions with an empty `200` (or another 2xx) where `{"status": "OK"}` is
/// documented. The action was performed, so each is a success, with `status` unset and the
/// answer's status and headers kept.
#[tokio::test]
async fn actions_answered_without_their_status_object_succeed() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let user = format!("/api/v4/users/{USER_ID}");
    let typing = json!({"channel_id": CHANNEL_ID});
    let ldap = json!({"from": "email", "match_field": "email", "force": false});
    let saml = json!({"from": "email", "matches": {}, "auto": true});
    // Each operation: its method, path and JSON body, and how to send it.
    let call = |which: usize| -> Sent<'_> {
        match which {
            0 => Box::pin(
                client
                    .migrate_auth_to_ldap()
                    .body(types::LdapMigration {
                        from: "email".into(),
                        match_field: "email".into(),
                        force: false,
                    })
                    .send(),
            ),
            1 => Box::pin(
                client
                    .migrate_auth_to_saml()
                    .body(types::SamlMigration {
                        from: "email".into(),
                        matches: HashMap::new(),
                        auto: true,
                    })
                    .send(),
            ),
            2 => Box::pin(client.permanent_delete_all_users().send()),
            3 => Box::pin(
                client
                    .publish_user_typing()
                    .user_id(USER_ID)
                    .body(types::Typing {
                        channel_id: CHANNEL_ID.into(),
                        parent_id: None,
                    })
                    .send(),
            ),
            _ => Box::pin(client.revoke_all_sessions().user_id(USER_ID).send()),
        }
    };
    let requests: [(&str, String, Option<&Value>); 5] = [
        (
            "POST",
            "/api/v4/users/migrate_auth/ldap".into(),
            Some(&ldap),
        ),
        (
            "POST",
            "/api/v4/users/migrate_auth/saml".into(),
            Some(&saml),
        ),
        ("DELETE", "/api/v4/users".into(), None),
        ("POST", format!("{user}/typing"), Some(&typing)),
        ("POST", format!("{user}/sessions/revoke/all"), None),
    ];
    // Status, content type and body of each answer.
    let answers: [(u16, Option<&str>, &str); 5] = [
        (200, None, ""),
        (200, Some("application/json"), ""),
        (204, None, ""),
        (200, Some("text/plain"), "OK"),
        (201, Some("application/json"), r#"{"status": "OK", "#),
    ];
    for (which, (method, path, body)) in requests.iter().enumerate() {
        for (status, content_type, text) in answers {
            let label = format!("{method} {path} answered {status} {content_type:?} {text:?}");
            let mock = server
                .mock_async(|when, then| {
                    let when = exact(when, Method::from(*method), path, &[])
                        .header("authorization", AUTHORIZATION);
                    match body {
                        Some(body) => when
                            .header("content-type", "application/json")
                            .json_body((*body).clone()),
                        None => when.body(""),
                    };
                    let then = then.status(status).header("x-request-id", "r-9").body(text);
                    if let Some(content_type) = content_type {
                        then.header("content-type", content_type);
                    }
                })
                .await;
            let answer = call(which).await;
            mock.assert_async().await;
            let answer = answer.unwrap_or_else(|error| panic!("{label}: {error:?}"));
            assert_eq!(answer.status().as_u16(), status, "{label}");
            assert_eq!(answer.headers()["x-request-id"], "r-9", "{label}");
            assert_eq!(*answer, types::StatusOk::default(), "{label}");
            mock.delete_async().await;
        }
    }
}
