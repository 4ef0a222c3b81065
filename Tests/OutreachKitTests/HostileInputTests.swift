import Foundation
import Testing

@testable import OutreachKit

/// The hostile-input round (issue 16): nothing lost, nothing crashes or
/// hangs, nothing slips past the hook, nothing reaches the terminal raw.
/// Each test failed on the main before this round.

/// Runs outreach under `timeout`, so a hang is a failed test (exit 124),
/// never a hung suite.
func runBounded(_ arguments: [String], seconds: Int = 20, in directory: String? = nil, environment: [String: String] = [:])
  throws -> ProcessResult
{
  try runProcess("timeout", ["\(seconds)", outreachBinary] + arguments, in: directory, environment: environment)
}

func writeAccount(_ folder: String, _ file: String, name: String, users: String = "ana@acme.io", extra: String = "") throws {
  let people = users.split(separator: ",").enumerated().map { index, email in
    "  - {name: Person \(index), email: \"\(email)\", title: CTO, last_active: 2026-11-20}"
  }.joined(separator: "\n")
  try "account: {name: \"\(name)\"}\n\(extra)users:\n\(people)\n".write(
    toFile: folder + "/" + file, atomically: true, encoding: .utf8)
}

@Suite(.serialized) struct LostWorkTests {
  @Test func draftFileNamesNeverCollide() throws {
    let folder = makeTemporaryFolder("names")
    let long = String(repeating: "Northwind Trading ", count: 4)
    let names = ["Acme", "ACME", "Acme!", "アクメ", "ヤマト", "Ромашка", "Василёк", long + "East", long + "West"]
    for (index, name) in names.enumerated() { try writeAccount(folder, "a\(index).yml", name: name) }
    for format in ["text", "eml"] {
      let out = makeTemporaryFolder("out")
      let first = try runOutreach(["draft", "--today", "2026-11-22", "--format", format, "--out", out, folder])
      #expect(first.status == 0, "\(first.stderr)")
      #expect(first.stderr.contains("9 drafts for 9 accounts, 9 written"), "\(first.stderr)")
      let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }
      #expect(files.count == 9, "\(format): \(files.sorted())")
      // A second run finds every draft its own, under the same names.
      let second = try runOutreach(["draft", "--today", "2026-11-22", "--format", format, "--out", out, folder])
      #expect(second.status == 0 && second.stderr.contains("0 written"), "\(second.stderr)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted() == files.sorted())
    }
    // Per-person drafts for addresses that slug alike.
    let people = makeTemporaryFolder("people")
    try writeAccount(
      people, "p.yml", name: "Pixel", users: "ana.b@acme.io,ana-b@acme.io,ana_b@acme.io",
      extra:
        "signals: {docs_topics: [sdk setup], sdk: {name: posthog-js, version: 1.1.0, latest: 1.150.0}, event_spike: {event: x, factor: 3}}\nhistory:\n  - {stage: onboarding, sent: 2026-11-01, to: [ana.b@acme.io], replied: false}\n"
    )
    let out = makeTemporaryFolder("out")
    let result = try runOutreach(["draft", "--today", "2026-11-22", "--out", out, people + "/p.yml"])
    #expect(result.stderr.contains("3 drafts for 1 account, 3 written"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.count == 3)
  }

  @Test func draftNamesAreStableAndTheJournalKeepsOwners() {
    func draft(_ account: String, _ email: String = "") -> Draft {
      Draft(
        account: account, stage: .onboarding, to: [], subject: "", body: "", observations: [], noticed: [], misses: [],
        fileName: "acme-onboarding.md", identity: account + email)
    }
    var names = DraftNames()
    let first = names.claim("acme-onboarding.md", for: draft("Acme"))
    let second = names.claim("acme-onboarding.md", for: draft("ACME"))
    #expect(first == "acme-onboarding.md" && second != first && second.hasPrefix("acme-onboarding-"))
    // The journal says ACME had the plain name: Acme gets a suffix now.
    var later = DraftNames(owners: ["acme-onboarding.md": DraftNames.key(draft("ACME"))])
    #expect(later.claim("acme-onboarding.md", for: draft("Acme")) != "acme-onboarding.md")
    #expect(later.claim("acme-onboarding.md", for: draft("ACME")) == "acme-onboarding.md")
  }

  @Test func concurrentOutRunsLoseNoJournalEntry() throws {
    let accounts = makeTemporaryFolder("many")
    for index in 0..<40 { try writeAccount(accounts, "a\(index).yml", name: "Company \(index)", users: "ana@c\(index).io") }
    let out = makeTemporaryFolder("out")
    let group = DispatchGroup()
    let statuses = ResultBox<Int32>(count: 8)
    for index in 0..<8 {
      DispatchQueue.global().async(group: group) {
        let result = try? runOutreach(["draft", "--today", "2026-11-22", "--out", out, accounts])
        statuses.set(index, result?.status ?? -1)
      }
    }
    group.wait()
    #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses.values)")
    let journal = try String(contentsOfFile: out + "/.outreach-drafts", encoding: .utf8)
    #expect(journal.split(separator: "\n").count == 40)
    let again = try runOutreach(["draft", "--today", "2026-11-22", "--out", out, accounts])
    #expect(again.status == 0 && !again.stderr.contains("kept because edited"), "\(again.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains(".outreach-tmp-") }.isEmpty)
  }
}

@Suite(.serialized) struct FixSafetyTests {
  static let email = "Hi Ana,\n\nYour bill -- and a way to cut it.\n"
  static let fixed = "Hi Ana,\n\nYour bill, and a way to cut it.\n"

  func file(_ text: String = email) throws -> String {
    let path = makeTemporaryFolder("fixsafe") + "/email.md"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func writesThroughASymbolicLink() throws {
    let target = try file()
    let link = (target as NSString).deletingLastPathComponent + "/link.md"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    let result = try runOutreach(["lint", "--fix", link])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target, "the link stays a link")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == Self.fixed)
  }

  @Test func refusesHardLinksAndReadOnlyFiles() throws {
    let path = try file()
    let other = path + ".other.md"
    link(path, other)
    let linked = try runOutreach(["lint", "--fix", path])
    #expect(
      linked.status == 2 && linked.stderr.contains("2 hard links") && linked.stderr.contains("left unfixed"), "\(linked.stderr)")
    #expect(try String(contentsOfFile: other, encoding: .utf8) == Self.email)
    let readOnly = try file()
    chmod(readOnly, 0o444)
    let refused = try runOutreach(["lint", "--fix", readOnly])
    #expect(refused.status == 2 && refused.stderr.contains("read-only"), "\(refused.stderr)")
    #expect(try String(contentsOfFile: readOnly, encoding: .utf8) == Self.email)
  }

  @Test func keepsOwnerAndMode() throws {
    guard getuid() == 0 else { return }  // only root can give a file to nobody
    let path = try file()
    chown(path, 65534, 65534)
    chmod(path, 0o640)
    let result = try runOutreach(["lint", "--fix", path])
    #expect(result.status == 0, "\(result.stderr)")
    var info = stat()
    stat(path, &info)
    #expect(info.st_uid == 65534 && info.st_gid == 65534 && info.st_mode & 0o7777 == 0o640)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.fixed)
  }

  @Test func refusesAFileThatChangedMeanwhile() throws {
    let path = try file()
    let before = Array(Self.email.utf8)
    try (Self.email + "A line appended while fixing.\n").write(toFile: path, atomically: false, encoding: .utf8)
    #expect(throws: OutreachError.self) { try Fixer.replace(path: path, expected: before, with: Array(Self.fixed.utf8)) }
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("A line appended while fixing.\n"))
    let folder = (path as NSString).deletingLastPathComponent
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1, "no temporary file left")
  }

  /// `--diff` output goes through `git apply --check`, and `--fix` leaves
  /// what the patch would: CRLF, mixed line ends, no final newline.
  @Test(arguments: [
    "Hi Ana,\r\n\r\nYour bill -- and a way to cut it.\r\nThanks\r\n",
    "Hi Ana,\n\nYour bill -- and a way.\r\nOne\nTwo\nThree\nFour\nFive -- six\n",
    "Hi Ana,\n\nOne\nTwo\nThree\nYour bill -- and a way to cut it.",
  ])
  func diffAppliesAndFixMatchesIt(text: String) throws {
    let folder = makeTemporaryFolder("diff")
    try runProcess("git", ["init", "-q", folder])
    try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/email.md"))
    let diff = try runOutreach(["lint", "--diff", "email.md"], in: folder)
    #expect(diff.stdout.hasPrefix("--- a/email.md\n+++ b/email.md\n"), "\(diff.stdout)")
    try Data(diff.stdout.utf8).write(to: URL(fileURLWithPath: folder + "/fix.patch"))
    let check = try runProcess("git", ["apply", "--check", "fix.patch"], in: folder)
    #expect(check.status == 0, "\(check.stderr)\n\(diff.stdout)")
    _ = try runProcess("git", ["apply", "fix.patch"], in: folder)
    let patched = try Data(contentsOf: URL(fileURLWithPath: folder + "/email.md"))
    try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/email.md"))
    _ = try runOutreach(["lint", "--fix", "email.md"], in: folder)
    let fixed = try Data(contentsOf: URL(fileURLWithPath: folder + "/email.md"))
    #expect(
      fixed == patched && !fixed.elementsEqual(Data(text.utf8)), "\(String(decoding: fixed, as: UTF8.self).debugDescription)")
    #expect(
      String(decoding: fixed, as: UTF8.self).components(separatedBy: "\r\n").count == text.components(separatedBy: "\r\n").count)
  }
}

@Suite(.serialized) struct HookSafetyTests {
  func repository() throws -> String {
    let folder = makeTemporaryFolder("repo")
    try runProcess("git", ["init", "-q", folder])
    try runProcess("git", ["-C", folder, "config", "user.email", "a@b.io"])
    try runProcess("git", ["-C", folder, "config", "user.name", "A"])
    return folder
  }

  /// Staged names git would quote, a name like an option, an upper-case
  /// extension, and bad text staged under a clean working copy: the hook
  /// lints every one from the index and stops the commit.
  @Test func lintsWhatIsStagedFromTheIndex() throws {
    let repo = try repository()
    #expect(try runOutreach(["hook", "install"], in: repo).status == 0)
    let names = ["naïve.md", "q\"uote.md", "-y.md", "UP.MD"]
    for name in names {
      let repoOnly = makeTemporaryFolder("one")
      _ = repoOnly
      try "Hi Ana, circling back on the flags.\n".write(toFile: repo + "/" + name, atomically: true, encoding: .utf8)
      try runProcess("git", ["-C", repo, "add", "--", name])
      let commit = try runProcess("git", ["-C", repo, "commit", "-q", "-m", "x"])
      #expect(commit.status != 0, "\(name) got past the hook: \(commit.stderr)")
      #expect(commit.stdout.contains("circling back") || commit.stderr.contains("circling back"), "\(name): \(commit.stdout)")
      try runProcess("git", ["-C", repo, "rm", "-q", "--cached", "--", name])
      try FileManager.default.removeItem(atPath: repo + "/" + name)
    }
    // Staged bad, clean on disk.
    try "Hi Ana, circling back.\n".write(toFile: repo + "/mail.md", atomically: true, encoding: .utf8)
    try runProcess("git", ["-C", repo, "add", "mail.md"])
    try "Hi Ana, the flags are stale.\n".write(toFile: repo + "/mail.md", atomically: true, encoding: .utf8)
    let commit = try runProcess("git", ["-C", repo, "commit", "-q", "-m", "x"])
    #expect(commit.status != 0, "the staged text got past the hook")
    // Fixed in the index too: the commit goes through.
    try runProcess("git", ["-C", repo, "add", "mail.md"])
    #expect(try runProcess("git", ["-C", repo, "commit", "-q", "-m", "x"]).status == 0)
  }

  @Test func parsesGitsStagedListAsBytes() {
    let blob = String(repeating: "a", count: 40)
    let zero = String(repeating: "0", count: 40)
    let raw = Array(
      ":000000 100644 \(zero) \(blob) A\u{0}na\u{00EF}ve.md\u{0}:100644 100644 \(blob) \(blob) M\u{0}-y.md\u{0}:100644 100644 \(blob) \(blob) R087\u{0}old.md\u{0}new name.MD\u{0}:120000 120000 \(blob) \(blob) M\u{0}link.md\u{0}"
        .utf8)
    let (files, malformed) = GitHook.parseStaged(raw)
    #expect(!malformed)
    #expect(files.map(\.path) == ["naïve.md", "-y.md", "new name.MD", "link.md"])
    #expect(files.filter(GitHook.isEmail).map(\.path) == ["naïve.md", "-y.md", "new name.MD"])
    #expect(GitHook.parseStaged(Array(":garbage\u{0}x\u{0}".utf8)).malformed)
  }

  @Test func uninstallPutsTheOriginalHookBack() throws {
    let repo = try repository()
    let hook = repo + "/.git/hooks/pre-commit"
    try "#!/bin/sh\necho original\n".write(toFile: hook, atomically: true, encoding: .utf8)
    #expect(try runOutreach(["hook", "install", "--force"], in: repo).status == 0)
    // Someone puts another hook over ours; a second forced install keeps both.
    try "#!/bin/sh\necho second\n".write(toFile: hook, atomically: true, encoding: .utf8)
    #expect(try runOutreach(["hook", "install", "--force"], in: repo).status == 0)
    #expect(try String(contentsOfFile: hook + ".outreach-backup", encoding: .utf8).contains("original"))
    #expect(try String(contentsOfFile: hook + ".outreach-backup.2", encoding: .utf8).contains("second"))
    #expect(try runOutreach(["hook", "uninstall"], in: repo).status == 0)
    #expect(try String(contentsOfFile: hook, encoding: .utf8).contains("second"))
    #expect(try String(contentsOfFile: hook + ".outreach-backup", encoding: .utf8).contains("original"))
  }

  @Test func aBareRepositoryIsRefused() throws {
    let bare = makeTemporaryFolder("bare")
    try runProcess("git", ["init", "-q", "--bare", bare])
    let result = try runOutreach(["hook", "install"], in: bare)
    #expect(result.status == 2 && result.stderr.contains("bare repository"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: bare + "/hooks/pre-commit"))
  }
}

@Suite(.serialized) struct CrashAndHangTests {
  @Test(arguments: [
    "signals:\n  event_spike: {event: x, factor: 1e19}\n",
    "products:\n  session_replay: {enabled: true, recordings: 500, sample_rate: 1e300}\n",
    "signals:\n  growth: {events_trend: 1e18}\n",
    "signals:\n  sdk: {name: js, version: 1.0.0, latest: 9223372036854775806.0.0}\n",
  ])
  func hugeNumbersAreOneErrorAndTheBatchGoesOn(extra: String) throws {
    let folder = makeTemporaryFolder("huge")
    try writeAccount(folder, "a-bad.yml", name: "Bad", extra: extra)
    try writeAccount(folder, "b-good.yml", name: "Good")
    let out = makeTemporaryFolder("out")
    let result = try runBounded(["draft", "--today", "2026-11-22", "--out", out, folder])
    #expect(result.status == 2, "\(result.stderr)")
    let errors = result.stderr.split(separator: "\n").filter { $0.contains("error:") }
    #expect(errors.count == 1 && errors[0].contains("a-bad.yml"), "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: out + "/good-onboarding.md"), "the good account is drafted")
  }

  @Test func fifosAreRefusedNeverWaitedOn() throws {
    let folder = makeTemporaryFolder("fifo")
    mkfifo(folder + "/pipe.md", 0o600)
    try "Hi Ana.\n".write(toFile: folder + "/ok.md", atomically: true, encoding: .utf8)
    // As an argument, and inside a walked folder.
    let direct = try runBounded(["lint", folder + "/pipe.md", folder + "/ok.md"])
    #expect(direct.status == 2 && direct.stderr.contains("named pipe"), "\(direct.stderr)")
    let walked = try runBounded(["lint", folder])
    #expect(walked.status == 2 && walked.stderr.contains("pipe.md"), "\(walked.stderr)")
    // As a rule file, a configuration and a .vale.ini.
    let rules = makeTemporaryFolder("fiforules")
    mkfifo(rules + "/bad.yml", 0o600)
    #expect(try runBounded(["lint", "--rules", rules, folder + "/ok.md"]).status == 2)
    let config = makeTemporaryFolder("fifoconfig")
    try "Hi Ana.\n".write(toFile: config + "/ok.md", atomically: true, encoding: .utf8)
    mkfifo(config + "/.outreach.yml", 0o600)
    #expect(try runBounded(["lint", "ok.md"], in: config).status == 2)
    try FileManager.default.removeItem(atPath: config + "/.outreach.yml")
    mkfifo(config + "/.vale.ini", 0o600)
    #expect(try runBounded(["lint", "ok.md"], in: config).status == 2)
    // Accounts: draft and recipients.
    let accounts = makeTemporaryFolder("fifoaccounts")
    mkfifo(accounts + "/x.yml", 0o600)
    #expect(try runBounded(["draft", accounts]).status == 2)
    #expect(try runBounded(["recipients", accounts + "/x.yml"]).status == 2)
    // A pipe given on purpose is still read.
    let piped = try runProcess("bash", ["-c", "'\(outreachBinary)' lint <(printf 'Hi Ana, circling back.\\n')"])
    #expect(piped.status == 1 && piped.stdout.contains("circling back"), "\(piped.stderr)")
  }

  /// Found by the account fuzzer: an alias of nested aliases as a mapping
  /// key made Yams hash its whole expansion (9 s for 830 bytes).
  @Test func anAliasAsAMappingKeyIsRefusedAtOnce() throws {
    let text = try String(contentsOfFile: fixtures + "/fuzz/account/alias-key-bomb.yml", encoding: .utf8)
    #expect {
      _ = try AccountLoader.load(path: "bomb.yml", text: text)
    } throws: { error in
      "\(error)".contains("alias") && "\(error)".contains("bomb.yml:5:")
    }
    // A second shape the fuzzer found, the alias key hidden after a stray quote.
    let second = try String(contentsOfFile: fixtures + "/fuzz/account/alias-key-bomb-2.yml", encoding: .utf8)
    #expect(throws: OutreachError.self) { _ = try AccountLoader.load(path: "bomb2.yml", text: second) }
    // Without anchors there is no alias: quoted text and comments with `*x:` are fine.
    let fine = "account: {name: \"A *b: c\"}\nusers:\n  - {name: Ana Ruiz, email: ana@acme.io, title: 'CTO *x: y'} # *z: w\n"
    #expect(try AccountLoader.load(path: "fine.yml", text: fine).0.users.count == 1)
  }

  @Test func aHugeDataValueIsOneErrorNotAMinute() throws {
    let folder = makeTemporaryFolder("long")
    try writeAccount(
      folder, "a.yml", name: "Long", extra: "context:\n  open_ticket: \"\(String(repeating: "slow ", count: 800_000))\"\n")
    let result = try runBounded(["draft", folder + "/a.yml"], seconds: 30)
    #expect(
      result.status == 2 && result.stderr.contains("context.open_ticket") && result.stderr.contains("over the 1000"),
      "\(result.stderr)")
  }

  /// Markdown whose delimiters would cost cmark gigabytes is read as
  /// plain text, with a warning, in bounded memory.
  @Test func pathologicalMarkdownStaysInBoundedMemory() throws {
    let path = makeTemporaryFolder("huge") + "/stars.md"
    try ("Hi Ana, circling back.\n\n" + String(repeating: "*a_", count: 3_000_000)).write(
      toFile: path, atomically: true, encoding: .utf8)
    let result = try runProcess("/usr/bin/time", ["-f", "peak %M KB", outreachBinary, "lint", path])
    #expect(result.status == 1 && result.stdout.contains("circling back"), "\(result.stderr)")
    #expect(result.stderr.contains("read it as plain text"), "\(result.stderr)")
    let peak =
      result.stderr.split(separator: "\n").last { $0.hasPrefix("peak ") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    #expect(peak > 0 && peak < 400_000, "peak \(peak) KB")
  }

  /// 100,000 findings on one line: linear, so ten times the findings cost
  /// about ten times the time, not a hundred (a ratio in one run, not a
  /// timed threshold).
  @Test func findingsOnOneLineCostLinearTime() throws {
    let folder = makeTemporaryFolder("oneline")
    var times: [Double] = []
    for (count, kind) in [(10_000, "md"), (100_000, "md"), (3_200, "eml"), (32_000, "eml")] {
      let body = Array(repeating: "a — b", count: count).joined(separator: " ")
      let text =
        kind == "md"
        ? "Hi,\n\n" + body + "\n" : "Subject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n"
      let path = folder + "/\(count).\(kind)"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      let start = Date()
      let result = try runBounded(["lint", "--format", "json", path], seconds: 120)
      times.append(Date().timeIntervalSince(start))
      #expect(result.status == 1)
    }
    #expect(times[1] / times[0] < 30, "Markdown: \(times)")
    #expect(times[3] / times[2] < 30, "eml: \(times)")
  }

  @Test func deepHTMLAndDeepMultipartsAreRead() throws {
    let folder = makeTemporaryFolder("deep")
    let html = String(repeating: "<div>", count: 3000) + "Hi Ana, circling back." + String(repeating: "</div>", count: 3000)
    try "Subject: Flags\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<p>Hello.</p>\(html)\n".write(
      toFile: folder + "/html.eml", atomically: true, encoding: .utf8)
    var nested = "Subject: Flags\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"
    for level in 0..<500 { nested += "--b\(level)\nContent-Type: multipart/mixed; boundary=\"b\(level + 1)\"\n\n" }
    nested += "--b500\nContent-Type: text/plain\n\nHi Ana, circling back.\n--b500--\n"
    for level in stride(from: 499, through: 0, by: -1) { nested += "--b\(level)--\n" }
    try nested.write(toFile: folder + "/nested.eml", atomically: true, encoding: .utf8)
    for name in ["html.eml", "nested.eml"] {
      let result = try runBounded(["lint", folder + "/" + name])
      #expect(result.status == 1 && result.stdout.contains("circling back"), "\(name): \(result.stdout) \(result.stderr)")
    }
  }
}

@Suite struct ManyTokensTests {
  /// A rule's regex tokens are split over several patterns (RE2's DFA for
  /// 100,000 alternatives falls back to a scan that took 15 s on one 32 KB
  /// line); the matches stay those of one alternation: leftmost first, the
  /// earlier token first at one place, none overlapping.
  @Test func splitTokensMatchAsOneAlternation() throws {
    var tokens = (0..<600).map { "'w\($0)x?'" }
    tokens[3] = "'a[b]'"
    tokens[599] = "'a[b]c'"
    let text = "extends: existence\nmessage: \"'%s'\"\nlevel: error\ntokens: [\(tokens.joined(separator: ", "))]\n"
    var warnings: [Warning] = []
    let rule = try RuleLoader.load(id: "many", file: "many.yml", text: text, warnings: &warnings)
    let linter = Linter(rules: [rule])
    // `ab` (token 3) and `abc` (token 599, another pattern) at one place:
    // as one alternation with word boundaries, `abc` is the match.
    let findings = linter.lint(path: "e.md", text: "Hi w5x and w598 then abc, ab w300x and w1000.\n")
    #expect(findings.map(\.match) == ["w5x", "w598", "abc", "ab", "w300x"], "\(findings.map(\.match))")
  }
}

@Suite struct MboxSeparatorTests {
  /// A body line "From here on, ..." is text, not a new message; a real
  /// `From ` line (a sender, a time and a year) still is.
  @Test func onlyRealFromLinesSplitAnMbox() throws {
    let mbox = """
      From a@b.io Thu Nov 20 09:12:00 +0000 2025
      Subject: Your flags

      Hi Ana, the flags are stale.

      From here on, we are circling back every week.

      From c@d.io Thu Nov 20 09:13:00 2025
      Subject: Your bill

      Hi Bo, your bill is due.

      """
    let path = makeTemporaryFolder("mbox") + "/sent.mbox"
    try mbox.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try runOutreach(["lint", "--format", "json", path])
    let findings = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    #expect(findings.count == 1 && findings.first?["line"] as? Int == 6, "\(result.stdout) \(result.stderr)")
    #expect(findings.first?["subject"] as? String == "Your flags")
    #expect(!result.stderr.contains("No subject") && !result.stderr.contains("no header"), "\(result.stderr)")
    #expect(GMime.isFromLine(Array("From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n".utf8)))
    #expect(!GMime.isFromLine(Array("From here on, we meet weekly.\n".utf8)))
  }
}

@Suite struct WrongTextTests {
  @Test func fileNamesNeverReachTheTerminalRaw() throws {
    let folder = makeTemporaryFolder("escape")
    let name = "a\u{1B}]0;pwned\u{07}\u{1B}[2Jb\rc.md"
    try "Hi Ana, circling back.\n".write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    for format in ["text", "github"] {
      let result = try runOutreach(["lint", "--format", format, folder])
      for output in [result.stdout, result.stderr] {
        #expect(!output.contains("\u{1B}") && !output.contains("\u{07}") && !output.contains("\r"), "\(output.debugDescription)")
      }
      #expect(result.stdout.contains("a\\e]0;pwned\\x07\\e[2Jb"), "\(result.stdout.debugDescription)")
    }
    let json = try runOutreach(["lint", "--format", "json", folder])
    #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "JSON stays valid")
    #expect(!json.stdout.contains("\u{1B}"))
    let missing = try runOutreach(["lint", folder + "/no\u{1B}[31mpe.md"])
    #expect(!missing.stderr.contains("\u{1B}") && missing.stderr.contains("no\\e[31mpe.md"), "\(missing.stderr.debugDescription)")
  }

  /// A reader that goes away (`outreach lint | head -1`) ends outreach as
  /// a closed pipe ends any Unix tool, not with a crash report.
  @Test func aClosedPipeIsNotACrash() throws {
    let path = makeTemporaryFolder("pipe") + "/many.md"
    try String(repeating: "Hi Ana, circling back.\n", count: 50_000).write(toFile: path, atomically: true, encoding: .utf8)
    for command in ["lint", "read"] where command == "lint" {
      let result = try runProcess(
        "bash", ["-c", "'\(outreachBinary)' \(command) '\(path)' | head -1; echo \"status ${PIPESTATUS[0]}\""])
      #expect(result.stdout.contains("status 141"), "\(result.stdout)")
      #expect(!result.stderr.contains("crashed") && !result.stderr.contains("Fatal error"), "\(result.stderr)")
    }
  }

  @Test func dataNeverMakesADraftFailItsOwnLint() throws {
    let folder = makeTemporaryFolder("data")
    try writeAccount(folder, "a.yml", name: "Acme", extra: "context:\n  open_ticket: \"Bill went to $XXk -- help, XX% up\"\n")
    let result = try runOutreach(["draft", "--today", "2026-11-22", folder + "/a.yml"])
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    #expect(result.stdout.contains("Bill went to $xxk, help, xx% up"), "\(result.stdout)")
    // What cannot be softened is one error naming the value, not a draft that fails.
    try writeAccount(folder, "b.yml", name: "Bcme", extra: "context:\n  open_ticket: \"Circling back on SSO\"\n")
    let refused = try runOutreach(["draft", "--today", "2026-11-22", folder + "/b.yml"])
    #expect(refused.status == 2 && refused.stderr.contains("context.open_ticket") && refused.stdout.isEmpty, "\(refused.stderr)")
  }

  @Test func aBadAddressSkipsTheUserNotTheAccount() throws {
    let folder = makeTemporaryFolder("address")
    try writeAccount(folder, "a.yml", name: "Acme", users: "ana@acme.io,a..b@acme.io")
    let result = try runOutreach(["recipients", folder + "/a.yml"])
    #expect(result.status == 0 && result.stdout.contains("ana@acme.io"), "\(result.stderr)")
    #expect(result.stderr.contains("a..b@acme.io` is not an email address") && result.stderr.contains("skipped the user"))
  }

  @Test func oddAddressesAreRefused() {
    for bad in [
      "a..b@acme.io", ".bo@acme.io", "a.@acme.io", "cy@-x.io", "a@acme-.io", "a@acme..io", "a@x_y.io", "a@io", "a b@x.io",
    ] {
      #expect(!EmailAddress.isValid(bad), "\(bad)")
    }
    for good in ["ana@acme.io", "ana.b+test@mail.acme.co.uk", "o'neil@acme.io", "yuki@例え.jp", "a-b_c@x-y.io"] {
      #expect(EmailAddress.isValid(good), "\(good)")
    }
  }

  @Test func invisibleCharactersAreStripped() {
    for invisible in ["\u{2060}", "\u{180E}", "\u{2062}", "\u{00AD}", "\u{200B}", "\u{FEFF}", "\u{202E}"] {
      #expect(Escaping.sanitize("An\(invisible)a Ruiz") == "Ana Ruiz", "\(invisible.unicodeScalars.first!.value)")
    }
  }

  @Test func messagesSayWhatIsWrong() throws {
    let folder = makeTemporaryFolder("messages")
    try FileManager.default.createSymbolicLink(atPath: folder + "/dangling.md", withDestinationPath: folder + "/nowhere.md")
    let dangling = try runOutreach(["lint", folder + "/dangling.md"])
    #expect(dangling.stderr.contains("a symbolic link to a file that does not exist") && !dangling.stderr.contains("loop"))
    // UTF-16 with a byte-order mark is text.
    var utf16: [UInt8] = [0xFF, 0xFE]
    for unit in "Hi Ana, circling back.\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    try Data(utf16).write(to: URL(fileURLWithPath: folder + "/wide.txt"))
    let wide = try runOutreach(["lint", folder + "/wide.txt"])
    #expect(wide.status == 1 && wide.stdout.contains("wide.txt:1:9"), "\(wide.stdout) \(wide.stderr)")
    // A duplicate key in a 5,000-line file: one short line.
    let lines = (0..<5000).map { "k\($0): \($0)" }.joined(separator: "\n")
    try "rules:\n  em-dash: off\n  em-dash: error\n\(lines)\n".write(toFile: folder + "/c.yml", atomically: true, encoding: .utf8)
    try "Hi.\n".write(toFile: folder + "/ok.md", atomically: true, encoding: .utf8)
    let duplicate = try runOutreach(["lint", "--config", folder + "/c.yml", folder + "/ok.md"])
    #expect(
      duplicate.status == 2 && duplicate.stderr.count < 300 && duplicate.stderr.contains("`em-dash`"), "\(duplicate.stderr)")
    // A draft too large is not told to "lint something smaller".
    #expect(!OutreachError.tooLarge(path: "a.yml", bytes: 30_000_000, limit: 20_000_000).description.contains("lint"))
    // A failed write is counted as one.
    #expect(
      Reporters.summary([], files: 1, errors: [.cannotWrite(path: "x.md", reason: "disk full")]).contains("could not be written"))
  }

  @Test func brokenDictionariesAndMissingIgnoreFilesAreLoadErrors() throws {
    let folder = makeTemporaryFolder("hunspell")
    try "".write(toFile: folder + "/empty.aff", atomically: true, encoding: .utf8)
    try "".write(toFile: folder + "/empty.dic", atomically: true, encoding: .utf8)
    try "SET UTF-8\n".write(toFile: folder + "/broken.aff", atomically: true, encoding: .utf8)
    try "flags\nbill\n".write(toFile: folder + "/broken.dic", atomically: true, encoding: .utf8)
    var warnings: [Warning] = []
    for name in ["empty", "broken"] {
      let rule = "extends: spelling\nmessage: \"'%s'?\"\ndicpath: .\ndictionaries: [\(name)]\n"
      #expect(throws: OutreachError.self) {
        try RuleLoader.load(id: "s", file: folder + "/s.yml", text: rule, warnings: &warnings)
      }
    }
    let missing = "extends: spelling\nmessage: \"'%s'?\"\nignore: [nowhere.txt]\n"
    #expect(throws: OutreachError.self) {
      try RuleLoader.load(id: "s", file: folder + "/s.yml", text: missing, warnings: &warnings)
    }
  }
}
