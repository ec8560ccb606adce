//! SendAuth's part of the directory: users and deleted users, soft deletion and restoring.

use futures_util::TryStreamExt;

use super::{Account, Action as AnyAction, Call, Error, NewPerson, Operation, Provider};
use super::{ProviderUser, State, Step, Who, joined_name, same_ignoring_case};
use crate::sendauth::uuid::Uuid;
use crate::sendauth::{Client, types};

/// The body of a creation.
type NewUserBody = types::UserInput;

impl From<crate::sendauth::Error<types::ApiError>> for Error {
    fn from(error: crate::sendauth::Error<types::ApiError>) -> Self {
        Self::Sendauth(Box::new(error))
    }
}

/// SendAuth's calls.
pub(super) enum Action {
    Delete(Uuid),
    Restore(Uuid),
    Create(Box<NewUserBody>),
}

fn step(call: Call, action: Action) -> Step {
    Step {
        call,
        action: AnyAction::Sendauth(action),
    }
}

/// The common view of a SendAuth user, read from the list of deleted users or not.
fn account(user: types::User, deleted: bool) -> Account {
    Account {
        provider: Provider::Sendauth,
        id: user.id.map(|id| id.to_string()).unwrap_or_default(),
        username: user.username.clone(),
        email: user.email.clone(),
        display_name: joined_name(Some(&user.first_name), Some(&user.last_name)),
        state: if deleted {
            State::Deactivated
        } else {
            State::Active
        },
        user: ProviderUser::Sendauth(Box::new(user)),
    }
}

/// Whether `user` is the one `who` names: emails ignoring case, usernames exactly (SendAuth
/// documents no rule for them).
fn matches(user: &types::User, who: &Who) -> bool {
    match who {
        Who::Email(email) => user
            .email
            .as_deref()
            .is_some_and(|known| same_ignoring_case(known, email)),
        Who::Username(username) => user.username.as_deref() == Some(username.as_str()),
    }
}

pub(super) async fn lookup(client: &Client, who: &Who) -> Result<Vec<Account>, Error> {
    // Deleted users are listed apart; both lists are searched, then compared exactly.
    let active = client
        .list_users()
        .q(who.value())
        .per_page(100)
        .stream()
        .try_collect::<Vec<types::User>>();
    let deleted = client
        .list_deleted_users()
        .q(who.value())
        .per_page(100)
        .stream()
        .try_collect::<Vec<types::User>>();
    let (active, deleted) = futures_util::future::try_join(active, deleted).await?;
    let active = active.into_iter().map(|user| (user, false));
    let deleted = deleted.into_iter().map(|user| (user, true));
    Ok(active
        .chain(deleted)
        .filter(|(user, _)| matches(user, who))
        .map(|(user, deleted)| account(user, deleted))
        .collect())
}

pub(super) fn steps(
    operation: &Operation,
    account: &Account,
    user: &types::User,
) -> Result<Vec<Step>, Error> {
    let Some(id) = user.id else {
        return Err(Error::Incomplete {
            provider: Provider::Sendauth,
            missing: "an id",
        });
    };
    let deleted = account.state == State::Deactivated;
    match operation {
        // Soft deletion is SendAuth's only lock-out, and there is nothing else to revoke.
        Operation::Suspend(_) | Operation::Offboard(_) => Ok(if deleted {
            vec![]
        } else {
            vec![step(
                Call::new("DELETE", format!("/api/v1/users/{id}")),
                Action::Delete(id),
            )]
        }),
        Operation::Restore(_) => Ok(if deleted {
            vec![step(
                Call::new("PUT", format!("/api/v1/users/deleted/{id}")),
                Action::Restore(id),
            )]
        } else {
            vec![]
        }),
        Operation::Find(_) | Operation::Ensure(_) => Ok(vec![]),
    }
}

pub(super) fn create(person: &NewPerson) -> Result<Step, Error> {
    let body = types::UserInput::builder()
        .first_name(person.first_name.clone())
        .last_name(person.last_name.clone())
        .email(&person.email);
    let body = NewUserBody::try_from(body).map_err(|_| Error::Incomplete {
        provider: Provider::Sendauth,
        missing: "a complete creation body",
    })?;
    Ok(step(
        Call::new("POST", "/api/v1/users".to_string()).with_note(format!("email {}", person.email)),
        Action::Create(Box::new(body)),
    ))
}

pub(super) async fn execute(client: &Client, action: Action) -> Result<Option<Account>, Error> {
    match action {
        Action::Delete(id) => {
            client.delete_user().user_id(id).send().await?;
        }
        Action::Restore(id) => {
            client.restore_user().user_id(id).send().await?;
        }
        Action::Create(body) => {
            let user = client.create_user().body(*body).send().await?.into_inner();
            return Ok(Some(account(user, false)));
        }
    }
    Ok(None)
}
