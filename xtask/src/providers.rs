//! The provider table: the one place that lists the clients `cargo xtask codegen` writes, and
//! what each provider is beside its spec: its credentials, its rate-limit reset header, the
//! paging scheme of each list, its crate's metadata and where the command line finds its server
//! and credential. `declare` writes the code that follows from a row, `table` what follows from
//! the whole table (manifests, the facade's modules, the command line's providers).

/// One provider: its spec, the client crate that receives the generated client and its typed
/// mocks, the module of the `user-apis` command-line tool generated from the same spec, and the
/// summary of the client's public API. The paths follow from the name (the `provider!` macro below).
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// Short lowercase name, used on the command line and in file names.
    pub name: &'static str,
    /// The provider's name as people write it (`GitLab`), in the facade's documentation.
    pub display: &'static str,
    /// The API the client speaks (`GitLab Users API (REST v4)`): the command's one-line help
    /// and, in the crate's description, what the client is for.
    pub about: &'static str,
    /// The client crate's keywords on crates.io.
    pub keywords: &'static [&'static str],
    /// What the client crate's hand-written modules need beyond what every client crate
    /// depends on (`[dependencies]` of the workspace's): a dependency named again adds features.
    pub dependencies: &'static [Dependency],
    /// The OpenAPI document, relative to the workspace root.
    pub spec: &'static str,
    /// The generated client file, relative to the workspace root.
    pub output: &'static str,
    /// The client crate's name as Rust code names it (the command line reaches the crate
    /// through the facade, as `user_apis::<name>`).
    pub crate_name: &'static str,
    /// The generated CLI module (in `crates/cli`), relative to the workspace root.
    pub cli_output: &'static str,
    /// The summary of the client's public API, relative to the workspace root.
    pub api: &'static str,
    /// The generated `httpmock` helpers (the client crate's `mock` module), relative to the
    /// workspace root.
    pub mock_output: &'static str,
    /// The credentials the client's constructors take.
    pub auth: &'static [Auth],
    /// The header in which the provider says when its rate limit resets.
    pub reset: Option<Reset>,
    /// How the provider's lists page, and which lists do.
    pub paging: Paging,
    /// The function that gives the path template of an operation, for the request's trace:
    /// the generated one, unless the crate adds operations of its own.
    pub path_template: &'static str,
    /// Groups of wire names (parameters and body fields) that mean the same thing in every
    /// operation of the provider: each command's flag for one of them also answers to the
    /// others, unless the command has a flag of that name.
    pub flag_synonyms: &'static [&'static [&'static str]],
    /// The provider on the command line.
    pub cli: Cli,
}

/// A dependency of a client crate, from the workspace's `[dependencies]`.
#[derive(Debug, Clone, Copy)]
pub struct Dependency {
    /// The package.
    pub name: &'static str,
    /// The features it needs here.
    pub features: &'static [&'static str],
    /// Why, as the comment above it.
    pub why: &'static str,
}

/// The provider on the command line: where its server and credential come from.
#[derive(Debug, Clone, Copy)]
pub struct Cli {
    /// The variable that holds the server's root URL when `--base-url` is not given.
    pub url: Var,
    /// The variables the credential is read from, in the order the constructor takes them.
    pub credential: &'static [Var],
    /// The `Client` constructor that takes `(config, credential...)`, such as `with_token`.
    pub constructor: &'static str,
    /// For a provider whose auth includes [`Auth::None`]: the constructor without a
    /// credential, used when the (one) credential variable is unset or empty.
    pub anonymous: Option<&'static str>,
    /// The operations whose `304 Not Modified` means that nothing changed, which the command
    /// notes on stderr instead of failing.
    pub unchanged: &'static [&'static str],
    /// The hand-written module (under `crates/cli/src/`) with the provider's `command()` and
    /// `run()`, for a provider with commands of its own; else both are generated.
    pub commands: Option<&'static str>,
}

/// An environment variable the command line reads, and its line in `--help`.
#[derive(Debug, Clone, Copy)]
pub struct Var {
    /// The variable.
    pub name: &'static str,
    /// What it holds, as the provider's `Environment:` help says.
    pub help: &'static str,
}

/// A kind of credential a provider accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// A token in a header of its own, such as `PRIVATE-TOKEN`.
    Header(&'static str),
    /// `Authorization: <scheme> <token>`, with a scheme other than `Bearer`.
    Scheme(&'static str),
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// HTTP basic auth.
    Basic,
    /// No credential at all, for the operations that need none.
    None,
}

/// The header in which a provider gives the time its rate limit resets, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    /// The Unix time of the reset.
    EpochSeconds(&'static str),
    /// The seconds left until the reset.
    DeltaSeconds(&'static str),
}

/// The paging scheme of a provider's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `page` from 1 and `per_page`; the next page in `X-Next-Page` or `Link`, the last in
    /// `X-Total-Pages`.
    NextPage {
        /// The largest page the server sends.
        max_size: u64,
    },
    /// `page` from 0 and a page size; the first page shorter than the size is the last.
    ShortPage {
        /// The page size the server uses when a request names none.
        default_size: i32,
        /// The largest page the server sends, whatever a request asks for.
        max_size: i32,
    },
    /// `after` cursors from the `Link` header's `rel="next"`.
    LinkCursor,
    /// `page` from 1 and a page size; each page body holds its items and the list's total.
    Total {
        /// The largest page the server sends.
        max_size: u64,
        /// The field of a page body that holds its items.
        items: &'static str,
        /// The field of a page body that holds the total.
        total: &'static str,
    },
}

/// How a provider's lists page.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// The scheme every list of the provider follows.
    pub scheme: Scheme,
    /// The lists that page.
    pub lists: &'static [List],
}

/// One list that pages: its operation, and the builder field that sets its page size.
#[derive(Debug, Clone, Copy)]
pub struct List {
    /// The operationId.
    pub operation: &'static str,
    /// The builder field of the page size (`per_page` unless named otherwise).
    pub size: &'static str,
}

/// A list whose page size is `per_page`.
const fn list(operation: &'static str) -> List {
    List {
        operation,
        size: "per_page",
    }
}

/// A [`Provider`] named `$name`, whose paths follow from its name, with the other fields given.
macro_rules! provider {
    ($name:literal { $($field:ident: $value:expr),* $(,)? }) => {
        Provider {
            name: $name,
            spec: concat!("specs/", $name, ".yaml"),
            output: concat!("crates/", $name, "/src/generated.rs"),
            crate_name: concat!("user_apis_", $name),
            cli_output: concat!("crates/cli/src/generated/", $name, ".rs"),
            api: concat!("crates/", $name, "/api.txt"),
            mock_output: concat!("crates/", $name, "/src/mock.rs"),
            $($field: $value),*
        }
    };
}

/// Every provider, in the order codegen runs them.
pub const PROVIDERS: &[Provider] = &[
    provider!("gitlab" {
        display: "GitLab",
        about: "GitLab Users API (REST v4)",
        keywords: &["gitlab", "users", "openapi", "client"],
        dependencies: &[],
        auth: &[Auth::Header("private-token"), Auth::Bearer],
        reset: Some(Reset::EpochSeconds("ratelimit-reset")),
        paging: Paging {
            scheme: Scheme::NextPage { max_size: 100 },
            lists: &[
                list("list_users"),
                list("list_user_followers"),
                list("list_user_following"),
                list("list_user_emails"),
                list("list_user_gpg_keys"),
                list("list_user_ssh_keys"),
                list("list_user_project_deploy_keys"),
                list("list_user_memberships"),
                list("list_impersonation_tokens"),
            ],
        },
        path_template: "generated::path_template",
        // The user in a path is `id` in some operations and `user_id` in others.
        flag_synonyms: &[&["id", "user_id"]],
        cli: Cli {
            url: Var {
                name: "GITLAB_URL",
                help: "the instance's root URL, such as https://gitlab.example.com (or --base-url)",
            },
            credential: &[Var {
                name: "GITLAB_TOKEN",
                help: "a personal, project, group or impersonation access token, sent as \
                       PRIVATE-TOKEN; never printed",
            }],
            constructor: "with_private_token",
            anonymous: None,
            // The client crate reads that 304 with `send_or_unchanged` (`follow.rs`).
            unchanged: &["follow_user", "unfollow_user"],
            commands: None,
        },
    }),
    provider!("mattermost" {
        display: "Mattermost",
        about: "Mattermost Users API (v4)",
        keywords: &["mattermost", "users", "chat", "openapi", "client"],
        dependencies: &[
            Dependency {
                name: "reqwest",
                features: &["multipart"],
                why: "`multipart` builds the profile image upload, the one operation written by \
                      hand.",
            },
            Dependency {
                name: "futures-util",
                features: &[],
                why: "",
            },
        ],
        auth: &[Auth::Bearer, Auth::None],
        reset: Some(Reset::DeltaSeconds("x-ratelimit-reset")),
        paging: Paging {
            scheme: Scheme::ShortPage {
                default_size: 60,
                max_size: 200,
            },
            lists: &[
                list("list_users"),
                list("list_user_access_tokens"),
                list("list_user_access_tokens_for_user"),
                // Its page size, `page_size` in Rust, is sent as `per_page`.
                List {
                    operation: "list_channel_members_for_user",
                    size: "page_size",
                },
            ],
        },
        // The hand-written profile image upload is an operation too.
        path_template: "image::path_template",
        // The filters of the lists of users are query parameters, and those of the search
        // body fields with an `_id` (and `team_id` for `in_team`).
        flag_synonyms: &[
            &["in_team", "team_id"],
            &["not_in_team", "not_in_team_id"],
            &["in_channel", "in_channel_id"],
            &["not_in_channel", "not_in_channel_id"],
            &["in_group", "in_group_id"],
        ],
        cli: Cli {
            url: Var {
                name: "MATTERMOST_URL",
                help: "the server's root URL, such as https://chat.example.com (or --base-url)",
            },
            credential: &[Var {
                name: "MATTERMOST_TOKEN",
                help: "a personal access token or session token, sent as a bearer token; never \
                       printed. Without it requests carry no credential, as sign-up and \
                       password resets need.",
            }],
            constructor: "with_token",
            anonymous: Some("without_auth"),
            unchanged: &[],
            // Sign-in, which prints the session's token, and the hand-written upload.
            commands: Some("providers::mattermost"),
        },
    }),
    provider!("okta" {
        display: "Okta",
        about: "Okta Users API",
        keywords: &["okta", "users", "identity", "openapi", "client"],
        dependencies: &[],
        auth: &[Auth::Scheme("SSWS"), Auth::Bearer],
        reset: Some(Reset::EpochSeconds("x-rate-limit-reset")),
        paging: Paging {
            scheme: Scheme::LinkCursor,
            lists: &[
                list("list_users"),
                list("list_user_groups"),
                list("list_group_targets_for_role"),
            ],
        },
        path_template: "generated::path_template",
        flag_synonyms: &[],
        cli: Cli {
            url: Var {
                name: "OKTA_ORG_URL",
                help: "the org's URL, such as https://your-org.okta.com (or --base-url)",
            },
            credential: &[Var {
                name: "OKTA_API_TOKEN",
                help: "an API token, sent as `Authorization: SSWS <token>`; never printed",
            }],
            constructor: "with_api_token",
            anonymous: None,
            unchanged: &[],
            commands: None,
        },
    }),
    provider!("sendauth" {
        display: "SendAuth",
        about: "SendAuth Users API",
        keywords: &["sendauth", "passkeys", "users", "openapi", "client"],
        dependencies: &[],
        auth: &[Auth::Basic],
        reset: None,
        paging: Paging {
            scheme: Scheme::Total {
                max_size: 100,
                items: "rows",
                total: "total",
            },
            lists: &[
                list("list_users"),
                list("list_deleted_users"),
                list("get_user_audits"),
                list("get_user_transactions"),
            ],
        },
        path_template: "generated::path_template",
        flag_synonyms: &[],
        cli: Cli {
            url: Var {
                name: "SENDAUTH_URL",
                help: "the server's root URL, such as https://app.sendauth.com (or --base-url)",
            },
            credential: &[
                Var {
                    name: "SENDAUTH_USERNAME",
                    help: "the API user, sent with the password as HTTP basic auth",
                },
                Var {
                    name: "SENDAUTH_PASSWORD",
                    help: "the API user's password; never printed",
                },
            ],
            constructor: "with_basic_auth",
            anonymous: None,
            unchanged: &[],
            commands: None,
        },
    }),
];

/// Finds a provider by its name.
pub fn find(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.name == name)
}
