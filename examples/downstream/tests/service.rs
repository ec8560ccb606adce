//! The service against the facade's typed mocks, as a downstream test suite writes it: one
//! mock server for every provider, the mocks of two providers in one module, fixtures from
//! `Default` and builders, plain values everywhere.

use user_apis::httpmock::MockServer;
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_downstream::{Accounts, Servers};

// The mocks of all four providers in one module, on one server: each provider's
// `mock::Server` has its operations (`okta::mock::Server(&server).get_user(..)`), where the
// four `MockServerExt` traits, all with a `get_user`, could not be imported together.

fn accounts(server: &MockServer) -> Accounts {
    let url = server.base_url();
    Accounts::new(&Servers {
        okta: (url.clone(), "00a-okta-token".into()),
        gitlab: (url.clone(), "glpat-token".into()),
        mattermost: (url.clone(), "mm-token".into()),
        sendauth: (url, "api-user".into(), "pa55-w0rd".into()),
    })
    .expect("the service starts")
}

#[tokio::test]
async fn okta_onboarding_sends_the_nested_profile_once() {
    let server = MockServer::start_async().await;
    let profile: okta::types::UserProfile = okta::types::UserProfile::builder()
        .email("ada@example.com")
        .login("ada@example.com")
        .first_name("Ada")
        .last_name("Lovelace")
        .extra(user_apis::okta::serde_json::Map::from_iter([(
            "department".to_string(),
            "Engineering".into(),
        )]))
        .try_into()
        .expect("a profile");
    let created = okta::types::User {
        id: Some("00u1".into()),
        status: Some(okta::types::UserStatus::Staged),
        profile: Some(profile.clone()),
        ..Default::default()
    };
    let create = okta::mock::Server(&server).create_user(|when, then| {
        when.activate(false).body(&okta::types::UserInput {
            profile: Some(profile),
            ..Default::default()
        });
        then.ok(&created);
    });

    let user = accounts(&server)
        .onboard_on_okta("ada@example.com", "Ada", "Lovelace", "Engineering")
        .await
        .expect("created");
    assert_eq!(user, created);
    create.assert_async().await;
}

#[tokio::test]
async fn an_okta_refusal_reads_as_a_sentence() {
    let server = MockServer::start_async().await;
    let refusal = okta::types::ApiError {
        error_code: Some("E0000001".into()),
        error_summary: Some("Api validation failed: login".into()),
        ..Default::default()
    };
    let create = okta::mock::Server(&server).create_user(|_, then| {
        then.bad_request(&refusal);
    });

    let error = accounts(&server)
        .onboard_on_okta("ada@example.com", "Ada", "Lovelace", "Engineering")
        .await
        .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "400 Bad Request from create_user: Api validation failed: login"
    );
    // Never retried: the service asked for one attempt.
    create.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_gitlab_rename_is_a_read_modify_write() {
    let server = MockServer::start_async().await;
    let ada: gitlab::types::User = gitlab::types::User::builder()
        .id(3_000_000_000)
        .username("ada")
        .name("Ada")
        .bio("Analyst")
        .try_into()
        .expect("a user");
    let renamed = gitlab::types::User {
        name: "Ada Lovelace".into(),
        ..ada.clone()
    };
    let read = gitlab::mock::Server(&server).get_user(|when, then| {
        when.id(3_000_000_000);
        then.ok(&ada);
    });
    let update = gitlab::mock::Server(&server).update_user(|when, then| {
        // What was read goes back, the new name and the kept bio with it.
        when.id(3_000_000_000).body(&gitlab::types::UserInput {
            name: Some("Ada Lovelace".into()),
            ..gitlab::types::UserInput::from(ada.clone())
        });
        then.ok(&renamed);
    });

    let user = accounts(&server)
        .rename_on_gitlab(3_000_000_000, "Ada Lovelace")
        .await
        .expect("renamed");
    assert_eq!(user.name, "Ada Lovelace");
    assert_eq!(user.bio.as_deref(), Some("Analyst"));
    read.assert_async().await;
    update.assert_async().await;
}

#[tokio::test]
async fn gitlab_usernames_walk_every_page() {
    let server = MockServer::start_async().await;
    let user = |id: i64, username: &str| -> gitlab::types::User {
        gitlab::types::User::builder()
            .id(id)
            .username(username)
            .name(username)
            .try_into()
            .expect("a user")
    };
    let first = gitlab::mock::Server(&server).list_users(|when, then| {
        when.page(None).per_page(100);
        then.page(&(1..=100).map(|id| user(id, "u")).collect(), 1, 100, 101);
    });
    let last = gitlab::mock::Server(&server).list_users(|when, then| {
        when.page(2).per_page(100);
        then.page(&vec![user(101, "last")], 2, 100, 101);
    });

    let names = accounts(&server)
        .gitlab_usernames()
        .await
        .expect("every page");
    assert_eq!(names.len(), 101);
    assert_eq!(names[100], "last");
    first.assert_async().await;
    last.assert_async().await;
}

#[tokio::test]
async fn a_mattermost_team_is_walked_to_its_short_page() {
    let server = MockServer::start_async().await;
    let member = |username: &str| mattermost::types::User {
        username: Some(username.into()),
        ..Default::default()
    };
    let team = mattermost::mock::Server(&server).list_users(|when, then| {
        when.in_team("team1").active(true).per_page(200).page(None);
        then.ok(&vec![member("ada"), member("grace")]);
    });

    let names = accounts(&server)
        .mattermost_team("team1")
        .await
        .expect("one short page");
    assert_eq!(names, ["ada", "grace"]);
    team.assert_async().await;
}

#[tokio::test]
async fn a_sendauth_phone_change_keeps_the_rest_of_the_user() {
    let server = MockServer::start_async().await;
    let id = sendauth::uuid::Uuid::from_u128(0x7b0e_9a4e_3c1f_4b8e_9d2a_5f6c_7d8e_9f01);
    let ada: sendauth::types::User = sendauth::types::User::builder()
        .id(id)
        .first_name("Ada")
        .last_name("Lovelace")
        .email("ada@example.com")
        .try_into()
        .expect("a user");
    let changed = sendauth::types::User {
        phone: Some("+44 20 7946 0000".into()),
        ..ada.clone()
    };
    let read = sendauth::mock::Server(&server).get_user(|when, then| {
        when.user_id(&id);
        then.ok(&ada);
    });
    let update = sendauth::mock::Server(&server).update_user(|when, then| {
        when.user_id(&id).body(&sendauth::types::UserInput {
            phone: Some("+44 20 7946 0000".into()),
            ..sendauth::types::UserInput::from(ada.clone())
        });
        then.ok(&changed);
    });

    let user = accounts(&server)
        .set_sendauth_phone(id, "+44 20 7946 0000")
        .await
        .expect("changed");
    assert_eq!(user, changed);
    read.assert_async().await;
    update.assert_async().await;
}
