#!/usr/bin/env python3
"""Reads every message of the public mail corpora (.ci/corpus.sh) twice:
with `outreach read` and with Python's email package (policy.default,
get_body preferring plain, the independent reader; for Outlook's .msg,
extract-msg, its plain body), and compares the
decoded subject, the text a recipient reads, and the sender and
recipients mail history reads (against email.utils.getaddresses).

Whitespace is folded before comparing (line breaks, format=flowed joins
and trailing spaces are layout, not text). An HTML body is compared as the
words a browser shows, since Python hands over the HTML itself.

Differences listed in known-differences.txt (a path and the reason, which
the README repeats) are expected; any other difference, a message outreach
does not read, or one Python reads and outreach refuses, fails the run.

Usage: compare.py OUTREACH CORPUS_FOLDER
Prints one line per unexpected difference, then a summary line
"N passed, M failed".
"""
import email
import email.policy
import email.utils
import html.parser
import json
import mailbox
import os
import re
import subprocess
import sys
import unicodedata


def fold(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


class Visible(html.parser.HTMLParser):
    """The text a browser shows: no script, style, head or comments."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.words.append(data)


def visible_words(markup):
    parser = Visible()
    parser.feed(markup)
    parser.close()
    return fold(" ".join(parser.words))


def python_read(message):
    """(subject, text, is_html) as Python's email package reads them."""
    if isinstance(message, Outlook):
        if message.body:
            return message.subject, message.body, False
        return message.subject, message.html, message.html is not None
    try:
        subject = str(message["subject"]) if message["subject"] is not None else None
    except Exception:
        subject = None
    body = None
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is None:
        return subject, None, False
    content = part_text(body)
    # A blank text/plain alternative beside an HTML one: a reader sees the
    # HTML, and outreach reads it.
    if body.get_content_type() == "text/plain" and not content.strip():
        try:
            html = message.get_body(preferencelist=("html",))
        except Exception:
            html = None
        if html is not None:
            body, content = html, part_text(html)
    is_html = body.get_content_type() == "text/html"
    # The text parts a reader sees after it: the parts that follow it in
    # its nearest multipart/mixed (text, an attachment, more text; a list
    # footer), each a text part of the same kind with no file name, or that
    # kind's part of a multipart/alternative. get_body returns the first
    # only; mail clients show them all, and outreach reads them all.
    for more in following_text(message, body):
        content += ("\n" if content.endswith("\n") else "\n\n") if content else ""
        content += part_text(more)
    return subject, content, is_html


def part_text(part):
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return content


def following_text(message, body):
    """The text parts after `body` in its nearest multipart/mixed."""
    path = []

    def find(node, above):
        if node is body:
            path.extend(above)
            return True
        if node.is_multipart() and node.get_content_type() != "message/rfc822":
            for index, child in enumerate(node.get_payload()):
                if find(child, above + [(node, index)]):
                    return True
        return False

    find(message, [])
    mixed = [entry for entry in path if entry[0].get_content_type() == "multipart/mixed"]
    if not mixed:
        return []
    container, taken = mixed[-1]
    subtype = body.get_content_subtype()

    def readable(part):
        return (
            not part.is_multipart()
            and part.get_content_type() == "text/" + subtype
            and part.get_content_disposition() != "attachment"
            and part.get_filename() is None
        )

    parts = []
    for child in container.get_payload()[taken + 1:]:
        if readable(child):
            parts.append(child)
        elif child.get_content_type() == "multipart/alternative":
            for inner in child.get_payload():
                if readable(inner):
                    parts.append(inner)
                    break
    return parts


ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def python_people(message):
    """(sender, recipients) as mail history reads them, by Python's
    email.utils.getaddresses: the first From, To and Cc, lowered, plain
    addresses only."""

    def addresses(name):
        try:
            values = message.get_all(name) or []
            value = str(values[0]) if values else ""
        except Exception:
            return []
        found = [address.strip().lower() for _, address in email.utils.getaddresses([value])]
        return [address for address in found if ADDRESS.fullmatch(address)]

    senders = addresses("from")
    return (senders[0] if senders else None), addresses("to") + addresses("cc")


class Outlook:
    """An Outlook .msg as extract-msg (PyPI), the independent reader of the
    format, reads it: subject and plain body, as python_read gives them."""

    def __init__(self, path):
        import logging
        import warnings

        import extract_msg

        logging.disable(logging.CRITICAL)
        warnings.filterwarnings("ignore")
        message = extract_msg.openMsg(path, strict=False)
        try:
            strip = lambda text: text.replace("\x00", "") if isinstance(text, str) else text
            self.subject = strip(message.subject)
            self.body = strip(message.body)
            self.html = None
            if not self.body:
                html = getattr(message, "htmlBody", None)
                self.html = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
        finally:
            message.close()


def python_messages(path):
    if path.lower().endswith(".msg"):
        return [Outlook(path)]
    if path.endswith(".mbox") or path.endswith(".mbx"):
        box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default), create=False)
        return list(box)
    with open(path, "rb") as handle:
        return [email.message_from_binary_file(handle, policy=email.policy.default)]


def main():
    outreach, folder = sys.argv[1], sys.argv[2]
    known = {}
    known_file = os.path.join(os.path.dirname(__file__), "known-differences.txt")
    if os.path.exists(known_file):
        for line in open(known_file, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                path, _, reason = line.partition(" ")
                known[path] = reason.strip()
    paths = []
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith((".eml", ".mbox", ".mbx", ".msg")):
                paths.append(os.path.join(root, name))
    paths.sort()
    result = subprocess.run([outreach, "read", *paths], capture_output=True, text=True)
    ours = {}
    for line in result.stdout.splitlines():
        item = json.loads(line)
        ours.setdefault(item["path"], []).append(item)
    passed = failed = 0
    expected = 0
    for path in paths:
        name = os.path.relpath(path, folder)
        theirs = python_messages(path)
        mine = ours.get(path, [])
        problems = []
        if len(mine) != len(theirs):
            problems.append(f"{len(mine)} messages read, Python reads {len(theirs)}")
        for index, (message, item) in enumerate(zip(theirs, mine)):
            subject, text, is_html = python_read(message)
            if fold(subject) != fold(item.get("subject")):
                problems.append(f"message {index + 1}: subject {fold(item.get('subject'))!r}, Python {fold(subject)!r}")
            # Mail history reads senders from .eml and .mbox, not from .msg.
            sender, recipients = (item.get("from"), item.get("to")) if isinstance(message, Outlook) else python_people(message)
            if sender != item.get("from") or recipients != item.get("to"):
                problems.append(
                    f"message {index + 1}: people {item.get('from')!r} {item.get('to')!r}, Python {sender!r} {recipients!r}")
            if text is None:
                continue
            want = visible_words(text) if is_html else fold(text)
            got = fold(item.get("text"))
            if want != got and not (is_html and want.split() == got.split()):
                problems.append(f"message {index + 1}: text differs ({len(got)} vs Python's {len(want)} characters)")
        if not problems:
            passed += 1
        elif name in known:
            expected += 1
            passed += 1
        else:
            failed += 1
            print(f"{name}: " + "; ".join(problems))
    # `outreach lint` fails a file (exit 2) only where Python finds neither
    # a subject nor a body in any of its messages.
    lint = subprocess.run([outreach, "lint", *paths], capture_output=True, text=True)
    refused = set()
    for line in lint.stderr.splitlines():
        if line.startswith("outreach: error: "):
            for path in paths:
                if line.startswith("outreach: error: " + path + ":"):
                    refused.add(path)
    for path in sorted(refused):
        readable = any(
            (python_read(message)[0] or "").strip() or (python_read(message)[1] or "").strip()
            for message in python_messages(path)
        )
        if readable:
            failed += 1
            passed -= 1
            print(f"{os.path.relpath(path, folder)}: outreach lint refuses it, but Python reads a subject or a body")
    print(f"corpus: {len(paths)} files, {expected} with a known difference, {len(refused)} refused by lint", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
