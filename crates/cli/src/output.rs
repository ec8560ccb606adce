//! Printing: responses as JSON on stdout, failures on stderr, and the exit code each means.

use std::cell::Cell;
use std::fmt;
use std::io::{self, IsTerminal, Write};

use futures_util::{Stream, StreamExt};
use progenitor_client::ResponseValue;
use serde::Serialize;
use serde_json::Value;
use user_apis_runtime::Error;

/// What kind of failure ended a run; each has its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything else, such as output that cannot be written (exit 1).
    Other,
    /// The command line or the environment asks for something impossible (exit 2).
    Usage,
    /// The API answered with an error status (exit 3).
    Api,
    /// No answer, or one that cannot be read or decoded (exit 4).
    Transport,
}

impl Kind {
    /// The process exit code for this kind of failure.
    pub fn code(self) -> u8 {
        match self {
            Self::Other => 1,
            Self::Usage => 2,
            Self::Api => 3,
            Self::Transport => 4,
        }
    }
}

/// Writes one line on stderr. A stderr that cannot be written (closed, or a pipe whose reader
/// has gone, as in `2>&1 | head -1`) loses the line; the exit code still says what happened.
/// `eprintln!` would panic instead, and the process would exit 101.
pub fn to_stderr(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// A failure of the hand-written layer, with the message to print.
#[derive(Debug)]
pub struct Failure {
    /// Which exit code it leads to.
    pub kind: Kind,
    message: String,
}

impl Failure {
    /// A failure of the given kind.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Prints what a run produces and remembers the first failure it reported.
///
/// It is the `CliConfig` of every generated provider module: the generated code hands it each
/// response and each error.
#[derive(Debug)]
pub struct Reporter {
    /// Indent the JSON (stdout is a terminal) or print one line per document.
    pretty: bool,
    /// The first failure reported, already printed.
    failure: Cell<Option<Kind>>,
    /// Whoever reads stdout has gone away (a closed pipe): stop printing, quietly.
    closed: Cell<bool>,
    /// The API answered `304 Not Modified`: the request changed nothing, which is no failure.
    unchanged: Cell<bool>,
}

impl Reporter {
    /// A reporter that indents its JSON when stdout is a terminal.
    pub fn new() -> Self {
        Self {
            pretty: io::stdout().is_terminal(),
            failure: Cell::new(None),
            closed: Cell::new(false),
            unchanged: Cell::new(false),
        }
    }

    /// The first failure reported, if any; its message has been printed.
    pub fn failure(&self) -> Option<Kind> {
        self.failure.get()
    }

    /// Whether the API answered `304 Not Modified` (see [`client_error`](Self::client_error)):
    /// the error the generated code returns with it is then no failure.
    pub fn changed_nothing(&self) -> bool {
        self.unchanged.get()
    }

    /// Prints a failure on stderr and remembers it for the exit code.
    pub fn fail(&self, kind: Kind, message: &str) {
        to_stderr(format_args!("error: {message}"));
        if self.failure.get().is_none() {
            self.failure.set(Some(kind));
        }
    }

    /// Prints one response body: indented on a terminal, on one line otherwise.
    pub fn print<T: Serialize + ?Sized>(&self, value: &T) -> bool {
        self.write_json(value, self.pretty)
    }

    /// Prints one item of a list as one line. Returns false when nothing more can be printed.
    pub fn print_line<T: Serialize + ?Sized>(&self, value: &T) -> bool {
        self.write_json(value, false)
    }

    fn write_json<T: Serialize + ?Sized>(&self, value: &T, pretty: bool) -> bool {
        if self.closed.get() {
            return false;
        }
        let mut out = io::stdout().lock();
        let written = if pretty {
            serde_json::to_writer_pretty(&mut out, value)
        } else {
            serde_json::to_writer(&mut out, value)
        };
        let result = written
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush());
        match result {
            Ok(()) => true,
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.set(true);
                false
            }
            Err(error) => {
                self.fail(Kind::Other, &format!("cannot write the output: {error}"));
                false
            }
        }
    }

    /// Reports an error returned by a client operation.
    ///
    /// A `304 Not Modified` is no failure: the API says the request changed nothing (GitLab
    /// answers so to following a user already followed). It prints a note on stderr and
    /// nothing on stdout, and the run succeeds, so that such a command can be run again.
    pub fn client_error<E: Serialize>(&self, error: &Error<E>) {
        if let Error::UnexpectedResponse(response) = error
            && response.status().as_u16() == 304
        {
            to_stderr(format_args!("note: {}: nothing changed", response.status()));
            self.unchanged.set(true);
            return;
        }
        let (kind, message) = describe(error);
        self.fail(kind, &message);
    }

    /// Prints every item of a paged list, one JSON document per line, as the client's stream
    /// fetches the pages. Stops at the first error, which it reports.
    pub async fn print_stream<T, E>(
        &self,
        mut stream: impl Stream<Item = Result<T, Error<E>>> + Unpin,
    ) -> anyhow::Result<()>
    where
        T: Serialize,
        E: Serialize,
    {
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => {
                    if !self.print_line(&item) {
                        break;
                    }
                }
                Err(error) => {
                    let (kind, message) = describe(&error);
                    self.fail(kind, &message);
                    return Err(Failure::new(kind, message).into());
                }
            }
        }
        Ok(())
    }
}

/// The exit code kind and the message for a client error. Credentials never appear: they
/// travel in headers, which no error message shows.
fn describe<E: Serialize>(error: &Error<E>) -> (Kind, String) {
    match error {
        Error::InvalidRequest(message) => (Kind::Usage, format!("invalid request: {message}")),
        Error::CommunicationError(error) => {
            (Kind::Transport, format!("request failed: {}", chain(error)))
        }
        Error::ErrorResponse(response) => (
            Kind::Api,
            format!("{}: {}", response.status(), api_message(&**response)),
        ),
        // An error status keeps its meaning (and exit code) even when its body is not the
        // documented error object; any other status whose body cannot be used is a transport
        // or decoding failure.
        Error::InvalidResponse(invalid)
            if invalid.status.is_client_error() || invalid.status.is_server_error() =>
        {
            (Kind::Api, format!("{}: {invalid}", invalid.status))
        }
        Error::InvalidResponse(invalid) => (
            Kind::Transport,
            format!("cannot decode the response: {invalid}"),
        ),
        Error::UnexpectedResponse(response) => {
            let status = response.status();
            let kind = if status.is_client_error() || status.is_server_error() {
                Kind::Api
            } else {
                Kind::Transport
            };
            (
                kind,
                format!("{status}: a response this operation does not document"),
            )
        }
        Error::Custom(message) => (Kind::Other, message.clone()),
        // A server whose pages go round in circles, as a body that cannot be used.
        Error::RepeatedPage(repeated) => (Kind::Transport, repeated.to_string()),
        _ => (
            Kind::Other,
            "a failure this version of the command does not know".to_string(),
        ),
    }
}

/// An error and its sources, as one line.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The fields in which the providers put the human-readable part of an error body, in the
/// order they are looked for (GitLab, Mattermost and SendAuth `message`, Okta `errorSummary`,
/// OAuth `error_description`, GitLab `error`).
const MESSAGE_FIELDS: &[&str] = &["message", "errorSummary", "error_description", "error"];

/// The API's error message from an error body: its message field, else the whole body as JSON.
fn api_message<E: Serialize>(body: &E) -> String {
    let body = serde_json::to_value(body).unwrap_or(Value::Null);
    let message = match &body {
        Value::Object(fields) => MESSAGE_FIELDS
            .iter()
            .find_map(|name| fields.get(*name).filter(|value| !value.is_null())),
        _ => None,
    };
    match message.unwrap_or(&body) {
        Value::String(text) => text.clone(),
        Value::Null => "the response has no error body".to_string(),
        other => other.to_string(),
    }
}

/// Says on stderr how to ask for the page after this one, when the answer names it only in its
/// `Link` header (as Okta's cursors are): the cursor, as the flag that sends it.
fn next_page_note<T>(answer: &ResponseValue<T>, cursor: Option<&str>) {
    let Some(name) = cursor else { return };
    if let Some(value) = user_apis_runtime::next_link_param(answer.headers(), name) {
        to_stderr(format_args!(
            "note: more on the next page: --{name} {value} (or --all for every page)"
        ));
    }
}

/// Makes the [`Reporter`] the `CliConfig` of each generated provider module. A provider's
/// `cursor` is the query parameter of its `rel="next"` link that the user cannot work out from
/// the page they asked for, if any.
macro_rules! cli_config {
    ($($provider:ident => $cursor:expr),* $(,)?) => {$(
        impl crate::generated::$provider::CliConfig for &Reporter {
            fn success_item<T>(&self, value: &ResponseValue<T>)
            where
                T: Serialize + std::fmt::Debug,
            {
                self.print(&**value);
                next_page_note(value, $cursor);
            }

            fn success_no_item(&self, _value: &ResponseValue<()>) {}

            fn error<T>(&self, value: &Error<T>)
            where
                T: Serialize + std::fmt::Debug,
            {
                self.client_error(value);
            }
        }
    )*};
}

// GitLab, Mattermost and SendAuth page by number: the next page is the one after `--page`.
cli_config!(gitlab => None, mattermost => None, okta => Some("after"), sendauth => None);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_message_comes_from_the_provider_s_field() {
        assert_eq!(
            api_message(&json!({"message": "404 User Not Found"})),
            "404 User Not Found"
        );
        assert_eq!(
            api_message(&json!({"errorCode": "E0000007", "errorSummary": "Not found: x"})),
            "Not found: x"
        );
        // GitLab sends validation errors as an object under `message`.
        assert_eq!(
            api_message(&json!({"message": {"email": ["has already been taken"]}})),
            r#"{"email":["has already been taken"]}"#
        );
        assert_eq!(api_message(&json!({"code": 7})), r#"{"code":7}"#);
        assert_eq!(api_message(&()), "the response has no error body");
    }

    #[test]
    fn each_error_has_its_exit_code() {
        let (kind, message) = describe::<()>(&Error::InvalidRequest("bad".into()));
        assert_eq!((kind.code(), message.as_str()), (2, "invalid request: bad"));
        let (kind, _) = describe::<()>(&Error::Custom("hook".into()));
        assert_eq!(kind.code(), 1);
        let invalid = |status: u16| {
            let payload = serde_json::from_str::<Value>("{").expect_err("malformed JSON");
            Error::<()>::InvalidResponse(Box::new(user_apis_runtime::InvalidResponse {
                operation: "get_user",
                status: reqwest::StatusCode::from_u16(status).expect("status"),
                content_type: Some("text/html".into()),
                body: "<html>".into(),
                cause: user_apis_runtime::InvalidResponseCause::Decode(payload),
            }))
        };
        let (kind, message) = describe(&invalid(200));
        assert_eq!(kind.code(), 4);
        assert!(
            message.starts_with("cannot decode the response: invalid response to get_user"),
            "{message}"
        );
        let (kind, message) = describe(&invalid(502));
        assert_eq!(kind.code(), 3);
        assert!(
            message.starts_with("502 Bad Gateway: invalid response to get_user"),
            "{message}"
        );
    }
}
