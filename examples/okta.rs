//! Okta: stream every user, create one, deactivate it.
//!
//! ```sh
//! cargo run -q -p user-apis-examples --example okta
//! ```
//!
//! runs against a local mock Okta org that the typed mocks (`user_apis::okta::mock`) fill with
//! three users on two pages, linked by an `after` cursor in the `Link` header. With
//! `OKTA_ORG_URL` and `OKTA_API_TOKEN` it runs against that org instead, and really creates and
//! deactivates a user.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use httpmock::MockServer;
use user_apis::okta::mock::MockServerExt;
use user_apis::okta::{Client, types};
use user_apis_examples::{Result, Server, report};

/// The API token the mock server expects.
const MOCK_TOKEN: &str = "00a-example-api-token";
/// What the mock server expects in the `Authorization` header.
const MOCK_AUTHORIZATION: &str = "SSWS 00a-example-api-token";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    report(example().await)
}

/// Picks the server, builds the client and runs the example.
async fn example() -> Result<()> {
    let server = Server::from_env_or_mock("OKTA_ORG_URL", serve_mock_okta).await?;
    println!(
        "{}",
        server.describe("Okta", "OKTA_ORG_URL and OKTA_API_TOKEN")
    );
    let token = server.credential("OKTA_API_TOKEN", MOCK_TOKEN)?;
    let client = Client::with_api_token(server.url(), token)?;
    run(&client, &server.new_name("charles")).await?;
    Ok(())
}

/// What [`run`] did.
#[derive(Debug, PartialEq)]
struct Done {
    /// The logins the stream returned, in order.
    listed: Vec<String>,
    /// The id of the user created and then deactivated.
    deactivated: String,
}

/// Streams every user, creates `name@example.com` (active, without a password: Okta emails
/// an activation link) and deactivates it, printing each step.
async fn run(client: &Client, name: &str) -> Result<Done> {
    println!("Every user, two per page:");
    let mut listed = Vec::new();
    let mut users = client.list_users().limit(2).stream();
    while let Some(user) = users.try_next().await? {
        let login = user
            .profile
            .and_then(|profile| profile.login)
            .unwrap_or_default();
        let status = user.status.map(|s| s.to_string()).unwrap_or_default();
        println!("  {}  {:<22} {status}", user.id.unwrap_or_default(), login);
        listed.push(login);
    }

    let created = client
        .create_user()
        .activate(true)
        .body(new_user(name))
        .send()
        .await?
        .into_inner();
    let id = created.id.ok_or("the new user has no id")?;
    let status = created.status.map(|s| s.to_string()).unwrap_or_default();
    println!("Created {name}@example.com (id {id}, {status})");

    let answer = client
        .deactivate_user()
        .user_id(&id)
        .send_email(false)
        .send()
        .await?;
    println!("Deactivated {name}@example.com (HTTP {})", answer.status());
    Ok(Done {
        listed,
        deactivated: id,
    })
}

/// The account [`run`] creates.
fn new_user(name: &str) -> types::UserInput {
    types::UserInput {
        profile: Some(profile(
            &format!("{name}@example.com"),
            "Charles",
            "Babbage",
        )),
        ..Default::default()
    }
}

/// A profile whose login is its email address, without custom attributes.
fn profile(login: &str, first: &str, last: &str) -> types::UserProfile {
    types::UserProfile {
        login: Some(login.to_string()),
        email: Some(login.to_string()),
        first_name: Some(first.to_string()),
        last_name: Some(last.to_string()),
        mobile_phone: None,
        second_email: None,
        extra: serde_json::Map::new(),
    }
}

fn user(
    id: &str,
    login: &str,
    first: &str,
    last: &str,
    status: types::UserStatus,
) -> Result<types::User> {
    Ok(types::User {
        id: Some(id.to_string()),
        status: Some(status),
        created: Some("2024-01-02T03:04:05Z".parse()?),
        profile: Some(profile(login, first, last)),
        ..Default::default()
    })
}

/// Mocks what [`run`] asks of Okta: a first page of users whose `Link` header names the
/// next page by its `after` cursor, that last page, the creation of `charles@example.com` and
/// its deactivation. Every request must carry the API token.
fn serve_mock_okta(server: &MockServer) -> Result<()> {
    use types::UserStatus::{Active, Suspended};
    let first = vec![
        user(
            "00ub0oNGTSWTBKOLGLNR",
            "admin@example.com",
            "Org",
            "Admin",
            Active,
        )?,
        user(
            "00u1ab2cd3EF4gh5ij6k",
            "ada@example.com",
            "Ada",
            "Lovelace",
            Active,
        )?,
    ];
    let second = vec![user(
        "00u2xy3zw4VU5ts6rq7p",
        "grace@example.com",
        "Grace",
        "Hopper",
        Suspended,
    )?];
    let created = user(
        "00u9ch8ar7LE6sb5ab4g",
        "charles@example.com",
        "Charles",
        "Babbage",
        Active,
    )?;
    server.list_users(|when, then| {
        let when = when.limit(2).after(None);
        when.into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        // The first page, and the cursor of the next in the `Link` header, as Okta sends it.
        then.page(&first, Some("00u1ab2cd3EF4gh5ij6k"));
    });
    server.list_users(|when, then| {
        let when = when.limit(2).after("00u1ab2cd3EF4gh5ij6k");
        when.into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.page(&second, None);
    });
    server.create_user(|when, then| {
        when.activate(true)
            .body(&new_user("charles"))
            .into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok(&created);
    });
    server.deactivate_user(|when, then| {
        when.user_id("00u9ch8ar7LE6sb5ab4g")
            .send_email(false)
            .into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_against_the_mock_server() {
        let server = MockServer::start_async().await;
        serve_mock_okta(&server).expect("the mocks are valid");
        let client = Client::with_api_token(server.base_url(), MOCK_TOKEN).expect("client");

        let done = run(&client, "charles").await.expect("the example runs");

        assert_eq!(
            done,
            Done {
                listed: vec![
                    "admin@example.com".into(),
                    "ada@example.com".into(),
                    "grace@example.com".into()
                ],
                deactivated: "00u9ch8ar7LE6sb5ab4g".into(),
            }
        );
    }
}
