//! `user-apis sendauth`: the SendAuth client from the environment, and `--all` over SendAuth's
//! paged lists.

use clap::{ArgMatches, Command};
use user_apis_sendauth::Client;

use super::{Provider, base_url, config_error, operation, operation_command, provider_command};
use crate::generated::sendauth::{Cli, CliCommand};
use crate::generated::sendauth_paged::{is_paged, print_all};
use crate::output::Reporter;

/// The variable that holds the API user's name.
const USERNAME_ENV: &str = "SENDAUTH_USERNAME";
/// The variable that holds the API user's password.
const PASSWORD_ENV: &str = "SENDAUTH_PASSWORD";

/// SendAuth as the command line knows it.
pub const PROVIDER: Provider = Provider {
    name: "sendauth",
    about: "SendAuth Users API",
    url_env: "SENDAUTH_URL",
    environment: "\
Environment:
  SENDAUTH_URL       the server's root URL, such as https://app.sendauth.com (or --base-url)
  SENDAUTH_USERNAME  the API user, sent with the password as HTTP basic auth
  SENDAUTH_PASSWORD  the API user's password; never printed",
};

/// `user-apis sendauth` and its operations.
pub fn command() -> Command {
    provider_command(
        &PROVIDER,
        CliCommand::iter().map(|operation| {
            operation_command(
                operation.operation_id(),
                Cli::<&Reporter>::get_command(operation),
                is_paged(operation),
            )
        }),
    )
}

/// Runs one SendAuth operation.
pub async fn run(matches: &ArgMatches, reporter: &Reporter) -> anyhow::Result<()> {
    let (operation, matches) = operation(
        matches,
        CliCommand::iter().map(|operation| (operation.operation_id(), operation)),
    )?;
    let url = base_url(matches, &PROVIDER)?;
    let username = super::required_env(USERNAME_ENV)?;
    let password = super::required_env(PASSWORD_ENV)?;
    let client = Client::with_basic_auth(reporter.client_config(url), username, password)
        .map_err(|error| config_error(&PROVIDER, &error))?;
    let cli = Cli::new(client, reporter);
    if super::wants_all(matches) {
        print_all(&cli, operation, matches, reporter).await
    } else {
        cli.execute(operation, matches).await
    }
}
