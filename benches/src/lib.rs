//! Shared helpers for the benchmarks: realistic user JSON for each provider and a tiny
//! loopback HTTP server.
//!
//! The JSON follows the shapes the integration tests use (`tests/it/*.rs`), varied per item so
//! that no two users are identical.

pub mod counting;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

use user_apis::okta::ClientConfig;
use user_apis::runtime::{Credential, Parts};

/// One GitLab user as `GET /api/v4/users` returns it to an administrator.
pub fn gitlab_user(i: usize) -> String {
    format!(
        r#"{{"id":{i},"username":"user{i}","name":"User {i}","state":"active","locked":false,"avatar_url":"https://gitlab.example.com/uploads/user{i}.png","avatar_path":"/uploads/user{i}.png","web_url":"https://gitlab.example.com/user{i}","created_at":"2024-01-02T03:04:05.000Z","bio":"Analyst number {i}","location":"London","public_email":"user{i}@example.com","skype":"","linkedin":"","twitter":"","discord":"","website_url":"https://example.com/{i}","organization":"Analytical Engines","job_title":"Engineer","pronouns":"she/her","bot":false,"work_information":null,"followers":{f},"following":{g},"is_followed":false,"local_time":"3:04 PM","custom_attributes":[{{"key":"team","value":"platform"}}]}}"#,
        f = i % 97,
        g = i % 13,
    )
}

/// One Mattermost user as `GET /api/v4/users` returns it.
pub fn mattermost_user(i: usize) -> String {
    format!(
        r#"{{"id":"u{i:025}","create_at":{c},"update_at":{u},"delete_at":0,"username":"user{i}","auth_data":"","auth_service":"","email":"user{i}@example.com","email_verified":true,"nickname":"","first_name":"Ada","last_name":"Lovelace {i}","position":"Engineer","roles":"system_user","locale":"en","notify_props":{{"email":"true","push":"mention","desktop":"all","desktop_sound":"true","mention_keys":"ada,@ada","channel":"true","first_name":"false","auto_responder_active":"false"}},"props":{{"customStatus":"{{\"emoji\":\"coffee\"}}"}},"last_password_update":{c},"last_picture_update":{u},"failed_attempts":0,"mfa_active":false,"timezone":{{"useAutomaticTimezone":"true","automaticTimezone":"Europe/London","manualTimezone":""}},"terms_of_service_id":"tos1","terms_of_service_create_at":{c},"is_bot":false,"disable_welcome_email":false}}"#,
        c = 1_700_000_000_000_i64 + i as i64,
        u = 1_700_000_100_000_i64 + i as i64,
    )
}

/// One Okta user as `GET /api/v1/users` returns it, with two custom profile attributes.
pub fn okta_user(i: usize) -> String {
    format!(
        r#"{{"id":"00u{i:017}","status":"ACTIVE","created":"2024-01-02T03:04:05.000Z","activated":"2024-01-02T03:05:00.000Z","statusChanged":"2024-01-02T03:05:00.000Z","lastLogin":null,"lastUpdated":"2024-02-03T04:05:06.000Z","passwordChanged":"2024-01-02T03:05:00.000Z","profile":{{"login":"user{i}@example.com","email":"user{i}@example.com","firstName":"Ada","lastName":"Lovelace {i}","mobilePhone":null,"secondEmail":null,"department":"Engines","costCenter":{i}}},"credentials":{{"password":{{}},"emails":[{{"value":"user{i}@example.com","status":"VERIFIED","type":"PRIMARY"}}],"provider":{{"type":"OKTA","name":"OKTA"}}}},"_links":{{"self":{{"href":"https://x.okta.com/api/v1/users/00u{i:017}"}}}}}}"#
    )
}

/// One SendAuth user as `GET /api/users` returns it.
pub fn sendauth_user(i: usize) -> String {
    format!(
        r#"{{"id":"6f1c0b7e-0000-4000-8000-{i:012}","role":"admin","username":"user{i}","firstName":"Ada","lastName":"Lovelace {i}","email":"user{i}@example.com","phone":"+44 20 7946 0000","company":{{"id":"0b9f4a2c-1111-4222-8333-444455556666","orgID":"0b9f4a2c-1111-4222-8333-444455556666","name":"Analytical Engines","createdAt":"2024-01-02T03:04:05Z"}},"permissions":["users:read"],"groupPermissions":["audits:read"],"permissionGroups":["0b9f4a2c-1111-4222-8333-444455556666"],"messagingPreference":"sms","hasPasskeys":true,"createdAt":"2024-01-02T03:04:05Z","lastAuthenticated":"2024-06-07T08:09:10Z"}}"#
    )
}

/// A JSON array of `count` items made by `item`, starting at index `first`.
pub fn json_list(first: usize, count: usize, item: impl Fn(usize) -> String) -> String {
    let mut out = String::from("[");
    for i in first..first + count {
        if i > first {
            out.push(',');
        }
        out.push_str(&item(i));
    }
    out.push(']');
    out
}

/// The Okta API token the benchmarks' clients send.
pub const OKTA_TOKEN: &str = "00a-bench-token";

/// The user the per-call benchmarks get.
pub const OKTA_USER_ID: &str = "00u00000000000000001";

/// The URL a raw call gets [`OKTA_USER_ID`] at, on the server at `base`.
pub fn okta_user_url(base: &str) -> String {
    format!("{base}/api/v1/users/{OKTA_USER_ID}")
}

/// A current-thread runtime with I/O and timers, as a small service would run the client.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A server answering every request with one Okta user (`okta_user(1)`); its base URL.
pub fn okta_user_server() -> String {
    let response = json_response(&okta_user(1), "");
    serve(move |_| response.clone())
}

/// What `ClientConfig::build` makes of an Okta client of `base` with [`OKTA_TOKEN`]: the
/// configured HTTP client (timeouts, default headers, credential) and the runtime.
pub fn okta_parts(base: &str) -> Parts {
    ClientConfig::new(base)
        .build(Some(&Credential::scheme("SSWS", OKTA_TOKEN)))
        .expect("a configuration")
}

/// A complete `200 OK` JSON response with keep-alive, extra header lines included verbatim
/// (each ending in `\r\n`).
pub fn json_response(body: &str, extra_headers: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra_headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A blocking HTTP/1.1 server on 127.0.0.1 with one thread per connection, answering every
/// request (body-less requests only) with what `respond` returns for its request target.
///
/// It runs on its own threads so the client under test keeps its thread to itself. Returns
/// the base URL, `http://127.0.0.1:<port>`.
pub fn serve<F>(respond: F) -> String
where
    F: Fn(&str) -> Vec<u8> + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let address: SocketAddr = listener.local_addr().expect("local address");
    let respond = Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let respond = Arc::clone(&respond);
            std::thread::spawn(move || connection(stream, &*respond));
        }
    });
    format!("http://{address}")
}

/// Answers the requests of one keep-alive connection until the client closes it.
///
/// The server shares the machine (and, under callgrind, the count) with the client under test,
/// so it does as little per request as it can: each byte is searched once for the end of the
/// head, and only the request line is read. Its cost per request does not grow with the
/// headers a client sends.
fn connection(mut stream: TcpStream, respond: &dyn Fn(&str) -> Vec<u8>) {
    stream.set_nodelay(true).ok();
    let end_of_head = memchr::memmem::Finder::new(b"\r\n\r\n");
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0_u8; 4096];
    loop {
        // Read until the end of the request head; the benchmarks send no request bodies.
        let mut searched = 0;
        let end = loop {
            if let Some(at) = end_of_head.find(&buffer[searched..]) {
                break searched + at + 4;
            }
            // The end may straddle this read and the next.
            searched = buffer.len().saturating_sub(3);
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        // The request line comes first: the target is its second word.
        let target = buffer[..end]
            .split(|&byte| byte == b' ')
            .nth(1)
            .unwrap_or(b"/");
        let target = String::from_utf8_lossy(target).into_owned();
        buffer.drain(..end);
        if stream.write_all(&respond(&target)).is_err() {
            return;
        }
    }
}
