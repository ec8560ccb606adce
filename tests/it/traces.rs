//! The `tracing` feature: one span per request of every provider, with the operation, method,
//! path template, final status, attempts and duration, and never a secret or a query value.
//!
//! A layer captures every span and event emitted while a test's calls run (the clients' and
//! any other library's), so that the search for secrets covers all of it.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use user_apis::{ClientConfig, RetryPolicy, mattermost, okta};
use user_apis_tests::{exact, fast_retries, mock_config};

use crate::providers::{Provider, each_provider};

const OKTA_TOKEN: &str = "00a-TRACE-SECRET-0002";
const MATTERMOST_PASSWORD: &str = "TRACE-PASSWORD-0004";
const MATTERMOST_SESSION: &str = "sess-TRACE-SECRET-0003";
/// A query value, such as a search term or a token could be: never recorded.
const QUERY_VALUE: &str = "QUERY-VALUE-TRACE-0006";

/// One captured span or event: its name, target, fields as text and enclosing span.
#[derive(Debug, Clone)]
struct Recorded {
    name: &'static str,
    target: String,
    fields: BTreeMap<&'static str, String>,
    /// The index of the enclosing span in [`Captured::spans`].
    parent: Option<usize>,
}

impl Recorded {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Everything a test's calls emitted.
#[derive(Debug, Default)]
struct Captured {
    spans: Vec<Recorded>,
    events: Vec<Recorded>,
}

impl Captured {
    /// The request spans of the clients, in the order they started.
    fn requests(&self) -> Vec<&Recorded> {
        self.spans
            .iter()
            .filter(|span| span.target.starts_with("user_apis"))
            .collect()
    }

    /// The clients' events inside `request`, one of [`Self::requests`].
    fn events_of(&self, request: &Recorded) -> Vec<&Recorded> {
        let index = self
            .spans
            .iter()
            .position(|span| std::ptr::eq(span, request));
        self.events
            .iter()
            .filter(|event| event.target.starts_with("user_apis") && event.parent == index)
            .collect()
    }

    /// Every name, target, field name and value, of every span and event, as one text.
    fn text(&self) -> String {
        format!("{:?}", (&self.spans, &self.events))
    }

    /// Fails if any of `secrets` appears anywhere in what was captured.
    fn assert_holds_none_of(&self, secrets: &[&str]) {
        let text = self.text();
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} was recorded: {text}");
        }
    }
}

/// Collects field values as text.
struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

/// The index of a span's record in [`Captured::spans`], kept in the span's extensions.
struct Index(usize);

/// A layer that records every span (with the values recorded later) and every event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

impl Capture {
    fn lock(&self) -> MutexGuard<'_, Captured> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let parent = context
            .span(id)
            .and_then(|span| span.parent())
            .and_then(|parent| parent.extensions().get::<Index>().map(|index| index.0));
        let mut captured = self.lock();
        let index = captured.spans.len();
        captured.spans.push(Recorded {
            name: attributes.metadata().name(),
            target: attributes.metadata().target().to_string(),
            fields,
            parent,
        });
        if let Some(span) = context.span(id) {
            span.extensions_mut().insert(Index(index));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, context: Context<'_, S>) {
        let Some(span) = context.span(id) else { return };
        let Some(index) = span.extensions().get::<Index>().map(|index| index.0) else {
            return;
        };
        if let Some(recorded) = self.lock().spans.get_mut(index) {
            values.record(&mut Fields(&mut recorded.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let parent = context
            .event_span(event)
            .and_then(|span| span.extensions().get::<Index>().map(|index| index.0));
        self.lock().events.push(Recorded {
            name: event.metadata().name(),
            target: event.metadata().target().to_string(),
            fields,
            parent,
        });
    }
}

/// Runs `calls` with a capturing subscriber as this thread's default, and returns their
/// output with all that was captured. The test runtime is single-threaded, so every span and
/// event of the calls (connection tasks included) happens on this thread.
///
/// Whether a span or event is on is decided once per call site for the whole process, from
/// the subscribers that exist then. Decided on a thread without a subscriber while a single
/// capture is live, it would be off for that capture too, which would miss spans. A global
/// subscriber that takes everything keeps every call site on; on this thread, the capture
/// (its default) sees them.
async fn traced<T>(calls: impl Future<Output = T>) -> (T, Captured) {
    static EVERYTHING_ON: std::sync::Once = std::sync::Once::new();
    EVERYTHING_ON.call_once(|| {
        // Only this module sets a global subscriber, once.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
    });
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let guard = tracing::subscriber::set_default(subscriber);
    let output = calls.await;
    drop(guard);
    let captured = std::mem::take(&mut *capture.lock());
    (output, captured)
}

/// What one request's span must say.
struct Expected {
    operation: &'static str,
    method: &'static str,
    template: &'static str,
    status: u16,
    attempts: u32,
}

/// Checks the request spans one by one against `expected`, in order: exactly one span per
/// request, with every field, and an event for each retry.
fn assert_requests(captured: &Captured, server: SocketAddr, expected: &[Expected]) {
    let requests = captured.requests();
    assert_eq!(
        requests.len(),
        expected.len(),
        "one span per request: {requests:#?}"
    );
    for (span, expected) in requests.into_iter().zip(expected) {
        let context = format!("{}: {span:#?}", expected.operation);
        assert_eq!(span.name, "request", "{context}");
        assert_eq!(span.target, "user_apis", "{context}");
        let name = format!("{} {}", expected.method, expected.template);
        let status = expected.status.to_string();
        let port = server.port().to_string();
        let attempts = expected.attempts.to_string();
        for (field, value) in [
            ("user_apis.operation_id", expected.operation),
            ("http.request.method", expected.method),
            ("url.template", expected.template),
            ("server.address", "127.0.0.1"),
            ("server.port", &port),
            ("http.response.status_code", &status),
            ("user_apis.attempts", &attempts),
            ("otel.name", &name),
            ("otel.kind", "client"),
        ] {
            assert_eq!(span.field(field), Some(value), "{field} of {context}");
        }
        let duration = span
            .field("user_apis.duration_ms")
            .and_then(|ms| ms.parse::<f64>().ok());
        assert!(duration.is_some_and(|ms| ms >= 0.0), "{context}");
        if expected.status >= 400 {
            assert_eq!(span.field("error.type"), Some(status.as_str()), "{context}");
            assert_eq!(span.field("otel.status_code"), Some("ERROR"), "{context}");
        } else {
            assert_eq!(span.field("error.type"), None, "{context}");
            assert_eq!(span.field("otel.status_code"), None, "{context}");
        }
        // Each attempt but the last was retried, and said so inside the span.
        let retries = captured.events_of(span);
        assert_eq!(
            retries.len(),
            expected.attempts as usize - 1,
            "{context}: {retries:#?}"
        );
        for (number, retry) in (1..).zip(retries) {
            assert_eq!(retry.field("message"), Some("retrying"), "{retry:#?}");
            assert_eq!(
                retry.field("user_apis.attempt"),
                Some(number.to_string().as_str()),
                "{retry:#?}"
            );
            assert!(retry.field("user_apis.wait_ms").is_some(), "{retry:#?}");
        }
    }
}

/// A get-one-user mock answering 429 once, then `user`.
async fn rate_limited_once(server: &MockServer, path: &str, user: serde_json::Value) {
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            then.status(429).header("retry-after", "0").up_to_n_times(1);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            then.status(200).json_body(user);
        })
        .await;
}

/// A list mock that expects `name=QUERY_VALUE` and answers 401 with `error`.
async fn unauthorized_list(server: &MockServer, path: &str, name: &str, error: serde_json::Value) {
    server
        .mock_async(|when, then| {
            exact(when, GET, path, &[(name, QUERY_VALUE)]);
            then.status(401).json_body(error);
        })
        .await;
}

/// One span per request, with every field, an event for each retry (here of a `429`), and
/// none of the credential, a query value or the path's user id.
async fn requests_are_traced_without_secrets(provider: Provider) {
    let server = MockServer::start_async().await;
    rate_limited_once(&server, &provider.user_path(), provider.user()).await;
    unauthorized_list(
        &server,
        provider.list_path(),
        provider.filter(),
        provider.error(401),
    )
    .await;
    let client = provider.client(mock_config(&server));

    let ((user, list), captured) = traced(async {
        let user = client.get_user().await;
        let list = client.list_users_matching(QUERY_VALUE).await;
        (user, list)
    })
    .await;

    assert_eq!(user.expect("the retry succeeds").body, provider.user());
    assert_eq!(list.expect_err("401").status, Some(401));
    assert_requests(
        &captured,
        *server.address(),
        &[
            Expected {
                operation: "get_user",
                method: "GET",
                template: provider.user_template(),
                status: 200,
                attempts: 2,
            },
            Expected {
                operation: "list_users",
                method: "GET",
                template: provider.list_path(),
                status: 401,
                attempts: 1,
            },
        ],
    );
    assert_eq!(
        captured.events_of(captured.requests()[0])[0].field("http.response.status_code"),
        Some("429")
    );
    // Neither the filled-in path nor, where it is text, the id in it: an id that is a number
    // could stand in any number recorded, such as a duration.
    let (path, id) = (provider.user_path(), provider.user_id());
    let mut absent = provider.secrets();
    absent.extend([QUERY_VALUE, path.as_str()]);
    if id.parse::<u64>().is_err() {
        absent.push(&id);
    }
    captured.assert_holds_none_of(&absent);
}
each_provider!(requests_are_traced_without_secrets);

/// Mattermost's sign-in and its hand-written upload are traced like generated operations,
/// with the spec's templates, and without the password or the session token.
#[tokio::test]
async fn mattermost_sign_in_and_upload_are_traced_without_secrets() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/login", &[]);
            then.status(200)
                .header("Token", MATTERMOST_SESSION)
                .json_body(json!({"id": "u1", "username": "ada"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            exact(when, POST, "/api/v4/users/u1/image", &[])
                .header("authorization", format!("Bearer {MATTERMOST_SESSION}"));
            then.status(200).json_body(json!({"status": "OK"}));
        })
        .await;

    let (image, captured) = traced(async {
        let session = mattermost::Session::login(mock_config(&server), "ada", MATTERMOST_PASSWORD)
            .await
            .expect("signed in");
        session
            .client()
            .set_profile_image()
            .user_id("u1")
            .image(b"\x89PNG".to_vec(), "me.png", "image/png")
            .send()
            .await
    })
    .await;

    image.expect("uploaded");
    assert_requests(
        &captured,
        *server.address(),
        &[
            Expected {
                operation: "login",
                method: "POST",
                template: "/api/v4/users/login",
                status: 200,
                attempts: 1,
            },
            // The hand-written upload has the spec's template too.
            Expected {
                operation: "set_profile_image",
                method: "POST",
                template: "/api/v4/users/{user_id}/image",
                status: 200,
                attempts: 1,
            },
        ],
    );
    captured.assert_holds_none_of(&[MATTERMOST_PASSWORD, MATTERMOST_SESSION]);
}

/// A server that accepts connections and never answers; they stay open while it runs.
async fn silent_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    address
}

/// A JSON body the connection cuts short comes back with its status, so that the caller learns
/// it; the span and each retry still record the request as failed, of kind `body`.
#[tokio::test]
async fn a_body_cut_short_is_recorded_as_a_body_failure() {
    use tokio::io::AsyncWriteExt as _;

    let user = r#"{"id":"u1","status":"ACTIVE"}"#;
    let (url, _) = crate::hostile::raw_server(move |mut socket| async move {
        let answer = crate::hostile::json_answer_cut_at("200 OK", user, 10);
        let _ = socket.write_all(answer.as_bytes()).await;
    })
    .await;
    let client = okta::Client::with_api_token(
        ClientConfig::new(url).retry(fast_retries().max_attempts(2)),
        OKTA_TOKEN,
    )
    .expect("valid client");

    let (result, captured) = traced(client.get_user().user_id("u1").send()).await;

    let error = result.expect_err("cut short");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let requests = captured.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let span = requests[0];
    assert_eq!(span.field("http.response.status_code"), Some("200"));
    assert_eq!(span.field("error.type"), Some("body"), "{span:#?}");
    assert_eq!(span.field("otel.status_code"), Some("ERROR"), "{span:#?}");
    assert_eq!(span.field("user_apis.attempts"), Some("2"), "{span:#?}");
    let retries = captured.events_of(span);
    assert_eq!(retries.len(), 1, "{retries:#?}");
    assert_eq!(retries[0].field("error.type"), Some("body"));
    assert_eq!(retries[0].field("http.response.status_code"), Some("200"));
}

#[tokio::test]
async fn failures_without_a_status_are_recorded_by_kind() {
    // Nothing listens on a port that was bound and released.
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    let silent = silent_server().await;
    let refused_client = okta::Client::with_api_token(
        ClientConfig::new(format!("http://{refused}")).retry(fast_retries().max_attempts(2)),
        OKTA_TOKEN,
    )
    .expect("valid client");
    let silent_client = okta::Client::with_api_token(
        ClientConfig::new(format!("http://{silent}"))
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::never()),
        OKTA_TOKEN,
    )
    .expect("valid client");

    let ((refused_result, silent_result), captured) = traced(async {
        let refused = refused_client.list_users().q(QUERY_VALUE).send().await;
        let silent = silent_client.list_users().q(QUERY_VALUE).send().await;
        (refused, silent)
    })
    .await;

    assert!(refused_result.expect_err("refused").is_connect());
    assert!(silent_result.expect_err("no answer").is_timeout());
    let requests = captured.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    for (span, kind, attempts, port) in [
        (requests[0], "connect", "2", refused.port()),
        (requests[1], "timeout", "1", silent.port()),
    ] {
        assert_eq!(span.field("user_apis.operation_id"), Some("list_users"));
        assert_eq!(span.field("url.template"), Some("/api/v1/users"));
        assert_eq!(span.field("server.port"), Some(port.to_string().as_str()));
        assert_eq!(span.field("error.type"), Some(kind), "{span:#?}");
        assert_eq!(span.field("otel.status_code"), Some("ERROR"), "{span:#?}");
        assert_eq!(
            span.field("user_apis.attempts"),
            Some(attempts),
            "{span:#?}"
        );
        assert_eq!(span.field("http.response.status_code"), None, "{span:#?}");
    }
    let retries = captured.events_of(requests[0]);
    assert_eq!(retries.len(), 1, "{retries:#?}");
    assert_eq!(retries[0].field("error.type"), Some("connect"));
    // The error messages quote the URL and its query; the spans do not.
    captured.assert_holds_none_of(&[OKTA_TOKEN, QUERY_VALUE]);
}

/// A failed answer's span records the provider's request id, for a support ticket; a success
/// does no work for it.
#[tokio::test]
async fn a_failed_answer_records_the_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/u1");
            then.status(404)
                .header("x-okta-request-id", "okta-req-1")
                .json_body(json!({"errorCode": "E0000007", "errorSummary": "Not found"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/users/u2");
            then.status(200)
                .header("x-okta-request-id", "okta-req-2")
                .json_body(json!({"id": "u2"}));
        })
        .await;
    let client = okta::Client::with_api_token(mock_config(&server), OKTA_TOKEN).expect("client");

    let ((missing, found), captured) = traced(async {
        let missing = client.get_user().user_id("u1").send().await;
        let found = client.get_user().user_id("u2").send().await;
        (missing, found)
    })
    .await;

    assert_eq!(
        missing.expect_err("not found").request_id(),
        Some("okta-req-1")
    );
    found.expect("found");
    let requests = captured.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(
        requests[0].field("user_apis.request_id"),
        Some("okta-req-1"),
        "{:#?}",
        requests[0]
    );
    assert_eq!(
        requests[1].field("user_apis.request_id"),
        None,
        "{:#?}",
        requests[1]
    );
}
