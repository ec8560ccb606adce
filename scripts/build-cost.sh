#!/usr/bin/env bash
# Build cost, in one run: each provider crate built alone against openapi-generator's Rust
# client for the same spec, a one-provider service against the same call written by hand, the
# generated lines and the packages each one-provider service pulls in, and the time of
# `cargo xtask codegen`.
#
# Builds that are compared take turns, ROUNDS times (default 2), since a machine's speed drifts.
# A provider crate is timed alone, its dependencies already built (`cargo build` after
# `cargo clean -p <crate>`). Package counts are what the facade pulls in with only that
# provider's feature (`cargo tree -e normal,build`: dev-dependencies left out, each package
# once, the facade included), without TLS and with the default rustls. The script installs
# what it lacks (openapi-generator from PyPI, a Java runtime from Debian) and needs the
# network for that and for the generated crates' dependencies. Run from anywhere:
# `scripts/build-cost.sh`. It honours CARGO_BUILD_JOBS like any cargo command.
set -euo pipefail
cd "$(dirname "$0")/.."

providers=(gitlab mattermost okta sendauth)

seconds() { date +%s.%N; }

# Packages the facade pulls in with these features, each counted once.
count_deps() {
    cargo tree -q -p user-apis --no-default-features --features "$1" -e normal,build --prefix none \
        | sed 's/ (\*)$//' | sort -u | wc -l
}

# openapi-generator's Rust client for the same specs, the comparison for a provider crate built
# alone (installed when missing).
. scripts/openapi-generator.sh
install_openapi_generator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in "${providers[@]}"; do
    generate_openapi_client "$p" "$work/oag/$p"
done

echo "machine: $(nproc) cores, $(rustc --version), openapi-generator $OAG_VERSION"
echo
echo "each provider crate built alone (its dependencies built), clean dev builds, taking turns"
echo "(openapi-generator's crate without TLS features: they change its dependencies only)"
echo "provider    round  ours (s)  openapi-generator (s)  ratio"
# Builds the crate in `$2` (cargo arguments in `$3`) with its dependencies first, then cleans
# and times the crate alone: prints seconds, or "fails" when it does not compile.
crate_alone() { # DIR PACKAGE [CARGO ARGS]
    local dir=$1 package=$2 start end
    shift 2
    (cd "$dir" && cargo build -q "$@" > /dev/null 2>&1) || { echo fails; return; }
    (cd "$dir" && cargo clean -q -p "$package")
    start=$(seconds)
    (cd "$dir" && cargo build -q "$@")
    end=$(seconds)
    echo "$end - $start" | bc
}
for p in "${providers[@]}"; do
    for round in $(seq "${ROUNDS:-2}"); do
        ours=$(crate_alone . "user-apis-$p" -p "user-apis-$p")
        theirs=$(CARGO_TARGET_DIR="$work/oag/target" crate_alone "$work/oag/$p" "$p-oag" --no-default-features)
        if [ "$theirs" = fails ]; then
            printf '%-11s %5d  %8.1f  %21s  %5s\n' "$p" "$round" "$ours" "does not compile" "-"
        else
            printf '%-11s %5d  %8.1f  %21.1f  %5.2f\n' "$p" "$round" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
        fi
    done
done
echo
echo "provider    generated lines (ours)  (openapi-generator)  facade deps (no TLS)  facade deps (+rustls)"
for p in "${providers[@]}"; do
    lines=$(wc -l < "crates/$p/src/generated.rs")
    theirs=$(cat $(find "$work/oag/$p/src" -name '*.rs') | wc -l)
    printf '%-11s %22d  %19d  %20d  %21d\n' "$p" "$lines" "$theirs" "$(count_deps "$p")" "$(count_deps "$p,rustls")"
done
echo

# A service that depends on the facade with one provider and makes one call, against a bare
# service that makes the same call by hand with reqwest (default features), tokio and
# serde_json. Each is its own package outside the workspace, with the workspace's lock file
# (the same versions of shared packages), built clean in a target directory of its own in the
# dev profile; the two take turns, ROUNDS times (default 2).
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
