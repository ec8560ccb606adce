//! Signing in: the session token a sign-in hands back in its `Token` header, turned into an
//! authenticated client in one call.

use std::error::Error as StdError;
use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use user_apis_runtime::{ClientConfig, ConfigError, Password};

use crate::{Client, Error, builder, types};

/// The response header in which Mattermost hands back a new session's token.
pub const TOKEN_HEADER: &str = "token";

/// A signed-in session: a client that sends its token, the user who signed in, and the token.
///
/// `Debug` never shows the token, and neither does the client's.
#[derive(Clone)]
pub struct Session {
    client: Client,
    user: Option<types::User>,
    token: Password,
}

impl Session {
    /// The client, authenticated as the signed-in user.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client, authenticated as the signed-in user, keeping nothing else.
    pub fn into_client(self) -> Client {
        self.client
    }

    /// The user who signed in, as the server described them; `None` after
    /// [`Session::login_by_cws_token`], whose answer has no body.
    pub fn user(&self) -> Option<&types::User> {
        self.user.as_ref()
    }

    /// The session token, to store and reuse with [`Client::with_token`]. Its `Debug` is
    /// redacted; [`Password::expose`] gives the text.
    pub fn token(&self) -> &Password {
        &self.token
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("client", &self.client)
            .field("user", &self.user)
            .field("token", &"[REDACTED]")
            .finish()
    }
}

/// A sign-in that did not produce a session.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoginError {
    /// The configuration cannot make a client: its URL is unusable, or the token the server
    /// sent cannot travel in a header.
    Config(ConfigError),
    /// The sign-in request failed: the server refused it (with its [`AppError`](types::AppError)),
    /// could not be reached, or answered something unexpected.
    Api(Error<types::AppError>),
    /// The server answered without a `Token` header, so there is no session to use.
    MissingToken {
        /// The status of that answer.
        status: StatusCode,
    },
}

impl LoginError {
    /// The HTTP status of the answer that failed the sign-in, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Config(_) => None,
            Self::Api(error) => error.status(),
            Self::MissingToken { status } => Some(*status),
        }
    }
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(error) => write!(f, "cannot build the signed-in client: {error}"),
            Self::Api(error) => write!(f, "sign-in failed: {error}"),
            Self::MissingToken { status } => write!(
                f,
                "the server answered the sign-in ({status}) without a session token"
            ),
        }
    }
}

impl StdError for LoginError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Config(error) => Some(error),
            Self::Api(error) => Some(error),
            Self::MissingToken { .. } => None,
        }
    }
}

impl From<ConfigError> for LoginError {
    fn from(error: ConfigError) -> Self {
        Self::Config(error)
    }
}

impl From<Error<types::AppError>> for LoginError {
    fn from(error: Error<types::AppError>) -> Self {
        Self::Api(error)
    }
}

impl Session {
    /// Signs in to the server at `config` with a login id (email address, username or LDAP id)
    /// and password, and returns the session: a client that sends the new session token, the
    /// user, and the token.
    ///
    /// The password travels in the request body only. For a multi-factor code, LDAP-only
    /// sign-in or a device id, use [`Session::login_with`].
    ///
    /// # Errors
    ///
    /// [`LoginError`]: the server refused the credentials (`Api`, with its error body), sent no
    /// token (`MissingToken`), or the configuration is unusable (`Config`).
    pub async fn login(
        config: impl Into<ClientConfig>,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> Result<Session, LoginError> {
        let body = types::Login {
            login_id: Some(login_id.into()),
            password: Some(password.into()),
            ..Default::default()
        };
        Self::login_with(config, body).await
    }

    /// Signs in with every field of the sign-in request under the caller's control, and
    /// returns the session like [`Session::login`].
    ///
    /// # Errors
    ///
    /// As [`Session::login`].
    pub async fn login_with(
        config: impl Into<ClientConfig>,
        body: types::Login,
    ) -> Result<Session, LoginError> {
        let config = config.into();
        let anonymous = Client::without_auth(config.clone().follow_redirects(false))?;
        let response = anonymous.login().body(body).send().await?;
        let token = session_token(response.headers()).ok_or(LoginError::MissingToken {
            status: response.status(),
        })?;
        Ok(Session {
            client: Client::with_token(config, token.expose())?,
            user: Some(response.into_inner()),
            token,
        })
    }

    /// Signs in to a cloud server with a token from the Customer Web Server, and returns the
    /// session like [`Session::login`] (without the user, which this answer does not carry).
    ///
    /// The server answers with a redirect to its web app that carries the token; this call
    /// does not follow it.
    ///
    /// # Errors
    ///
    /// As [`Session::login`]. A server that redirects without a token (how Mattermost answers a
    /// rejected token) gives `MissingToken` with the redirect's status.
    pub async fn login_by_cws_token(
        config: impl Into<ClientConfig>,
        login_id: impl Into<String>,
        cws_token: impl Into<Password>,
    ) -> Result<Session, LoginError> {
        let config = config.into();
        let anonymous = Client::without_auth(config.clone().follow_redirects(false))?;
        let body = types::CwsLogin {
            login_id: Some(login_id.into()),
            cws_token: Some(cws_token.into()),
        };
        let (status, token) = anonymous
            .login_by_cws_token()
            .body(body)
            .send_for_token()
            .await?;
        let token = token.ok_or(LoginError::MissingToken { status })?;
        Ok(Session {
            client: Client::with_token(config, token.expose())?,
            user: None,
            token,
        })
    }
}

impl builder::LoginByCwsToken<'_> {
    /// Sends the sign-in and reads the session token off the answer, with that answer's
    /// status: the redirect to the web app that carries the token (what a client that does not
    /// follow redirects receives, as [`Session::login_by_cws_token`]'s does), or a success.
    /// `None` when the answer has no token (how Mattermost answers a rejected CWS token).
    ///
    /// # Errors
    ///
    /// As `send`, but for the redirect.
    pub async fn send_for_token(
        self,
    ) -> Result<(StatusCode, Option<Password>), Error<types::AppError>> {
        match self.send().await {
            Ok(response) => Ok((response.status(), session_token(response.headers()))),
            Err(Error::UnexpectedResponse(response)) if response.status().is_redirection() => {
                Ok((response.status(), session_token(response.headers())))
            }
            Err(error) => Err(error),
        }
    }
}

/// The session token of a sign-in answer, from its `Token` header ([`TOKEN_HEADER`]); `None`
/// when the header is absent, empty or not text.
///
/// [`Session::login`] reads it for you; this is for code that sends the sign-in itself (the
/// command line does, to print the token).
pub fn session_token(headers: &HeaderMap) -> Option<Password> {
    headers
        .get(TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .map(Password::from)
}
