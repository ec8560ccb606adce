//! `user-apis okta`: SSWS auth from the environment, `--all` over `Link` cursors, a body from
//! standard input, typed errors, and transport failures.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::{exact, user_apis};

const TOKEN: &str = "00aBcD-okta-cli-token";
const AUTHORIZATION: &str = "SSWS 00aBcD-okta-cli-token";

fn env(server: &MockServer) -> [(&'static str, String); 2] {
    [
        ("OKTA_ORG_URL", server.base_url()),
        ("OKTA_API_TOKEN", TOKEN.to_string()),
    ]
}

fn run(server: &MockServer, args: &[&str], stdin: Option<&str>) -> crate::Run {
    let env = env(server);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    user_apis(args, &env, stdin)
}

/// A user as Okta sends it, with a custom profile attribute; it prints back unchanged.
fn user_json(id: &str, login: &str) -> Value {
    json!({
        "id": id,
        "status": "ACTIVE",
        "created": "2024-01-02T03:04:05Z",
        "profile": {"login": login, "email": login, "firstName": "Ada", "department": "Engines"}
    })
}

#[test]
fn list_users_all_follows_the_link_cursors_and_prints_one_user_per_line() {
    let server = MockServer::start();
    let next = |cursor: &str| {
        format!(
            "<{}/api/v1/users?after={cursor}&limit=2>; rel=\"next\"",
            server.base_url()
        )
    };
    let first = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[("limit", "2"), ("filter", "status eq \"ACTIVE\"")],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200)
            .header("link", next("c1"))
            .json_body(json!([
                user_json("u1", "a@x.io"),
                user_json("u2", "b@x.io")
            ]));
    });
    let second = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[
                ("after", "c1"),
                ("limit", "2"),
                ("filter", "status eq \"ACTIVE\""),
            ],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200)
            .header("link", next("c2"))
            .json_body(json!([
                user_json("u3", "c@x.io"),
                user_json("u4", "d@x.io")
            ]));
    });
    let last = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[
                ("after", "c2"),
                ("limit", "2"),
                ("filter", "status eq \"ACTIVE\""),
            ],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200)
            .json_body(json!([user_json("u5", "e@x.io")]));
    });

    let run = run(
        &server,
        &[
            "okta",
            "list-users",
            "--limit",
            "2",
            "--filter",
            "status eq \"ACTIVE\"",
            "--all",
        ],
        None,
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    first.assert();
    second.assert();
    last.assert();
    assert_eq!(
        run.json_lines(),
        vec![
            user_json("u1", "a@x.io"),
            user_json("u2", "b@x.io"),
            user_json("u3", "c@x.io"),
            user_json("u4", "d@x.io"),
            user_json("u5", "e@x.io"),
        ]
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn list_users_without_all_prints_one_page_and_names_the_next_cursor_on_stderr() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, "/api/v1/users", &[("limit", "50")])
            .header("authorization", AUTHORIZATION);
        then.status(200)
            .header(
                "link",
                format!(
                    "<{}/api/v1/users?limit=50>; rel=\"self\", \
                     <{}/api/v1/users?after=00u1%2Bx&limit=50>; rel=\"next\"",
                    server.base_url(),
                    server.base_url()
                ),
            )
            .json_body(json!([user_json("u1", "a@x.io")]));
    });
    let last = server.mock(|when, then| {
        exact(when, GET, "/api/v1/users", &[("after", "00u1+x")]);
        then.status(200)
            .header(
                "link",
                format!("<{}/api/v1/users>; rel=\"self\"", server.base_url()),
            )
            .json_body(json!([user_json("u2", "b@x.io")]));
    });

    let first = run(&server, &["okta", "list-users", "--limit", "50"], None);

    assert_eq!(first.code, Some(0), "{first:?}");
    mock.assert();
    // Not a terminal: compact JSON on one line.
    assert_eq!(first.stdout.lines().count(), 1, "{first:?}");
    assert_eq!(first.json_lines(), vec![json!([user_json("u1", "a@x.io")])]);
    // The cursor of the next page is only in the `Link` header: stderr says how to ask for it.
    assert_eq!(
        first.stderr,
        "note: more on the next page: --after 00u1+x (or --all for every page)\n"
    );

    // Which the next run does; the last page has no next link, and no note.
    let next = run(&server, &["okta", "list-users", "--after", "00u1+x"], None);
    assert_eq!(next.code, Some(0), "{next:?}");
    last.assert();
    assert_eq!(next.json_lines(), vec![json!([user_json("u2", "b@x.io")])]);
    assert_eq!(next.stderr, "");
}

#[test]
fn create_user_reads_its_body_from_stdin_and_sends_the_query_flags() {
    let body = json!({
        "profile": {"login": "ada@x.io", "email": "ada@x.io", "firstName": "Ada", "lastName": "Lovelace", "department": "Engines"},
        "credentials": {"password": {"value": "c0rrect-h0rse"}}
    });
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(
            when,
            POST,
            "/api/v1/users",
            &[("activate", "false"), ("nextLogin", "changePassword")],
        )
        .header("authorization", AUTHORIZATION)
        .header("content-type", "application/json")
        .json_body(body.clone());
        then.status(200).json_body(user_json("00u9", "ada@x.io"));
    });

    let run = run(
        &server,
        &[
            "okta",
            "create-user",
            "--activate",
            "false",
            "--next-login",
            "changePassword",
            "--json-body",
            "-",
        ],
        Some(&body.to_string()),
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    mock.assert();
    assert_eq!(run.json_lines(), vec![user_json("00u9", "ada@x.io")]);
}

#[test]
fn an_error_status_prints_okta_s_summary_and_exits_3_without_the_token() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, "/api/v1/users/nobody@x.io", &[]).header("authorization", AUTHORIZATION);
        then.status(404).json_body(json!({
            "errorCode": "E0000007",
            "errorSummary": "Not found: Resource not found: nobody@x.io (User)",
            "errorLink": "E0000007",
            "errorId": "oae1",
            "errorCauses": []
        }));
    });

    let run = run(
        &server,
        &["okta", "get-user", "--user-id", "nobody@x.io"],
        None,
    );

    mock.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: 404 Not Found: Not found: Resource not found: nobody@x.io (User)\n"
    );
    run.assert_hides(TOKEN);
}

#[test]
fn a_malformed_response_exits_4() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/api/v1/users/u1");
        then.status(200).body("{\"id\": ");
    });

    let run = run(&server, &["okta", "get-user", "--user-id", "u1"], None);

    mock.assert();
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(
        run.stderr.starts_with("error: cannot decode the response:"),
        "{run:?}"
    );
    run.assert_hides(TOKEN);
}

#[test]
fn an_error_status_with_an_html_body_still_exits_3_with_its_status() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/api/v1/users/u1");
        then.status(404)
            .header("content-type", "text/html")
            .body("<h1>Not Found</h1>");
    });

    let run = run(&server, &["okta", "get-user", "--user-id", "u1"], None);

    mock.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: 404 Not Found: invalid response to get_user (404 Not Found, text/html): \
         expected value at line 1 column 1; body starts \"<h1>Not Found</h1>\"\n"
    );
    run.assert_hides(TOKEN);
}

#[test]
fn a_path_parameter_that_would_change_the_path_is_refused_before_sending() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({}));
    });

    let run = run(&server, &["okta", "get-user", "--user-id", ".."], None);

    assert_eq!(any.calls(), 0);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: invalid request: a path parameter is \"..\", which would change the path\n"
    );
}

#[test]
fn no_server_listening_exits_4_after_the_client_s_retries() {
    // A port that was free a moment ago: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");

    let run = user_apis(
        &["okta", "--base-url", &url, "get-user", "--user-id", "u1"],
        &[("OKTA_API_TOKEN", TOKEN)],
        None,
    );

    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stderr.starts_with("error: request failed:"), "{run:?}");
    run.assert_hides(TOKEN);
}

#[test]
fn a_status_the_spec_does_not_list_is_an_api_error() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/api/v1/users/u1");
        then.status(418).body("short and stout");
    });

    let run = run(&server, &["okta", "get-user", "--user-id", "u1"], None);

    mock.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: 418 I'm a teapot: a response this operation does not document\n"
    );
}

/// Spawns `user-apis okta get-user --user-id <id>` against `server`, its stdout and stderr
/// pipes; the caller drops the ends it wants closed.
fn spawn_get_user(server: &MockServer, id: &str) -> std::process::Child {
    let env = env(server);
    std::process::Command::new(env!("CARGO_BIN_EXE_user-apis"))
        .args(["okta", "get-user", "--user-id", id])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the user-apis binary starts")
}

/// With stderr or stdout a pipe whose reader has gone (`... 2>&1 | head -0`), what cannot be
/// written is lost, but the process does not panic (exit 101): the exit code still tells the
/// API's error from success. The server answers late, so the reader is gone first.
#[test]
fn closed_output_pipes_keep_the_exit_code() {
    use std::io::Read as _;
    use std::time::Duration;

    let server = MockServer::start();
    let missing = server.mock(|when, then| {
        exact(when, GET, "/api/v1/users/nobody", &[]);
        then.status(404)
            .delay(Duration::from_millis(300))
            .json_body(json!({
                "errorCode": "E0000007",
                "errorSummary": "Not found: Resource not found: nobody (User)"
            }));
    });
    let found = server.mock(|when, then| {
        exact(when, GET, "/api/v1/users/u1", &[]);
        then.status(200)
            .delay(Duration::from_millis(300))
            .json_body(user_json("u1", "a@x.io"));
    });

    // The error cannot be written on stderr: still the API's exit code.
    let mut child = spawn_get_user(&server, "nobody");
    drop(child.stderr.take());
    let status = child.wait().expect("user-apis runs to the end");
    missing.assert();
    assert_eq!(status.code(), Some(3), "{status:?}");

    // The user cannot be written on stdout: nothing on stderr, and success.
    let mut child = spawn_get_user(&server, "u1");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("stderr is read");
    let status = child.wait().expect("user-apis runs to the end");
    found.assert();
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert_eq!(stderr, "");
}

/// A body may hold passwords: when a value does not fit the request, the error names the field
/// and what it takes, not the value (serde_json's own message would quote it). Messages that
/// quote no value, such as a syntax error, are kept. Nothing is sent either way.
#[test]
fn a_body_that_does_not_fit_is_reported_without_its_values() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let change_password = [
        "okta",
        "change-password",
        "--user-id",
        "u1",
        "--json-body",
        "-",
    ];

    // `oldPassword` is an object holding `value`, not the password itself.
    let mistyped = run(
        &server,
        &change_password,
        Some(r#"{"oldPassword": "hunter2-old", "newPassword": {"value": "hunter3-new"}}"#),
    );
    assert_eq!(mistyped.code, Some(2), "{mistyped:?}");
    assert_eq!(
        mistyped.stderr,
        "error: failed to parse -: oldPassword: expected an object, found a string at line 1 \
         column 29\n"
    );
    mistyped.assert_hides("hunter2-old");
    mistyped.assert_hides("hunter3-new");

    // A secret where a flag of the body's profile belongs, deep in the body.
    let nested = run(
        &server,
        &change_password,
        Some(r#"{"newPassword": {"value": {"secret": "hunter4-nested"}}, "revokeSessions": 1}"#),
    );
    assert_eq!(nested.code, Some(2), "{nested:?}");
    assert_eq!(
        nested.stderr,
        "error: failed to parse -: newPassword.value: expected a string, found an object at line \
         1 column 26\n"
    );
    nested.assert_hides("hunter4-nested");

    let cut = run(&server, &change_password, Some(r#"{"oldPassword": "#));
    assert_eq!(cut.code, Some(2), "{cut:?}");
    assert_eq!(
        cut.stderr,
        "error: failed to parse -: EOF while parsing a value at line 1 column 16\n"
    );
    assert_eq!(any.calls(), 0);
}
