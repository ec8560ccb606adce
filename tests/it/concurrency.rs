//! Clients shared between tasks: clones of one client on a multi-threaded runtime, each task
//! spawned (so every operation future and stream must be `Send + 'static` once it owns its
//! client), every call getting its own answer.

use futures_util::TryStreamExt;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_tests::{exact, mock_config};

/// Sixteen tasks, each with a clone of one Okta client, ask for sixteen users at once; each
/// gets the user it asked for, and every request carries the credential.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_calls_from_many_tasks_each_get_their_own_answer() {
    let server = MockServer::start_async().await;
    let ids: Vec<String> = (0..16).map(|i| format!("00u{i:02}")).collect();
    let mut mocks = Vec::new();
    for id in &ids {
        mocks.push(
            server
                .mock_async(|when, then| {
                    exact(when, GET, &format!("/api/v1/users/{id}"), &[])
                        .header("authorization", "SSWS t0ken");
                    then.status(200)
                        .json_body(json!({"id": id, "status": "ACTIVE"}));
                })
                .await,
        );
    }
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");

    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let client = client.clone();
            let id = id.clone();
            tokio::spawn(async move {
                let user = client.get_user().user_id(&id).send().await;
                (id, user)
            })
        })
        .collect();
    for task in tasks {
        let (id, user) = task.await.expect("the task ran");
        let user = user.expect("the call succeeds");
        assert_eq!(user.id.as_deref(), Some(id.as_str()));
        assert_eq!(user.status, Some(okta::types::UserStatus::Active));
    }
    for mock in mocks {
        mock.assert_async().await;
    }
}

/// GitLab's and SendAuth's streams, GitLab's `send_or_unchanged`, Mattermost's image download
/// and sign-in, each run in a spawned task of a multi-threaded runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_and_hand_written_calls_run_in_spawned_tasks() {
    let server = MockServer::start_async().await;
    let config = || mock_config(&server);
    let mocks = vec![
        server
            .mock_async(|when, then| {
                exact(when, GET, "/api/v4/users", &[("per_page", "2")]);
                then.status(200)
                    .json_body(json!([{"id": 1, "name": "Ada", "username": "ada"}]));
            })
            .await,
        server
            .mock_async(|when, then| {
                exact(when, POST, "/api/v4/users/7/follow", &[]);
                then.status(304);
            })
            .await,
        server
            .mock_async(|when, then| {
                exact(when, GET, "/api/v1/users", &[("perPage", "2")]);
                then.status(200).json_body(
                    json!({"rows": [{"firstName": "Ada", "lastName": "Lovelace"}], "total": 1}),
                );
            })
            .await,
        server
            .mock_async(|when, then| {
                exact(when, GET, "/api/v4/users/me/image", &[]);
                then.status(200)
                    .header("content-type", "image/png")
                    .body([0x89, b'P', b'N', b'G']);
            })
            .await,
        server
            .mock_async(|when, then| {
                exact(when, POST, "/api/v4/users/login", &[]);
                then.status(200)
                    .header("token", "s3ssion")
                    .json_body(json!({"id": "u1", "username": "ada"}));
            })
            .await,
    ];

    let gitlab = gitlab::Client::with_private_token(config(), "glpat").expect("client");
    let gitlab_users = tokio::spawn({
        let gitlab = gitlab.clone();
        async move {
            let users: Vec<_> = gitlab
                .list_users()
                .per_page(2)
                .stream()
                .try_collect()
                .await?;
            Ok::<_, gitlab::Error<gitlab::types::ApiError>>(users)
        }
    });
    let follow = tokio::spawn(async move { gitlab.follow_user().id(7).send_or_unchanged().await });
    let sendauth = sendauth::Client::with_basic_auth(config(), "api", "pw").expect("client");
    let sendauth_users = tokio::spawn(async move {
        let users: Vec<_> = sendauth
            .list_users()
            .per_page(2)
            .stream()
            .try_collect()
            .await?;
        Ok::<_, sendauth::Error<sendauth::types::ApiError>>(users)
    });
    let mattermost = mattermost::Client::with_token(config(), "pat").expect("client");
    let image = tokio::spawn(async move {
        mattermost
            .get_profile_image()
            .user_id("me")
            .send_image()
            .await
    });
    let login = tokio::spawn(mattermost::Session::login(config(), "ada", "pw"));

    let gitlab_users = gitlab_users.await.expect("ran").expect("the stream ends");
    assert_eq!(gitlab_users.len(), 1);
    assert_eq!(gitlab_users[0].username, "ada");
    assert!(follow.await.expect("ran").expect("a 304").is_none());
    let sendauth_users = sendauth_users.await.expect("ran").expect("the stream ends");
    assert_eq!(sendauth_users.len(), 1);
    assert_eq!(sendauth_users[0].first_name, "Ada");
    let image = image.await.expect("ran").expect("the image").into_inner();
    assert_eq!(image.content_type.as_deref(), Some("image/png"));
    assert_eq!(image.bytes, [0x89, b'P', b'N', b'G']);
    let session = login.await.expect("ran").expect("signed in");
    assert_eq!(
        session.user().map(|user| user.username.as_deref()),
        Some(Some("ada"))
    );
    for mock in mocks {
        mock.assert_async().await;
    }
}
