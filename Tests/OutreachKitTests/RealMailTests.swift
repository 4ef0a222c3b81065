import Foundation
import Testing

@testable import OutreachKit

/// Real mail as it is (issue 18): text a recipient reads as the sender's
/// own is linted, quoted history never is.
@Suite struct RealMailTests {
  static let inline = """
    Hi Ana,

    On Mon, 17 Nov 2025 at 09:12, Ana Ruiz <ana@acme.io> wrote:
    > Can you check the flags? We are circling back on them.

    Sure, circling back on that today.

    > And the bill?

    The bill looks fine, just touching base.

    """

  /// Answers between quotes, in plain text and in a saved message: each
  /// answer is linted, the quotes and the attribution are not.
  @Test(arguments: ["txt", "eml"]) func answersBetweenQuotesAreLinted(kind: String) throws {
    let text =
      kind == "eml"
      ? "Subject: Re: Flags\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + Self.inline : Self.inline
    let findings = try Linter(rules: projectRules).lint(path: "reply.\(kind)", bytes: Array(text.utf8)).findings
    let offset = kind == "eml" ? 4 : 0
    #expect(
      findings.map { "\($0.line):\($0.rule)" } == ["\(6 + offset):vibe-killer", "\(10 + offset):vibe-killer"],
      "\(findings.map { "\($0.line):\($0.column) \($0.match)" })")
  }

  @Test func aTopPostedReplyLeavesItsHistoryAlone() throws {
    let text =
      "Hi Ana, the flags are stale.\n\nOn Mon, 17 Nov 2025 at 09:12, Ana Ruiz <ana@acme.io> wrote:\n> circling back\n> on the bill\n"
    #expect(Linter(rules: projectRules).lint(path: "top.txt", text: text).isEmpty)
  }

  /// A long non-ASCII subject as Gmail and Outlook write it: several base64
  /// words, some ending in `=` padding, one character split between two.
  @Test func aSubjectInSeveralBase64WordsIsReadWhole() throws {
    let subject = "Ihr Abrechnungsbericht für November: Kosten für Feature Flags und Sitzungsaufzeichnungen gesunken"
    let bytes = Array(subject.utf8)
    var words: [String] = []
    var start = 0
    while start < bytes.count {
      let end = min(bytes.count, start + 31)
      words.append("=?UTF-8?B?" + Data(bytes[start..<end]).base64EncodedString() + "?=")
      start = end
    }
    let message = "Subject: " + words.joined(separator: "\n ") + "\nMIME-Version: 1.0\nContent-Type: text/plain\n\nHi Ana.\n"
    #expect(words.contains { $0.hasSuffix("=?=") }, "a word ends in padding")
    let findings = try Linter(rules: projectRules).lint(path: "s.eml", bytes: Array(message.utf8)).findings
    #expect(
      findings.map(\.rule) == ["subject-length"] && findings.first?.message.contains("97 characters") == true, "\(findings)")
    #expect(EncodedWords.decode("=?utf-8?q?Caf=C3=A9_au?= =?utf-8?q?_lait?= and more") == "Café au lait and more")
    #expect(EncodedWords.decode("=?iso-8859-1?q?Gr=FC=DFe?=") == "Grüße")
    #expect(EncodedWords.decode("plain text") == nil)
  }

  /// Text, an inline image, then more text (how Apple Mail sends a
  /// plain-text email with a picture in it): a reader sees both texts, so
  /// both are linted, at their lines. A text file attached by name is not
  /// the sender's words; a list footer after a line of underscores is
  /// quoted history. The same for a later multipart/alternative's text.
  @Test func everyInlineTextPartIsRead() throws {
    func message(_ second: String) -> String {
      Self.multipart(
        "mixed",
        """
        --b1
        Content-Type: text/plain; charset=us-ascii

        Hi Ana, here is the chart:

        --b1
        Content-Type: image/png; name="chart.png"
        Content-Disposition: inline; filename="chart.png"
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=

        --b1
        \(second)
        --b1
        Content-Type: text/plain; name="notes.txt"
        Content-Disposition: inline; filename="notes.txt"

        Touching base notes from the call.

        --b1
        Content-Type: text/plain; charset=us-ascii

        _______________________________________________
        flags mailing list: just circling back

        --b1--

        """)
    }
    let linter = Linter(rules: projectRules)
    let plain = "Content-Type: text/plain; charset=us-ascii\n\nJust circling back on the stale flags.\n"
    let findings = try linter.lint(path: "m.eml", bytes: Array(message(plain).utf8)).findings
    #expect(findings.map { "\($0.line):\($0.column):\($0.rule)" } == ["22:6:vibe-killer"], "\(findings)")
    let alternative = """
      Content-Type: multipart/alternative; boundary="b2"

      --b2
      Content-Type: text/plain; charset=us-ascii

      Just circling back on the stale flags.

      --b2
      Content-Type: text/html; charset=us-ascii

      <p>Just circling back on the stale flags.</p>

      --b2--

      """
    let fromAlternative = try linter.lint(path: "m.eml", bytes: Array(message(alternative).utf8)).findings
    #expect(fromAlternative.map { "\($0.line):\($0.rule)" } == ["25:vibe-killer"], "\(fromAlternative)")
    let file = makeTemporaryFolder("parts") + "/m.eml"
    try message(plain).write(toFile: file, atomically: true, encoding: .utf8)
    let read = try linter.read(path: file)
    #expect(read.first?.text.contains("Hi Ana, here is the chart:\n\nJust circling back") == true, "\(read)")
    #expect(read.first?.text.contains("Touching base") == false)
  }

  /// A blank text/plain alternative beside an HTML one (some senders
  /// write one empty): the reader sees the HTML, so the HTML is linted, not
  /// an empty body with "no findings".
  @Test func aBlankPlainAlternativeGivesWayToTheHTML() throws {
    let message = Self.multipart(
      "alternative",
      """
      --b1
      Content-Type: text/plain; charset=us-ascii
      Content-Transfer-Encoding: quoted-printable

      =20

      --b1
      Content-Type: text/html; charset=us-ascii

      <div>Just circling back on the stale flags.</div>
      --b1--

      """)
    let findings = try Linter(rules: projectRules).lint(path: "m.eml", bytes: Array(message.utf8)).findings
    #expect(findings.map(\.rule) == ["vibe-killer"], "\(findings)")
  }

  /// A sentence of the sender's shaped like an attribution ("On the flags
  /// page, your team wrote:") with no date, no address and no `>` quote
  /// after it is theirs: what follows it is linted, not taken for history.
  /// A real attribution (a date, an address, or a quote after it) still
  /// starts history.
  @Test(arguments: ["txt", "md"]) func anAttributionNeedsADateAnAddressOrAQuote(kind: String) {
    let linter = Linter(rules: projectRules)
    func rules(_ text: String) -> [String] {
      linter.lint(path: "e.\(kind)", text: "Subject: Flags\n\nHi Ana,\n\n" + text).map { "\($0.line):\($0.rule)" }
    }
    #expect(rules("On the flags page, your team wrote:\n\nJust circling back on the stale flags.\n") == ["7:vibe-killer"])
    #expect(rules("On Monday Ana wrote:\n\n> Just circling back on the stale flags.\n").isEmpty)
    #expect(rules("On Mon, 17 Nov 2025 at 09:12, Ana wrote:\n\nJust circling back on the stale flags.\n").isEmpty)
    #expect(rules("Ana Ruiz <ana@acme.io> wrote:\n\nJust circling back on the stale flags.\n").isEmpty)
  }

  /// A message from Dana to Ana: a multipart of `subtype` (boundary `b1`)
  /// holding `parts`.
  static func multipart(_ subtype: String, _ parts: String) -> String {
    """
    From: Dana <dana@posthog.com>
    To: Ana <ana@acme.io>
    Subject: Flags after the upgrade
    MIME-Version: 1.0
    Content-Type: multipart/\(subtype); boundary="b1"

    \(parts)
    """
  }

  /// Encoded words read by bytes decode as they did read by Characters
  /// (the reference below is the earlier code): B and Q in either case,
  /// padding missing or present, RFC 2231 languages, `?` in a payload,
  /// and broken words.
  @Test func encodedWordsByBytesAgreeWithCharacters() {
    func reference(_ text: String) -> (String, [UInt8])? {
      let utf8 = text.utf8
      guard utf8.count > 4, utf8.starts(with: [0x3D, 0x3F]), utf8.reversed().starts(with: [0x3D, 0x3F]) else { return nil }
      let parts = text.dropFirst(2).dropLast(2).split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count == 3 else { return nil }
      let charset = String(parts[0].split(separator: "*").first ?? "")
      switch parts[1].uppercased() {
      case "B":
        var base64 = String(parts[2])
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { (charset, [UInt8]($0)) }
      case "Q":
        var bytes: [UInt8] = []
        let payload = Array(parts[2].utf8)
        var index = 0
        while index < payload.count {
          if payload[index] == 0x5F {
            bytes.append(0x20)
          } else if payload[index] == 0x3D, index + 2 < payload.count, let high = Alignment.hex(payload[index + 1]),
            let low = Alignment.hex(payload[index + 2])
          {
            bytes.append(high << 4 | low)
            index += 2
          } else {
            bytes.append(payload[index])
          }
          index += 1
        }
        return (charset, bytes)
      default: return nil
      }
    }
    var generator = SystemRandomNumberGenerator()
    let charsets = ["utf-8", "UTF-8", "iso-8859-1", "utf-8*en", "*en", "", "x?y", "ｕtf-8"]
    let encodings = ["B", "b", "Q", "q", "X", "", "BB", "é"]
    let payloads = [
      "Q2Fmw6k", "Q2Fmw6k=", "Q2Fmw6k==", "QQ==QQ==", "Caf=C3=A9_au", "a?b", "=4", "=ZZ", "", "√", "SGk gdGhlcmU", "a_b_c",
    ]
    for _ in 0..<3_000 {
      var word = "=?" + charsets.randomElement(using: &generator)! + "?" + encodings.randomElement(using: &generator)! + "?"
      word += payloads.randomElement(using: &generator)! + "?="
      if Int.random(in: 0..<10, using: &generator) == 0 { word = String(word.dropLast(Int.random(in: 1...3, using: &generator))) }
      let (new, old) = (EncodedWords.word(word), reference(word))
      #expect(new?.0 == old?.0 && new?.1 == old?.1, "\(word)")
    }
  }

  /// Mailing-list tags and forwarded subjects are not placeholders; nor is
  /// code such as `result[i]` in a plain-text email. `[Name]` still is.
  @Test func listTagsAndCodeAreNotPlaceholders() throws {
    let linter = Linter(rules: projectRules)
    for subject in ["[acme-users] Flags after the upgrade", "[dev.notmuch] Search is slow", "[Fwd: Stale flags] take a look"] {
      let findings = linter.lint(path: "m.txt", text: "Subject: \(subject)\n\nHi Ana, the flags are stale.\n")
      #expect(!findings.contains { $0.rule == "placeholder" }, "\(subject): \(findings)")
    }
    #expect(linter.lint(path: "c.txt", text: "Hi Ana, the loop reads result[i] and x[key].\n").isEmpty)
    let named = linter.lint(path: "n.txt", text: "Hi [Name], see [topic].\n")
    #expect(named.filter { $0.rule == "placeholder" }.map(\.match) == ["[Name]", "[topic]"])
  }

  /// Damaged messages: outreach lints what a mail client shows, with one
  /// warning naming the real problem, and Python's `email` package (the
  /// independent reader) finds the same subject and body.
  @Test(arguments: [
    ("no-header.eml", "Hi Ana, we are circling back.\n", "", "no header block"),
    ("bad-type.eml", "Subject: Flags\nContent-Type: text\n\nHi Ana, we are circling back.\n", "Flags", "read as text/plain"),
    (
      "bad-type2.eml", "Subject: Flags\nContent-Type: text plain\n\nHi Ana, we are circling back.\n", "Flags",
      "read as text/plain"
    ),
    ("no-blank.eml", "Subject: Flags\nFrom: a@b.io\nHi Ana, we are circling back.\n", "Flags", "no blank line after the headers"),
  ])
  func damagedMessagesAreReadAsAMailClientShowsThem(name: String, text: String, subject: String, warning: String) throws {
    let path = makeTemporaryFolder("damaged") + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try runOutreach(["lint", path])
    #expect(result.status == 1 && result.stdout.contains("circling back"), "\(name): \(result.stdout) \(result.stderr)")
    #expect(result.stderr.contains(warning), "\(name): \(result.stderr)")
    let python = try runProcess(
      "python3",
      [
        "-c",
        "import email, email.policy, sys; m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default); b = m.get_body(('plain',)); print(m['subject'] or ''); print(b.get_content() if b else m.get_payload())",
        path,
      ])
    let lines = python.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first.map(String.init) == subject, "\(python.stdout) \(python.stderr)")
    #expect(python.stdout.contains("circling back"), "Python reads the body too: \(python.stdout)")
  }

  @Test func standardInputWithAClientsStatusHeaderIsAMessage() throws {
    #expect(EmailKind.detect(Array("Status: RO\nSubject: Checking in\n\nHi.\n".utf8)) == .message)
    let result = try runOutreach(["lint", "-"], stdin: "Status: RO\nX-Mozilla-Status: 0001\nSubject: Checking in\n\nHi Ana.\n")
    #expect(result.stdout.contains("<stdin>:3:10") && result.stdout.contains("generic-subject"), "\(result.stdout)")
  }

  @Test func aFindingInAPlainSubjectKeepsItsColumn() throws {
    let message = "Subject: Hello there, circling back soon\nMIME-Version: 1.0\n\nHi.\n"
    let findings = try Linter(rules: projectRules).lint(path: "s.eml", bytes: Array(message.utf8)).findings
    #expect(findings.map { "\($0.line):\($0.column)" } == ["1:23"], "\(findings)")
  }

  /// HTML5's bogus comments (`<!foo>`, `<?php ?>`, `</ foo>`) are not
  /// text a reader sees; libxml2 alone would read them as text.
  @Test func bogusHTMLCommentsAreNotText() throws {
    let html = "<p>Hi <!foo circling back> there <?php circling back ?> and </ circling back> ok.</p><!-- real --><p>Bye.</p>"
    let text = String(decoding: HTMLText.text(Array(html.utf8)) ?? [], as: UTF8.self)
    #expect(!text.contains("circling") && text.contains("Hi there and ok.") && text.contains("Bye."), "\(text)")
  }

  /// An inline uuencoded attachment is neither linted nor counted.
  @Test func uuencodedAttachmentsAreNotProse() throws {
    let lines = Array(repeating: "M(R!D97-C<FEB92!C:7)C;&EN9R!B86-K(&AE<F4@86YD(&IU<W0@=&]U8VAI", count: 140)
    let message =
      "Subject: Your flags\nMIME-Version: 1.0\n\nHi Ana, the photo is below.\n\nbegin 644 photo.png\n"
      + lines.joined(separator: "\n") + "\n`\nend\n\nThanks, circling back.\n"
    let findings = try Linter(rules: projectRules).lint(path: "u.eml", bytes: Array(message.utf8)).findings
    #expect(findings.map(\.rule) == ["vibe-killer"] && findings.first?.line == 150, "\(findings)")
  }
}
