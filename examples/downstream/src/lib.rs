//! A small account service written the way a user of `user-apis` writes one: the facade
//! alone, the names the README gives, plain values in setters. Its tests (`tests/`) run it
//! against the facade's typed mocks for every provider.

use std::time::Duration;

use futures_util::TryStreamExt;
use user_apis::{ClientConfig, ConfigError, RetryPolicy, gitlab, mattermost, okta, sendauth};

/// The clients of the service, one per provider.
#[derive(Debug, Clone)]
pub struct Accounts {
    okta: okta::Client,
    gitlab: gitlab::Client,
    mattermost: mattermost::Client,
    sendauth: sendauth::Client,
}

/// Where each provider is and how to sign in.
#[derive(Debug, Clone)]
pub struct Servers {
    /// Okta org URL and API token.
    pub okta: (String, String),
    /// GitLab URL and private token.
    pub gitlab: (String, String),
    /// Mattermost URL and token.
    pub mattermost: (String, String),
    /// SendAuth URL, API user and password.
    pub sendauth: (String, String, String),
}

/// Why a step of the service failed: the provider's error, shown as it reads.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

impl Accounts {
    /// Clients with the service's own HTTP settings: a `User-Agent` naming it and no proxy
    /// from the environment.
    ///
    /// # Errors
    ///
    /// When a URL or a credential cannot be used.
    pub fn new(servers: &Servers) -> Result<Self, ConfigError> {
        let config = |url: &str| {
            ClientConfig::new(url)
                .user_agent("accounts-service/1.0")
                .timeout(Duration::from_secs(10))
                .http_settings(|http| http.no_proxy())
        };
        Ok(Self {
            okta: okta::Client::with_api_token(config(&servers.okta.0), &servers.okta.1)?,
            gitlab: gitlab::Client::with_private_token(
                config(&servers.gitlab.0),
                &servers.gitlab.1,
            )?,
            mattermost: mattermost::Client::with_token(
                config(&servers.mattermost.0),
                &servers.mattermost.1,
            )?,
            sendauth: sendauth::Client::with_basic_auth(
                config(&servers.sendauth.0),
                &servers.sendauth.1,
                &servers.sendauth.2,
            )?,
        })
    }

    /// Creates a staged Okta user from a nested profile builder, with plain strings and a
    /// custom profile attribute (`department`).
    ///
    /// # Errors
    ///
    /// The provider's error, such as `400 Bad Request from create_user: ...`.
    pub async fn onboard_on_okta(
        &self,
        email: &str,
        first_name: &str,
        last_name: &str,
        department: &str,
    ) -> Result<okta::types::User, Failure> {
        let custom = okta::serde_json::Map::from_iter([(
            "department".to_string(),
            okta::serde_json::Value::from(department),
        )]);
        let user = self
            .okta
            .create_user()
            .activate(false)
            .body(
                okta::types::UserInput::builder().profile(
                    okta::types::UserProfile::builder()
                        .email(email)
                        .login(email)
                        .first_name(first_name)
                        .last_name(last_name)
                        .extra(custom),
                ),
            )
            // Creating twice is worse than failing once.
            .retry(RetryPolicy::never())
            .send()
            .await?;
        Ok(user.into_inner())
    }

    /// Renames a GitLab user by read-modify-write: the user read becomes the update body.
    ///
    /// # Errors
    ///
    /// The provider's error, such as `404 Not Found from get_user: 404 User Not Found`.
    pub async fn rename_on_gitlab(
        &self,
        id: i64,
        name: &str,
    ) -> Result<gitlab::types::User, Failure> {
        let user = self.gitlab.get_user().id(id).send().await?.into_inner();
        let mut update = gitlab::types::UserInput::from(user);
        update.name = Some(name.to_string());
        let updated = self.gitlab.update_user().id(id).body(update).send().await?;
        Ok(updated.into_inner())
    }

    /// The usernames of every GitLab user, walked page by page.
    ///
    /// # Errors
    ///
    /// The first page that fails.
    pub async fn gitlab_usernames(&self) -> Result<Vec<String>, Failure> {
        let users: Vec<gitlab::types::User> = self
            .gitlab
            .list_users()
            .per_page(100)
            .stream()
            .try_collect()
            .await?;
        Ok(users.into_iter().map(|user| user.username).collect())
    }

    /// The usernames of a Mattermost team's active members, with a short timeout per page.
    ///
    /// # Errors
    ///
    /// The first page that fails.
    pub async fn mattermost_team(&self, team_id: &str) -> Result<Vec<String>, Failure> {
        let users: Vec<mattermost::types::User> = self
            .mattermost
            .list_users()
            .in_team(team_id)
            .active(true)
            .per_page(200)
            .timeout(Duration::from_secs(5))
            .stream()
            .try_collect()
            .await?;
        Ok(users.into_iter().filter_map(|user| user.username).collect())
    }

    /// Updates a SendAuth user's phone by read-modify-write.
    ///
    /// # Errors
    ///
    /// The provider's error.
    pub async fn set_sendauth_phone(
        &self,
        id: sendauth::uuid::Uuid,
        phone: &str,
    ) -> Result<sendauth::types::User, Failure> {
        let user = self
            .sendauth
            .get_user()
            .user_id(id)
            .send()
            .await?
            .into_inner();
        let mut update = sendauth::types::UserInput::from(user);
        update.phone = Some(phone.to_string());
        let updated = self
            .sendauth
            .update_user()
            .user_id(id)
            .body(update)
            .send()
            .await?;
        Ok(updated.into_inner())
    }
}
