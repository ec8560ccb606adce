//! `user-apis gitlab`: PRIVATE-TOKEN from the environment, `--all` over `X-Next-Page`, a body
//! from a file with a flag over one of its fields, empty responses, and error bodies.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::{TempFile, exact, user_apis};

const TOKEN: &str = "glpat-Cli-t0ken-9xYz";

fn run(server: &MockServer, args: &[&str], stdin: Option<&str>) -> crate::Run {
    let url = server.base_url();
    user_apis(
        args,
        &[("GITLAB_URL", url.as_str()), ("GITLAB_TOKEN", TOKEN)],
        stdin,
    )
}

fn user_json(id: i64, username: &str) -> Value {
    json!({"id": id, "username": username, "name": format!("{username} name"), "state": "active"})
}

#[test]
fn list_users_all_walks_the_pages_gitlab_announces() {
    let server = MockServer::start();
    let pages = [
        (1, "2", vec![user_json(1, "ada"), user_json(2, "bob")]),
        (
            2,
            "3",
            vec![user_json(3, "cy"), user_json(3_000_000_004, "dee")],
        ),
        (3, "", vec![user_json(5, "eve")]),
    ];
    let mocks: Vec<_> = pages
        .iter()
        .map(|(page, next, users)| {
            server.mock(|when, then| {
                exact(
                    when,
                    GET,
                    "/api/v4/users",
                    &[
                        ("page", &page.to_string()),
                        ("per_page", "2"),
                        ("active", "true"),
                    ],
                )
                .header("private-token", TOKEN);
                then.status(200)
                    .header("x-next-page", *next)
                    .json_body(json!(users));
            })
        })
        .collect();

    let run = run(
        &server,
        &[
            "gitlab",
            "list-users",
            "--per-page",
            "2",
            "--active",
            "true",
            "--all",
        ],
        None,
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    for mock in &mocks {
        mock.assert();
    }
    let expected: Vec<Value> = pages.into_iter().flat_map(|(_, _, users)| users).collect();
    assert_eq!(run.json_lines(), expected);
    assert_eq!(run.stderr, "");
}

#[test]
fn block_user_posts_and_prints_nothing_for_an_empty_answer() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/42/block", &[])
            .header("private-token", TOKEN)
            .header("sudo", "root");
        then.status(201);
    });

    let run = run(
        &server,
        &["gitlab", "block-user", "--id", "42", "--sudo", "root"],
        None,
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
}

/// Following a user already followed: GitLab answers 304, which changes nothing, so the run
/// succeeds with a note on stderr and nothing on stdout; a command can be run again.
#[test]
fn following_again_changes_nothing_and_succeeds() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/42/follow", &[]).header("private-token", TOKEN);
        then.status(304);
    });

    let run = run(&server, &["gitlab", "follow-user", "--id", "42"], None);

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "note: 304 Not Modified: nothing changed\n");
}

#[test]
fn add_user_email_sends_the_file_s_body_with_flags_over_its_fields() {
    let body = TempFile::new(
        "gitlab-add-email",
        "email.json",
        Some(br#"{"email": "ada@example.com", "skip_confirmation": false}"#),
    );
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/3000000000/emails", &[])
            .header("private-token", TOKEN)
            .header("content-type", "application/json")
            .json_body(json!({"email": "ada@example.com", "skip_confirmation": true}));
        then.status(201).json_body(json!({
            "id": 4_100_000_007_i64,
            "email": "ada@example.com",
            "confirmed_at": "2024-05-06T07:08:09Z"
        }));
    });

    let run = run(
        &server,
        &[
            "gitlab",
            "add-user-email",
            "--id",
            "3000000000",
            "--json-body",
            body.arg(),
            "--skip-confirmation",
            "true",
        ],
        None,
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.json_lines(),
        vec![json!({
            "id": 4_100_000_007_i64,
            "email": "ada@example.com",
            "confirmed_at": "2024-05-06T07:08:09Z"
        })]
    );
}

#[test]
fn a_body_flag_alone_makes_the_body() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/7/emails", &[])
            .json_body(json!({"email": "bob@example.com"}));
        then.status(201)
            .json_body(json!({"id": 9, "email": "bob@example.com"}));
    });

    let run = run(
        &server,
        &[
            "gitlab",
            "add-user-email",
            "--id",
            "7",
            "--email",
            "bob@example.com",
        ],
        None,
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.json_lines(),
        vec![json!({"id": 9, "email": "bob@example.com"})]
    );
}

#[test]
fn a_body_that_does_not_fit_the_schema_is_a_usage_error_and_nothing_is_sent() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(201);
    });

    let run = run(
        &server,
        &["gitlab", "add-user-email", "--id", "7", "--json-body", "-"],
        Some(r#"{"skip_confirmation": true}"#),
    );

    assert_eq!(any.calls(), 0);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: failed to parse -: missing field `email`"),
        "{run:?}"
    );

    let run = run_missing_file(&server);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: failed to read /nonexistent/user.json:"),
        "{run:?}"
    );
}

fn run_missing_file(server: &MockServer) -> crate::Run {
    run(
        server,
        &[
            "gitlab",
            "create-user",
            "--json-body",
            "/nonexistent/user.json",
        ],
        None,
    )
}

#[test]
fn error_bodies_print_gitlab_s_message_text_or_fields() {
    let server = MockServer::start();
    let forbidden = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/1", &[]).header("private-token", TOKEN);
        then.status(403)
            .json_body(json!({"message": "403 Forbidden"}));
    });
    let invalid = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/1/emails", &[]);
        then.status(400)
            .json_body(json!({"message": {"email": ["has already been taken"]}}));
    });

    let run_forbidden = run(&server, &["gitlab", "get-user", "--id", "1"], None);
    let run_invalid = run(
        &server,
        &[
            "gitlab",
            "add-user-email",
            "--id",
            "1",
            "--email",
            "ada@example.com",
        ],
        None,
    );

    forbidden.assert();
    invalid.assert();
    assert_eq!(run_forbidden.code, Some(3), "{run_forbidden:?}");
    assert_eq!(run_forbidden.stdout, "");
    assert_eq!(
        run_forbidden.stderr,
        "error: 403 Forbidden: 403 Forbidden\n"
    );
    run_forbidden.assert_hides(TOKEN);
    assert_eq!(run_invalid.code, Some(3), "{run_invalid:?}");
    assert_eq!(
        run_invalid.stderr,
        "error: 400 Bad Request: {\"email\":[\"has already been taken\"]}\n"
    );
    run_invalid.assert_hides(TOKEN);
}
