# Sourced by the per-call scripts: functions only, so sourcing builds and runs nothing.

# Builds the `per_call_count` benchmark (release) of the checkout in the current directory and
# sets `binary` to its path.
build_per_call_binary() {
    binary=$(cargo bench -p user-apis-benches --bench per_call_count --no-run --message-format=json 2>/dev/null |
        sed -n 's/.*"executable":"\([^"]*per_call_count[^"]*\)".*/\1/p' | tail -n 1)
    [ -n "$binary" ] || { echo "could not build the per_call_count benchmark" >&2; exit 1; }
}

# The median of the numbers on standard input, one per line (0 when there are none).
median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR ? (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 : 0) }'
}
