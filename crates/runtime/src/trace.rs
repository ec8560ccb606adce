//! Tracing (the `tracing` feature): one span per request of a generated operation, and the
//! hooks the retry loop calls after each attempt. Without the feature the hooks are empty and
//! inlined away, and [`Runtime::execute_operation`] returns [`Runtime::execute`]'s future.
//!
//! What is recorded, and why under these names, is documented on the crate.

use std::future::Future;

use progenitor_client::OperationInfo;

use crate::{RetryPolicy, Runtime};

impl Runtime {
    /// Sends one request of the generated operation `info`, with retries: what every client's
    /// hooks call.
    ///
    /// Without the `tracing` feature this is [`execute`](Self::execute). With it, the request
    /// runs inside one span that records the operation, the method, the path template
    /// (`path_template(operation_id)`, which each provider crate generates from its spec), the
    /// final status or failure, the attempts and the duration; see the crate documentation.
    pub fn execute_operation(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
        path_template: fn(&str) -> Option<&'static str>,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        self.traced(&self.retry, http, request, info.operation_id, path_template)
    }

    /// [`execute_operation`](Self::execute_operation) with the options of one call: its
    /// timeout and retry policy in place of the client's, where set. What every generated
    /// operation's `send` calls.
    pub fn execute_call<'a>(
        &'a self,
        http: &'a reqwest::Client,
        mut request: reqwest::Request,
        info: &OperationInfo,
        path_template: fn(&str) -> Option<&'static str>,
        call: &'a CallOptions,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        use futures_util::future::Either;

        if call.timeout.is_none() && call.retry.is_none() {
            // Most calls: the client's own request, with nothing around it.
            return Either::Left(self.execute_operation(http, request, info, path_template));
        }
        let operation_id = info.operation_id;
        if let Some(timeout) = call.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        // The provider's reset header, which the client's policy was given, holds for this
        // call's policy too, unless it names its own.
        let retry = call
            .retry
            .as_ref()
            .map(|retry| match (retry.reset(), self.retry.reset()) {
                (None, Some(reset)) => retry.clone().reset_header(reset.clone()),
                _ => retry.clone(),
            });
        let timeout = call.timeout;
        Either::Right(async move {
            let retry = retry.as_ref().unwrap_or(&self.retry);
            let outcome = self
                .traced(retry, http, request, operation_id, path_template)
                .await;
            // The answer says which timeout it was read under, for a body that times out to
            // name.
            outcome.map(|mut response| {
                if let Some(timeout) = timeout {
                    response.extensions_mut().insert(CallTimeout(timeout));
                }
                response
            })
        })
    }

    /// Sends `request` under `retry`, inside its span with the `tracing` feature.
    fn traced(
        &self,
        retry: &RetryPolicy,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
        path_template: fn(&str) -> Option<&'static str>,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        #[cfg(feature = "tracing")]
        {
            enabled::execute(self, retry, http, request, operation_id, path_template)
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = (operation_id, path_template);
            self.execute_with(retry, http, request)
        }
    }
}

/// The timeout a call set for itself, kept with its answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallTimeout(pub(crate) std::time::Duration);

/// What one call sets for itself, in place of its client's configuration: the operation
/// builders' `timeout` and `retry`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Time allowed for each attempt, body included (the client's `ClientConfig::timeout`
    /// when `None`).
    pub timeout: Option<std::time::Duration>,
    /// The retry policy (the client's `ClientConfig::retry` when `None`). The client's retry
    /// budget and, unless this policy names one, its provider's rate-limit reset header still
    /// apply.
    pub retry: Option<RetryPolicy>,
}

#[cfg(feature = "tracing")]
pub(crate) use enabled::Attempts;

#[cfg(not(feature = "tracing"))]
pub(crate) use disabled::Attempts;

#[cfg(not(feature = "tracing"))]
mod disabled {
    use std::time::Duration;

    /// Nothing: without the `tracing` feature the retry loop's hooks do no work.
    #[derive(Debug)]
    pub(crate) struct Attempts;

    impl Attempts {
        #[inline(always)]
        pub(crate) fn start() -> Self {
            Self
        }

        #[inline(always)]
        pub(crate) fn finished(&mut self) {}

        #[inline(always)]
        pub(crate) fn retrying(
            &mut self,
            _outcome: &reqwest::Result<reqwest::Response>,
            _wait: Duration,
        ) {
        }
    }
}

#[cfg(feature = "tracing")]
mod enabled {
    use std::fmt;
    use std::time::{Duration, Instant};

    use reqwest::StatusCode;
    use tracing::field::Empty;
    use tracing::{Instrument as _, Level, Span};

    use crate::{RetryPolicy, Runtime};

    /// The target of every span and event, for filters such as `user_apis=info`.
    const TARGET: &str = "user_apis";

    pub(super) async fn execute(
        runtime: &Runtime,
        retry: &RetryPolicy,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
        path_template: fn(&str) -> Option<&'static str>,
    ) -> reqwest::Result<reqwest::Response> {
        let span = request_span(&request, operation_id, path_template);
        if span.is_disabled() {
            return runtime.execute_with(retry, http, request).await;
        }
        let started = Instant::now();
        let outcome = runtime
            .execute_with(retry, http, request)
            .instrument(span.clone())
            .await;
        record_outcome(&span, &outcome, started.elapsed());
        outcome
    }

    /// The request's span. Only the method, the template and the server's host and port come
    /// from the request: never its headers, body, path or query.
    fn request_span(
        request: &reqwest::Request,
        operation_id: &'static str,
        path_template: fn(&str) -> Option<&'static str>,
    ) -> Span {
        let method = request.method().as_str();
        let template = path_template(operation_id);
        let url = request.url();
        tracing::info_span!(
            target: TARGET,
            "request",
            otel.name = %SpanName { method, template },
            otel.kind = "client",
            otel.status_code = Empty,
            user_apis.operation_id = operation_id,
            http.request.method = method,
            url.template = template,
            server.address = url.host_str(),
            server.port = url.port_or_known_default(),
            http.response.status_code = Empty,
            error.type = Empty,
            user_apis.request_id = Empty,
            user_apis.attempts = Empty,
            user_apis.duration_ms = Empty,
        )
    }

    /// OpenTelemetry's name for an HTTP client span: `{method} {url.template}`, or the method
    /// alone when there is no template.
    struct SpanName<'a> {
        method: &'a str,
        template: Option<&'static str>,
    }

    impl fmt::Display for SpanName<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.template {
                Some(template) => write!(f, "{} {template}", self.method),
                None => f.write_str(self.method),
            }
        }
    }

    fn record_outcome(
        span: &Span,
        outcome: &reqwest::Result<reqwest::Response>,
        elapsed: Duration,
    ) {
        span.record("user_apis.duration_ms", elapsed.as_secs_f64() * 1000.0);
        match outcome {
            Ok(response) => {
                let status = response.status();
                span.record("http.response.status_code", status.as_u16());
                // A JSON body cut short is kept with its response, so that the caller learns
                // the status; the request still failed.
                let failure = if crate::error::body_cut(response) {
                    Some("body")
                } else {
                    is_error(status).then(|| status.as_str())
                };
                if let Some(failure) = failure {
                    span.record("error.type", failure);
                    span.record("otel.status_code", "ERROR");
                    // Read on failure only, so that a success does no work for it.
                    if let Some(id) = crate::error::request_id_in(response.headers()) {
                        span.record("user_apis.request_id", id);
                    }
                }
            }
            Err(error) => {
                span.record("error.type", error_type(error));
                span.record("otel.status_code", "ERROR");
            }
        }
    }

    /// OpenTelemetry counts every 4xx and 5xx answer to a client as an error.
    fn is_error(status: StatusCode) -> bool {
        status.is_client_error() || status.is_server_error()
    }

    /// The kind of a failure without a response, from a fixed list, so that it can never carry
    /// the URL (and its query) the way the error's message does.
    fn error_type(error: &reqwest::Error) -> &'static str {
        if error.is_timeout() {
            "timeout"
        } else if error.is_connect() {
            "connect"
        } else if error.is_body() {
            "body"
        } else if error.is_decode() {
            "decode"
        } else if error.is_redirect() {
            "redirect"
        } else if error.is_builder() {
            "builder"
        } else if error.is_request() {
            "request"
        } else {
            // OpenTelemetry's value for a kind it has no name for.
            "_OTHER"
        }
    }

    /// What the retry loop reports of its attempts: it counts them, records the count on the
    /// request's span when the loop ends, and emits an event for each retry.
    #[derive(Debug)]
    pub(crate) struct Attempts {
        /// The request's span, current when the loop starts (or none outside a request span).
        span: Span,
        count: u32,
    }

    impl Attempts {
        /// The retry loop starts, inside the request's span when there is one.
        pub(crate) fn start() -> Self {
            Self {
                span: Span::current(),
                count: 0,
            }
        }

        /// An attempt ended.
        pub(crate) fn finished(&mut self) {
            self.count = self.count.saturating_add(1);
        }

        /// The attempt that ended with `outcome` is retried after `wait`.
        pub(crate) fn retrying(
            &mut self,
            outcome: &reqwest::Result<reqwest::Response>,
            wait: Duration,
        ) {
            let wait_ms = wait.as_secs_f64() * 1000.0;
            match outcome {
                Ok(response) if crate::error::body_cut(response) => tracing::event!(
                    target: TARGET,
                    Level::INFO,
                    user_apis.attempt = self.count,
                    http.response.status_code = response.status().as_u16(),
                    error.type = "body",
                    user_apis.wait_ms = wait_ms,
                    "retrying",
                ),
                Ok(response) => tracing::event!(
                    target: TARGET,
                    Level::INFO,
                    user_apis.attempt = self.count,
                    http.response.status_code = response.status().as_u16(),
                    user_apis.wait_ms = wait_ms,
                    "retrying",
                ),
                Err(error) => tracing::event!(
                    target: TARGET,
                    Level::INFO,
                    user_apis.attempt = self.count,
                    error.type = error_type(error),
                    user_apis.wait_ms = wait_ms,
                    "retrying",
                ),
            }
        }
    }

    impl Drop for Attempts {
        fn drop(&mut self) {
            if self.count > 0 {
                self.span.record("user_apis.attempts", self.count);
            }
        }
    }
}
