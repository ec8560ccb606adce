//! `user-apis mattermost`: bearer auth (or none) from the environment, `--all` over short
//! pages, profile images to `--output` and from `set-profile-image`, and `AppError` bodies.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::{TempFile, exact, user_apis};

const TOKEN: &str = "mm-cli-personal-access-t0ken";
const AUTHORIZATION: &str = "Bearer mm-cli-personal-access-t0ken";

/// The first bytes of a PNG file, and some more.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-not-really-an-image";

fn run(server: &MockServer, args: &[&str]) -> crate::Run {
    let url = server.base_url();
    user_apis(
        args,
        &[
            ("MATTERMOST_URL", url.as_str()),
            ("MATTERMOST_TOKEN", TOKEN),
        ],
        None,
    )
}

fn user_json(id: &str) -> Value {
    json!({"id": id, "username": format!("user-{id}"), "roles": "system_user", "create_at": 1_700_000_000_000_i64})
}

#[test]
fn list_users_all_stops_after_the_first_short_page() {
    let server = MockServer::start();
    let pages = [
        vec![user_json("u1"), user_json("u2")],
        vec![user_json("u3"), user_json("u4")],
        vec![user_json("u5")],
    ];
    let mocks: Vec<_> = pages
        .iter()
        .enumerate()
        .map(|(page, users)| {
            server.mock(|when, then| {
                exact(
                    when,
                    GET,
                    "/api/v4/users",
                    // A walk's first request is the list's own: no `page`.
                    &[
                        ("page", page.to_string().as_str()),
                        ("per_page", "2"),
                        ("active", "true"),
                    ][usize::from(page == 0)..],
                )
                .header("authorization", AUTHORIZATION);
                then.status(200).json_body(json!(users));
            })
        })
        .collect();

    let run = run(
        &server,
        &[
            "mattermost",
            "list-users",
            "--active",
            "true",
            "--per-page",
            "2",
            "--all",
        ],
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    for mock in &mocks {
        mock.assert();
    }
    let expected: Vec<Value> = pages.into_iter().flatten().collect();
    assert_eq!(run.json_lines(), expected);
}

#[test]
fn a_profile_image_goes_to_the_output_file_or_to_stdout() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v4/users/me/image",
            &[("_", "1700000000000")],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200)
            .header("content-type", "image/png")
            .body(PNG);
    });
    let output = TempFile::new("mattermost-image", "me.png", None);

    let run_file = run(
        &server,
        &[
            "mattermost",
            "get-profile-image",
            "--user-id",
            "me",
            "--update-time",
            "1700000000000",
            "--output",
            output.arg(),
        ],
    );

    assert_eq!(run_file.code, Some(0), "{run_file:?}");
    assert_eq!(run_file.stdout, "");
    assert_eq!(
        std::fs::read(&output.path).expect("the image was written"),
        PNG
    );

    let run_stdout = user_apis_raw(&server, PNG.len());
    mock.assert_calls(2);
    assert_eq!(run_stdout, PNG);
}

#[test]
fn a_large_profile_image_is_written_whole() {
    let image: Vec<u8> = PNG.iter().copied().cycle().take(3 << 20).collect();
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/ada/image", &[]).header("authorization", AUTHORIZATION);
        then.status(200)
            .header("content-type", "image/png")
            .body(&image);
    });
    let output = TempFile::new("mattermost-large-image", "ada.png", None);

    let run = run(&server, &get_image_args("ada", output.arg()));

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    let written = std::fs::read(&output.path).expect("the image was written");
    assert_eq!(written.len(), image.len());
    assert!(written == image, "the file holds the image byte for byte");
    assert_eq!(
        files_in(&output),
        vec!["ada.png"],
        "no temporary file is left"
    );
    #[cfg(unix)]
    {
        // The mode a file written by `std::fs::write` gets (the umask applied), not the
        // owner-only mode of a temporary file.
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |path: &std::path::Path| {
            std::fs::metadata(path)
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777
        };
        let sibling = output.path.with_file_name("sibling");
        std::fs::write(&sibling, b"").expect("a sibling file");
        assert_eq!(mode(&output.path), mode(&sibling));
    }
}

#[test]
fn a_profile_image_cut_short_leaves_the_existing_file_unchanged() {
    // Announces 4096 bytes, sends the first few, then closes the connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let address = listener.local_addr().expect("its address");
    let server = std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        let (stream, _) = listener.accept().expect("the CLI connects");
        let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
        let mut request = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("the request head");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            request.push(line);
        }
        let mut stream = stream;
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4096\r\n\r\n",
            )
            .and_then(|()| stream.write_all(PNG))
            .expect("the start of the answer is sent");
        request
    });
    let output = TempFile::new(
        "mattermost-cut-image",
        "ada.png",
        Some(b"the previous image"),
    );

    let run = user_apis(
        &get_image_args("ada", output.arg()),
        &[
            ("MATTERMOST_URL", &format!("http://{address}")),
            ("MATTERMOST_TOKEN", TOKEN),
        ],
        None,
    );

    let request = server.join().expect("the server thread ends");
    assert_eq!(request[0], "GET /api/v4/users/ada/image HTTP/1.1\r\n");
    assert_eq!(run.code, Some(4), "a transport failure: {run:?}");
    assert!(run.stderr.contains("cannot read the response"), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        std::fs::read(&output.path).expect("the previous file is still there"),
        b"the previous image"
    );
    assert_eq!(
        files_in(&output),
        vec!["ada.png"],
        "no temporary file is left"
    );
}

/// The names of the files in `file`'s directory.
fn files_in(file: &TempFile) -> Vec<String> {
    let dir = file
        .path
        .parent()
        .expect("a temporary file has a directory");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory can be listed")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// `user-apis mattermost get-profile-image` of `user_id` into `output`.
fn get_image_args<'a>(user_id: &'a str, output: &'a str) -> [&'a str; 6] {
    [
        "mattermost",
        "get-profile-image",
        "--user-id",
        user_id,
        "--output",
        output,
    ]
}

/// `get-profile-image --output -`, returning stdout as bytes.
fn user_apis_raw(server: &MockServer, expected_len: usize) -> Vec<u8> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_user-apis"))
        .args([
            "mattermost",
            "get-profile-image",
            "--user-id",
            "me",
            "--update-time",
            "1700000000000",
            "--output",
            "-",
        ])
        .env_clear()
        .env("MATTERMOST_URL", server.base_url())
        .env("MATTERMOST_TOKEN", TOKEN)
        .output()
        .expect("user-apis runs");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(output.stdout.len(), expected_len);
    output.stdout
}

#[test]
fn set_profile_image_uploads_the_file_as_multipart() {
    let image = TempFile::new("mattermost-upload", "ada.png", Some(PNG));
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/me/image", &[])
            .header("authorization", AUTHORIZATION)
            .header_includes("content-type", "multipart/form-data; boundary=")
            .body_includes("Content-Disposition: form-data; name=\"image\"; filename=\"ada.png\"")
            .body_includes("Content-Type: image/png")
            .body_includes("IHDR-not-really-an-image");
        then.status(200).json_body(json!({"status": "OK"}));
    });

    let run = run(
        &server,
        &[
            "mattermost",
            "set-profile-image",
            "--user-id",
            "me",
            "--image",
            image.arg(),
        ],
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json_lines(), vec![json!({"status": "OK"})]);
}

#[test]
fn create_user_without_a_token_sends_no_credential() {
    let body = json!({
        "email": "ada@example.com",
        "username": "ada",
        "password": "c0rrect-h0rse-battery"
    });
    let file = TempFile::new(
        "mattermost-create",
        "user.json",
        Some(body.to_string().as_bytes()),
    );
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users", &[("t", "invite-token")])
            .header_missing("authorization")
            .json_body(json!({
                "email": "ada@example.com",
                "username": "ada",
                "password": "c0rrect-h0rse-battery",
                "first_name": "Ada"
            }));
        then.status(201).json_body(user_json("new1"));
    });
    let url = server.base_url();

    let run = user_apis(
        &[
            "mattermost",
            "create-user",
            "--t",
            "invite-token",
            "--json-body",
            file.arg(),
            "--first-name",
            "Ada",
        ],
        &[("MATTERMOST_URL", url.as_str())],
        None,
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json_lines(), vec![user_json("new1")]);
}

#[test]
fn an_app_error_prints_its_message_and_exits_3() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, GET, "/api/v4/users/me", &[]).header("authorization", AUTHORIZATION);
        then.status(401).json_body(json!({
            "id": "api.context.session_expired.app_error",
            "message": "Invalid or expired session, please login again.",
            "detailed_error": "",
            "request_id": "r1",
            "status_code": 401
        }));
    });

    let run = run(&server, &["mattermost", "get-user", "--user-id", "me"]);

    mock.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: 401 Unauthorized: Invalid or expired session, please login again.\n"
    );
    run.assert_hides(TOKEN);
}

/// Runs `user-apis` with the server's URL, a token in the environment (which a sign-in must
/// not send) and `stdin`.
fn sign_in(server: &MockServer, args: &[&str], stdin: &str) -> crate::Run {
    let url = server.base_url();
    user_apis(
        args,
        &[
            ("MATTERMOST_URL", url.as_str()),
            ("MATTERMOST_TOKEN", TOKEN),
        ],
        Some(stdin),
    )
}

#[test]
fn login_prints_the_session_token_and_the_user() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/login", &[])
            .header_missing("authorization")
            .header("content-type", "application/json")
            // `--ldap-only true` as the server reads it: text.
            .json_body(
                json!({"login_id": "ada", "password": "c0rrect-h0rse", "ldap_only": "true"}),
            );
        then.status(200)
            .header("token", "sess-t0ken")
            .json_body(user_json("u1"));
    });

    let run = sign_in(
        &server,
        &[
            "mattermost",
            "login",
            "--json-body",
            "-",
            "--login-id",
            "ada",
            "--ldap-only",
            "true",
        ],
        r#"{"login_id": "someone-else", "password": "c0rrect-h0rse"}"#,
    );

    mock.assert();
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.json_lines(),
        vec![json!({"token": "sess-t0ken", "user": user_json("u1")})]
    );
    assert_eq!(run.stderr, "");
    run.assert_hides("c0rrect-h0rse");
}

#[test]
fn login_by_cws_token_reads_the_token_from_the_redirect_without_following_it() {
    let server = MockServer::start();
    let base = server.base_url();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/login/cws", &[])
            .header_missing("authorization")
            .header("content-type", "application/x-www-form-urlencoded")
            .form_urlencoded_tuple("login_id", "ada@example.com")
            .form_urlencoded_tuple("cws_token", "cws+token/1")
            .form_urlencoded_tuple_count(".*", ".*", 2);
        then.status(302)
            .header("location", format!("{base}/landing"))
            .header("token", "sess-from-cws");
    });
    let landing = server.mock(|when, then| {
        when.path("/landing");
        then.status(200).body("<html></html>");
    });

    let run = sign_in(
        &server,
        &["mattermost", "login-by-cws-token", "--json-body", "-"],
        r#"{"login_id": "ada@example.com", "cws_token": "cws+token/1"}"#,
    );

    mock.assert();
    landing.assert_calls(0);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.json_lines(),
        vec![json!({"token": "sess-from-cws", "user": null})]
    );
    run.assert_hides("cws+token/1");
}

#[test]
fn a_sign_in_without_a_token_or_refused_prints_nothing_on_stdout() {
    let server = MockServer::start();
    // An answer without the `Token` header: there is no session to print.
    let mut untokened = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/login", &[]);
        then.status(200).json_body(user_json("u1"));
    });
    let run = sign_in(
        &server,
        &["mattermost", "login", "--json-body", "-"],
        r#"{"login_id": "ada", "password": "pw"}"#,
    );
    untokened.assert();
    assert_eq!(run.code, Some(4), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: the server answered the sign-in without a Token header: no session\n"
    );
    untokened.delete();

    // A refused sign-in: the server's message and the API's exit code.
    server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/login", &[]);
        then.status(401).json_body(json!({
            "id": "api.user.login.invalid_credentials_email_username",
            "message": "Enter a valid email or username and/or password.",
            "status_code": 401
        }));
    });
    let run = sign_in(
        &server,
        &["mattermost", "login", "--json-body", "-"],
        r#"{"login_id": "ada", "password": "wrong"}"#,
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: 401 Unauthorized: Enter a valid email or username and/or password.\n"
    );

    // A refused CWS token: Mattermost redirects to the site without a token. The API said no,
    // so the API's exit code.
    let base = server.base_url();
    let refused = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/login/cws", &[]);
        then.status(302).header("location", format!("{base}/"));
    });
    let run = sign_in(
        &server,
        &["mattermost", "login-by-cws-token", "--json-body", "-"],
        r#"{"login_id": "ada@example.com", "cws_token": "cws-token-expired"}"#,
    );
    refused.assert();
    assert_eq!(run.code, Some(3), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: 302 Found: the server refused the CWS token (no Token header)\n"
    );
    run.assert_hides("cws-token-expired");
}

/// A new access token whose answer does not decode (an id that is no string): exit 4, with the
/// answer written to stdout as it arrived, so the token the server made is not lost.
#[test]
fn a_new_token_whose_answer_does_not_decode_is_written_as_sent() {
    const SENT: &str = r#"{"id": 5, "token": "mm-NewS3cret-xyz", "user_id": "u1"}"#;
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/u1/tokens", &[])
            .header("authorization", AUTHORIZATION)
            .json_body(json!({"description": "ci"}));
        then.status(200)
            .header("content-type", "application/json")
            .body(SENT);
    });

    let run = run(
        &server,
        &[
            "mattermost",
            "create-user-access-token",
            "--user-id",
            "u1",
            "--description",
            "ci",
        ],
    );

    mock.assert();
    assert_eq!(run.code, Some(4), "{run:?}");
    assert_eq!(run.stdout, SENT);
    assert!(
        run.stderr.starts_with(
            "error: cannot decode the response: invalid response to create_user_access_token"
        ),
        "{run:?}"
    );
}

/// A flag is named after the parameter it sends: autocomplete sends `in_team` and `in_channel`,
/// which are `--in-team` and `--in-channel` as in `list-users`. The names the flags had before
/// (`--team-id`, `--channel-id`) still parse without being shown, and the search body's field
/// names (`--in-channel-id`) are shown aliases; each spelling sends the same request.
#[test]
fn autocomplete_flags_are_named_after_what_they_send() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v4/users/autocomplete",
            &[("in_team", "t1"), ("in_channel", "c1"), ("name", "ad")],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200)
            .json_body(json!({"users": [user_json("u1")], "out_of_channel": []}));
    });

    for (team, channel) in [
        ("--in-team", "--in-channel"),
        ("--team-id", "--channel-id"),
        ("--in-team", "--in-channel-id"),
    ] {
        let run = run(
            &server,
            &[
                "mattermost",
                "autocomplete-users",
                team,
                "t1",
                channel,
                "c1",
                "--name",
                "ad",
            ],
        );
        assert_eq!(run.code, Some(0), "{team} {channel}: {run:?}");
        assert_eq!(
            run.json_lines(),
            [json!({"users": [user_json("u1")], "out_of_channel": []})]
        );
        assert_eq!(run.stderr, "");
    }
    mock.assert_calls(3);

    let help = user_apis(&["mattermost", "autocomplete-users", "--help"], &[], None);
    assert!(help.stdout.contains("--in-team <in-team>"), "{help:?}");
    assert!(
        help.stdout.contains("--in-channel <in-channel>"),
        "{help:?}"
    );
    assert!(help.stdout.contains("[alias: --in-channel-id]"), "{help:?}");
    assert!(!help.stdout.contains("--team-id"), "{help:?}");
    assert!(!help.stdout.contains("--channel-id"), "{help:?}");
}

/// `list-channel-members-for-user` sends `per_page`, as every other list: `--per-page`, and
/// its old name `--page-size` still parses.
#[test]
fn channel_members_take_per_page_as_every_list_does() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v4/users/u1/channel_members",
            &[("page", "0"), ("per_page", "5")],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200).json_body(json!([]));
    });
    for size in ["--per-page", "--page-size"] {
        let run = run(
            &server,
            &[
                "mattermost",
                "list-channel-members-for-user",
                "--user-id",
                "u1",
                "--page",
                "0",
                size,
                "5",
            ],
        );
        assert_eq!(run.code, Some(0), "{size}: {run:?}");
        assert_eq!(run.stdout, "[]\n");
    }
    mock.assert_calls(2);
}

/// The filters of `list-users` (query parameters) and of `search-users` (body fields) answer
/// to each other's names.
#[test]
fn user_filters_answer_to_the_list_and_the_search_names() {
    let server = MockServer::start();
    let list = server.mock(|when, then| {
        exact(
            when,
            GET,
            "/api/v4/users",
            &[("in_team", "t1"), ("not_in_channel", "c1")],
        )
        .header("authorization", AUTHORIZATION);
        then.status(200).json_body(json!([user_json("u1")]));
    });
    let search = server.mock(|when, then| {
        exact(when, POST, "/api/v4/users/search", &[])
            .header("authorization", AUTHORIZATION)
            .json_body(json!({"term": "ad", "team_id": "t1", "not_in_channel_id": "c1"}));
        then.status(200).json_body(json!([user_json("u1")]));
    });

    let run_list = run(
        &server,
        &[
            "mattermost",
            "list-users",
            "--team-id",
            "t1",
            "--not-in-channel-id",
            "c1",
        ],
    );
    assert_eq!(run_list.code, Some(0), "{run_list:?}");
    assert_eq!(run_list.json_lines(), [json!([user_json("u1")])]);
    let run_search = run(
        &server,
        &[
            "mattermost",
            "search-users",
            "--term",
            "ad",
            "--in-team",
            "t1",
            "--not-in-channel",
            "c1",
        ],
    );
    assert_eq!(run_search.code, Some(0), "{run_search:?}");
    assert_eq!(run_search.json_lines(), [json!([user_json("u1")])]);
    list.assert();
    search.assert();
}
