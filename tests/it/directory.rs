//! The directory layer (`user_apis::directory`): one person on every provider at once, each
//! provider behind its own typed mock server, with every request on the wire pinned.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::{Mock, MockServer};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use user_apis::ClientConfig;
use user_apis::directory::{
    Directory, Error, NewPerson, Operation, Outcome, Provider, ProviderResult, Report, State, Who,
};
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_tests::{SENDAUTH_PASSWORD, SENDAUTH_USER, mock_config, query_count};

const EMAIL: &str = "ada@example.com";
const GITLAB_ID: i64 = 42;
const MATTERMOST_ID: &str = "mm1ada";
const OKTA_ID: &str = "00u1ada";
const SENDAUTH_ID: uuid::Uuid = uuid::Uuid::from_u128(0x7b0e_9a4e_3c1f_4b8e_9d2a_5f6c_7d8e_9f01);

/// A mock server per provider, and the directory of their clients.
struct World {
    gitlab: MockServer,
    mattermost: MockServer,
    okta: MockServer,
    sendauth: MockServer,
}

/// One page at a time, so that the requests of a walk are exactly those pinned.
fn config(server: &MockServer) -> ClientConfig {
    mock_config(server).walk_concurrency(1)
}

impl World {
    async fn start() -> Self {
        Self {
            gitlab: MockServer::start_async().await,
            mattermost: MockServer::start_async().await,
            okta: MockServer::start_async().await,
            sendauth: MockServer::start_async().await,
        }
    }

    fn directory(&self) -> Directory {
        Directory::new()
            .with_sendauth(
                sendauth::Client::with_basic_auth(
                    config(&self.sendauth),
                    SENDAUTH_USER,
                    SENDAUTH_PASSWORD,
                )
                .expect("sendauth client"),
            )
            .with_okta(
                okta::Client::with_api_token(config(&self.okta), "00a-token").expect("client"),
            )
            .with_mattermost(
                mattermost::Client::with_token(config(&self.mattermost), "mm-token")
                    .expect("client"),
            )
            .with_gitlab(
                gitlab::Client::with_private_token(config(&self.gitlab), "glpat-token")
                    .expect("client"),
            )
    }
}

fn gitlab_user(id: i64, username: &str, email: &str, state: &str) -> gitlab::types::User {
    serde_json::from_value(json!({
        "id": id, "username": username, "name": "Ada Lovelace", "email": email, "state": state
    }))
    .expect("a GitLab user")
}

fn mattermost_user(delete_at: i64) -> mattermost::types::User {
    serde_json::from_value(json!({
        "id": MATTERMOST_ID, "username": "ada", "email": EMAIL,
        "first_name": "Ada", "last_name": "Lovelace", "delete_at": delete_at
    }))
    .expect("a Mattermost user")
}

fn okta_user(id: &str, email: &str, status: &str) -> okta::types::User {
    serde_json::from_value(json!({
        "id": id, "status": status,
        "profile": {"login": email, "email": email, "firstName": "Ada", "lastName": "Lovelace"}
    }))
    .expect("an Okta user")
}

fn sendauth_user(email: &str) -> sendauth::types::User {
    serde_json::from_value(json!({
        "id": SENDAUTH_ID, "username": "ada", "email": email,
        "firstName": "Ada", "lastName": "Lovelace"
    }))
    .expect("a SendAuth user")
}

fn sendauth_page(rows: Vec<sendauth::types::User>) -> sendauth::types::UserPage {
    let total = i64::try_from(rows.len()).expect("a few rows");
    sendauth::types::UserPage {
        rows,
        total: Some(total),
    }
}

/// GitLab's `GET /api/v4/users?search=ada@example.com&per_page=100&`, the last page (a walk's first request has no `page`).
fn gitlab_search(server: &MockServer, users: Vec<gitlab::types::User>) -> Mock<'_> {
    use gitlab::mock::MockServerExt;
    server.list_users(|when, then| {
        let when = when.search(EMAIL).per_page(100).page(None);
        query_count(when.into_inner(), 2);
        then.ok(&users).into_inner().header("x-next-page", "");
    })
}

/// Mattermost's `GET /api/v4/users/email/ada@example.com`: the user, or 404.
fn mattermost_by_email(server: &MockServer, user: Option<mattermost::types::User>) -> Mock<'_> {
    use mattermost::mock::MockServerExt;
    server.get_user_by_email(|when, then| {
        when.email(EMAIL);
        match &user {
            Some(user) => then.ok(user),
            None => then.not_found(
                &serde_json::from_value(json!({
                    "id": "app.user.missing_account.const", "message": "Unable to find the user.",
                    "status_code": 404
                }))
                .expect("an AppError"),
            ),
        };
    })
}

/// Okta's `GET /api/v1/users?filter=profile.email eq "ada@example.com"`.
fn okta_filter(server: &MockServer, users: Vec<okta::types::User>) -> Mock<'_> {
    use okta::mock::MockServerExt;
    server.list_users(|when, then| {
        let when = when.filter(r#"profile.email eq "ada@example.com""#);
        query_count(when.into_inner(), 1);
        then.ok(&users);
    })
}

/// SendAuth's `GET /api/v1/users?q=...` and `GET /api/v1/users/deleted?q=...`.
fn sendauth_search(
    server: &MockServer,
    active: Vec<sendauth::types::User>,
    deleted: Vec<sendauth::types::User>,
) -> (Mock<'_>, Mock<'_>) {
    use sendauth::mock::MockServerExt;
    let listed = server.list_users(|when, then| {
        let when = when.q(EMAIL).per_page(100).page(None);
        query_count(when.into_inner(), 2);
        then.ok(&sendauth_page(active));
    });
    let deleted = server.list_deleted_users(|when, then| {
        let when = when.q(EMAIL).per_page(100).page(None);
        query_count(when.into_inner(), 2);
        then.ok(&sendauth_page(deleted));
    });
    (listed, deleted)
}

/// Every provider's lookup of Ada, in the given states; the mocks, to delete or count.
struct Lookups<'a> {
    mocks: Vec<Mock<'a>>,
}

impl Lookups<'_> {
    async fn delete(self) {
        for mock in self.mocks {
            mock.delete_async().await;
        }
    }

    async fn assert_each_once(&self) {
        for mock in &self.mocks {
            mock.assert_calls_async(1).await;
        }
    }
}

fn ada_everywhere<'a>(
    world: &'a World,
    gitlab_state: &str,
    mattermost_delete_at: i64,
    okta_status: &str,
    sendauth_deleted: bool,
) -> Lookups<'a> {
    let (listed, deleted) = if sendauth_deleted {
        sendauth_search(&world.sendauth, vec![], vec![sendauth_user(EMAIL)])
    } else {
        sendauth_search(&world.sendauth, vec![sendauth_user(EMAIL)], vec![])
    };
    Lookups {
        mocks: vec![
            gitlab_search(
                &world.gitlab,
                vec![gitlab_user(GITLAB_ID, "ada", EMAIL, gitlab_state)],
            ),
            mattermost_by_email(
                &world.mattermost,
                Some(mattermost_user(mattermost_delete_at)),
            ),
            okta_filter(&world.okta, vec![okta_user(OKTA_ID, EMAIL, okta_status)]),
            listed,
            deleted,
        ],
    }
}

fn result(report: &Report, provider: Provider) -> &ProviderResult {
    report
        .result(provider)
        .expect("the provider is in the directory")
}

/// Each provider's outcome, by name (`done`, `already`, ...), in the directory's order.
fn outcomes(report: &Report) -> Vec<(Provider, &'static str)> {
    report
        .results
        .iter()
        .map(|result| (result.provider, result.outcome.name()))
        .collect()
}

fn failure(result: &ProviderResult) -> &Error {
    match &result.outcome {
        Outcome::Failed(error) => error,
        other => panic!("{} did not fail: {other}", result.provider),
    }
}

fn done_calls(result: &ProviderResult) -> Vec<String> {
    result.done.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn find_keeps_only_exact_matches_on_every_provider() {
    let world = World::start().await;
    let lookups = Lookups {
        mocks: {
            let (listed, deleted) = sendauth_search(
                &world.sendauth,
                // A free-text search also finds other addresses.
                vec![
                    sendauth_user("ada@example.com.au"),
                    sendauth_user("Ada@Example.com"),
                ],
                vec![],
            );
            vec![
                gitlab_search(
                    &world.gitlab,
                    vec![
                        gitlab_user(7, "grada", "grada@example.com", "active"),
                        gitlab_user(GITLAB_ID, "ada", EMAIL, "blocked"),
                    ],
                ),
                mattermost_by_email(&world.mattermost, Some(mattermost_user(1_700_000_000_000))),
                okta_filter(
                    &world.okta,
                    vec![okta_user(OKTA_ID, "ADA@EXAMPLE.COM", "LOCKED_OUT")],
                ),
                listed,
                deleted,
            ]
        },
    };

    let report = world.directory().find(Who::email(EMAIL)).await;

    lookups.assert_each_once().await;
    assert!(report.succeeded(), "{report}");
    let account = |provider| {
        result(&report, provider)
            .account
            .clone()
            .expect("an account")
    };
    let gitlab = account(Provider::Gitlab);
    assert_eq!(
        (
            gitlab.id.as_str(),
            gitlab.username.as_deref(),
            &gitlab.state
        ),
        ("42", Some("ada"), &State::Suspended)
    );
    assert_eq!(gitlab.display_name.as_deref(), Some("Ada Lovelace"));
    let mattermost = account(Provider::Mattermost);
    assert_eq!(
        (mattermost.id.as_str(), &mattermost.state),
        (MATTERMOST_ID, &State::Deactivated)
    );
    let okta = account(Provider::Okta);
    assert_eq!(okta.state, State::Other("LOCKED_OUT".into()));
    assert_eq!(okta.email.as_deref(), Some("ADA@EXAMPLE.COM"));
    let sendauth = account(Provider::Sendauth);
    assert_eq!(
        (sendauth.id, sendauth.state),
        (SENDAUTH_ID.to_string(), State::Active)
    );
    assert!(matches!(
        gitlab.user,
        user_apis::directory::ProviderUser::Gitlab(ref user) if user.id == GITLAB_ID
    ));
}

#[tokio::test]
async fn find_by_username_asks_each_provider_for_the_username() {
    use mattermost::mock::MockServerExt as _;
    let world = World::start().await;
    let gitlab = gitlab::mock::MockServerExt::list_users(&world.gitlab, |when, then| {
        query_count(when.username("ada").into_inner(), 1);
        then.ok(&vec![gitlab_user(GITLAB_ID, "Ada", EMAIL, "active")]);
    });
    let mattermost = world.mattermost.get_user_by_username(|when, then| {
        when.username("ada");
        then.ok(&mattermost_user(0));
    });
    let okta = okta::mock::MockServerExt::list_users(&world.okta, |when, then| {
        query_count(when.filter(r#"profile.login eq "ada""#).into_inner(), 1);
        then.ok(&vec![okta_user(OKTA_ID, "ada@example.com", "ACTIVE")]);
    });
    let directory = Directory::new()
        .with_gitlab(
            gitlab::Client::with_private_token(config(&world.gitlab), "glpat-token")
                .expect("client"),
        )
        .with_mattermost(
            mattermost::Client::with_token(config(&world.mattermost), "mm-token").expect("client"),
        )
        .with_okta(okta::Client::with_api_token(config(&world.okta), "00a-token").expect("client"));

    let report = directory.find(Who::username("ada")).await;

    gitlab.assert_async().await;
    mattermost.assert_async().await;
    okta.assert_async().await;
    // GitLab's usernames ignore case; Okta's login is an email address, not `ada`.
    assert_eq!(
        outcomes(&report),
        [
            (Provider::Gitlab, "done"),
            (Provider::Mattermost, "done"),
            (Provider::Okta, "not_found")
        ]
    );
    assert!(!report.succeeded());
}

#[tokio::test]
async fn several_exact_matches_are_ambiguous_and_none_is_not_found() {
    let world = World::start().await;
    let gitlab = gitlab_search(&world.gitlab, vec![]);
    let mattermost = mattermost_by_email(&world.mattermost, None);
    let okta = okta_filter(
        &world.okta,
        vec![
            okta_user("00u1", EMAIL, "ACTIVE"),
            okta_user("00u2", EMAIL, "DEPROVISIONED"),
        ],
    );
    let (listed, deleted) = sendauth_search(
        &world.sendauth,
        vec![sendauth_user(EMAIL)],
        vec![sendauth_user(EMAIL)],
    );

    let report = world.directory().suspend(Who::email(EMAIL)).await;

    for mock in [&gitlab, &mattermost, &okta, &listed, &deleted] {
        mock.assert_calls_async(1).await;
    }
    assert_eq!(
        outcomes(&report),
        [
            (Provider::Gitlab, "not_found"),
            (Provider::Mattermost, "not_found"),
            (Provider::Okta, "ambiguous"),
            (Provider::Sendauth, "ambiguous")
        ]
    );
    let Outcome::Ambiguous(candidates) = &result(&report, Provider::Okta).outcome else {
        panic!("okta is ambiguous");
    };
    let ids: Vec<&str> = candidates
        .iter()
        .map(|account| account.id.as_str())
        .collect();
    assert_eq!(ids, ["00u1", "00u2"]);
    // Nothing was suspended: only the five lookups reached the servers.
    assert_eq!(
        result(&report, Provider::Okta).outcome.to_string(),
        "ambiguous: 2 accounts match (00u1, 00u2)"
    );
}

/// The calls that lock Ada out on each provider, registered once; each must be hit once.
struct Suspensions<'a> {
    mocks: Vec<Mock<'a>>,
}

fn suspensions(world: &World) -> Suspensions<'_> {
    use gitlab::mock::MockServerExt as _;
    use mattermost::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;
    Suspensions {
        mocks: vec![
            world.gitlab.block_user(|when, then| {
                when.id(GITLAB_ID);
                then.created();
            }),
            world.mattermost.update_user_active(|when, then| {
                when.user_id(MATTERMOST_ID)
                    .body(&mattermost::types::ActiveUpdate { active: false });
                then.ok(&mattermost::types::StatusOk::default());
            }),
            world.okta.suspend_user(|when, then| {
                when.user_id(OKTA_ID);
                then.ok();
            }),
            sendauth::mock::MockServerExt::delete_user(&world.sendauth, |when, then| {
                when.user_id(&SENDAUTH_ID);
                then.ok();
            }),
        ],
    }
}

impl Suspensions<'_> {
    async fn assert_calls(&self, calls: usize) {
        for mock in &self.mocks {
            mock.assert_calls_async(calls).await;
        }
    }
}

#[tokio::test]
async fn suspend_locks_out_every_provider_with_its_own_call() {
    let world = World::start().await;
    let lookups = ada_everywhere(&world, "active", 0, "ACTIVE", false);
    let suspend = suspensions(&world);

    let report = world.directory().suspend(Who::email(EMAIL)).await;

    lookups.assert_each_once().await;
    suspend.assert_calls(1).await;
    assert!(report.succeeded(), "{report}");
    assert_eq!(
        outcomes(&report),
        [
            (Provider::Gitlab, "done"),
            (Provider::Mattermost, "done"),
            (Provider::Okta, "done"),
            (Provider::Sendauth, "done")
        ]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Gitlab)),
        ["POST /api/v4/users/42/block"]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Mattermost)),
        ["PUT /api/v4/users/mm1ada/active (active: false)"]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Okta)),
        ["POST /api/v1/users/00u1ada/lifecycle/suspend"]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Sendauth)),
        [format!("DELETE /api/v1/users/{SENDAUTH_ID}")]
    );
}

#[tokio::test]
async fn suspend_sends_nothing_to_accounts_already_locked_out() {
    let world = World::start().await;
    let lookups = ada_everywhere(&world, "ldap_blocked", 1_700_000_000_000, "SUSPENDED", true);
    let suspend = suspensions(&world);

    let report = world.directory().suspend(Who::email(EMAIL)).await;

    lookups.assert_each_once().await;
    suspend.assert_calls(0).await;
    assert!(report.succeeded(), "{report}");
    for result in &report.results {
        assert!(
            matches!(result.outcome, Outcome::AlreadyInState),
            "{result}"
        );
        assert!(result.done.is_empty());
    }
}

#[tokio::test]
async fn a_dry_run_shows_the_calls_and_sends_only_lookups() {
    let world = World::start().await;
    let lookups = ada_everywhere(&world, "active", 0, "SUSPENDED", false);
    let suspend = suspensions(&world);

    let plan = world
        .directory()
        .plan(Operation::Suspend(Who::email(EMAIL)))
        .await;

    lookups.assert_each_once().await;
    suspend.assert_calls(0).await;
    assert_eq!(
        plan.to_string(),
        format!(
            "suspend email ada@example.com\n\
             gitlab: ada@example.com (42, active): POST /api/v4/users/42/block\n\
             mattermost: ada@example.com (mm1ada, active): PUT /api/v4/users/mm1ada/active (active: false)\n\
             okta: ada@example.com (00u1ada, suspended): already in state\n\
             sendauth: ada@example.com ({SENDAUTH_ID}, active): DELETE /api/v1/users/{SENDAUTH_ID}"
        )
    );
    let okta = &plan.providers()[2];
    assert!(okta.calls().is_empty());
    assert!(matches!(okta.decided(), Some(Outcome::AlreadyInState)));
}

#[tokio::test]
async fn restore_undoes_each_provider_s_lock_out() {
    use gitlab::mock::MockServerExt as _;
    use mattermost::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;
    use sendauth::mock::MockServerExt as _;
    let world = World::start().await;
    let lookups = ada_everywhere(&world, "blocked", 1_700_000_000_000, "SUSPENDED", true);
    let calls = [
        world.gitlab.unblock_user(|when, then| {
            when.id(GITLAB_ID);
            then.created(true);
        }),
        world.mattermost.update_user_active(|when, then| {
            when.user_id(MATTERMOST_ID)
                .body(&mattermost::types::ActiveUpdate { active: true });
            then.ok(&mattermost::types::StatusOk::default());
        }),
        world.okta.unsuspend_user(|when, then| {
            when.user_id(OKTA_ID);
            then.ok();
        }),
        world.sendauth.restore_user(|when, then| {
            when.user_id(&SENDAUTH_ID);
            then.ok();
        }),
    ];

    let report = world.directory().restore(Who::email(EMAIL)).await;

    lookups.assert_each_once().await;
    for mock in &calls {
        mock.assert_calls_async(1).await;
    }
    assert!(report.succeeded(), "{report}");
    assert_eq!(
        done_calls(result(&report, Provider::Okta)),
        ["POST /api/v1/users/00u1ada/lifecycle/unsuspend"]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Sendauth)),
        [format!("PUT /api/v1/users/deleted/{SENDAUTH_ID}")]
    );
}

#[tokio::test]
async fn restore_of_active_accounts_is_already_done_and_other_states_are_refused() {
    let world = World::start().await;
    // GitLab: unblocking an LDAP block is LDAP's; Okta: a deprovisioned user needs a new
    // activation. Mattermost and SendAuth are active already.
    let lookups = ada_everywhere(&world, "ldap_blocked", 0, "DEPROVISIONED", false);
    let any_change = [
        world.gitlab.mock(|when, then| {
            when.method(httpmock::Method::POST);
            then.status(201);
        }),
        world.okta.mock(|when, then| {
            when.method(httpmock::Method::POST);
            then.status(200);
        }),
    ];

    let report = world.directory().restore(Who::email(EMAIL)).await;

    lookups.assert_each_once().await;
    for mock in &any_change {
        mock.assert_calls_async(0).await;
    }
    assert_eq!(
        outcomes(&report),
        [
            (Provider::Gitlab, "failed"),
            (Provider::Mattermost, "already"),
            (Provider::Okta, "failed"),
            (Provider::Sendauth, "already")
        ]
    );
    let gitlab = failure(result(&report, Provider::Gitlab));
    assert!(gitlab.is_refusal());
    assert_eq!(gitlab.status(), None);
    assert!(matches!(
        gitlab,
        Error::Unsupported { provider: Provider::Gitlab, state, .. } if state == "ldap_blocked"
    ));
    assert_eq!(
        failure(result(&report, Provider::Okta)).to_string(),
        "okta cannot restore an account in state DEPROVISIONED: reactivating a deprovisioned \
         user is a new activation (activate_user), not an undo"
    );
}

/// What offboarding Ada calls beyond the suspension: GitLab's impersonation tokens, Okta's
/// sessions, Mattermost's sessions and access tokens.
#[tokio::test]
async fn offboard_ends_sessions_and_tokens_and_a_second_run_is_a_no_op() {
    use gitlab::mock::MockServerExt as _;
    use mattermost::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;
    let world = World::start().await;
    let lookups = ada_everywhere(&world, "active", 0, "ACTIVE", false);
    let suspend = suspensions(&world);
    let tokens: Vec<gitlab::types::ImpersonationToken> = serde_json::from_value(json!([
        {"id": 7, "name": "ci", "active": true, "revoked": false},
        {"id": 8, "name": "deploy", "active": true, "revoked": false}
    ]))
    .expect("tokens");
    let mut gitlab_tokens = world.gitlab.list_impersonation_tokens(|when, then| {
        let when = when
            .user_id(GITLAB_ID)
            .state(gitlab::types::TokenStateFilter::Active)
            .per_page(100)
            .page(None);
        query_count(when.into_inner(), 2);
        then.ok(&tokens).into_inner().header("x-next-page", "");
    });
    let revoke = [7, 8].map(|token| {
        world.gitlab.revoke_impersonation_token(|when, then| {
            when.user_id(GITLAB_ID).impersonation_token_id(token);
            then.no_content();
        })
    });
    let sessions: Vec<mattermost::types::Session> =
        serde_json::from_value(json!([{"id": "s1", "user_id": MATTERMOST_ID}])).expect("sessions");
    let mut mattermost_sessions = world.mattermost.list_sessions(|when, then| {
        when.user_id(MATTERMOST_ID);
        then.ok(&sessions);
    });
    let access_tokens = |active: bool| -> Vec<mattermost::types::AccessTokenInfo> {
        serde_json::from_value(json!([
            {"id": "t1", "user_id": MATTERMOST_ID, "is_active": active},
            {"id": "t2", "user_id": MATTERMOST_ID, "is_active": false}
        ]))
        .expect("tokens")
    };
    let mut mattermost_tokens = world
        .mattermost
        .list_user_access_tokens_for_user(|when, then| {
            let when = when.user_id(MATTERMOST_ID).per_page(200).page(None);
            query_count(when.into_inner(), 1);
            then.ok(&access_tokens(true));
        });
    let revoke_sessions = world.mattermost.revoke_all_sessions(|when, then| {
        when.user_id(MATTERMOST_ID);
        then.ok(&mattermost::types::StatusOk::default());
    });
    let disable = world.mattermost.disable_user_access_token(|when, then| {
        when.body(&mattermost::types::AccessTokenId {
            token_id: "t1".into(),
        });
        then.ok(&mattermost::types::StatusOk::default());
    });
    let end_sessions = world.okta.end_all_user_sessions(|when, then| {
        let when = when.user_id(OKTA_ID).oauth_tokens(true);
        query_count(when.into_inner(), 1);
        then.no_content();
    });
    let directory = world.directory();

    let report = directory.offboard(Who::email(EMAIL)).await;

    assert!(report.succeeded(), "{report}");
    lookups.assert_each_once().await;
    suspend.assert_calls(1).await;
    for mock in revoke
        .iter()
        .chain([&revoke_sessions, &disable, &end_sessions])
    {
        mock.assert_calls_async(1).await;
    }
    assert_eq!(
        done_calls(result(&report, Provider::Gitlab)),
        [
            "POST /api/v4/users/42/block",
            "DELETE /api/v4/users/42/impersonation_tokens/7 (token ci)",
            "DELETE /api/v4/users/42/impersonation_tokens/8 (token deploy)"
        ]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Mattermost)),
        [
            "PUT /api/v4/users/mm1ada/active (active: false)",
            "POST /api/v4/users/mm1ada/sessions/revoke/all (sessions: 1)",
            "POST /api/v4/users/tokens/disable (token t1)"
        ]
    );
    assert_eq!(
        done_calls(result(&report, Provider::Okta)),
        [
            "POST /api/v1/users/00u1ada/lifecycle/suspend",
            "DELETE /api/v1/users/00u1ada/sessions?oauthTokens=true"
        ]
    );

    // The servers now tell of an offboarded Ada: the second run only looks.
    lookups.delete().await;
    gitlab_tokens.delete_async().await;
    mattermost_sessions.delete_async().await;
    mattermost_tokens.delete_async().await;
    let lookups = ada_everywhere(&world, "blocked", 1_700_000_000_000, "SUSPENDED", true);
    gitlab_tokens = world.gitlab.list_impersonation_tokens(|when, then| {
        when.user_id(GITLAB_ID);
        then.ok(&vec![]).into_inner().header("x-next-page", "");
    });
    mattermost_sessions = world.mattermost.list_sessions(|when, then| {
        when.user_id(MATTERMOST_ID);
        then.ok(&vec![]);
    });
    mattermost_tokens = world
        .mattermost
        .list_user_access_tokens_for_user(|when, then| {
            when.user_id(MATTERMOST_ID);
            then.ok(&access_tokens(false));
        });

    let again = directory.offboard(Who::email(EMAIL)).await;

    assert!(again.succeeded(), "{again}");
    assert_eq!(
        outcomes(&again),
        [
            (Provider::Gitlab, "already"),
            (Provider::Mattermost, "already"),
            (Provider::Okta, "already"),
            (Provider::Sendauth, "already")
        ]
    );
    lookups.assert_each_once().await;
    gitlab_tokens.assert_calls_async(1).await;
    mattermost_sessions.assert_calls_async(1).await;
    mattermost_tokens.assert_calls_async(1).await;
    // Nothing more was sent.
    suspend.assert_calls(1).await;
    for mock in revoke
        .iter()
        .chain([&revoke_sessions, &disable, &end_sessions])
    {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn one_provider_failing_never_stops_the_others() {
    use gitlab::mock::MockServerExt as _;
    use mattermost::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;
    let world = World::start().await;
    let lookups = ada_everywhere(&world, "active", 0, "ACTIVE", false);
    let blocked = world.gitlab.block_user(|when, then| {
        when.id(GITLAB_ID);
        then.forbidden(
            &serde_json::from_value(json!({"message": "403 Forbidden"})).expect("an ApiError"),
        );
    });
    // A status Okta does not document for the call: the provider could not be understood.
    let suspended = world.okta.suspend_user(|when, then| {
        when.user_id(OKTA_ID);
        then.into_inner().status(500);
    });
    let deactivated = world.mattermost.update_user_active(|when, then| {
        when.user_id(MATTERMOST_ID)
            .body(&mattermost::types::ActiveUpdate { active: false });
        then.ok(&mattermost::types::StatusOk::default());
    });
    let deleted = sendauth::mock::MockServerExt::delete_user(&world.sendauth, |when, then| {
        when.user_id(&SENDAUTH_ID);
        then.ok();
    });

    let report = world.directory().suspend(Who::email(EMAIL)).await;

    lookups.assert_each_once().await;
    for mock in [&blocked, &suspended, &deactivated, &deleted] {
        mock.assert_calls_async(1).await;
    }
    assert!(!report.succeeded());
    assert_eq!(
        outcomes(&report),
        [
            (Provider::Gitlab, "failed"),
            (Provider::Mattermost, "done"),
            (Provider::Okta, "failed"),
            (Provider::Sendauth, "done")
        ]
    );
    let gitlab = failure(result(&report, Provider::Gitlab));
    assert!(gitlab.is_refusal());
    assert_eq!(gitlab.status(), Some(403));
    assert!(matches!(gitlab, Error::Gitlab(error) if error.error_body().is_some()));
    let okta = failure(result(&report, Provider::Okta));
    assert!(!okta.is_refusal());
    assert_eq!(okta.status(), Some(500));
    // The account found stays in the result, with no call done.
    let gitlab_result = result(&report, Provider::Gitlab);
    assert!(gitlab_result.done.is_empty());
    assert_eq!(
        gitlab_result
            .account
            .as_ref()
            .map(|account| account.id.as_str()),
        Some("42")
    );
}

fn ada() -> NewPerson {
    NewPerson::new(EMAIL, "ada", "Ada", "Lovelace")
}

fn okta_new_user() -> okta::types::UserInput {
    okta::types::UserInput {
        profile: Some(okta::types::UserProfile {
            login: Some(EMAIL.into()),
            email: Some(EMAIL.into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            mobile_phone: None,
            second_email: None,
            extra: serde_json::Map::new(),
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn ensure_creates_only_where_the_person_is_missing() {
    let world = World::start().await;
    let gitlab = gitlab_search(
        &world.gitlab,
        vec![gitlab_user(GITLAB_ID, "ada", EMAIL, "active")],
    );
    let mattermost = mattermost_by_email(&world.mattermost, None);
    let okta = okta_filter(&world.okta, vec![]);
    let (listed, deleted) = sendauth_search(&world.sendauth, vec![], vec![]);
    let gitlab_create = world.gitlab.mock(|when, then| {
        when.method(httpmock::Method::POST);
        then.status(201);
    });
    let mattermost_create =
        mattermost::mock::MockServerExt::create_user(&world.mattermost, |when, then| {
            let new_user: mattermost::types::NewUser = serde_json::from_value(json!({
                "email": EMAIL, "username": "ada", "first_name": "Ada", "last_name": "Lovelace"
            }))
            .expect("a NewUser");
            query_count(when.body(&new_user).into_inner(), 0);
            then.created(&mattermost_user(0));
        });
    let okta_create = okta::mock::MockServerExt::create_user(&world.okta, |when, then| {
        let when = when.activate(true).body(&okta_new_user());
        query_count(when.into_inner(), 1);
        then.ok(&okta_user(OKTA_ID, EMAIL, "PROVISIONED"));
    });
    let sendauth_create =
        sendauth::mock::MockServerExt::create_user(&world.sendauth, |when, then| {
            let new_user: sendauth::types::UserInput = serde_json::from_value(json!({
                "email": EMAIL, "firstName": "Ada", "lastName": "Lovelace"
            }))
            .expect("a UserInput");
            when.body(&new_user);
            then.created(&sendauth_user(EMAIL));
        });

    let report = world.directory().ensure(ada()).await;

    assert!(report.succeeded(), "{report}");
    for mock in [&gitlab, &mattermost, &okta, &listed, &deleted] {
        mock.assert_calls_async(1).await;
    }
    gitlab_create.assert_calls_async(0).await;
    for mock in [&mattermost_create, &okta_create, &sendauth_create] {
        mock.assert_calls_async(1).await;
    }
    assert_eq!(
        outcomes(&report),
        [
            (Provider::Gitlab, "already"),
            (Provider::Mattermost, "done"),
            (Provider::Okta, "done"),
            (Provider::Sendauth, "done")
        ]
    );
    let okta = result(&report, Provider::Okta);
    assert_eq!(
        done_calls(okta),
        ["POST /api/v1/users?activate=true (login ada@example.com)"]
    );
    let created = okta.account.as_ref().expect("the new account");
    assert_eq!(
        (created.id.as_str(), &created.state),
        (OKTA_ID, &State::Other("PROVISIONED".into()))
    );
}

#[tokio::test]
async fn ensure_on_gitlab_sends_the_whole_new_user() {
    use gitlab::mock::MockServerExt as _;
    let server = MockServer::start_async().await;
    let lookup = gitlab_search(&server, vec![]);
    let create = server.create_user(|when, then| {
        let new_user: gitlab::types::NewUser = serde_json::from_value(json!({
            "email": EMAIL, "username": "ada", "name": "Ada Lovelace", "reset_password": true
        }))
        .expect("a NewUser");
        when.body(&new_user);
        then.created(&gitlab_user(GITLAB_ID, "ada", EMAIL, "active"));
    });
    let directory = Directory::new().with_gitlab(
        gitlab::Client::with_private_token(config(&server), "glpat-token").expect("client"),
    );

    let report = directory.ensure(ada()).await;

    assert!(report.succeeded(), "{report}");
    lookup.assert_async().await;
    create.assert_async().await;
}

/// An Okta org whose creation answers too late for the client: the request was sent, and the
/// answer is lost.
#[tokio::test]
async fn a_creation_answered_too_late_is_looked_up_again_not_sent_again() {
    use okta::mock::MockServerExt as _;
    let server = MockServer::start_async().await;
    let mut lookup = okta_filter(&server, vec![]);
    let create = server.create_user(|when, then| {
        when.activate(true).body(&okta_new_user());
        then.ok(&okta_user(OKTA_ID, EMAIL, "PROVISIONED"))
            .into_inner()
            .delay(Duration::from_secs(2));
    });
    let client = okta::Client::with_api_token(
        config(&server).timeout(Duration::from_millis(300)),
        "00a-token",
    )
    .expect("client");
    let directory = Directory::new().with_okta(client);

    // The person is missing when planned; the creation times out, and the second lookup
    // finds the account it made.
    let plan = directory.plan(Operation::Ensure(ada())).await;
    assert_eq!(
        plan.providers()[0]
            .calls()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["POST /api/v1/users?activate=true (login ada@example.com)"]
    );
    lookup.delete_async().await;
    lookup = okta_filter(&server, vec![okta_user(OKTA_ID, EMAIL, "PROVISIONED")]);
    let report = plan.run().await;

    create.assert_calls_async(1).await;
    lookup.assert_calls_async(1).await;
    assert!(report.succeeded(), "{report}");
    let okta = result(&report, Provider::Okta);
    assert!(matches!(okta.outcome, Outcome::Done));
    assert_eq!(
        okta.account.as_ref().map(|account| account.id.as_str()),
        Some(OKTA_ID)
    );

    // Not found the second time: the creation is unconfirmed, and never sent again.
    lookup.delete_async().await;
    let lookup = okta_filter(&server, vec![]);
    let report = directory.ensure(ada()).await;

    create.assert_calls_async(2).await;
    lookup.assert_calls_async(2).await;
    let error = failure(result(&report, Provider::Okta));
    assert!(matches!(error, Error::CreateUnconfirmed(cause) if cause.status().is_none()));
    assert!(!error.is_refusal());
}

/// A raw Okta org that cuts the connection of every creation after reading it, and lists
/// nobody until a creation has reached it.
async fn okta_cutting_creations() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let creations = Arc::new(AtomicUsize::new(0));
    let lookups = Arc::new(AtomicUsize::new(0));
    let (created, looked) = (Arc::clone(&creations), Arc::clone(&lookups));
    let user =
        serde_json::to_string(&vec![okta_user(OKTA_ID, EMAIL, "PROVISIONED")]).expect("JSON");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (created, looked, user) = (Arc::clone(&created), Arc::clone(&looked), user.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0_u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                if request.starts_with(b"POST /api/v1/users") {
                    created.fetch_add(1, Ordering::SeqCst);
                    // Hang up without an answer.
                    return;
                }
                looked.fetch_add(1, Ordering::SeqCst);
                let body = if created.load(Ordering::SeqCst) > 0 {
                    user
                } else {
                    "[]".to_string()
                };
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, creations, lookups)
}

#[tokio::test]
async fn a_creation_whose_connection_is_cut_is_looked_up_again() {
    let (url, creations, lookups) = okta_cutting_creations().await;
    let config = ClientConfig::new(url)
        .retry(user_apis_tests::fast_retries())
        .timeout(Duration::from_secs(5));
    let directory = Directory::new()
        .with_okta(okta::Client::with_api_token(config, "00a-token").expect("client"));

    let report = directory.ensure(ada()).await;

    assert!(report.succeeded(), "{report}");
    // One creation, never repeated; the lookup before it and the one after.
    assert_eq!(creations.load(Ordering::SeqCst), 1);
    assert_eq!(lookups.load(Ordering::SeqCst), 2);
    let okta = result(&report, Provider::Okta);
    assert_eq!(
        okta.account.as_ref().map(|account| account.id.as_str()),
        Some(OKTA_ID)
    );
}

/// The other undos: GitLab unbans a banned account and activates a deactivated one, Okta
/// unlocks a locked-out one; each with its own call, nothing else sent.
#[tokio::test]
async fn restore_unbans_activates_and_unlocks() {
    use gitlab::mock::MockServerExt as _;
    use okta::mock::MockServerExt as _;

    for (gitlab_state, okta_status) in [("banned", "LOCKED_OUT"), ("deactivated", "LOCKED_OUT")] {
        let world = World::start().await;
        let lookups = [
            gitlab_search(
                &world.gitlab,
                vec![gitlab_user(GITLAB_ID, "ada", EMAIL, gitlab_state)],
            ),
            okta_filter(&world.okta, vec![okta_user(OKTA_ID, EMAIL, okta_status)]),
        ];
        let gitlab_undo = if gitlab_state == "banned" {
            world.gitlab.unban_user(|when, then| {
                when.id(GITLAB_ID);
                then.created();
            })
        } else {
            gitlab::mock::Server(&world.gitlab).activate_user(|when, then| {
                when.id(GITLAB_ID);
                then.created();
            })
        };
        let unlock = world.okta.unlock_user(|when, then| {
            when.user_id(OKTA_ID);
            then.ok();
        });
        let directory = Directory::new()
            .with_gitlab(
                gitlab::Client::with_private_token(config(&world.gitlab), "glpat-token")
                    .expect("client"),
            )
            .with_okta(
                okta::Client::with_api_token(config(&world.okta), "00a-token").expect("client"),
            );

        let report = directory.restore(Who::email(EMAIL)).await;

        assert!(report.succeeded(), "{gitlab_state}: {report}");
        for mock in &lookups {
            mock.assert_calls_async(1).await;
        }
        gitlab_undo.assert_calls_async(1).await;
        unlock.assert_calls_async(1).await;
        let verb = if gitlab_state == "banned" {
            "unban"
        } else {
            "activate"
        };
        assert_eq!(
            done_calls(result(&report, Provider::Gitlab)),
            [format!("POST /api/v4/users/{GITLAB_ID}/{verb}")]
        );
        assert_eq!(
            done_calls(result(&report, Provider::Okta)),
            ["POST /api/v1/users/00u1ada/lifecycle/unlock"]
        );
    }
}

/// Okta suspends only active users: a staged one is refused without a request, while GitLab
/// blocks a deactivated account (which could otherwise sign itself back in).
#[tokio::test]
async fn suspend_blocks_a_deactivated_gitlab_account_and_refuses_a_staged_okta_one() {
    use gitlab::mock::MockServerExt as _;

    let world = World::start().await;
    let lookups = [
        gitlab_search(
            &world.gitlab,
            vec![gitlab_user(GITLAB_ID, "ada", EMAIL, "deactivated")],
        ),
        okta_filter(&world.okta, vec![okta_user(OKTA_ID, EMAIL, "STAGED")]),
    ];
    let block = world.gitlab.block_user(|when, then| {
        when.id(GITLAB_ID);
        then.created();
    });
    let okta_change = world.okta.mock(|when, then| {
        when.method(httpmock::Method::POST);
        then.status(200);
    });
    let directory = Directory::new()
        .with_gitlab(
            gitlab::Client::with_private_token(config(&world.gitlab), "glpat-token")
                .expect("client"),
        )
        .with_okta(okta::Client::with_api_token(config(&world.okta), "00a-token").expect("client"));

    let report = directory.suspend(Who::email(EMAIL)).await;

    for mock in &lookups {
        mock.assert_calls_async(1).await;
    }
    block.assert_calls_async(1).await;
    okta_change.assert_calls_async(0).await;
    assert_eq!(
        outcomes(&report),
        [(Provider::Gitlab, "done"), (Provider::Okta, "failed")]
    );
    let okta = failure(result(&report, Provider::Okta));
    assert!(okta.is_refusal(), "{okta}");
    assert!(
        matches!(okta, Error::Unsupported { provider: Provider::Okta, state, .. } if state == "STAGED"),
        "{okta:?}"
    );
}
