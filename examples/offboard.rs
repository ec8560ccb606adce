//! The directory: offboard one person on GitLab, Mattermost, Okta and SendAuth at once.
//!
//! ```sh
//! cargo run -q -p user-apis-examples --example offboard
//! ```
//!
//! starts a local mock server per provider (filled by the typed mocks) on which Ada has an
//! active account, prints the plan (the dry run), runs it, and runs it again, which finds
//! nothing left to do. Against real servers, `user-apis directory offboard --email ...` does
//! the same over the providers whose variables are set.

use std::process::ExitCode;

use httpmock::{Mock, MockServer};
use serde_json::json;
use user_apis::directory::{Directory, Operation, Outcome, Who};
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_examples::{Result, report};

const EMAIL: &str = "ada@example.com";
const SENDAUTH_ID: &str = "7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f01";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    report(example().await)
}

/// The four mock servers.
struct Servers {
    gitlab: MockServer,
    mattermost: MockServer,
    okta: MockServer,
    sendauth: MockServer,
}

async fn example() -> Result<()> {
    let servers = Servers {
        gitlab: MockServer::start_async().await,
        mattermost: MockServer::start_async().await,
        okta: MockServer::start_async().await,
        sendauth: MockServer::start_async().await,
    };
    println!("Four local mock servers, on each of which Ada has an active account.");
    run(&servers).await?;
    Ok(())
}

/// What [`run`] saw: each provider's outcome, the first time and the second.
#[derive(Debug, PartialEq)]
struct Done {
    first: Vec<&'static str>,
    second: Vec<&'static str>,
}

/// The directory of the four mock servers' clients.
fn directory(servers: &Servers) -> Result<Directory> {
    Ok(Directory::new()
        .with_gitlab(gitlab::Client::with_private_token(
            servers.gitlab.base_url(),
            "glpat-example",
        )?)
        .with_mattermost(mattermost::Client::with_token(
            servers.mattermost.base_url(),
            "mm-example",
        )?)
        .with_okta(okta::Client::with_api_token(
            servers.okta.base_url(),
            "00a-example",
        )?)
        .with_sendauth(sendauth::Client::with_basic_auth(
            servers.sendauth.base_url(),
            "api-user",
            "api-password",
        )?))
}

/// Plans the offboarding, runs it, and runs it again once the servers say it is done.
async fn run(servers: &Servers) -> Result<Done> {
    let directory = directory(servers)?;
    let lookups = serve_ada(servers, true)?;
    serve_offboarding(servers)?;

    let plan = directory.plan(Operation::Offboard(Who::email(EMAIL))).await;
    println!("\nThe plan (nothing sent yet but lookups):\n{plan}");
    let first = plan.run().await;
    println!("\nThe run:\n{first}");

    for mock in lookups {
        mock.delete_async().await;
    }
    serve_ada(servers, false)?;
    let second = directory.offboard(Who::email(EMAIL)).await;
    println!("\nAgain:\n{second}");

    let names = |report: &user_apis::directory::Report| {
        report.results.iter().map(|r| r.outcome.name()).collect()
    };
    if let Some(failed) = first
        .results
        .iter()
        .find(|result| matches!(result.outcome, Outcome::Failed(_)))
    {
        return Err(failed.to_string().into());
    }
    Ok(Done {
        first: names(&first),
        second: names(&second),
    })
}

/// Ada on every server: active (with a GitLab token, a Mattermost session and access token),
/// or offboarded (blocked, deactivated, suspended, deleted; nothing left to revoke).
fn serve_ada(servers: &Servers, active: bool) -> Result<Vec<Mock<'_>>> {
    use gitlab::mock::MockServerExt as _;
    use mattermost::mock::MockServerExt as _;
    use sendauth::mock::MockServerExt as _;

    let gitlab_ada: gitlab::types::User = serde_json::from_value(json!({
        "id": 2, "username": "ada", "name": "Ada Lovelace", "email": EMAIL,
        "state": if active { "active" } else { "blocked" }
    }))?;
    let tokens: Vec<gitlab::types::ImpersonationToken> = serde_json::from_value(if active {
        json!([{"id": 7, "name": "ci", "active": true}])
    } else {
        json!([])
    })?;
    let mattermost_ada: mattermost::types::User = serde_json::from_value(json!({
        "id": "mm1ada", "username": "ada", "email": EMAIL, "first_name": "Ada",
        "last_name": "Lovelace", "delete_at": if active { 0 } else { 1_700_000_000_000_i64 }
    }))?;
    let sessions: Vec<mattermost::types::Session> = serde_json::from_value(if active {
        json!([{"id": "s1"}])
    } else {
        json!([])
    })?;
    let access_tokens: Vec<mattermost::types::AccessTokenInfo> =
        serde_json::from_value(json!([{"id": "t1", "is_active": active}]))?;
    let okta_ada: okta::types::User = serde_json::from_value(json!({
        "id": "00u1ada", "status": if active { "ACTIVE" } else { "SUSPENDED" },
        "profile": {"login": EMAIL, "email": EMAIL, "firstName": "Ada", "lastName": "Lovelace"}
    }))?;
    let sendauth_ada: sendauth::types::User = serde_json::from_value(json!({
        "id": SENDAUTH_ID, "email": EMAIL, "firstName": "Ada", "lastName": "Lovelace"
    }))?;
    let page = |rows: Vec<sendauth::types::User>| sendauth::types::UserPage {
        total: Some(i64::try_from(rows.len()).unwrap_or_default()),
        rows,
    };
    let (listed, deleted) = if active {
        (page(vec![sendauth_ada]), page(vec![]))
    } else {
        (page(vec![]), page(vec![sendauth_ada]))
    };

    Ok(vec![
        gitlab::mock::MockServerExt::list_users(&servers.gitlab, |when, then| {
            when.search(EMAIL);
            then.ok(&vec![gitlab_ada]);
        }),
        servers.gitlab.list_impersonation_tokens(|when, then| {
            when.user_id(2);
            then.ok(&tokens);
        }),
        servers.mattermost.get_user_by_email(|when, then| {
            when.email(EMAIL);
            then.ok(&mattermost_ada);
        }),
        servers.mattermost.list_sessions(|when, then| {
            when.user_id("mm1ada");
            then.ok(&sessions);
        }),
        servers
            .mattermost
            .list_user_access_tokens_for_user(|when, then| {
                when.user_id("mm1ada");
                then.ok(&access_tokens);
            }),
        okta::mock::MockServerExt::list_users(&servers.okta, |when, then| {
            when.filter(r#"profile.email eq "ada@example.com""#);
            then.ok(&vec![okta_ada]);
        }),
        sendauth::mock::MockServerExt::list_users(&servers.sendauth, |when, then| {
            when.q(EMAIL).per_page(100);
            then.ok(&listed);
        }),
        servers.sendauth.list_deleted_users(|when, then| {
            when.q(EMAIL).per_page(100);
            then.ok(&deleted);
        }),
    ])
}

/// The calls that offboard Ada, each provider's own.
fn serve_offboarding(servers: &Servers) -> Result<()> {
    use gitlab::mock::MockServerExt as _;
    use mattermost::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;

    let ok = mattermost::types::StatusOk::default();
    servers.gitlab.block_user(|when, then| {
        when.id(2);
        then.created();
    });
    servers.gitlab.revoke_impersonation_token(|when, then| {
        when.user_id(2).impersonation_token_id(7);
        then.no_content();
    });
    servers.mattermost.update_user_active(|when, then| {
        when.user_id("mm1ada")
            .body(&mattermost::types::ActiveUpdate { active: false });
        then.ok(&ok);
    });
    servers.mattermost.revoke_all_sessions(|when, then| {
        when.user_id("mm1ada");
        then.ok(&ok);
    });
    servers.mattermost.disable_user_access_token(|when, then| {
        when.body(&mattermost::types::AccessTokenId {
            token_id: "t1".into(),
        });
        then.ok(&ok);
    });
    servers.okta.suspend_user(|when, then| {
        when.user_id("00u1ada");
        then.no_content();
    });
    servers.okta.end_all_user_sessions(|when, then| {
        when.user_id("00u1ada").oauth_tokens(true);
        then.no_content();
    });
    let id = SENDAUTH_ID.parse::<uuid::Uuid>()?;
    sendauth::mock::MockServerExt::delete_user(&servers.sendauth, |when, then| {
        when.user_id(&id);
        then.ok();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_against_the_mock_servers() {
        let servers = Servers {
            gitlab: MockServer::start_async().await,
            mattermost: MockServer::start_async().await,
            okta: MockServer::start_async().await,
            sendauth: MockServer::start_async().await,
        };

        let done = run(&servers).await.expect("the example runs");

        assert_eq!(
            done,
            Done {
                first: vec!["done"; 4],
                second: vec!["already"; 4],
            }
        );
    }
}
