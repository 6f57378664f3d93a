#!/usr/bin/env bash
# Builds ordrecon and its tests, then runs the whole suite (unit tests and end-to-end tests
# that run the built binary against real folders and a real SQLite file), then renders a run
# report in headless Chromium (scripts/check-report.sh) when chromium is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
if command -v chromium >/dev/null 2>&1; then
  echo "test.sh: checking the run report in headless chromium (scripts/check-report.sh)"
  scripts/check-report.sh "$(swift build --show-bin-path)/ordrecon"
else
  echo "test.sh: SKIPPED the run report browser check: chromium is not installed (scripts/install-deps.sh installs it)"
fi
