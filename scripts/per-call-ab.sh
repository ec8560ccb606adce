#!/usr/bin/env bash
# Per-call time of two builds compared fairly: `scripts/per-call-ab.sh <rev-a> <rev-b> [runs]`.
#
# Builds the `per_call_count` benchmark at each git revision (a worktree each, sharing this
# checkout's target directory for dependencies), then runs the two binaries' `interleaved
# 20000 50` one after the other, `runs` times each (6 unless given), and prints every run's
# generated / raw and generated / configured ratios, then per build their medians and how many
# runs were over 1.05x. The machine's speed drifts by a percent or two between batches of
# runs, more than many changes are worth; taking turns exposes both builds to the same drift,
# where two batches run minutes apart can rank them either way. A revision needs the run
# length of `interleaved` (68baf7b and later).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { echo "usage: scripts/per-call-ab.sh <rev-a> <rev-b> [runs]" >&2; exit 2; }
runs=${3:-6}
scripts=$PWD/scripts
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
out=$(mktemp -d)
trap 'git worktree remove --force "$out/tree" 2>/dev/null || true; rm -rf "$out"' EXIT

. "$scripts/per-call-common.sh"
build() { # revision name -> the revision's benchmark binary at $out/name
    git worktree add -q --detach "$out/tree" "$1"
    (cd "$out/tree" && export CARGO_TARGET_DIR="$target" && build_per_call_binary &&
        cp "$binary" "$out/$2")
    git worktree remove --force "$out/tree"
}
build "$1" a
build "$2" b

# One line per run: a or b, generated / raw, generated / configured.
for _ in $(seq "$runs"); do
    for side in a b; do
        "$out/$side" interleaved 20000 50 | tr '\n' ' ' |
            sed -E "s/.*raw +([0-9.]+) µs +configured +([0-9.]+) µs.*generated +([0-9.]+) µs.*/$side \1 \2 \3\n/" |
            awk '{ print $1, $4 / $2, $4 / $3 }'
    done
done | tee "$out/runs" | awk -v a="$1" -v b="$2" '{
    printf "%s  generated / raw %.3fx  generated / configured %.3fx\n", ($1 == "a" ? a : b), $2, $3
}'

for side in a b; do
    of() { awk -v side="$side" -v field="$1" '$1 == side { print $field }' "$out/runs"; }
    printf '%s  median generated / raw %.3fx, generated / configured %.3fx; over 1.05x: %d of %d\n' \
        "$([ "$side" = a ] && echo "$1" || echo "$2")" "$(of 2 | median)" "$(of 3 | median)" \
        "$(of 2 | awk '$1 > 1.05' | wc -l)" "$runs"
done
