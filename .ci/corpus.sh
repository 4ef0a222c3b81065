#!/bin/sh
# Fetches public mail test corpora into .build/corpus/PROJECT/, each with
# its licence, from the registries this project reaches:
#   cpython  Lib/test/test_email/data (Debian binary package libpython3.11-testsuite)
#   gmime    tests/data                (Debian source package gmime)
#   notmuch  test/corpora              (Debian source package notmuch)
#   talon    tests/fixtures            (PyPI sdist talon 1.4.4)
# and Outlook's .msg files:
#   outlook-poi   test-data/hsmf       (Debian source package libapache-poi-java)
#   outlook-perl  t/files              (Debian source package libemail-outlook-message-perl)
#   outlook-msg-parser tests/files     (PyPI sdist msg_parser 1.2.0)
# Run by `make test` (through .ci/deps.sh); it does nothing once the corpus
# is there. Nothing fetched is committed.
set -e
cd "$(dirname "$0")/.."
out=.build/corpus
[ -f "$out/.complete" ] && exit 0
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Debian: a deb-src list of its own, so the machine's sources stay as they are.
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main\n' > sources.list
mkdir -p lists/partial
apt="-o Dir::Etc::sourcelist=$work/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$work/lists -o APT::Sandbox::User=root"
apt-get $apt update -qq >/dev/null
apt-get $apt source --download-only -qq gmime notmuch libapache-poi-java >/dev/null 2>&1
# Only its upstream tarball is used (a mirror may lack the Debian part).
apt-get $apt source --download-only -qq libemail-outlook-message-perl >/dev/null 2>&1 ||
  ls libemail-outlook-message-perl_*.orig.tar.gz >/dev/null
apt-get download -qq libpython3.11-testsuite python3.11 >/dev/null 2>&1
python3 -m pip download -q --no-deps --no-binary :all: talon==1.4.4 -d . >/dev/null 2>&1
python3 -m pip download -q --no-deps --no-binary :all: msg_parser==1.2.0 -d . >/dev/null 2>&1

corpus="$OLDPWD/$out"
tar xJf gmime_*.orig.tar.xz
mkdir -p "$corpus/gmime"
cp gmime-*/COPYING gmime-*/LICENSE "$corpus/gmime/" 2>/dev/null || true
find gmime-*/tests/data/mbox/input gmime-*/tests/data/partial/input -type f | while read -r f; do
  cp "$f" "$corpus/gmime/$(echo "$f" | sed 's|^gmime-[^/]*/tests/data/||; s|/|_|g')"
done

tar xJf notmuch_*.orig.tar.xz
mkdir -p "$corpus/notmuch"
cp notmuch-*/COPYING "$corpus/notmuch/"
find notmuch-*/test/corpora -type f ! -name README ! -name '*.gpg' | while read -r f; do
  cp "$f" "$corpus/notmuch/$(echo "$f" | sed 's|^notmuch-[^/]*/test/corpora/||; s|/|_|g').eml"
done

dpkg-deb -x libpython3.11-testsuite_*.deb python
dpkg-deb -x python3.11_*.deb python
mkdir -p "$corpus/cpython"
cp python/usr/share/doc/python3.11/copyright "$corpus/cpython/COPYING"
cp python/usr/lib/python3.11/test/test_email/data/msg_*.txt "$corpus/cpython/"
for f in "$corpus"/cpython/msg_*.txt; do mv "$f" "${f%.txt}.eml"; done

tar xzf talon-1.4.4.tar.gz
mkdir -p "$corpus/talon"
cp talon-1.4.4/LICENSE "$corpus/talon/"
find talon-1.4.4/tests/fixtures -type f -name '*.eml' | while read -r f; do
  cp "$f" "$corpus/talon/$(echo "$f" | sed 's|^talon-1.4.4/tests/fixtures/||; s|/|_|g')"
done

mkdir -p "$corpus/outlook-poi" "$corpus/outlook-perl" "$corpus/outlook-msg-parser"
tar xJf libapache-poi-java_*.orig.tar.xz --wildcards '*/legal/LICENSE' '*/legal/NOTICE' '*/test-data/hsmf/*.msg'
cp apache-poi-*/legal/LICENSE apache-poi-*/legal/NOTICE "$corpus/outlook-poi/"
cp apache-poi-*/test-data/hsmf/*.msg "$corpus/outlook-poi/"
tar xzf libemail-outlook-message-perl_*.orig.tar.gz
cp Email-Outlook-Message-*/README "$corpus/outlook-perl/COPYING"
cp Email-Outlook-Message-*/t/files/*.msg "$corpus/outlook-perl/"
tar xzf msg_parser-1.2.0.tar.gz
cp msg_parser-1.2.0/LICENSE "$corpus/outlook-msg-parser/"
cp msg_parser-1.2.0/tests/files/*.msg "$corpus/outlook-msg-parser/"

touch "$corpus/.complete"
echo "corpus: $(find "$corpus" -type f ! -name COPYING ! -name LICENSE ! -name NOTICE ! -name .complete | wc -l) files in $out" >&2
