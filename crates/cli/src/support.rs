//! What the generated command modules call besides the client crates (the CLI fixups in
//! `xtask/src/cli_fixups.rs` put the calls there): enum flags that accept values the spec does
//! not list, `--json-body` from a file or standard input (parsed without quoting its values),
//! and binary responses to `--output`.

use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use progenitor_client::{ByteStream, ResponseValue};

use crate::output::{Failure, Kind, chain};

/// Parses an enum flag with the type's `FromStr`, listing the values the spec knows in
/// `--help` and in errors.
///
/// The clients' string enums are open (a value the spec does not list is kept as
/// `Unknown(..)`), so the flags accept any value too, as the library does.
pub struct OpenEnumParser<T> {
    known: Vec<String>,
    parsed: PhantomData<fn() -> T>,
}

impl<T> OpenEnumParser<T> {
    /// A parser for a type whose known values are `known`.
    pub fn new(known: impl IntoIterator<Item = String>) -> Self {
        Self {
            known: known.into_iter().collect(),
            parsed: PhantomData,
        }
    }
}

impl<T> Clone for OpenEnumParser<T> {
    fn clone(&self) -> Self {
        Self::new(self.known.clone())
    }
}

impl<T> TypedValueParser for OpenEnumParser<T>
where
    T: FromStr + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let invalid = || {
            let mut error = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
            if let Some(arg) = arg {
                error.insert(
                    ContextKind::InvalidArg,
                    ContextValue::String(arg.to_string()),
                );
            }
            error.insert(
                ContextKind::InvalidValue,
                ContextValue::String(value.to_string_lossy().into_owned()),
            );
            error.insert(
                ContextKind::ValidValue,
                ContextValue::Strings(self.known.clone()),
            );
            error
        };
        let text = value.to_str().filter(|text| !text.is_empty());
        text.and_then(|text| text.parse().ok()).ok_or_else(invalid)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.known
                .iter()
                .map(|value| PossibleValue::new(value.clone())),
        ))
    }
}

/// Reads a `--json-body` argument: the file at `path`, or standard input when it is `-`.
pub fn read_json_body(path: &Path) -> io::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
    }
}

/// Parses a `--json-body` as the request body type `T`.
///
/// A body may hold a password or a secret, and serde_json's messages for a value that does not
/// fit quote the value (`invalid type: string "...", expected ...`). Those are reported by
/// where they are, never by what they hold. Syntax errors and missing, unknown or repeated
/// fields quote no value, so they keep serde_json's message.
pub fn parse_json_body<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).map_err(|error| {
        const NAMES_ONLY_A_FIELD: [&str; 3] =
            ["missing field `", "unknown field `", "duplicate field `"];
        let message = error.to_string();
        if !error.is_data() || NAMES_ONLY_A_FIELD.iter().any(|p| message.starts_with(p)) {
            anyhow::Error::new(error)
        } else {
            anyhow::anyhow!(
                "a value the request body cannot take, at line {} column {} (serde_json's \
                 message is not shown: it quotes the value, which may be a secret)",
                error.line(),
                error.column()
            )
        }
    })
}

/// Writes a binary response to the file named by `--output` (`-` for standard output), chunk
/// by chunk as it arrives, so memory does not grow with the body.
///
/// A file is written under a temporary name beside it and renamed into place at the end, so a
/// transfer that fails half-way leaves neither half a file nor a changed one: the temporary
/// file is removed and a file already at that path stays as it was. Standard output gets each
/// chunk as it comes, as `curl` does; a transfer that fails half-way has written its start and
/// exits with status 4.
pub async fn write_binary(
    response: ResponseValue<ByteStream>,
    matches: &clap::ArgMatches,
) -> anyhow::Result<()> {
    use futures_util::TryStreamExt as _;

    let path = matches
        .try_get_one::<PathBuf>("output")
        .ok()
        .flatten()
        .ok_or_else(|| Failure::usage("--output is required"))?;
    let cannot_write = |error: io::Error| {
        Failure::new(
            Kind::Other,
            format!("cannot write {}: {error}", path.display()),
        )
    };
    let cannot_read = |error| {
        Failure::new(
            Kind::Transport,
            format!("cannot read the response: {}", chain(&error)),
        )
    };
    let mut file = if path == Path::new("-") {
        None
    } else {
        Some(temporary_beside(path).map_err(cannot_write)?)
    };
    let mut stdout = io::stdout();
    let out: &mut dyn Write = match &mut file {
        Some(file) => file,
        None => &mut stdout,
    };
    let mut body = response.into_inner().into_inner();
    while let Some(chunk) = body.try_next().await.map_err(cannot_read)? {
        out.write_all(&chunk).map_err(cannot_write)?;
    }
    out.flush().map_err(cannot_write)?;
    if let Some(file) = file {
        file.as_file().sync_all().map_err(cannot_write)?;
        file.persist(path)
            .map_err(|error| cannot_write(error.error))?;
    }
    Ok(())
}

/// A new temporary file in the directory of `path` (so that renaming it to `path` cannot cross
/// file systems), removed when dropped unless persisted. On Unix it is created with the mode
/// `std::fs::write` would use (`0o666` less the umask), not `tempfile`'s owner-only default.
fn temporary_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".user-apis-output-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    enum Role {
        Admin,
        Unknown(String),
    }

    impl FromStr for Role {
        type Err = &'static str;
        fn from_str(value: &str) -> Result<Self, Self::Err> {
            Ok(match value {
                "admin" => Self::Admin,
                other => Self::Unknown(other.to_string()),
            })
        }
    }

    fn command() -> clap::Command {
        clap::Command::new("t").arg(
            clap::Arg::new("role")
                .long("role")
                .value_parser(OpenEnumParser::<Role>::new(["admin".to_string()])),
        )
    }

    fn parse(args: &[&str]) -> Result<Option<Role>, clap::Error> {
        let matches = command().try_get_matches_from(args)?;
        Ok(matches.get_one::<Role>("role").cloned())
    }

    #[test]
    fn enum_flags_take_known_and_unknown_values() {
        assert_eq!(
            parse(&["t", "--role", "admin"]).ok(),
            Some(Some(Role::Admin))
        );
        assert_eq!(
            parse(&["t", "--role", "auditor"]).ok(),
            Some(Some(Role::Unknown("auditor".into())))
        );
        let error = parse(&["t", "--role", ""]).expect_err("an empty value is refused");
        assert_eq!(error.kind(), ErrorKind::InvalidValue);
        assert!(error.to_string().contains("admin"), "{error}");
    }

    #[test]
    fn help_lists_the_known_values() {
        let help = command().render_help().to_string();
        assert!(help.contains("[possible values: admin]"), "{help}");
    }
}
