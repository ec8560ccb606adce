//! The workspace's integration tests: every client against local `httpmock` servers.

mod body_memory;
mod budget;
mod builders;
mod concurrency;
mod fuzz;
mod gitlab;
mod hostile;
mod mattermost;
mod okta;
mod pacing;
mod sendauth;
mod traces;
mod typed_mocks;
mod walks;
