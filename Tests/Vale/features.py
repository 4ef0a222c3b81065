#!/usr/bin/env python3
"""Runs Vale's own end-to-end scenarios (testdata/features/*.feature in
errata-ai/vale) with `outreach lint`, on the Markdown and plain-text inputs.

Vale's testdata is not committed here: Tests/Vale/fetch.sh fetches
errata-ai/vale from GitHub into .build/vale (`make test` runs it), or point
VALE_REPO (or the first argument) at a clone. The scenarios are taken from
the commit in PINNED into a temporary folder.

Each scenario's `When` step is run as Vale's steps.rb runs it (the same
folder, the same files), with `outreach lint --format line
--no-default-rules` in place of `vale --output=line --sort --normalize
--relative --no-global`. Its expected lines are those for `.md`, `.markdown`
and `.txt` files; a scenario with none, whose command names no such file,
or whose step needs what outreach does not run (packages, `fix`, filters,
templates, plugins) is out of scope and listed as such. Output lines of
other files are left out before comparing; "contain exactly" compares the
lists, "contain" asks for each expected line.

Usage: features.py OUTREACH [VALE_REPO]
Prints one line a scenario (PASS, FAIL with the difference, or SKIP with
why) and a summary "N of M scenarios pass, K of L expected findings found".
Exit status 1 when a scenario not in known-failing.txt fails, or a listed
one passes.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

PINNED = "bb78a321"
TEXT_KINDS = (".md", ".markdown", ".txt")
HERE = os.path.dirname(os.path.abspath(__file__))


def extract(repo, into):
    marker = os.path.join(into, ".commit")
    if os.path.exists(marker) and open(marker).read().strip() == PINNED:
        return
    shutil.rmtree(into, ignore_errors=True)
    os.makedirs(into)
    git_dir = repo if os.path.isdir(os.path.join(repo, "objects")) else os.path.join(repo, ".git")
    # File by file (a mirror may lack a large binary, which no scenario here reads).
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", PINNED, "testdata"], check=True, capture_output=True).stdout
    entries = [e.split(b"\t", 1) for e in listing.split(b"\0") if e]
    blobs = [(meta.split()[2], path.decode()) for meta, path in entries if meta.split()[1] == b"blob"]
    batch = subprocess.run(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"], input=b"".join(b + b"\n" for b, _ in blobs),
        check=True, capture_output=True).stdout
    position = 0
    for _, path in blobs:
        header_end = batch.index(b"\n", position)
        header = batch[position:header_end].split()
        position = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        target = os.path.join(into, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(batch[position:position + size])
        position += size + 1
    open(marker, "w").write(PINNED)


def scenarios(feature_text):
    """(name, background steps, steps) for each scenario; a step is (text, docstring)."""
    lines = feature_text.split("\n")
    out = []
    background = []
    current = None
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith('"""'):
            indent = len(lines[i]) - len(lines[i].lstrip())
            body = []
            i += 1
            while not lines[i].strip().startswith('"""'):
                body.append(lines[i][indent:] if len(lines[i]) >= indent else lines[i].strip())
                i += 1
            target = current["steps"] if current is not None else background
            target[-1] = (target[-1][0], "\n".join(body))
        elif line.startswith("Background:"):
            current = None
        elif line.startswith("Scenario"):
            current = {"name": line.split(":", 1)[1].strip(), "steps": []}
            out.append(current)
        elif re.match(r"^(Given|When|Then|And|But)\b", line):
            (current["steps"] if current is not None else background).append((line, None))
        i += 1
    return [(s["name"], background, s["steps"]) for s in out]


# steps.rb, as (pattern, folder relative to testdata/tmp/aruba, arguments).
def command(step):
    text = re.sub(r"^(When|And)\s+", "", step)
    rules = [
        (r'I run command "(.*)"', lambda m: ("../../fixtures/formats", shlex.split(m[1]))),
        (r'I lint simple "(.*)"', lambda m: ("../../fixtures/formats", ["--ignore-syntax"] + shlex.split(m[1]))),
        (r'I lint "(.*)"', lambda m: ("../../fixtures/formats", shlex.split(m[1]))),
        (r'I lint path "(.*)"', lambda m: ("../../fixtures/formats/" + m[1], ["."])),
        (r'I lint file "(\S+)" as "(\S+)"', lambda m: ("../../fixtures/formats", ["--ext=" + m[2], m[1]])),
        (r'I lint with config "(.*)"', lambda m: ("../../fixtures/formats", ["--config=" + m[1], "test.md"])),
        (r'I test "(.*)"', lambda m: ("../../fixtures/" + m[1], ["."])),
        (r'I test comments for "(.*)"', lambda m: ("../../fixtures/comments", ["test" + m[1]])),
        (r'I test patterns for "(.*)"', lambda m: ("../../fixtures/patterns", [m[1]])),
        (r'I test scope "(.*)"', lambda m: ("../../fixtures/scopes/" + m[1], ["."])),
        (r'I apply style "(.*)"', lambda m: ("../../fixtures/styles/" + m[1], ["."])),
        (r'I use Vocab "(.*)"', lambda m: ("../../fixtures/vocab/" + m[1], ["."])),
        (r'I run vale "(.*)"', lambda m: (".", shlex.split(m[1]))),
        (r'I assign minAlertLevel "(\S+)" "(\S+)"', lambda m: (".", ["--minAlertLevel=" + m[1], m[2]])),
        (r'I test glob "(.*)"', lambda m: ("../../fixtures/formats", ["--glob=" + m[1], "."])),
        (r'I test dir glob "(.*)"', lambda m: ("../../fixtures/glob", ["--glob=" + m[1], "."])),
        (r'I run cat "(\S+)" "(\S+)"', lambda m: ("../../fixtures/formats", ["--stdin-file=" + m[1], "--ext=" + m[2], "-"])),
        (r'I lint string "(.*)"', lambda m: ("../../fixtures/formats", [m[1]])),
    ]
    for pattern, make in rules:
        m = re.fullmatch(pattern, text)
        if m:
            return make(m)
    return None


def expected_of(steps):
    for text, doc in steps:
        m = re.match(r"^(Then|And) the output should contain( exactly)?:", text)
        if m:
            return bool(m[2]), [l for l in (doc or "").split("\n") if l.strip()]
    return None, None


def status_of(steps):
    for text, _ in steps:
        m = re.search(r"the exit status should be (\d+)", text)
        if m:
            return int(m[1])
    return None


def is_text_line(line):
    name = line.split(":", 1)[0]
    return name.endswith(TEXT_KINDS)


def main():
    outreach = os.path.abspath(sys.argv[1])
    fetched = os.path.join(HERE, "..", "..", ".build", "vale")
    repo = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("VALE_REPO") or (fetched if os.path.isdir(fetched) else None)
    if not repo or not os.path.isdir(repo):
        print("Vale's repository not found: run sh Tests/Vale/fetch.sh, or set VALE_REPO to a clone of errata-ai/vale (commit %s)" % PINNED)
        return 2
    # Outside the project: outreach finds a Rules/ folder and .outreach.yml
    # from the current folder upward, and this project has both.
    root = os.path.join(tempfile.gettempdir(), "outreach-vale-testdata")
    extract(repo, root)
    testdata = os.path.join(root, "testdata")
    known = set()
    known_path = os.path.join(HERE, "known-failing.txt")
    if os.path.exists(known_path):
        known = {l.split(" #")[0].strip() for l in open(known_path) if l.strip() and not l.startswith("#")}
    passed = total = found = expected_total = 0
    unexpected = []
    for feature in sorted(os.listdir(os.path.join(testdata, "features"))):
        if not feature.endswith(".feature"):
            continue
        for name, background, steps in scenarios(open(os.path.join(testdata, "features", feature)).read()):
            key = "%s: %s" % (feature, name)
            whens = [t for t, _ in steps if re.match(r"^(When|And) I ", t)]
            exactly, expected = expected_of(steps)
            run = command(whens[0]) if whens else None
            if run is None or expected is None:
                print("SKIP %s (a step outreach does not run)" % key)
                continue
            folder, arguments = run
            wanted = [l for l in expected if is_text_line(l)]
            named = any(a.endswith(TEXT_KINDS) or a == "." for a in arguments if not a.startswith("-"))
            if not wanted and not (not expected and named):
                print("SKIP %s (no Markdown or text input)" % key)
                continue
            # aruba's folder, fresh for each scenario, with the Given files.
            aruba = os.path.join(testdata, "tmp", "aruba")
            shutil.rmtree(aruba, ignore_errors=True)
            os.makedirs(aruba)
            for text, doc in background + steps:
                m = re.match(r'^(Given|And) a file named "(.*)" with:', text)
                if m:
                    with open(os.path.join(aruba, m[2]), "w") as f:
                        f.write((doc or "") + "\n")
            cwd = os.path.normpath(os.path.join(aruba, folder))
            stdin = None
            arguments = list(arguments)
            for a in list(arguments):
                if a.startswith("--stdin-file="):
                    stdin = open(os.path.join(cwd, a.split("=", 1)[1]), "rb").read()
                    arguments.remove(a)
            result = subprocess.run(
                [outreach, "lint", "--format", "line", "--no-default-rules"] + arguments,
                cwd=cwd, input=stdin, capture_output=True, timeout=120)
            got = [l for l in result.stdout.decode("utf-8", "replace").split("\n") if l.strip() and is_text_line(l)]
            total += 1
            expected_total += len(wanted)
            found += sum(1 for l in wanted if l in got)
            ok = got == wanted if exactly else all(l in got for l in wanted)
            status = status_of(steps)
            if ok and status is not None and all(is_text_line(l) for l in expected) and named:
                ok = result.returncode == status
            if ok:
                passed += 1
                print("PASS %s" % key)
                if key in known:
                    print("     (listed in known-failing.txt: take it out)")
                    unexpected.append(key)
            else:
                missing = [l for l in wanted if l not in got]
                extra = [l for l in got if l not in wanted] if exactly else []
                print("FAIL %s%s" % (key, " (known)" if key in known else ""))
                for l in missing[:5]:
                    print("     missing: %s" % l)
                for l in extra[:5]:
                    print("     extra:   %s" % l)
                if not missing and not extra:
                    print("     exit status %d, expected %s; stderr: %s" % (result.returncode, status, result.stderr.decode()[:300]))
                if key not in known:
                    unexpected.append(key)
    print("%d of %d scenarios pass, %d of %d expected findings found" % (passed, total, found, expected_total))
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
