#!/usr/bin/env bash
# Per-call time of two builds compared fairly: `scripts/per-call-ab.sh <rev-a> <rev-b> [runs]`.
#
# Builds the `per_call_count` benchmark at each git revision (a worktree each, sharing this
# checkout's target directory for dependencies), then runs the two binaries' `interleaved
# 20000 50` one after the other, `runs` times each (6 unless given), and prints every run's
# generated / raw and generated / configured ratios, then per build their medians and how many
# runs were over 1.05x. The machine's speed drifts by a percent or two between batches of
# runs, more than many changes are worth; taking turns exposes both builds to the same drift,
# where two batches run minutes apart can rank them either way.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { echo "usage: scripts/per-call-ab.sh <rev-a> <rev-b> [runs]" >&2; exit 2; }
runs=${3:-6}
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
out=$(mktemp -d)
trap 'git worktree remove --force "$out/tree" 2>/dev/null || true; rm -rf "$out"' EXIT

for side in a b; do
    rev=$([ "$side" = a ] && echo "$1" || echo "$2")
    git worktree add -q --detach "$out/tree" "$rev"
    (cd "$out/tree" && export CARGO_TARGET_DIR="$target" && . scripts/per-call-binary.sh && cp "$binary" "$out/$side")
    git worktree remove --force "$out/tree"
done

for _ in $(seq "$runs"); do
    for side in a b; do
        "$out/$side" interleaved 20000 50 | tr '\n' ' ' |
            sed -E "s/.*raw +([0-9.]+) µs +configured +([0-9.]+) µs.*generated +([0-9.]+) µs.*/$side \1 \2 \3/"
        echo
    done
done | awk -v a="$1" -v b="$2" '
    function median(list, n,    i, j, t) { # sorts list[1..n] in place
        for (i = 2; i <= n; i++) for (j = i; j > 1 && list[j-1] > list[j]; j--) {
            t = list[j]; list[j] = list[j-1]; list[j-1] = t
        }
        return n % 2 ? list[(n+1)/2] : (list[n/2] + list[n/2+1]) / 2
    }
    {
        side = $1; n[side]++
        gr[side, n[side]] = $4 / $2; gc[side, n[side]] = $4 / $3
        if ($4 / $2 > 1.05) over[side]++
        printf "%s  generated / raw %.3fx  generated / configured %.3fx\n", ($1 == "a" ? a : b), $4 / $2, $4 / $3
    }
    END {
        for (s = 0; s < 2; s++) {
            side = s ? "b" : "a"
            for (i = 1; i <= n[side]; i++) { r[i] = gr[side, i]; c[i] = gc[side, i] }
            printf "%s  median generated / raw %.3fx, generated / configured %.3fx; over 1.05x: %d of %d\n",
                (s ? b : a), median(r, n[side]), median(c, n[side]), over[side] + 0, n[side]
        }
    }'
