//! What one response may cost in memory: a body under the size limit whose tiny items would
//! decode into far larger values is refused, instead of taking hundreds of times its length.

use std::mem::size_of;

use httpmock::Method::GET;
use httpmock::MockServer;
use user_apis::runtime::{DECODED_SIZE_FACTOR, DEFAULT_MAX_BODY_SIZE, Error, InvalidResponseCause};
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_tests::{exact, mock_config};

/// `[{},{},...]`, `bytes` long or just under.
fn empty_objects(bytes: usize) -> String {
    let items = (bytes - 2) / 3;
    let mut body = String::with_capacity(bytes);
    body.push('[');
    for i in 0..items {
        body.push_str(if i == 0 { "{}" } else { ",{}" });
    }
    body.push(']');
    body
}

/// 15 MiB of `{}` (under the 16 MiB limit) as an Okta user list would decode into about 3.5
/// GB of `User`s. The client refuses it once the decoded users pass eight times the limit,
/// naming the operation and saying why; the `benches` package's `body_memory` prints the peak
/// heap this takes.
#[tokio::test]
async fn a_list_of_tiny_items_is_refused_before_its_decoded_size_explodes() {
    let server = MockServer::start_async().await;
    let body = empty_objects(15 * 1024 * 1024);
    let mock = server
        .mock_async(|when, then| {
            exact(when, GET, "/api/v1/users", &[]);
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    let client = okta::Client::with_api_token(mock_config(&server), "t0ken").expect("client");
    let error = client.list_users().send().await.expect_err("refused");
    mock.assert_calls_async(1).await;

    let budget = DEFAULT_MAX_BODY_SIZE * DECODED_SIZE_FACTOR;
    assert_eq!(budget, 128 * 1024 * 1024);
    // The first user past the budget is the one refused, at its closing brace.
    let user = size_of::<okta::types::User>();
    let refused = (budget - size_of::<Vec<okta::types::User>>()) / user + 1;
    let Error::InvalidResponse(invalid) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(invalid.operation, "list_users");
    assert!(
        matches!(invalid.cause, InvalidResponseCause::Decode(_)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "invalid response to list_users (200 OK, application/json): the decoded body would \
             take more than {budget} bytes of memory (8 times the body size limit), so it is \
             refused at line 1 column {}; body starts {:?}",
            3 * refused + 1,
            "[".chars()
                .chain("{},".repeat(40).chars())
                .take(120)
                .collect::<String>()
        )
    );
}

/// The decoding skips the bound's wrapper for a body too short to pass the budget, on the
/// assumption that no generated type is 2 KiB inline: checked here for the largest types.
#[test]
fn no_generated_type_is_two_kib_inline() {
    let sizes = [
        size_of::<okta::types::User>(),
        size_of::<okta::types::Group>(),
        size_of::<gitlab::types::User>(),
        size_of::<gitlab::types::PublicUser>(),
        size_of::<mattermost::types::User>(),
        size_of::<sendauth::types::User>(),
        size_of::<sendauth::types::UserPage>(),
    ];
    assert!(sizes.iter().all(|size| *size < 2048), "{sizes:?}");
}
