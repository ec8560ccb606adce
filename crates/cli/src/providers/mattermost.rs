//! `user-apis mattermost`, written by hand: its sign-in commands print the session's token, and
//! `set-profile-image` is the upload the client crate writes by hand. Its settings and its client
//! from the environment come from the provider table (`crate::generated`).

use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches, Command};
use user_apis::mattermost::{Client, session_token, types};

use super::{base_url, config_error, operation, operation_command, provider_command};
use crate::generated::mattermost::{Cli, CliCommand};
use crate::generated::mattermost_paged::{is_paged, print_all};
use crate::generated::mattermost_provider::{PROVIDER, client};
use crate::output::{Failure, Kind, Reporter};

/// What the sign-in commands print, as their help says (see [`login`]).
const LOGIN_OUTPUT: &str = "Prints {\"token\": ..., \"user\": ...}: the new session's token, which \
     the server sends in the Token header, and the user (null for login-by-cws-token). The \
     token is a secret: use it as MATTERMOST_TOKEN.";

/// The hand-written upload, which the spec leaves out (its body is `multipart/form-data`).
const SET_PROFILE_IMAGE: &str = "set-profile-image";

/// `user-apis mattermost` and its operations.
pub fn command() -> Command {
    let generated = CliCommand::iter().map(|operation| {
        let command = operation_command(
            operation.operation_id(),
            Cli::<&Reporter>::get_command(operation),
            is_paged(operation),
        );
        if matches!(operation, CliCommand::Login | CliCommand::LoginByCwsToken) {
            command.after_help(LOGIN_OUTPUT)
        } else {
            command
        }
    });
    provider_command(
        &PROVIDER,
        generated.chain(std::iter::once(set_profile_image_command())),
    )
}

/// Runs one Mattermost operation.
pub async fn run(matches: &ArgMatches, reporter: &Reporter) -> anyhow::Result<()> {
    let url = base_url(matches, &PROVIDER)?;
    if let Some((SET_PROFILE_IMAGE, matches)) = matches.subcommand() {
        return set_profile_image(&client(reporter.client_config(url))?, matches, reporter).await;
    }
    let (operation, matches) = operation(
        matches,
        CliCommand::iter().map(|operation| (operation.operation_id(), operation)),
    )?;
    if matches!(operation, CliCommand::Login | CliCommand::LoginByCwsToken) {
        // As `Session::login` does: no credential, and a redirect is the answer to read (the
        // CWS sign-in's carries the token), not one to follow.
        let anonymous = Client::without_auth(reporter.client_config(url).follow_redirects(false))
            .map_err(|error| config_error(&PROVIDER, &error))?;
        return login(&Cli::new(anonymous, reporter), operation, matches, reporter).await;
    }
    let cli = Cli::new(client(reporter.client_config(url))?, reporter);
    if super::wants_all(matches) {
        print_all(&cli, operation, matches, reporter).await
    } else {
        cli.execute(operation, matches).await
    }
}

/// What a sign-in answered besides its token.
enum SignedIn {
    /// The password sign-in's user.
    User(Box<types::User>),
    /// The CWS sign-in's status: its answer has no body.
    Cws { status: String },
}

/// `login` and `login-by-cws-token`, which the generated commands would run without the one
/// thing a sign-in is for: the session token, which Mattermost sends in the answer's `Token`
/// header. Prints `{"token": ..., "user": ...}` (`user` is `null` after the CWS sign-in, whose
/// answer has no body), so that the token can become `MATTERMOST_TOKEN`. An answer without the
/// token is a failure: a refusal (exit 3) from the CWS sign-in, which answers a token it does
/// not accept by redirecting to the site without one; an unreadable answer (exit 4) from the
/// password sign-in, which refuses with an error status.
async fn login(
    cli: &Cli<&Reporter>,
    operation: CliCommand,
    matches: &ArgMatches,
    reporter: &Reporter,
) -> anyhow::Result<()> {
    let answer = match operation {
        CliCommand::Login => cli.request_login(matches)?.send().await.map(|response| {
            (
                session_token(response.headers()),
                SignedIn::User(Box::new(response.into_inner())),
            )
        }),
        _ => cli
            .request_login_by_cws_token(matches)?
            .send_for_token()
            .await
            .map(|(status, token)| {
                (
                    token,
                    SignedIn::Cws {
                        status: status.to_string(),
                    },
                )
            }),
    };
    let (token, answer) = match answer {
        Ok(answer) => answer,
        Err(error) => {
            reporter.client_error(&error);
            return Err(error.into());
        }
    };
    let Some(token) = token else {
        let (kind, message) = match answer {
            SignedIn::User(_) => (
                Kind::Transport,
                "the server answered the sign-in without a Token header: no session".to_string(),
            ),
            SignedIn::Cws { status } => (
                Kind::Api,
                format!("{status}: the server refused the CWS token (no Token header)"),
            ),
        };
        reporter.fail(kind, &message);
        return Err(Failure::new(kind, message).into());
    };
    /// What a sign-in prints: the user as the server sent it when the client kept it, else
    /// as decoded.
    #[derive(serde::Serialize)]
    struct Printed<'a, U> {
        token: &'a str,
        user: Option<U>,
    }
    let token = token.expose();
    match (answer, reporter.take_raw()) {
        (SignedIn::User(_), Some(raw)) => reporter.print(&Printed {
            token,
            user: Some(raw),
        }),
        (SignedIn::User(user), None) => reporter.print(&Printed {
            token,
            user: Some(user),
        }),
        (SignedIn::Cws { .. }, _) => reporter.print(&Printed::<()> { token, user: None }),
    };
    Ok(())
}

fn set_profile_image_command() -> Command {
    Command::new(SET_PROFILE_IMAGE)
        .about(
            "Set a user's profile image\n\nUploads an image as multipart/form-data. The spec \
             leaves this operation out (the generator cannot write such a body); the client \
             crate and this command are written by hand.",
        )
        .arg(
            Arg::new("user-id")
                .long("user-id")
                .required(true)
                .help("The user's id, or `me`."),
        )
        .arg(
            Arg::new("image")
                .long("image")
                .value_name("FILE")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The image file (PNG, JPEG, GIF or BMP)."),
        )
        .arg(
            Arg::new("content-type")
                .long("content-type")
                .value_name("TYPE")
                .help("The image's media type; by default from the file's extension."),
        )
}

/// Uploads the image `--image` names through the client's hand-written upload.
async fn set_profile_image(
    client: &Client,
    matches: &ArgMatches,
    reporter: &Reporter,
) -> anyhow::Result<()> {
    let text = |name: &str| matches.try_get_one::<String>(name).ok().flatten();
    let user_id = text("user-id").ok_or_else(|| Failure::usage("--user-id is required"))?;
    let path = matches
        .try_get_one::<PathBuf>("image")
        .ok()
        .flatten()
        .ok_or_else(|| Failure::usage("--image is required"))?;
    let content_type = match text("content-type") {
        Some(content_type) => content_type.clone(),
        None => image_type(path)?.to_string(),
    };
    let bytes = std::fs::read(path)
        .map_err(|error| Failure::usage(format!("cannot read {}: {error}", path.display())))?;
    let file_name = path.file_name().map_or_else(
        || "image".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let result = client
        .set_profile_image()
        .user_id(user_id.clone())
        .image(bytes, file_name, content_type)
        .send()
        .await;
    match result {
        Ok(response) => {
            reporter.print(&*response);
            Ok(())
        }
        Err(error) => {
            reporter.client_error(&error);
            Err(Failure::new(Kind::Api, "the upload failed").into())
        }
    }
}

/// The media type of an image file, from its extension.
fn image_type(path: &Path) -> Result<&'static str, Failure> {
    let extension = path
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => Ok("image/png"),
        Some("jpg" | "jpeg") => Ok("image/jpeg"),
        Some("gif") => Ok("image/gif"),
        Some("bmp") => Ok("image/bmp"),
        _ => Err(Failure::usage(format!(
            "cannot tell the media type of {}; pass --content-type",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_media_type_comes_from_the_extension() {
        assert_eq!(image_type(Path::new("me.PNG")).ok(), Some("image/png"));
        assert_eq!(image_type(Path::new("a/b.jpeg")).ok(), Some("image/jpeg"));
        assert!(image_type(Path::new("me.tiff")).is_err());
        assert!(image_type(Path::new("me")).is_err());
    }
}
