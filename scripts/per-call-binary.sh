# Sourced by the per-call scripts: builds the `per_call_count` benchmark (release) and sets
# `binary` to its path.
binary=$(cargo bench -p user-apis-benches --bench per_call_count --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*per_call_count[^"]*\)".*/\1/p' | tail -n 1)
[ -n "$binary" ] || { echo "could not build the per_call_count benchmark" >&2; exit 1; }
