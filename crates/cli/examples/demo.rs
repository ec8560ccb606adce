//! The `user-apis` command against a local mock Okta org, in one command:
//! `cargo run -q -p user-apis-cli --example demo`.
//!
//! It starts an `httpmock` server on loopback with a few canned answers, then runs the real
//! binary (through `cargo run`, which builds it the first time) with `OKTA_ORG_URL` pointing
//! at the server, printing each command line, its output and its exit status.

use std::process::{Command, ExitCode};

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

/// A user as Okta sends it.
fn user(id: &str, first_name: &str, login: &str) -> Value {
    json!({
        "id": id,
        "status": "ACTIVE",
        "created": "2024-01-02T03:04:05Z",
        "profile": {"login": login, "email": login, "firstName": first_name, "lastName": "Lovelace"}
    })
}

fn mock_okta(server: &MockServer) {
    let next = format!(
        "<{}/api/v1/users?after=00u2&limit=2>; rel=\"next\"",
        server.base_url()
    );
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/users")
            .query_param("limit", "2")
            .query_param_missing("after");
        then.status(200).header("link", next).json_body(json!([
            user("00u1", "Ada", "ada@example.com"),
            user("00u2", "Byron", "byron@example.com")
        ]));
    });
    server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/users")
            .query_param("after", "00u2");
        then.status(200)
            .json_body(json!([user("00u3", "Annabella", "annabella@example.com")]));
    });
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/users/ada@example.com");
        then.status(200)
            .json_body(user("00u1", "Ada", "ada@example.com"));
    });
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/v1/users/nobody@example.com/lifecycle/suspend");
        then.status(404).json_body(json!({
            "errorCode": "E0000007",
            "errorSummary": "Not found: Resource not found: nobody@example.com (User)",
            "errorCauses": []
        }));
    });
}

fn main() -> ExitCode {
    let server = MockServer::start();
    mock_okta(&server);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let commands: [&[&str]; 3] = [
        &["okta", "list-users", "--limit", "2", "--all"],
        &["okta", "get-user", "--user-id", "ada@example.com"],
        &["okta", "suspend-user", "--user-id", "nobody@example.com"],
    ];
    println!(
        "OKTA_ORG_URL={} OKTA_API_TOKEN=demo-token\n",
        server.base_url()
    );
    for args in commands {
        println!("$ user-apis {}", args.join(" "));
        let status = Command::new(&cargo)
            .args([
                "run",
                "--quiet",
                "--package",
                "user-apis-cli",
                "--bin",
                "user-apis",
                "--",
            ])
            .args(args)
            .env("OKTA_ORG_URL", server.base_url())
            .env("OKTA_API_TOKEN", "demo-token")
            .status();
        match status {
            Ok(status) => println!("[exit status {}]\n", status.code().unwrap_or(-1)),
            Err(error) => {
                eprintln!("cannot run cargo: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
