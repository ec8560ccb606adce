//! Hostile and broken servers, against every provider: malformed bodies, stalls, huge bodies,
//! rate-limit storms, redirects and ids that would change the path. Each must end in a typed
//! error, quickly, without a panic.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use httpmock::Method::GET;
use httpmock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use user_apis::runtime::{Error, InvalidResponseCause};
use user_apis::{ClientConfig, RetryPolicy, gitlab, mattermost, okta};
use user_apis_tests::{any_request, ends_after, exact, fast_retries, mock_config};

use crate::providers::{Answer, Failure, Provider, each_provider, on_get};

/// Calls the provider's get-one-user operation, of [`Provider::user_path`], against `config`.
async fn get_user(provider: Provider, config: ClientConfig) -> Result<Answer, Box<Failure>> {
    provider.client(config).get_user().await
}

/// Serves one canned answer on the provider's user path and calls `get_user`.
async fn answer(provider: Provider, status: u16, content_type: &str, body: &str) -> Box<Failure> {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(provider.user_path());
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    let config = mock_config(&server);
    get_user(provider, config)
        .await
        .expect_err("a broken answer is an error")
}

async fn malformed_bodies_are_typed_errors_naming_operation_and_status(provider: Provider) {
    let cases = [
        (
            "truncated JSON",
            200,
            "application/json",
            r#"{"id": 1, "user"#,
        ),
        (
            "invalid JSON",
            200,
            "application/json",
            "{id: 1, 'name': nope}",
        ),
        ("wrong shape", 200, "application/json", "[1, 2, 3]"),
        (
            "HTML page with 200",
            200,
            "text/html",
            "<html><body>Gateway login</body></html>",
        ),
        ("empty body", 200, "application/json", ""),
        (
            "wrong content type",
            200,
            "text/plain",
            "rate limited, try later",
        ),
        (
            "HTML page with a documented 404",
            404,
            "text/html",
            "<h1>Not Found</h1>",
        ),
    ];
    for (case, status, content_type, body) in cases {
        let failure = answer(provider, status, content_type, body).await;
        let context = format!("{provider:?}, {case}: {failure:?}");
        assert_eq!(failure.variant, "InvalidResponse", "{context}");
        assert_eq!(failure.status, Some(status), "{context}");
        assert_eq!(failure.operation, Some("get_user"), "{context}");
        assert_eq!(
            failure.content_type.as_deref(),
            Some(content_type),
            "{context}"
        );
        assert_eq!(failure.body.as_deref(), Some(body.as_bytes()), "{context}");
    }
}
each_provider!(malformed_bodies_are_typed_errors_naming_operation_and_status);

async fn an_undocumented_status_keeps_its_status(provider: Provider) {
    let failure = answer(provider, 418, "text/plain", "I'm a teapot").await;
    assert_eq!(failure.variant, "UnexpectedResponse", "{provider:?}");
    assert_eq!(failure.status, Some(418), "{provider:?}");
}
each_provider!(an_undocumented_status_keeps_its_status);

/// The client reads a JSON body inside its retry loop; an answer it hands back undecoded
/// (`UnexpectedResponse`) still reads as the server sent it.
#[tokio::test]
async fn an_undocumented_json_answer_can_still_be_read() {
    let body = r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit"}"#;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::Okta.user_path());
            then.status(418)
                .header("content-type", "application/json; charset=utf-8")
                .header("x-request-id", "r-1")
                .body(body);
        })
        .await;
    let config = mock_config(&server);
    let client = okta::Client::with_api_token(config, "okta-token").expect("client");
    let error = client
        .get_user()
        .user_id(Provider::Okta.user_id())
        .send()
        .await
        .expect_err("418 is not documented");
    let Error::UnexpectedResponse(response) = error else {
        panic!("{error:?}");
    };
    assert_eq!(response.status().as_u16(), 418);
    assert_eq!(response.url().path(), Provider::Okta.user_path());
    assert_eq!(response.content_length(), Some(body.len() as u64));
    assert_eq!(
        response.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"r-1"[..])
    );
    assert_eq!(
        response
            .into_response()
            .text()
            .await
            .expect("the body reads"),
        body
    );
}

#[tokio::test]
async fn kept_bodies_are_truncated() {
    let long = format!("<html>{}</html>", "x".repeat(100_000));
    let failure = answer(Provider::Okta, 200, "text/html", &long).await;
    let body = failure.body.expect("kept");
    assert_eq!(body.len(), user_apis::runtime::KEPT_BODY_BYTES);
    assert!(body.starts_with(b"<html>xxx"));
}

/// A raw TCP server for misbehaviour httpmock cannot produce. For every connection it reads
/// the request head and then runs `behave` on the socket. Returns its URL and a connection
/// counter.
pub(crate) async fn raw_server<F, Fut>(behave: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    let behave = Arc::new(behave);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let behave = Arc::clone(&behave);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0_u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                behave(socket).await;
            });
        }
    });
    (url, connections)
}

async fn stalled_servers_end_in_a_timeout_within_the_configured_time(provider: Provider) {
    // One server accepts and never answers; the other sends headers and then stalls.
    let (silent, _) = raw_server(|socket| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    })
    .await;
    let (half, _) = raw_server(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\":";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    for (name, url) in [("silent", silent), ("headers then stall", half)] {
        let config = ClientConfig::new(url.as_str())
            .timeout(Duration::from_millis(300))
            .retry(RetryPolicy::never());
        let started = Instant::now();
        let failure = get_user(provider, config).await.expect_err("times out");
        let took = started.elapsed();
        assert!(failure.timeout, "{name}, {provider:?}: {failure:?}");
        assert!(
            took < Duration::from_secs(5),
            "{name}, {provider:?} took {took:?}"
        );
    }
}
each_provider!(stalled_servers_end_in_a_timeout_within_the_configured_time);

#[tokio::test]
async fn a_huge_body_stops_at_the_limit_without_being_read() {
    // An endless body: a JSON array that never closes, sent in 64 KiB chunks, with or without
    // announcing a 200 MB length. The server counts what it managed to send.
    let sent = Arc::new(AtomicUsize::new(0));
    let serve = |announce: bool, sent: Arc<AtomicUsize>| {
        move |mut socket: tokio::net::TcpStream| {
            let sent = Arc::clone(&sent);
            async move {
                let head = if announce {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200000000\r\n\r\n"
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n"
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut chunk = vec![b' '; 64 * 1024];
                chunk[0] = b'[';
                while sent.load(Ordering::SeqCst) < 200_000_000 {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    chunk[0] = b' ';
                    sent.fetch_add(chunk.len(), Ordering::SeqCst);
                }
            }
        }
    };
    for announce in [true, false] {
        sent.store(0, Ordering::SeqCst);
        let (url, _) = raw_server(serve(announce, Arc::clone(&sent))).await;
        let config = ClientConfig::new(url)
            .max_body_size(1024 * 1024)
            .retry(RetryPolicy::never());
        let failure = get_user(Provider::GitLab, config)
            .await
            .expect_err("too large");
        assert!(failure.too_large, "announce {announce}: {failure:?}");
        assert_eq!(failure.status, Some(200));
        // The client hung up long before the 200 MB: at most the limit plus what sat in the
        // socket buffers was ever sent.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let total = sent.load(Ordering::SeqCst);
        assert!(
            total < 64 * 1024 * 1024,
            "announce {announce}: {total} bytes were sent"
        );
    }
}

async fn a_storm_of_429s_stops_after_the_configured_attempts(provider: Provider) {
    let server = MockServer::start_async().await;
    let storm = on_get(&server, &provider.user_path(), |then| {
        then.status(429)
            .header("retry-after", "0")
            .body("slow down")
    })
    .await;
    let config = ClientConfig::new(server.base_url()).retry(fast_retries().max_attempts(5));
    let failure = get_user(provider, config).await.expect_err("still limited");
    assert_eq!(failure.status, Some(429), "{provider:?}: {failure:?}");
    storm.assert_calls_async(5).await;
}
each_provider!(a_storm_of_429s_stops_after_the_configured_attempts);

#[tokio::test]
async fn a_storm_of_429s_stops_when_the_wait_budget_is_spent() {
    let server = MockServer::start_async().await;
    let storm = server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::Okta.user_path());
            then.status(429)
                .header("retry-after", "1")
                .body("slow down");
        })
        .await;
    // Ten attempts allowed, but only 1.5 s of waiting: one wait of 1 s fits, a second does not.
    let config = ClientConfig::new(server.base_url()).retry(
        RetryPolicy::default()
            .max_attempts(10)
            .max_total_wait(Duration::from_millis(1500)),
    );
    let failure = get_user(Provider::Okta, config).await.expect_err("limited");
    assert_eq!(failure.status, Some(429));
    storm.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_retry_after_date_is_honoured() {
    let server = MockServer::start_async().await;
    // Whole seconds, so 1 to 2 s away; the test client's own backoff is milliseconds.
    let in_two_seconds =
        httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let named = httpdate::parse_http_date(&in_two_seconds).expect("an HTTP date");
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::SendAuth.user_path());
            then.status(429)
                .header("retry-after", &in_two_seconds)
                .up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::SendAuth.user_path());
            then.status(200)
                .json_body(serde_json::json!({"firstName": "Ada", "lastName": "L"}));
        })
        .await;
    let config = mock_config(&server);
    ends_after(named, get_user(Provider::SendAuth, config))
        .await
        .expect("succeeds after the date");
    limited.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
}

/// A JSON answer with `status` announcing all of `body` and carrying only its first `sent`
/// bytes.
pub(crate) fn json_answer_cut_at(status: &str, body: &str, sent: usize) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        body.len(),
        &body[..sent]
    )
}

#[tokio::test]
async fn a_reset_mid_body_is_retried_for_get_but_not_for_post() {
    // The first connection gets half a body and is cut; later ones get the whole answer.
    let user = r#"{"id":"u1","status":"ACTIVE","profile":{"login":"ada@example.com"}}"#;
    let cut_first = || {
        let served = Arc::new(AtomicUsize::new(0));
        move |mut socket: tokio::net::TcpStream| {
            let first = served.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                let sent = if first { 20 } else { user.len() };
                let answer = json_answer_cut_at("200 OK", user, sent);
                let _ = socket.write_all(answer.as_bytes()).await;
                // Dropping the socket cuts a short body off mid-way.
            }
        }
    };

    let (url, connections) = raw_server(cut_first()).await;
    let config = ClientConfig::new(url).retry(fast_retries());
    let client = okta::Client::with_api_token(config, "okta-token").expect("client");
    let read = client
        .get_user()
        .user_id("u1")
        .send()
        .await
        .expect("the retry reads it all");
    assert_eq!(read.id.as_deref(), Some("u1"));
    assert_eq!(connections.load(Ordering::SeqCst), 2);

    // Okta's `create_user` against `url`, which fails.
    let create_user = |url: String, retry: RetryPolicy| async move {
        let config = ClientConfig::new(url).retry(retry);
        let client = okta::Client::with_api_token(config, "okta-token").expect("client");
        client
            .create_user()
            .body(okta::types::UserInput::default())
            .send()
            .await
            .expect_err("no user comes back")
    };
    let (url, connections) = raw_server(cut_first()).await;
    // A POST that may have been processed is not repeated.
    let error = create_user(url, fast_retries()).await;
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    // The caller learns the answer's status (the POST did its work) and what arrived of it.
    let Error::InvalidResponse(invalid) = &error else {
        panic!("{error:?}");
    };
    assert!(
        matches!(invalid.cause, InvalidResponseCause::Read(_)),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.operation(), Some("create_user"));
    assert_eq!(invalid.body, &user.as_bytes()[..20]);

    // An answer handed back undecoded (an undocumented status) still fails to read where the
    // connection cut it, instead of reading as a shorter body.
    let teapot = r#"{"errorCode":"E0000047","errorSummary":"slow down"}"#;
    let (url, _) = raw_server(move |mut socket: tokio::net::TcpStream| async move {
        let answer = json_answer_cut_at("418 I'm a teapot", teapot, 10);
        let _ = socket.write_all(answer.as_bytes()).await;
    })
    .await;
    // 418 is not documented.
    let error = create_user(url, RetryPolicy::never()).await;
    let Error::UnexpectedResponse(response) = error else {
        panic!("{error:?}");
    };
    assert_eq!(response.status().as_u16(), 418);
    assert!(
        response.into_response().bytes().await.is_err(),
        "the cut body does not read whole"
    );
}

/// A redirect to another origin must not carry the credential there. reqwest drops
/// `Authorization` on such a redirect, which covers Mattermost, Okta and SendAuth: they follow
/// it without their credential. GitLab's `PRIVATE-TOKEN` is a header reqwest would keep, so a
/// GitLab client stops at the redirect, and so does any client given a sensitive header of its
/// own.
async fn a_redirect_to_another_origin_never_carries_a_secret_there(provider: Provider) {
    let elsewhere = MockServer::start_async().await;
    let credential_free = elsewhere
        .mock_async(|when, then| {
            when.method(GET)
                .path("/moved")
                .header_missing("authorization")
                .header_missing("private-token")
                .header_missing("x-api-secret");
            then.status(418).body("reached without a credential");
        })
        .await;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(provider.user_path());
            then.status(302).header("location", elsewhere.url("/moved"));
        })
        .await;
    let failure = get_user(provider, mock_config(&server))
        .await
        .expect_err("neither answer is a user");
    let context = format!("{provider:?}: {failure:?}");
    // GitLab's token is no `Authorization`, so its client does not follow.
    let follows = !matches!(provider, Provider::GitLab);
    if follows {
        assert_eq!(failure.status, Some(418), "{context}");
        credential_free.assert_async().await;
    } else {
        // The redirect is the answer: the client never went there.
        assert_eq!(failure.variant, "UnexpectedResponse", "{context}");
        assert_eq!(failure.status, Some(302), "{context}");
        credential_free.assert_calls_async(0).await;
    }

    // A sensitive header of the caller's own stops every client at such a redirect.
    let mut secret = reqwest::header::HeaderValue::from_static("s3cret");
    secret.set_sensitive(true);
    let config = mock_config(&server).header(
        reqwest::header::HeaderName::from_static("x-api-secret"),
        secret,
    );
    let failure = get_user(provider, config)
        .await
        .expect_err("a redirect is no user");
    assert_eq!(failure.status, Some(302), "{provider:?}: {failure:?}");
    credential_free
        .assert_calls_async(usize::from(follows))
        .await;
}
each_provider!(a_redirect_to_another_origin_never_carries_a_secret_there);

/// Within the origin, a redirect is followed with the credential, even GitLab's, whose client
/// stops at one to another origin.
#[tokio::test]
async fn a_redirect_within_the_origin_keeps_the_credential() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::GitLab.user_path());
            then.status(301).header("location", "/api/v4/users/2");
        })
        .await;
    let (header, token) = Provider::GitLab.auth();
    let moved = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v4/users/2")
                .header(header, token);
            then.status(418);
        })
        .await;
    let failure = get_user(Provider::GitLab, mock_config(&server))
        .await
        .expect_err("a teapot is no user");
    assert_eq!(failure.status, Some(418), "{failure:?}");
    moved.assert_async().await;
}

/// A token-creating call whose answer is cut short, or does not decode, never shows the new
/// token in the error's `Display` or `Debug`; the raw body keeps it, for the caller to save.
#[tokio::test]
async fn secrets_in_a_body_that_failed_to_decode_are_masked() {
    // GitLab's new personal access token, cut off by the connection inside the token.
    let token = r#"{"id":9,"name":"ci","scopes":["api"],"user_id":1,"token":"glpat-NEW-SECRET-7","active":true}"#;
    let sent = token.find("SECRET").expect("in the body");
    let (url, connections) = raw_server(move |mut socket: tokio::net::TcpStream| async move {
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nx-request-id: r-pat\r\n\
             content-length: {}\r\n\r\n{}",
            token.len(),
            &token[..sent]
        );
        let _ = socket.write_all(answer.as_bytes()).await;
    })
    .await;
    let client =
        gitlab::Client::with_private_token(ClientConfig::new(url).retry(fast_retries()), "glpat-x")
            .expect("client");
    let error = client
        .create_personal_access_token()
        .user_id(1)
        .body(gitlab::types::CreatePersonalAccessTokenRequest {
            name: "ci".into(),
            description: None,
            scopes: vec![gitlab::types::TokenScope::Api],
            expires_at: None,
        })
        .send()
        .await
        .expect_err("cut short");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "a POST is not repeated"
    );
    assert_eq!(
        error.to_string(),
        "invalid response to create_personal_access_token (201 Created, application/json, \
         request id r-pat): body unreadable: error decoding response body; body starts \
         \"{\\\"id\\\":9,\\\"name\\\":\\\"ci\\\",\\\"scopes\\\":[\\\"api\\\"],\\\"user_id\\\":1,\
         \\\"token\\\":\\\"[REDACTED]\""
    );
    let debug = format!("{error:?}");
    assert!(
        debug.contains(r#"body: "{\"id\":9,\"name\":\"ci\",\"scopes\":[\"api\"],\"user_id\":1,\"token\":\"[REDACTED]", cause: Read("#),
        "{debug}"
    );
    for shown in [&error.to_string(), &debug] {
        assert!(!shown.contains("glpat-NEW"), "{shown}");
    }
    assert_eq!(
        error.raw_body(),
        Some(&token.as_bytes()[..sent]),
        "unmasked"
    );

    // Mattermost's new user access token, whole but of the wrong shape.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/api/v4/users/u1/tokens");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id":"t1","token":"mm-NEW-SECRET-8","user_id":"u1","description":7}"#);
        })
        .await;
    let client = mattermost::Client::with_token(mock_config(&server), "mm-token").expect("client");
    let error = client
        .create_user_access_token()
        .user_id("u1")
        .body(mattermost::types::NewAccessToken {
            description: "CI".into(),
        })
        .send()
        .await
        .expect_err("does not decode");
    assert_eq!(
        error.to_string(),
        "invalid response to create_user_access_token (200 OK, application/json): invalid \
         type: integer `7`, expected a string at line 1 column 67; body starts \
         \"{\\\"id\\\":\\\"t1\\\",\\\"token\\\":\\\"[REDACTED]\\\",\\\"user_id\\\":\\\"u1\\\",\
         \\\"description\\\":7}\""
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains("mm-NEW"), "{debug}");
    assert!(debug.contains(r#"\"token\":\"[REDACTED]\""#), "{debug}");
    assert!(
        error
            .raw_body()
            .is_some_and(|body| body.windows(15).any(|w| w == b"mm-NEW-SECRET-8")),
        "unmasked"
    );
}

/// A server that sends its headers and then stalls ends in an error that says it timed out,
/// and after how long, instead of an unreadable body.
async fn a_stalled_body_is_reported_as_a_timeout_naming_it(provider: Provider) {
    let (half, _) = raw_server(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: r-stall\r\n\
                    content-length: 100\r\n\r\n{\"id\":";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let config = ClientConfig::new(half.as_str())
        .timeout(Duration::from_millis(300))
        .retry(fast_retries().max_attempts(2));
    let failure = get_user(provider, config).await.expect_err("times out");
    assert!(failure.timeout, "{provider:?}: {failure:?}");
    assert_eq!(
        failure.message,
        "invalid response to get_user (200 OK, application/json, request id r-stall): \
         timed out reading the body: the 300ms timeout passed; body starts \
         \"{\\\"id\\\":\"",
        "{provider:?}"
    );
    // No answer at all: the message says so too.
    let (silent, _) = raw_server(|socket| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    })
    .await;
    let config = ClientConfig::new(silent.as_str())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::never());
    let failure = get_user(provider, config).await.expect_err("times out");
    assert!(failure.timeout, "{failure:?}");
    assert_eq!(
        failure.message,
        format!(
            "request timed out: error sending request for url ({silent}{}): operation timed out",
            provider.user_path()
        )
    );
}
each_provider!(a_stalled_body_is_reported_as_a_timeout_naming_it);

/// A server's error message reaches the user escaped (no control character can move the
/// cursor or forge a line of output) and cut to a readable length.
#[tokio::test]
async fn a_server_s_error_message_is_shown_escaped_and_cut() {
    let forged = "Forbidden\r\n\u{1b}[1Aerror: \u{7}all good";
    let long = format!("{forged}{}", "x".repeat(1 << 20));
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::GitLab.user_path());
            then.status(403)
                .header("content-type", "application/json")
                .header("x-request-id", "r-403")
                .json_body(serde_json::json!({"message": long}));
        })
        .await;
    let failure = get_user(Provider::GitLab, mock_config(&server))
        .await
        .expect_err("forbidden");
    // The API's message, not the body's `Debug`.
    let head = r"Forbidden\r\n\u{1b}[1Aerror: \u{7}all good";
    let shown = 300 - forged.chars().count();
    let whole = long.len();
    assert_eq!(
        failure.message,
        format!(
            "403 Forbidden from get_user (request id r-403): {head}{}… ({whole} bytes in all)",
            "x".repeat(shown)
        )
    );
}

/// Every error that comes from an answer keeps the provider's request id, for a support
/// ticket, and names it.
#[tokio::test]
async fn errors_keep_the_provider_s_request_id() {
    for (provider, header) in [
        (Provider::GitLab, "X-Request-Id"),
        (Provider::Mattermost, "X-Request-Id"),
        (Provider::Okta, "X-Okta-Request-Id"),
    ] {
        let server = MockServer::start_async().await;
        for (status, content_type, body) in [
            (404, "application/json", "{}"),
            (200, "application/json", "{"),
            (418, "text/plain", "teapot"),
        ] {
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(provider.user_path())
                        .header("x-status", status.to_string());
                    then.status(status)
                        .header("content-type", content_type)
                        .header(header, format!("req-{status}"))
                        .body(body);
                })
                .await;
        }
        for (status, variant) in [
            (404, "ErrorResponse"),
            (200, "InvalidResponse"),
            (418, "UnexpectedResponse"),
        ] {
            let config = mock_config(&server).header(
                reqwest::header::HeaderName::from_static("x-status"),
                reqwest::header::HeaderValue::from(status),
            );
            let failure = get_user(provider, config).await.expect_err("an error");
            let id = format!("req-{status}");
            let context = format!("{provider:?} {status}: {failure:?}");
            assert_eq!(failure.variant, variant, "{context}");
            assert_eq!(
                failure.request_id.as_deref(),
                Some(id.as_str()),
                "{context}"
            );
            assert!(
                failure.message.contains(&format!("(request id {id})"))
                    || failure.message.contains(&format!(", request id {id})")),
                "{context}"
            );
        }
    }
    // Exactly, for one provider.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(Provider::GitLab.user_path());
            then.status(418).header("x-request-id", "req-418");
        })
        .await;
    let failure = get_user(Provider::GitLab, mock_config(&server))
        .await
        .expect_err("an error");
    assert_eq!(
        failure.message,
        format!(
            "418 I'm a teapot from get_user (request id req-418): a status the operation does \
             not document ({})",
            Provider::GitLab.user_path()
        )
    );
    // No answer, no request id.
    let (silent, _) = raw_server(|_socket| async move {}).await;
    let failure = get_user(
        Provider::GitLab,
        ClientConfig::new(silent).retry(RetryPolicy::never()),
    )
    .await
    .expect_err("no answer");
    assert_eq!(failure.request_id, None, "{failure:?}");
}

/// A text path parameter stays one segment on the wire, whatever it holds: `/`, `?`, `#`, `%`,
/// a space and non-ASCII are percent-encoded, and so is `\`, which URL parsing would read as
/// `/`. An id that is empty, `.` or `..`, which would change the path, is refused before any
/// request.
async fn hostile_ids_stay_one_path_segment(provider: Provider) {
    let server = MockServer::start_async().await;
    let client = provider.client(mock_config(&server));
    for (id, segment) in [
        (
            "a/../b?admin=1#x%y zü",
            "a%2F..%2Fb%3Fadmin=1%23x%25y%20z%C3%BC",
        ),
        ("..\\..\\groups", "..%5C..%5Cgroups"),
    ] {
        let path = provider.named_path(segment).expect("a text parameter");
        let (header, value) = provider.auth();
        let mock = server
            .mock_async(|when, then| {
                exact(when, GET, &path, &[]).header(header, value);
                then.status(200).json_body(provider.named_body());
            })
            .await;

        let answer = client.get_named(id).await;

        mock.assert_async().await;
        assert_eq!(answer.expect("one segment").body, provider.named_body());
    }

    let server = MockServer::start_async().await;
    let any = any_request(&server, provider.named_body()).await;
    let client = provider.client(mock_config(&server));
    for id in ["", ".", ".."] {
        let failure = client.get_named(id).await.expect_err("refused");
        assert_eq!(failure.variant, "InvalidRequest", "{id:?}: {failure:?}");
    }
    any.assert_calls_async(0).await;
}
each_provider!(hostile_ids_stay_one_path_segment: gitlab, mattermost, okta);

/// A connection refused says so: the transport error's message carries its causes.
#[tokio::test]
async fn a_refused_connection_names_its_cause() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("an address");
    drop(listener);
    let config = ClientConfig::new(format!("http://{address}")).retry(RetryPolicy::never());
    let failure = get_user(Provider::Okta, config).await.expect_err("refused");
    assert_eq!(failure.variant, "CommunicationError");
    assert_eq!(failure.operation, None, "no answer, so no operation");
    assert!(
        failure.message.starts_with(&format!(
            "request failed: error sending request for url (http://{address}{}): ",
            Provider::Okta.user_path()
        )),
        "{}",
        failure.message
    );
    assert!(
        failure
            .message
            .to_lowercase()
            .contains("connection refused"),
        "{}",
        failure.message
    );
}
