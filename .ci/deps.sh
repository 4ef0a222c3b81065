#!/bin/sh
# Installs what outreach needs to build when it is missing: libcmark-gfm-dev
# and libcmark-gfm-extensions-dev (the CommonMark parser, with GFM tables), libgmime-3.0-dev (MIME messages), libxml2-dev
# (HTML bodies), libgsf-1-dev (Outlook's .msg files), libcurl4-openssl-dev (IMAP for draft --imap), libre2-dev
# (rule patterns in linear time), libpcre2-dev (Vale patterns with a
# lookaround or a backreference, with hard limits), libhunspell-dev and hunspell-en-us (Vale's
# spelling rules), and for the
# tests and the benchmark the cmark CLI and Dovecot (dovecot-imapd, a real
# IMAP server the tests start on loopback).
set -e
need=""
pkg-config --exists libcmark-gfm 2>/dev/null || need="$need libcmark-gfm-dev"
[ -f /usr/include/cmark-gfm-core-extensions.h ] || need="$need libcmark-gfm-extensions-dev"
pkg-config --exists gmime-3.0 2>/dev/null || need="$need libgmime-3.0-dev"
pkg-config --exists libxml-2.0 2>/dev/null || need="$need libxml2-dev"
pkg-config --exists libgsf-1 2>/dev/null || need="$need libgsf-1-dev"
pkg-config --exists libcurl 2>/dev/null || need="$need libcurl4-openssl-dev"
[ -f /usr/include/re2/re2.h ] || need="$need libre2-dev"
pkg-config --exists libpcre2-8 2>/dev/null || need="$need libpcre2-dev"
[ -f /usr/include/hunspell/hunspell.h ] || need="$need libhunspell-dev"
[ -f /usr/share/hunspell/en_US.dic ] || need="$need hunspell-en-us"
command -v cmark >/dev/null 2>&1 || need="$need cmark"
[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || need="$need dovecot-imapd"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
# GNU time measures a test's peak memory (the bounded-memory tests).
[ -x /usr/bin/time ] || need="$need time"
# The end-to-end hook tests use the real pre-commit framework (PyPI).
if ! command -v pre-commit >/dev/null 2>&1; then
  echo "Installing: pre-commit (pip)" >&2
  python3 -m pip install -q pre-commit >/dev/null 2>&1 || pip install -q pre-commit >/dev/null 2>&1 || \
    echo "outreach's hook tests need pre-commit: python3 -m pip install pre-commit" >&2
fi
# The corpus test reads Outlook's .msg files with extract-msg (PyPI) too,
# the independent reader.
if ! python3 -c "import extract_msg" >/dev/null 2>&1; then
  echo "Installing: extract-msg (pip)" >&2
  python3 -m pip install -q extract-msg >/dev/null 2>&1 || \
    echo "outreach's corpus test needs extract-msg: python3 -m pip install extract-msg" >&2
fi
# The public mail corpora the corpus test reads (Debian and PyPI).
corpus() {
  sh "$(dirname "$0")/corpus.sh" || echo "outreach's corpus test needs the public mail corpora: sh .ci/corpus.sh (fetches from Debian and PyPI)" >&2
  # Vale's own scenarios (GitHub); ValeFeatureTests is skipped, saying so, without them.
  sh "$(dirname "$0")/../Tests/Vale/fetch.sh" 2>/dev/null || echo "outreach's Vale suite needs Vale's repository: sh Tests/Vale/fetch.sh (fetches errata-ai/vale from GitHub), or set VALE_REPO to a clone" >&2
}
[ -z "$need" ] && { corpus; exit 0; }
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
  case "$need" in *-dev*) exit 1;; esac
fi
corpus
