//! Type builders and `Default`, used as a user writes them: a builder fails only on a field
//! that has no obvious empty value, and its error names the type and the field.

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use user_apis::{mattermost, okta, sendauth};
use user_apis_tests::{exact, mock_config, query_count};

/// An open object's builder (its undeclared fields kept in a map) needs no `.extra(..)`, and
/// what it builds goes on the wire as set.
#[tokio::test]
async fn an_okta_profile_builds_from_its_fields_alone() {
    let profile: okta::types::UserProfile = okta::types::UserProfile::builder()
        .email("ada@example.com")
        .login("ada@example.com")
        .try_into()
        .expect("every other field is optional");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v1/users", &[("activate", "false")]).json_body(
                json!({"profile": {"email": "ada@example.com", "login": "ada@example.com"}}),
            );
            then.status(200).json_body(json!({"id": "00u1"}));
        })
        .await;
    let client = okta::Client::with_api_token(mock_config(&server), "token").expect("client");
    let body = okta::types::UserInput {
        profile: Some(profile),
        ..Default::default()
    };
    let created = client
        .create_user()
        .activate(false)
        .body(body)
        .send()
        .await
        .expect("created");
    mock.assert_async().await;
    assert_eq!(created.id.as_deref(), Some("00u1"));

    let group: okta::types::GroupProfile = okta::types::GroupProfile::builder()
        .name("Engineering")
        .try_into()
        .expect("an optional name and a map");
    assert_eq!(group.name.as_deref(), Some("Engineering"));
}

#[test]
fn mattermost_notify_props_build_empty() {
    let channel: mattermost::types::ChannelNotifyProps =
        mattermost::types::ChannelNotifyProps::builder()
            .try_into()
            .expect("every field is optional");
    assert_eq!(channel, mattermost::types::ChannelNotifyProps::default());
    let user: mattermost::types::UserNotifyProps = mattermost::types::UserNotifyProps::builder()
        .email("true")
        .try_into()
        .expect("every field is optional");
    assert_eq!(user.email.as_deref(), Some("true"));
}

/// Types whose fields can all be left out have `Default`, for fixtures without a builder.
#[test]
fn optional_only_types_have_default() {
    let profile = okta::types::UserProfile::default();
    assert_eq!(profile.login, None);
    assert!(profile.extra.is_empty());
    assert_eq!(okta::types::GroupProfile::default().name, None);
    assert_eq!(
        serde_json::to_value(mattermost::types::UserNotifyProps::default()).expect("json"),
        json!({})
    );
}

/// A field that must be given, left out, fails the build with the type's and the field's
/// names.
#[test]
fn a_missing_required_field_names_type_and_field() {
    let built: Result<sendauth::types::User, _> = sendauth::types::User::builder()
        .first_name("Ada".to_string())
        .try_into();
    let error = built.expect_err("no last name");
    assert_eq!(error.to_string(), "User: no value supplied for last_name");
}

/// A nested builder is given as it is, where the field is optional.
#[test]
fn nested_builders_compose() {
    let input: okta::types::UserInput = okta::types::UserInput::builder()
        .profile(
            okta::types::UserProfile::builder()
                .email("ada@example.com")
                .login("ada@example.com"),
        )
        .try_into()
        .expect("builds");
    assert_eq!(
        serde_json::to_value(&input).expect("json"),
        json!({"profile": {"email": "ada@example.com", "login": "ada@example.com"}})
    );
}

/// Setters take what a user has: a `&str` for an optional string, a plain number for an
/// optional number or a page size, a literal beyond `i32` for a 64-bit one, an array for a
/// list. The typed mock's setters take the same values, and both agree on the wire.
#[tokio::test]
async fn setters_take_plain_values_in_the_client_and_the_mock() {
    use user_apis::gitlab;
    use user_apis::gitlab::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let list = server.list_users(|when, then| {
        let when = when.page(2).per_page(100).search("ada");
        query_count(when.into_inner(), 3);
        then.ok(&Vec::<gitlab::types::User>::new());
    });
    let update = server.update_user(|when, then| {
        when.id(3_000_000_000).body(
            &gitlab::types::UserInput::builder()
                .theme_id(99)
                .bio("Analyst")
                .try_into()
                .expect("an update"),
        );
        then.ok(&gitlab::types::User::builder()
            .id(3_000_000_000)
            .username("ada")
            .name("Ada")
            .try_into()
            .expect("a user"));
    });
    let client = gitlab::Client::with_private_token(mock_config(&server), "token").expect("client");

    let users = client
        .list_users()
        .page(2)
        .per_page(100)
        .search("ada")
        .send()
        .await
        .expect("listed");
    assert!(users.is_empty());
    let updated = client
        .update_user()
        .id(3_000_000_000)
        .body(
            gitlab::types::UserInput::builder()
                .theme_id(99)
                .bio("Analyst"),
        )
        .send()
        .await
        .expect("updated");
    assert_eq!(updated.id, 3_000_000_000);
    list.assert_async().await;
    update.assert_async().await;

    let input: sendauth::types::UserInput = sendauth::types::UserInput::builder()
        .first_name("Ada")
        .last_name(String::from("Lovelace"))
        .email("ada@example.com")
        .permissions(["users:read", "users:write"])
        .try_into()
        .expect("builds");
    assert_eq!(input.email.as_deref(), Some("ada@example.com"));
    assert_eq!(input.permissions, ["users:read", "users:write"]);
}

/// A page size the API cannot take is refused when the request is built, naming the
/// parameter, and nothing is sent.
#[tokio::test]
async fn a_page_size_of_zero_is_refused_before_sending() {
    use user_apis::gitlab;

    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).body("[]");
        })
        .await;
    let client = gitlab::Client::with_private_token(mock_config(&server), "token").expect("client");
    let error = client
        .list_users()
        .per_page(0)
        .send()
        .await
        .expect_err("zero is no page size");
    assert!(error.to_string().contains("per_page"), "{error}");
    assert_eq!(any.calls_async().await, 0);
}
