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
                    // A walk's first request is the list's own: no `page`.
                    &[
                        ("page", page.to_string().as_str()),
                        ("per_page", "2"),
                        ("active", "true"),
                    ][usize::from(*page == 1)..],
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
        "error: 400 Bad Request: email has already been taken\n"
    );
    run_invalid.assert_hides(TOKEN);
}

/// A 304 is no failure only where the operation documents it (following, unfollowing): to any
/// other it is an answer the operation does not document, exit 4.
#[test]
fn a_304_to_an_operation_that_does_not_document_it_fails() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/42", &[]).header("private-token", TOKEN);
        then.status(304);
    });

    let run = run(&server, &["gitlab", "get-user", "--id", "42"], None);

    mock.assert();
    assert_eq!(run.code, Some(4), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: 304 Not Modified: a response this operation does not document\n"
    );
}

/// A user as a newer GitLab sends it: fields the spec does not know, an empty list and
/// object, nulls, and dates and numbers in forms a re-encoding would change.
const SENT_USER: &str = r#"{
  "id": 42, "username": "ada", "name": "Ada", "state": "active",
  "state_reason": null, "preferred_language": "en",
  "created_at": "2024-01-02T03:04:05.000Z", "identities": [], "_links": {},
  "weight": 1.50, "bio": "tab\tand \"quote\" \u00e9"
}"#;

/// What is printed is the JSON the server sent, on one line when stdout is no terminal, not
/// the decoded value written again (which would drop the unknown fields, the empty ones and
/// the nulls, and rewrite the date).
#[test]
fn get_user_prints_the_json_the_server_sent() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/42", &[]).header("private-token", TOKEN);
        then.status(200)
            .header("content-type", "application/json")
            .body(SENT_USER);
    });

    let run = run(&server, &["gitlab", "get-user", "--id", "42"], None);

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        concat!(
            r#"{"id":42,"username":"ada","name":"Ada","state":"active","state_reason":null,"#,
            r#""preferred_language":"en","created_at":"2024-01-02T03:04:05.000Z","identities":[],"#,
            r#""_links":{},"weight":1.50,"bio":"tab\tand \"quote\" \u00e9"}"#,
            "\n"
        )
    );
    assert_eq!(run.stderr, "");
}

/// `--all` prints each item of each page as the server sent it, one per line.
#[test]
fn list_users_all_prints_each_item_as_sent() {
    let server = MockServer::start();
    let first = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v4/users",
            &[("per_page", "2")],
        );
        then.status(200)
            .header("content-type", "application/json")
            .header("x-next-page", "2")
            .body(format!("[ {SENT_USER},\n {{\"id\": 7, \"username\": \"bob\", \"name\": \"Bob\", \"state\": \"active\", \"x\": []}} ]"));
    });
    let second = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v4/users",
            &[("page", "2"), ("per_page", "2")],
        );
        then.status(200)
            .header("content-type", "application/json")
            .header("x-next-page", "")
            .body(r#"[{"id": 3000000004, "username": "dee", "name": "Dee", "state": "blocked", "note": null}]"#);
    });

    let run = run(
        &server,
        &["gitlab", "list-users", "--per-page", "2", "--all"],
        None,
    );

    first.assert();
    second.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run:?}");
    assert!(
        lines[0].starts_with(
            r#"{"id":42,"username":"ada","name":"Ada","state":"active","state_reason":null,"#
        ),
        "{run:?}"
    );
    assert!(lines[0].ends_with(r#""weight":1.50,"bio":"tab\tand \"quote\" \u00e9"}"#));
    assert_eq!(
        lines[1],
        r#"{"id":7,"username":"bob","name":"Bob","state":"active","x":[]}"#
    );
    assert_eq!(
        lines[2],
        r#"{"id":3000000004,"username":"dee","name":"Dee","state":"blocked","note":null}"#
    );
}

/// A server on a local port that answers one request with `answer` (status line, headers and
/// as much of the body as it sends), then closes the connection.
fn answer_once(answer: String) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    let served = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("one request");
        let mut request = Vec::new();
        let mut buffer = [0_u8; 4096];
        // The headers, then as many body bytes as they announce.
        loop {
            let read = stream.read(&mut buffer).expect("the request");
            request.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&request).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())
                            .flatten()
                    })
                    .unwrap_or(0);
                if body.len() >= length || read == 0 {
                    stream.write_all(answer.as_bytes()).expect("the answer");
                    return text;
                }
            }
            if read == 0 {
                return text;
            }
        }
    });
    (url, served)
}

/// A new token's answer cut short or not decodable: the run fails (exit 4), but the body is
/// written to stdout as it arrived, so the token the server made is not lost.
#[test]
fn a_new_token_whose_answer_does_not_decode_is_written_as_sent() {
    const SECRET: &str = "glpat-NewS3cret-abc";
    let cut = format!(r#"{{"id": 9, "name": "ci", "scopes": ["api"], "token": "{SECRET}", "#);
    let malformed = format!(r#"{{"id": "nine", "token": "{SECRET}"}}"#);
    let answers = [
        // Announced longer than it is: the connection closes in the middle of the body.
        format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{cut}",
            cut.len() + 40
        ),
        format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{malformed}",
            malformed.len()
        ),
    ];
    for (answer, sent) in answers.into_iter().zip([&cut, &malformed]) {
        let (url, served) = answer_once(answer);
        let run = user_apis(
            &[
                "gitlab",
                "create-personal-access-token",
                "--user-id",
                "42",
                "--json-body",
                "-",
            ],
            &[("GITLAB_URL", url.as_str()), ("GITLAB_TOKEN", TOKEN)],
            Some(r#"{"name": "ci", "scopes": ["api"]}"#),
        );
        let request = served.join().expect("the server thread");
        assert!(
            request.starts_with("POST /api/v4/users/42/personal_access_tokens HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            request.ends_with(r#"{"name":"ci","scopes":["api"]}"#),
            "{request}"
        );
        assert_eq!(run.code, Some(4), "{run:?}");
        assert_eq!(run.stdout, *sent, "{run:?}");
        assert!(
            run.stderr.starts_with("error: cannot decode the response: invalid response to create_personal_access_token (201 Created"),
            "{run:?}"
        );
    }
}

/// GitLab names the user in a path `id` in some operations and `user_id` in others; every
/// command takes both, so either guess is right.
#[test]
fn the_user_is_id_or_user_id_in_every_command() {
    let server = MockServer::start();
    let user = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/42", &[]).header("private-token", TOKEN);
        then.status(200).json_body(user_json(42, "ada"));
    });
    let keys = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/42/keys", &[]).header("private-token", TOKEN);
        then.status(200).json_body(json!([]));
    });

    for flag in ["--id", "--user-id"] {
        let answer = run(&server, &["gitlab", "get-user", flag, "42"], None);
        assert_eq!(answer.code, Some(0), "{flag}: {answer:?}");
        assert_eq!(answer.json_lines(), [user_json(42, "ada")]);
        let answer = run(&server, &["gitlab", "list-user-ssh-keys", flag, "42"], None);
        assert_eq!(answer.code, Some(0), "{flag}: {answer:?}");
        assert_eq!(answer.json_lines(), [json!([])]);
    }
    user.assert_calls(2);
    keys.assert_calls(2);

    // Giving both is giving one flag twice.
    let answer = run(
        &server,
        &["gitlab", "get-user", "--id", "1", "--user-id", "2"],
        None,
    );
    assert_eq!(answer.code, Some(2), "{answer:?}");
    assert!(
        answer.stderr.contains("cannot be used multiple times"),
        "{answer:?}"
    );
}

/// Pages of users that the server takes `delay` to send, announcing each next page.
fn slow_pages(
    server: &MockServer,
    pages: u64,
    delay: std::time::Duration,
) -> Vec<httpmock::Mock<'_>> {
    (1..=pages)
        .map(|page| {
            let next = if page < pages {
                (page + 1).to_string()
            } else {
                String::new()
            };
            let users = json!([
                user_json(2 * page as i64 - 1, "a"),
                user_json(2 * page as i64, "b")
            ]);
            server.mock(|when, then| {
                exact(
                    when,
                    GET,
                    "/api/v4/users",
                    &[("page", page.to_string().as_str()), ("per_page", "2")]
                        [usize::from(page == 1)..],
                )
                .header("private-token", TOKEN);
                then.status(200)
                    .header("x-next-page", next)
                    .delay(delay)
                    .json_body(users);
            })
        })
        .collect()
}

/// On a pipe (as here), a long walk writes nothing on stderr: its progress is for terminals.
#[test]
fn a_long_walk_on_a_pipe_leaves_stderr_empty() {
    let server = MockServer::start();
    let mocks = slow_pages(&server, 5, std::time::Duration::from_millis(150));

    let run = run(
        &server,
        &["gitlab", "list-users", "--per-page", "2", "--all"],
        None,
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    for mock in &mocks {
        mock.assert();
    }
    assert_eq!(run.json_lines().len(), 10, "{run:?}");
    assert_eq!(run.stderr, "");
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), the walk shows its pages,
/// items and rate on stderr while it runs, and clears that line at the end.
#[cfg(target_os = "linux")]
#[test]
fn a_long_walk_on_a_terminal_shows_its_progress() {
    let server = MockServer::start();
    let mocks = slow_pages(&server, 4, std::time::Duration::from_millis(400));
    let url = server.base_url();
    let output = std::process::Command::new("script")
        .args(["-q", "-e", "-c"])
        .arg(format!(
            "'{}' gitlab list-users --per-page 2 --all",
            env!("CARGO_BIN_EXE_user-apis")
        ))
        .arg("/dev/null")
        .env_clear()
        .envs([
            ("PATH", "/usr/bin:/bin"),
            ("TERM", "xterm"),
            ("GITLAB_URL", url.as_str()),
            ("GITLAB_TOKEN", TOKEN),
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux's script runs");
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    for mock in &mocks {
        mock.assert();
    }
    assert!(terminal.contains("1 page, 2 items"), "{terminal:?}");
    assert!(terminal.contains("items/s"), "{terminal:?}");
    // Every user is printed, one line each as on a pipe.
    assert_eq!(terminal.matches("\"username\":").count(), 8, "{terminal:?}");
}
