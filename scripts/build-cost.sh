#!/usr/bin/env bash
# Build cost of each provider crate (issue 7, goal 4) and the time of `cargo xtask codegen` (goal 5).
#
# For each provider it prints the clean build time of that crate alone, its dependencies
# already built (`cargo build -p user-apis-<p>` after `cargo clean -p user-apis-<p>`), the
# lines of its generated code, and how many packages the facade pulls in with only that
# provider's feature (`cargo tree -p user-apis --no-default-features --features <p> -e
# normal,build`: dev-dependencies left out, each package counted once, the facade itself
# included), without TLS and with the default rustls. Then it times the code generator for
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

cargo build -q -p xtask
start=$(seconds)
cargo run -q -p xtask -- codegen > /dev/null
end=$(seconds)
printf 'cargo xtask codegen (all providers, xtask built): %.1f s\n' "$(echo "$end - $start" | bc)"
