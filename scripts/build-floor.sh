#!/usr/bin/env bash
# Where a provider crate's build time goes against openapi-generator's client for the same
# spec: each crate whole, its types alone, and (ours) nothing but its dependencies, so that the
# share of serde's derives, which both crates have, can be read beside the rest.
#
# Every figure is a rebuild of the crate alone after `touch src/lib.rs`, without incremental
# compilation (`CARGO_INCREMENTAL=0 cargo build`), its dependencies built; the builds take
# turns, ROUNDS times (default 3). Our types alone are the `types` module of `generated.rs`
# with nothing else in the crate; openapi-generator's are its `models` module, without `apis`.
# The crate's sources are swapped in place for those builds and put back on exit, whatever
# happens. Needs what `scripts/build-cost.sh` needs for openapi-generator (it installs it).
# Run from anywhere: `scripts/build-floor.sh [provider ...]` (default: gitlab sendauth).
set -euo pipefail
cd "$(dirname "$0")/.."

providers=("$@")
[ ${#providers[@]} -gt 0 ] || providers=(gitlab sendauth)

. scripts/openapi-generator.sh
install_openapi_generator

work=$(mktemp -d)
saved="$work/saved"
mkdir -p "$saved"
restore() {
    for p in "${providers[@]}"; do
        [ -f "$saved/$p.lib.rs" ] && cp "$saved/$p.lib.rs" "crates/$p/src/lib.rs"
        [ -f "$saved/$p.generated.rs" ] && cp "$saved/$p.generated.rs" "crates/$p/src/generated.rs"
    done
    rm -rf "$work"
}
trap restore EXIT

# The seconds a rebuild of the crate in `$1` (cargo arguments after it) takes.
rebuild() { # DIR [CARGO ARGS]
    local dir=$1 start end
    shift
    touch "$dir/src/lib.rs"
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_INCREMENTAL=0 cargo build -q "$@")
    end=$(date +%s.%N)
    printf '%.2f' "$(echo "$end - $start" | bc)"
}

# The `pub mod types { .. }` item of a generated client, on standard output.
types_module() { # FILE
    python3 - "$1" <<'EOF'
import sys
text = open(sys.argv[1]).read()
start = text.index("pub mod types {")
depth = 0
for end in range(start, len(text)):
    depth += {"{": 1, "}": -1}.get(text[end], 0)
    if depth == 0 and text[end] == "}":
        break
print(text[start:end + 1])
EOF
}

echo "machine: $(nproc) cores, $(rustc --version), openapi-generator $OAG_VERSION"
echo "rebuilds of a crate alone (touch src/lib.rs; CARGO_INCREMENTAL=0 cargo build), in seconds"
printf '%-10s %5s  %10s %10s  %10s %10s %10s\n' provider round "oag whole" "oag types" \
    "ours whole" "ours types" "ours empty"
for p in "${providers[@]}"; do
    oag="$work/oag/$p"
    generate_openapi_client "$p" "$oag"
    oag_target="$work/oag-target"
    (cd "$oag" && CARGO_TARGET_DIR="$oag_target" cargo build -q --no-default-features)
    cargo build -q -p "user-apis-$p"
    cp "crates/$p/src/lib.rs" "$saved/$p.lib.rs"
    cp "crates/$p/src/generated.rs" "$saved/$p.generated.rs"
    types_module "$saved/$p.generated.rs" > "$work/$p.types.rs"
    cp "$oag/src/lib.rs" "$work/$p.oag-lib.rs"
    sed 's/^pub mod apis;/\/\/ pub mod apis;/' "$work/$p.oag-lib.rs" > "$work/$p.oag-models-lib.rs"
    for round in $(seq "${ROUNDS:-3}"); do
        cp "$work/$p.oag-lib.rs" "$oag/src/lib.rs"
        oag_whole=$(CARGO_TARGET_DIR="$oag_target" rebuild "$oag" --no-default-features)
        cp "$work/$p.oag-models-lib.rs" "$oag/src/lib.rs"
        oag_types=$(CARGO_TARGET_DIR="$oag_target" rebuild "$oag" --no-default-features)
        cp "$saved/$p.lib.rs" "crates/$p/src/lib.rs"
        cp "$saved/$p.generated.rs" "crates/$p/src/generated.rs"
        ours_whole=$(rebuild "crates/$p")
        printf '#![allow(dead_code, missing_docs)]\npub mod generated;\n' > "crates/$p/src/lib.rs"
        cp "$work/$p.types.rs" "crates/$p/src/generated.rs"
        ours_types=$(rebuild "crates/$p")
        printf '#![allow(dead_code, missing_docs)]\n' > "crates/$p/src/lib.rs"
        ours_empty=$(rebuild "crates/$p")
        cp "$saved/$p.lib.rs" "crates/$p/src/lib.rs"
        cp "$saved/$p.generated.rs" "crates/$p/src/generated.rs"
        printf '%-10s %5d  %10s %10s  %10s %10s %10s\n' "$p" "$round" "$oag_whole" "$oag_types" \
            "$ours_whole" "$ours_types" "$ours_empty"
    done
done
