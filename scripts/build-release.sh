#!/bin/sh
# Builds the release binary (.build/release/ordrecon) with the git commit it is built from
# written into BuildInfo.gitCommit, so that `ordrecon --version` and `ordrecon_build_info`
# name it. BuildInfo.swift is put back as it was afterwards. Without git (a source tarball) the
# commit stays unknown and the build goes on. Arguments are passed to `swift build`, e.g.
#   scripts/build-release.sh --static-swift-stdlib
set -eu
cd "$(dirname "$0")/.."
file=Sources/OrdreconCore/BuildInfo.swift
line='    public static let gitCommit: String? = nil'
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
if [ -n "$commit" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit-dirty"
fi
if [ -n "$commit" ]; then
    grep -qxF "$line" "$file" || { echo "build-release.sh: $file lacks the line: $line" >&2; exit 1; }
    backup=$(mktemp)
    cp -p "$file" "$backup"
    trap 'cp -p "$backup" "$file"; rm -f "$backup"' EXIT
    trap 'exit 130' INT TERM
    sed -i "s|^$line\$|    public static let gitCommit: String? = \"$commit\"|" "$file"
else
    echo "build-release.sh: no git commit found; building with the commit unknown" >&2
fi
swift build -c release --product ordrecon "$@"
echo "built .build/release/ordrecon $( [ -n "$commit" ] && echo "(commit $commit)")"
