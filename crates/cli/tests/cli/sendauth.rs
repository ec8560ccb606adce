//! `user-apis sendauth`: basic auth from the environment, `--all` until `total`, a body made of
//! typed flags (with an enum value the spec does not list), and errors, also mid-stream.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::{exact, user_apis};

const USERNAME: &str = "api-user";
const PASSWORD: &str = "pa55-w0rd!cli";
/// `Basic base64("api-user:pa55-w0rd!cli")`.
const AUTHORIZATION: &str = "Basic YXBpLXVzZXI6cGE1NS13MHJkIWNsaQ==";
const USER_ID: &str = "7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f01";

fn run(server: &MockServer, args: &[&str]) -> crate::Run {
    let url = server.base_url();
    user_apis(
        args,
        &[
            ("SENDAUTH_URL", url.as_str()),
            ("SENDAUTH_USERNAME", USERNAME),
            ("SENDAUTH_PASSWORD", PASSWORD),
        ],
        None,
    )
}

fn user_json(n: u32) -> Value {
    json!({
        "id": format!("7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f0{n}"),
        "firstName": format!("User{n}"),
        "lastName": "Lovelace",
        "role": "user"
    })
}

/// Mocks page `page` of `/api/v1/users` (two per page), answering `total` and `users`.
fn page<'a>(server: &'a MockServer, page: u32, users: &[Value]) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            // A walk's first request is the list's own: no `page`.
            &[
                ("page", page.to_string().as_str()),
                ("perPage", "2"),
                ("sortDir", "desc"),
            ][usize::from(page == 1)..],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200)
            .json_body(json!({"rows": users, "total": 5}));
    })
}

#[test]
fn list_users_all_reads_pages_until_total() {
    let server = MockServer::start();
    let mocks = [
        page(&server, 1, &[user_json(1), user_json(2)]),
        page(&server, 2, &[user_json(3), user_json(4)]),
        page(&server, 3, &[user_json(5)]),
    ];

    let run = run(
        &server,
        &[
            "sendauth",
            "list-users",
            "--per-page",
            "2",
            "--sort-dir",
            "desc",
            "--all",
        ],
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    for mock in &mocks {
        mock.assert();
    }
    assert_eq!(run.json_lines(), (1..=5).map(user_json).collect::<Vec<_>>());
}

#[test]
fn an_error_mid_stream_keeps_the_items_printed_so_far_and_exits_3() {
    let server = MockServer::start();
    let first = page(&server, 1, &[user_json(1), user_json(2)]);
    let failing = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[("page", "2"), ("perPage", "2"), ("sortDir", "desc")],
        );
        then.status(500)
            .json_body(json!({"error": "upstream exploded"}));
    });

    let run = run(
        &server,
        &[
            "sendauth",
            "list-users",
            "--per-page",
            "2",
            "--sort-dir",
            "desc",
            "--all",
        ],
    );

    first.assert();
    // A 500 is not retried (only 429, 502, 503 and 504 are).
    failing.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.json_lines(), vec![user_json(1), user_json(2)]);
    assert_eq!(
        run.stderr,
        "error: 500 Internal Server Error: upstream exploded\n"
    );
    run.assert_hides(PASSWORD);
}

#[test]
fn create_user_builds_its_body_from_flags_and_keeps_unknown_enum_values() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v1/users", &[])
            .header("authorization", AUTHORIZATION)
            .header("content-type", "application/json")
            .json_body(json!({
                "firstName": "Ada",
                "lastName": "Lovelace",
                "email": "ada@example.com",
                "role": "auditor",
                "messagingPreference": "sms"
            }));
        then.status(201).json_body(json!({
            "id": USER_ID,
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "role": "auditor",
            "messagingPreference": "sms",
            "hasPasskeys": false
        }));
    });

    let run = run(
        &server,
        &[
            "sendauth",
            "create-user",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--email",
            "ada@example.com",
            "--role",
            "auditor",
            "--messaging-preference",
            "sms",
        ],
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.json_lines(),
        vec![json!({
            "id": USER_ID,
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "role": "auditor",
            "messagingPreference": "sms",
            "hasPasskeys": false
        })]
    );
}

#[test]
fn a_required_body_field_is_required_unless_a_json_body_is_given() {
    let run = user_apis(
        &["sendauth", "create-user", "--first-name", "Ada"],
        &[],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--last-name <last-name>"), "{run:?}");
}

#[test]
fn not_found_prints_the_error_field_and_exits_3_without_the_password() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, &format!("/api/v1/users/{USER_ID}"), &[])
            .header("authorization", AUTHORIZATION);
        then.status(404)
            .json_body(json!({"error": "user not found", "details": ["no such id"]}));
    });

    let run = run(&server, &["sendauth", "get-user", "--user-id", USER_ID]);

    mock.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: 404 Not Found: user not found (no such id)\n"
    );
    run.assert_hides(PASSWORD);
    run.assert_hides(AUTHORIZATION);
}
