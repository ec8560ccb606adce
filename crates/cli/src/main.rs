//! `user-apis`: every operation of the GitLab, Mattermost, Okta and SendAuth Users APIs from the
//! shell, as `user-apis <provider> <operation> [flags]`.
//!
//! The commands, their flags and their help are generated from `specs/` (`generated/`); this
//! hand-written layer builds the command tree, connects each provider's client from the
//! environment (`providers/`), prints results and errors (`output.rs`) and maps failures to
//! exit codes. `user-apis directory ...` (`directory.rs`) works on one person across every
//! configured provider through `user_apis::directory`. `user-apis completions SHELL` prints a
//! completion script of the whole tree.

// The command modules and the providers' table, written by `cargo xtask codegen`.
#[rustfmt::skip]
mod generated;
mod directory;
mod output;
mod providers;
mod support;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command, value_parser};
use clap_complete::Shell;

use output::{Failure, Kind, Reporter, to_stderr};

/// The exit codes, as `--help` states them.
const EXIT_CODES: &str = "\
Exit status:
  0  success, or 304 Not Modified to an operation that documents it (follow-user,
     unfollow-user): the API changed nothing (a note says so on stderr)
  1  any other failure, such as output that cannot be written
  2  usage error: unknown command or flag, missing setting, unreadable --json-body, a value
     the client refuses before sending
  3  the API answered with an error status (the status and its message are on stderr)
  4  transport or decoding error: no connection, timeout, unreadable or malformed response,
     a status the operation does not document; a success answer that does not decode is
     written to stdout as it arrived";

/// The whole command tree.
fn command() -> Command {
    Command::new("user-apis")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call the Users APIs of GitLab, Mattermost, Okta and SendAuth from the shell.")
        .long_about(
            "Call the Users APIs of GitLab, Mattermost, Okta and SendAuth from the shell.\n\n\
             Every operation of every provider is a command: `user-apis <provider> \
             <operation> [flags]`, such as `user-apis okta list-users --limit 50`. The \
             response is printed as the JSON the server sent (indented on a terminal, one line \
             otherwise); errors go to stderr. Requests go through the same clients as the \
             Rust library: the same authentication, retries and timeouts.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(providers::commands())
        .subcommand(directory::command())
        .subcommand(completions_command())
        .after_help(EXIT_CODES)
}

/// The name of the command that prints completion scripts.
const COMPLETIONS: &str = "completions";

/// `user-apis completions SHELL`.
fn completions_command() -> Command {
    Command::new(COMPLETIONS)
        .about("Print the completion script of a shell")
        .long_about(
            "Print the completion script of a shell on stdout: every provider, operation and \
             flag, and the known values of enum flags.\n\n\
             bash: `source <(user-apis completions bash)` in ~/.bashrc, or save it as \
             ~/.local/share/bash-completion/completions/user-apis\n\
             zsh:  save it as `_user-apis` in a directory of $fpath\n\
             fish: save it as ~/.config/fish/completions/user-apis.fish",
        )
        .arg(
            Arg::new("shell")
                .value_name("SHELL")
                .required(true)
                .value_parser(value_parser!(Shell))
                .help("The shell the script is for"),
        )
}

/// Prints the completion script `matches` asks for. A reader that has gone (`| head`) is no
/// failure; any other write error is (exit 1).
fn print_completions(matches: &ArgMatches) -> u8 {
    let Some(shell) = matches.get_one::<Shell>("shell").copied() else {
        return Kind::Usage.code();
    };
    // `clap_complete` panics on a write error, so the script is written to memory first.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "user-apis", &mut script);
    if shell == Shell::Bash {
        script = bash_states_agree(&script);
    }
    let mut out = io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            to_stderr(format_args!("error: cannot write the script: {error}"));
            Kind::Other.code()
        }
    }
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // `--help` and `--version` are "errors" that print to stdout and exit 0.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    if let Some((COMPLETIONS, matches)) = matches.subcommand() {
        return ExitCode::from(print_completions(matches));
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            to_stderr(format_args!(
                "error: cannot start the async runtime: {error}"
            ));
            return ExitCode::from(Kind::Other.code());
        }
    };
    if let Some((directory::NAME, matches)) = matches.subcommand() {
        return ExitCode::from(runtime.block_on(directory::run(matches)));
    }
    let reporter = Reporter::new();
    let result = runtime.block_on(providers::run(&matches, &reporter));
    ExitCode::from(finish(result, &reporter))
}

/// Turns the outcome of a run into its exit code, printing the failure unless the reporter
/// printed it already.
fn finish(result: anyhow::Result<()>, reporter: &Reporter) -> u8 {
    if let Some(kind) = reporter.failure() {
        return kind.code();
    }
    match result {
        Ok(()) => 0,
        // The generated code returns the client's error after reporting it; a 304 was
        // reported as a note, since it changed nothing.
        Err(_) if reporter.changed_nothing() => 0,
        Err(error) => {
            let kind = error
                .downcast_ref::<Failure>()
                .map_or(Kind::Usage, |failure| failure.kind);
            // Anything else comes from reading or parsing `--json-body`: a usage error.
            to_stderr(format_args!("error: {error:#}"));
            kind.code()
        }
    }
}

/// Spells the states of a bash script's `case` arms as its dispatch loop does.
///
/// For a command whose name has a hyphen, clap_complete's bash script (4.6) builds the state
/// `user__apis__subcmd__okta` in its loop but labels the arm `user__subcmd__apis__subcmd__okta`,
/// so nothing after the provider would complete. Once clap_complete spells both alike, there is
/// nothing left to replace.
fn bash_states_agree(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("user__subcmd__apis", "user__apis")
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        // clap checks names, ids and required/conflict rules of every command in debug builds.
        command().debug_assert();
    }
}
