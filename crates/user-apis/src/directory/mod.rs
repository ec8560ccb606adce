//! One person across every enabled provider: find their accounts, suspend and restore them,
//! offboard them, or make sure they exist (feature `directory`).
//!
//! A [`Directory`] holds a client of any subset of the enabled providers. Every operation is
//! an [`Operation`] on one person, named by email or username ([`Who`]). It runs in two
//! steps: [`Directory::plan`] looks the person up on every provider (read-only calls) and
//! decides which calls each provider needs, and [`Plan::run`] sends them. A plan can be shown
//! (`Display`) without sending anything, which is a dry run. The [`Report`] holds one
//! [`ProviderResult`] per provider: [`Outcome::Done`], [`Outcome::AlreadyInState`],
//! [`Outcome::NotFound`], [`Outcome::Ambiguous`] or [`Outcome::Failed`] with its [`Error`].
//! Providers are planned and run concurrently, and one provider failing never stops the
//! others. Operations are idempotent: running a finished one again sends nothing but the
//! lookups and reports [`Outcome::AlreadyInState`].
//!
//! The feature adds no provider by itself: the directory works with the providers whose
//! features are enabled (`features = ["directory", "okta", "gitlab"]`).
//!
//! # Finding a person
//!
//! Matches are exact, never guessed: each provider is asked with its own search or filter,
//! and only the accounts whose email or username equals the one asked for are kept. Several
//! of them are [`Outcome::Ambiguous`], with every candidate.
//!
//! | provider   | by email | by username | case |
//! |------------|----------|-------------|------|
//! | GitLab     | `GET /api/v4/users?search=` (every page), then the primary `email` (the `public_email` when the token cannot see it) | `GET /api/v4/users?username=` | ignored |
//! | Mattermost | `GET /api/v4/users/email/{email}` (404: not found) | `GET /api/v4/users/username/{username}` | ignored |
//! | Okta       | `GET /api/v1/users?filter=profile.email eq "…"` (every page) | `filter=profile.login eq "…"`: the username is the login | ignored |
//! | SendAuth   | `GET /api/v1/users?q=` and `GET /api/v1/users/deleted?q=` (every page of both) | the same, compared with `username` | ignored for emails; usernames compared exactly |
//!
//! Okta's `filter` reads current data, where its `search` index may lag behind a change just
//! made, such as a creation. Deleted SendAuth users are listed apart, so both lists are read.
//!
//! # States and transitions
//!
//! An [`Account`]'s [`State`] is the common reading of the provider's own:
//!
//! | provider   | [`State::Active`] | [`State::Suspended`] | [`State::Deactivated`] | [`State::Other`] |
//! |------------|-------------------|----------------------|------------------------|------------------|
//! | GitLab     | `active` | `blocked`, `ldap_blocked` | `deactivated` | `banned`, `blocked_pending_approval`, newer values |
//! | Mattermost | `delete_at` 0 or absent | (none) | `delete_at` ≠ 0 | (none) |
//! | Okta       | `ACTIVE` | `SUSPENDED` | `DEPROVISIONED` | `STAGED`, `PROVISIONED`, `RECOVERY`, `PASSWORD_EXPIRED`, `LOCKED_OUT`, newer values |
//! | SendAuth   | listed by `list_users` | (none) | listed by `list_deleted_users` (soft-deleted) | (none) |
//!
//! Each transition uses the reversible lock-out the provider offers, and its undo. The calls
//! below are made only when needed: an account already in the wanted state gets none.
//!
//! | provider   | suspend | restore | offboard |
//! |------------|---------|---------|----------|
//! | GitLab     | `POST /api/v4/users/{id}/block`, unless `blocked`, `ldap_blocked` or `banned` | `blocked`: `POST …/unblock`; `banned`: `POST …/unban`; `deactivated`: `POST …/activate` | suspend, then `DELETE /api/v4/users/{id}/impersonation_tokens/{token}` for each active impersonation token (listed with `state=active`) |
//! | Mattermost | `PUT /api/v4/users/{id}/active` `{"active": false}` | `PUT …/active` `{"active": true}` | suspend; `POST /api/v4/users/{id}/sessions/revoke/all` when `GET …/sessions` lists any; `POST /api/v4/users/tokens/disable` for each active personal access token (`GET …/tokens`) |
//! | Okta       | `POST /api/v1/users/{id}/lifecycle/suspend` (`ACTIVE` only) | `SUSPENDED`: `POST …/lifecycle/unsuspend`; `LOCKED_OUT`: `POST …/lifecycle/unlock` | `ACTIVE`: suspend, then `DELETE /api/v1/users/{id}/sessions?oauthTokens=true` |
//! | SendAuth   | `DELETE /api/v1/users/{id}` (soft delete) | `PUT /api/v1/users/deleted/{id}` | suspend |
//!
//! What each provider cannot do, and the directory therefore does not:
//!
//! - Mattermost and SendAuth have one lock-out, deactivation (soft deletion), so "suspended"
//!   there reads [`State::Deactivated`].
//! - Okta suspends only `ACTIVE` users: suspending or offboarding a user in another state
//!   (`STAGED`, `LOCKED_OUT`, ...) fails with [`Error::Unsupported`] without sending
//!   anything. Okta lists no sessions, so an account already `SUSPENDED` (or `DEPROVISIONED`,
//!   which ends sessions itself) counts as offboarded; to be sure of one suspended by other
//!   means, call `end_all_user_sessions` yourself. Restoring a `DEPROVISIONED` user is an
//!   activation with a new welcome flow, not an undo, so restore refuses it.
//! - GitLab refuses to unblock an `ldap_blocked` user (LDAP decides), and
//!   `blocked_pending_approval` is an admission, not a lock-out: restore refuses both.
//!   Deactivated GitLab users can sign in again by themselves, so suspend blocks them too.
//! - SendAuth has no sessions or tokens to revoke; removing a user's passkeys cannot be
//!   undone, so offboard does not do it.
//!
//! # Ensure
//!
//! [`Operation::Ensure`] looks the person up by email and creates the account where there is
//! none ([`NewPerson`] holds what the creation needs): GitLab `POST /api/v4/users` (with
//! `reset_password` unless a password is given), Mattermost `POST /api/v4/users`, Okta
//! `POST /api/v1/users?activate=true` (login and email the email address), SendAuth
//! `POST /api/v1/users`. When the creation's answer is lost after it was sent (a timeout, a
//! connection cut, a 5xx, a success whose body cannot be read), the provider may have created
//! the account, so the person is looked up again: found, it is [`Outcome::Done`]; not found,
//! [`Error::CreateUnconfirmed`], and nothing is sent again, so that no one is ever created
//! twice. Running `ensure` again then decides from a fresh lookup.
//!
//! # Example
//!
#![cfg_attr(all(feature = "okta", feature = "mock"), doc = include_str!("example.md"))]
#![cfg_attr(
    not(all(feature = "okta", feature = "mock")),
    doc = "(The example needs the features `okta` and `mock`.)"
)]
// Without any provider the directory is empty, and what works on providers goes unused.
#![cfg_attr(
    not(any(
        feature = "gitlab",
        feature = "mattermost",
        feature = "okta",
        feature = "sendauth"
    )),
    allow(unused_variables, dead_code, unreachable_code)
)]

use std::fmt;

use futures_util::future::{BoxFuture, join_all};
use user_apis_runtime::Password;

#[cfg(feature = "gitlab")]
mod gitlab;
#[cfg(feature = "mattermost")]
mod mattermost;
#[cfg(feature = "okta")]
mod okta;
#[cfg(feature = "sendauth")]
mod sendauth;

/// A provider the directory can work with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Provider {
    /// GitLab (feature `gitlab`).
    Gitlab,
    /// Mattermost (feature `mattermost`).
    Mattermost,
    /// Okta (feature `okta`).
    Okta,
    /// SendAuth (feature `sendauth`).
    Sendauth,
}

impl Provider {
    /// The provider's name in lower case, as the command line spells it: `gitlab`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gitlab => "gitlab",
            Self::Mattermost => "mattermost",
            Self::Okta => "okta",
            Self::Sendauth => "sendauth",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a person is named: by email address or by username.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Who {
    /// The account's (primary) email address.
    Email(String),
    /// The account's username (Okta: its login).
    Username(String),
}

impl Who {
    /// The person with this email address.
    pub fn email(email: impl Into<String>) -> Self {
        Self::Email(email.into())
    }

    /// The person with this username.
    pub fn username(username: impl Into<String>) -> Self {
        Self::Username(username.into())
    }

    /// The email address or username.
    pub fn value(&self) -> &str {
        match self {
            Self::Email(value) | Self::Username(value) => value,
        }
    }
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Email(email) => write!(f, "email {email}"),
            Self::Username(username) => write!(f, "username {username}"),
        }
    }
}

/// What [`Operation::Ensure`] creates an account with, where there is none.
///
/// Every provider gets the email address and the names; GitLab and Mattermost the username
/// too (Okta's login is the email address; SendAuth sets usernames itself). The password is
/// optional: GitLab then emails a link to set one, Okta an activation link; a Mattermost
/// server with email sign-in refuses an account without one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NewPerson {
    /// The email address, by which the person is looked up.
    pub email: String,
    /// The username.
    pub username: String,
    /// The first (given) name.
    pub first_name: String,
    /// The last (family) name.
    pub last_name: String,
    /// The initial password, if any; never shown in `Debug` output.
    pub password: Option<Password>,
}

impl NewPerson {
    /// A person with these email address, username and names, without a password.
    pub fn new(
        email: impl Into<String>,
        username: impl Into<String>,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
    ) -> Self {
        Self {
            email: email.into(),
            username: username.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
            password: None,
        }
    }

    /// The same person with an initial password.
    pub fn password(mut self, password: impl Into<Password>) -> Self {
        self.password = Some(password.into());
        self
    }
}

/// What to do to one person on every provider.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Operation {
    /// Find the person's account on each provider.
    Find(Who),
    /// Lock the person out with each provider's reversible lock-out.
    Suspend(Who),
    /// Undo a suspension: let the person back in.
    Restore(Who),
    /// Suspend, and end sessions and revoke tokens where the provider allows.
    Offboard(Who),
    /// Find the person by email, or create their account.
    Ensure(NewPerson),
}

impl Operation {
    /// The operation's name: `find`, `suspend`, `restore`, `offboard` or `ensure`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Find(_) => "find",
            Self::Suspend(_) => "suspend",
            Self::Restore(_) => "restore",
            Self::Offboard(_) => "offboard",
            Self::Ensure(_) => "ensure",
        }
    }

    /// Whom the operation looks up: `ensure` looks up by email.
    pub fn who(&self) -> Who {
        match self {
            Self::Find(who) | Self::Suspend(who) | Self::Restore(who) | Self::Offboard(who) => {
                who.clone()
            }
            Self::Ensure(person) => Who::Email(person.email.clone()),
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name(), self.who())
    }
}

/// The common reading of an account's state on its provider (see the [module
/// documentation](self) for each provider's mapping).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// The person can sign in.
    Active,
    /// Locked out by an administrator, reversibly (GitLab blocked, Okta `SUSPENDED`).
    Suspended,
    /// Deactivated or soft-deleted (GitLab deactivated, Okta `DEPROVISIONED`, Mattermost
    /// `delete_at`, SendAuth deleted users).
    Deactivated,
    /// A state of the provider's own that fits none of the above, as the provider spells it
    /// (`LOCKED_OUT`, `banned`); empty when the provider sent none.
    Other(String),
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Active => f.write_str("active"),
            Self::Suspended => f.write_str("suspended"),
            Self::Deactivated => f.write_str("deactivated"),
            Self::Other(value) if value.is_empty() => f.write_str("unknown"),
            Self::Other(value) => f.write_str(value),
        }
    }
}

/// One person's account on one provider: the common view, and the provider's typed user.
///
/// Any field the provider did not send is `None` (the id is then empty, and the account
/// cannot be changed: [`Error::Incomplete`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Account {
    /// The provider.
    pub provider: Provider,
    /// The provider's id of the account, as text (GitLab's number, Okta's `00u...`, ...).
    pub id: String,
    /// The username (Okta: the login).
    pub username: Option<String>,
    /// The primary email address.
    pub email: Option<String>,
    /// The name to show: GitLab's `name`, the first and last names elsewhere.
    pub display_name: Option<String>,
    /// The common reading of the account's state.
    pub state: State,
    /// The provider's full typed user, as it was read.
    pub user: ProviderUser,
}

/// The provider's typed user behind an [`Account`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProviderUser {
    /// A GitLab user, as an administrator reads it.
    #[cfg(feature = "gitlab")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gitlab")))]
    Gitlab(Box<gitlab::GitlabUser>),
    /// A Mattermost user.
    #[cfg(feature = "mattermost")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mattermost")))]
    Mattermost(Box<crate::mattermost::types::User>),
    /// An Okta user.
    #[cfg(feature = "okta")]
    #[cfg_attr(docsrs, doc(cfg(feature = "okta")))]
    Okta(Box<crate::okta::types::User>),
    /// A SendAuth user.
    #[cfg(feature = "sendauth")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sendauth")))]
    Sendauth(Box<crate::sendauth::types::User>),
}

/// One call a plan makes, as it is shown: `POST /api/v4/users/42/block`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Call {
    /// The HTTP method.
    pub method: &'static str,
    /// The path, with its parameters filled in (and its query, if any).
    pub path: String,
    /// What the body names, when the path does not say it all (`token 4x9`, `active: false`).
    pub note: Option<String>,
}

impl Call {
    fn new(method: &'static str, path: String) -> Self {
        Self {
            method,
            path,
            note: None,
        }
    }

    fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

/// How one provider's part of an operation ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// Done: the calls were made (for `find`: the account was found; for `ensure`: created).
    Done,
    /// The account was already in the wanted state (for `ensure`: it exists); nothing was
    /// sent but the lookups.
    AlreadyInState,
    /// No account matches.
    NotFound,
    /// Several accounts match exactly (the same email on two accounts): nothing was done.
    Ambiguous(Vec<Account>),
    /// The provider could not be asked, refused, or the operation does not apply.
    Failed(Error),
}

impl Outcome {
    /// Whether the provider reached the wanted state: [`Done`](Self::Done) or
    /// [`AlreadyInState`](Self::AlreadyInState).
    pub fn reached(&self) -> bool {
        matches!(self, Self::Done | Self::AlreadyInState)
    }

    /// The outcome's name: `done`, `already`, `not_found`, `ambiguous` or `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::AlreadyInState => "already",
            Self::NotFound => "not_found",
            Self::Ambiguous(_) => "ambiguous",
            Self::Failed(_) => "failed",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Done => f.write_str("done"),
            Self::AlreadyInState => f.write_str("already in state"),
            Self::NotFound => f.write_str("not found"),
            Self::Ambiguous(accounts) => {
                write!(f, "ambiguous: {} accounts match (", accounts.len())?;
                for (index, account) in accounts.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&account.id)?;
                }
                f.write_str(")")
            }
            Self::Failed(error) => write!(f, "failed: {error}"),
        }
    }
}

/// Why a provider's part of an operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// GitLab's client failed.
    #[cfg(feature = "gitlab")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gitlab")))]
    Gitlab(Box<crate::gitlab::Error<crate::gitlab::types::ApiError>>),
    /// Mattermost's client failed.
    #[cfg(feature = "mattermost")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mattermost")))]
    Mattermost(Box<crate::mattermost::Error<crate::mattermost::types::AppError>>),
    /// Okta's client failed.
    #[cfg(feature = "okta")]
    #[cfg_attr(docsrs, doc(cfg(feature = "okta")))]
    Okta(Box<crate::okta::Error<crate::okta::types::ApiError>>),
    /// SendAuth's client failed.
    #[cfg(feature = "sendauth")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sendauth")))]
    Sendauth(Box<crate::sendauth::Error<crate::sendauth::types::ApiError>>),
    /// The account's state does not allow the operation on this provider (see the module
    /// documentation); nothing was sent.
    Unsupported {
        /// The provider.
        provider: Provider,
        /// The operation's name.
        operation: &'static str,
        /// The account's state, as the provider spells it.
        state: String,
        /// Why, in a few words.
        reason: &'static str,
    },
    /// The provider's answer lacks what the operation needs (an account without an id).
    Incomplete {
        /// The provider.
        provider: Provider,
        /// What is missing.
        missing: &'static str,
    },
    /// A creation was sent but its answer was lost, and looking the person up again did not
    /// find the account: it may not exist, or not be visible yet. Nothing was sent again.
    CreateUnconfirmed(Box<Error>),
}

/// Whether a failed call may have been carried out by the server: it was sent (not a failure
/// to connect) and no answer that says otherwise came back.
fn outcome_unknown<E>(error: &user_apis_runtime::Error<E>) -> bool {
    use user_apis_runtime::Error as E;
    match error {
        E::CommunicationError(error) => !error.is_connect(),
        E::InvalidResponse(invalid) => {
            invalid.status.is_success() || invalid.status.is_server_error()
        }
        E::ErrorResponse(_) | E::UnexpectedResponse(_) => error
            .status()
            .is_some_and(|status| status.is_server_error()),
        _ => false,
    }
}

/// Calls `$body` with the provider's client error bound to `$error`, or evaluates `$other`
/// for the directory's own variants.
macro_rules! with_client_error {
    ($self:expr, $error:ident => $body:expr, $other:pat => $fallback:expr) => {
        match $self {
            #[cfg(feature = "gitlab")]
            Error::Gitlab($error) => {
                let $error = &**$error;
                $body
            }
            #[cfg(feature = "mattermost")]
            Error::Mattermost($error) => {
                let $error = &**$error;
                $body
            }
            #[cfg(feature = "okta")]
            Error::Okta($error) => {
                let $error = &**$error;
                $body
            }
            #[cfg(feature = "sendauth")]
            Error::Sendauth($error) => {
                let $error = &**$error;
                $body
            }
            $other => $fallback,
        }
    };
}

impl Error {
    /// The HTTP status of the answer that caused the error, if one came.
    pub fn status(&self) -> Option<u16> {
        with_client_error!(self, error => error.status().map(|status| status.as_u16()), other => match other {
            Self::CreateUnconfirmed(cause) => cause.status(),
            _ => None,
        })
    }

    /// Whether the provider refused: it answered with an error status the API documents
    /// (403, 404, 409, ...), or the account's state does not allow the operation. Every
    /// other failure means the provider could not be reached or understood (no connection, a
    /// timeout, an undocumented status, an unreadable answer, a lost creation).
    pub fn is_refusal(&self) -> bool {
        with_client_error!(
            self,
            error => matches!(error, user_apis_runtime::Error::ErrorResponse(_)),
            other => matches!(other, Self::Unsupported { .. } | Self::Incomplete { .. })
        )
    }

    /// Whether the server may have carried out the failed call (see [`Error::CreateUnconfirmed`]).
    fn outcome_unknown(&self) -> bool {
        with_client_error!(self, error => outcome_unknown(error), _ => false)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        with_client_error!(self, error => fmt::Display::fmt(error, f), other => match other {
            Self::Unsupported {
                provider,
                operation,
                state,
                reason,
            } => write!(f, "{provider} cannot {operation} an account in state {state}: {reason}"),
            Self::Incomplete { provider, missing } => {
                write!(f, "{provider} sent an account without {missing}")
            }
            Self::CreateUnconfirmed(cause) => write!(
                f,
                "the creation's answer was lost and the account is not found (yet); nothing \
                 was sent again: {cause}"
            ),
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        })
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        with_client_error!(self, error => Some(error), other => match other {
            Self::CreateUnconfirmed(cause) => Some(cause.as_ref()),
            _ => None,
        })
    }
}

/// One call to make, with what it does on the wire.
struct Step {
    call: Call,
    action: Action,
}

/// What a step does: each provider's own calls.
enum Action {
    #[cfg(feature = "gitlab")]
    Gitlab(gitlab::Action),
    #[cfg(feature = "mattermost")]
    Mattermost(mattermost::Action),
    #[cfg(feature = "okta")]
    Okta(okta::Action),
    #[cfg(feature = "sendauth")]
    Sendauth(sendauth::Action),
}

/// A provider's client, as the directory holds it.
#[derive(Clone)]
enum Backend {
    #[cfg(feature = "gitlab")]
    Gitlab(crate::gitlab::Client),
    #[cfg(feature = "mattermost")]
    Mattermost(crate::mattermost::Client),
    #[cfg(feature = "okta")]
    Okta(crate::okta::Client),
    #[cfg(feature = "sendauth")]
    Sendauth(crate::sendauth::Client),
    /// Never built: it keeps the matches below valid when no provider is enabled.
    #[allow(dead_code)]
    Never(std::convert::Infallible),
}

impl Backend {
    fn provider(&self) -> Provider {
        match self {
            #[cfg(feature = "gitlab")]
            Self::Gitlab(_) => Provider::Gitlab,
            #[cfg(feature = "mattermost")]
            Self::Mattermost(_) => Provider::Mattermost,
            #[cfg(feature = "okta")]
            Self::Okta(_) => Provider::Okta,
            #[cfg(feature = "sendauth")]
            Self::Sendauth(_) => Provider::Sendauth,
            Self::Never(never) => match *never {},
        }
    }

    /// The accounts that match `who` exactly.
    async fn lookup(&self, who: &Who) -> Result<Vec<Account>, Error> {
        match self {
            #[cfg(feature = "gitlab")]
            Self::Gitlab(client) => gitlab::lookup(client, who).await,
            #[cfg(feature = "mattermost")]
            Self::Mattermost(client) => mattermost::lookup(client, who).await,
            #[cfg(feature = "okta")]
            Self::Okta(client) => okta::lookup(client, who).await,
            #[cfg(feature = "sendauth")]
            Self::Sendauth(client) => sendauth::lookup(client, who).await,
            Self::Never(never) => match *never {},
        }
    }

    /// The steps that bring `account` where `operation` wants it; none when it is there.
    async fn steps(&self, operation: &Operation, account: &Account) -> Result<Vec<Step>, Error> {
        #[allow(unreachable_patterns)]
        match (self, &account.user) {
            #[cfg(feature = "gitlab")]
            (Self::Gitlab(client), ProviderUser::Gitlab(user)) => {
                gitlab::steps(client, operation, user).await
            }
            #[cfg(feature = "mattermost")]
            (Self::Mattermost(client), ProviderUser::Mattermost(user)) => {
                mattermost::steps(client, operation, account, user).await
            }
            #[cfg(feature = "okta")]
            (Self::Okta(_), ProviderUser::Okta(user)) => okta::steps(operation, account, user),
            #[cfg(feature = "sendauth")]
            (Self::Sendauth(_), ProviderUser::Sendauth(user)) => {
                sendauth::steps(operation, account, user)
            }
            _ => Err(Error::Incomplete {
                provider: self.provider(),
                missing: "a user of its own",
            }),
        }
    }

    /// The step that creates `person`'s account.
    fn create(&self, person: &NewPerson) -> Result<Step, Error> {
        match self {
            #[cfg(feature = "gitlab")]
            Self::Gitlab(_) => gitlab::create(person),
            #[cfg(feature = "mattermost")]
            Self::Mattermost(_) => mattermost::create(person),
            #[cfg(feature = "okta")]
            Self::Okta(_) => okta::create(person),
            #[cfg(feature = "sendauth")]
            Self::Sendauth(_) => sendauth::create(person),
            Self::Never(never) => match *never {},
        }
    }

    /// Sends one step; a creation gives the new account.
    async fn execute(&self, action: Action) -> Result<Option<Account>, Error> {
        #[allow(unreachable_patterns)]
        match (self, action) {
            #[cfg(feature = "gitlab")]
            (Self::Gitlab(client), Action::Gitlab(action)) => gitlab::execute(client, action).await,
            #[cfg(feature = "mattermost")]
            (Self::Mattermost(client), Action::Mattermost(action)) => {
                mattermost::execute(client, action).await
            }
            #[cfg(feature = "okta")]
            (Self::Okta(client), Action::Okta(action)) => okta::execute(client, action).await,
            #[cfg(feature = "sendauth")]
            (Self::Sendauth(client), Action::Sendauth(action)) => {
                sendauth::execute(client, action).await
            }
            _ => Err(Error::Incomplete {
                provider: self.provider(),
                missing: "a step of its own",
            }),
        }
    }
}

/// The clients of the providers to work with: any subset of the enabled ones.
///
/// Each `with_<provider>` adds (or replaces) one provider's client. Providers are planned,
/// run and reported in a fixed order: GitLab, Mattermost, Okta, SendAuth.
#[derive(Clone, Default)]
pub struct Directory {
    backends: Vec<Backend>,
}

impl fmt::Debug for Directory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Directory")
            .field("providers", &self.providers())
            .finish()
    }
}

impl Directory {
    /// A directory of no provider yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, backend: Backend) -> Self {
        let provider = backend.provider();
        self.backends.retain(|held| held.provider() != provider);
        self.backends.push(backend);
        self.backends.sort_by_key(Backend::provider);
        self
    }

    /// Adds GitLab. The token must be an administrator's to see emails and change users.
    #[cfg(feature = "gitlab")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gitlab")))]
    pub fn with_gitlab(self, client: crate::gitlab::Client) -> Self {
        self.with(Backend::Gitlab(client))
    }

    /// Adds Mattermost. The token must be a system administrator's.
    #[cfg(feature = "mattermost")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mattermost")))]
    pub fn with_mattermost(self, client: crate::mattermost::Client) -> Self {
        self.with(Backend::Mattermost(client))
    }

    /// Adds Okta.
    #[cfg(feature = "okta")]
    #[cfg_attr(docsrs, doc(cfg(feature = "okta")))]
    pub fn with_okta(self, client: crate::okta::Client) -> Self {
        self.with(Backend::Okta(client))
    }

    /// Adds SendAuth.
    #[cfg(feature = "sendauth")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sendauth")))]
    pub fn with_sendauth(self, client: crate::sendauth::Client) -> Self {
        self.with(Backend::Sendauth(client))
    }

    /// The providers held, in order.
    pub fn providers(&self) -> Vec<Provider> {
        self.backends.iter().map(Backend::provider).collect()
    }

    /// Looks the person up on every provider and decides what each needs, sending nothing
    /// but read-only calls. Show the plan for a dry run; [`Plan::run`] carries it out.
    pub async fn plan(&self, operation: Operation) -> Plan {
        let who = operation.who();
        let plans = join_all(
            self.backends
                .iter()
                .map(|backend| plan_provider(backend, &operation, &who)),
        )
        .await;
        Plan {
            operation,
            providers: plans,
        }
    }

    /// Plans and runs `operation`.
    pub async fn run(&self, operation: Operation) -> Report {
        self.plan(operation).await.run().await
    }

    /// The person's account on each provider ([`Outcome::Done`] with the account when found).
    pub async fn find(&self, who: Who) -> Report {
        self.run(Operation::Find(who)).await
    }

    /// Suspends the person on each provider.
    pub async fn suspend(&self, who: Who) -> Report {
        self.run(Operation::Suspend(who)).await
    }

    /// Restores the person on each provider.
    pub async fn restore(&self, who: Who) -> Report {
        self.run(Operation::Restore(who)).await
    }

    /// Offboards the person on each provider.
    pub async fn offboard(&self, who: Who) -> Report {
        self.run(Operation::Offboard(who)).await
    }

    /// Finds the person by email on each provider, or creates their account.
    pub async fn ensure(&self, person: NewPerson) -> Report {
        self.run(Operation::Ensure(person)).await
    }
}

/// Looks `who` up on one provider and decides its part of `operation`.
async fn plan_provider(backend: &Backend, operation: &Operation, who: &Who) -> ProviderPlan {
    let provider = backend.provider();
    let decided = |account, outcome| ProviderPlan {
        provider,
        backend: backend.clone(),
        account,
        decision: Decision::Decided(outcome),
    };
    let mut found = match backend.lookup(who).await {
        Ok(found) => found,
        Err(error) => return decided(None, Outcome::Failed(error)),
    };
    if found.len() > 1 {
        return decided(None, Outcome::Ambiguous(found));
    }
    let Some(account) = found.pop() else {
        return match operation {
            Operation::Ensure(person) => match backend.create(person) {
                Ok(step) => ProviderPlan {
                    provider,
                    backend: backend.clone(),
                    account: None,
                    decision: Decision::Steps(vec![step]),
                },
                Err(error) => decided(None, Outcome::Failed(error)),
            },
            _ => decided(None, Outcome::NotFound),
        };
    };
    match operation {
        Operation::Find(_) => decided(Some(account), Outcome::Done),
        Operation::Ensure(_) => decided(Some(account), Outcome::AlreadyInState),
        _ => match backend.steps(operation, &account).await {
            Ok(steps) if steps.is_empty() => decided(Some(account), Outcome::AlreadyInState),
            Ok(steps) => ProviderPlan {
                provider,
                backend: backend.clone(),
                account: Some(account),
                decision: Decision::Steps(steps),
            },
            Err(error) => decided(Some(account), Outcome::Failed(error)),
        },
    }
}

/// What a provider's plan holds: an outcome known without sending anything, or the calls.
enum Decision {
    Decided(Outcome),
    Steps(Vec<Step>),
}

/// One provider's part of a [`Plan`].
pub struct ProviderPlan {
    provider: Provider,
    backend: Backend,
    account: Option<Account>,
    decision: Decision,
}

impl ProviderPlan {
    /// The provider.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The account found, if exactly one was.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// The calls that running the plan would make, in order; empty when the outcome is known
    /// already.
    pub fn calls(&self) -> Vec<&Call> {
        match &self.decision {
            Decision::Decided(_) => Vec::new(),
            Decision::Steps(steps) => steps.iter().map(|step| &step.call).collect(),
        }
    }

    /// The outcome, when it is known without sending anything: already in the wanted state,
    /// not found, ambiguous, or failed (a lookup that failed, a state that does not allow the
    /// operation); for `find`, [`Outcome::Done`] with the account.
    pub fn decided(&self) -> Option<&Outcome> {
        match &self.decision {
            Decision::Decided(outcome) => Some(outcome),
            Decision::Steps(_) => None,
        }
    }

    /// Sends the calls in order, stopping at the first that fails.
    async fn run(self, who: &Who) -> ProviderResult {
        let Self {
            provider,
            backend,
            mut account,
            decision,
        } = self;
        let steps = match decision {
            Decision::Decided(outcome) => {
                return ProviderResult {
                    provider,
                    account,
                    outcome,
                    done: Vec::new(),
                };
            }
            Decision::Steps(steps) => steps,
        };
        // Steps without an account are a creation (`ensure` of a person not found), whose
        // lost answer calls for a second lookup.
        let creates = account.is_none();
        let mut done = Vec::new();
        for Step { call, action } in steps {
            match backend.execute(action).await {
                Ok(created) => {
                    done.push(call);
                    if created.is_some() {
                        account = created;
                    }
                }
                Err(error) if creates && error.outcome_unknown() => {
                    // The creation may have happened: ask again rather than decide blind.
                    let outcome = match backend.lookup(who).await {
                        Ok(mut found) if found.len() == 1 => {
                            done.push(call);
                            account = found.pop();
                            Outcome::Done
                        }
                        Ok(found) if found.len() > 1 => Outcome::Ambiguous(found),
                        _ => Outcome::Failed(Error::CreateUnconfirmed(Box::new(error))),
                    };
                    return ProviderResult {
                        provider,
                        account,
                        outcome,
                        done,
                    };
                }
                Err(error) => {
                    return ProviderResult {
                        provider,
                        account,
                        outcome: Outcome::Failed(error),
                        done,
                    };
                }
            }
        }
        ProviderResult {
            provider,
            account,
            outcome: Outcome::Done,
            done,
        }
    }
}

impl fmt::Debug for ProviderPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderPlan")
            .field("provider", &self.provider)
            .field("account", &self.account)
            .field("calls", &self.calls())
            .field("decided", &self.decided())
            .finish()
    }
}

impl fmt::Display for ProviderPlan {
    /// `okta: ada@example.com (00u1, active): POST /api/v1/users/00u1/lifecycle/suspend`, or
    /// the outcome known already.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.provider)?;
        if let Some(account) = &self.account {
            write_account(f, account)?;
            f.write_str(": ")?;
        }
        match &self.decision {
            Decision::Decided(outcome) => fmt::Display::fmt(outcome, f),
            Decision::Steps(steps) => {
                for (index, step) in steps.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    fmt::Display::fmt(&step.call, f)?;
                }
                Ok(())
            }
        }
    }
}

/// `ada@example.com (00u1, active)`: who the account is.
fn write_account(f: &mut fmt::Formatter<'_>, account: &Account) -> fmt::Result {
    let name = account
        .email
        .as_deref()
        .or(account.username.as_deref())
        .unwrap_or("(no name)");
    write!(f, "{name} ({}, {})", account.id, account.state)
}

/// What an operation would do on each provider, decided from fresh lookups.
///
/// Its `Display` is the dry run, one line per provider:
///
/// ```text
/// offboard email ada@example.com
/// gitlab: ada@example.com (42, active): POST /api/v4/users/42/block, DELETE /api/v4/users/42/impersonation_tokens/7
/// okta: ada@example.com (00u1, suspended): already in state
/// ```
#[derive(Debug)]
pub struct Plan {
    operation: Operation,
    providers: Vec<ProviderPlan>,
}

impl Plan {
    /// The operation planned.
    pub fn operation(&self) -> &Operation {
        &self.operation
    }

    /// Each provider's part, in the directory's order.
    pub fn providers(&self) -> &[ProviderPlan] {
        &self.providers
    }

    /// Carries the plan out: every provider at once, each one's calls in order. A provider
    /// that fails stops its own calls, never another's.
    pub async fn run(self) -> Report {
        let who = self.operation.who();
        let runs: Vec<BoxFuture<'_, ProviderResult>> = self
            .providers
            .into_iter()
            .map(|plan| -> BoxFuture<'_, ProviderResult> { Box::pin(plan.run(&who)) })
            .collect();
        let results = join_all(runs).await;
        Report {
            operation: self.operation,
            results,
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.operation)?;
        for provider in &self.providers {
            write!(f, "\n{provider}")?;
        }
        Ok(())
    }
}

/// How one provider's part of an operation ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct ProviderResult {
    /// The provider.
    pub provider: Provider,
    /// The account: as found, or as created by `ensure`; `None` when not found or ambiguous.
    pub account: Option<Account>,
    /// How it ended.
    pub outcome: Outcome,
    /// The calls that succeeded, in order (a failed one is in the outcome's error).
    pub done: Vec<Call>,
}

impl fmt::Display for ProviderResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.provider)?;
        if let Some(account) = &self.account {
            write_account(f, account)?;
            f.write_str(": ")?;
        }
        fmt::Display::fmt(&self.outcome, f)
    }
}

/// What an operation did: one result per provider of the directory, in its order.
#[derive(Debug)]
#[non_exhaustive]
pub struct Report {
    /// The operation.
    pub operation: Operation,
    /// Each provider's result.
    pub results: Vec<ProviderResult>,
}

impl Report {
    /// Whether every provider reached the wanted state.
    pub fn succeeded(&self) -> bool {
        self.results.iter().all(|result| result.outcome.reached())
    }

    /// The result of `provider`, if the directory holds it.
    pub fn result(&self, provider: Provider) -> Option<&ProviderResult> {
        self.results
            .iter()
            .find(|result| result.provider == provider)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.operation)?;
        for result in &self.results {
            write!(f, "\n{result}")?;
        }
        Ok(())
    }
}

/// Whether two email addresses or usernames are the same, ignoring case.
fn same_ignoring_case(left: &str, right: &str) -> bool {
    left == right || left.to_lowercase() == right.to_lowercase()
}

/// `first last`, or whichever is present; `None` for neither.
#[cfg(any(feature = "mattermost", feature = "okta", feature = "sendauth"))]
fn joined_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [first, last]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
