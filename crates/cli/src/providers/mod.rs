//! The provider commands: the generated operations of each provider under its name, the
//! connection settings every provider shares (`--base-url`, environment variables), and the
//! commands a provider writes by hand. Each provider's settings, its client from the
//! environment, its commands and the dispatch of a parsed command line to its provider are
//! generated from the provider table (`crate::generated`).

use std::env;

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::output::Failure;

pub mod mattermost;

pub use crate::generated::{commands, run};

/// What the command line knows of a provider besides its generated module (each provider's is
/// generated from the provider table).
pub struct Provider {
    /// The command name.
    pub name: &'static str,
    /// One line for `user-apis --help`.
    pub about: &'static str,
    /// The variable that holds the server's root URL when `--base-url` is not given.
    pub url_env: &'static str,
    /// The `Environment:` section of the provider's `--help`.
    pub environment: &'static str,
}

/// The help of `--all`.
const ALL_HELP: &str = "Walk every page through the client's stream and print each item as one \
JSON document per line. The stream sets the page itself; the other flags (such as the page \
size) apply to every page.";

/// A provider's command: its operations, and the connection flag they share.
pub fn provider_command(
    provider: &Provider,
    operations: impl IntoIterator<Item = Command>,
) -> Command {
    Command::new(provider.name)
        .about(provider.about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .global(true)
                .help_heading("Connection")
                .help(format!(
                    "The server's root URL (the operations add their /api/... path); \
                     defaults to ${}",
                    provider.url_env
                )),
        )
        .subcommands(operations)
        .after_help(provider.environment)
}

/// One operation's command: the generated one, named after its operationId in kebab case,
/// with `--all` when the operation pages.
pub fn operation_command(operation_id: &str, generated: Command, paged: bool) -> Command {
    let command = generated.name(kebab_case(operation_id));
    if paged {
        command.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help(ALL_HELP),
        )
    } else {
        command
    }
}

/// `list_users` → `list-users`: the operationIds are snake case.
fn kebab_case(operation_id: &str) -> String {
    operation_id.replace('_', "-")
}

/// The operation a provider's matches name, with the operation's own matches.
pub fn operation<C: Copy>(
    matches: &ArgMatches,
    operations: impl IntoIterator<Item = (&'static str, C)>,
) -> Result<(C, &ArgMatches), Failure> {
    let (name, sub) = matches
        .subcommand()
        .ok_or_else(|| Failure::usage("name an operation; --help lists them"))?;
    operations
        .into_iter()
        .find(|(id, _)| kebab_case(id) == name)
        .map(|(_, operation)| (operation, sub))
        .ok_or_else(|| Failure::usage(format!("unknown operation {name}")))
}

/// Whether `--all` was given (only paged operations have it).
pub fn wants_all(matches: &ArgMatches) -> bool {
    matches!(matches.try_get_one::<bool>("all"), Ok(Some(true)))
}

/// The server's root URL: `--base-url`, else the provider's environment variable.
pub fn base_url(matches: &ArgMatches, provider: &Provider) -> Result<String, Failure> {
    if let Ok(Some(url)) = matches.try_get_one::<String>("base-url") {
        return Ok(url.clone());
    }
    optional_env(provider.url_env)?.ok_or_else(|| {
        Failure::usage(format!(
            "no server: pass --base-url or set {}",
            provider.url_env
        ))
    })
}

/// A credential from the environment, which must be set.
pub fn required_env(name: &str) -> Result<String, Failure> {
    optional_env(name)?.ok_or_else(|| Failure::usage(format!("{name} is not set")))
}

/// A setting from the environment; empty counts as unset. The value is never printed.
pub fn optional_env(name: &str) -> Result<Option<String>, Failure> {
    match env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(env::VarError::NotPresent) => Ok(None),
        Err(env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{name} is not valid UTF-8")))
        }
    }
}

/// A client that could not be built; the runtime's message never holds the credential.
pub fn config_error(provider: &Provider, error: &dyn std::fmt::Display) -> Failure {
    Failure::usage(format!(
        "cannot set up the {} client: {error}",
        provider.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_in_kebab_case() {
        assert_eq!(kebab_case("list_users"), "list-users");
        assert_eq!(
            kebab_case("create_personal_access_token"),
            "create-personal-access-token"
        );
    }

    #[test]
    fn every_provider_has_its_operations_and_paged_lists_take_all() {
        let providers = commands();
        let names: Vec<&str> = providers.iter().map(Command::get_name).collect();
        assert_eq!(names, ["gitlab", "mattermost", "okta", "sendauth"]);
        let count = |name: &str| {
            providers
                .iter()
                .find(|p| p.get_name() == name)
                .map_or(0, |p| p.get_subcommands().count())
        };
        // One command per operation of the spec; Mattermost adds its hand-written upload.
        assert_eq!(count("gitlab"), 44);
        assert_eq!(count("mattermost"), 62);
        assert_eq!(count("okta"), 25);
        assert_eq!(count("sendauth"), 14);
        let takes_all = |provider: &str, operation: &str| {
            providers
                .iter()
                .find(|p| p.get_name() == provider)
                .and_then(|p| p.find_subcommand(operation))
                .is_some_and(|o| o.get_arguments().any(|a| a.get_id() == "all"))
        };
        assert!(takes_all("okta", "list-users"));
        assert!(takes_all("gitlab", "list-user-ssh-keys"));
        assert!(takes_all("mattermost", "list-channel-members-for-user"));
        assert!(takes_all("sendauth", "get-user-audits"));
        assert!(!takes_all("okta", "get-user"));
    }
}
