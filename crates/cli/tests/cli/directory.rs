//! `user-apis directory`: one person on the providers whose variables are set, printed as
//! JSON lines off a terminal, with the exit code of the worst outcome.

use httpmock::Method::{DELETE, GET, POST};
use httpmock::{Mock, MockServer};
use serde_json::json;

use crate::{exact, user_apis};

const OKTA_TOKEN: &str = "00a-directory-token";
const SENDAUTH_ID: &str = "7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f01";

fn okta_env(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("OKTA_ORG_URL", server.base_url()),
        ("OKTA_API_TOKEN", OKTA_TOKEN.to_string()),
    ]
}

fn sendauth_env(url: String) -> Vec<(&'static str, String)> {
    vec![
        ("SENDAUTH_URL", url),
        ("SENDAUTH_USERNAME", "api-user".to_string()),
        ("SENDAUTH_PASSWORD", "api-password".to_string()),
    ]
}

fn directory(args: &[&str], env: &[(&'static str, String)]) -> crate::Run {
    let env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let mut all = vec!["directory"];
    all.extend_from_slice(args);
    user_apis(&all, &env, None)
}

/// Okta's answer to `filter=profile.email eq "ada@example.com"`: Ada, in `status`.
fn okta_lookup<'a>(server: &'a MockServer, status: &str) -> Mock<'a> {
    server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[("filter", r#"profile.email eq "ada@example.com""#)],
        )
        .header("authorization", format!("SSWS {OKTA_TOKEN}"));
        then.status(200).json_body(json!([{
            "id": "00u1", "status": status,
            "profile": {"login": "ada@example.com", "email": "ada@example.com"}
        }]));
    })
}

#[test]
fn offboard_runs_on_every_configured_provider_and_prints_json_lines() {
    let okta = MockServer::start();
    let sendauth = MockServer::start();
    let lookup = okta_lookup(&okta, "ACTIVE");
    let suspend = okta.mock(|when, then| {
        exact(when, POST, "/api/v1/users/00u1/lifecycle/suspend", &[]);
        then.status(200);
    });
    let sessions = okta.mock(|when, then| {
        exact(
            when,
            DELETE,
            "/api/v1/users/00u1/sessions",
            &[("oauthTokens", "true")],
        );
        then.status(204);
    });
    let page = |rows: serde_json::Value| json!({"rows": rows, "total": rows.as_array().map_or(0, Vec::len)});
    let listed = sendauth.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[("q", "ada@example.com"), ("perPage", "100")],
        );
        then.status(200).json_body(page(json!([{
            "id": SENDAUTH_ID, "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"
        }])));
    });
    let deleted = sendauth.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users/deleted",
            &[("q", "ada@example.com"), ("perPage", "100")],
        );
        then.status(200).json_body(page(json!([])));
    });
    let delete = sendauth.mock(|when, then| {
        exact(when, DELETE, &format!("/api/v1/users/{SENDAUTH_ID}"), &[]);
        then.status(200);
    });
    let mut env = okta_env(&okta);
    env.extend(sendauth_env(sendauth.base_url()));

    let run = directory(&["offboard", "--email", "ada@example.com"], &env);

    assert_eq!(run.code, Some(0), "{run:?}");
    for mock in [&lookup, &suspend, &sessions, &listed, &deleted, &delete] {
        mock.assert();
    }
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert_eq!(lines[0]["provider"], "okta");
    assert_eq!(lines[0]["outcome"], "done");
    assert_eq!(lines[0]["account"]["id"], "00u1");
    assert_eq!(lines[0]["account"]["state"], "active");
    assert_eq!(
        lines[0]["account"]["user"]["profile"]["login"],
        "ada@example.com"
    );
    assert_eq!(
        lines[0]["calls"],
        json!([
            "POST /api/v1/users/00u1/lifecycle/suspend",
            "DELETE /api/v1/users/00u1/sessions?oauthTokens=true"
        ])
    );
    assert_eq!(lines[1]["provider"], "sendauth");
    assert_eq!(lines[1]["outcome"], "done");
    assert_eq!(
        lines[1]["calls"],
        json!([format!("DELETE /api/v1/users/{SENDAUTH_ID}")])
    );
    assert_eq!(run.stderr, "");
    run.assert_hides(OKTA_TOKEN);
    run.assert_hides("api-password");
}

#[test]
fn a_dry_run_prints_the_plan_and_changes_nothing() {
    let okta = MockServer::start();
    let lookup = okta_lookup(&okta, "ACTIVE");
    let change = okta.mock(|when, then| {
        when.method(POST);
        then.status(200);
    });

    let run = directory(
        &["suspend", "--email", "ada@example.com", "--dry-run"],
        &okta_env(&okta),
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    lookup.assert();
    change.assert_calls(0);
    let lines = run.json_lines();
    assert_eq!(lines[0]["outcome"], "planned");
    assert_eq!(
        lines[0]["calls"],
        json!(["POST /api/v1/users/00u1/lifecycle/suspend"])
    );
}

#[test]
fn a_second_suspend_is_already_done_and_exits_zero() {
    let okta = MockServer::start();
    let lookup = okta_lookup(&okta, "SUSPENDED");

    let run = directory(&["suspend", "--email", "ada@example.com"], &okta_env(&okta));

    assert_eq!(run.code, Some(0), "{run:?}");
    lookup.assert();
    assert_eq!(run.json_lines()[0]["outcome"], "already");
    assert_eq!(run.json_lines()[0]["calls"], json!([]));
}

#[test]
fn exit_codes_say_refused_unreachable_or_not_found() {
    // Refused: Okta answers 403.
    let okta = MockServer::start();
    let lookup = okta_lookup(&okta, "ACTIVE");
    okta.mock(|when, then| {
        exact(when, POST, "/api/v1/users/00u1/lifecycle/suspend", &[]);
        then.status(403).json_body(json!({
            "errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"
        }));
    });
    let refused = directory(&["suspend", "--email", "ada@example.com"], &okta_env(&okta));
    assert_eq!(refused.code, Some(3), "{refused:?}");
    lookup.assert();
    let line = &refused.json_lines()[0];
    assert_eq!(line["outcome"], "failed");
    assert!(
        line["error"]
            .as_str()
            .is_some_and(|error| error.contains("403") && error.contains("permission")),
        "{line}"
    );

    // Unreachable beside refused: the worse one, 4.
    let mut env = okta_env(&okta);
    env.extend(sendauth_env("http://127.0.0.1:1".to_string()));
    let unreachable = directory(&["suspend", "--email", "ada@example.com"], &env);
    assert_eq!(unreachable.code, Some(4), "{unreachable:?}");

    // Not found: 1.
    let nobody = MockServer::start();
    nobody.mock(|when, then| {
        when.method(GET).path("/api/v1/users");
        then.status(200).json_body(json!([]));
    });
    let missing = directory(
        &["restore", "--email", "ada@example.com"],
        &okta_env(&nobody),
    );
    assert_eq!(missing.code, Some(1), "{missing:?}");
    assert_eq!(missing.json_lines()[0]["outcome"], "not_found");
}

#[test]
fn usage_errors_exit_two() {
    let none = directory(&["find", "--email", "ada@example.com"], &[]);
    assert_eq!(none.code, Some(2), "{none:?}");
    assert!(
        none.stderr.contains("no provider is configured"),
        "{none:?}"
    );

    let okta = MockServer::start();
    let no_token = directory(
        &["find", "--email", "ada@example.com"],
        &[("OKTA_ORG_URL", okta.base_url())],
    );
    assert_eq!(no_token.code, Some(2), "{no_token:?}");
    assert!(
        no_token.stderr.contains("OKTA_API_TOKEN is not set"),
        "{no_token:?}"
    );

    let nobody = directory(&["find"], &okta_env(&okta));
    assert_eq!(nobody.code, Some(2), "{nobody:?}");

    let incomplete = directory(
        &["ensure", "--email", "ada@example.com", "--username", "ada"],
        &okta_env(&okta),
    );
    assert_eq!(incomplete.code, Some(2), "{incomplete:?}");
    assert!(incomplete.stderr.contains("--first-name"), "{incomplete:?}");
}

#[test]
fn ensure_creates_the_missing_account() {
    let okta = MockServer::start();
    let lookup = okta.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v1/users",
            &[("filter", r#"profile.email eq "ada@example.com""#)],
        );
        then.status(200).json_body(json!([]));
    });
    let create = okta.mock(|when, then| {
        exact(when, POST, "/api/v1/users", &[("activate", "true")]).json_body(json!({
            "profile": {
                "login": "ada@example.com", "email": "ada@example.com",
                "firstName": "Ada", "lastName": "Lovelace"
            }
        }));
        then.status(200).json_body(json!({
            "id": "00u9", "status": "PROVISIONED",
            "profile": {"login": "ada@example.com", "email": "ada@example.com"}
        }));
    });

    let run = directory(
        &[
            "ensure",
            "--email",
            "ada@example.com",
            "--username",
            "ada",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
        ],
        &okta_env(&okta),
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    lookup.assert();
    create.assert();
    let line = &run.json_lines()[0];
    assert_eq!(line["outcome"], "done");
    assert_eq!(line["account"]["id"], "00u9");
    assert_eq!(line["account"]["state"], "PROVISIONED");
}
