import Foundation
import Testing

@testable import OutreachKit

/// `outreach lint --fix` and `--diff`: the fixes rules declare, only in prose.
@Suite(.serialized) struct FixTests {
  let rules: String = {
    let folder = makeTemporaryFolder("fix-rules") + "/Team"
    try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let files = [
      "Tech.yml":
        "extends: substitution\nmessage: \"Use '%s', not '%s'.\"\nignorecase: true\nswap:\n  javascript: JavaScript\n  e-mail: email|mail\n",
      "Filler.yml":
        "extends: existence\nmessage: \"Cut '%s'.\"\nignorecase: true\naction:\n  name: remove\ntokens: ['really ']\n",
      "Utilize.yml":
        "extends: existence\nmessage: \"Say 'use'.\"\nignorecase: true\naction:\n  name: replace\n  params: [use]\ntokens: [utilize]\n",
    ]
    for (name, text) in files { try! text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
    return folder
  }()

  static let email = """
    To: Ana <ana@acme.io>
    Subject: Your bill — next week

    Hi Ana,

    Your bill — and a way to cut it: we utilize javascript for it, really it works--mostly.
    Billing site – $4.2k last month, pages 10–20, and send an e-mail.

    `javascript — in code` and https://example.com/javascript--docs stay.

    > A javascript quote — stays.

    Thanks,
    Dana

    """

  func write(_ text: String = Self.email, name: String = "email.md") throws -> String {
    let path = makeTemporaryFolder("fix") + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func fixesWhatRulesDeclareOnlyInProseAndTwiceChangesNothing() throws {
    let path = try write()
    chmod(path, 0o600)
    let first = try runOutreach(["lint", "--rules", rules, "--fix", path])
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    #expect(lines[5] == "Your bill, and a way to cut it: we use JavaScript for it, it works, mostly.", "\(lines[5])")
    #expect(lines[6] == "Billing site, $4.2k last month, pages 10–20, and send an e-mail.", "alternatives are not fixed")
    #expect(lines[1] == "Subject: Your bill — next week", "headers are not rewritten")
    #expect(lines[8] == "`javascript — in code` and https://example.com/javascript--docs stay.")
    #expect(lines[10] == "> A javascript quote — stays.")
    // Each change is printed; what is left is reported and sets the status.
    #expect(first.stdout.contains("email.md:6:11: — -> ,"), "\(first.stdout)")
    #expect(first.stdout.contains("email.md:6:45: javascript -> JavaScript"), "\(first.stdout)")
    #expect(first.stdout.contains("email.md:6:37: utilize -> use"), "\(first.stdout)")
    #expect(first.stdout.contains("email.md:2:20: error: Dash"), "the subject's dash is still reported")
    #expect(first.status == 1)
    var mode = stat()
    stat(path, &mode)
    #expect(mode.st_mode & 0o777 == 0o600, "the file keeps its mode")
    let second = try runOutreach(["lint", "--rules", rules, "--fix", path])
    #expect(!second.stdout.contains(" -> "), "\(second.stdout)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
  }

  @Test func diffShowsTheFixesAndWritesNothing() throws {
    let path = try write()
    let result = try runOutreach(["lint", "--rules", rules, "--diff", path])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.email)
    let name = String(path.dropFirst())  // git's a/ and b/ names of an absolute path
    #expect(result.stdout.hasPrefix("--- a/\(name)\n+++ b/\(name)\n@@ -3,8 +3,8 @@\n"), "\(result.stdout)")
    #expect(result.stdout.contains("\n-Your bill — and a way") && result.stdout.contains("\n+Your bill, and a way"))
    #expect(result.status == 1)
  }

  @Test func savedMessagesAreNotRewritten() throws {
    let message = "From: a@b.io\nSubject: Flags\nMIME-Version: 1.0\n\nWe utilize javascript.\n"
    let path = try write(message, name: "saved.eml")
    let result = try runOutreach(["lint", "--rules", rules, "--fix", path])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == message)
    #expect(result.stdout.contains("saved.eml:5:4: warning") && !result.stdout.contains(" -> "), "\(result.stdout)")
  }

  @Test func standardInputCannotBeFixed() throws {
    let result = try runOutreach(["lint", "--fix", "-"], stdin: "Hi.\n")
    #expect(result.status == 64 || result.status == 2, "\(result.status)")
    #expect(result.stderr.contains("--fix and --diff change files"))
  }

  @Test func theBuiltInVibeKillerIsAdviceNotAFix() throws {
    let path = try write("Hi Ana,\n\nJust circling back on this.\n")
    let result = try runOutreach(["lint", "--fix", path])
    #expect(!result.stdout.contains(" -> ") && result.status == 1)
  }
}
