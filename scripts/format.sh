#!/usr/bin/env bash
# Formats the Swift sources with swift-format (part of the Swift toolchain) as .swift-format
# says, or, with --check, fails without changing anything when a file is not formatted so
# (CI runs the check). Package.swift, Sources, Tests and Fuzz are covered.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Fuzz)
if [[ "${1:-}" == "--check" ]]; then
  # lint --strict turns every finding into an error, so the exit status says it all.
  if ! swift format lint --strict --parallel --recursive "${paths[@]}"; then
    echo "format: the files above are not formatted; run scripts/format.sh and commit the result" >&2
    exit 1
  fi
  echo "format: OK"
else
  swift format format --in-place --parallel --recursive "${paths[@]}"
fi
