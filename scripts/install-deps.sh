#!/usr/bin/env bash
# Installs the Debian packages ordrecon needs to build and test, when they are missing.
# Needs root (or sudo) only when something is missing.
set -euo pipefail
needed=(libsqlite3-dev sqlite3 tzdata)
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
