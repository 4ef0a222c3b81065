import Foundation
import Testing

@testable import OutreachKit

/// `draft --format eml`: messages built with GMime, read back with an
/// independent parser (Python's `email` package) and with `outreach lint`.
@Suite(.serialized) struct DraftMailTests {
  let accounts = packageRoot + "/Templates/accounts"

  /// Each message of an mbox (or one .eml), as Python's email package reads
  /// it: headers, the decoded text/plain and text/html parts.
  func parse(_ data: String, mbox: Bool) throws -> [[String: String]] {
    let script = """
      import email, email.policy, json, mailbox, sys, tempfile
      raw = sys.stdin.buffer.read()
      if sys.argv[1] == "mbox":
          with tempfile.NamedTemporaryFile(suffix=".mbox") as f:
              f.write(raw); f.flush()
              messages = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in mailbox.mbox(f.name)]
      else:
          messages = [email.message_from_bytes(raw, policy=email.policy.default)]
      out = []
      for m in messages:
          entry = {k: str(m[k]) for k in ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "X-Unsent"] if m[k] is not None}
          entry["content-type"] = m.get_content_type()
          entry["headers"] = "\\n".join(m.keys())
          plain = m.get_body(("plain",)); html = m.get_body(("html",))
          entry["plain"] = plain.get_content() if plain else ""
          entry["html"] = html.get_content() if html else ""
          out.append(entry)
      print(json.dumps(out))
      """
    let result = try runProcess("python3", ["-c", script, mbox ? "mbox" : "eml"], stdin: data)
    guard result.status == 0, let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]]
    else { throw HarnessFailure("python email failed: \(result.stderr)") }
    return list
  }

  @Test func standardOutputIsOneMboxOfEveryDraftReadAsTheRecipientReadsIt() throws {
    let first = try runOutreach(["draft", "--today", "2026-11-22", "--format", "eml", accounts])
    #expect(first.status == 0, "\(first.stderr)")
    let again = try runOutreach(["draft", "--today", "2026-11-22", "--format", "eml", accounts])
    #expect(first.stdout == again.stdout, "the same day gives the same bytes")
    let json = try runOutreach(["draft", "--today", "2026-11-22", "--format", "json", accounts])
    let drafts = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
    let messages = try parse(first.stdout, mbox: true)
    #expect(messages.count == drafts.count && drafts.count == 7)
    var ids: Set<String> = []
    for (message, draft) in zip(messages, drafts) {
      #expect(message["content-type"] == "multipart/alternative")
      #expect(message["From"] == "Alex <alex@posthog.com>")
      #expect(message["Subject"] == draft["subject"] as? String)
      #expect(message["Date"] == "Sun, 22 Nov 2026 09:00:00 +0000")
      #expect(message["MIME-Version"] == "1.0" && message["X-Unsent"] == "1")
      for person in draft["to"] as! [[String: String]] { #expect(message["To"]!.contains(person["email"]!)) }
      ids.insert(message["Message-ID"] ?? "")
      // The text part is the email as a person reads it: no Markdown left.
      let plain = message["plain"]!
      #expect(!plain.isEmpty && !plain.contains("\\") && !plain.contains("**") && !plain.contains("`"), "\(plain)")
      #expect(plain.contains("\n-- \nAlex\n"), "signature after the standard delimiter")
      // The HTML part is libcmark-gfm's rendering of the same Markdown.
      let html = message["html"]!
      #expect(html.contains("<p>Hi ") && !html.contains("<script") && !html.contains("<a "), "\(html)")
    }
    #expect(ids.count == 7 && ids.allSatisfy { $0.hasPrefix("<outreach.") && $0.hasSuffix("@posthog.com>") })
    // What draft writes, lint reads with no finding.
    let lint = try Linter(rules: projectRules).lint(path: "drafts.mbox", bytes: Array(first.stdout.utf8))
    #expect(lint.findings.isEmpty && lint.warnings.isEmpty, "\(lint.findings) \(lint.warnings)")
  }

  @Test func outFolderWritesOneEmlADraftUnderTheDraftRules() throws {
    let folder = makeTemporaryFolder("eml-out")
    let written = try runOutreach(["draft", "--today", "2026-11-22", "--format", "eml", "--out", folder, accounts])
    #expect(written.status == 0 && written.stderr.contains("7 written"), "\(written.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted()
    #expect(files.count == 7 && files.contains("orbit-crm-onboarding.eml"), "\(files)")
    let lint = try runOutreach(["lint", folder])
    #expect(lint.status == 0 && lint.stdout.isEmpty, "\(lint.stdout)\(lint.stderr)")
    for file in files {
      let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
      let message = try parse(text, mbox: false)[0]
      #expect(message["X-Unsent"] == "1" && !message["plain"]!.isEmpty)
      #expect(!text.hasPrefix("From "), "an .eml file is one message, not an mbox")
    }
    // Edited since written: kept, exit 1; --force replaces it.
    let edited = folder + "/" + files[0]
    let original = try String(contentsOfFile: edited, encoding: .utf8)
    try (original + "\nP.S. edited by hand\n").write(toFile: edited, atomically: true, encoding: .utf8)
    let rerun = try runOutreach(["draft", "--today", "2026-11-22", "--format", "eml", "--out", folder, accounts])
    #expect(rerun.status == 1 && rerun.stderr.contains(files[0]), "\(rerun.stderr)")
    #expect(try String(contentsOfFile: edited, encoding: .utf8).hasSuffix("edited by hand\n"))
    let forced = try runOutreach(["draft", "--today", "2026-11-22", "--format", "eml", "--out", folder, "--force", accounts])
    #expect(forced.status == 0)
    #expect(try String(contentsOfFile: edited, encoding: .utf8) == original)
  }

  @Test func nonASCIIAndHostileDataStayInsideTheirHeaders() throws {
    let folder = makeTemporaryFolder("eml-hostile")
    let account = """
      account: {name: "Café Zoë", domain: acme.io, category: "bakery <b>apps</b>"}
      products:
        product_analytics: {enabled: true, events: 1000, insights_created: 2}
      signals:
        first_bill_in_days: 5
      users:
        - {name: "Zoë \\r\\nBcc: attacker@evil.example", email: zoe@acme.io, title: CTO, last_active: 2026-11-20}
        - {name: "José <script>", email: jose@acme.io, title: Product Manager, last_active: 2026-11-21}
      """
    try account.write(toFile: folder + "/cafe.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach([
      "draft", "--today", "2026-11-22", "--format", "eml", "--out", folder + "/out", folder + "/cafe.yml",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let file = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").first { $0.hasSuffix(".eml") }!
    let raw = try String(contentsOfFile: folder + "/out/" + file, encoding: .utf8)
    let head = raw.components(separatedBy: "\n\n")[0]
    let ascii = head.unicodeScalars.allSatisfy { $0.isASCII }
    #expect(ascii, "headers are RFC 2047 encoded")
    let names = head.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }.map {
      String($0.prefix(while: { $0 != ":" }))
    }
    #expect(
      Set(names) == ["From", "To", "Subject", "Date", "Message-Id", "MIME-Version", "X-Unsent", "Content-Type"], "\(head)")
    let message = try parse(raw, mbox: false)[0]
    #expect(message["To"]!.contains("zoe@acme.io") && message["To"]!.contains("jose@acme.io"))
    #expect(!message["To"]!.contains("evil.example>") && !(message["headers"]!.contains("Bcc")))
    #expect(message["plain"]!.contains("Zoë"), "decoded as UTF-8")
    #expect(!message["html"]!.contains("<script") && !message["html"]!.contains("<b>"), "\(message["html"]!)")
    #expect(raw.contains("charset=utf-8") && !raw.lowercased().contains("iso-8859"), "UTF-8 throughout")
  }

  @Test func aNonASCIISubjectIsEncodedAndLongLinesAreQuotedPrintable() throws {
    let long = String(repeating: "word ", count: 30) + "end."
    let parts = MailComposer.Parts(
      from: .init(name: "Zoë", email: "zoe@example.com"), to: [.init(name: "Ana", email: "ana@acme.io")],
      subject: "Café numbers: 3 signups", plain: "Hi Ana,\n\n\(long)\n", html: "<p>Hi Ana,</p>\n<p>\(long)</p>\n",
      date: 0, messageID: "x@example.com", boundary: "b")
    let raw = String(decoding: MailComposer.compose(parts, crlf: false), as: UTF8.self)
    #expect(raw.contains("Subject: =?UTF-8?") || raw.contains("Subject: =?utf-8?"), "\(raw)")
    #expect(raw.contains("Content-Transfer-Encoding: quoted-printable"))
    #expect(!raw.split(separator: "\n").contains { $0.utf8.count > 78 }, "no line over 78")
    let message = try parse(raw, mbox: false)[0]
    #expect(message["Subject"] == "Café numbers: 3 signups" && message["From"] == "Zoë <zoe@example.com>")
    #expect(message["plain"] == "Hi Ana,\n\n\(long)\n")
    // A short ASCII text stays 7bit.
    let short = MailComposer.Parts(
      from: .init(name: "A", email: "a@example.com"), to: [], subject: "Hi", plain: "Hi.\n", html: "<p>Hi.</p>\n", date: 0,
      messageID: "y@example.com", boundary: "b")
    #expect(String(decoding: MailComposer.compose(short, crlf: false), as: UTF8.self).contains("Content-Transfer-Encoding: 7bit"))
  }
}

struct HarnessFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
