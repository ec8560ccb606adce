//! `user-apis okta`: the Okta client from the environment, and `--all` over Okta's cursor-paged
//! lists.

use clap::{ArgMatches, Command};
use user_apis_okta::Client;

use super::{Provider, base_url, config_error, operation, operation_command, provider_command};
use crate::generated::okta::{Cli, CliCommand};
use crate::generated::okta_paged::{is_paged, print_all};
use crate::output::Reporter;

/// The variable that holds the API token.
const TOKEN_ENV: &str = "OKTA_API_TOKEN";

/// Okta as the command line knows it.
pub const PROVIDER: Provider = Provider {
    name: "okta",
    about: "Okta Users API",
    url_env: "OKTA_ORG_URL",
    environment: "\
Environment:
  OKTA_ORG_URL    the org's URL, such as https://your-org.okta.com (or --base-url)
  OKTA_API_TOKEN  an API token, sent as `Authorization: SSWS <token>`; never printed",
};

/// `user-apis okta` and its operations.
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

/// Runs one Okta operation.
pub async fn run(matches: &ArgMatches, reporter: &Reporter) -> anyhow::Result<()> {
    let (operation, matches) = operation(
        matches,
        CliCommand::iter().map(|operation| (operation.operation_id(), operation)),
    )?;
    let url = base_url(matches, &PROVIDER)?;
    let token = super::required_env(TOKEN_ENV)?;
    let client = Client::with_api_token(reporter.client_config(url), token)
        .map_err(|error| config_error(&PROVIDER, &error))?;
    let cli = Cli::new(client, reporter);
    if super::wants_all(matches) {
        print_all(&cli, operation, matches, reporter).await
    } else {
        cli.execute(operation, matches).await
    }
}
