#!/bin/sh
# Installs what outreach needs to build when it is missing: libcmark-dev
# (the CommonMark parser) and, for the benchmark, the cmark CLI.
set -e
need=""
pkg-config --exists libcmark 2>/dev/null || need="$need libcmark-dev"
command -v cmark >/dev/null 2>&1 || need="$need cmark"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
# The end-to-end hook tests use the real pre-commit framework (PyPI).
if ! command -v pre-commit >/dev/null 2>&1; then
  echo "Installing: pre-commit (pip)" >&2
  python3 -m pip install -q pre-commit >/dev/null 2>&1 || pip install -q pre-commit >/dev/null 2>&1 || \
    echo "outreach's hook tests need pre-commit: python3 -m pip install pre-commit" >&2
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing:$need" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "Installing:$need" >&2
  sudo apt-get update -qq >/dev/null
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
else
  echo "outreach needs:$need. Install it with: sudo apt-get install$need" >&2
  case "$need" in *libcmark-dev*) exit 1;; esac
fi
