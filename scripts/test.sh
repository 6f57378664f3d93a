#!/usr/bin/env bash
# Builds ordrecon and its tests, then runs the whole suite (unit tests and end-to-end tests
# that run the built binary against real folders and a real SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
