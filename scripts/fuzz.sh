#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (csv, jsonl, json, config) and runs each in turn.
#
#   scripts/fuzz.sh --seconds 30             every target for 30 s (CI)
#   scripts/fuzz.sh --runs 10000000 csv      the csv target for 10 million executions
#   scripts/fuzz.sh --build-only             build, run nothing
#
# Each target is Sources/OrdreconCore, Fuzz/Harness.swift and Fuzz/<target>.swift compiled into
# one module with -sanitize=fuzzer,address (only the Swift toolchain is needed). Everything it
# writes goes under .build-fuzz/ (git-ignored): bin/<target>, corpus/<target>/ (the working
# corpus, grown from the read-only seeds in Fuzz/corpus/<target>/) and artifacts/<target>/
# (crashing, hanging or leaking inputs). Exits non-zero when any target found something.
# FUZZ_NICE (default 10) is the nice level of the runs; extra libFuzzer flags go after `--`.
# FUZZ_SANITIZERS (default "fuzzer,address") is passed to -sanitize=; "fuzzer" alone builds
# .build-fuzz/bin-noasan/ instead, several times faster, for long campaigns (Swift's own checks
# still trap: overflow, bounds, unwraps; unsafe-pointer misuse is then seen only under ASan).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(csv jsonl json config)
limit=(-max_total_time=30)
build_only=false
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --build-only) build_only=true; shift ;;
    --) shift; extra=("$@"); break ;;
    csv|jsonl|json|config) targets+=("$1"); shift ;;
    *) echo "usage: scripts/fuzz.sh [--seconds N | --runs N | --build-only] [csv|jsonl|json|config ...] [-- libFuzzer flags]" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

out=.build-fuzz
sanitizers=${FUZZ_SANITIZERS:-fuzzer,address}
bin="$out/bin"
[ "$sanitizers" = "fuzzer,address" ] || bin="$out/bin-${sanitizers//,/-}"
[ "$sanitizers" = "fuzzer" ] && bin="$out/bin-noasan"
mkdir -p "$bin"
mapfile -t core_sources < <(find Sources/OrdreconCore -name '*.swift' | sort)
# The toolchain's lld, when it has one (the default gold linker warns about ASan's symbols).
linker=()
[ -x "$(dirname "$(command -v swiftc)")/ld.lld" ] && linker=(-use-ld=lld)

build() {
  local target=$1 binary="$bin/$1"
  # Rebuilt only when a source is newer than the binary.
  if [ -x "$binary" ] && [ -z "$(find Sources/OrdreconCore Fuzz -name '*.swift' -newer "$binary" | head -1)" ]; then
    return
  fi
  echo "fuzz.sh: building $target"
  # ORDRECON_FUZZ_LIMITS scales the parsers' limits down (see ParsingLimits) so small inputs
  # reach the over-long event, buffer growth and nesting depth paths.
  swiftc -sanitize="$sanitizers" -parse-as-library -O -wmo -gline-tables-only \
    -swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault \
    -D ORDRECON_FUZZ_LIMITS -module-name OrdreconFuzz "${linker[@]}" \
    "${core_sources[@]}" Fuzz/Harness.swift "Fuzz/$target.swift" -o "$binary"
}

for target in "${targets[@]}"; do build "$target"; done
$build_only && exit 0

failed=()
summary=()
for target in "${targets[@]}"; do
  mkdir -p "$out/corpus/$target" "$out/artifacts/$target"
  log="$out/$target.log"
  echo "fuzz.sh: running $target (${limit[*]}), log in $log"
  status=0
  # Swift's own crash reporter would symbolicate at length before libFuzzer saves the input.
  SWIFT_BACKTRACE=enable=no nice -n "${FUZZ_NICE:-10}" "$bin/$target" \
    -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="Fuzz/dict/$target.dict" -artifact_prefix="$out/artifacts/$target/" \
    "${limit[@]}" "${extra[@]}" "$out/corpus/$target" "Fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    summary+=("$target: FAILED (exit $status) after ${runs:-?} runs; artifacts in $out/artifacts/$target/")
    grep -E "fuzz invariant failed|ERROR: |Fatal error|SUMMARY|Test unit written" "$log" | head -20 || true
  else
    summary+=("$target: ok, ${runs:-?} runs at ${rate:-?} exec/s")
  fi
done

printf 'fuzz.sh: %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]} (reproduce: $bin/<target> <artifact file>)"
  exit 1
fi
