//! Credentials, for every provider: never shown in `Debug` or in an error, and refused when
//! the client is built if they could not be sent as they are.

use httpmock::MockServer;
use user_apis::{ClientConfig, okta};
use user_apis_tests::mock_config;

use crate::providers::{Provider, Secret, each_provider, on_get};

/// The credential never shows in the `Debug` of the configuration, the client or an error, nor
/// in an error's `Display`, whether the error body is the provider's JSON or an HTML page; the
/// client's `Debug` marks the header that carries it sensitive.
async fn secrets_never_appear_in_debug_output(provider: Provider) {
    let server = MockServer::start_async().await;
    on_get(&server, provider.list_path(), |then| {
        then.status(401).json_body(provider.error(401))
    })
    .await;
    on_get(&server, &provider.user_path(), |then| {
        then.status(401)
            .header("content-type", "text/html")
            .body("<h1>no</h1>")
    })
    .await;
    let config = mock_config(&server);
    let mut shown = vec![format!("{config:?}")];
    let client = provider.client(config);

    let list = client.list_users().await.expect_err("401");
    let get = client.get_user().await.expect_err("401");

    shown.push(format!("{client:?}"));
    for failure in [list, get] {
        assert_eq!(failure.status, Some(401), "{failure:?}");
        shown.extend([failure.debug, failure.message]);
    }
    for secret in provider.secrets() {
        for text in &shown {
            assert!(!text.contains(secret), "a secret leaked: {text}");
        }
    }
    assert!(
        format!("{client:?}").contains("Sensitive"),
        "the credential's header is marked sensitive"
    );
}
each_provider!(secrets_never_appear_in_debug_output);

/// Credentials that cannot be sent as they are, each with why a token and why a basic
/// authentication password refuses it (`None`: a password takes it, as UTF-8 in base64).
const UNSENDABLE: [(&str, &str, Option<&str>); 6] = [
    ("with space", "contains a space", None),
    (
        "line\nbreak",
        "contains a line break",
        Some("contains a line break"),
    ),
    (
        "token\r\nX-Injected: 1",
        "contains a line break",
        Some("contains a line break"),
    ),
    (
        "tab\there",
        "contains a control character",
        Some("contains a control character"),
    ),
    ("naïve", "contains a non-ASCII character", None),
    ("", "is empty", Some("is empty")),
];

/// Every constructor refuses, when the client is built, a credential it could not send as it
/// is (the message says why, never what), and a base URL that is not absolute.
async fn credentials_that_cannot_be_sent_fail_when_the_client_is_built(provider: Provider) {
    for (credential, token, password) in UNSENDABLE {
        let expected = match provider.secret() {
            Secret::Token => Err(format!("invalid credential: token {token}")),
            Secret::Password => password.map_or(Ok(()), |why| {
                Err(format!("invalid credential: password {why}"))
            }),
        };
        for constructor in provider.constructors() {
            let built = provider.build(constructor, "https://example.com", credential);
            let built = built.map_err(|e| e.to_string());
            assert_eq!(built, expected, "{constructor}({credential:?})");
        }
    }
    for constructor in provider.constructors() {
        let built = provider.build(constructor, "example.com", "s3cret");
        assert_eq!(
            built.map_err(|e| e.to_string()),
            Err("invalid base URL: it is not an absolute URL".to_string()),
            "{constructor}"
        );
    }
}
each_provider!(credentials_that_cannot_be_sent_fail_when_the_client_is_built);

/// A password in a request body never shows in the `Debug` of the request's builder.
#[test]
fn a_password_in_a_request_body_never_shows() {
    let secret = "s3cr3t-TOKEN-value";
    let okta = okta::Client::with_api_token(ClientConfig::new("http://127.0.0.1:1"), "t0ken")
        .expect("client");
    let password = || {
        Some(okta::types::PasswordCredential {
            value: Some(secret.into()),
            ..Default::default()
        })
    };
    let builder = okta
        .change_password()
        .user_id("u1")
        .body(okta::types::ChangePasswordRequest {
            old_password: password(),
            new_password: password(),
            ..Default::default()
        });
    let shown = format!("{builder:?}");
    assert!(!shown.contains(secret), "a secret leaked: {shown}");
}
