import Foundation
import Testing

@testable import OutreachKit

/// A throwaway team repository holding a copy of this project's Templates/
/// and Rules/, committed.
func makeTeamRepository() throws -> String {
  let folder = makeTemporaryFolder("team")
  for name in ["Templates", "Rules"] {
    try FileManager.default.copyItem(atPath: packageRoot + "/" + name, toPath: folder + "/" + name)
  }
  try git(["init", "-q", "-b", "main"], in: folder)
  try git(["add", "-A"], in: folder)
  try git(["commit", "-q", "-m", "start"], in: folder)
  return folder
}

let gitIdentity = [
  "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
  "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_CONFIG_NOSYSTEM": "1",
]

@discardableResult
func git(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> ProcessResult {
  let result = try runProcess("git", arguments, in: folder, environment: gitIdentity.merging(environment) { $1 })
  return result
}

func append(_ text: String, to path: String) throws {
  let old = try String(contentsOfFile: path, encoding: .utf8)
  try (old + text).write(toFile: path, atomically: true, encoding: .utf8)
}

func replace(_ old: String, with new: String, in path: String) throws {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  #expect(text.contains(old), "\(old) not in \(path)")
  try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite(.serialized) struct CheckTests {
  @Test func projectFoldersCheckClean() throws {
    let result = try runOutreach(["check", "--today", "2026-11-22"], in: packageRoot)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("from 4 sample accounts"))
  }

  @Test func vibeKillerInATemplateIsReportedAtTheTemplateLine() throws {
    let team = try makeTeamRepository()
    try replace("Want to take a look together?", with: "Are you open to a quick chat?", in: team + "/Templates/ctas.yml")
    try append("Just circling back on this.\n", to: team + "/Templates/observations/event-spike.mustache")
    let result = try runOutreach(["check", "--today", "2026-11-22"], in: team)
    #expect(result.status == 1)
    #expect(result.stdout.contains("Templates/observations/event-spike.mustache:2:6: error: 'circling back'"), "\(result.stdout)")
    #expect(result.stdout.contains("[vibe-killer]"))
    // A vibe killer in a CTA is found in ctas.yml.
    #expect(result.stdout.contains("Templates/ctas.yml:"), "\(result.stdout)")
  }

  @Test func misspeltVariableIsAnErrorWithTemplateAndLine() throws {
    let team = try makeTeamRepository()
    try replace(
      "{{sender.name}} from onboarding", with: "{{sender.nmae}} from onboarding", in: team + "/Templates/onboarding.mustache")
    try replace("{{lead.days}}", with: "{{lead.dyas}}", in: team + "/Templates/observations/billing-first-bill.mustache")
    // The no-response template is rendered for every role an observation suits.
    try replace("{{cta}}", with: "{{ctaa}}", in: team + "/Templates/no-response.mustache")
    let result = try runOutreach(["check", "--format", "json", "--today", "2026-11-22"], in: team)
    #expect(result.status == 1)
    let findings = try JSONDecoder().decode([Finding].self, from: Data(result.stdout.utf8)).filter {
      $0.rule == "template-variable"
    }
    #expect(
      findings.map { "\($0.path):\($0.line):\($0.match)" }.sorted() == [
        "Templates/no-response.mustache:9:ctaa", "Templates/observations/billing-first-bill.mustache:1:lead.dyas",
        "Templates/onboarding.mustache:3:sender.nmae",
      ])
  }

  @Test func brokenTemplateMissingPartialAndBrokenRuleAreExit2() throws {
    let cases: [(String, (String) throws -> Void, String)] = [
      (
        "broken template", { try append("{{#lead}}never closed\n", to: $0 + "/Templates/no-response.mustache") },
        "Templates/no-response.mustache:15:1: template does not parse"
      ),
      (
        "missing partial", { try append("{{> observations/nope}}\n", to: $0 + "/Templates/no-response.mustache") },
        "Templates/no-response.mustache:14:5: partial `observations/nope` does not exist"
      ),
      (
        "missing observation template",
        { try FileManager.default.removeItem(atPath: $0 + "/Templates/observations/stale-flags.mustache") },
        "Templates/observations/stale-flags.mustache: template not found"
      ),
      (
        "broken rule",
        {
          try "extends: existence\nmessage: x\ntokens: ['(']\n".write(
            toFile: $0 + "/Rules/broken.yml", atomically: true, encoding: .utf8)
        },
        "Rules/broken.yml:3: invalid regular expression"
      ),
    ]
    for (name, breakIt, expected) in cases {
      let team = try makeTeamRepository()
      try breakIt(team)
      let result = try runOutreach(["check", "--today", "2026-11-22"], in: team)
      #expect(result.status == 2, "\(name)")
      #expect(result.stderr.contains(expected), "\(name): \(result.stderr)")
    }
  }

  @Test func ruleWhoseExamplesFailIsReported() throws {
    let team = try makeTeamRepository()
    try """
    extends: existence
    message: "Avoid '%s'."
    tokens: [kindly]
    examples:
      good: ["Kindly note."]
      bad: ["Please ↓do it."]
    """.write(toFile: team + "/Rules/kindly.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach(["check", "--today", "2026-11-22"], in: team)
    #expect(result.status == 1)
    #expect(result.stdout.contains("Rules/kindly.yml:6:"), "\(result.stdout)")
    #expect(result.stdout.contains("should raise findings at 1:8, got none"))
  }
}

@Suite(.serialized) struct GitHookTests {
  @Test func plainGitHookRejectsBadCommitsAndPassesClean() throws {
    let team = try makeTeamRepository()
    #expect(try runOutreach(["hook", "install"], in: team).status == 0)
    let hook = try String(contentsOfFile: team + "/.git/hooks/pre-commit", encoding: .utf8)
    #expect(hook.contains(GitHook.marker))

    try append("Just circling back on this.\n", to: team + "/Templates/observations/event-spike.mustache")
    try git(["add", "-A"], in: team)
    let rejected = try git(["commit", "-m", "vibe killer"], in: team)
    #expect(rejected.status != 0)
    #expect(rejected.stdout.contains("[vibe-killer]") || rejected.stderr.contains("[vibe-killer]"))
    try git(["checkout", "HEAD", "--", "Templates"], in: team)

    try replace(
      "{{sender.name}} from onboarding", with: "{{sender.nmae}} from onboarding", in: team + "/Templates/onboarding.mustache")
    try git(["add", "-A"], in: team)
    #expect(try git(["commit", "-m", "typo"], in: team).status != 0)
    try git(["checkout", "HEAD", "--", "Templates"], in: team)

    try "To: Ana <ana@example.com>\nSubject: Your flags: 12 are stale\n\nHi Ana, just touching base.\n".write(
      toFile: team + "/email.md", atomically: true, encoding: .utf8)
    try git(["add", "-A"], in: team)
    #expect(try git(["commit", "-m", "email"], in: team).status != 0)
    try
      "To: Ana <ana@example.com>\nSubject: Your flags: 12 are stale\n\nHi Ana, twelve flags are stale. Want to take a look together?\n"
      .write(toFile: team + "/email.md", atomically: true, encoding: .utf8)
    try replace("a quick cleanup", with: "an easy cleanup", in: team + "/Templates/subjects.yml")
    try git(["add", "-A"], in: team)
    let clean = try git(["commit", "-m", "clean"], in: team)
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")

    #expect(try runOutreach(["hook", "uninstall"], in: team).status == 0)
    #expect(!FileManager.default.fileExists(atPath: team + "/.git/hooks/pre-commit"))
  }

  @Test func installRefusesAForeignHookWithoutForce() throws {
    let team = try makeTeamRepository()
    try "#!/bin/sh\necho mine\n".write(toFile: team + "/.git/hooks/pre-commit", atomically: true, encoding: .utf8)
    let refused = try runOutreach(["hook", "install"], in: team)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("a different pre-commit hook is already there"))
    #expect(try runOutreach(["hook", "uninstall"], in: team).status == 2)
    #expect(try String(contentsOfFile: team + "/.git/hooks/pre-commit", encoding: .utf8).contains("echo mine"))
    #expect(try runOutreach(["hook", "install", "--force"], in: team).status == 0)
    #expect(try String(contentsOfFile: team + "/.git/hooks/pre-commit.outreach-backup", encoding: .utf8).contains("echo mine"))
  }
}

/// The real pre-commit framework, with this repository as the hook source
/// (`language: swift`: pre-commit builds the package itself).
@Suite(.serialized) struct PreCommitFrameworkTests {
  /// The pre-commit framework picks files by the `files` and `exclude`
  /// patterns of `.pre-commit-hooks.yaml`, read with Python's `re` as
  /// pre-commit reads them; they must pick what `outreach hook run` lints,
  /// or a file gets past one hook and not the other.
  @Test func preCommitPatternsPickWhatTheGitHookLints() throws {
    let names = [
      "welcome.md", "Welcome.MD", "notes/Reply.Markdown", "a.txt", "b.TXT", "c.eml", "d.EML", "e.msg", "F.MSG",
      "archive.mbox", "x.mdx", "x.md.bak", "README.md", "readme.md", "docs/ReadMe.txt", "CHANGELOG.md",
      "LICENSE.txt", "contributing.md", "Templates/welcome.md", "Rules/x.md", "notes/Templates/a.md",
      "templates/a.md", "naïve.md", "-y.md", "q\"uote.md",
    ]
    let script = """
      import json, re, sys, yaml
      hooks = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
      names = json.load(sys.stdin)
      out = {}
      for hook in ("outreach-lint", "outreach-lint-system"):
          files, exclude = re.compile(hooks[hook]["files"]), re.compile(hooks[hook]["exclude"])
          out[hook] = [bool(files.search(n)) and not exclude.search(n) for n in names]
      print(json.dumps(out))
      """
    let input = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
    let result = try runProcess(
      "python3", ["-c", script, packageRoot + "/.pre-commit-hooks.yaml"], stdin: input)
    #expect(result.status == 0, "\(result.stderr)")
    let picked = try JSONDecoder().decode([String: [Bool]].self, from: Data(result.stdout.utf8))
    let lints = names.map {
      GitHook.isEmail(GitHook.StagedFile(path: $0, blob: String(repeating: "0", count: 40), mode: "100644"))
    }
    #expect(lints.filter { $0 }.count == 14, "\(Array(zip(names, lints)))")
    for hook in ["outreach-lint", "outreach-lint-system"] {
      #expect(picked[hook]?.count == names.count, "\(hook) missing")
      for (index, name) in names.enumerated() where picked[hook]?[index] != lints[index] {
        Issue.record("\(hook) picks \(name): \(picked[hook]?[index] ?? false); outreach hook run lints it: \(lints[index])")
      }
    }
  }

  @Test func preCommitHooksFromThisRepository() throws {
    let version = try runProcess("pre-commit", ["--version"])
    #expect(version.status == 0, "pre-commit is not installed; `make test` installs it with pip")
    guard version.status == 0 else { return }
    let head = try git(["rev-parse", "HEAD"], in: packageRoot).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let team = try makeTeamRepository()
    try """
    repos:
      - repo: \(packageRoot)
        rev: \(head)
        hooks:
          - id: outreach-check
            args: [--today, "2026-11-22"]
          - id: outreach-lint
    """.write(toFile: team + "/.pre-commit-config.yaml", atomically: true, encoding: .utf8)
    let home = ["PRE_COMMIT_HOME": packageRoot + "/.build/pre-commit-home"]
    #expect(try runProcess("pre-commit", ["install"], in: team, environment: home).status == 0)

    try append("Just circling back on this.\n", to: team + "/Templates/observations/event-spike.mustache")
    try git(["add", "-A"], in: team)
    let rejected = try git(["commit", "-m", "vibe killer"], in: team, environment: home)
    #expect(rejected.status != 0)
    #expect(
      (rejected.stdout + rejected.stderr).contains("event-spike.mustache:2:6: error: 'circling back'"),
      "\(rejected.stdout)\(rejected.stderr)")
    try git(["checkout", "HEAD", "--", "Templates"], in: team)

    try replace("{{lead.days}}", with: "{{lead.dyas}}", in: team + "/Templates/observations/billing-first-bill.mustache")
    try git(["add", "-A"], in: team)
    let typo = try git(["commit", "-m", "typo"], in: team, environment: home)
    #expect(typo.status != 0)
    #expect((typo.stdout + typo.stderr).contains("lead.dyas"))
    try git(["checkout", "HEAD", "--", "Templates"], in: team)

    // An extension in capitals is an email too, as `outreach hook run` reads it.
    try "Subject: Quick question\n\nJust circling back on this.\n".write(
      toFile: team + "/Welcome.MD", atomically: true, encoding: .utf8)
    try git(["add", "-A"], in: team)
    let capitals = try git(["commit", "-m", "capitals"], in: team, environment: home)
    #expect(capitals.status != 0, "\(capitals.stdout)\(capitals.stderr)")
    #expect((capitals.stdout + capitals.stderr).contains("Welcome.MD:3:6: error: 'circling back'"))
    try git(["rm", "-q", "--cached", "Welcome.MD"], in: team)
    try FileManager.default.removeItem(atPath: team + "/Welcome.MD")

    try "Hi Ana, twelve flags are stale. Want to take a look together?\n".write(
      toFile: team + "/email.md", atomically: true, encoding: .utf8)
    try replace("a quick cleanup", with: "an easy cleanup", in: team + "/Templates/subjects.yml")
    try git(["add", "-A"], in: team)
    let clean = try git(["commit", "-m", "clean"], in: team, environment: home)
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
  }
}
