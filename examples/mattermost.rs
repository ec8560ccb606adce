//! Mattermost: stream every user, create one, deactivate it.
//!
//! ```sh
//! cargo run -q -p user-apis-examples --example mattermost
//! ```
//!
//! runs against a local mock Mattermost that the typed mocks (`user_apis::mattermost::mock`)
//! fill with three users on two pages. With `MATTERMOST_URL` and `MATTERMOST_TOKEN` (a system
//! administrator's token) it runs against that server instead, and really creates and
//! deactivates a user.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use httpmock::MockServer;
use user_apis::mattermost::mock::MockServerExt;
use user_apis::mattermost::{Client, Password, types};
use user_apis_examples::{Result, Server, report};

/// The token the mock server expects.
const MOCK_TOKEN: &str = "example-personal-access-token";
/// What the mock server expects in the `Authorization` header.
const MOCK_AUTHORIZATION: &str = "Bearer example-personal-access-token";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    report(example().await)
}

/// Picks the server, builds the client and runs the example.
async fn example() -> Result<()> {
    let server = Server::from_env_or_mock("MATTERMOST_URL", serve_mock_mattermost).await?;
    println!(
        "{}",
        server.describe("Mattermost", "MATTERMOST_URL and MATTERMOST_TOKEN")
    );
    let token = server.credential("MATTERMOST_TOKEN", MOCK_TOKEN)?;
    let client = Client::with_token(server.url(), token)?;
    run(&client, &server.new_name("charles")).await?;
    Ok(())
}

/// What [`run`] did.
#[derive(Debug, PartialEq)]
struct Done {
    /// The usernames the stream returned, in order.
    listed: Vec<String>,
    /// The id of the user created and then deactivated.
    deactivated: String,
}

/// Streams every user, creates `username` and deactivates it, printing each step.
async fn run(client: &Client, username: &str) -> Result<Done> {
    println!("Every user, two per page:");
    let mut listed = Vec::new();
    let mut users = client.list_users().per_page(2).stream();
    while let Some(user) = users.try_next().await? {
        let username = user.username.unwrap_or_default();
        let active = if user.delete_at.unwrap_or(0) == 0 {
            "active"
        } else {
            "inactive"
        };
        println!(
            "  {}  {:<8} {:<8} {}",
            user.id.unwrap_or_default(),
            username,
            active,
            user.roles.unwrap_or_default()
        );
        listed.push(username);
    }

    let created = client
        .create_user()
        .body(new_user(username)?)
        .send()
        .await?
        .into_inner();
    let id = created.id.ok_or("the new user has no id")?;
    println!(
        "Created {} (id {id})",
        created.username.as_deref().unwrap_or_default()
    );

    let answer = client
        .update_user_active()
        .user_id(&id)
        .body(types::ActiveUpdate { active: false })
        .send()
        .await?;
    println!(
        "Deactivated {} ({})",
        created.username.as_deref().unwrap_or_default(),
        answer.status.as_deref().unwrap_or_default()
    );
    Ok(Done {
        listed,
        deactivated: id,
    })
}

/// The account [`run`] creates.
fn new_user(username: &str) -> Result<types::NewUser> {
    Ok(types::NewUser::builder()
        .username(username)
        .email(format!("{username}@example.com"))
        .first_name("Charles".to_string())
        .last_name("Babbage".to_string())
        .password(Password::from("Difference-Engine-1822"))
        .try_into()?)
}

fn user(id: &str, username: &str, roles: &str) -> types::User {
    types::User {
        id: Some(id.to_string()),
        username: Some(username.to_string()),
        email: Some(format!("{username}@example.com")),
        roles: Some(roles.to_string()),
        create_at: Some(1_700_000_000_000),
        delete_at: Some(0),
        locale: Some("en".to_string()),
        ..Default::default()
    }
}

/// Mocks what [`run`] asks of Mattermost: a full page 0 and a short page 1 of users (the
/// stream stops after a short page), the creation of `charles` and its deactivation. Every
/// request must carry the token.
fn serve_mock_mattermost(server: &MockServer) -> Result<()> {
    let first = vec![
        user(
            "8ea5ycj1ptnp8k3x8qpdgkrd7c",
            "sysadmin",
            "system_admin system_user",
        ),
        user("wq1tz8umqfgp7by3rah5unr3oe", "ada", "system_user"),
    ];
    let second = vec![user("4xp9fdt3pbbhddnxbqdgn9pbzr", "grace", "system_user")];
    let created = user("gm9hky5xdtrudmgmgf6e9h3ueh", "charles", "system_user");
    let body = new_user("charles")?;

    server.list_users(|when, then| {
        let when = when.page(None).per_page(2);
        when.into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok(&first);
    });
    server.list_users(|when, then| {
        let when = when.page(1).per_page(2);
        when.into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok(&second);
    });
    server.create_user(|when, then| {
        when.body(&body)
            .into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.created(&created);
    });
    server.update_user_active(|when, then| {
        when.user_id("gm9hky5xdtrudmgmgf6e9h3ueh")
            .body(&types::ActiveUpdate { active: false })
            .into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok(&types::StatusOk {
            status: Some("OK".to_string()),
        });
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_against_the_mock_server() {
        let server = MockServer::start_async().await;
        serve_mock_mattermost(&server).expect("the mocks are valid");
        let client = Client::with_token(server.base_url(), MOCK_TOKEN).expect("client");

        let done = run(&client, "charles").await.expect("the example runs");

        assert_eq!(
            done,
            Done {
                listed: vec!["sysadmin".into(), "ada".into(), "grace".into()],
                deactivated: "gm9hky5xdtrudmgmgf6e9h3ueh".into(),
            }
        );
    }
}
