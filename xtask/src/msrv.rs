//! The minimum supported Rust version, checked without that toolchain: every package in
//! `Cargo.lock` that this platform builds must declare a `rust-version` no newer than the
//! workspace's.
//!
//! CI also builds the workspace with the MSRV toolchain itself when it has it (`.ci/run`).
//! This test runs everywhere, with any toolchain, so that a dependency update which raises the
//! real minimum fails `cargo test` even on a machine that has only the current toolchain.
//! What our own code uses of the standard library is checked by clippy's `incompatible_msrv`
//! lint, which reads the same `rust-version`.

use std::process::Command;

use serde_json::Value;

/// A `rust-version` as comparable numbers: `1.89` is `[1, 89, 0]`.
fn version(text: &str) -> Option<[u64; 3]> {
    let mut parts = text.split('.').map(str::parse::<u64>);
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    let patch = parts.next().unwrap_or(Ok(0)).ok()?;
    Some([major, minor, patch])
}

/// The platform this machine builds for (`x86_64-unknown-linux-gnu`). Cargo's own
/// `--filter-platform host-tuple` is not understood by the 1.89 toolchain this workspace
/// supports; `rustc --print host-tuple` is.
fn host() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .args(["--print", "host-tuple"])
        .output()
        .expect("rustc runs");
    String::from_utf8(output.stdout)
        .expect("rustc prints the host as text")
        .trim()
        .to_string()
}

/// `cargo metadata` of the workspace, from the lock file and the local cache only.
///
/// For this machine's platform only: the build downloads the packages it needs here, and
/// those are all a fresh machine has. The lock file also lists packages of other platforms
/// (Windows, WebAssembly, Android), which `cargo metadata` without `--filter-platform` would
/// have to download, and offline cannot.
fn metadata() -> Value {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host()])
        .current_dir(crate::codegen::workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

#[test]
fn no_dependency_needs_a_newer_rust_than_the_workspace_declares() {
    let metadata = metadata();
    let packages = metadata["packages"].as_array().expect("a package list");
    let members = metadata["workspace_members"]
        .as_array()
        .expect("a member list");
    let is_member = |package: &Value| members.contains(&package["id"]);

    let declared: Vec<&str> = packages
        .iter()
        .filter(|package| is_member(package))
        .filter_map(|package| package["rust_version"].as_str())
        .collect();
    let msrv = declared
        .first()
        .copied()
        .expect("the workspace declares a rust-version");
    assert!(
        declared.iter().all(|v| *v == msrv),
        "every member inherits one rust-version: {declared:?}"
    );
    let limit = version(msrv).expect("a numeric rust-version");

    let too_new: Vec<String> = packages
        .iter()
        .filter(|package| !is_member(package))
        .filter_map(|package| {
            let needs = package["rust_version"].as_str()?;
            (version(needs)? > limit).then(|| {
                format!(
                    "{} {} needs Rust {needs}",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "the workspace declares rust-version {msrv}, but:\n  {}\nPin an older version \
         (`cargo update -p NAME --precise VERSION`) or raise rust-version and say so in \
         CHANGELOG.md.",
        too_new.join("\n  ")
    );
}

#[test]
fn versions_compare_by_number() {
    assert_eq!(version("1.89"), Some([1, 89, 0]));
    assert!(version("1.100") > version("1.89.1"));
    assert_eq!(version("1.x"), None);
}
