//! SendAuth: stream every user, create one, deactivate it (SendAuth's soft delete, which
//! `restore_user` undoes).
//!
//! ```sh
//! cargo run -q -p user-apis-examples --example sendauth
//! ```
//!
//! runs against a local mock SendAuth that the typed mocks (`user_apis::sendauth::mock`) fill
//! with three users on two pages. With `SENDAUTH_URL`, `SENDAUTH_USERNAME` and
//! `SENDAUTH_PASSWORD` it runs against that server instead, and really creates and deletes a
//! user.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use httpmock::MockServer;
use user_apis::sendauth::mock::MockServerExt;
use user_apis::sendauth::{Client, types};
use user_apis_examples::{Result, Server, report};
use uuid::Uuid;

/// The API user and password the mock server expects.
const MOCK_USER: &str = "api-user";
const MOCK_PASSWORD: &str = "example-password";
/// `Basic base64("api-user:example-password")`, what the mock server expects.
const MOCK_AUTHORIZATION: &str = "Basic YXBpLXVzZXI6ZXhhbXBsZS1wYXNzd29yZA==";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    report(example().await)
}

/// Picks the server, builds the client and runs the example.
async fn example() -> Result<()> {
    let server = Server::from_env_or_mock("SENDAUTH_URL", serve_mock_sendauth).await?;
    println!(
        "{}",
        server.describe(
            "SendAuth",
            "SENDAUTH_URL, SENDAUTH_USERNAME and SENDAUTH_PASSWORD"
        )
    );
    let username = server.credential("SENDAUTH_USERNAME", MOCK_USER)?;
    let password = server.credential("SENDAUTH_PASSWORD", MOCK_PASSWORD)?;
    let client = Client::with_basic_auth(server.url(), username, password)?;
    run(&client, &server.new_name("charles")).await?;
    Ok(())
}

/// What [`run`] did.
#[derive(Debug, PartialEq)]
struct Done {
    /// The names the stream returned, in order.
    listed: Vec<String>,
    /// The id of the user created and then deleted.
    deleted: Uuid,
}

/// Streams every user, creates one with the email `name@example.com` and soft-deletes it,
/// printing each step.
async fn run(client: &Client, name: &str) -> Result<Done> {
    println!("Every user, two per page:");
    let mut listed = Vec::new();
    let mut users = client.list_users().per_page(2).stream();
    while let Some(user) = users.try_next().await? {
        let full_name = format!("{} {}", user.first_name, user.last_name);
        let role = user.role.map(|role| role.to_string()).unwrap_or_default();
        println!(
            "  {}  {full_name:<16} {role}",
            user.id.map(|id| id.to_string()).unwrap_or_default()
        );
        listed.push(full_name);
    }

    let created = client
        .create_user()
        .body(new_user(name))
        .send()
        .await?
        .into_inner();
    let id = created.id.ok_or("the new user has no id")?;
    println!(
        "Created {} {} (id {id})",
        created.first_name, created.last_name
    );

    let answer = client.delete_user().user_id(id).send().await?;
    println!(
        "Deactivated {} {}: deleted, restorable with restore_user (HTTP {})",
        created.first_name,
        created.last_name,
        answer.status()
    );
    Ok(Done {
        listed,
        deleted: id,
    })
}

/// The account [`run`] creates.
fn new_user(name: &str) -> types::builder::UserInput {
    types::UserInput::builder()
        .first_name("Charles")
        .last_name("Babbage")
        .email(format!("{name}@example.com"))
        .role(types::Role::User)
        .messaging_preference(types::MessagingPreference::Email)
}

/// The ids of the mock server's users, Charles's last.
const IDS: [u128; 4] = [
    0x0c4f_1a2b_3d4e_4f50_8a61_72b3_c4d5_e6f7,
    0x7b0e_9a4e_3c1f_4b8e_9d2a_5f6c_7d8e_9f01,
    0x5e2d_8c1a_9b3f_4d7e_a6c0_1f2e_3d4c_5b6a,
    0x9a8b_7c6d_5e4f_4a3b_8c2d_1e0f_a9b8_c7d6,
];

fn user(id: u128, first: &str, last: &str, role: types::Role) -> Result<types::User> {
    Ok(types::User::builder()
        .id(Uuid::from_u128(id))
        .first_name(first)
        .last_name(last)
        .email(format!("{}@example.com", first.to_lowercase()))
        .role(role)
        .try_into()?)
}

/// Mocks what [`run`] asks of SendAuth: two pages of users with their `total`, the creation
/// of Charles Babbage and his deletion. Every request must carry the basic credentials.
fn serve_mock_sendauth(server: &MockServer) -> Result<()> {
    let total = Some(3);
    let first = types::UserPage {
        rows: vec![
            user(IDS[0], "Sam", "Admin", types::Role::SuperAdmin)?,
            user(IDS[1], "Ada", "Lovelace", types::Role::Admin)?,
        ],
        total,
    };
    let second = types::UserPage {
        rows: vec![user(IDS[2], "Grace", "Hopper", types::Role::User)?],
        total,
    };
    let created = user(IDS[3], "Charles", "Babbage", types::Role::User)?;
    let body: types::UserInput = new_user("charles").try_into()?;

    server.list_users(|when, then| {
        let when = when.page(None).per_page(2);
        when.into_inner()
            .header("authorization", MOCK_AUTHORIZATION);
        then.ok(&first);
    });
    server.list_users(|when, then| {
        let when = when.page(2).per_page(2);
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
    server.delete_user(|when, then| {
        when.user_id(&Uuid::from_u128(IDS[3]))
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
        serve_mock_sendauth(&server).expect("the mocks are valid");
        let client =
            Client::with_basic_auth(server.base_url(), MOCK_USER, MOCK_PASSWORD).expect("client");

        let done = run(&client, "charles").await.expect("the example runs");

        assert_eq!(
            done,
            Done {
                listed: vec![
                    "Sam Admin".into(),
                    "Ada Lovelace".into(),
                    "Grace Hopper".into()
                ],
                deleted: Uuid::from_u128(IDS[3]),
            }
        );
    }
}
