//! The provider table: the one place that lists the clients `cargo xtask codegen` writes, and
//! what each provider is beside its spec: its credentials, its rate-limit reset header and the
//! paging scheme of each list. `declare` writes the code that follows from it.

/// One provider: its spec, the client crate that receives the generated client and its typed
/// mocks, the module of the `user-apis` command-line tool generated from the same spec, and the
/// summary of the client's public API.
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// Short lowercase name, used on the command line and in file names.
    pub name: &'static str,
    /// The OpenAPI document, relative to the workspace root.
    pub spec: &'static str,
    /// The generated client file, relative to the workspace root.
    pub output: &'static str,
    /// The client crate's name as Rust code names it; the generated CLI calls its `Client`.
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

/// Every provider, in the order codegen runs them.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "gitlab",
        spec: "specs/gitlab.yaml",
        output: "crates/gitlab/src/generated.rs",
        crate_name: "user_apis_gitlab",
        cli_output: "crates/cli/src/generated/gitlab.rs",
        api: "crates/gitlab/api.txt",
        mock_output: "crates/gitlab/src/mock.rs",
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
    },
    Provider {
        name: "mattermost",
        spec: "specs/mattermost.yaml",
        output: "crates/mattermost/src/generated.rs",
        crate_name: "user_apis_mattermost",
        cli_output: "crates/cli/src/generated/mattermost.rs",
        api: "crates/mattermost/api.txt",
        mock_output: "crates/mattermost/src/mock.rs",
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
    },
    Provider {
        name: "okta",
        spec: "specs/okta.yaml",
        output: "crates/okta/src/generated.rs",
        crate_name: "user_apis_okta",
        cli_output: "crates/cli/src/generated/okta.rs",
        api: "crates/okta/api.txt",
        mock_output: "crates/okta/src/mock.rs",
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
    },
    Provider {
        name: "sendauth",
        spec: "specs/sendauth.yaml",
        output: "crates/sendauth/src/generated.rs",
        crate_name: "user_apis_sendauth",
        cli_output: "crates/cli/src/generated/sendauth.rs",
        api: "crates/sendauth/api.txt",
        mock_output: "crates/sendauth/src/mock.rs",
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
    },
];

/// Finds a provider by its name.
pub fn find(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.name == name)
}
