//! The provider table: the one place that lists the clients `cargo xtask codegen` writes.

/// One generated client: its spec and the crate that receives the code.
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// Short lowercase name, used on the command line and in file names.
    pub name: &'static str,
    /// The OpenAPI document, relative to the workspace root.
    pub spec: &'static str,
    /// The generated client file, relative to the workspace root.
    pub output: &'static str,
}

/// Every provider, in the order codegen runs them.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "gitlab",
        spec: "specs/gitlab.yaml",
        output: "crates/gitlab/src/generated.rs",
    },
    Provider {
        name: "mattermost",
        spec: "specs/mattermost.yaml",
        output: "crates/mattermost/src/generated.rs",
    },
    Provider {
        name: "okta",
        spec: "specs/okta.yaml",
        output: "crates/okta/src/generated.rs",
    },
    Provider {
        name: "sendauth",
        spec: "specs/sendauth.yaml",
        output: "crates/sendauth/src/generated.rs",
    },
];

/// Finds a provider by its name.
pub fn find(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.name == name)
}
