import Foundation
import Testing

@testable import OutreachKit

/// The `outreach` binary end to end: formats, exit codes, bad input.
@Suite(.serialized) struct CLITests {
  let sample = "Tests/Samples/emails/check-in-needs-work.md"

  @Test(arguments: ReportFormat.allCases) func goldenOutput(format: ReportFormat) throws {
    let result = try runOutreach(["lint", "--format", format.rawValue, sample], in: packageRoot)
    #expect(result.status == 1)
    let golden = fixtures + "/golden/lint.\(format.rawValue)"
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
      try result.stdout.write(toFile: golden, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOfFile: golden, encoding: .utf8)
    #expect(result.stdout == expected, "output differs from \(golden); rerun with UPDATE_GOLDEN=1 to see")
  }

  @Test func jsonHasTheContractFields() throws {
    let result = try runOutreach(["lint", "--format", "json", sample], in: packageRoot)
    let array = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    #expect(!array.isEmpty)
    for object in array {
      for key in ["path", "line", "column", "rule", "severity", "message", "match"] {
        #expect(object[key] != nil, "missing \(key)")
      }
      #expect(["error", "warning", "suggestion"].contains(object["severity"] as? String ?? ""))
    }
  }

  @Test func sarifListsRulesUnderDriver() throws {
    let result = try runOutreach(["lint", "--format", "sarif", sample], in: packageRoot)
    let log = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(log["version"] as? String == "2.1.0")
    let run = try #require((log["runs"] as? [[String: Any]])?.first)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    let ids = (driver["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    #expect(ids.contains("vibe-killer") && ids.contains("em-dash"))
    #expect((run["results"] as? [Any])?.isEmpty == false)
  }

  @Test func exitCodesAndFailOn() throws {
    let clean = "Subject: Your flags are stale: 12 of 30\n\nHi Ana,\n\nTwelve flags are stale. Want to take a look together?\n"
    #expect(try runOutreach(["lint", "-"], stdin: clean).status == 0)
    let warningOnly = "Hi Ana,\n\nOne? Two?\n"
    #expect(try runOutreach(["lint"], stdin: warningOnly).status == 0)
    #expect(try runOutreach(["lint", "--fail-on", "warning"], stdin: warningOnly).status == 1)
    let dirty = try runOutreach(["lint"], stdin: "Just circling back.\n")
    #expect(dirty.status == 1)
    #expect(dirty.stdout.hasPrefix("<stdin>:1:6: error: "))
    #expect(dirty.stdout.contains("[vibe-killer]"))
    #expect(dirty.stderr.contains("1 finding (1 error) in 1 file"))
  }

  @Test func badFlagIsExit2OnOneLine() throws {
    let result = try runOutreach(["lint", "--format", "xml", "-"], stdin: "Hi\n")
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(try runOutreach(["lint", "--no-such-flag"]).status == 2)
    let help = try runOutreach(["lint", "--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("--fail-on") && help.stdout.contains("text, json, github, sarif"))
  }

  @Test func badInputIsReportedAndOthersStillLinted() throws {
    let folder = makeTemporaryFolder()
    try "Just circling back.\n".write(toFile: folder + "/good.md", atomically: true, encoding: .utf8)
    try Data([0x48, 0x69, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder + "/latin1.md"))
    try Data([0x48, 0x00, 0x69]).write(to: URL(fileURLWithPath: folder + "/binary.md"))
    try Data().write(to: URL(fileURLWithPath: folder + "/empty.md"))
    let big = Data(repeating: 0x61, count: 50_000_000)
    try big.write(to: URL(fileURLWithPath: folder + "/huge.md"))
    try FileManager.default.createDirectory(atPath: folder + "/nothing", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: folder + "/loop.md", withDestinationPath: folder + "/loop.md")
    let result = try runOutreach(["lint", folder, folder + "/missing.md", folder + "/nothing"])
    #expect(result.status == 2)
    #expect(result.stdout.contains("good.md:1:6: error:"))
    let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("outreach: error: ") }
    for (name, words) in [
      ("latin1.md:1", "UTF-8"), ("binary.md", "binary"), ("empty.md", "empty"), ("huge.md", "limit"),
      ("missing.md", "no such file"), ("nothing", "no email files"), ("loop.md", "link"),
    ] {
      #expect(errors.contains { $0.contains(name) && $0.contains(words) }, "no error for \(name): \(result.stderr)")
    }
  }

  @Test func brokenRuleFilesAreExit2WithFileAndLine() throws {
    let cases: [(String, String)] = [
      (
        "extends: existance\nmessage: x\ntokens: [a]\n",
        "bad.yml:1: unknown kind `extends: existance` (did you mean `existence`?)"
      ),
      ("extends: existence\nmessage: x\ntokens:\n  - 'a('\n", "bad.yml:4: invalid regular expression"),
      ("extends: existence\nmessage: [x\n", "bad.yml:3:1: invalid YAML"),
      ("extends: existence\ntokens: [a]\n", "bad.yml:1: missing `message`"),
    ]
    for (text, expected) in cases {
      let folder = makeTemporaryFolder()
      try text.write(toFile: folder + "/bad.yml", atomically: true, encoding: .utf8)
      let result = try runOutreach(["lint", "--rules", folder, "-"], stdin: "Hi\n")
      #expect(result.status == 2)
      #expect(result.stderr.contains(expected), "expected \(expected) in \(result.stderr)")
      // One line for the file, then the summary: the other rules ran.
      #expect(result.stderr.split(separator: "\n").filter { $0.contains("error:") }.count == 1, "\(result.stderr)")
      #expect(result.stderr.split(separator: "\n").last?.contains("no findings in 1 file") == true, "\(result.stderr)")
    }
  }

  /// A rule file that does not load is one error; every other rule (the
  /// same folder's, the built-in ones) still runs, and the exit status says
  /// the run was incomplete.
  @Test func aBrokenRuleFileLeavesTheOtherRulesRunning() throws {
    let folder = makeTemporaryFolder()
    try "extends: existence\nmessage: x\ntokens:\n  - 'a('\n".write(
      toFile: folder + "/Bad.yml", atomically: true, encoding: .utf8)
    try "extends: existence\nmessage: \"'%s' found\"\ntokens: [flags]\n".write(
      toFile: folder + "/Good.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach(
      ["lint", "--rules", folder, "--format", "line", "-"], stdin: "Hi Ana, the flags look stale, circling back.\n")
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stdout.contains(".Good:'flags' found") && result.stdout.contains(":vibe-killer:"), "\(result.stdout)")
    #expect(result.stderr.contains("Bad.yml:4: invalid regular expression"), "\(result.stderr)")
  }

  @Test func rulesFolderFoundUpwardExtendsTheBuiltIns() throws {
    let folder = makeTemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder + "/Rules", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: folder + "/emails/sub", withIntermediateDirectories: true)
    try "extends: existence\nmessage: \"No '%s'.\"\nlevel: warning\nignorecase: true\ntokens: [kindly]\n".write(
      toFile: folder + "/Rules/kindly.yml", atomically: true, encoding: .utf8)
    try "Kindly note we are circling back.\n".write(toFile: folder + "/emails/sub/a.md", atomically: true, encoding: .utf8)
    let result = try runOutreach(["lint", "."], in: folder + "/emails")
    #expect(result.stdout.contains("[kindly]") && result.stdout.contains("[vibe-killer]"))
    let only = try runOutreach(["lint", "--no-default-rules", "."], in: folder + "/emails")
    #expect(only.stdout.contains("[kindly]") && !only.stdout.contains("[vibe-killer]"))
    let listing = try runOutreach(["rules"], in: folder)
    #expect(listing.stdout.contains("kindly") && listing.stdout.contains("vibe-killer"))
  }

  @Test func builtInRulesWorkFromAnyFolder() throws {
    let folder = makeTemporaryFolder()
    let result = try runOutreach(["lint", "-"], stdin: "Subject: Quick question\n\nHi\n", in: folder)
    #expect(result.stdout.contains("[generic-subject]"))
  }
}

@Suite(.serialized) struct DraftCLITests {
  @Test func draftWritesFilesAndNeverOverwritesAnEdit() throws {
    let out = makeTemporaryFolder("drafts")
    let first = try runOutreach(["draft", "--today", "2026-11-22", "--out", out, "Templates/accounts"], in: packageRoot)
    #expect(first.status == 0, "\(first.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".md") }.sorted()
    #expect(files.contains("orbit-crm-onboarding.md") && files.contains("pixel-forge-check-in.md"))
    let edited = out + "/orbit-crm-onboarding.md"
    try (try String(contentsOfFile: edited, encoding: .utf8) + "\nP.S. added by hand\n").write(
      toFile: edited, atomically: true, encoding: .utf8)
    let second = try runOutreach(["draft", "--today", "2026-11-22", "--out", out, "Templates/accounts"], in: packageRoot)
    #expect(second.status == 1)
    #expect(second.stderr.contains("orbit-crm-onboarding.md: edited since outreach wrote it"))
    #expect(try String(contentsOfFile: edited, encoding: .utf8).contains("added by hand"))
    let forced = try runOutreach(
      ["draft", "--today", "2026-11-22", "--out", out, "--force", "Templates/accounts"], in: packageRoot)
    #expect(forced.status == 0)
    #expect(!(try String(contentsOfFile: edited, encoding: .utf8)).contains("added by hand"))
  }

  @Test func draftJSONAndByteForByteReproduction() throws {
    let one = try runOutreach(["draft", "--today", "2026-11-22", "--format", "json", "Templates/accounts"], in: packageRoot)
    let two = try runOutreach(["draft", "--today", "2026-11-22", "--format", "json", "Templates/accounts"], in: packageRoot)
    #expect(one.status == 0)
    #expect(one.stdout == two.stdout)
    let array = try #require(JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]])
    for object in array {
      for key in ["account", "stage", "to", "subject", "body", "observations", "noticed"] {
        #expect(object[key] != nil, "missing \(key)")
      }
      for person in object["to"] as? [[String: Any]] ?? [] {
        for key in ["name", "email", "role", "reason"] { #expect(person[key] != nil) }
      }
    }
  }

  @Test func draftOutputLintsCleanThroughTheCLI() throws {
    let drafts = try runOutreach(["draft", "--today", "2026-11-22", "Templates/accounts"], in: packageRoot)
    #expect(drafts.status == 0)
    let out = makeTemporaryFolder("lint-drafts")
    _ = try runOutreach(["draft", "--today", "2026-11-22", "--out", out, "Templates/accounts"], in: packageRoot)
    let lint = try runOutreach(["lint", out], in: packageRoot)
    #expect(lint.status == 0 && lint.stdout.isEmpty, "\(lint.stdout)")
  }

  @Test func oneBadAccountDoesNotStopTheOthers() throws {
    let folder = makeTemporaryFolder("accounts")
    try FileManager.default.copyItem(atPath: packageRoot + "/Templates/accounts/orbit-crm.yml", toPath: folder + "/good.yml")
    try "account: {name: Broken}\nusers:\n  - {name: A, email: nope}\n".write(
      toFile: folder + "/bad.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach(["draft", "--today", "2026-11-22", folder])
    #expect(result.status == 2)
    #expect(result.stdout.contains("Subject:"))
    #expect(result.stderr.contains("bad.yml:3: warning: users[0].email:"), "\(result.stderr)")
    #expect(result.stderr.contains("bad.yml:1: users: nobody to write to"), "\(result.stderr)")
  }

  @Test func recipientsCommand() throws {
    let text = try runOutreach(["recipients", "--today", "2026-11-22", "Templates/accounts/lingo-labs.yml"], in: packageRoot)
    #expect(text.status == 0)
    #expect(
      !text.stdout.contains("posthog.com") && !text.stdout.contains("noreply") && !text.stdout.contains("+test")
        && !text.stdout.contains("lee@"))
    let json = try runOutreach(
      ["recipients", "--today", "2026-11-22", "--format", "json", "Templates/accounts/lingo-labs.yml"], in: packageRoot)
    let people = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect((3...4).contains(people.count))
  }
}

/// The help text is part of the interface (swift-argument-parser's habit).
@Suite struct HelpTests {
  @Test func rootHelpListsEverySubcommand() throws {
    let help = try runOutreach(["--help"])
    #expect(help.status == 0)
    for command in ["lint", "draft", "recipients", "check", "hook", "rules"] {
      #expect(help.stdout.contains("  \(command)"), "no \(command) in\n\(help.stdout)")
    }
    #expect(try runOutreach(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == OutreachVersion.current)
  }

  @Test func draftHelpNamesStagesAndFormats() throws {
    let help = try runOutreach(["draft", "--help"])
    #expect(help.status == 0)
    for text in ["--out <dir>", "--force", "--today <yyyy-mm-dd>", "onboarding, check-in, no-response, follow-up", "text, json"] {
      #expect(help.stdout.contains(text), "no \(text) in\n\(help.stdout)")
    }
  }

  @Test func badValuesAreOneLineAndExit2() throws {
    for arguments in [
      ["draft", "--today", "tomorrow", "x.yml"], ["draft", "--force", "x.yml"], ["draft", "--stage", "later", "x.yml"],
    ] {
      let result = try runOutreach(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
    }
  }
}
