#!/usr/bin/env bash
# Builds ordrecon and its tests, renders a run report in headless Chromium
# (scripts/check-report.sh) when chromium is installed, then runs the whole suite (unit tests
# and end-to-end tests that run the built binary against real folders and a real SQLite file).
# The test runner's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --for-tests
swift build --build-tests
if command -v chromium >/dev/null 2>&1; then
  echo "test.sh: checking the run report in headless chromium (scripts/check-report.sh)"
  scripts/check-report.sh "$(swift build --show-bin-path)/ordrecon"
else
  echo "test.sh: SKIPPED the run report browser check: chromium is not installed (scripts/install-deps.sh --for-tests installs it)"
fi
# One test at a time: many end-to-end tests block their thread (waiting for the binary, for a
# file), and Swift's cooperative pool has one thread per core; in parallel they starved the tests
# that serve HTTP in process (FlyingFox on Swift concurrency), whose clients then timed out.
swift test --skip-build --no-parallel "$@"
