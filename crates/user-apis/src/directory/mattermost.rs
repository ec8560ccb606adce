//! Mattermost's part of the directory: users by email or username, deactivation, sessions
//! and personal access tokens.

use futures_util::TryStreamExt;

use super::{Account, Action as AnyAction, Call, Error, NewPerson, Operation, Provider};
use super::{ProviderUser, State, Step, Who, joined_name, same_ignoring_case};
use crate::mattermost::{Client, types};

/// The body of a creation.
type NewUserBody = types::NewUser;

impl From<crate::mattermost::Error<types::AppError>> for Error {
    fn from(error: crate::mattermost::Error<types::AppError>) -> Self {
        Self::Mattermost(Box::new(error))
    }
}

/// Mattermost's calls.
pub(super) enum Action {
    SetActive { user: String, active: bool },
    RevokeAllSessions(String),
    DisableToken(String),
    Create(Box<NewUserBody>),
}

fn step(call: Call, action: Action) -> Step {
    Step {
        call,
        action: AnyAction::Mattermost(action),
    }
}

/// Whether Mattermost has deactivated the user: a `delete_at` other than 0.
fn deactivated(user: &types::User) -> bool {
    user.delete_at.is_some_and(|at| at != 0)
}

/// The common view of a Mattermost user.
fn account(user: types::User) -> Account {
    let display_name = joined_name(user.first_name.as_deref(), user.last_name.as_deref())
        .or_else(|| user.nickname.clone().filter(|name| !name.is_empty()));
    Account {
        provider: Provider::Mattermost,
        id: user.id.clone().unwrap_or_default(),
        username: user.username.clone(),
        email: user.email.clone(),
        display_name,
        state: if deactivated(&user) {
            State::Deactivated
        } else {
            State::Active
        },
        user: ProviderUser::Mattermost(Box::new(user)),
    }
}

/// Whether `user` is the one `who` names. Mattermost keeps usernames and emails in lower
/// case, so the comparison ignores case.
fn matches(user: &types::User, who: &Who) -> bool {
    let known = match who {
        Who::Email(_) => user.email.as_deref(),
        Who::Username(_) => user.username.as_deref(),
    };
    known.is_some_and(|known| same_ignoring_case(known, who.value()))
}

pub(super) async fn lookup(client: &Client, who: &Who) -> Result<Vec<Account>, Error> {
    let found = match who {
        Who::Email(email) => client.get_user_by_email().email(email).send().await,
        Who::Username(username) => {
            client
                .get_user_by_username()
                .username(username)
                .send()
                .await
        }
    };
    match found {
        Ok(user) => {
            let user = user.into_inner();
            Ok(if matches(&user, who) {
                vec![account(user)]
            } else {
                vec![]
            })
        }
        Err(error) if error.status().is_some_and(|status| status.as_u16() == 404) => Ok(vec![]),
        Err(error) => Err(error.into()),
    }
}

fn id_of(account: &Account) -> Result<String, Error> {
    if account.id.is_empty() {
        Err(Error::Incomplete {
            provider: Provider::Mattermost,
            missing: "an id",
        })
    } else {
        Ok(account.id.clone())
    }
}

fn set_active(id: &str, active: bool) -> Step {
    step(
        Call::new("PUT", format!("/api/v4/users/{id}/active"))
            .with_note(format!("active: {active}")),
        Action::SetActive {
            user: id.to_string(),
            active,
        },
    )
}

pub(super) async fn steps(
    client: &Client,
    operation: &Operation,
    account: &Account,
    user: &types::User,
) -> Result<Vec<Step>, Error> {
    let id = id_of(account)?;
    let inactive = deactivated(user);
    match operation {
        Operation::Suspend(_) => Ok(if inactive {
            vec![]
        } else {
            vec![set_active(&id, false)]
        }),
        Operation::Restore(_) => Ok(if inactive {
            vec![set_active(&id, true)]
        } else {
            vec![]
        }),
        Operation::Offboard(_) => {
            let mut steps = if inactive {
                vec![]
            } else {
                vec![set_active(&id, false)]
            };
            let sessions = client
                .list_sessions()
                .user_id(&id)
                .send()
                .await?
                .into_inner();
            if !sessions.is_empty() {
                steps.push(step(
                    Call::new("POST", format!("/api/v4/users/{id}/sessions/revoke/all"))
                        .with_note(format!("sessions: {}", sessions.len())),
                    Action::RevokeAllSessions(id.clone()),
                ));
            }
            let tokens: Vec<types::AccessTokenInfo> = client
                .list_user_access_tokens_for_user()
                .user_id(&id)
                .per_page(200)
                .stream()
                .try_collect()
                .await?;
            for token in tokens {
                if token.is_active != Some(true) {
                    continue;
                }
                let Some(token_id) = token.id else { continue };
                steps.push(step(
                    Call::new("POST", "/api/v4/users/tokens/disable".to_string())
                        .with_note(format!("token {token_id}")),
                    Action::DisableToken(token_id),
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
        .first_name(&person.first_name)
        .last_name(&person.last_name)
        .password(person.password.clone());
    let body = NewUserBody::try_from(body).map_err(|_| Error::Incomplete {
        provider: Provider::Mattermost,
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
        Action::SetActive { user, active } => {
            client
                .update_user_active()
                .user_id(user)
                .body(types::ActiveUpdate { active })
                .send()
                .await?;
        }
        Action::RevokeAllSessions(user) => {
            client.revoke_all_sessions().user_id(user).send().await?;
        }
        Action::DisableToken(token_id) => {
            client
                .disable_user_access_token()
                .body(types::AccessTokenId { token_id })
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
