#!/usr/bin/env bash
# Where a call's time goes, in time rather than instructions: the client's own time against the
# time spent waiting for the answer, for raw, configured and generated calls in one process.
#
# It runs `per_call_count interleaved N 50` (N rounds, 20,000 unless given) under `perf record`
# with three syscall tracepoints: the client sending a request (`writev`), the server receiving
# it and answering (`recvfrom`, `sendto`), and the client receiving the answer (`recvfrom`).
# For each call after the first of its run of 50 it takes
#   - client: from receiving the previous answer to sending this request, all on the client's
#     thread: decoding the previous body, dropping it, and building and sending this request;
#   - waiting: from sending the request to receiving its answer (the kernel, the server thread
#     and the wake-ups);
# and prints the median of each by kind. Needs `perf` and access to the syscall tracepoints
# (root, or `kernel.perf_event_paranoid` at -1 with tracefs readable).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-20000}
command -v perf >/dev/null || { echo "perf is required" >&2; exit 1; }
. scripts/per-call-common.sh
build_per_call_binary
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

perf record -q -o "$out/perf.data" \
    -e syscalls:sys_enter_writev -e syscalls:sys_exit_recvfrom -e syscalls:sys_enter_sendto \
    "$binary" interleaved "$rounds" 50
perf script -i "$out/perf.data" --ns -F tid,time,event,trace 2>/dev/null >"$out/events"

# The call order is `interleaved`'s (benches/benches/per_call_count.rs): 200 warm-up rounds of
# three calls, then turns of 50 calls of one kind, kind (round + turn) % 3 with 0 raw,
# 1 configured, 2 generated. Change both together.
awk -v run=50 -v warmup=600 '
    function us(text) { sub(":$", "", text); return text * 1e6 }
    $3 ~ /sys_enter_writev/ { if (!client) client = $1 }
    $1 == client && $3 ~ /sys_enter_writev/ { sent = us($2); next }
    # An answer read: not an error (a negative return, printed as 0xffff...) nor end of file.
    $1 == client && $3 ~ /sys_exit_recvfrom/ && $4 !~ /^0xffff/ && $4 != "0x0" {
        call++
        index_ = call - 1 - warmup
        if (index_ > 0 && index_ % run != 0) {
            turn = int(index_ / run)
            kind = (int(turn / 3) + turn % 3) % 3
            print kind, sent - received, us($2) - sent
        }
        received = us($2)
    }
' "$out/events" >"$out/calls"

printf '%-11s %7s %16s %12s\n' kind calls "client (µs)" "waiting (µs)"
names=(raw configured generated)
for kind in 0 1 2; do
    calls=$(awk -v k="$kind" '$1 == k' "$out/calls" | wc -l)
    client=$(awk -v k="$kind" '$1 == k { print $2 }' "$out/calls" | median)
    waiting=$(awk -v k="$kind" '$1 == k { print $3 }' "$out/calls" | median)
    printf '%-11s %7d %16.1f %12.1f\n' "${names[$kind]}" "$calls" "$client" "$waiting"
done
