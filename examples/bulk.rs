//! Bulk work: deactivate 5,000 Okta users, 32 at a time, and report which failed and why.
//!
//! ```sh
//! cargo run -q -p user-apis-examples --example bulk
//! ```
//!
//! runs against a local mock Okta org that knows 4,998 of the ids, refuses to deactivate its
//! administrator, and has never heard of one. With `OKTA_ORG_URL` and `OKTA_API_TOKEN` it runs
//! against that org instead, and really deactivates the users whose ids it reads from
//! standard input, one per line.
//!
//! [`user_apis::bulk`] runs one call per id with bounded concurrency and returns the results
//! in the order of the ids; every call goes through the client's pacing (by the rate-limit
//! headers Okta sends) and its cap on requests in flight, so 32 at a time never runs into the
//! org's rate limit.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Instant;

use httpmock::MockServer;
use user_apis::okta::mock::MockServerExt;
use user_apis::okta::{Client, types};
use user_apis_examples::{Result, Server, report};

/// The API token the mock server expects.
const MOCK_TOKEN: &str = "00a-example-api-token";
/// What the mock server expects in the `Authorization` header.
const MOCK_AUTHORIZATION: &str = "SSWS 00a-example-api-token";
/// The users the mock org deactivates: ids of `00u` and 17 digits.
const MOCK_KNOWN: &str = r"^/api/v1/users/00u[0-9]{17}/lifecycle/deactivate$";
/// The mock org's administrator, whom its token may not deactivate.
const MOCK_ADMIN: &str = "00ub0oNGTSWTBKOLGLNR";
/// An id the mock org has never heard of.
const MOCK_UNKNOWN: &str = "00uGONE0000000000000";
/// Calls in flight at once.
const CONCURRENCY: usize = 32;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    report(example().await)
}

/// Picks the server, reads or makes the ids, and runs the example.
async fn example() -> Result<()> {
    let server = Server::from_env_or_mock("OKTA_ORG_URL", serve_mock_okta).await?;
    println!(
        "{}",
        server.describe("Okta", "OKTA_ORG_URL and OKTA_API_TOKEN")
    );
    let token = server.credential("OKTA_API_TOKEN", MOCK_TOKEN)?;
    let client = Client::with_api_token(server.url(), token)?;
    let ids = if server.is_mock() {
        mock_ids(5_000)
    } else {
        println!("Reading user ids from standard input, one per line.");
        let mut ids = Vec::new();
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            let id = line.trim();
            if !id.is_empty() {
                ids.push(id.to_string());
            }
        }
        ids
    };
    let started = Instant::now();
    let done = run(&client, &ids).await;
    println!(
        "Deactivated {} of {} users in {:.1} s.",
        done.deactivated,
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    for (id, why) in &done.failed {
        println!("  {id}: {why}");
    }
    Ok(())
}

/// What [`run`] did.
#[derive(Debug, PartialEq)]
struct Done {
    /// The users deactivated.
    deactivated: usize,
    /// The ids that failed, in the order given, each with its error.
    failed: Vec<(String, String)>,
}

/// Deactivates every user of `ids` (without emailing them), [`CONCURRENCY`] at a time.
async fn run(client: &Client, ids: &[String]) -> Done {
    let results = user_apis::bulk(ids, CONCURRENCY, |id| {
        client
            .deactivate_user()
            .user_id(id)
            .send_email(false)
            .send()
    })
    .await;
    let mut done = Done {
        deactivated: 0,
        failed: Vec::new(),
    };
    for (id, result) in ids.iter().zip(results) {
        match result {
            Ok(_) => done.deactivated += 1,
            Err(error) => done.failed.push((id.clone(), error.to_string())),
        }
    }
    done
}

/// `count` ids for the mock org: the known ones, with its administrator's and an unknown one
/// among them.
fn mock_ids(count: usize) -> Vec<String> {
    let mut ids: Vec<String> = (0..count).map(|i| format!("00u{i:017}")).collect();
    if count >= 2 {
        ids[count / 3] = MOCK_ADMIN.to_string();
        ids[count * 2 / 3] = MOCK_UNKNOWN.to_string();
    }
    ids
}

/// An Okta error body.
fn api_error(code: &str, summary: &str) -> types::ApiError {
    types::ApiError {
        error_code: Some(code.to_string()),
        error_summary: Some(summary.to_string()),
        ..Default::default()
    }
}

/// Mocks what [`run`] asks of Okta: the deactivation of every known user, a refusal for the
/// administrator and a `404` for the unknown id. Every request must carry the API token.
fn serve_mock_okta(server: &MockServer) -> Result<()> {
    server.deactivate_user(|when, then| {
        when.send_email(false)
            .into_inner()
            .path_matches(MOCK_KNOWN)
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok();
    });
    server.deactivate_user(|when, then| {
        when.user_id(MOCK_ADMIN)
            .send_email(false)
            .into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.forbidden(&api_error(
            "E0000006",
            "You do not have permission to perform the requested action",
        ));
    });
    server.deactivate_user(|when, then| {
        when.user_id(MOCK_UNKNOWN)
            .send_email(false)
            .into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.not_found(&api_error(
            "E0000007",
            &format!("Not found: Resource not found: {MOCK_UNKNOWN} (User)"),
        ));
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_user_is_deactivated_but_the_two_the_org_refuses() {
        let server = MockServer::start_async().await;
        serve_mock_okta(&server).expect("mocks");
        let client = Client::with_api_token(server.base_url(), MOCK_TOKEN).expect("client");
        let ids = mock_ids(300);
        let done = run(&client, &ids).await;
        assert_eq!(done.deactivated, 298);
        let failed: Vec<(&str, &str)> = done
            .failed
            .iter()
            .map(|(id, why)| (id.as_str(), why.as_str()))
            .collect();
        assert_eq!(
            failed,
            [
                (
                    MOCK_ADMIN,
                    "403 Forbidden from deactivate_user: You do not have permission to perform \
                     the requested action"
                ),
                (
                    MOCK_UNKNOWN,
                    "404 Not Found from deactivate_user: Not found: Resource not found: \
                     00uGONE0000000000000 (User)"
                ),
            ],
            "in the order given"
        );
    }
}
