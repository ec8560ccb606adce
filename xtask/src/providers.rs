//! The provider table: the one place that lists the clients `cargo xtask codegen` writes.

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
    },
    Provider {
        name: "mattermost",
        spec: "specs/mattermost.yaml",
        output: "crates/mattermost/src/generated.rs",
        crate_name: "user_apis_mattermost",
        cli_output: "crates/cli/src/generated/mattermost.rs",
        api: "crates/mattermost/api.txt",
        mock_output: "crates/mattermost/src/mock.rs",
    },
    Provider {
        name: "okta",
        spec: "specs/okta.yaml",
        output: "crates/okta/src/generated.rs",
        crate_name: "user_apis_okta",
        cli_output: "crates/cli/src/generated/okta.rs",
        api: "crates/okta/api.txt",
        mock_output: "crates/okta/src/mock.rs",
    },
    Provider {
        name: "sendauth",
        spec: "specs/sendauth.yaml",
        output: "crates/sendauth/src/generated.rs",
        crate_name: "user_apis_sendauth",
        cli_output: "crates/cli/src/generated/sendauth.rs",
        api: "crates/sendauth/api.txt",
        mock_output: "crates/sendauth/src/mock.rs",
    },
];

/// Finds a provider by its name.
pub fn find(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.name == name)
}
