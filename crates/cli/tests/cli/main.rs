//! The `user-apis` executable against local `httpmock` servers: each test runs the binary
//! with a command line and an environment, then checks the request on the wire, stdout,
//! stderr and the exit code. A module per provider; usage and help here.

mod directory;
mod gitlab;
mod mattermost;
mod okta;
mod sendauth;

use std::io::Write;
use std::process::{Command, Stdio};

use httpmock::{Method, When};
use serde_json::Value;

/// What one run of `user-apis` produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when a signal ended the process).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// The lines of stdout, each parsed as one JSON document.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line of stdout is JSON"))
            .collect()
    }

    /// Asserts that no output holds `secret`.
    pub fn assert_hides(&self, secret: &str) {
        assert!(
            !self.stdout.contains(secret),
            "stdout shows a secret: {self:?}"
        );
        assert!(
            !self.stderr.contains(secret),
            "stderr shows a secret: {self:?}"
        );
    }
}

/// Runs `user-apis` with `args` and only the variables of `env` (nothing inherited, so a
/// developer's real tokens never reach a test), feeding `stdin` when given.
pub fn user_apis(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_user-apis"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the user-apis binary starts");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("stdin is written");
    }
    let output = child.wait_with_output().expect("user-apis runs to the end");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Expects exactly this method, path and query (no other query parameters).
pub fn exact(when: When, method: Method, path: &str, query: &[(&str, &str)]) -> When {
    let when = query
        .iter()
        .fold(when.method(method).path(path), |when, (name, value)| {
            when.query_param(*name, *value)
        });
    when.query_param_count(".*", ".*", query.len())
}

/// A file in a fresh temporary directory, removed with it when the value is dropped.
pub struct TempFile {
    dir: std::path::PathBuf,
    /// The file's path.
    pub path: std::path::PathBuf,
}

impl TempFile {
    /// A path named `name` in a new directory unique to this test; `contents` are written to
    /// it when given.
    pub fn new(test: &str, name: &str, contents: Option<&[u8]>) -> Self {
        let dir = std::env::temp_dir().join(format!("user-apis-cli-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        if let Some(contents) = contents {
            std::fs::write(&path, contents).expect("temp file");
        }
        Self { dir, path }
    }

    /// The path as a command-line argument.
    pub fn arg(&self) -> &str {
        self.path.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn no_arguments_prints_help_and_exits_with_the_usage_code() {
    let run = user_apis(&[], &[], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("Usage: user-apis <COMMAND>"), "{run:?}");
    assert_eq!(run.stdout, "");
}

/// Every provider's subcommand.
const PROVIDERS: [&str; 4] = ["gitlab", "mattermost", "okta", "sendauth"];

#[test]
fn help_lists_providers_and_exit_codes() {
    let run = user_apis(&["--help"], &[], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    for provider in PROVIDERS {
        assert!(run.stdout.contains(provider), "{run:?}");
    }
    assert!(
        run.stdout
            .contains("3  the API answered with an error status"),
        "{run:?}"
    );
}

#[test]
fn operation_help_comes_from_the_spec() {
    let run = user_apis(&["okta", "list-users", "--help"], &[], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    // The operation's summary and description, each parameter's description.
    assert!(
        run.stdout.starts_with("List users\n\nOne page of users."),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("--limit <limit>")
            && run.stdout.contains("Items per page (Okta caps it"),
        "{run:?}"
    );
    assert!(run.stdout.contains("--all"), "{run:?}");
    // The provider's help names its environment variables.
    let run = user_apis(&["okta", "--help"], &[], None);
    assert!(run.stdout.contains("OKTA_API_TOKEN"), "{run:?}");
    assert!(run.stdout.contains("  list-users "), "{run:?}");
}

/// A provider's operations, as its `--help` lists them.
fn operations(provider: &str) -> Vec<String> {
    let list = user_apis(&[provider, "--help"], &[], None);
    let commands: Vec<String> = list
        .stdout
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // A line of its own for each command; a long summary wraps onto deeper ones.
        .filter_map(|line| {
            line.strip_prefix("  ")
                .filter(|rest| !rest.starts_with(' '))
        })
        .filter_map(|line| line.split_whitespace().next())
        .filter(|command| *command != "help")
        .map(str::to_string)
        .collect();
    assert!(commands.len() > 10, "{list:?}");
    commands
}

#[test]
fn operation_help_speaks_of_the_command_not_the_rust_api() {
    // Every operation's help, each provider's commands read from its own help.
    for provider in PROVIDERS {
        for command in operations(provider) {
            let run = user_apis(&[provider, &command, "--help"], &[], None);
            assert_eq!(run.code, Some(0), "{run:?}");
            // A Rust path (`Session::login`, `crate::Error`) names nothing a shell user has.
            let rust_path = run.stdout.match_indices("::").any(|(at, _)| {
                run.stdout[at + 2..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            assert!(!rust_path, "{provider} {command}: {}", run.stdout);
            assert!(!run.stdout.contains("send_or_unchanged"), "{run:?}");
        }
    }
    // Where the spec writes a paragraph for the command line, the description ends with it.
    // Paragraphs with their line breaks undone: clap may wrap help to a width.
    let paragraphs = |help: &str| -> Vec<String> {
        help.split("\n\n")
            .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    let run = user_apis(&["gitlab", "follow-user", "--help"], &[], None);
    assert_eq!(
        paragraphs(&run.stdout)[1..3],
        [
            "The caller starts following the user. When the caller already follows them GitLab \
             answers 304 Not Modified, which this operation does not document.",
            "On that 304 the command prints nothing, notes on standard error that nothing \
             changed, and exits 0.",
        ],
        "{run:?}"
    );
    let run = user_apis(&["mattermost", "login-by-cws-token", "--help"], &[], None);
    assert_eq!(
        paragraphs(&run.stdout)[2],
        "The command does not follow it and keeps the token.",
        "{run:?}"
    );
}

#[test]
fn unknown_operations_and_flags_are_usage_errors() {
    let run = user_apis(&["okta", "list-userz"], &[], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("list-users"),
        "clap suggests the name: {run:?}"
    );

    let run = user_apis(&["gitlab", "block-user"], &[], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--id <id>"), "{run:?}");

    let run = user_apis(&["gitlab", "block-user", "--id", "forty-two"], &[], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("invalid value 'forty-two'"), "{run:?}");
}

#[test]
fn a_missing_server_or_credential_is_a_usage_error() {
    let run = user_apis(&["okta", "get-user", "--user-id", "x"], &[], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: no server: pass --base-url or set OKTA_ORG_URL\n"
    );

    let run = user_apis(
        &["okta", "get-user", "--user-id", "x"],
        &[("OKTA_ORG_URL", "http://127.0.0.1:9")],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stderr, "error: OKTA_API_TOKEN is not set\n");

    let run = user_apis(
        &[
            "sendauth",
            "get-user",
            "--user-id",
            "7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f01",
        ],
        &[
            ("SENDAUTH_URL", "http://127.0.0.1:9"),
            ("SENDAUTH_USERNAME", "api-user"),
        ],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stderr, "error: SENDAUTH_PASSWORD is not set\n");
}

#[test]
fn a_credential_that_cannot_be_sent_is_refused_without_echoing_it() {
    let token = "glpat-secret\nwith-a-line-break";
    let run = user_apis(
        &["gitlab", "get-user", "--id", "1"],
        &[
            ("GITLAB_URL", "http://127.0.0.1:9"),
            ("GITLAB_TOKEN", token),
        ],
        None,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: cannot set up the gitlab client: invalid credential"),
        "{run:?}"
    );
    run.assert_hides("glpat-secret");
}

#[test]
fn completion_scripts_name_every_operation_and_flag() {
    let operations: Vec<(&str, Vec<String>)> = PROVIDERS
        .iter()
        .map(|provider| (*provider, operations(provider)))
        .collect();
    for (shell, opening) in [
        ("bash", "_user__apis() {"),
        ("zsh", "#compdef user-apis"),
        ("fish", "# Print an optspec for argparse"),
    ] {
        let run = user_apis(&["completions", shell], &[], None);
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{shell}");
        assert!(
            run.stdout.starts_with(opening),
            "{shell}: {}",
            &run.stdout[..200]
        );
        for (provider, commands) in &operations {
            assert!(run.stdout.contains(provider), "{shell} lacks {provider}");
            for command in commands {
                assert!(
                    run.stdout.contains(command.as_str()),
                    "{shell} lacks {provider} {command}"
                );
            }
        }
        // Flags, and the command itself.
        for word in ["user-id", "json-body", "base-url", "all", "completions"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }

    let run = user_apis(&["completions", "tcsh"], &[], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("invalid value 'tcsh'"), "{run:?}");
    assert!(
        run.stderr.contains("bash, elvish, fish, powershell, zsh"),
        "{run:?}"
    );
}

/// What bash offers after `words`, the last of which is being typed, with the script of
/// `user-apis completions bash` loaded.
fn bash_completes(script: &TempFile, words: &[&str]) -> Vec<String> {
    let typed = words.last().copied().unwrap_or_default();
    let before = if words.len() > 1 {
        words[words.len() - 2]
    } else {
        ""
    };
    let output = Command::new("bash")
        .args([
            "-c",
            r#"source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
               _user__apis user-apis "${COMP_WORDS[COMP_CWORD]}" "$PREV";
               printf '%s\n' "${COMPREPLY[@]}""#,
            "complete",
            script.arg(),
        ])
        .args(words)
        .env("PREV", before)
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    assert!(typed.is_empty() || !output.stdout.is_empty(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_providers_operations_and_flags() {
    let run = user_apis(&["completions", "bash"], &[], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    let script = TempFile::new(
        "bash-completion",
        "user-apis.bash",
        Some(run.stdout.as_bytes()),
    );

    assert_eq!(bash_completes(&script, &["user-apis", "ok"]), ["okta"]);
    assert_eq!(
        bash_completes(&script, &["user-apis", "okta", "list-u"]),
        ["list-users", "list-user-groups"]
    );
    // Past the operation: its own flags.
    assert_eq!(
        bash_completes(&script, &["user-apis", "gitlab", "block-user", "--s"]),
        ["--sudo"]
    );
    assert_eq!(
        bash_completes(&script, &["user-apis", "completions", "f"]),
        ["fish"]
    );
}
