#!/usr/bin/env bash
# Per-call overhead in instructions: the generated Okta client against raw reqwest + serde_json,
# counted by callgrind (valgrind) over 1,200 minus 200 sequential get_user calls. The counts
# repeat exactly for the same binary, so the ratio does not move with machine load.
#
# With `--cache`, cachegrind also simulates the caches and branch predictor and prints, per
# call, the instruction-cache misses, data-cache misses (reads and writes) and mispredicted
# branches: the costs of a call that an instruction count does not show. It then prints where
# the generated call's extra misses are, by function: the generated call's counts less the raw
# call's, per call (`cg_diff` of the two runs of 1,200 less the two runs of 200): the functions
# with the largest differences in instruction-cache misses, then in data-cache write misses,
# either way (a negative figure is a cost of the raw call that the generated call does not pay).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "valgrind is required" >&2; exit 1; }
. scripts/per-call-common.sh
build_per_call_binary

if [ "${1:-}" = "--cache" ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    summary() { # variant calls -> "Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim"
        valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes \
            --cachegrind-out-file="$out/$1-$2" "$binary" "$1" "$2" >/dev/null 2>&1
        sed -n 's/^summary: //p' "$out/$1-$2"
    }
    each() { # event index -> per call, from the `small` and `large` summaries
        echo $(( (large[$1] - small[$1]) / 1000 ))
    }
    printf '%-10s %9s %9s %9s %9s %9s\n' variant instr I1-miss D1-rmiss D1-wmiss mispredict
    for variant in raw configured generated; do
        read -ra small <<<"$(summary "$variant" 200)"
        read -ra large <<<"$(summary "$variant" 1200)"
        printf '%-10s %9d %9d %9d %9d %9d\n' "$variant" "$(each 0)" "$(each 1)" "$(each 4)" \
            "$(each 7)" $(( $(each 10) + $(each 12) ))
    done
    # (generated - raw) over 1,200 calls, less the same over 200: per 1,000 calls.
    cg_diff "$out/raw-1200" "$out/generated-1200" >"$out/diff-1200"
    cg_diff "$out/raw-200" "$out/generated-200" >"$out/diff-200"
    cg_diff "$out/diff-200" "$out/diff-1200" >"$out/diff"
    by_function() { # event -> the 12 functions with the largest differences in it, per call
        printf '\ngenerated - raw per call, by %s:\n%9s %9s %9s  %s\n' "$1" instr I1-miss D1-wmiss function
        cg_annotate --show=Ir,I1mr,D1mw --sort="$1" --threshold=0 --auto=no --show-percs=no \
            "$out/diff" | sed -n '/file:function/,$p' | tail -n +3 |
            awk 'NF >= 4 && shown++ < 12 { for (i = 1; i <= 3; i++) gsub(/,/, "", $i)
                           name = $4; for (i = 5; i <= NF; i++) name = name " " $i
                           sub(/^[^:]*:/, "", name)
                           printf "%9.1f %9.1f %9.1f  %s\n", $1 / 1000, $2 / 1000, $3 / 1000,
                               substr(name, 1, 90) }'
    }
    by_function I1mr
    by_function D1mw
    exit 0
fi

count() { # variant calls -> instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
declare -A per_call
for variant in raw configured generated; do
    small=$(count "$variant" 200)
    large=$(count "$variant" 1200)
    per_call[$variant]=$(( (large - small) / 1000 ))
    printf '%-10s %8d instructions per call\n' "$variant" "${per_call[$variant]}"
done
awk -v g="${per_call[generated]}" -v c="${per_call[configured]}" -v r="${per_call[raw]}" 'BEGIN {
    printf "ratio      %8.3fx (generated / raw)\n", g / r
    printf "           %8.3fx (configured / raw: the HTTP client configuration alone)\n", c / r
}'
