//! What the generated command modules call besides the client crates (the CLI fixups in
//! `xtask/src/cli_fixups.rs` put the calls there): enum flags that accept values the spec does
//! not list, `--json-body` from a file or standard input (its errors name a field, never a value),
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
/// A body that does not fit `T` is reported with the path of the field and what that field
/// takes, `profile.email: expected a string, found a number at line 3 column 17`, never with
/// the value: a body may hold a password or a secret, and serde's messages quote the value
/// (`invalid type: string "...", expected ...`). Syntax errors quote no value, so they keep
/// serde_json's message.
pub fn parse_json_body<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    let mut json = serde_json::Deserializer::from_str(text);
    let body = serde_path_to_error::deserialize(&mut json).map_err(|error| {
        let path = error.path().to_string();
        let error = error.into_inner();
        if !error.is_data() {
            return anyhow::Error::new(error);
        }
        // serde_path_to_error writes the body itself as `.`.
        let at = if path == "." {
            String::new()
        } else {
            format!("{}: ", user_apis_runtime::printable(&path))
        };
        let message = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&position).unwrap_or(&message);
        anyhow::anyhow!("{at}{}{position}", without_the_value(message))
    })?;
    // Trailing characters, as `serde_json::from_str` refuses them.
    json.end()?;
    Ok(body)
}

/// A serde message about a value that does not fit, rephrased to say what was expected (and
/// what kind of JSON value came instead) without the value itself.
fn without_the_value(message: &str) -> String {
    // These name fields, which are no secret.
    const NAMES_ONLY_A_FIELD: [&str; 3] =
        ["missing field `", "unknown field `", "duplicate field `"];
    if NAMES_ONLY_A_FIELD.iter().any(|p| message.starts_with(p)) {
        return message.to_string();
    }
    // `invalid type: <found>, expected <what>`: the found part may quote the value, the
    // expected part is the type's own text; the value comes first, so the last `, expected `
    // starts the type's text.
    fn expected(rest: &str) -> Option<(&str, String)> {
        const SEPARATOR: &str = ", expected ";
        let at = rest.rfind(SEPARATOR)?;
        Some((&rest[..at], json_terms(&rest[at + SEPARATOR.len()..])))
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, what)) = expected(rest)
    {
        return match json_kind(found) {
            Some(kind) => format!("expected {what}, found {kind}"),
            None => format!("expected {what}"),
        };
    }
    for prefix in ["invalid value: ", "unknown variant "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((_, what)) = expected(rest)
        {
            return format!("expected {what}");
        }
    }
    if message.starts_with("invalid length ") {
        return message.to_string();
    }
    "a value this field cannot take (the reason is not shown: it may quote the value)".to_string()
}

/// What serde's `expected` text says, in the words of JSON where serde speaks of Rust.
fn json_terms(expected: &str) -> String {
    match expected {
        "a sequence" => "an array".to_string(),
        "a map" => "an object".to_string(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer".to_string(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a non-negative integer".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "unit" => "null".to_string(),
        _ if expected.starts_with("struct ") => "an object".to_string(),
        _ if expected.starts_with("tuple") || expected.starts_with("a tuple") => {
            "an array".to_string()
        }
        _ => expected.to_string(),
    }
}

/// The kind of JSON value serde's `invalid type: <found>` describes, without the value; `None`
/// for a description it does not recognise.
fn json_kind(found: &str) -> Option<&'static str> {
    const KINDS: [(&str, &str); 5] = [
        ("integer `", "a number"),
        ("floating point `", "a number"),
        ("string \"", "a string"),
        ("boolean `", "a boolean"),
        ("char `", "a string"),
    ];
    match found {
        "null" | "unit value" => Some("null"),
        "map" => Some("an object"),
        "sequence" => Some("an array"),
        _ => KINDS
            .iter()
            .find(|(prefix, _)| found.starts_with(prefix))
            .map(|(_, kind)| *kind),
    }
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

    /// The message `parse_json_body::<T>` gives for `body`.
    fn refusal<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        format!(
            "{:#}",
            parse_json_body::<T>(body).expect_err("the body does not fit")
        )
    }

    #[test]
    fn a_body_that_does_not_fit_names_the_field_and_its_type_not_the_value() {
        use user_apis::okta::types::{ChangePasswordRequest, UserInput};

        const SECRET: &str = "hunter2-S3cret";
        let cases = [
            (
                refusal::<UserInput>(&format!(
                    r#"{{"profile": {{"email": {{"x": "{SECRET}"}}}}}}"#
                )),
                "profile.email: expected a string, found an object at line 1 column 22",
            ),
            (
                refusal::<ChangePasswordRequest>(&format!(r#"{{"oldPassword": "{SECRET}"}}"#)),
                "oldPassword: expected an object, found a string at line 1 column 32",
            ),
            (
                refusal::<ChangePasswordRequest>(&format!(
                    r#"{{"newPassword": {{"value": ["{SECRET}"]}}}}"#
                )),
                "newPassword.value: expected a string, found an array at line 1 column 26",
            ),
            (
                refusal::<ChangePasswordRequest>(r#"{"revokeSessions": 1}"#),
                "revokeSessions: expected a boolean, found a number at line 1 column 20",
            ),
            (
                refusal::<ChangePasswordRequest>(&format!(r#""{SECRET}""#)),
                "expected an object, found a string at line 1 column 16",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(message, expected);
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn serde_messages_lose_the_value_and_keep_the_type() {
        for (serde, ours) in [
            (
                r#"invalid type: string "pw, expected x", expected a boolean"#,
                "expected a boolean, found a string",
            ),
            (
                "invalid type: integer `5`, expected a string",
                "expected a string, found a number",
            ),
            (
                "invalid type: floating point `1.5`, expected i64",
                "expected an integer, found a number",
            ),
            (
                "invalid type: null, expected a sequence",
                "expected an array, found null",
            ),
            (
                "invalid type: map, expected struct Password",
                "expected an object, found an object",
            ),
            (
                "invalid value: integer `-7`, expected u32",
                "expected a non-negative integer",
            ),
            (
                "unknown variant `s3cret`, expected `a` or `b`",
                "expected `a` or `b`",
            ),
            (
                "invalid type: something `new`, expected f64",
                "expected a number",
            ),
            ("missing field `login`", "missing field `login`"),
            (
                "unknown field `pass`, expected `a`",
                "unknown field `pass`, expected `a`",
            ),
            (
                "invalid length 3, expected a tuple of size 2",
                "invalid length 3, expected a tuple of size 2",
            ),
            (
                "input contains invalid characters: s3cret",
                "a value this field cannot take (the reason is not shown: it may quote the value)",
            ),
        ] {
            assert_eq!(without_the_value(serde), ours, "{serde}");
        }
    }

    #[test]
    fn a_body_that_is_no_json_keeps_serde_json_s_message() {
        use user_apis::okta::types::ChangePasswordRequest;

        assert_eq!(
            refusal::<ChangePasswordRequest>(r#"{"oldPassword": "#),
            "EOF while parsing a value at line 1 column 16"
        );
        assert_eq!(
            refusal::<ChangePasswordRequest>("{} x"),
            "trailing characters at line 1 column 4"
        );
        assert!(parse_json_body::<ChangePasswordRequest>("{} \n").is_ok());
    }

    #[test]
    fn help_lists_the_known_values() {
        let help = command().render_help().to_string();
        assert!(help.contains("[possible values: admin]"), "{help}");
    }
}
