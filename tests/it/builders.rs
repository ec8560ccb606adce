//! Type builders and `Default`, used as a user writes them: a builder fails only on a field
//! that has no obvious empty value, and its error names the type and the field.

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use user_apis::{mattermost, okta, sendauth};
use user_apis_tests::{exact, mock_config};

/// An open object's builder (its undeclared fields kept in a map) needs no `.extra(..)`, and
/// what it builds goes on the wire as set.
#[tokio::test]
async fn an_okta_profile_builds_from_its_fields_alone() {
    let profile: okta::types::UserProfile = okta::types::UserProfile::builder()
        .email(Some("ada@example.com".to_string()))
        .login(Some("ada@example.com".to_string()))
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
        .name(Some("Engineering".to_string()))
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
        .email(Some("true".to_string()))
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
                .email(Some("ada@example.com".to_string()))
                .login(Some("ada@example.com".to_string())),
        )
        .try_into()
        .expect("builds");
    assert_eq!(
        serde_json::to_value(&input).expect("json"),
        json!({"profile": {"email": "ada@example.com", "login": "ada@example.com"}})
    );
}
