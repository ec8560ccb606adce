//! `user-apis gitlab`: the GitLab client from the environment, and `--all` over GitLab's paged
//! lists.

use clap::{ArgMatches, Command};
use user_apis_gitlab::Client;

use super::{Provider, base_url, config_error, operation, operation_command, provider_command};
use crate::generated::gitlab::{Cli, CliCommand};
use crate::generated::gitlab_paged::{is_paged, print_all};
use crate::output::Reporter;

/// The variable that holds the access token.
const TOKEN_ENV: &str = "GITLAB_TOKEN";

/// GitLab as the command line knows it.
pub const PROVIDER: Provider = Provider {
    name: "gitlab",
    about: "GitLab Users API (REST v4)",
    url_env: "GITLAB_URL",
    environment: "\
Environment:
  GITLAB_URL    the instance's root URL, such as https://gitlab.example.com (or --base-url)
  GITLAB_TOKEN  a personal, project, group or impersonation access token, sent as
                PRIVATE-TOKEN; never printed",
};

/// `user-apis gitlab` and its operations.
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

/// Runs one GitLab operation.
pub async fn run(matches: &ArgMatches, reporter: &Reporter) -> anyhow::Result<()> {
    let (operation, matches) = operation(
        matches,
        CliCommand::iter().map(|operation| (operation.operation_id(), operation)),
    )?;
    let url = base_url(matches, &PROVIDER)?;
    let token = super::required_env(TOKEN_ENV)?;
    let client = Client::with_private_token(reporter.client_config(url), token)
        .map_err(|error| config_error(&PROVIDER, &error))?;
    reporter.documents_unchanged(matches!(
        operation,
        CliCommand::FollowUser | CliCommand::UnfollowUser
    ));
    let cli = Cli::new(client, reporter);
    if super::wants_all(matches) {
        print_all(&cli, operation, matches, reporter).await
    } else {
        cli.execute(operation, matches).await
    }
}
