#!/usr/bin/env bash
# Build cost: each provider crate, a one-provider service against the same call written by
# hand, and the time of `cargo xtask codegen`.
#
# For each provider it prints the clean build time of that crate alone, its dependencies
# already built (`cargo build -p user-apis-<p>` after `cargo clean -p user-apis-<p>`), the
# lines of its generated code, and how many packages the facade pulls in with only that
# provider's feature (`cargo tree -p user-apis --no-default-features --features <p> -e
# normal,build`: dev-dependencies left out, each package counted once, the facade itself
# included), without TLS and with the default rustls. Then it builds a one-provider service
# and a bare one making the same call by hand (see below), and times the code generator for
# every provider, with xtask already built. Run from anywhere: `scripts/build-cost.sh`.
# It honours CARGO_TARGET_DIR and CARGO_BUILD_JOBS like any cargo command.
set -euo pipefail
cd "$(dirname "$0")/.."

providers=(gitlab mattermost okta sendauth)

seconds() { date +%s.%N; }

# Packages the facade pulls in with these features, each counted once.
count_deps() {
    cargo tree -q -p user-apis --no-default-features --features "$1" -e normal,build --prefix none \
        | sed 's/ (\*)$//' | sort -u | wc -l
}

echo "machine: $(nproc) cores, $(rustc --version)"
echo "provider    clean build (s)  generated lines  facade deps (no TLS)  facade deps (+rustls)"
for p in "${providers[@]}"; do
    # Build everything the crate needs first, so only the crate itself is timed.
    cargo build -q -p "user-apis-$p"
    cargo clean -q -p "user-apis-$p"
    start=$(seconds)
    cargo build -q -p "user-apis-$p"
    end=$(seconds)
    lines=$(wc -l < "crates/$p/src/generated.rs")
    bare=$(count_deps "$p")
    tls=$(count_deps "$p,rustls")
    printf '%-11s %15.1f  %15d  %20d  %21d\n' "$p" "$(echo "$end - $start" | bc)" "$lines" "$bare" "$tls"
done

# A service that depends on the facade with one provider and makes one call, against a bare
# service that makes the same call by hand with reqwest (default features), tokio and
# serde_json. Each is its own package outside the workspace, with the workspace's lock file
# (the same versions of shared packages), built clean in a target directory of its own in the
# dev profile; the two take turns, ROUNDS times (default 2).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
service() { # NAME DEPENDENCIES MAIN
    mkdir -p "$work/$1/src"
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\n%s\n' \
        "$1" "$2" > "$work/$1/Cargo.toml"
    printf '%s\n' "$3" > "$work/$1/src/main.rs"
    cp Cargo.lock "$work/$1/"
}
tokio_dep='tokio = { version = "1", features = ["macros", "rt-multi-thread"] }'
service with-user-apis "user-apis = { path = \"$PWD/crates/user-apis\", features = [\"okta\"] }
$tokio_dep" '#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = user_apis::okta::Client::with_api_token("https://example.okta.com", "00a-token")?;
    let user = client.get_user().user_id("00u1").send().await?;
    println!("{:?}", user.status);
    Ok(())
}'
service by-hand "reqwest = { version = \"0.13\", features = [\"json\"] }
serde_json = \"1\"
$tokio_dep" '#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let user: serde_json::Value = reqwest::Client::new()
        .get("https://example.okta.com/api/v1/users/00u1")
        .header("authorization", "SSWS 00a-token")
        .header("accept", "application/json")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{:?}", user["status"]);
    Ok(())
}'
# Fetch both sets of sources first, so the timings are builds only.
for name in with-user-apis by-hand; do
    (cd "$work/$name" && cargo fetch -q)
done
clean_build() { # NAME: prints seconds
    rm -rf "$work/target-$1"
    local start end
    start=$(seconds)
    (cd "$work/$1" && CARGO_TARGET_DIR="$work/target-$1" cargo build -q)
    end=$(seconds)
    echo "$end - $start" | bc
}
packages() { (cd "$work/$1" && cargo tree -q -e normal,build --prefix none) | sed 's/ (\*)$//' | sort -u | wc -l; }
echo
echo "one-provider service (okta) against the same call by hand, clean dev builds, taking turns"
echo "round  with user-apis (s)  by hand (s)  ratio"
for round in $(seq "${ROUNDS:-2}"); do
    ours=$(clean_build with-user-apis)
    theirs=$(clean_build by-hand)
    printf '%5d  %18.1f  %11.1f  %5.2f\n' "$round" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
done
echo "packages: with user-apis $(packages with-user-apis), by hand $(packages by-hand)"
echo

cargo build -q -p xtask
start=$(seconds)
cargo run -q -p xtask -- codegen > /dev/null
end=$(seconds)
printf 'cargo xtask codegen (all providers, xtask built): %.1f s\n' "$(echo "$end - $start" | bc)"
