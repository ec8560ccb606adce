//! Streams over lists whose server names, as the next page, one already followed: each ends
//! with `Error::RepeatedPage` naming the operation, after the items of the pages it walked,
//! and never fetches a page twice.

use futures_util::StreamExt;
use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::json;
use user_apis::runtime::Error;
use user_apis::{gitlab, okta};
use user_apis_tests::{exact, mock_config};

/// An Okta list whose `Link` cursors go A, B, A: the stream yields the three pages' users and
/// ends with an error at the second A, which it does not fetch.
#[tokio::test]
async fn okta_cursors_that_cycle_end_the_stream_with_an_error() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let mut mocks = Vec::new();
    for (after, id, next) in [
        (None, "00u1", "a"),
        (Some("a"), "00u2", "b"),
        (Some("b"), "00u3", "a"),
    ] {
        let query: Vec<(&str, &str)> = after.map(|after| ("after", after)).into_iter().collect();
        let link = format!(r#"<{base}/api/v1/users?after={next}>; rel="next""#);
        mocks.push(
            server
                .mock_async(|when, then| {
                    exact(when, GET, "/api/v1/users", &query);
                    then.status(200)
                        .header("link", link)
                        .json_body(json!([{"id": id}]));
                })
                .await,
        );
    }
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    let results: Vec<_> = client.list_users().stream().take(10).collect().await;
    assert_eq!(results.len(), 4, "{results:?}");
    let ids: Vec<_> = results[..3]
        .iter()
        .map(|user| {
            user.as_ref()
                .expect("a user")
                .id
                .clone()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(ids, ["00u1", "00u2", "00u3"]);
    let Err(error @ Error::RepeatedPage(_)) = &results[3] else {
        panic!("{results:?}");
    };
    assert_eq!(error.operation(), Some("list_users"));
    assert_eq!(
        error.to_string(),
        "list_users: after 3 pages, the server named cursor \"a\" as the next page, which this \
         walk has already followed or passed; the stream ends instead of repeating it"
    );
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}

/// An Okta page that names its own cursor as the next one: one fetch, then the error, where
/// the stream used to end in silence.
#[tokio::test]
async fn an_okta_cursor_repeated_back_to_back_is_an_error_too() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let first = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users", &[]);
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}/api/v1/users?after=x>; rel="next""#),
                )
                .json_body(json!([{"id": "00u1"}]));
        })
        .await;
    let again = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users", &[("after", "x")]);
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}/api/v1/users?after=x>; rel="next""#),
                )
                .json_body(json!([{"id": "00u2"}]));
        })
        .await;
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    let results: Vec<_> = client.list_users().stream().take(10).collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(
        matches!(&results[2], Err(Error::RepeatedPage(repeated))
            if repeated.page == "cursor \"x\"" && repeated.pages == 2),
        "{results:?}"
    );
    first.assert_calls_async(1).await;
    again.assert_calls_async(1).await;
}

/// A GitLab `X-Next-Page` that goes backwards (page 2 names page 1) ends the stream with the
/// error, after page 2's items, where it used to end in silence as if the list were complete.
#[tokio::test]
async fn a_gitlab_next_page_that_goes_backwards_is_an_error() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (page, next) in [("1", "2"), ("2", "1")] {
        mocks.push(
            server
                .mock_async(|when, then| {
                    let query = [("page", page)];
                    exact(
                        when,
                        GET,
                        "/api/v4/users",
                        &query[usize::from(page == "1")..],
                    );
                    then.status(200)
                        .header("x-next-page", next)
                        .json_body(json!([{"id": 1, "name": "Ada", "username": "ada"}]));
                })
                .await,
        );
    }
    let client = gitlab::Client::with_private_token(mock_config(&server), "glpat").expect("client");
    let results: Vec<_> = client.list_users().stream().take(10).collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[..2].iter().all(Result::is_ok), "{results:?}");
    let Err(error) = &results[2] else {
        panic!("{results:?}");
    };
    assert_eq!(
        error.to_string(),
        "list_users: after 2 pages, the server named page 1 as the next page, which this walk \
         has already followed or passed; the stream ends instead of repeating it"
    );
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}
