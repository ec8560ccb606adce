//! Okta's part of the directory: users by profile email or login, the lifecycle and
//! sessions.

use futures_util::TryStreamExt;

use super::{Account, Action as AnyAction, Call, Error, NewPerson, Operation, Provider};
use super::{ProviderUser, State, Step, Who, joined_name, same_ignoring_case};
use crate::okta::{Client, types};

/// The body of a creation.
type NewUserBody = types::UserInput;

impl From<crate::okta::Error<types::ApiError>> for Error {
    fn from(error: crate::okta::Error<types::ApiError>) -> Self {
        Self::Okta(Box::new(error))
    }
}

/// Okta's calls.
pub(super) enum Action {
    Suspend(String),
    Unsuspend(String),
    Unlock(String),
    EndSessions(String),
    Create(Box<NewUserBody>),
}

fn step(call: Call, action: Action) -> Step {
    Step {
        call,
        action: AnyAction::Okta(action),
    }
}

/// The common view of an Okta user.
fn account(user: types::User) -> Account {
    use types::UserStatus as S;
    let state = match &user.status {
        Some(S::Active) => State::Active,
        Some(S::Suspended) => State::Suspended,
        Some(S::Deprovisioned) => State::Deactivated,
        Some(other) => State::Other(other.to_string()),
        None => State::Other(String::new()),
    };
    let profile = user.profile.as_ref();
    Account {
        provider: Provider::Okta,
        id: user.id.clone().unwrap_or_default(),
        username: profile.and_then(|profile| profile.login.clone()),
        email: profile.and_then(|profile| profile.email.clone()),
        display_name: profile.and_then(|profile| {
            joined_name(profile.first_name.as_deref(), profile.last_name.as_deref())
        }),
        state,
        user: ProviderUser::Okta(Box::new(user)),
    }
}

/// The filter expression for `attribute eq "value"`, the value's quotes and backslashes
/// escaped.
fn filter_eq(attribute: &str, value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{attribute} eq \"{escaped}\"")
}

/// The profile attribute `who` names: the email, or the login (Okta's username).
fn attribute(who: &Who) -> &'static str {
    match who {
        Who::Email(_) => "profile.email",
        Who::Username(_) => "profile.login",
    }
}

/// Whether `user` is the one `who` names. Okta compares logins and emails ignoring case.
fn matches(user: &types::User, who: &Who) -> bool {
    let profile = user.profile.as_ref();
    let known = match who {
        Who::Email(_) => profile.and_then(|profile| profile.email.as_deref()),
        Who::Username(_) => profile.and_then(|profile| profile.login.as_deref()),
    };
    known.is_some_and(|known| same_ignoring_case(known, who.value()))
}

pub(super) async fn lookup(client: &Client, who: &Who) -> Result<Vec<Account>, Error> {
    let users: Vec<types::User> = client
        .list_users()
        .filter(filter_eq(attribute(who), who.value()))
        .stream()
        .try_collect()
        .await?;
    Ok(users
        .into_iter()
        .filter(|user| matches(user, who))
        .map(account)
        .collect())
}

fn lifecycle(id: &str, name: &str, action: Action) -> Step {
    step(
        Call::new("POST", format!("/api/v1/users/{id}/lifecycle/{name}")),
        action,
    )
}

pub(super) fn steps(
    operation: &Operation,
    account: &Account,
    user: &types::User,
) -> Result<Vec<Step>, Error> {
    use types::UserStatus as S;
    if account.id.is_empty() {
        return Err(Error::Incomplete {
            provider: Provider::Okta,
            missing: "an id",
        });
    }
    let id = account.id.as_str();
    let refuse = |reason| Error::Unsupported {
        provider: Provider::Okta,
        operation: operation.name(),
        state: user
            .status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        reason,
    };
    let suspend = || lifecycle(id, "suspend", Action::Suspend(id.to_string()));
    match (operation, &user.status) {
        (Operation::Suspend(_) | Operation::Offboard(_), Some(S::Suspended | S::Deprovisioned)) => {
            Ok(vec![])
        }
        (Operation::Suspend(_), Some(S::Active)) => Ok(vec![suspend()]),
        (Operation::Offboard(_), Some(S::Active)) => Ok(vec![
            suspend(),
            step(
                Call::new(
                    "DELETE",
                    format!("/api/v1/users/{id}/sessions?oauthTokens=true"),
                ),
                Action::EndSessions(id.to_string()),
            ),
        ]),
        (Operation::Suspend(_) | Operation::Offboard(_), _) => {
            Err(refuse("Okta suspends only ACTIVE users"))
        }
        (Operation::Restore(_), Some(S::Active)) => Ok(vec![]),
        (Operation::Restore(_), Some(S::Suspended)) => Ok(vec![lifecycle(
            id,
            "unsuspend",
            Action::Unsuspend(id.to_string()),
        )]),
        (Operation::Restore(_), Some(S::LockedOut)) => Ok(vec![lifecycle(
            id,
            "unlock",
            Action::Unlock(id.to_string()),
        )]),
        (Operation::Restore(_), Some(S::Deprovisioned)) => Err(refuse(
            "reactivating a deprovisioned user is a new activation (activate_user), not an undo",
        )),
        (Operation::Restore(_), _) => Err(refuse("the user is not suspended or locked out")),
        (Operation::Find(_) | Operation::Ensure(_), _) => Ok(vec![]),
    }
}

pub(super) fn create(person: &NewPerson) -> Result<Step, Error> {
    let profile = types::UserProfile {
        login: Some(person.email.clone()),
        email: Some(person.email.clone()),
        first_name: Some(person.first_name.clone()),
        last_name: Some(person.last_name.clone()),
        mobile_phone: None,
        second_email: None,
        extra: Default::default(),
    };
    let credentials = person
        .password
        .clone()
        .map(|password| types::UserCredentialsInput {
            password: Some(types::PasswordCredential {
                value: Some(password),
                hash: None,
                hook: None,
            }),
            provider: None,
            recovery_question: None,
        });
    let body = NewUserBody {
        profile: Some(profile),
        credentials,
        ..Default::default()
    };
    Ok(step(
        Call::new("POST", "/api/v1/users?activate=true".to_string())
            .with_note(format!("login {}", person.email)),
        Action::Create(Box::new(body)),
    ))
}

pub(super) async fn execute(client: &Client, action: Action) -> Result<Option<Account>, Error> {
    match action {
        Action::Suspend(id) => {
            client.suspend_user().user_id(id).send().await?;
        }
        Action::Unsuspend(id) => {
            client.unsuspend_user().user_id(id).send().await?;
        }
        Action::Unlock(id) => {
            client.unlock_user().user_id(id).send().await?;
        }
        Action::EndSessions(id) => {
            client
                .end_all_user_sessions()
                .user_id(id)
                .oauth_tokens(true)
                .send()
                .await?;
        }
        Action::Create(body) => {
            let user = client
                .create_user()
                .activate(true)
                .body(*body)
                .send()
                .await?
                .into_inner();
            return Ok(Some(account(user)));
        }
    }
    Ok(None)
}
