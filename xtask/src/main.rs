//! Project automation for user-apis. Usage: `cargo xtask codegen [--check] [PROVIDER...]` and
//! `cargo xtask api-diff OLD.yaml NEW.yaml`.

mod api_diff;
mod api_report;
mod api_summary;
mod cli_fixups;
mod code_fixups;
mod codegen;
mod declare;
mod fixup;
mod mock_fixups;
#[cfg(test)]
mod msrv;
mod providers;
mod spec;
mod spec_fixups;
mod syntax;
mod table;
mod validate;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [PROVIDER...]
       cargo xtask api-diff OLD.yaml NEW.yaml

codegen regenerates crates/<provider>/src/generated.rs (the client), crates/<provider>/src/mock.rs
(its typed httpmock helpers), crates/cli/src/generated/<provider>.rs (its `user-apis` commands)
and crates/<provider>/api.txt (the client's public API) from specs/<provider>.yaml, and reports
how the public API changed; from the provider table (xtask/src/providers.rs), the client's
hooks, constructor body and streams (crates/<provider>/src/declared.rs), its crate's
Cargo.toml, the CLI's table of paged lists (crates/cli/src/generated/<provider>_paged.rs) and,
from the whole table, the workspace's and the facade's provider entries (the `# @generated`
regions of Cargo.toml and crates/user-apis/Cargo.toml), the facade's modules
(crates/user-apis/src/providers.rs, providers.md) and the CLI's providers
(crates/cli/src/generated/mod.rs).
  --check     compare instead of writing; exit 1 naming each stale file
  PROVIDER    one or more of the providers below (default: all)
api-diff reports how the public API of the client generated from OLD.yaml differs from the
one generated from NEW.yaml, each change breaking or compatible; it exits 1 when a change is
breaking, 0 when none is, and 2 when it cannot compare them.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((command, rest)) if command == "codegen" => codegen_command(rest),
        Some((command, rest)) if command == "api-diff" => api_diff_command(rest),
        Some((flag, _)) if flag == "--help" || flag == "-h" => {
            println!("{USAGE}\n  providers: {}", provider_names());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}\n  providers: {}", provider_names());
            ExitCode::from(2)
        }
    }
}

fn provider_names() -> String {
    providers::PROVIDERS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn api_diff_command(args: &[String]) -> ExitCode {
    let [old, new] = args else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match api_diff::compare_specs(old, new) {
        Ok(comparison) => {
            for line in &comparison.lines {
                println!("{line}");
            }
            // Like a semver checker: a breaking change fails, so CI can gate on it.
            if comparison.breaking == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn codegen_command(args: &[String]) -> ExitCode {
    let mut check = false;
    let mut selected = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "--help" | "-h" => {
                println!("{USAGE}\n  providers: {}", provider_names());
                return ExitCode::SUCCESS;
            }
            name => match providers::find(name) {
                Some(provider) => selected.push(provider),
                None => {
                    eprintln!(
                        "error: unknown provider {name:?}; known: {}",
                        provider_names()
                    );
                    return ExitCode::from(2);
                }
            },
        }
    }
    if selected.is_empty() {
        selected = providers::PROVIDERS.iter().collect();
    }

    match codegen::run(&selected, check, &codegen::workspace_root()) {
        Ok((report, fresh)) => {
            for line in report {
                println!("{line}");
            }
            if fresh || !check {
                ExitCode::SUCCESS
            } else {
                eprintln!("error: generated code is stale; run `cargo xtask codegen`");
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
