#!/usr/bin/env bash
# Lints every tracked Markdown file (CI runs it from .ci/run before the tests):
# 1. pymarkdownlnt (PyMarkdown, GitHub Flavored Markdown rules) with .pymarkdown.json, which turns
#    off only what this project does not follow on purpose (MD013, line length: prose lines are
#    wrapped near 95 characters and tables are one line per row);
# 2. scripts/check-md-links.py: every code fence closed, every relative link and #anchor resolves
#    inside the repository (GitHub's anchor rules), nothing points outside it (../shared/...);
# 3. no tracked file but the checker itself names the feed contract outside the repository.
# Installs pymarkdownlnt with pip when it is missing. Exit status 0 when all is clean.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m pymarkdown version >/dev/null 2>&1; then
  echo "lint-docs: installing pymarkdownlnt (pip)"
  python3 -m pip install -q pymarkdownlnt || python3 -m pip install -q --break-system-packages pymarkdownlnt
fi

mapfile -t files < <(git ls-files -- '*.md')
if [ ${#files[@]} -eq 0 ]; then
  echo "lint-docs: no tracked Markdown files" >&2
  exit 1
fi
status=0
echo "lint-docs: pymarkdownlnt $(python3 -m pymarkdown version) on ${#files[@]} files"
python3 -m pymarkdown --config .pymarkdown.json scan "${files[@]}" || status=1
python3 scripts/check-md-links.py "${files[@]}" || status=1
if git grep -n -e '\.\./shared/' -e 'FEED_CONTRACT\.md' -- ':!scripts/check-md-links.py' ':!scripts/lint-docs.sh' ':!*.swift'; then
  echo "lint-docs: the lines above refer to files outside the repository" >&2
  status=1
fi
if [ $status -eq 0 ]; then echo "lint-docs: OK"; else echo "lint-docs: FAILED" >&2; fi
exit $status
