#!/usr/bin/env bash
# Installs the Debian packages ordrecon needs to build and test, when they are missing.
# Needs root (or sudo) only when something is missing.
# libcurl4-openssl-dev: the gateway client; curl: tests talk to the mock gateway with it.
# chromium and fonts-dejavu-core render the run report in scripts/check-report.sh;
# python3-jsonschema checks config/schema/feed-event.schema.json (FeedSchemaTests).
set -euo pipefail
needed=(libsqlite3-dev libcurl4-openssl-dev curl sqlite3 tzdata chromium fonts-dejavu-core python3 openssl poppler-utils qpdf libhpdf-dev)
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# jsonschema may come from Debian or from pip; only a python3 that cannot import it needs the package.
python3 -c "import jsonschema" 2>/dev/null || missing+=(python3-jsonschema)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
if ! python3 -c "import jsonschema" 2>/dev/null; then
  echo "installing: jsonschema (pip)"
  python3 -m pip install -q jsonschema || python3 -m pip install -q --break-system-packages jsonschema
fi
