//! Printing: responses as JSON on stdout, failures on stderr, and the exit code each means;
//! the progress of an `--all` walk on a terminal's stderr.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget};
use progenitor_client::ResponseValue;
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use user_apis_runtime::{ClientConfig, Error, InvalidResponseCause, RawBodies};

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
    /// The API answered `304 Not Modified` to an operation that documents it: the request
    /// changed nothing, which is no failure.
    unchanged: Cell<bool>,
    /// The operation run documents `304 Not Modified` as an answer that changed nothing.
    documents_unchanged: Cell<bool>,
    /// The JSON bodies of success answers as the server sent them, which are printed in place
    /// of the decoded values (the clients are configured with it by
    /// [`client_config`](Self::client_config)).
    raw: RawBodies,
    /// The items of the last page of a `--all` walk not printed yet, as sent.
    raw_items: RefCell<VecDeque<Vec<u8>>>,
    /// The `page` number of the last page of a `--all` walk whose items were printed.
    printed_page: Cell<Option<u64>>,
    /// How many pages of a `--all` walk have had their items printed.
    pages: Cell<u64>,
    /// Show the progress of an `--all` walk (stderr is a terminal).
    show_progress: bool,
    /// The progress line of the `--all` walk under way, when it is shown.
    progress: RefCell<Option<ProgressBar>>,
}

impl Reporter {
    /// A reporter that indents its JSON when stdout is a terminal.
    pub fn new() -> Self {
        Self {
            pretty: io::stdout().is_terminal(),
            failure: Cell::new(None),
            closed: Cell::new(false),
            unchanged: Cell::new(false),
            documents_unchanged: Cell::new(false),
            raw: RawBodies::new(),
            raw_items: RefCell::new(VecDeque::new()),
            printed_page: Cell::new(None),
            pages: Cell::new(0),
            show_progress: io::stderr().is_terminal(),
            progress: RefCell::new(None),
        }
    }

    /// The configuration of a client for the server at `url` whose answers this reporter
    /// prints: it keeps each success answer's body as sent, for [`print`](Self::print).
    pub fn client_config(&self, url: String) -> ClientConfig {
        ClientConfig::new(url).keep_raw_bodies(self.raw.clone())
    }

    /// Says whether the operation about to run documents `304 Not Modified` as an answer that
    /// changed nothing (GitLab's follow and unfollow); only then is a 304 no failure.
    pub fn documents_unchanged(&self, documented: bool) {
        self.documents_unchanged.set(documented);
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
        self.end_progress();
        to_stderr(format_args!("error: {message}"));
        if self.failure.get().is_none() {
            self.failure.set(Some(kind));
        }
    }

    /// Prints one response body: indented on a terminal, on one line otherwise.
    ///
    /// The body is the JSON the server sent, when the client kept it (see
    /// [`client_config`](Self::client_config)) and it is JSON, with only its whitespace
    /// changed: fields the spec does not know, empty lists and objects, nulls and the exact
    /// form of every value stay. `value`, the decoded body, is printed only without it.
    pub fn print<T: Serialize + ?Sized>(&self, value: &T) -> bool {
        match self.raw.take().filter(|raw| is_json(raw)) {
            Some(raw) => self.write_bytes(&reformat(&raw, self.pretty), true),
            None => self.write_json(value, self.pretty),
        }
    }

    /// The body of the last success answer as the server sent it, when the client kept it and
    /// it is JSON; for output that wraps it (the sign-in's `{"token": ..., "user": ...}`).
    pub fn take_raw(&self) -> Option<Box<RawValue>> {
        let raw = self.raw.take()?;
        serde_json::from_slice::<&RawValue>(&raw)
            .ok()
            .map(RawValue::to_owned)
    }

    /// Prints one item of a list as one line. Returns false when nothing more can be printed.
    pub fn print_line<T: Serialize + ?Sized>(&self, value: &T) -> bool {
        self.write_json(value, false)
    }

    fn write_json<T: Serialize + ?Sized>(&self, value: &T, pretty: bool) -> bool {
        let written = if pretty {
            serde_json::to_vec_pretty(value)
        } else {
            serde_json::to_vec(value)
        };
        match written {
            Ok(json) => self.write_bytes(&json, true),
            Err(error) => {
                self.fail(Kind::Other, &format!("cannot write the output: {error}"));
                false
            }
        }
    }

    /// Writes `bytes` on stdout, and a line end after them when `line`. Returns false when
    /// nothing more can be printed.
    fn write_bytes(&self, bytes: &[u8], line: bool) -> bool {
        if self.closed.get() {
            return false;
        }
        let write = || {
            let mut out = io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| if line { writeln!(out) } else { Ok(()) })
                .and_then(|()| out.flush())
        };
        // A progress line on the same terminal is cleared for the output and drawn again below.
        let progress = self.progress.borrow().clone();
        let result = match progress {
            Some(bar) => bar.suspend(write),
            None => write(),
        };
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
    ///
    /// A success status whose body does not decode (cut short, or not the documented JSON) is
    /// a failure (exit 4), but the server performed the action and its answer may be the only
    /// copy of what it made, such as a new access token: the body is written to stdout as it
    /// arrived, before the error goes to stderr.
    pub fn client_error<E: Serialize>(&self, error: &Error<E>) {
        if let Error::UnexpectedResponse(response) = error
            && response.status().as_u16() == 304
            && self.documents_unchanged.get()
        {
            to_stderr(format_args!("note: {}: nothing changed", response.status()));
            self.unchanged.set(true);
            return;
        }
        self.write_undecoded(error);
        let (kind, message) = describe(error);
        self.fail(kind, &message);
    }

    /// Writes the body of a success answer that did not decode to stdout, unchanged, when the
    /// client kept it.
    fn write_undecoded<E>(&self, error: &Error<E>) {
        if let Error::InvalidResponse(invalid) = error
            && invalid.status.is_success()
            && !matches!(invalid.cause, InvalidResponseCause::TooLarge { .. })
            && let Some(raw) = self.raw.take()
        {
            self.write_bytes(&raw, false);
        }
    }

    /// Prints one item of a `--all` walk on one line: as the server sent it (see
    /// [`print`](Self::print)), taken from the page the client kept, else as decoded.
    fn print_item<T: Serialize>(&self, item: &T) -> bool {
        let mut queue = self.raw_items.borrow_mut();
        // The walk yields a page's items once every item of the one before is printed, so an
        // empty queue means that `item` is the first of the next page.
        if queue.is_empty()
            && let Some((number, page)) = self.raw.take_page(self.printed_page.get())
        {
            // A walk by page numbers reads pages ahead, in any order: the next is the lowest.
            self.printed_page.set(number);
            self.pages.set(self.pages.get() + 1);
            queue.extend(page_items(&page));
        }
        match queue.pop_front() {
            Some(raw) => {
                drop(queue);
                self.write_bytes(&raw, true)
            }
            None => {
                drop(queue);
                self.print_line(item)
            }
        }
    }

    /// Prints every item of a paged list, one JSON document per line, as the client's stream
    /// fetches the pages. Stops at the first error, which it reports.
    ///
    /// When stderr is a terminal, a line there shows the walk's progress (pages, items, items
    /// a second) until it ends; on a pipe or a file, nothing is written there.
    pub async fn print_stream<T, E>(
        &self,
        mut stream: impl Stream<Item = Result<T, Error<E>>> + Unpin,
    ) -> anyhow::Result<()>
    where
        T: Serialize,
        E: Serialize,
    {
        let started = Instant::now();
        let mut items = 0_u64;
        self.start_progress();
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => {
                    if !self.print_item(&item) {
                        break;
                    }
                    items += 1;
                    if let Some(bar) = self.progress.borrow().as_ref() {
                        bar.set_message(walk_progress(self.pages.get(), items, started.elapsed()));
                    }
                }
                Err(error) => {
                    self.end_progress();
                    self.write_undecoded(&error);
                    let (kind, message) = describe(&error);
                    self.fail(kind, &message);
                    return Err(Failure::new(kind, message).into());
                }
            }
        }
        self.end_progress();
        Ok(())
    }

    /// Shows a walk's progress line on stderr, when it is a terminal.
    fn start_progress(&self) {
        if !self.show_progress {
            return;
        }
        let bar = ProgressBar::new_spinner();
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_message(walk_progress(0, 0, Duration::ZERO));
        // The spinner turns while a page is in flight, so a slow server shows as slow.
        bar.enable_steady_tick(Duration::from_millis(120));
        *self.progress.borrow_mut() = Some(bar);
    }

    /// Removes the progress line, if one is shown, leaving stderr as it was before it.
    fn end_progress(&self) {
        if let Some(bar) = self.progress.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

/// The progress line of a walk: `12 pages, 1,200 items, 340 items/s`.
fn walk_progress(pages: u64, items: u64, elapsed: Duration) -> String {
    let plural = |count: u64, one: &str, many: &str| {
        format!(
            "{} {}",
            HumanCount(count),
            if count == 1 { one } else { many }
        )
    };
    let mut line = format!(
        "{}, {}",
        plural(pages, "page", "pages"),
        plural(items, "item", "items")
    );
    let seconds = elapsed.as_secs_f64();
    if items > 0 && seconds >= 0.1 {
        // Rounded to a whole number: the rate is a guide, not a measurement.
        let rate = (items as f64 / seconds).round() as u64;
        line.push_str(&format!(", {} items/s", HumanCount(rate)));
    }
    line
}

/// Whether `bytes` are one JSON document.
fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// The items of a page as the server sent them, each on one line: the page's array, or the
/// array under `rows` of a page object (SendAuth's). Empty when the page is neither.
fn page_items(page: &[u8]) -> Vec<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct Rows<'a> {
        #[serde(borrow)]
        rows: Vec<&'a RawValue>,
    }
    let items = serde_json::from_slice::<Vec<&RawValue>>(page)
        .or_else(|_| serde_json::from_slice::<Rows<'_>>(page).map(|page| page.rows));
    items
        .unwrap_or_default()
        .into_iter()
        .map(|item| reformat(item.get().as_bytes(), false))
        .collect()
}

/// A JSON document with its whitespace changed and nothing else: indented by two spaces as
/// `serde_json::to_writer_pretty` writes (`pretty`), or on one line without spaces. Every
/// value keeps the form it was sent in (numbers, escapes, field order, duplicates).
fn reformat(json: &[u8], pretty: bool) -> Vec<u8> {
    let is_space = |byte: &u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
    let newline = |out: &mut Vec<u8>, depth: usize| {
        if pretty {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', depth * 2));
        }
    };
    let mut out = Vec::with_capacity(json.len() + json.len() / 2);
    let mut depth = 0_usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut bytes = json.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                in_string = true;
                out.push(byte);
            }
            b'{' | b'[' => {
                out.push(byte);
                while bytes.next_if(is_space).is_some() {}
                // An empty list or object stays on its line: `[]`, `{}`.
                match bytes.next_if(|next| matches!(next, b'}' | b']')) {
                    Some(close) => out.push(close),
                    None => {
                        depth += 1;
                        newline(&mut out, depth);
                    }
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(byte);
            }
            b',' => {
                out.push(byte);
                newline(&mut out, depth);
            }
            b':' => {
                out.push(byte);
                if pretty {
                    out.push(b' ');
                }
            }
            _ => out.push(byte),
        }
    }
    out
}

/// The exit code kind and the message for a client error. Credentials never appear: they
/// travel in headers, which no error message shows. A server's message is shown escaped and
/// cut ([`printable`](user_apis_runtime::printable)), with the provider's request id.
fn describe<E: Serialize>(error: &Error<E>) -> (Kind, String) {
    let request_id = match error.request_id() {
        Some(id) => format!(" (request id {})", user_apis_runtime::printable(id)),
        None => String::new(),
    };
    match error {
        Error::InvalidRequest(message) => (Kind::Usage, format!("invalid request: {message}")),
        Error::CommunicationError(error) => {
            (Kind::Transport, format!("request failed: {}", chain(error)))
        }
        Error::ErrorResponse(response) => (
            Kind::Api,
            format!(
                "{}{request_id}: {}",
                response.status(),
                user_apis_runtime::printable(&api_message(response.as_ref()))
            ),
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
                format!("{status}{request_id}: a response this operation does not document"),
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

/// The API's error message from an error body ([`user_apis_runtime::api_message`]), else the
/// whole body as JSON.
fn api_message<E: Serialize>(body: &E) -> String {
    user_apis_runtime::api_message(body).unwrap_or_else(|| {
        match serde_json::to_value(body).unwrap_or(Value::Null) {
            Value::Null => "the response has no error body".to_string(),
            other => other.to_string(),
        }
    })
}

/// Says on stderr how to ask for the page after this one, when the answer names it only in its
/// `Link` header (as Okta's cursors are): the cursor, as the flag that sends it.
pub(crate) fn next_page_note<T>(answer: &ResponseValue<T>, cursor: Option<&str>) {
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
        impl $crate::generated::$provider::CliConfig for &$crate::output::Reporter {
            fn success_item<T>(&self, value: &::progenitor_client::ResponseValue<T>)
            where
                T: ::serde::Serialize + ::std::fmt::Debug,
            {
                self.print(&**value);
                $crate::output::next_page_note(value, $cursor);
            }

            fn success_no_item(&self, _value: &::progenitor_client::ResponseValue<()>) {}

            fn error<T>(&self, value: &::user_apis_runtime::Error<T>)
            where
                T: ::serde::Serialize + ::std::fmt::Debug,
            {
                self.client_error(value);
            }
        }
    )*};
}

// Invoked over every provider by the generated table (`crate::generated`).
pub(crate) use cli_config;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_walk_s_progress_counts_pages_items_and_rate() {
        assert_eq!(walk_progress(0, 0, Duration::ZERO), "0 pages, 0 items");
        assert_eq!(
            walk_progress(1, 1, Duration::from_millis(50)),
            "1 page, 1 item"
        );
        assert_eq!(
            walk_progress(3, 250, Duration::from_secs(3)),
            "3 pages, 250 items, 83 items/s"
        );
        assert_eq!(
            walk_progress(12_500, 1_250_000, Duration::from_millis(500)),
            "12,500 pages, 1,250,000 items, 2,500,000 items/s"
        );
    }

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
            "email has already been taken"
        );
        assert_eq!(api_message(&json!({"code": 7})), r#"{"code":7}"#);
        assert_eq!(api_message(&()), "the response has no error body");
    }

    #[test]
    fn reformatting_changes_whitespace_only() {
        let sent =
            "{ \"a\" : [ 1.50 , {} , [ ] , null ],\n\t\"b\": \"x , y: [\\\" {\",\"c\":{\"d\":1e3}}";
        assert_eq!(
            String::from_utf8_lossy(&reformat(sent.as_bytes(), false)),
            r#"{"a":[1.50,{},[],null],"b":"x , y: [\" {","c":{"d":1e3}}"#
        );
        // Indented as serde_json indents, for a document whose values it writes alike.
        let value = json!({"a": [1, {}, [], null, {"e": "f"}], "b": "x , y: [\" {", "c": {}});
        let compact = serde_json::to_vec(&value).expect("JSON");
        assert_eq!(
            String::from_utf8_lossy(&reformat(&compact, true)),
            serde_json::to_string_pretty(&value).expect("JSON")
        );
    }

    #[test]
    fn page_items_come_from_an_array_or_rows() {
        let items = |page: &str| -> Vec<String> {
            page_items(page.as_bytes())
                .into_iter()
                .map(|item| String::from_utf8_lossy(&item).into_owned())
                .collect()
        };
        assert_eq!(
            items(r#"[ {"a": 1}, {"b": [ ]} ]"#),
            [r#"{"a":1}"#, r#"{"b":[]}"#]
        );
        assert_eq!(
            items(r#"{"total": 2, "rows": [{"a": null}, 2]}"#),
            [r#"{"a":null}"#, "2"]
        );
        assert!(items(r#"{"users": []}"#).is_empty());
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
                request_id: None,
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

    #[test]
    fn a_server_s_message_is_escaped_cut_and_names_the_request() {
        let answer = |message: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("x-request-id", "r-1".parse().expect("a header value"));
            Error::ErrorResponse(user_apis_runtime::ErrorResponse::new(
                "get_user",
                ResponseValue::new(
                    json!({ "message": message }),
                    reqwest::StatusCode::FORBIDDEN,
                    headers,
                ),
            ))
        };
        let (kind, message) = describe(&answer("Forbidden\r\n\u{1b}[1Aerror: \u{7}all good"));
        assert_eq!(kind.code(), 3);
        assert_eq!(
            message,
            r"403 Forbidden (request id r-1): Forbidden\r\n\u{1b}[1Aerror: \u{7}all good"
        );
        let (_, message) = describe(&answer(&"é".repeat(1 << 20)));
        assert_eq!(
            message,
            format!(
                "403 Forbidden (request id r-1): {}… (2097152 bytes in all)",
                "é".repeat(300)
            )
        );
    }
}
