//! The typed mocks (feature `mock`): each one matches exactly the request its client sends for
//! the values it is given, and nothing else, and serves typed responses the client decodes.

use httpmock::MockServer;
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_tests::{
    SENDAUTH_AUTHORIZATION, SENDAUTH_PASSWORD, SENDAUTH_USER, mock_config, query_count,
};

#[tokio::test]
async fn query_headers_and_date_times_match_what_the_client_sends() {
    use gitlab::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let created_after: chrono::DateTime<chrono::Utc> =
        "2024-01-02T03:04:05Z".parse().expect("timestamp");
    let mock = server.list_users(|when, then| {
        let when = when
            .created_after(&created_after)
            .search("ada lovelace")
            .blocked(false)
            .two_factor(gitlab::types::TwoFactorFilter::Enabled)
            .per_page(50)
            .sudo("root")
            .page(None)
            .into_inner()
            // The raw matcher shows what the typed one stands for.
            .query_param("created_after", "2024-01-02T03:04:05Z");
        query_count(when, 5);
        then.ok(&vec![]);
    });

    let client =
        gitlab::Client::with_private_token(mock_config(&server), "glpat-token").expect("client");
    let users = client
        .list_users()
        .created_after(created_after)
        .search("ada lovelace")
        .blocked(false)
        .two_factor(gitlab::types::TwoFactorFilter::Enabled)
        .per_page(50)
        .sudo("root")
        .send()
        .await;
    mock.assert_async().await;
    assert!(users.expect("listed").is_empty());

    // One value off (here `page`, which the mock requires to be absent) and it does not match.
    let missed = client
        .list_users()
        .created_after(created_after)
        .search("ada lovelace")
        .blocked(false)
        .two_factor(gitlab::types::TwoFactorFilter::Enabled)
        .per_page(50)
        .page(2)
        .sudo("root")
        .send()
        .await;
    assert_eq!(
        missed
            .expect_err("no mock matches")
            .status()
            .map(|s| s.as_u16()),
        Some(404)
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn path_parameters_match_the_encoded_segment_and_nothing_else() {
    use okta::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let client = okta::Client::with_api_token(mock_config(&server), "00a-token").expect("client");
    // Regular-expression and URL syntax in ids: each must match only itself.
    for id in [
        "ada+test@example.com",
        "a/../b?admin=1#x%y zü",
        ".*",
        "(a|b)",
    ] {
        let user: okta::types::User = serde_json::from_value(serde_json::json!({
            "id": id,
            "status": "ACTIVE",
            "profile": {"login": "ada@example.com"}
        }))
        .expect("a user");
        let mock = server.get_user(|when, then| {
            when.user_id(id);
            then.ok(&user);
        });
        let fetched = client.get_user().user_id(id).send().await;
        assert_eq!(fetched.expect(id).id.as_deref(), Some(id));
        let other = client.get_user().user_id("00u-someone-else").send().await;
        assert!(other.is_err(), "{id:?} matched another id");
        mock.assert_calls_async(1).await;
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_path_parameter_left_open_matches_exactly_one_segment() {
    use okta::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let mock = server.remove_role_from_user(|when, then| {
        when.user_id("00u1");
        then.no_content();
    });
    let client = okta::Client::with_api_token(mock_config(&server), "00a-token").expect("client");

    let removed = client
        .remove_role_from_user()
        .user_id("00u1")
        .role_id("ra1")
        .send()
        .await;
    assert_eq!(removed.expect("removed").status().as_u16(), 204);
    // A role id with a `/` is one encoded segment on the wire, so it still matches once...
    let encoded = client
        .remove_role_from_user()
        .user_id("00u1")
        .role_id("ra1/x")
        .send()
        .await;
    assert_eq!(encoded.expect("one segment").status().as_u16(), 204);
    // ...but another user does not.
    let other = client
        .remove_role_from_user()
        .user_id("00u2")
        .role_id("ra1")
        .send()
        .await;
    assert!(other.is_err());
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn an_optional_body_is_matched_present_or_absent() {
    use sendauth::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let user_id = uuid::Uuid::from_u128(0x7b0e_9a4e_3c1f_4b8e_9d2a_5f6c_7d8e_9f01);
    let tx = sendauth::types::Tx {
        tx: Some(uuid::Uuid::from_u128(42)),
    };
    let message = sendauth::types::WebTx {
        message: Some("Approve the VPN login".to_string()),
        ..Default::default()
    };
    let without = server.authenticate_user(|when, then| {
        when.user_id(&user_id)
            .body(None)
            .into_inner()
            .header("authorization", SENDAUTH_AUTHORIZATION);
        then.created(&tx);
    });
    let with = server.authenticate_user(|when, then| {
        when.user_id(&user_id)
            .body(&message)
            .into_inner()
            .json_body(serde_json::json!({"message": "Approve the VPN login"}));
        then.created(&tx);
    });
    let client =
        sendauth::Client::with_basic_auth(mock_config(&server), SENDAUTH_USER, SENDAUTH_PASSWORD)
            .expect("client");

    let sent = client.authenticate_user().user_id(user_id).send().await;
    assert_eq!(sent.expect("no body").tx, tx.tx);
    without.assert_async().await;
    with.assert_calls_async(0).await;

    let sent = client
        .authenticate_user()
        .user_id(user_id)
        .body(message.clone())
        .send()
        .await;
    assert_eq!(sent.expect("with body").tx, tx.tx);
    with.assert_async().await;
    without.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_json_body_matches_only_under_its_content_type() {
    use sendauth::mock::MockServerExt;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    // The status a raw `POST path` with `body` and `content_type` gets from `server`.
    async fn post(server: &MockServer, path: &str, content_type: Option<&str>, body: &str) -> u16 {
        let mut socket = tokio::net::TcpStream::connect(server.address())
            .await
            .expect("connects");
        let content_type = content_type
            .map(|value| format!("content-type: {value}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST {path} HTTP/1.1\r\nhost: {}\r\n{content_type}content-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            server.address(),
            body.len()
        );
        socket.write_all(request.as_bytes()).await.expect("sent");
        let mut response = String::new();
        socket
            .read_to_string(&mut response)
            .await
            .expect("answered");
        response
            .split(' ')
            .nth(1)
            .and_then(|status| status.parse().ok())
            .expect("a status line")
    }

    let server = MockServer::start_async().await;
    let user_id = uuid::Uuid::from_u128(7);
    let message = sendauth::types::WebTx {
        message: Some("Approve the VPN login".to_string()),
        ..Default::default()
    };
    let mock = server.authenticate_user(|when, then| {
        when.user_id(&user_id).body(&message);
        then.created(&sendauth::types::Tx { tx: None });
    });
    let path = format!("/api/v1/users/{user_id}/authenticate");
    let json = r#"{"message":"Approve the VPN login"}"#;

    // The same JSON under another content type, or none, is not what the client sends.
    assert_eq!(post(&server, &path, Some("text/plain"), json).await, 404);
    assert_eq!(post(&server, &path, None, json).await, 404);
    mock.assert_calls_async(0).await;
    // Under `application/json` it matches, as the client's own request does.
    assert_eq!(
        post(&server, &path, Some("application/json"), json).await,
        201
    );
    let client =
        sendauth::Client::with_basic_auth(mock_config(&server), SENDAUTH_USER, SENDAUTH_PASSWORD)
            .expect("client");
    client
        .authenticate_user()
        .user_id(user_id)
        .body(message)
        .send()
        .await
        .expect("the client's request matches");
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn typed_error_responses_decode_as_the_operations_error_body() {
    use mattermost::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let body = mattermost::types::AppError {
        id: Some("app.user.missing_account.const".to_string()),
        message: Some("Unable to find the user.".to_string()),
        status_code: Some(404),
        ..Default::default()
    };
    server.get_user(|when, then| {
        when.user_id("nobody");
        then.not_found(&body);
    });
    let client = mattermost::Client::with_token(mock_config(&server), "token").expect("client");

    let error = client
        .get_user()
        .user_id("nobody")
        .send()
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.error_body(), Some(&body));
}

/// The mocks of two providers in one test module: their `MockServerExt` traits both name
/// `get_user`, which `Server` of each provider tells apart.
#[tokio::test]
async fn two_providers_mocks_in_one_module() {
    use gitlab::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;

    let server = MockServer::start_async().await;
    let okta_user = okta::types::User {
        id: Some("00u1".to_string()),
        ..Default::default()
    };
    let okta_get = okta::mock::Server(&server).get_user(|when, then| {
        when.user_id("00u1");
        then.ok(&okta_user);
    });
    let gitlab_user = gitlab::types::User::builder()
        .id(7)
        .name("Ada Lovelace".to_string())
        .username("ada".to_string())
        .try_into()
        .expect("a GitLab user");
    let gitlab_get = gitlab::mock::Server(&server).get_user(|when, then| {
        when.id(7);
        then.ok(&gitlab_user);
    });

    // An operation only one provider has is called on the server itself, as always.
    let block = server.block_user(|when, then| {
        when.id(7);
        then.created();
    });
    let suspend = server.suspend_user(|when, then| {
        when.user_id("00u1");
        then.ok();
    });

    let okta_client = okta::Client::with_api_token(mock_config(&server), "token").expect("client");
    let gitlab_client =
        gitlab::Client::with_private_token(mock_config(&server), "token").expect("client");
    let read = okta_client.get_user().user_id("00u1").send().await;
    let read_gitlab = gitlab_client.get_user().id(7).send().await;
    let blocked = gitlab_client.block_user().id(7).send().await;
    let suspended = okta_client.suspend_user().user_id("00u1").send().await;

    okta_get.assert_async().await;
    gitlab_get.assert_async().await;
    assert_eq!(read.expect("okta").id.as_deref(), Some("00u1"));
    assert_eq!(read_gitlab.expect("gitlab").username, "ada");
    block.assert_async().await;
    suspend.assert_async().await;
    blocked.expect("blocked");
    suspended.expect("suspended");
}

/// A stream walks the typed mocks of its pages: the first page's mock (`page(None)`, as the
/// list's own request has no `page`) and each `page` answer carrying the paging headers the
/// server sends, declared in any order.
#[tokio::test]
async fn a_stream_walks_typed_page_answers_declared_in_any_order() {
    use gitlab::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let user = |id: i64, username: &str| -> gitlab::types::User {
        gitlab::types::User::builder()
            .id(id)
            .username(username)
            .name(username)
            .try_into()
            .expect("a user")
    };
    // The last page first: the order of declaration does not matter.
    let second = server.list_users(|when, then| {
        when.page(2).per_page(2);
        then.page(&vec![user(3, "grace")], 2, 2, 3);
    });
    let first = server.list_users(|when, then| {
        when.page(None).per_page(2);
        then.page(&vec![user(1, "ada"), user(2, "alan")], 1, 2, 3);
    });
    let client = gitlab::Client::with_private_token(mock_config(&server), "token").expect("client");
    let users: Vec<gitlab::types::User> =
        futures_util::TryStreamExt::try_collect(client.list_users().per_page(2).stream())
            .await
            .expect("both pages");
    let names: Vec<&str> = users.iter().map(|user| user.username.as_str()).collect();
    assert_eq!(names, ["ada", "alan", "grace"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;

    // The page answer sends what GitLab sends with page 1 of 3 items, two a page.
    let response = user_apis::runtime::http_client_builder()
        .expect("TLS")
        .build()
        .expect("a client")
        .get(server.url("/api/v4/users?per_page=2"))
        .send()
        .await
        .expect("an answer");
    let header = |name: &str| response.headers()[name].to_str().expect("text").to_string();
    assert_eq!(header("x-next-page"), "2");
    assert_eq!(header("x-total"), "3");
    assert_eq!(header("x-total-pages"), "2");
    assert_eq!(header("x-prev-page"), "");
    assert_eq!(
        header("link"),
        r#"<?page=2&per_page=2>; rel="next", <?page=1&per_page=2>; rel="first", <?page=2&per_page=2>; rel="last""#
    );
}

/// Okta's page answer names the next page's cursor in `Link`, which the stream follows.
#[tokio::test]
async fn an_okta_stream_follows_the_cursor_of_a_page_answer() {
    use okta::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let user = |id: &str| okta::types::User {
        id: Some(id.into()),
        ..Default::default()
    };
    let first = server.list_users(|when, then| {
        when.after(None).limit(1);
        then.page(&vec![user("00u1")], Some("00u1"));
    });
    let last = server.list_users(|when, then| {
        when.after("00u1").limit(1);
        then.page(&vec![user("00u2")], None);
    });
    let client = okta::Client::with_api_token(mock_config(&server), "token").expect("client");
    let users: Vec<okta::types::User> =
        futures_util::TryStreamExt::try_collect(client.list_users().limit(1).stream())
            .await
            .expect("both pages");
    let ids: Vec<_> = users.iter().map(|user| user.id.as_deref()).collect();
    assert_eq!(ids, [Some("00u1"), Some("00u2")]);
    first.assert_calls_async(1).await;
    last.assert_calls_async(1).await;
}
