//! `user-apis`: every operation of the GitLab, Mattermost, Okta and SendAuth Users APIs from the
//! shell, as `user-apis <provider> <operation> [flags]`.
//!
//! The commands, their flags and their help are generated from `specs/` (`generated/`); this
//! hand-written layer builds the command tree, connects each provider's client from the
//! environment (`providers/`), prints results and errors (`output.rs`) and maps failures to
//! exit codes.

// The command modules and the providers' table, written by `cargo xtask codegen`.
#[rustfmt::skip]
mod generated;
mod output;
mod providers;
mod support;

use std::process::ExitCode;

use clap::Command;

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
        .after_help(EXIT_CODES)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        // clap checks names, ids and required/conflict rules of every command in debug builds.
        command().debug_assert();
    }
}
