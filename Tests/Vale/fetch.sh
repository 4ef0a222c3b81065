#!/bin/sh
# Fetches Vale's repository (errata-ai/vale, MIT) at the commit
# Tests/Vale/features.py pins, into .build/vale: its testdata holds Vale's
# own feature scenarios, fixtures and styles, which ValeFeatureTests runs.
# Run by `make test` (through .ci/deps.sh); it does nothing once the commit
# is there, or when VALE_REPO names a clone. Nothing fetched is committed.
set -e
cd "$(dirname "$0")/../.."
commit=bb78a3211355f1b93283fa646b543196c0a8b9e8
[ -n "$VALE_REPO" ] && exit 0
out=.build/vale
if [ -d "$out/.git" ] && git -C "$out" cat-file -e "$commit^{commit}" 2>/dev/null; then exit 0; fi
# Into a folder of its own first: a fetch that fails leaves no clone behind.
rm -rf "$out" "$out.partial"
mkdir -p "$out.partial"
trap 'rm -rf "$out.partial"' EXIT
git -C "$out.partial" init -q
# Bounded: a machine with no route to GitHub fails in minutes, not hours.
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 300"
GIT_HTTP_LOW_SPEED_LIMIT=1000 GIT_HTTP_LOW_SPEED_TIME=60 \
  $limit git -C "$out.partial" fetch -q --depth 1 https://github.com/errata-ai/vale "$commit"
git -C "$out.partial" cat-file -e "$commit^{commit}"
mv "$out.partial" "$out"
