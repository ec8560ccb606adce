//! What the examples share: where their requests go.
//!
//! Each example (`cargo run -p user-apis-examples --example <provider>`) runs against a local
//! `httpmock` server that the client crate's typed mocks fill with realistic data, unless the
//! environment names a real server, with the variables of the `user-apis` command
//! (`GITLAB_URL` and `GITLAB_TOKEN`, ...).

use std::error::Error;
use std::process::ExitCode;

use httpmock::MockServer;

/// What the examples return: any error, printed by [`report`].
pub type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The exit status of an example: 0 when it ran, else 1 with its error on stderr.
pub fn report(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Where an example sends its requests.
pub enum Server {
    /// A local mock server the example started and prepared.
    Mock(MockServer),
    /// A real server: its URL, from the environment.
    Real(String),
}

impl Server {
    /// The real server named by the environment variable `url_var`, or else a local mock
    /// server, started here and prepared by `prepare`.
    pub async fn from_env_or_mock(
        url_var: &str,
        prepare: impl FnOnce(&MockServer) -> Result<()>,
    ) -> Result<Self> {
        match std::env::var(url_var) {
            Ok(url) if !url.is_empty() => Ok(Self::Real(url)),
            _ => {
                let server = MockServer::start_async().await;
                prepare(&server)?;
                Ok(Self::Mock(server))
            }
        }
    }

    /// The server's root URL, which the clients take.
    pub fn url(&self) -> String {
        match self {
            Self::Mock(server) => server.base_url(),
            Self::Real(url) => url.clone(),
        }
    }

    /// Whether this is the local mock server.
    pub fn is_mock(&self) -> bool {
        matches!(self, Self::Mock(_))
    }

    /// A line saying where requests go and how to change it.
    pub fn describe(&self, provider: &str, variables: &str) -> String {
        match self {
            Self::Mock(server) => format!(
                "{provider}: a local mock server at {} (set {variables} for a real one)",
                server.base_url()
            ),
            Self::Real(url) => format!("{provider}: {url}"),
        }
    }

    /// The credential a real server needs, from the environment variable `name`; the mock
    /// server takes `mock` (the one its mocks expect).
    pub fn credential(&self, name: &str, mock: &str) -> Result<String> {
        match self {
            Self::Mock(_) => Ok(mock.to_string()),
            Self::Real(_) => std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| format!("{name} is not set").into()),
        }
    }

    /// A name for the user the example creates: `name` on the mock server, where the mocks
    /// expect it, and `name` with the current time on a real one, so that each run creates a
    /// new user.
    pub fn new_name(&self, name: &str) -> String {
        match self {
            Self::Mock(_) => name.to_string(),
            Self::Real(_) => {
                let seconds = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |elapsed| elapsed.as_secs());
                format!("{name}{seconds}")
            }
        }
    }
}
