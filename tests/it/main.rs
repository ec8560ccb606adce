//! The workspace's integration tests: every client against local `httpmock` servers.

mod body_memory;
mod budget;
mod builders;
mod concurrency;
mod directory;
mod fuzz;
mod gitlab;
mod hostile;
mod mattermost;
mod okta;
mod pacing;
mod per_call;
mod providers;
mod rate_limits;
mod secrets;
mod sendauth;
mod streams;
mod traces;
mod typed_mocks;
mod walks;
