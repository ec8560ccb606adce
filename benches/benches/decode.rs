//! Decoding benchmark (issue 7, goal 1): a 1,000-item list of each provider's user type, the
//! generated type against a hand-written serde struct with the same fields (the limit).
//!
//! Run with `cargo bench -p user-apis-benches --bench decode`. The limit structs derive plain
//! `serde::Deserialize` for the top-level fields and reuse the generated nested types and
//! enums (profile, credentials, company, state, ...), so the comparison isolates the top-level
//! user type.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use serde::Deserialize;
use user_apis::{gitlab, mattermost, okta, sendauth};
use user_apis_benches::{gitlab_user, json_list, mattermost_user, okta_user, sendauth_user};

type Time = chrono::DateTime<chrono::Utc>;

/// Items in each decoded list.
const ITEMS: usize = 1_000;

fn main() {
    divan::main();
}

// The limit structs only exist to be decoded; their fields are never read.
#[allow(dead_code)]
mod limit {
    use super::*;

    /// GitLab's `User` written by hand.
    #[derive(Deserialize)]
    pub struct GitlabUser {
        pub avatar_path: Option<String>,
        pub avatar_url: Option<String>,
        pub bio: Option<String>,
        pub bot: Option<bool>,
        pub created_at: Option<Time>,
        #[serde(default)]
        pub custom_attributes: Vec<gitlab::types::CustomAttribute>,
        pub discord: Option<String>,
        pub followers: Option<i64>,
        pub following: Option<i64>,
        pub id: i64,
        pub is_followed: Option<bool>,
        pub job_title: Option<String>,
        pub linkedin: Option<String>,
        pub local_time: Option<String>,
        pub location: Option<String>,
        pub locked: Option<bool>,
        pub name: String,
        pub organization: Option<String>,
        pub pronouns: Option<String>,
        pub public_email: Option<String>,
        pub skype: Option<String>,
        pub state: Option<gitlab::types::UserState>,
        pub twitter: Option<String>,
        pub username: String,
        pub web_url: Option<String>,
        pub website_url: Option<String>,
        pub work_information: Option<String>,
    }

    /// Mattermost's `User` written by hand.
    #[derive(Deserialize)]
    pub struct MattermostUser {
        pub auth_service: Option<String>,
        pub create_at: Option<i64>,
        pub delete_at: Option<i64>,
        pub email: Option<String>,
        pub email_verified: Option<bool>,
        pub failed_attempts: Option<i32>,
        pub first_name: Option<String>,
        pub id: Option<String>,
        pub last_name: Option<String>,
        pub last_password_update: Option<i64>,
        pub last_picture_update: Option<i64>,
        pub locale: Option<String>,
        pub mfa_active: Option<bool>,
        pub nickname: Option<String>,
        pub notify_props: Option<mattermost::types::UserNotifyProps>,
        pub position: Option<String>,
        #[serde(default)]
        pub props: serde_json::Map<String, serde_json::Value>,
        pub roles: Option<String>,
        pub terms_of_service_create_at: Option<i64>,
        pub terms_of_service_id: Option<String>,
        pub timezone: Option<mattermost::types::Timezone>,
        pub update_at: Option<i64>,
        pub username: Option<String>,
    }

    /// Okta's `User` written by hand.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct OktaUser {
        pub activated: Option<Time>,
        pub created: Option<Time>,
        pub credentials: Option<okta::types::UserCredentials>,
        #[serde(rename = "_embedded", default)]
        pub embedded: serde_json::Map<String, serde_json::Value>,
        pub id: Option<String>,
        pub last_login: Option<Time>,
        pub last_updated: Option<Time>,
        #[serde(rename = "_links", default)]
        pub links: serde_json::Map<String, serde_json::Value>,
        pub password_changed: Option<Time>,
        pub profile: Option<okta::types::UserProfile>,
        pub status: Option<okta::types::UserStatus>,
        pub status_changed: Option<Time>,
        pub transitioning_to_status: Option<okta::types::UserStatus>,
    }

    /// SendAuth's `User` written by hand.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SendauthUser {
        pub company: Option<sendauth::types::Company>,
        pub created_at: Option<Time>,
        pub email: Option<String>,
        pub first_name: String,
        #[serde(default)]
        pub group_permissions: Vec<String>,
        pub has_passkeys: Option<bool>,
        pub id: Option<uuid::Uuid>,
        pub last_authenticated: Option<Time>,
        pub last_name: String,
        pub messaging_preference: Option<sendauth::types::MessagingPreference>,
        #[serde(default)]
        pub permission_groups: Vec<uuid::Uuid>,
        #[serde(default)]
        pub permissions: Vec<String>,
        pub phone: Option<String>,
        pub role: Option<sendauth::types::Role>,
        pub username: Option<String>,
    }
}

/// Decodes `body` as a `Vec<T>` on every iteration, counting its bytes for throughput.
fn decode<T: serde::de::DeserializeOwned>(bencher: Bencher, body: &str) {
    let body = body.as_bytes();
    let decoded: Vec<T> = serde_json::from_slice(body).expect("the list decodes");
    assert_eq!(decoded.len(), ITEMS);
    bencher
        .counter(BytesCount::of_slice(body))
        .bench(|| serde_json::from_slice::<Vec<T>>(black_box(body)).expect("the list decodes"));
}

/// Decodes `body` as a `Vec<T>` as the clients do, through the runtime's decoded-size bound
/// (the default body limit times `DECODED_SIZE_FACTOR`).
fn decode_bounded<T: serde::de::DeserializeOwned>(bencher: Bencher, body: &str) {
    use user_apis::runtime::{DECODED_SIZE_FACTOR, DEFAULT_MAX_BODY_SIZE, from_slice_within};
    let body = body.as_bytes();
    let budget = DEFAULT_MAX_BODY_SIZE * DECODED_SIZE_FACTOR;
    let decoded: Vec<T> = from_slice_within(body, budget).expect("the list decodes");
    assert_eq!(decoded.len(), ITEMS);
    bencher
        .counter(BytesCount::of_slice(body))
        .bench(|| from_slice_within::<Vec<T>>(black_box(body), budget).expect("the list decodes"));
}

macro_rules! provider {
    ($name:ident, $item:ident, $generated:ty, $limit:ty) => {
        /// The generated user type against the hand-written one.
        mod $name {
            use super::*;

            #[divan::bench]
            fn generated(bencher: Bencher) {
                decode::<$generated>(bencher, &json_list(0, ITEMS, $item));
            }

            #[divan::bench]
            fn generated_bounded(bencher: Bencher) {
                decode_bounded::<$generated>(bencher, &json_list(0, ITEMS, $item));
            }

            #[divan::bench]
            fn limit(bencher: Bencher) {
                decode::<$limit>(bencher, &json_list(0, ITEMS, $item));
            }
        }
    };
}

provider!(
    gitlab_users,
    gitlab_user,
    gitlab::types::PublicUser,
    limit::GitlabUser
);
provider!(
    mattermost_users,
    mattermost_user,
    mattermost::types::User,
    limit::MattermostUser
);
provider!(okta_users, okta_user, okta::types::User, limit::OktaUser);
provider!(
    sendauth_users,
    sendauth_user,
    sendauth::types::User,
    limit::SendauthUser
);
