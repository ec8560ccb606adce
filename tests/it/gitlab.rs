//! GitLab: every operation's request on the wire and decoded response, plus Sudo, 64-bit ids,
//! typed errors and streams. What every provider does alike is tested over the provider table
//! (`providers.rs`).

use std::future::Future;

use chrono::NaiveDate;
use futures_util::{StreamExt, TryStreamExt};
use httpmock::Method::{self, DELETE, GET, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};
use user_apis::ClientConfig;
use user_apis::gitlab::mock::MockServerExt;
use user_apis::gitlab::{Client, Error, HeaderValue, ResponseValue, SUDO, types};
use user_apis_tests::{exact, fast_retries, mock_config, query_count};

/// The personal access token the tests authenticate with; no output may ever contain it.
pub(crate) const TOKEN: &str = "glpat-T3st-t0ken-9xYz";
/// A user id above 2^31, which a 32-bit id would mangle.
pub(crate) const USER_ID: i64 = 3_000_000_000;
/// A second id above 2^31, for keys, emails and tokens.
const ITEM_ID: i64 = 4_100_000_007;

fn client(server: &MockServer) -> Client {
    Client::with_private_token(mock_config(server), TOKEN).expect("valid client")
}

fn user_path(rest: &str) -> String {
    format!("/api/v4/users/{USER_ID}{rest}")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

fn rfc3339(time: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    time.map(|t| t.to_rfc3339())
}

/// Sends `call`, which must be a no-body operation, and checks that it succeeded with `status`.
async fn expect_empty<F>(call: F, status: u16)
where
    F: Future<Output = Result<ResponseValue<()>, Error<types::ApiError>>>,
{
    let response = call.await.expect("the operation succeeds");
    assert_eq!(response.status().as_u16(), status);
}

/// A mock for one request without query or body, answering `status` with `body` if given.
async fn mock_plain<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    status: u16,
    body: Option<Value>,
) -> httpmock::Mock<'a> {
    // httpmock refuses a body expectation on a GET, which cannot carry one anyway.
    let empty_body = !matches!(method, GET);
    server
        .mock_async(|when, then| {
            let when = exact(when, method, path, &[])
                .header("private-token", TOKEN)
                .header_missing("sudo");
            if empty_body {
                when.body("");
            }
            let then = then.status(status);
            if let Some(body) = body {
                then.json_body(body);
            }
        })
        .await
}

fn basic_user_json(id: i64, username: &str) -> Value {
    json!({
        "id": id,
        "username": username,
        "name": format!("{username} name"),
        "state": "active",
        "locked": false,
        "avatar_url": format!("https://gitlab.example.com/uploads/{username}.png"),
        "avatar_path": format!("/uploads/{username}.png"),
        "web_url": format!("https://gitlab.example.com/{username}")
    })
}

fn assert_basic_user(user: &types::UserBasic, id: i64, username: &str) {
    assert_eq!(user.id, id);
    assert_eq!(user.username, username);
    assert_eq!(user.name, format!("{username} name"));
    assert_eq!(user.state, Some(types::UserState::Active));
    assert_eq!(user.locked, Some(false));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some(format!("https://gitlab.example.com/uploads/{username}.png").as_str())
    );
    assert_eq!(
        user.avatar_path.as_deref(),
        Some(format!("/uploads/{username}.png").as_str())
    );
    assert_eq!(
        user.web_url.as_deref(),
        Some(format!("https://gitlab.example.com/{username}").as_str())
    );
}

/// A user's public profile, as `follow_user` returns it.
fn public_user_json() -> Value {
    json!({
        "id": USER_ID,
        "username": "ada",
        "name": "Ada Lovelace",
        "state": "active",
        "locked": false,
        "avatar_url": "https://gitlab.example.com/uploads/ada.png",
        "web_url": "https://gitlab.example.com/ada",
        "created_at": "2024-01-02T03:04:05.000Z",
        "bio": "Analyst",
        "location": "London",
        "public_email": "ada@example.com",
        "skype": "ada.skype",
        "linkedin": "ada-li",
        "twitter": "ada_tw",
        "discord": "123456789012345678",
        "website_url": "https://ada.example.com",
        "organization": "Analytical Engines",
        "job_title": "Programmer",
        "pronouns": "she/her",
        "bot": false,
        "work_information": "Programmer at Analytical Engines",
        "followers": 3,
        "following": 5,
        "is_followed": true,
        "local_time": "3:38 PM"
    })
}

fn assert_public_user(user: &types::PublicUser) {
    assert_eq!(user.id, USER_ID);
    assert_eq!(user.username, "ada");
    assert_eq!(user.name, "Ada Lovelace");
    assert_eq!(user.state, Some(types::UserState::Active));
    assert_eq!(
        rfc3339(user.created_at),
        Some("2024-01-02T03:04:05+00:00".into())
    );
    assert_eq!(user.bio.as_deref(), Some("Analyst"));
    assert_eq!(user.location.as_deref(), Some("London"));
    assert_eq!(user.public_email.as_deref(), Some("ada@example.com"));
    assert_eq!(user.skype.as_deref(), Some("ada.skype"));
    assert_eq!(user.linkedin.as_deref(), Some("ada-li"));
    assert_eq!(user.twitter.as_deref(), Some("ada_tw"));
    assert_eq!(user.discord.as_deref(), Some("123456789012345678"));
    assert_eq!(user.website_url.as_deref(), Some("https://ada.example.com"));
    assert_eq!(user.organization.as_deref(), Some("Analytical Engines"));
    assert_eq!(user.job_title.as_deref(), Some("Programmer"));
    assert_eq!(user.pronouns.as_deref(), Some("she/her"));
    assert_eq!(user.bot, Some(false));
    assert_eq!(
        user.work_information.as_deref(),
        Some("Programmer at Analytical Engines")
    );
    assert_eq!((user.followers, user.following), (Some(3), Some(5)));
    assert_eq!(user.is_followed, Some(true));
    assert_eq!(user.local_time.as_deref(), Some("3:38 PM"));
}

/// Everything an administrator sees about a user.
fn admin_user_json(name: &str) -> Value {
    let mut user = public_user_json();
    let fields = json!({
        "name": name,
        "avatar_path": "/uploads/ada.png",
        "custom_attributes": [{"key": "team", "value": "platform"}],
        "last_sign_in_at": "2024-06-01T08:00:00Z",
        "confirmed_at": "2024-01-02T03:05:00Z",
        "last_activity_on": "2024-06-07",
        "email": "ada@corp.example.com",
        "theme_id": 1,
        "color_scheme_id": 2,
        "projects_limit": 100,
        "current_sign_in_at": "2024-06-07T09:00:00Z",
        "identities": [
            {"provider": "ldapmain", "extern_uid": "cn=ada,ou=people", "saml_provider_id": null},
            {"provider": "group_saml", "extern_uid": "ada@idp", "saml_provider_id": 5_000_000_001_i64}
        ],
        "can_create_group": true,
        "can_create_project": true,
        "two_factor_enabled": true,
        "external": false,
        "private_profile": false,
        "commit_email": "ada@users.noreply.example.com",
        "shared_runners_minutes_limit": 400,
        "extra_shared_runners_minutes_limit": null,
        "scim_identities": [{"extern_uid": "scim-ada", "group_id": 6_000_000_002_i64, "active": true}],
        "is_admin": false,
        "note": "Met at the conference",
        "namespace_id": 7_000_000_003_i64,
        "created_by": basic_user_json(1, "root"),
        "email_reset_offered_at": "2024-02-03T04:05:06Z",
        "using_license_seat": true,
        "is_auditor": false,
        "provisioned_by_group_id": 8_000_000_004_i64,
        "enterprise_group_id": 9_000_000_005_i64,
        "enterprise_group_associated_at": "2024-03-04T05:06:07Z"
    });
    for (key, value) in fields.as_object().expect("object") {
        user[key] = value.clone();
    }
    user
}

fn assert_admin_user(user: &types::User, name: &str) {
    assert_eq!(user.id, USER_ID);
    assert_eq!(user.username, "ada");
    assert_eq!(user.name, name);
    assert_eq!(user.state, Some(types::UserState::Active));
    assert_eq!(user.locked, Some(false));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://gitlab.example.com/uploads/ada.png")
    );
    assert_eq!(user.avatar_path.as_deref(), Some("/uploads/ada.png"));
    assert_eq!(
        user.custom_attributes,
        vec![types::CustomAttribute {
            key: "team".into(),
            value: "platform".into()
        }]
    );
    assert_eq!(
        user.web_url.as_deref(),
        Some("https://gitlab.example.com/ada")
    );
    assert_eq!(
        rfc3339(user.created_at),
        Some("2024-01-02T03:04:05+00:00".into())
    );
    assert_eq!(user.bio.as_deref(), Some("Analyst"));
    assert_eq!(user.location.as_deref(), Some("London"));
    assert_eq!(user.public_email.as_deref(), Some("ada@example.com"));
    assert_eq!(user.skype.as_deref(), Some("ada.skype"));
    assert_eq!(user.linkedin.as_deref(), Some("ada-li"));
    assert_eq!(user.twitter.as_deref(), Some("ada_tw"));
    assert_eq!(user.discord.as_deref(), Some("123456789012345678"));
    assert_eq!(user.website_url.as_deref(), Some("https://ada.example.com"));
    assert_eq!(user.organization.as_deref(), Some("Analytical Engines"));
    assert_eq!(user.job_title.as_deref(), Some("Programmer"));
    assert_eq!(user.pronouns.as_deref(), Some("she/her"));
    assert_eq!(user.bot, Some(false));
    assert_eq!(
        user.work_information.as_deref(),
        Some("Programmer at Analytical Engines")
    );
    assert_eq!((user.followers, user.following), (Some(3), Some(5)));
    assert_eq!(user.is_followed, Some(true));
    assert_eq!(user.local_time.as_deref(), Some("3:38 PM"));
    assert_eq!(
        rfc3339(user.last_sign_in_at),
        Some("2024-06-01T08:00:00+00:00".into())
    );
    assert_eq!(
        rfc3339(user.confirmed_at),
        Some("2024-01-02T03:05:00+00:00".into())
    );
    assert_eq!(user.last_activity_on, Some(date(2024, 6, 7)));
    assert_eq!(user.email.as_deref(), Some("ada@corp.example.com"));
    assert_eq!((user.theme_id, user.color_scheme_id), (Some(1), Some(2)));
    assert_eq!(user.projects_limit, Some(100));
    assert_eq!(
        rfc3339(user.current_sign_in_at),
        Some("2024-06-07T09:00:00+00:00".into())
    );
    assert_eq!(user.identities.len(), 2);
    assert_eq!(user.identities[0].provider.as_deref(), Some("ldapmain"));
    assert_eq!(
        user.identities[0].extern_uid.as_deref(),
        Some("cn=ada,ou=people")
    );
    assert_eq!(user.identities[0].saml_provider_id, None);
    assert_eq!(user.identities[1].saml_provider_id, Some(5_000_000_001));
    assert_eq!(user.can_create_group, Some(true));
    assert_eq!(user.can_create_project, Some(true));
    assert_eq!(user.two_factor_enabled, Some(true));
    assert_eq!(user.external, Some(false));
    assert_eq!(user.private_profile, Some(false));
    assert_eq!(
        user.commit_email.as_deref(),
        Some("ada@users.noreply.example.com")
    );
    assert_eq!(user.shared_runners_minutes_limit, Some(400));
    assert_eq!(user.extra_shared_runners_minutes_limit, None);
    assert_eq!(
        user.scim_identities,
        vec![types::ScimIdentity {
            extern_uid: Some("scim-ada".into()),
            group_id: Some(6_000_000_002),
            active: Some(true)
        }]
    );
    assert_eq!(user.is_admin, Some(false));
    assert_eq!(user.note.as_deref(), Some("Met at the conference"));
    assert_eq!(user.namespace_id, Some(7_000_000_003));
    assert_basic_user(user.created_by.as_ref().expect("created_by"), 1, "root");
    assert_eq!(
        rfc3339(user.email_reset_offered_at),
        Some("2024-02-03T04:05:06+00:00".into())
    );
    assert_eq!(user.using_license_seat, Some(true));
    assert_eq!(user.is_auditor, Some(false));
    assert_eq!(user.provisioned_by_group_id, Some(8_000_000_004));
    assert_eq!(user.enterprise_group_id, Some(9_000_000_005));
    assert_eq!(
        rfc3339(user.enterprise_group_associated_at),
        Some("2024-03-04T05:06:07+00:00".into())
    );
}

fn ssh_key_json(id: i64) -> Value {
    json!({
        "id": id,
        "title": "laptop",
        "created_at": "2024-05-06T07:08:09Z",
        "expires_at": "2026-05-06T00:00:00Z",
        "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ada@laptop",
        "usage_type": "auth"
    })
}

fn assert_ssh_key(key: &types::SshKey, id: i64) {
    assert_eq!(key.id, id);
    assert_eq!(key.title.as_deref(), Some("laptop"));
    assert_eq!(
        rfc3339(key.created_at),
        Some("2024-05-06T07:08:09+00:00".into())
    );
    assert_eq!(
        rfc3339(key.expires_at),
        Some("2026-05-06T00:00:00+00:00".into())
    );
    assert_eq!(
        key.key.as_deref(),
        Some("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ada@laptop")
    );
    assert_eq!(key.usage_type, Some(types::SshKeyUsageType::Auth));
}

fn gpg_key_json(id: i64) -> Value {
    json!({
        "id": id,
        "key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\nexample\n-----END PGP PUBLIC KEY BLOCK-----",
        "created_at": "2024-05-06T07:08:09.264Z"
    })
}

fn assert_gpg_key(key: &types::GpgKey, id: i64) {
    assert_eq!(key.id, id);
    assert!(
        key.key
            .as_deref()
            .is_some_and(|k| k.starts_with("-----BEGIN PGP"))
    );
    assert_eq!(
        rfc3339(key.created_at),
        Some("2024-05-06T07:08:09.264+00:00".into())
    );
}

fn token_json(with_secret: bool) -> Value {
    let mut token = json!({
        "id": ITEM_ID,
        "name": "deploy bot",
        "description": "Deploys the docs",
        "revoked": false,
        "created_at": "2024-05-06T07:08:09.283Z",
        "scopes": ["api", "read_repository"],
        "user_id": USER_ID,
        "last_used_at": null,
        "active": true,
        "expires_at": "2025-04-04",
        "impersonation": true
    });
    if with_secret {
        token["token"] = json!("glimpat-new-secret");
    }
    token
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
                    ("username", "ada"),
                    ("extern_uid", "cn=ada,ou=people"),
                    ("provider", "ldapmain"),
                    ("search", "ada lovelace"),
                    ("active", "true"),
                    ("humans", "true"),
                    ("exclude_active", "false"),
                    ("exclude_humans", "false"),
                    ("external", "false"),
                    ("exclude_external", "true"),
                    ("blocked", "false"),
                    ("created_after", "2024-01-02T03:04:05Z"),
                    ("created_before", "2024-12-31T23:59:59Z"),
                    ("without_projects", "true"),
                    ("exclude_internal", "true"),
                    ("without_project_bots", "true"),
                    ("admins", "false"),
                    ("two_factor", "enabled"),
                    ("order_by", "username"),
                    ("sort", "asc"),
                    ("page", "2"),
                    ("per_page", "50"),
                    ("with_custom_attributes", "true"),
                    ("skip_ldap", "false"),
                    ("saml_provider_id", "5000000001"),
                    ("auditors", "false"),
                ],
            )
            .header("private-token", TOKEN)
            .header("accept", "application/json")
            .header("user-agent", user_apis::runtime::DEFAULT_USER_AGENT)
            .header_missing("authorization")
            .header_missing("sudo")
            .header_missing("api-version");
            then.status(200)
                .header("x-next-page", "3")
                .header("x-total", "120")
                .json_body(json!([
                    admin_user_json("Ada Lovelace"),
                    basic_user_json(7, "bob")
                ]));
        })
        .await;

    let created_after: chrono::DateTime<chrono::Utc> =
        "2024-01-02T03:04:05Z".parse().expect("timestamp");
    let created_before: chrono::DateTime<chrono::Utc> =
        "2024-12-31T23:59:59Z".parse().expect("timestamp");
    let page = client(&server)
        .list_users()
        .username("ada")
        .extern_uid("cn=ada,ou=people")
        .provider("ldapmain")
        .search("ada lovelace")
        .active(true)
        .humans(true)
        .exclude_active(false)
        .exclude_humans(false)
        .external(false)
        .exclude_external(true)
        .blocked(false)
        .created_after(created_after)
        .created_before(created_before)
        .without_projects(true)
        .exclude_internal(true)
        .without_project_bots(true)
        .admins(false)
        .two_factor(types::TwoFactorFilter::Enabled)
        .order_by(types::UserOrderBy::Username)
        .sort(types::SortOrder::Asc)
        .page(2)
        .per_page(50)
        .with_custom_attributes(true)
        .skip_ldap(false)
        .saml_provider_id(5_000_000_001)
        .auditors(false)
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("list succeeds");
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers().get("x-total").and_then(|v| v.to_str().ok()),
        Some("120")
    );
    assert_eq!(page.len(), 2);
    assert_admin_user(&page[0], "Ada Lovelace");
    // A non-admin shape decodes into the same type, the admin fields left empty.
    assert_eq!((page[1].id, page[1].username.as_str()), (7, "bob"));
    assert_eq!(page[1].email, None);
    assert!(page[1].identities.is_empty());
}

#[tokio::test]
async fn create_user_sends_the_body_and_decodes_the_admin_view() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users", &[])
                .header("private-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(json!({
                    "email": "ada@corp.example.com",
                    "name": "Ada Lovelace",
                    "username": "ada",
                    "reset_password": true,
                    "skip_confirmation": true,
                    "projects_limit": 100,
                    "extern_uid": "cn=ada,ou=people",
                    "provider": "ldapmain",
                    "bio": "Analyst",
                    "admin": false,
                    "can_create_group": true,
                    "external": false,
                    "theme_id": 1,
                    "private_profile": false,
                    "note": "Met at the conference",
                    "view_diffs_file_by_file": true,
                    "shared_runners_minutes_limit": 400,
                    "group_id_for_saml": 6_000_000_002_i64,
                    "auditor": false
                }));
            then.status(201).json_body(admin_user_json("Ada Lovelace"));
        })
        .await;

    let body = types::NewUser::builder()
        .email("ada@corp.example.com")
        .name("Ada Lovelace")
        .username("ada")
        .reset_password(true)
        .skip_confirmation(true)
        .projects_limit(100)
        .extern_uid("cn=ada,ou=people".to_string())
        .provider("ldapmain".to_string())
        .bio("Analyst".to_string())
        .admin(false)
        .can_create_group(true)
        .external(false)
        .theme_id(1)
        .private_profile(false)
        .note("Met at the conference".to_string())
        .view_diffs_file_by_file(true)
        .shared_runners_minutes_limit(400)
        .group_id_for_saml(6_000_000_002)
        .auditor(false);
    let created = client(&server)
        .create_user()
        .body(body)
        .send()
        .await
        .expect("create succeeds");

    mock.assert_async().await;
    assert_eq!(created.status(), 201);
    assert_admin_user(&created, "Ada Lovelace");
}

#[tokio::test]
async fn get_user_with_an_id_above_two_to_the_31() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/3000000000",
                &[("with_custom_attributes", "true")],
            )
            .header("private-token", TOKEN);
            // An administrator reading one user also gets these four.
            let mut user = admin_user_json("Ada Lovelace");
            user["highest_role"] = json!(40);
            user["current_sign_in_ip"] = json!("203.0.113.7");
            user["last_sign_in_ip"] = json!("2001:db8::1");
            user["sign_in_count"] = json!(12);
            then.status(200).json_body(user);
        })
        .await;

    let user = client(&server)
        .get_user()
        .id(USER_ID)
        .with_custom_attributes(true)
        .send()
        .await
        .expect("get succeeds");

    mock.assert_async().await;
    assert_eq!(user.id, 3_000_000_000);
    assert_admin_user(&user, "Ada Lovelace");
    assert_eq!(user.highest_role, Some(40));
    assert_eq!(user.current_sign_in_ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(user.last_sign_in_ip.as_deref(), Some("2001:db8::1"));
    assert_eq!(user.sign_in_count, Some(12));
}

#[tokio::test]
async fn update_user_sends_only_the_fields_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, PUT, &user_path(""), &[])
                .header("private-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(json!({
                    "name": "Augusta Ada King",
                    "skip_reconfirmation": true,
                    "email": "augusta@corp.example.com",
                    "twitter": "ada_tw",
                    "extra_shared_runners_minutes_limit": 50
                }));
            then.status(200)
                .json_body(admin_user_json("Augusta Ada King"));
        })
        .await;

    let body = types::UserInput::builder()
        .name("Augusta Ada King".to_string())
        .skip_reconfirmation(true)
        .email("augusta@corp.example.com".to_string())
        .twitter("ada_tw".to_string())
        .extra_shared_runners_minutes_limit(50);
    let updated = client(&server)
        .update_user()
        .id(USER_ID)
        .body(body)
        .send()
        .await
        .expect("update succeeds");

    mock.assert_async().await;
    assert_admin_user(&updated, "Augusta Ada King");
}

#[tokio::test]
async fn delete_user_hard() {
    let server = MockServer::start_async().await;
    let mock = server.delete_user(|when, then| {
        let when = when.id(USER_ID).hard_delete(true).sudo(None).into_inner();
        query_count(when, 1).header("private-token", TOKEN).body("");
        then.no_content();
    });

    let client = client(&server);
    expect_empty(
        client.delete_user().id(USER_ID).hard_delete(true).send(),
        204,
    )
    .await;
    mock.assert_async().await;
}

#[tokio::test]
async fn get_user_status_by_username() {
    let server = MockServer::start_async().await;
    let mock = mock_plain(
        &server,
        GET,
        "/api/v4/users/ada/status",
        200,
        Some(json!({
            "emoji": "coffee",
            "availability": "busy",
            "message": "Reviewing **specs**",
            "message_html": "Reviewing <strong>specs</strong>",
            "clear_status_at": "2024-06-07T18:00:00Z"
        })),
    )
    .await;

    let status = client(&server)
        .get_user_status()
        .user_id("ada")
        .send()
        .await
        .expect("status");

    mock.assert_async().await;
    assert_eq!(status.emoji.as_deref(), Some("coffee"));
    assert_eq!(status.availability, Some(types::UserAvailability::Busy));
    assert_eq!(status.message.as_deref(), Some("Reviewing **specs**"));
    assert_eq!(
        status.message_html.as_deref(),
        Some("Reviewing <strong>specs</strong>")
    );
    assert_eq!(
        rfc3339(status.clear_status_at),
        Some("2024-06-07T18:00:00+00:00".into())
    );
}

#[tokio::test]
async fn follow_and_unfollow_return_the_user() {
    let server = MockServer::start_async().await;
    let follow = mock_plain(
        &server,
        POST,
        &user_path("/follow"),
        201,
        Some(public_user_json()),
    )
    .await;
    let unfollow = mock_plain(
        &server,
        POST,
        &user_path("/unfollow"),
        201,
        Some(public_user_json()),
    )
    .await;

    let client = client(&server);
    let followed = client
        .follow_user()
        .id(USER_ID)
        .send()
        .await
        .expect("follow");
    let unfollowed = client
        .unfollow_user()
        .id(USER_ID)
        .send()
        .await
        .expect("unfollow");

    follow.assert_async().await;
    unfollow.assert_async().await;
    assert_eq!(followed.status(), 201);
    assert_public_user(&followed);
    assert_public_user(&unfollowed);
}

#[tokio::test]
async fn following_again_is_an_unexpected_304_not_a_panic() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(user_path("/follow"));
            then.status(304);
        })
        .await;

    let error = client(&server)
        .follow_user()
        .id(USER_ID)
        .send()
        .await
        .expect_err("304");

    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(304));
}

/// `send_or_unchanged` reads GitLab's 304 (already followed, or not followed) as `Ok(None)`,
/// the user of a 201 as `Some`, and keeps every other answer's error.
#[tokio::test]
async fn following_or_unfollowing_twice_is_unchanged_with_send_or_unchanged() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    for (rest, status) in [("/follow", 201), ("/follow", 304), ("/unfollow", 304)] {
        let body = (status == 201).then(public_user_json);
        let mock = mock_plain(&server, POST, &user_path(rest), status, body).await;
        let outcome = if rest == "/follow" {
            client.follow_user().id(USER_ID).send_or_unchanged().await
        } else {
            client.unfollow_user().id(USER_ID).send_or_unchanged().await
        };
        mock.assert_async().await;
        mock.delete_async().await;
        match outcome.expect("201 and 304 succeed") {
            Some(user) => {
                assert_eq!((rest, status), ("/follow", 201));
                assert_eq!(user.status(), 201);
                assert_public_user(&user);
            }
            None => assert_eq!(status, 304, "{rest}"),
        }
    }

    mock_plain(
        &server,
        POST,
        &user_path("/unfollow"),
        404,
        Some(json!({"message": "404 User Not Found"})),
    )
    .await;
    let error = client
        .unfollow_user()
        .id(USER_ID)
        .send_or_unchanged()
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        error.error_body().and_then(|body| body.message.as_ref()),
        Some(&json!("404 User Not Found"))
    );
}

#[tokio::test]
async fn list_user_following_and_followers() {
    let server = MockServer::start_async().await;
    let following = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &user_path("/following"),
                &[("page", "1"), ("per_page", "2")],
            )
            .header("private-token", TOKEN);
            then.status(200).json_body(json!([
                basic_user_json(10, "carol"),
                basic_user_json(11, "dan")
            ]));
        })
        .await;
    let followers = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &user_path("/followers"),
                &[("page", "3"), ("per_page", "1")],
            )
            .header("private-token", TOKEN);
            then.status(200)
                .json_body(json!([basic_user_json(5_000_000_000, "erin")]));
        })
        .await;

    let client = client(&server);
    let followed = client
        .list_user_following()
        .id(USER_ID)
        .page(1)
        .per_page(2)
        .send()
        .await
        .expect("following");
    let followers_page = client
        .list_user_followers()
        .id(USER_ID)
        .page(3)
        .per_page(1)
        .send()
        .await
        .expect("followers");

    following.assert_async().await;
    followers.assert_async().await;
    assert_eq!(followed.len(), 2);
    assert_basic_user(&followed[0], 10, "carol");
    assert_basic_user(&followed[1], 11, "dan");
    assert_basic_user(&followers_page[0], 5_000_000_000, "erin");
}

#[tokio::test]
async fn disable_two_factor_and_delete_identity() {
    let server = MockServer::start_async().await;
    let two_factor = server.disable_user_two_factor(|when, then| {
        let when = when.id(USER_ID).sudo(None).into_inner();
        query_count(when, 0).header("private-token", TOKEN).body("");
        then.no_content();
    });
    let identity = server.delete_user_identity(|when, then| {
        let when = when
            .id(USER_ID)
            .provider("ldapmain")
            .sudo(None)
            .into_inner();
        query_count(when, 0).header("private-token", TOKEN).body("");
        then.no_content();
    });

    let client = client(&server);
    expect_empty(client.disable_user_two_factor().id(USER_ID).send(), 204).await;
    expect_empty(
        client
            .delete_user_identity()
            .id(USER_ID)
            .provider("ldapmain")
            .send(),
        204,
    )
    .await;

    two_factor.assert_async().await;
    identity.assert_async().await;
}

#[tokio::test]
async fn list_user_project_deploy_keys() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/ada/project_deploy_keys",
                &[("page", "1"), ("per_page", "20")],
            )
            .header("private-token", TOKEN);
            then.status(200).json_body(json!([{
                "id": ITEM_ID,
                "title": "CI deploy",
                "created_at": "2024-05-06T07:08:09Z",
                "expires_at": null,
                "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeploy",
                "usage_type": "auth_and_signing",
                "fingerprint": "4a:9d:64:15:ed:3a:e6:07:6e:89:36:b3:3b:03:05:d9",
                "fingerprint_sha256": "SHA256:Jrs3LD1Ji30xNLtTVf9NDCj7kkBgPBb2pjvTZ3HfIgU",
                "projects_with_write_access": [{
                    "id": 6_000_000_006_i64,
                    "description": "the engine",
                    "name": "engine",
                    "name_with_namespace": "Ada / engine",
                    "path": "engine",
                    "path_with_namespace": "ada/engine",
                    "created_at": "2023-01-01T00:00:00Z"
                }],
                "projects_with_readonly_access": []
            }]));
        })
        .await;

    let keys = client(&server)
        .list_user_project_deploy_keys()
        .user_id("ada")
        .page(1)
        .per_page(20)
        .send()
        .await
        .expect("deploy keys");

    mock.assert_async().await;
    let key = &keys[0];
    assert_eq!(key.id, ITEM_ID);
    assert_eq!(key.title.as_deref(), Some("CI deploy"));
    assert_eq!(key.expires_at, None);
    assert_eq!(key.usage_type, Some(types::SshKeyUsageType::AuthAndSigning));
    assert_eq!(
        key.fingerprint.as_deref(),
        Some("4a:9d:64:15:ed:3a:e6:07:6e:89:36:b3:3b:03:05:d9")
    );
    assert_eq!(
        key.fingerprint_sha256.as_deref(),
        Some("SHA256:Jrs3LD1Ji30xNLtTVf9NDCj7kkBgPBb2pjvTZ3HfIgU")
    );
    let project = &key.projects_with_write_access[0];
    assert_eq!(project.id, Some(6_000_000_006));
    assert_eq!(project.path_with_namespace.as_deref(), Some("ada/engine"));
    assert_eq!(project.name_with_namespace.as_deref(), Some("Ada / engine"));
    assert_eq!(
        rfc3339(project.created_at),
        Some("2023-01-01T00:00:00+00:00".into())
    );
    assert!(key.projects_with_readonly_access.is_empty());
}

#[tokio::test]
async fn ssh_keys_list_add_get_and_delete() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                "/api/v4/users/ada/keys",
                &[("page", "1"), ("per_page", "100")],
            )
            .header("private-token", TOKEN);
            then.status(200)
                .json_body(json!([ssh_key_json(ITEM_ID), ssh_key_json(ITEM_ID + 1)]));
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            exact(when, POST, &user_path("/keys"), &[])
                .header("private-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(json!({
                    "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ada@laptop",
                    "title": "laptop",
                    "expires_at": "2026-05-06T00:00:00Z",
                    "usage_type": "auth"
                }));
            then.status(201).json_body(ssh_key_json(ITEM_ID));
        })
        .await;
    let key_path = user_path(&format!("/keys/{ITEM_ID}"));
    let get = mock_plain(&server, GET, &key_path, 200, Some(ssh_key_json(ITEM_ID))).await;
    let delete = mock_plain(&server, DELETE, &key_path, 204, None).await;

    let client = client(&server);
    let keys = client
        .list_user_ssh_keys()
        .user_id("ada")
        .page(1)
        .per_page(100)
        .send()
        .await
        .expect("list");
    let body = types::AddSshKeyRequest::builder()
        .key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ada@laptop")
        .title("laptop")
        .expires_at(
            "2026-05-06T00:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .expect("timestamp"),
        )
        .usage_type(types::SshKeyUsageType::Auth);
    let added = client
        .add_user_ssh_key()
        .user_id(USER_ID)
        .body(body)
        .send()
        .await
        .expect("add");
    let fetched = client
        .get_user_ssh_key()
        .id(USER_ID)
        .key_id(ITEM_ID)
        .send()
        .await
        .expect("get");
    expect_empty(
        client
            .delete_user_ssh_key()
            .id(USER_ID)
            .key_id(ITEM_ID)
            .send(),
        204,
    )
    .await;

    for mock in [&list, &add, &get, &delete] {
        mock.assert_async().await;
    }
    assert_ssh_key(&keys[0], ITEM_ID);
    assert_ssh_key(&keys[1], ITEM_ID + 1);
    assert_eq!(added.status(), 201);
    assert_ssh_key(&added, ITEM_ID);
    assert_ssh_key(&fetched, ITEM_ID);
}

#[tokio::test]
async fn gpg_keys_list_add_get_delete_and_revoke() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &user_path("/gpg_keys"),
                &[("page", "2"), ("per_page", "10")],
            )
            .header("private-token", TOKEN);
            then.status(200).json_body(json!([gpg_key_json(ITEM_ID)]));
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            exact(when, POST, &user_path("/gpg_keys"), &[])
                .header("private-token", TOKEN)
                .json_body(json!({"key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\nexample"}));
            then.status(201).json_body(gpg_key_json(ITEM_ID));
        })
        .await;
    let key_path = user_path(&format!("/gpg_keys/{ITEM_ID}"));
    let get = mock_plain(&server, GET, &key_path, 200, Some(gpg_key_json(ITEM_ID))).await;
    let delete = mock_plain(&server, DELETE, &key_path, 204, None).await;
    let revoke = mock_plain(&server, POST, &format!("{key_path}/revoke"), 202, None).await;

    let client = client(&server);
    let keys = client
        .list_user_gpg_keys()
        .id(USER_ID)
        .page(2)
        .per_page(10)
        .send()
        .await
        .expect("list");
    let added = client
        .add_user_gpg_key()
        .id(USER_ID)
        .body(types::AddGpgKeyRequest {
            key: "-----BEGIN PGP PUBLIC KEY BLOCK-----\nexample".into(),
        })
        .send()
        .await
        .expect("add");
    let fetched = client
        .get_user_gpg_key()
        .id(USER_ID)
        .key_id(ITEM_ID)
        .send()
        .await
        .expect("get");
    expect_empty(
        client
            .delete_user_gpg_key()
            .id(USER_ID)
            .key_id(ITEM_ID)
            .send(),
        204,
    )
    .await;
    expect_empty(
        client
            .revoke_user_gpg_key()
            .id(USER_ID)
            .key_id(ITEM_ID)
            .send(),
        202,
    )
    .await;

    for mock in [&list, &add, &get, &delete, &revoke] {
        mock.assert_async().await;
    }
    assert_gpg_key(&keys[0], ITEM_ID);
    assert_eq!(added.status(), 201);
    assert_gpg_key(&added, ITEM_ID);
    assert_gpg_key(&fetched, ITEM_ID);
}

#[tokio::test]
async fn emails_list_add_and_delete() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &user_path("/emails"),
                &[("page", "1"), ("per_page", "5")],
            )
            .header("private-token", TOKEN);
            then.status(200).json_body(json!([
                {"id": ITEM_ID, "email": "ada@example.com", "confirmed_at": "2024-01-02T03:04:05Z"},
                {"id": ITEM_ID + 1, "email": "countess@example.com", "confirmed_at": null}
            ]));
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            exact(when, POST, &user_path("/emails"), &[])
                .header("private-token", TOKEN)
                .json_body(json!({"email": "countess@example.com", "skip_confirmation": true}));
            then.status(201)
                .json_body(json!({"id": ITEM_ID + 1, "email": "countess@example.com", "confirmed_at": "2024-06-07T08:09:10Z"}));
        })
        .await;
    let delete = mock_plain(
        &server,
        DELETE,
        &user_path(&format!("/emails/{ITEM_ID}")),
        204,
        None,
    )
    .await;

    let client = client(&server);
    let emails = client
        .list_user_emails()
        .id(USER_ID)
        .page(1)
        .per_page(5)
        .send()
        .await
        .expect("list");
    let added = client
        .add_user_email()
        .id(USER_ID)
        .body(
            types::AddEmailRequest::builder()
                .email("countess@example.com")
                .skip_confirmation(true),
        )
        .send()
        .await
        .expect("add");
    expect_empty(
        client
            .delete_user_email()
            .id(USER_ID)
            .email_id(ITEM_ID)
            .send(),
        204,
    )
    .await;

    for mock in [&list, &add, &delete] {
        mock.assert_async().await;
    }
    assert_eq!(emails[0].id, ITEM_ID);
    assert_eq!(emails[0].email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        rfc3339(emails[0].confirmed_at),
        Some("2024-01-02T03:04:05+00:00".into())
    );
    assert_eq!(emails[1].confirmed_at, None);
    assert_eq!(added.id, ITEM_ID + 1);
    assert_eq!(
        rfc3339(added.confirmed_at),
        Some("2024-06-07T08:09:10+00:00".into())
    );
}

#[tokio::test]
async fn state_changes_post_without_a_body_and_ignore_what_comes_back() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    // GitLab answers several of these with `true` or a small object; the client ignores it.
    // (`unblock_user` reads its answer: see the next test.)
    let cases = [
        ("/activate", 201, Some(json!(true))),
        ("/approve", 201, Some(json!({"message": "Success"}))),
        ("/reject", 200, None),
        ("/deactivate", 201, Some(json!(true))),
        ("/block", 201, Some(json!(true))),
        ("/ban", 201, Some(json!(true))),
        ("/unban", 201, Some(json!(true))),
    ];
    let mut mocks = Vec::new();
    for (suffix, status, body) in &cases {
        mocks.push(mock_plain(&server, POST, &user_path(suffix), *status, body.clone()).await);
    }

    expect_empty(client.activate_user().id(USER_ID).send(), 201).await;
    expect_empty(client.approve_user().id(USER_ID).send(), 201).await;
    expect_empty(client.reject_user().id(USER_ID).send(), 200).await;
    expect_empty(client.deactivate_user().id(USER_ID).send(), 201).await;
    expect_empty(client.block_user().id(USER_ID).send(), 201).await;
    expect_empty(client.ban_user().id(USER_ID).send(), 201).await;
    expect_empty(client.unban_user().id(USER_ID).send(), 201).await;

    for mock in &mocks {
        mock.assert_async().await;
    }
}

/// GitLab answers an unblock with `true`, or with `false` (still 201) when it did not unblock
/// the user, such as one who was not blocked; the client hands back which.
#[tokio::test]
async fn unblock_user_tells_whether_the_user_was_unblocked() {
    for unblocked in [true, false] {
        let server = MockServer::start_async().await;
        let mock = mock_plain(
            &server,
            POST,
            &user_path("/unblock"),
            201,
            Some(json!(unblocked)),
        )
        .await;

        let answer = client(&server).unblock_user().id(USER_ID).send().await;

        mock.assert_async().await;
        let answer = answer.expect("unblock");
        assert_eq!(answer.status().as_u16(), 201);
        assert_eq!(answer.into_inner(), unblocked);
    }
}

/// A 400 from activate or deactivate (the user's state does not allow the change) is GitLab's
/// error object, decoded.
#[tokio::test]
async fn activate_and_deactivate_refusals_decode_the_error() {
    let server = MockServer::start_async().await;
    let message = "State cannot transition via \"activate\"";
    let mut mocks = Vec::new();
    for suffix in ["/activate", "/deactivate"] {
        let body = Some(json!({"message": message}));
        mocks.push(mock_plain(&server, POST, &user_path(suffix), 400, body).await);
    }
    let client = client(&server);

    for error in [
        client.activate_user().id(USER_ID).send().await,
        client.deactivate_user().id(USER_ID).send().await,
    ]
    .map(|answer| answer.expect_err("refused"))
    {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
        let body = error.error_body().expect("typed error body");
        assert_eq!(body.message, Some(json!(message)));
    }
    for mock in &mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn list_user_memberships_of_one_type() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &user_path("/memberships"),
                &[("type", "Project"), ("page", "1"), ("per_page", "30")],
            )
            .header("private-token", TOKEN);
            then.status(200).json_body(json!([
                {"source_id": 6_000_000_006_i64, "source_name": "engine", "source_type": "Project", "access_level": 30},
                {"source_id": 12, "source_name": "Engines", "source_type": "Namespace", "access_level": 50}
            ]));
        })
        .await;

    let memberships = client(&server)
        .list_user_memberships()
        .user_id(USER_ID)
        .type_(types::MembershipSourceType::Project)
        .page(1)
        .per_page(30)
        .send()
        .await
        .expect("memberships");

    mock.assert_async().await;
    assert_eq!(
        memberships.as_slice(),
        [
            types::Membership {
                source_id: Some(6_000_000_006),
                source_name: Some("engine".into()),
                source_type: Some(types::MembershipSourceType::Project),
                access_level: Some(30),
            },
            types::Membership {
                source_id: Some(12),
                source_name: Some("Engines".into()),
                source_type: Some(types::MembershipSourceType::Namespace),
                access_level: Some(50),
            },
        ]
    );
}

#[tokio::test]
async fn get_user_associations_count() {
    let server = MockServer::start_async().await;
    let counts = types::UserAssociationsCount {
        groups_count: Some(2),
        projects_count: Some(3),
        issues_count: Some(5),
        merge_requests_count: Some(8),
    };
    let mock = server.get_user_associations_count(|when, then| {
        let when = when.id(USER_ID).sudo(None).into_inner();
        query_count(when, 0).header("private-token", TOKEN);
        then.ok(&counts);
    });

    let fetched = client(&server)
        .get_user_associations_count()
        .id(USER_ID)
        .send()
        .await
        .expect("counts");

    mock.assert_async().await;
    assert_eq!(*fetched, counts);
}

#[tokio::test]
async fn impersonation_tokens_list_create_get_and_revoke() {
    let server = MockServer::start_async().await;
    let base = user_path("/impersonation_tokens");
    let list = server
        .mock_async(|when, then| {
            exact(
                when,
                GET,
                &base,
                &[("page", "1"), ("per_page", "20"), ("state", "active")],
            )
            .header("private-token", TOKEN);
            then.status(200).json_body(json!([token_json(false)]));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            exact(when, POST, &base, &[])
                .header("private-token", TOKEN)
                .json_body(json!({
                    "name": "deploy bot",
                    "description": "Deploys the docs",
                    "expires_at": "2025-04-04",
                    "scopes": ["api", "read_repository"]
                }));
            then.status(201).json_body(token_json(true));
        })
        .await;
    let token_path = format!("{base}/{ITEM_ID}");
    let get = mock_plain(&server, GET, &token_path, 200, Some(token_json(false))).await;
    let revoke = mock_plain(&server, DELETE, &token_path, 204, None).await;

    let client = client(&server);
    let tokens = client
        .list_impersonation_tokens()
        .user_id(USER_ID)
        .page(1)
        .per_page(20)
        .state(types::TokenStateFilter::Active)
        .send()
        .await
        .expect("list");
    let body = types::CreateImpersonationTokenRequest::builder()
        .name("deploy bot")
        .description("Deploys the docs".to_string())
        .expires_at(date(2025, 4, 4))
        .scopes(vec![
            types::TokenScope::Api,
            types::TokenScope::ReadRepository,
        ]);
    let created = client
        .create_impersonation_token()
        .user_id(USER_ID)
        .body(body)
        .send()
        .await
        .expect("create");
    let fetched = client
        .get_impersonation_token()
        .user_id(USER_ID)
        .impersonation_token_id(ITEM_ID)
        .send()
        .await
        .expect("get");
    expect_empty(
        client
            .revoke_impersonation_token()
            .user_id(USER_ID)
            .impersonation_token_id(ITEM_ID)
            .send(),
        204,
    )
    .await;

    for mock in [&list, &create, &get, &revoke] {
        mock.assert_async().await;
    }
    for token in [&tokens[0], &*fetched] {
        assert_eq!(token.id, ITEM_ID);
        assert_eq!(token.name.as_deref(), Some("deploy bot"));
        assert_eq!(token.description.as_deref(), Some("Deploys the docs"));
        assert_eq!(token.revoked, Some(false));
        assert_eq!(
            rfc3339(token.created_at),
            Some("2024-05-06T07:08:09.283+00:00".into())
        );
        assert_eq!(
            token.scopes,
            vec![types::TokenScope::Api, types::TokenScope::ReadRepository]
        );
        assert_eq!(token.user_id, Some(USER_ID));
        assert_eq!(token.last_used_at, None);
        assert_eq!(token.active, Some(true));
        assert_eq!(token.expires_at, Some(date(2025, 4, 4)));
        assert_eq!(token.impersonation, Some(true));
    }
    assert_eq!(created.status(), 201);
    assert_eq!(created.id, ITEM_ID);
    assert_eq!(
        created.token.as_ref().map(|t| t.expose()),
        Some("glimpat-new-secret")
    );
    assert!(
        !format!("{created:?}").contains("glimpat-new-secret"),
        "the secret is redacted"
    );
    assert_eq!(created.impersonation, Some(true));
    assert_eq!(created.expires_at, Some(date(2025, 4, 4)));
}

/// GitLab refuses an impersonation token without scopes (400, "scopes can't be blank"), so the
/// client refuses to send one.
#[tokio::test]
async fn an_impersonation_token_without_scopes_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201);
        })
        .await;

    let error = client(&server)
        .create_impersonation_token()
        .user_id(USER_ID)
        .body(types::CreateImpersonationTokenRequest::builder().name("deploy bot"))
        .send()
        .await
        .expect_err("scopes are required");

    let Error::InvalidRequest(message) = &error else {
        panic!("not an invalid request: {error:?}")
    };
    assert!(message.contains("scopes"), "{message}");
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn create_personal_access_token_for_a_user() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, &user_path("/personal_access_tokens"), &[])
                .header("private-token", TOKEN)
                .json_body(json!({
                    "name": "cli",
                    "scopes": ["read_api", "read_user"],
                    "expires_at": "2025-12-31"
                }));
            then.status(201).json_body(json!({
                "id": ITEM_ID,
                "name": "cli",
                "revoked": false,
                "created_at": "2024-05-06T07:08:09Z",
                "scopes": ["read_api", "read_user"],
                "user_id": USER_ID,
                "last_used_at": null,
                "active": true,
                "expires_at": "2025-12-31",
                "token": "glpat-new-secret"
            }));
        })
        .await;

    let token = client(&server)
        .create_personal_access_token()
        .user_id(USER_ID)
        .body(types::CreatePersonalAccessTokenRequest {
            name: "cli".into(),
            description: None,
            scopes: vec![types::TokenScope::ReadApi, types::TokenScope::ReadUser],
            expires_at: Some(date(2025, 12, 31)),
        })
        .send()
        .await
        .expect("create");

    mock.assert_async().await;
    assert_eq!(token.status(), 201);
    assert_eq!(token.id, ITEM_ID);
    assert_eq!(token.name.as_deref(), Some("cli"));
    assert_eq!(token.revoked, Some(false));
    assert_eq!(
        rfc3339(token.created_at),
        Some("2024-05-06T07:08:09+00:00".into())
    );
    assert_eq!(
        token.scopes,
        vec![types::TokenScope::ReadApi, types::TokenScope::ReadUser]
    );
    assert_eq!(token.user_id, Some(USER_ID));
    assert_eq!(token.last_used_at, None);
    assert_eq!(token.active, Some(true));
    assert_eq!(token.expires_at, Some(date(2025, 12, 31)));
    assert_eq!(
        token.token.as_ref().map(|t| t.expose()),
        Some("glpat-new-secret")
    );
    assert!(
        !format!("{token:?}").contains("glpat-new-secret"),
        "the secret is redacted"
    );
}

#[tokio::test]
async fn custom_attributes_list_get_set_and_delete() {
    let server = MockServer::start_async().await;
    let list = mock_plain(
        &server,
        GET,
        &user_path("/custom_attributes"),
        200,
        Some(json!([{"key": "team", "value": "platform"}, {"key": "site", "value": "LON"}])),
    )
    .await;
    let attribute_path = user_path("/custom_attributes/team");
    let get = mock_plain(
        &server,
        GET,
        &attribute_path,
        200,
        Some(json!({"key": "team", "value": "platform"})),
    )
    .await;
    let set = server
        .mock_async(|when, then| {
            exact(when, PUT, &attribute_path, &[])
                .header("private-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(json!({"value": "security"}));
            then.status(200)
                .json_body(json!({"key": "team", "value": "security"}));
        })
        .await;
    let delete = mock_plain(&server, DELETE, &attribute_path, 204, None).await;

    let client = client(&server);
    let attributes = client
        .list_user_custom_attributes()
        .id(USER_ID)
        .send()
        .await
        .expect("list");
    let team = client
        .get_user_custom_attribute()
        .id(USER_ID)
        .key("team")
        .send()
        .await
        .expect("get");
    let updated = client
        .set_user_custom_attribute()
        .id(USER_ID)
        .key("team")
        .body(types::SetCustomAttributeRequest {
            value: "security".into(),
        })
        .send()
        .await
        .expect("set");
    expect_empty(
        client
            .delete_user_custom_attribute()
            .id(USER_ID)
            .key("team")
            .send(),
        204,
    )
    .await;

    for mock in [&list, &get, &set, &delete] {
        mock.assert_async().await;
    }
    let attribute = |key: &str, value: &str| types::CustomAttribute {
        key: key.into(),
        value: value.into(),
    };
    assert_eq!(
        attributes.as_slice(),
        [attribute("team", "platform"), attribute("site", "LON")]
    );
    assert_eq!(*team, attribute("team", "platform"));
    assert_eq!(*updated, attribute("team", "security"));
}

#[tokio::test]
async fn sudo_on_the_client_and_on_one_request() {
    let server = MockServer::start_async().await;
    let as_ada = server
        .mock_async(|when, then| {
            exact(when, GET, &user_path("/associations_count"), &[])
                .header("private-token", TOKEN)
                .header("sudo", "ada")
                .header_count("^sudo$", ".*", 1);
            then.status(200).json_body(json!({"groups_count": 1}));
        })
        .await;
    let as_bob = server
        .mock_async(|when, then| {
            exact(when, GET, &user_path("/status"), &[])
                .header("private-token", TOKEN)
                .header("sudo", "bob")
                .header_count("^sudo$", ".*", 1);
            then.status(200).json_body(json!({"emoji": "wave"}));
        })
        .await;

    let config = ClientConfig::new(server.base_url())
        .retry(fast_retries())
        .header(SUDO, HeaderValue::from_static("ada"));
    let client = Client::with_private_token(config, TOKEN).expect("client");
    let counts = client
        .get_user_associations_count()
        .id(USER_ID)
        .send()
        .await
        .expect("as ada");
    // The request's own Sudo replaces the client's, rather than adding a second one.
    let status = client
        .get_user_status()
        .user_id(USER_ID.to_string())
        .sudo("bob")
        .send()
        .await
        .expect("as bob");

    as_ada.assert_async().await;
    as_bob.assert_async().await;
    assert_eq!(counts.groups_count, Some(1));
    assert_eq!(status.emoji.as_deref(), Some("wave"));
}

#[tokio::test]
async fn sudo_on_one_request_without_a_client_default() {
    let server = MockServer::start_async().await;
    let mock = server.block_user(|when, then| {
        let when = when.id(USER_ID).sudo("root").into_inner();
        query_count(when, 0).header("private-token", TOKEN);
        then.created();
    });

    expect_empty(
        client(&server).block_user().id(USER_ID).sudo("root").send(),
        201,
    )
    .await;
    mock.assert_async().await;

    // A value that cannot travel in a header is refused before anything is sent.
    let error = client(&server)
        .block_user()
        .id(USER_ID)
        .sudo("line\nbreak")
        .send()
        .await
        .expect_err("invalid header value");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn oauth_tokens_travel_as_bearer() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, &user_path(""), &[])
                .header("authorization", "Bearer oauth-access-123")
                .header_missing("private-token");
            then.status(200).json_body(basic_user_json(USER_ID, "ada"));
        })
        .await;
    let config = mock_config(&server);
    let client = Client::with_oauth_token(config, "oauth-access-123").expect("client");

    let user = client.get_user().id(USER_ID).send().await.expect("get");

    mock.assert_async().await;
    assert_eq!(user.username, "ada");
    assert_eq!(user.email, None);
}

#[tokio::test]
async fn not_found_is_a_typed_error_with_the_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(user_path(""));
            then.status(404)
                .json_body(json!({"message": "404 User Not Found"}));
        })
        .await;

    let error = client(&server)
        .get_user()
        .id(USER_ID)
        .send()
        .await
        .expect_err("404");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Error::ErrorResponse(body) = error else {
        panic!("expected a typed error, got {error:?}")
    };
    assert_eq!(body.message, Some(json!("404 User Not Found")));
    assert_eq!(body.error, None);
}

#[tokio::test]
async fn validation_errors_keep_the_field_messages() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v4/users");
            then.status(400).json_body(json!({
                "message": {
                    "email": ["has already been taken"],
                    "username": ["is too short", "is reserved"]
                }
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path(user_path(""));
            then.status(400)
                .json_body(json!({"error": "theme_id is invalid"}));
        })
        .await;

    let client = client(&server);
    let body = types::NewUser::builder()
        .email("ada@corp.example.com")
        .name("Ada")
        .username("a")
        .password(user_apis::gitlab::Password::from(
            "correct horse battery staple",
        ));
    let error = client
        .create_user()
        .body(body)
        .send()
        .await
        .expect_err("400");
    let Error::ErrorResponse(body) = error else {
        panic!("expected a typed error, got {error:?}")
    };
    assert_eq!(body.status(), 400);
    let message = body.message.as_ref().expect("message");
    assert_eq!(message["email"][0], "has already been taken");
    assert_eq!(message["username"], json!(["is too short", "is reserved"]));

    let error = client
        .update_user()
        .id(USER_ID)
        .body(types::UserInput::builder().theme_id(99))
        .send()
        .await
        .expect_err("400");
    let Error::ErrorResponse(body) = error else {
        panic!("expected a typed error, got {error:?}")
    };
    assert_eq!(body.error.as_deref(), Some("theme_id is invalid"));
    assert_eq!(body.message, None);
}

#[tokio::test]
async fn an_oauth_error_and_a_conflict_are_typed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v4/users");
            then.status(401).json_body(json!({
                "error": "invalid_token",
                "error_description": "Token was revoked. You have to re-authorize from the user."
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(user_path(""));
            then.status(409).json_body(
                json!({"message": "User cannot be removed while is the sole-owner of a group"}),
            );
        })
        .await;

    let client = client(&server);
    let Error::ErrorResponse(body) = client.list_users().send().await.expect_err("401") else {
        panic!("expected a typed 401")
    };
    assert_eq!(body.status(), 401);
    assert_eq!(body.error.as_deref(), Some("invalid_token"));
    assert!(
        body.error_description
            .as_deref()
            .is_some_and(|d| d.starts_with("Token was revoked"))
    );

    let Error::ErrorResponse(body) = client
        .delete_user()
        .id(USER_ID)
        .send()
        .await
        .expect_err("409")
    else {
        panic!("expected a typed 409")
    };
    assert_eq!(body.status(), 409);
    assert!(
        body.message
            .as_ref()
            .and_then(Value::as_str)
            .is_some_and(|m| m.contains("sole-owner"))
    );
}

#[tokio::test]
async fn unknown_states_and_fields_decode() {
    let server = MockServer::start_async().await;
    let mut user = admin_user_json("Ada Lovelace");
    user["state"] = json!("suspended_by_aliens");
    user["added_in_gitlab_99"] = json!({"nested": [1, 2, 3]});
    server
        .mock_async(|when, then| {
            when.method(GET).path(user_path(""));
            then.status(200).json_body(user);
        })
        .await;

    let user = client(&server)
        .get_user()
        .id(USER_ID)
        .send()
        .await
        .expect("get");

    assert_eq!(
        user.state,
        Some(types::UserState::Unknown("suspended_by_aliens".into()))
    );
    assert_eq!(
        user.state.as_ref().map(ToString::to_string).as_deref(),
        Some("suspended_by_aliens")
    );
}

#[tokio::test]
async fn a_malformed_body_is_an_error_not_a_panic() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v4/users");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"[{"id": "not a number""#);
        })
        .await;

    let error = client(&server)
        .list_users()
        .send()
        .await
        .expect_err("malformed");

    assert!(matches!(error, Error::InvalidResponse(..)), "{error:?}");
    assert_eq!(error.operation(), Some("list_users"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.raw_body(), Some(&br#"[{"id": "not a number""#[..]));
}

#[tokio::test]
async fn stream_follows_x_next_page_lazily() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (page, next, names) in [
        (1, "2", vec!["a1", "a2"]),
        (2, "3", vec!["b1", "b2"]),
        (3, "", vec!["c1"]),
    ] {
        let users: Vec<Value> = names
            .iter()
            .enumerate()
            .map(|(i, name)| basic_user_json(USER_ID + page * 10 + i as i64, name))
            .collect();
        let page_text = page.to_string();
        pages.push(
            server
                .mock_async(|when, then| {
                    // A stream's first request is the builder's own: no `page`.
                    let query = [
                        ("page", page_text.as_str()),
                        ("per_page", "2"),
                        ("blocked", "true"),
                    ];
                    exact(when, GET, "/api/v4/users", &query[usize::from(page == 1)..])
                        .header("private-token", TOKEN)
                        .header("sudo", "root");
                    then.status(200)
                        .header("x-next-page", next)
                        .header("x-page", &page_text)
                        .header("x-total", "5")
                        .json_body(json!(users));
                })
                .await,
        );
    }

    // One page at a time: each page is fetched only when the consumer reaches it.
    let config = mock_config(&server).walk_concurrency(1);
    let client = Client::with_private_token(config, TOKEN).expect("client");
    let first: Vec<types::User> = client
        .list_users()
        .blocked(true)
        .per_page(2)
        .sudo("root")
        .stream()
        .take(2)
        .try_collect()
        .await
        .expect("first page");
    assert_eq!(first.len(), 2);
    assert_eq!(pages[0].calls_async().await, 1);
    assert_eq!(
        pages[1].calls_async().await,
        0,
        "page 2 is not fetched before it is needed"
    );

    let users: Vec<(i64, String)> = client
        .list_users()
        .blocked(true)
        .per_page(2)
        .sudo("root")
        .stream()
        .map_ok(|user| (user.id, user.username))
        .try_collect()
        .await
        .expect("every page");
    let names: Vec<&str> = users.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(names, ["a1", "a2", "b1", "b2", "c1"]);
    assert_eq!(users[4].0, USER_ID + 30);
    for page in &pages[1..] {
        page.assert_calls_async(1).await;
    }

    // A page set on the builder is where the walk starts, to resume one.
    let resumed: Vec<String> = client
        .list_users()
        .blocked(true)
        .per_page(2)
        .page(2)
        .sudo("root")
        .stream()
        .map_ok(|user| user.username)
        .try_collect()
        .await
        .expect("pages 2 and 3");
    assert_eq!(resumed, ["b1", "b2", "c1"]);
    pages[0].assert_calls_async(2).await;
    for page in &pages[1..] {
        page.assert_calls_async(2).await;
    }
}

#[tokio::test]
async fn stream_follows_the_link_header_when_x_next_page_is_absent() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let path = user_path("/followers");
    let first = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[("per_page", "1")]);
            then.status(200)
                .header(
                    "link",
                    format!(
                        r#"<{base}{path}?page=2&per_page=1>; rel="next", <{base}{path}?page=1&per_page=1>; rel="first""#
                    ),
                )
                .json_body(json!([basic_user_json(1, "first")]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            exact(when, GET, &path, &[("page", "2"), ("per_page", "1")]);
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}{path}?page=1&per_page=1>; rel="first""#),
                )
                .json_body(json!([basic_user_json(2, "second")]));
        })
        .await;

    let followers: Vec<types::UserBasic> = client(&server)
        .list_user_followers()
        .id(USER_ID)
        .per_page(1)
        .stream()
        .try_collect()
        .await
        .expect("both pages");

    first.assert_async().await;
    second.assert_async().await;
    let names: Vec<&str> = followers.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
}

#[tokio::test]
async fn every_paged_list_has_a_stream() {
    let server = MockServer::start_async().await;
    let one_page = |path: String, body: Value| {
        let server = &server;
        async move {
            server
                .mock_async(|when, then| {
                    exact(when, GET, &path, &[]);
                    then.status(200).header("x-next-page", "").json_body(body);
                })
                .await
        }
    };
    let mocks = [
        one_page(user_path("/following"), json!([basic_user_json(1, "f")])).await,
        one_page(user_path("/emails"), json!([{"id": 1, "email": "e@x"}])).await,
        one_page(user_path("/gpg_keys"), json!([gpg_key_json(1)])).await,
        one_page("/api/v4/users/ada/keys".into(), json!([ssh_key_json(1)])).await,
        one_page(
            "/api/v4/users/ada/project_deploy_keys".into(),
            json!([{"id": 1}]),
        )
        .await,
        one_page(user_path("/memberships"), json!([{"source_id": 1}])).await,
        one_page(
            user_path("/impersonation_tokens"),
            json!([token_json(false)]),
        )
        .await,
    ];

    let client = client(&server);
    let counts = [
        client
            .list_user_following()
            .id(USER_ID)
            .stream()
            .count()
            .await,
        client.list_user_emails().id(USER_ID).stream().count().await,
        client
            .list_user_gpg_keys()
            .id(USER_ID)
            .stream()
            .count()
            .await,
        client
            .list_user_ssh_keys()
            .user_id("ada")
            .stream()
            .count()
            .await,
        client
            .list_user_project_deploy_keys()
            .user_id("ada")
            .stream()
            .count()
            .await,
        client
            .list_user_memberships()
            .user_id(USER_ID)
            .stream()
            .count()
            .await,
        client
            .list_impersonation_tokens()
            .user_id(USER_ID)
            .stream()
            .count()
            .await,
    ];

    assert_eq!(counts, [1; 7]);
    for mock in &mocks {
        mock.assert_async().await;
    }
}

/// Eight pages of which `X-Total-Pages` announces 5, walked 3 at a time: pages 2 to 5 are asked
/// for before the consumer reaches them, none past the last, and the items come in order even
/// when a later page answers first.
#[tokio::test]
async fn a_stream_fetches_pages_ahead_up_to_the_last_and_keeps_their_order() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for page in 1..=8_i64 {
        let next = if page < 5 {
            (page + 1).to_string()
        } else {
            String::new()
        };
        pages.push(
            server
                .mock_async(|when, then| {
                    let page_text = page.to_string();
                    let query = [("page", page_text.as_str()), ("per_page", "2")];
                    exact(when, GET, "/api/v4/users", &query[usize::from(page == 1)..]);
                    // The first pages answer last.
                    then.status(200)
                        .delay(std::time::Duration::from_millis(10 * (8 - page as u64)))
                        .header("x-next-page", next)
                        .header("x-total-pages", "5")
                        .json_body(json!([
                            basic_user_json(page * 10, "a"),
                            basic_user_json(page * 10 + 1, "b")
                        ]));
                })
                .await,
        );
    }
    let config = mock_config(&server).walk_concurrency(3);
    let client = Client::with_private_token(config, TOKEN).expect("client");

    let users: Vec<_> = client
        .list_users()
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .expect("every page");

    let ids: Vec<i64> = users.iter().map(|user| user.id).collect();
    assert_eq!(ids, [10, 11, 20, 21, 30, 31, 40, 41, 50, 51]);
    for page in &pages[..5] {
        page.assert_calls_async(1).await;
    }
    for page in &pages[5..] {
        page.assert_calls_async(0).await;
    }
}

/// Requests ask for JSON through the client's default `Accept`, which a configured header
/// replaces.
#[tokio::test]
async fn accept_is_json_unless_configured() {
    let server = MockServer::start_async().await;
    let json = server
        .mock_async(|when, then| {
            exact(when, GET, &user_path(""), &[]).header("accept", "application/json");
            then.status(200).json_body(admin_user_json("Ada Lovelace"));
        })
        .await;
    client(&server)
        .get_user()
        .id(USER_ID)
        .send()
        .await
        .expect("get succeeds");
    json.assert_async().await;
    json.delete_async().await;

    let custom = server
        .mock_async(|when, then| {
            exact(when, GET, &user_path(""), &[]).header("accept", "application/vnd.ada+json");
            then.status(200).json_body(admin_user_json("Ada Lovelace"));
        })
        .await;
    let config = ClientConfig::new(server.base_url()).header(
        user_apis::gitlab::HeaderName::from_static("accept"),
        HeaderValue::from_static("application/vnd.ada+json"),
    );
    Client::with_private_token(config, TOKEN)
        .expect("valid client")
        .get_user()
        .id(USER_ID)
        .send()
        .await
        .expect("get succeeds");
    custom.assert_async().await;
}

/// GitLab answers some operations without data `200` where its documentation says `204`
/// (deleting a user, an email, an SSH key or an identity; disabling two-factor), sometimes with
/// a body. The server has done the work: each is a success, with the status and headers kept.
#[tokio::test]
async fn an_undocumented_2xx_to_an_operation_without_data_is_success() {
    let server = MockServer::start_async().await;
    let answered = |when: httpmock::When, method: Method, path: &str| {
        exact(when, method, path, &[])
            .header("private-token", TOKEN)
            .header_missing("sudo")
            .body("");
    };
    let cases: [(&str, String, u16, Option<Value>); 5] = [
        ("DELETE", user_path(""), 200, None),
        (
            "DELETE",
            user_path(&format!("/emails/{ITEM_ID}")),
            200,
            Some(json!({"message": "202 Accepted"})),
        ),
        ("DELETE", user_path(&format!("/keys/{ITEM_ID}")), 202, None),
        ("DELETE", user_path("/identities/ldapmain"), 200, None),
        (
            "PATCH",
            user_path("/disable_two_factor"),
            200,
            Some(basic_user_json(USER_ID, "ada")),
        ),
    ];
    let mut mocks = Vec::new();
    for (method, path, status, body) in &cases {
        mocks.push(
            server
                .mock_async(|when, then| {
                    answered(when, Method::from(*method), path);
                    let then = then.status(*status).header("x-request-id", "r-1");
                    if let Some(body) = body {
                        then.json_body(body.clone());
                    }
                })
                .await,
        );
    }

    let client = client(&server);
    let answers = [
        client.delete_user().id(USER_ID).send().await,
        client
            .delete_user_email()
            .id(USER_ID)
            .email_id(ITEM_ID)
            .send()
            .await,
        client
            .delete_user_ssh_key()
            .id(USER_ID)
            .key_id(ITEM_ID)
            .send()
            .await,
        client
            .delete_user_identity()
            .id(USER_ID)
            .provider("ldapmain")
            .send()
            .await,
        client.disable_user_two_factor().id(USER_ID).send().await,
    ];
    for ((_, path, status, _), answer) in cases.iter().zip(answers) {
        let answer = answer.unwrap_or_else(|error| panic!("{path}: {error:?}"));
        assert_eq!(answer.status().as_u16(), *status, "{path}");
        assert_eq!(answer.headers()["x-request-id"], "r-1", "{path}");
    }
    for mock in mocks {
        mock.assert_async().await;
    }
}

/// A client configured with `keep_raw_bodies` keeps each 2xx JSON body it reads as sent,
/// decoded or not, and none of an error status.
#[tokio::test]
async fn raw_bodies_are_kept_only_when_asked_and_only_for_successes() {
    use user_apis::runtime::RawBodies;

    let server = MockServer::start_async().await;
    let sent = r#"{"id": 42, "username": "ada", "name": "Ada", "state": "active", "new": []}"#;
    let mut answers = Vec::new();
    for (id, status, body) in [
        (1, 200, sent),
        (2, 200, r#"{"id": "not a number"}"#),
        (3, 404, r#"{"message": "404 User Not Found"}"#),
    ] {
        answers.push(
            server
                .mock_async(|when, then| {
                    exact(when, GET, &format!("/api/v4/users/{id}"), &[]);
                    then.status(status)
                        .header("content-type", "application/json")
                        .body(body);
                })
                .await,
        );
    }
    let raw = RawBodies::new();
    let keeping =
        Client::with_private_token(mock_config(&server).keep_raw_bodies(raw.clone()), TOKEN)
            .expect("valid client");

    let user = keeping.get_user().id(1).send().await.expect("the user");
    assert_eq!(user.username, "ada");
    assert_eq!(raw.take().as_deref(), Some(sent.as_bytes()));
    assert_eq!(raw.take(), None, "taken once");

    keeping
        .get_user()
        .id(2)
        .send()
        .await
        .expect_err("undecodable");
    assert_eq!(
        raw.take().as_deref(),
        Some(&br#"{"id": "not a number"}"#[..])
    );

    keeping.get_user().id(3).send().await.expect_err("404");
    assert_eq!(raw.take(), None, "an error status is not kept");

    for answer in &answers {
        answer.assert_async().await;
    }
}

/// Read-modify-write: the user `get_user` gives turns into the body of `update_user`, with
/// what the server assigns (id, dates, identities, custom attributes, admin flags) dropped.
#[tokio::test]
async fn a_user_read_turns_into_its_update() {
    let server = MockServer::start_async().await;
    let read = admin_user_json("Ada Lovelace");
    let get = server
        .mock_async(|when, then| {
            exact(when, GET, &format!("/api/v4/users/{USER_ID}"), &[]);
            then.status(200).json_body(read.clone());
        })
        .await;
    // The fields both forms have, as read, the one changed excepted; `null`s are left out.
    let shared = [
        "bio",
        "can_create_group",
        "color_scheme_id",
        "commit_email",
        "discord",
        "email",
        "external",
        "extra_shared_runners_minutes_limit",
        "linkedin",
        "location",
        "name",
        "note",
        "organization",
        "private_profile",
        "projects_limit",
        "pronouns",
        "public_email",
        "shared_runners_minutes_limit",
        "skype",
        "theme_id",
        "twitter",
        "username",
        "website_url",
    ];
    let mut expected = serde_json::Map::new();
    for name in shared {
        if let Some(value) = read.get(name).filter(|value| !value.is_null()) {
            expected.insert(name.to_string(), value.clone());
        }
    }
    expected.insert("location".to_string(), json!("London"));
    let put = server
        .mock_async(|when, then| {
            exact(when, PUT, &format!("/api/v4/users/{USER_ID}"), &[])
                .json_body(Value::Object(expected.clone()));
            then.status(200).json_body(read.clone());
        })
        .await;

    let client = client(&server);
    let user = client.get_user().id(USER_ID).send().await.expect("read");
    let mut update = types::UserInput::from(user.into_inner());
    update.location = Some("London".to_string());
    client
        .update_user()
        .id(USER_ID)
        .body(update)
        .send()
        .await
        .expect("updated");

    get.assert_async().await;
    put.assert_async().await;
    assert!(expected.len() > 15, "{expected:?}");
    assert!(!expected.contains_key("id") && !expected.contains_key("custom_attributes"));
}
