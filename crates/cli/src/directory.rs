//! `user-apis directory`: one person on every provider whose environment is set, through
//! `user_apis::directory`: find, suspend, restore, offboard or ensure, with `--dry-run`.

use std::io::{self, IsTerminal, Write};

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use serde_json::{Value, json};
use user_apis::ClientConfig;
use user_apis::directory::{
    Account, Directory, NewPerson, Operation, Outcome, Plan, ProviderPlan, ProviderResult,
    ProviderUser, Report, Who,
};

use crate::generated::{gitlab_provider, mattermost_provider, okta_provider, sendauth_provider};
use crate::output::{Failure, Kind, to_stderr};
use crate::providers::{Provider, optional_env};

/// The command's name.
pub const NAME: &str = "directory";

/// The help below the subcommands, after the providers and their variables: what is matched,
/// what is printed, the exit codes.
const DIRECTORY_HELP: &str = "\
Matches are exact (emails ignore case); several matching accounts are reported as ambiguous.

Output: a table on a terminal; otherwise one JSON document per provider and line, with
`provider`, `outcome` (done, already, not_found, ambiguous, failed; with --dry-run also
planned), `account` (the common view and the provider's `user` as it was read), `calls`
(those made, or with --dry-run those planned) and `error`.

Exit status:
  0  every provider reached the wanted state (with --dry-run: would reach it)
  1  the person was not found on a provider, or matched several accounts there
  2  usage error: unknown flag, no provider configured, a missing credential
  3  a provider refused: an error status, or a state the operation does not change
  4  a provider could not be reached or understood: no connection, timeout, an
     undocumented status, an unreadable answer, a creation whose answer was lost";

fn who_args(command: Command, required: bool) -> Command {
    let command = command
        .arg(
            Arg::new("email")
                .long("email")
                .value_name("EMAIL")
                .required(required)
                .help("The person's email address"),
        )
        .arg(
            Arg::new("username")
                .long("username")
                .value_name("USERNAME")
                .required(required)
                .help("The person's username (Okta: login)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Look the person up and print the planned calls; change nothing"),
        );
    if required {
        command
    } else {
        command.group(
            ArgGroup::new("who")
                .args(["email", "username"])
                .required(true),
        )
    }
}

/// `user-apis directory` and its operations.
pub fn command() -> Command {
    let operation =
        |name: &'static str, about: &'static str| who_args(Command::new(name).about(about), false);
    let ensure = who_args(
        Command::new("ensure").about(
            "Find the person by email on each provider, or create the account (Okta's login \
             is the email address)",
        ),
        true,
    )
    .arg(
        Arg::new("first-name")
            .long("first-name")
            .value_name("NAME")
            .required(true)
            .help("The first (given) name of a new account"),
    )
    .arg(
        Arg::new("last-name")
            .long("last-name")
            .value_name("NAME")
            .required(true)
            .help("The last (family) name of a new account"),
    );
    Command::new(NAME)
        .about("One person on every configured provider: find, suspend, restore, offboard, ensure")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands([
            operation("find", "Find the person's account on each provider"),
            operation(
                "suspend",
                "Lock the person out with each provider's reversible lock-out",
            ),
            operation("restore", "Undo a suspension on each provider"),
            operation(
                "offboard",
                "Suspend, then end sessions and revoke tokens where the provider allows",
            ),
            ensure,
        ])
        .after_help(format!(
            "Providers: every provider whose server variable is set, with its credentials as \
             for\n`user-apis <provider>`: {}.\n{DIRECTORY_HELP}",
            SERVER_VARIABLES.join(", ")
        ))
}

/// The operation the matches name.
fn operation(name: &str, matches: &ArgMatches) -> Result<Operation, Failure> {
    let text = |id: &str| matches.get_one::<String>(id).cloned();
    if name == "ensure" {
        let (Some(email), Some(username), Some(first), Some(last)) = (
            text("email"),
            text("username"),
            text("first-name"),
            text("last-name"),
        ) else {
            return Err(Failure::usage(
                "ensure needs --email, --username, --first-name and --last-name",
            ));
        };
        return Ok(Operation::Ensure(NewPerson::new(
            email, username, first, last,
        )));
    }
    let who = match (text("email"), text("username")) {
        (Some(email), _) => Who::email(email),
        (None, Some(username)) => Who::username(username),
        (None, None) => return Err(Failure::usage("name the person: --email or --username")),
    };
    match name {
        "find" => Ok(Operation::Find(who)),
        "suspend" => Ok(Operation::Suspend(who)),
        "restore" => Ok(Operation::Restore(who)),
        "offboard" => Ok(Operation::Offboard(who)),
        other => Err(Failure::usage(format!("unknown operation {other}"))),
    }
}

/// The server URL of `provider` when its variable is set.
fn configured(provider: &Provider) -> Result<Option<ClientConfig>, Failure> {
    Ok(optional_env(provider.url_env)?.map(ClientConfig::new))
}

/// A failure of building a client, as a `Failure` (they all are; the rest is a usage error).
fn setup_failure(error: &anyhow::Error) -> Failure {
    match error.downcast_ref::<Failure>() {
        Some(failure) => Failure::new(failure.kind, failure.to_string()),
        None => Failure::usage(error.to_string()),
    }
}

/// The server variables of the providers the directory works with, in its order.
const SERVER_VARIABLES: [&str; 4] = [
    gitlab_provider::PROVIDER.url_env,
    mattermost_provider::PROVIDER.url_env,
    okta_provider::PROVIDER.url_env,
    sendauth_provider::PROVIDER.url_env,
];

/// The client of `provider` when its server variable is set, built by `client`.
fn configured_client<C>(
    provider: &Provider,
    client: fn(ClientConfig) -> anyhow::Result<C>,
) -> Result<Option<C>, Failure> {
    configured(provider)?
        .map(|config| client(config).map_err(|e| setup_failure(&e)))
        .transpose()
}

/// The directory of every provider whose server variable is set.
fn directory() -> Result<Directory, Failure> {
    let mut directory = Directory::new();
    if let Some(client) = configured_client(&gitlab_provider::PROVIDER, gitlab_provider::client)? {
        directory = directory.with_gitlab(client);
    }
    if let Some(client) =
        configured_client(&mattermost_provider::PROVIDER, mattermost_provider::client)?
    {
        directory = directory.with_mattermost(client);
    }
    if let Some(client) = configured_client(&okta_provider::PROVIDER, okta_provider::client)? {
        directory = directory.with_okta(client);
    }
    if let Some(client) =
        configured_client(&sendauth_provider::PROVIDER, sendauth_provider::client)?
    {
        directory = directory.with_sendauth(client);
    }
    if directory.providers().is_empty() {
        let [variables @ .., last] = SERVER_VARIABLES;
        return Err(Failure::usage(format!(
            "no provider is configured: set {} or {last} (and its credentials)",
            variables.join(", ")
        )));
    }
    Ok(directory)
}

/// Runs `user-apis directory ...` and gives its exit code.
pub async fn run(matches: &ArgMatches) -> u8 {
    let Some((name, matches)) = matches.subcommand() else {
        to_stderr(format_args!("error: name an operation; --help lists them"));
        return Kind::Usage.code();
    };
    let prepared = operation(name, matches).and_then(|operation| Ok((operation, directory()?)));
    let (operation, directory) = match prepared {
        Ok(prepared) => prepared,
        Err(failure) => {
            to_stderr(format_args!("error: {failure}"));
            return failure.kind.code();
        }
    };
    let table = io::stdout().is_terminal();
    let plan = directory.plan(operation).await;
    if matches.get_flag("dry-run") {
        print_plan(&plan, table);
        return exit_code(plan.providers().iter().filter_map(ProviderPlan::decided));
    }
    let report = plan.run().await;
    print_report(&report, table);
    exit_code(report.results.iter().map(|result| &result.outcome))
}

/// 4 when a provider could not be reached, else 3 when one refused, else 1 when the person
/// was not found or ambiguous somewhere, else 0.
fn exit_code<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> u8 {
    let mut code = 0;
    for outcome in outcomes {
        let this = match outcome {
            Outcome::Failed(error) if error.is_refusal() => Kind::Api.code(),
            Outcome::Failed(_) => Kind::Transport.code(),
            Outcome::NotFound | Outcome::Ambiguous(_) => Kind::Other.code(),
            _ => 0,
        };
        code = code.max(this);
    }
    code
}

/// The common view of an account, with the provider's user and its state as the lookup read
/// them, before any call.
fn account_json(account: &Account) -> Value {
    let user = match &account.user {
        ProviderUser::Gitlab(user) => serde_json::to_value(user),
        ProviderUser::Mattermost(user) => serde_json::to_value(user),
        ProviderUser::Okta(user) => serde_json::to_value(user),
        ProviderUser::Sendauth(user) => serde_json::to_value(user),
        _ => Ok(Value::Null),
    };
    json!({
        "id": account.id,
        "username": account.username,
        "email": account.email,
        "display_name": account.display_name,
        "state": account.state.to_string(),
        "user": user.unwrap_or(Value::Null),
    })
}

/// The outcome's fields of a JSON line: its name, the candidates when ambiguous, the error.
fn outcome_fields(line: &mut serde_json::Map<String, Value>, outcome: &Outcome) {
    line.insert("outcome".into(), outcome.name().into());
    match outcome {
        Outcome::Ambiguous(accounts) => {
            line.insert(
                "candidates".into(),
                accounts.iter().map(account_json).collect(),
            );
        }
        Outcome::Failed(error) => {
            line.insert("error".into(), error.to_string().into());
        }
        _ => {}
    }
}

/// Writes `lines` to stdout; a reader that has gone loses them quietly.
fn emit(lines: &[String]) {
    let mut out = io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// One row of the table: provider, outcome, account, its state as the lookup found it (before
/// any call), what was (or would be) sent.
fn row(provider: &str, outcome: &str, account: Option<&Account>, detail: &str) -> String {
    let (who, state) = account.map_or((String::new(), String::new()), |account| {
        let name = account
            .email
            .as_deref()
            .or(account.username.as_deref())
            .unwrap_or("");
        (
            format!("{name} ({})", account.id),
            account.state.to_string(),
        )
    });
    format!("{provider:<11} {outcome:<10} {who:<40} {state:<12} {detail}")
}

fn header() -> String {
    format!(
        "{:<11} {:<10} {:<40} {:<12} DETAIL",
        "PROVIDER", "OUTCOME", "ACCOUNT", "FOUND"
    )
}

fn calls_text(calls: &[String]) -> String {
    calls.join(", ")
}

fn detail(outcome: &Outcome, calls: &[String]) -> String {
    match outcome {
        Outcome::Failed(error) if calls.is_empty() => error.to_string(),
        Outcome::Failed(error) => format!("{} then: {error}", calls_text(calls)),
        Outcome::Ambiguous(_) => outcome.to_string(),
        _ => calls_text(calls),
    }
}

fn print_plan(plan: &Plan, table: bool) {
    let mut lines = Vec::new();
    if table {
        lines.push(header());
    }
    for provider in plan.providers() {
        let calls: Vec<String> = provider.calls().iter().map(ToString::to_string).collect();
        if table {
            let (outcome, detail) = match provider.decided() {
                Some(outcome) => (outcome.name(), detail(outcome, &[])),
                None => ("planned", calls_text(&calls)),
            };
            lines.push(row(
                provider.provider().name(),
                outcome,
                provider.account(),
                &detail,
            ));
            continue;
        }
        let mut line = serde_json::Map::new();
        line.insert("provider".into(), provider.provider().name().into());
        match provider.decided() {
            Some(outcome) => outcome_fields(&mut line, outcome),
            None => {
                line.insert("outcome".into(), "planned".into());
            }
        }
        line.insert(
            "account".into(),
            provider.account().map_or(Value::Null, account_json),
        );
        line.insert("calls".into(), calls.into());
        lines.push(Value::Object(line).to_string());
    }
    emit(&lines);
}

fn print_report(report: &Report, table: bool) {
    let mut lines = Vec::new();
    if table {
        lines.push(header());
    }
    for result in &report.results {
        lines.push(result_line(result, table));
    }
    emit(&lines);
}

fn result_line(result: &ProviderResult, table: bool) -> String {
    let calls: Vec<String> = result.done.iter().map(ToString::to_string).collect();
    if table {
        return row(
            result.provider.name(),
            result.outcome.name(),
            result.account.as_ref(),
            &detail(&result.outcome, &calls),
        );
    }
    let mut line = serde_json::Map::new();
    line.insert("provider".into(), result.provider.name().into());
    outcome_fields(&mut line, &result.outcome);
    line.insert(
        "account".into(),
        result.account.as_ref().map_or(Value::Null, account_json),
    );
    line.insert("calls".into(), calls.into());
    Value::Object(line).to_string()
}
