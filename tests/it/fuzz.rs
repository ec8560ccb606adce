//! Property tests (fuzzing on stable Rust): decoding every provider's user and error types from
//! arbitrary input, and the page-stream machinery over arbitrary page sequences.
//!
//! CI runs proptest's default 256 cases per property. For a long run, raise the count:
//! `PROPTEST_CASES=200000 cargo test -p user-apis-tests --test integration fuzz`. Failures
//! proptest finds are saved in `tests/proptest-regressions/fuzz.txt` and replayed first by every
//! run; `regression_corpus` below keeps those inputs, and hand-picked ones, as a plain test.

use std::fmt::Debug;

use futures_util::StreamExt;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use user_apis::runtime::{Page, RepeatedPage, paginate};
use user_apis::{gitlab, mattermost, okta, sendauth};

/// Field names the providers use, so generated objects reach past the first level of decoding.
const KEYS: &[&str] = &[
    "id",
    "username",
    "name",
    "state",
    "email",
    "created_at",
    "is_admin",
    "identities",
    "status",
    "profile",
    "login",
    "firstName",
    "lastName",
    "credentials",
    "provider",
    "type",
    "_links",
    "roles",
    "props",
    "timezone",
    "notify_props",
    "create_at",
    "auth_data",
    "role",
    "messagingPreference",
    "company",
    "permissions",
    "createdAt",
    "hasPasskeys",
    "message",
    "error",
    "errorCode",
    "errorCauses",
    "errorSummary",
    "status_code",
    "is_oauth",
    "details",
];

/// Values the providers use, including enum values they know and ones they do not.
const WORDS: &[&str] = &[
    "ACTIVE",
    "SUSPENDED",
    "admin",
    "user",
    "sms",
    "blocked",
    "active",
    "2024-01-02T03:04:05Z",
    "2024-01-02",
    "00u1",
    "7b0e9a4e-3c1f-4b8e-9d2a-5f6c7d8e9f01",
    "",
    "NEW_VALUE",
    "true",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        let key = prop_oneof![
            prop::sample::select(KEYS).prop_map(str::to_string),
            "[a-z_]{1,8}"
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..10)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Decoding never panics, and whatever decodes survives a write and a second read unchanged.
fn round_trips<T: DeserializeOwned + Serialize + PartialEq + Debug>(bytes: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(bytes) {
        let written = serde_json::to_vec(&value).expect("a decoded value serializes");
        let again: T = serde_json::from_slice(&written).expect("written output decodes again");
        assert_eq!(again, value, "{}", String::from_utf8_lossy(&written));
    }
}

fn every_type(bytes: &[u8]) {
    round_trips::<gitlab::types::User>(bytes);
    round_trips::<gitlab::types::ApiError>(bytes);
    round_trips::<mattermost::types::User>(bytes);
    round_trips::<mattermost::types::AppError>(bytes);
    round_trips::<okta::types::User>(bytes);
    round_trips::<okta::types::ApiError>(bytes);
    round_trips::<sendauth::types::User>(bytes);
    round_trips::<sendauth::types::ApiError>(bytes);
}

proptest! {
    #[test]
    fn arbitrary_json_decodes_or_fails_cleanly(value in json()) {
        every_type(&serde_json::to_vec(&value).expect("serializes"));
    }

    #[test]
    fn arbitrary_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        every_type(&bytes);
    }

    /// A page sequence: each page's items, and which page (if any) it names as next, by a
    /// cursor that may point backwards and make a loop. The stream must yield exactly the items
    /// of the pages it walks, in order, stop at a page without a next or an empty page, end
    /// with an error at a next page it has already followed (never fetching it again), and
    /// fetch each page only when its items are needed.
    #[test]
    fn streams_walk_exactly_the_announced_pages(
        pages in prop::collection::vec(
            (prop::collection::vec(any::<u16>(), 0..4), prop::option::of(0_usize..8)),
            1..8,
        ),
        fail_at in prop::option::of(0_usize..8),
        take in 0_usize..40,
    ) {
        let count = pages.len();
        // What a correct walk yields, bounded by `take`.
        let mut expected = Vec::new();
        let mut followed = vec![0_usize];
        let mut cursor = Some(0_usize);
        while let Some(index) = cursor {
            if expected.len() >= take {
                break;
            }
            if fail_at == Some(index) {
                expected.push(Err(Stop::Failed(index)));
                break;
            }
            let (items, next) = &pages[index % count];
            expected.extend(items.iter().copied().map(Ok));
            cursor = if items.is_empty() { None } else { next.map(|n| n % count) };
            if let Some(next) = cursor {
                if followed.contains(&next) {
                    expected.push(Err(Stop::Repeated(format!("cursor \"{next}\""))));
                    break;
                }
                followed.push(next);
            }
        }
        expected.truncate(take);

        let fetched = std::cell::Cell::new(0_usize);
        let stream = paginate("list_things", "0".to_string(), |cursor: &String| {
            fetched.set(fetched.get() + 1);
            let index: usize = cursor.parse().unwrap_or(usize::MAX);
            let page = pages[index % count].clone();
            async move {
                if fail_at == Some(index) {
                    return Err(Stop::Failed(index));
                }
                Ok(Page { items: page.0, next: page.1.map(|n| (n % count).to_string()), last: None })
            }
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a test runtime");
        let got: Vec<Result<u16, Stop>> = runtime.block_on(stream.take(take).collect());
        prop_assert_eq!(&got, &expected);
        // Laziness: never more pages than items taken, plus the one that ended the walk.
        prop_assert!(fetched.get() <= got.len() + 1, "{} fetches for {} items", fetched.get(), got.len());
    }
}

/// How a walk in `streams_walk_exactly_the_announced_pages` ends early: the fetch of a page
/// fails, or the walk meets a page it has already followed (named as the walk describes it).
#[derive(Debug, PartialEq)]
enum Stop {
    Failed(usize),
    Repeated(String),
}

impl From<RepeatedPage> for Stop {
    fn from(repeated: RepeatedPage) -> Self {
        Self::Repeated(repeated.page)
    }
}

/// Inputs proptest or review found worth keeping: each once made a naive decoder stumble.
#[test]
fn regression_corpus() {
    let corpus: &[&[u8]] = &[
        b"",
        b"null",
        b"[]",
        b"{}",
        b"{\"id\": 18446744073709551615}",
        b"{\"id\": -1, \"state\": null}",
        b"{\"status\": \"SOMETHING_NEW\", \"profile\": {\"login\": 7}}",
        b"{\"profile\": {\"custom\": {\"deep\": [1, {\"x\": null}]}}}",
        b"{\"createdAt\": \"not a date\"}",
        b"{\"created_at\": \"2024-02-30T25:61:61Z\"}",
        b"{\"role\": \"\"}",
        b"{\"firstName\": \"\\ud800\"}",
        b"\xff\xfe\x00",
        b"{\"errorCauses\": [[]]}",
        // A subnormal number changed in its last bit on a write and re-read until serde_json's
        // `float_roundtrip` was enabled.
        b"{\"props\": {\"id\": 7.123814299823793e-41}}",
    ];
    for bytes in corpus {
        every_type(bytes);
    }
}
