#!/usr/bin/env bash
# Installs the Debian packages that a Debian 12 machine with the Swift toolchain lacks to build
# ordrecon (and, with --for-tests, to run its whole test suite). Only missing packages are
# installed, without their "Recommends" (--no-install-recommends); nothing happens when all are
# there. Needs root, or sudo, only when something is missing.
#
#   scripts/install-deps.sh               build and run: scripts/sample-run.sh, a production build
#   scripts/install-deps.sh --for-tests   also what the tests use: scripts/test.sh, CI
#   scripts/install-deps.sh --dry-run     print what is missing and let apt simulate the install
#
# Build and run:
#   pkg-config            SwiftPM finds sqlite3 and libcurl through it
#   libsqlite3-dev        the database (SQLite)
#   libcurl4-openssl-dev  the payment gateway client (libcurl)
#   libhpdf-dev           invoice and credit note PDFs (libharu)
#   tzdata                time zones (the default is Asia/Kolkata)
#   ca-certificates       HTTPS to the payment gateway
#   sqlite3               the sqlite3 shell: sample-run.sh, backups and benchmark.py (the .import floor) use it
#   fonts-dejavu-core     DejaVu Sans, from which each PDF's font subset is made
#   libpq-dev             the PostgreSQL client library (libpq), for `[store] url = "postgresql://…"`
# Tests only (--for-tests):
#   python3, python3-jsonschema, python3-pip  the JSON Schema check (FeedSchemaTests); pip is the
#                         fallback when Debian's jsonschema cannot be had
#   openssl, curl         certificates for the TLS tests, talking to the mock gateway
#   poppler-utils, qpdf   reading and checking the PDFs the tests make
#   postgresql-15         initdb and pg_ctl: the tests make throw-away clusters on free ports
#   chromium              the run report in a headless browser (scripts/check-report.sh);
#                         the largest by far, hence only here
set -euo pipefail

for_tests=false
dry_run=false
for argument in "$@"; do
  case "$argument" in
    --for-tests) for_tests=true ;;
    --dry-run) dry_run=true ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps.sh: unknown option $argument (try --help)" >&2; exit 64 ;;
  esac
done

needed=(pkg-config libsqlite3-dev libcurl4-openssl-dev libhpdf-dev tzdata ca-certificates sqlite3 fonts-dejavu-core libpq-dev)
if $for_tests; then
  needed+=(python3 python3-pip openssl curl poppler-utils qpdf postgresql-15 chromium)
  # jsonschema may come from Debian or from pip: only a python3 that cannot import it needs Debian's.
  python3 -c "import jsonschema" 2>/dev/null || needed+=(python3-jsonschema)
fi

missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps.sh: missing: ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  # sudo resets the environment: DEBIAN_FRONTEND goes through env, after sudo, to reach apt-get.
  apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
  if $dry_run; then
    "${apt[@]}" install --simulate --no-install-recommends "${missing[@]}"
    exit 0
  fi
  "${apt[@]}" update -q
  "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
elif $dry_run; then
  echo "install-deps.sh: nothing missing"
fi

# Debian's python3-jsonschema is preferred; where it could not be had, pip's.
if $for_tests && ! $dry_run && ! python3 -c "import jsonschema" 2>/dev/null; then
  echo "install-deps.sh: installing jsonschema with pip"
  python3 -m pip install -q jsonschema || python3 -m pip install -q --break-system-packages jsonschema
fi
