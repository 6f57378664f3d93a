#!/usr/bin/env bash
# Counts the instructions `ordrecon run --quiet` executes over a fresh generated workload, with
# valgrind's callgrind: instruction counts repeat from run to run where wall time on a shared
# machine does not, so two binaries (before and after a change) compare fairly.
#
#   scripts/callgrind.sh BIN [EVENTS]     e.g. scripts/callgrind.sh /tmp/ordrecon-base 20000
#
# The workload (about EVENTS events, default 20,000) is written by BIN itself with
# `generate --seed 7`, so the same binary always gets the same files. `[invoicing] write_pdfs`
# is false, and `[gateway] base_url` points at a port nothing listens on: refund dispatch finds
# the gateway unreachable, its circuit breaker opens after three attempts and the run ends (exit
# 75, refunds left pending). So the count is the ingest, with only a few attempts of dispatch.
# Prints the total instruction count (Ir) and per event, then the 15 functions with the most
# inclusive instructions and the 15 with the most of their own (names demangled with
# swift-demangle when it is on the PATH).
#
# Two workarounds for valgrind 3.19 (Debian 12), neither of which changes the instructions
# counted in ordrecon's code: it cannot read the DWARF 5 debug information Swift writes
# ("Possibly corrupted debuginfo file ... Giving up"), so a copy of BIN without debug information
# (strip --strip-debug; the symbol table stays, so functions are still named) is run; and it
# crashes when libdispatch's main thread calls sigsuspend() with a mask in read-only memory
# (valgrind writes into that mask), so a small preloaded sigsuspend() passes a copy of the mask
# (compiled here with cc).
#
# Swift's hashing is seeded at random per process unless SWIFT_DETERMINISTIC_HASHING=1, which
# this script sets, so that two runs of one binary count (nearly) the same.
#
# Environment: KEEP=1 keeps the workspace and the callgrind output (its path is printed);
# CALLGRIND_OUT=FILE copies the callgrind output there. Needs valgrind (Debian: valgrind), binutils
# (strip) and a C compiler (cc).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
fi
bin=$(realpath "$1")
events=${2:-20000}
if [ ! -x "$bin" ]; then
  echo "callgrind.sh: $1 is not an executable" >&2
  exit 64
fi
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
  echo "callgrind.sh: valgrind is missing (Debian: apt-get install valgrind)" >&2
  exit 69
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ordrecon-callgrind-XXXXXX")
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

orders=$(( (events * 100 + 276) / 553 ))  # about 5.53 events per order
"$bin" generate --orders "$orders" --out "$work" --seed 7 >/dev/null

# A port nothing listens on: bound and closed again at once.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
config="$work/config/ordrecon.toml"
sed -i -e "s|^base_url = \"http://127.0.0.1:8099\"|base_url = \"http://127.0.0.1:$port\"|" \
  -e 's/^write_pdfs = true/write_pdfs = false/' "$config"
grep -q "^base_url = \"http://127.0.0.1:$port\"" "$config" && grep -q '^write_pdfs = false' "$config" || {
  echo "callgrind.sh: could not set base_url and write_pdfs in $config" >&2
  exit 70
}
expected=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["events"])' "$work/expected.json")

# The workarounds (see the top of this file).
measured="$work/ordrecon-nodebug"
strip --strip-debug -o "$measured" "$bin"
cat >"$work/sigsuspend.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
/* valgrind 3.19 edits the mask given to rt_sigsuspend in place; libdispatch passes one in read-only memory. */
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
C
cc -shared -fPIC -O2 -o "$work/sigsuspend.so" "$work/sigsuspend.c"

out="$work/callgrind.out"
status=0
(cd "$work" && SWIFT_DETERMINISTIC_HASHING=1 LD_PRELOAD="$work/sigsuspend.so" valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$measured" run --quiet >"$work/run.out" 2>"$work/run.err") || status=$?
# 65: events were rejected (the workload has faults on purpose); 75: refunds left pending.
if [ "$status" -ne 0 ] && [ "$status" -ne 65 ] && [ "$status" -ne 75 ]; then
  tail -20 "$work/run.err" >&2
  echo "callgrind.sh: ordrecon run exited $status" >&2
  exit 70
fi
[ -n "${CALLGRIND_OUT:-}" ] && cp "$out" "$CALLGRIND_OUT"

total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out")
echo "binary: $bin ($("$bin" --version))"
echo "workload: $expected events ($orders orders, seed 7); ordrecon run exited $status"
python3 -c 'import sys; t, n = int(sys.argv[1]), int(sys.argv[2]); print(f"instructions (Ir): {t:,} ({t / n:,.0f} per event)")' \
  "$total" "$expected"

demangle=cat
command -v swift-demangle >/dev/null && demangle="swift-demangle --simplified"
# callgrind_annotate's table: the lines after its third line of dashes whose share of the total is
# below $2 percent (all read: no SIGPIPE under pipefail); the object's folder is dropped.
functions() {
  callgrind_annotate --inclusive="$1" "$out" 2>/dev/null \
    | awk -v below="$2" '/^-+$/ { dashes++; next }
        dashes >= 3 && NF > 0 && !/PROGRAM TOTALS/ && !/^Ir / && n < 15 {
          share = $0; sub(/^[^(]*\( */, "", share); sub(/%.*/, "", share)
          if (share + 0 < below) { print; n++ }
        }' \
    | $demangle | sed -e 's|\[/[^]]*/\([^]/]*\)\]$|[\1]|' | cut -c1-160
}
echo
echo "top 15 functions, inclusive Ir (with what they call; frames holding over 90 % of the run,"
echo "such as the thread start, the async runtime and the command's entry, are left out):"
functions yes 90
echo
echo "top 15 functions, self Ir:"
functions no 101
