//! GitLab: stream every user, create one, block it.
//!
//! ```sh
//! cargo run -q -p user-apis-examples --example gitlab
//! ```
//!
//! runs against a local mock GitLab that the typed mocks (`user_apis::gitlab::mock`) fill with
//! three users on two pages. With `GITLAB_URL` and `GITLAB_TOKEN` (an administrator's token) it
//! runs against that server instead, and really creates and blocks a user.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use httpmock::MockServer;
use user_apis::gitlab::mock::MockServerExt;
use user_apis::gitlab::{Client, types};
use user_apis_examples::{Result, Server, report};

/// The token the mock server expects.
const MOCK_TOKEN: &str = "glpat-example-token";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    report(example().await)
}

/// Picks the server, builds the client and runs the example.
async fn example() -> Result<()> {
    let server = Server::from_env_or_mock("GITLAB_URL", serve_mock_gitlab).await?;
    println!(
        "{}",
        server.describe("GitLab", "GITLAB_URL and GITLAB_TOKEN")
    );
    let token = server.credential("GITLAB_TOKEN", MOCK_TOKEN)?;
    let client = Client::with_private_token(server.url(), token)?;
    run(&client, &server.new_name("charles")).await?;
    Ok(())
}

/// What [`run`] did.
#[derive(Debug, PartialEq)]
struct Done {
    /// The usernames the stream returned, in order.
    listed: Vec<String>,
    /// The id of the user created and then blocked.
    blocked: i64,
}

/// Streams every user, creates `username` and blocks it, printing each step.
async fn run(client: &Client, username: &str) -> Result<Done> {
    println!("Every user, two per page:");
    let mut listed = Vec::new();
    let mut users = client.list_users().per_page(2).stream();
    while let Some(user) = users.try_next().await? {
        let state = user
            .state
            .map(|state| state.to_string())
            .unwrap_or_default();
        println!(
            "  {:>4}  {:<10} {:<8} {}",
            user.id, user.username, state, user.name
        );
        listed.push(user.username);
    }

    let body = new_user(username);
    let created = client.create_user().body(body).send().await?;
    println!(
        "Created {} (id {}, {})",
        created.username,
        created.id,
        created
            .state
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    );

    let blocked = client.block_user().id(created.id).send().await?;
    println!("Blocked {} (HTTP {})", created.username, blocked.status());
    Ok(Done {
        listed,
        blocked: created.id,
    })
}

/// The account [`run`] creates: GitLab sets a random password and skips the confirmation mail.
fn new_user(username: &str) -> types::builder::NewUser {
    types::NewUser::builder()
        .username(username)
        .name("Charles Babbage")
        .email(format!("{username}@example.com"))
        .force_random_password(true)
        .skip_confirmation(true)
}

fn user(id: i64, username: &str, name: &str, state: types::UserState) -> Result<types::User> {
    Ok(types::User::builder()
        .id(id)
        .username(username)
        .name(name)
        .state(state)
        .email(format!("{username}@example.com"))
        .web_url(format!("https://gitlab.example.com/{username}"))
        .is_admin(id == 1)
        .try_into()?)
}

/// Mocks what [`run`] asks of GitLab: two pages of users (the first announcing the second in
/// `X-Next-Page`), the creation of `charles` and its blocking. Every request must carry the
/// token.
fn serve_mock_gitlab(server: &MockServer) -> Result<()> {
    let first = vec![
        user(1, "root", "Administrator", types::UserState::Active)?,
        user(2, "ada", "Ada Lovelace", types::UserState::Active)?,
    ];
    let second = vec![user(3, "grace", "Grace Hopper", types::UserState::Blocked)?];
    let created = user(4, "charles", "Charles Babbage", types::UserState::Active)?;
    let body: types::NewUser = new_user("charles").try_into()?;

    server.list_users(|when, then| {
        // A stream's first request is the list's own, without `page`.
        let when = when.page(None).per_page(2);
        when.into_inner().header("private-token", MOCK_TOKEN);
        // Page 1 of 3 users, two a page, with the paging headers GitLab sends.
        then.page(&first, 1, 2, 3);
    });
    server.list_users(|when, then| {
        let when = when.page(2).per_page(2);
        when.into_inner().header("private-token", MOCK_TOKEN);
        then.page(&second, 2, 2, 3);
    });
    server.create_user(|when, then| {
        when.body(&body)
            .into_inner()
            .header("private-token", MOCK_TOKEN);
        then.created(&created);
    });
    server.block_user(|when, then| {
        when.id(4).into_inner().header("private-token", MOCK_TOKEN);
        then.created();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_against_the_mock_server() {
        let server = MockServer::start_async().await;
        serve_mock_gitlab(&server).expect("the mocks are valid");
        let client = Client::with_private_token(server.base_url(), MOCK_TOKEN).expect("client");

        let done = run(&client, "charles").await.expect("the example runs");

        assert_eq!(
            done,
            Done {
                listed: vec!["root".into(), "ada".into(), "grace".into()],
                blocked: 4,
            }
        );
    }
}
