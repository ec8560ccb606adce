//! GitLab's part of the directory: users as an administrator reads them, blocks, and
//! impersonation tokens.

use futures_util::TryStreamExt;

use super::{Account, Action as AnyAction, Call, Error, NewPerson, Operation, Provider};
use super::{ProviderUser, State, Step, Who, same_ignoring_case};
use crate::gitlab::{Client, types};

/// The user the directory reads (the administrator's view, with emails and state).
pub(super) type GitlabUser = types::User;
/// The body of a creation.
type NewUserBody = types::NewUser;

impl From<crate::gitlab::Error<types::ApiError>> for Error {
    fn from(error: crate::gitlab::Error<types::ApiError>) -> Self {
        Self::Gitlab(Box::new(error))
    }
}

/// GitLab's calls.
pub(super) enum Action {
    Block(i64),
    Unblock(i64),
    Unban(i64),
    Activate(i64),
    RevokeImpersonationToken { user: i64, token: i64 },
    Create(Box<NewUserBody>),
}

fn step(call: Call, action: Action) -> Step {
    Step {
        call,
        action: AnyAction::Gitlab(action),
    }
}

/// The common view of a GitLab user.
fn account(user: GitlabUser) -> Account {
    use types::UserState as S;
    let state = match &user.state {
        Some(S::Active) => State::Active,
        Some(S::Blocked | S::LdapBlocked) => State::Suspended,
        Some(S::Deactivated) => State::Deactivated,
        Some(other) => State::Other(other.to_string()),
        None => State::Other(String::new()),
    };
    Account {
        provider: Provider::Gitlab,
        id: user.id.to_string(),
        username: Some(user.username.clone()),
        email: user.email.clone().or_else(|| user.public_email.clone()),
        display_name: Some(user.name.clone()),
        state,
        user: ProviderUser::Gitlab(Box::new(user)),
    }
}

/// Whether `user` is the one `who` names. GitLab compares usernames and emails ignoring case.
fn matches(user: &GitlabUser, who: &Who) -> bool {
    match who {
        Who::Username(username) => same_ignoring_case(&user.username, username),
        // The primary email, which only administrators see; else the public one.
        Who::Email(email) => user
            .email
            .as_deref()
            .or(user.public_email.as_deref())
            .is_some_and(|known| same_ignoring_case(known, email)),
    }
}

pub(super) async fn lookup(client: &Client, who: &Who) -> Result<Vec<Account>, Error> {
    let users: Vec<GitlabUser> = match who {
        Who::Username(username) => client
            .list_users()
            .username(username)
            .send()
            .await?
            .into_inner(),
        // `search` matches parts of names, usernames and emails: every page, then exact.
        Who::Email(email) => {
            client
                .list_users()
                .search(email)
                .per_page(100)
                .stream()
                .try_collect()
                .await?
        }
    };
    Ok(users
        .into_iter()
        .filter(|user| matches(user, who))
        .map(account)
        .collect())
}

/// Whether GitLab keeps the user from signing in: blocked, by an administrator or LDAP, or
/// banned.
fn locked(user: &GitlabUser) -> bool {
    use types::UserState as S;
    matches!(user.state, Some(S::Blocked | S::LdapBlocked | S::Banned))
}

fn block(id: i64) -> Step {
    step(
        Call::new("POST", format!("/api/v4/users/{id}/block")),
        Action::Block(id),
    )
}

pub(super) async fn steps(
    client: &Client,
    operation: &Operation,
    user: &GitlabUser,
) -> Result<Vec<Step>, Error> {
    use types::UserState as S;
    let id = user.id;
    let state = || {
        user.state
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let refuse = |reason| Error::Unsupported {
        provider: Provider::Gitlab,
        operation: operation.name(),
        state: state(),
        reason,
    };
    match operation {
        Operation::Suspend(_) => Ok(if locked(user) {
            vec![]
        } else {
            vec![block(id)]
        }),
        Operation::Restore(_) => match &user.state {
            Some(S::Active) => Ok(vec![]),
            Some(S::Blocked) => Ok(vec![step(
                Call::new("POST", format!("/api/v4/users/{id}/unblock")),
                Action::Unblock(id),
            )]),
            Some(S::Banned) => Ok(vec![step(
                Call::new("POST", format!("/api/v4/users/{id}/unban")),
                Action::Unban(id),
            )]),
            Some(S::Deactivated) => Ok(vec![step(
                Call::new("POST", format!("/api/v4/users/{id}/activate")),
                Action::Activate(id),
            )]),
            Some(S::LdapBlocked) => Err(refuse("LDAP blocked it, and only LDAP unblocks it")),
            Some(S::BlockedPendingApproval) => Err(refuse(
                "it awaits an administrator's approval, not a restore",
            )),
            _ => Err(refuse("the state is not one restore knows")),
        },
        Operation::Offboard(_) => {
            let mut steps = if locked(user) {
                vec![]
            } else {
                vec![block(id)]
            };
            let tokens: Vec<types::ImpersonationToken> = client
                .list_impersonation_tokens()
                .user_id(id)
                .state(types::TokenStateFilter::Active)
                .per_page(100)
                .stream()
                .try_collect()
                .await?;
            for token in tokens {
                if token.revoked == Some(true) || token.active == Some(false) {
                    continue;
                }
                let call = Call::new(
                    "DELETE",
                    format!("/api/v4/users/{id}/impersonation_tokens/{}", token.id),
                );
                let call = match &token.name {
                    Some(name) => call.with_note(format!("token {name}")),
                    None => call,
                };
                steps.push(step(
                    call,
                    Action::RevokeImpersonationToken {
                        user: id,
                        token: token.id,
                    },
                ));
            }
            Ok(steps)
        }
        Operation::Find(_) | Operation::Ensure(_) => Ok(vec![]),
    }
}

pub(super) fn create(person: &NewPerson) -> Result<Step, Error> {
    let body = types::NewUser::builder()
        .email(person.email.clone())
        .username(person.username.clone())
        .name(format!("{} {}", person.first_name, person.last_name));
    let body = match &person.password {
        Some(password) => body.password(Some(password.clone())),
        // Without a password GitLab must be told how the person gets one: a reset link.
        None => body.reset_password(true),
    };
    let body = NewUserBody::try_from(body).map_err(|_| Error::Incomplete {
        provider: Provider::Gitlab,
        missing: "a complete creation body",
    })?;
    Ok(step(
        Call::new("POST", "/api/v4/users".to_string()).with_note(format!(
            "username {}, email {}",
            person.username, person.email
        )),
        Action::Create(Box::new(body)),
    ))
}

pub(super) async fn execute(client: &Client, action: Action) -> Result<Option<Account>, Error> {
    match action {
        Action::Block(id) => {
            client.block_user().id(id).send().await?;
        }
        Action::Unblock(id) => {
            client.unblock_user().id(id).send().await?;
        }
        Action::Unban(id) => {
            client.unban_user().id(id).send().await?;
        }
        Action::Activate(id) => {
            client.activate_user().id(id).send().await?;
        }
        Action::RevokeImpersonationToken { user, token } => {
            client
                .revoke_impersonation_token()
                .user_id(user)
                .impersonation_token_id(token)
                .send()
                .await?;
        }
        Action::Create(body) => {
            let user = client.create_user().body(*body).send().await?.into_inner();
            return Ok(Some(account(user)));
        }
    }
    Ok(None)
}
