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
# In parallel. The end-to-end tests wait for the built binary, a daemon's line or a file without
# holding a thread of Swift's cooperative pool (Tests/OrdreconTestSupport/ChildProcess.swift), and
# the HTTP servers the tests run in process have threads of their own (ThreadedHTTPServer), so no
# test starves another; tests that run programs take one of a few slots at a time
# (ProgramSlots.swift; ORDRECON_TEST_PROGRAM_SLOTS sets how many).
swift test --skip-build --parallel "$@"
