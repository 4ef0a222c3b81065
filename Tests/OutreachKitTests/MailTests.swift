import Foundation
import Testing

@testable import OutreachKit

/// `lint` on what mail clients save: .eml, .mbox, .txt, HTML bodies,
/// threads and sign-offs. Fixtures are in Fixtures/mail; the ones
/// `make-fixtures.py` writes come from Python's own `email` package.
@Suite struct MailTests {
  let linter = Linter(rules: projectRules)
  let mail = fixtures + "/mail/"

  func lint(_ file: String) throws -> FileLint {
    try linter.lintFile(path: mail + file)
  }

  func places(_ result: FileLint) -> [String] {
    result.findings.map { "\($0.line):\($0.column) \($0.rule)" }
  }

  @Test func gmailMultipartQuotedPrintable() throws {
    let result = try lint("gmail-multipart-qp.eml")
    // The RFC 2047 subject, the QP em dash (pointing at its `=E2`), and a
    // phrase after a soft line break, on the encoded line it sits on.
    #expect(places(result) == ["4:10 generic-subject", "15:50 em-dash", "16:15 vibe-killer"])
    let phrase = try #require(result.findings.last)
    #expect(phrase.decodedLine == 3 && phrase.decodedColumn == 82)
    #expect(phrase.messageID == "CAF3kZ9xQ@mail.gmail.com" && phrase.subject == "Checking in")
    #expect(result.warnings.isEmpty)
  }

  @Test func appleMailBase64() throws {
    let result = try lint("apple-mail-base64.eml")
    // Base64: the finding points at the part's first body line, and gives
    // the line and column in the decoded text.
    #expect(places(result) == ["4:10 generic-subject", "11:1 vibe-killer"])
    #expect(result.findings[0].match == "Following up")
    #expect(result.findings[1].decodedLine == 3 && result.findings[1].decodedColumn == 3)
  }

  @Test func outlookHTMLOnly() throws {
    let result = try lint("outlook-html-only.eml")
    // Own text only: not the <style>, the link target, or the reply below
    // divRplyFwdMsg; `RE: [EXTERNAL]` is not a placeholder.
    #expect(places(result) == ["13:1 vibe-killer"])
    #expect(result.findings[0].match == "circling back")
    #expect(result.findings[0].decodedLine == 3)
  }

  @Test func htmlStructure() throws {
    let html = Array(
      """
      <div>Hi Ana,</div><div><br></div><div>One <b>line</b><br>two</div>
      <p>Para <a href="https://x.io/leverage">link text</a>.</p>
      <blockquote>quoted synergy</blockquote><p>after</p>
      <div class="gmail_signature">Dana</div>
      <div class="gmail_quote">On Mon wrote: circling back</div><p>never</p>
      """.utf8)
    let text = String(decoding: try #require(HTMLText.text(html)), as: UTF8.self)
    #expect(text == "Hi Ana,\n\nOne line\ntwo\n\nPara link text.\n\n> quoted synergy\n\nafter\n\n-- \nDana\n")
  }

  @Test func thunderbirdFormatFlowed() throws {
    let result = try lint("thunderbird-flowed.eml")
    // "just touching base" spans a soft break; the signature after `-- `
    // is checked for phrases.
    #expect(places(result) == ["14:64 vibe-killer", "20:13 vibe-killer"])
    let delsp = Charsets.unflow(MappedText(bytes: Array("circ \nling back\n".utf8), offsets: nil), delSp: true)
    #expect(String(decoding: delsp.bytes, as: UTF8.self) == "circling back\n")
    let stuffed = Charsets.unflow(MappedText(bytes: Array(" From here \non\n".utf8), offsets: nil), delSp: false)
    #expect(String(decoding: stuffed.bytes, as: UTF8.self) == "From here on\n")
  }

  @Test func windows1252EightBit() throws {
    let result = try lint("windows-1252-8bit.eml")
    // Columns count characters of the line as saved: "Café" is 4.
    #expect(places(result) == ["12:24 em-dash", "12:37 vibe-killer"])
    #expect(result.findings[0].match == "\u{2014}")
  }

  @Test func takeoutMbox() throws {
    let result = try lint("takeout.mbox")
    #expect(places(result) == ["56:9 vibe-killer", "77:10 generic-subject"])
    let generic = result.findings[1]
    #expect(generic.messageID == "takeout-3@mail.gmail.com" && generic.subject == "Quick question")
    let json = Reporters.render(.json, findings: result.findings, rules: projectRules)
    #expect(json.contains("\"message_id\" : \"takeout-3@mail.gmail.com\"") && json.contains("\"subject\" : \"Quick question\""))
  }

  @Test func mboxPiecesGiveTheSameFindings() throws {
    // A large mbox is cut at `From ` lines and parsed on every core: lines
    // and columns must come out as for one piece.
    let path = mail + "takeout.mbox"
    let descriptor = try TextFile.open(path: path)
    defer { close(descriptor) }
    let input = MailInput.file(descriptor: descriptor, path: path)
    let whole = try linter.lintMail(path: path, input: input, mbox: true)
    let cut = try linter.lintMail(path: path, input: input, mbox: true, pieceBytes: 600)
    #expect(Linter.mboxPieces(input: input, size: 3_059, cores: 2, pieceBytes: 600).count == 3)
    #expect(cut.findings == whole.findings && whole.findings.count == 2)
  }

  @Test func benchReadsEveryMessageWithoutLinting() throws {
    // What `make bench` times as "reading alone".
    let (messages, bytes) = try BenchEntry.readMail(path: mail + "takeout.mbox")
    #expect(messages == 3 && bytes > 100)
  }

  @Test func replyThreadIsNotCounted() throws {
    // 79 words of own text, a sign-off, and a long quoted thread.
    #expect(try lint("gmail-reply.eml").findings.isEmpty)
    // The same words with the thread made the sender's own are too long and
    // full of vibe killers: the test above can fail.
    let text = try String(contentsOfFile: mail + "gmail-reply.eml", encoding: .utf8)
      .replacingOccurrences(of: "\n> ", with: "\n").replacingOccurrences(of: " wrote:", with: " said")
    let own = linter.lint(path: "r.md", text: text)
    #expect(own.contains { $0.rule == "too-long" } && own.contains { $0.rule == "vibe-killer" })
  }

  @Test func attributionVariantsAndForwardBlocks() {
    let body = Array(repeating: "word", count: 100).joined(separator: " ")
    let quoted = Array(repeating: "old", count: 60).joined(separator: " ") + " circling back"
    for intro in [
      "On Mon, 17 Nov 2025 at 09:12, Ana Ruiz <ana@acme.io> wrote:",
      "On Mon, 17 Nov 2025 at 09:12, Ana Ruiz <\nana@acme.io> wrote:",
      "On Nov 17, 2025, at 09:12, Ana Ruiz <ana@acme.io> wrote:",
      "Am 17.11.2025 um 09:12 schrieb Ana Ruiz <ana@acme.io>:",
      "Le lun. 17 nov. 2025 à 09:12, Ana Ruiz <ana@acme.io> a écrit :",
      "---------- Forwarded message ---------\nFrom: Ana Ruiz <ana@acme.io>",
      "-----Original Message-----\nFrom: Ana Ruiz",
      "From: Ana Ruiz <ana@acme.io>\nSent: Monday, November 17, 2025 9:12 AM\nTo: Dana Smith\nSubject: Flags",
      "________________________________\nFrom: Ana Ruiz <ana@acme.io>",
    ] {
      for path in ["t.md", "t.txt"] {
        let findings = linter.lint(path: path, text: "Hi Ana,\n\n\(body)\n\n\(intro)\n\n\(quoted)\n")
        #expect(findings.isEmpty, "\(path) \(intro.debugDescription): \(findings.map(\.rule))")
      }
    }
    // Without the introduction the same words count.
    #expect(linter.lint(path: "t.txt", text: "Hi Ana,\n\n\(body)\n\n\(quoted)\n").count == 2)
  }

  @Test func signOffWithoutDelimiter() {
    let body = Array(repeating: "word", count: 120).joined(separator: " ")
    let signed = "Hi Ana,\n\n\(body)\n\nBest,\nDana Smith\nOnboarding Specialist\n+1 555 0100\nhttps://example.com/dana\n"
    #expect(linter.lint(path: "s.txt", text: signed).isEmpty)
    #expect(linter.lint(path: "s.md", text: signed).isEmpty)
    // No closing: those lines are the sender's words and push it over.
    let unsigned = "Hi Ana,\n\n\(body)\n\nDana Smith\nOnboarding Specialist\n+1 555 0100 ext 12\n"
    #expect(linter.lint(path: "s.txt", text: unsigned).map(\.rule) == ["too-long"])
    // The signature is still checked for phrases.
    #expect(linter.lint(path: "s.txt", text: "Hi,\n\nShort.\n\nThanks!\nDana, synergy lead\n").map(\.rule) == ["vibe-killer"])
    // Closings are data: a Rules/_mail.yml of one's own replaces them.
    var warnings: [Warning] = []
    let settings = try? MailSettings.load(path: "_mail.yml", text: "closings: [ciao]\n", warnings: &warnings)
    let custom = Linter(rules: projectRules, mail: settings ?? .builtIn)
    #expect(custom.lint(path: "s.txt", text: signed).map(\.rule) == ["too-long"])
    #expect(custom.lint(path: "s.txt", text: signed.replacingOccurrences(of: "Best,", with: "Ciao,")).isEmpty)
  }

  @Test func quoteThenOwnLineIsNotLazyContinuation() {
    let text = "Hi Ana,\n\n> Can you look?\nSure, circling back today \u{2014} done.\n"
    for path in ["q.md", "q.txt"] {
      #expect(
        linter.lint(path: path, text: text).map { "\($0.line):\($0.column) \($0.rule)" } == [
          "4:7 vibe-killer", "4:27 em-dash",
        ], "\(path)")
    }
  }

  @Test func bareAddressesAreNotProse() {
    let text = """
      Hi Ana,

      See https://example.com/blog/best-in-class-analytics-leverage, www.example.com/synergy
      and mail alignment@acme.io or mailto:leverage@x.io (http://x.io/circling-back).
      """
    #expect(linter.lint(path: "a.md", text: text).isEmpty)
    #expect(linter.lint(path: "a.txt", text: text).isEmpty)
    #expect(linter.lint(path: "a.txt", text: "Hi, the alignment of https://x.io is off.").map(\.rule) == ["vibe-killer"])
  }

  @Test func plainTextIsNotMarkdown() {
    // Indented: not a code block. `*` and `[..](..)` are not markup.
    #expect(linter.lint(path: "p.txt", text: "Hi Ana,\n\n    We are circling back.\n").map(\.rule) == ["vibe-killer"])
    #expect(linter.lint(path: "p.md", text: "Hi Ana,\n\n    We are circling back.\n").isEmpty)
    #expect(linter.lint(path: "p.txt", text: "Hi,\n\n- a list item, circling back\n").map(\.column) == [16])
  }

  @Test func markdownHeaderBlockWithAnyHeaders() {
    let text = """
      Date: Mon, 17 Nov 2025 09:12:00 +0100
      Message-ID: <x@example.com>
      X-Mailer: outreach
      Subject: Quick question
      MIME-Version: 1.0

      Hi Ana, one word.
      """
    let findings = linter.lint(path: "h.md", text: text)
    #expect(findings.map { "\($0.line):\($0.column) \($0.rule)" } == ["4:10 generic-subject"])
    let rule = projectRules.first { $0.id == "too-long" }!
    var short = rule
    short.setMax(4)
    // Header lines are not body words: the body has 4.
    #expect(Linter(rules: [short]).lint(path: "h.md", text: text).isEmpty)
  }

  @Test func subjectPrefixesAndTags() {
    for subject in ["SV: [EXTERNAL] AW: Following up", "Re: Re: Checking in", "[EXTERNAL] Quick question", "Antw: Following up"] {
      #expect(linter.lint(path: "s.md", text: "Subject: \(subject)\n\nHi\n").map(\.rule) == ["generic-subject"], "\(subject)")
    }
    #expect(linter.lint(path: "s.md", text: "Subject: RE: [EXTERNAL] Your 12 stale flags\n\nHi\n").isEmpty)
    #expect(linter.lint(path: "s.md", text: "Subject: Hi [Name], your flags\n\nHi\n").map(\.rule) == ["placeholder"])
  }

  @Test func brokenMessagesLintWhatCanBeRead() throws {
    let header = "From: a@b.co\nSubject: Your flags\nMIME-Version: 1.0\n"
    // No closing boundary.
    let open =
      header + "Content-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nWe are circling back.\n"
    var result = try linter.lint(path: "open.eml", bytes: Array(open.utf8))
    #expect(result.findings.map(\.rule) == ["vibe-killer"])
    // Bad base64.
    let bad = header + "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nV2UgYXJlIGNpcmNsaW5nIGJhY2su\n***\n"
    result = try linter.lint(path: "bad.eml", bytes: Array(bad.utf8))
    #expect(result.findings.map(\.rule) == ["vibe-killer"])
    #expect(
      result.warnings.map(\.description) == [
        "bad.eml:1: warning: the message: the text/plain part has characters that are not base64; read what decodes"
      ])
    // An unknown charset.
    let odd = header + "Content-Type: text/plain; charset=x-klingon\n\nWe are circling back.\n"
    result = try linter.lint(path: "odd.eml", bytes: Array(odd.utf8))
    #expect(result.findings.map(\.rule) == ["vibe-killer"])
    #expect(result.warnings.first?.message.contains("unknown charset `x-klingon`") == true)
    // No header block at all.
    result = try linter.lint(path: "bare.eml", bytes: Array("\nWe are circling back.\n".utf8), kind: .message)
    #expect(result.findings.map(\.rule).contains("vibe-killer"))
    #expect(result.warnings.first?.message.contains("no header block") == true)
    // Nothing readable: exit 2 territory.
    let nothing = header + "Content-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
    #expect(throws: OutreachError.self) {
      _ = try linter.lint(path: "n.eml", bytes: Array(nothing.replacingOccurrences(of: "Subject: Your flags\n", with: "").utf8))
    }
  }

  @Test func attachmentsAndOtherPartsAreIgnored() throws {
    let message = """
      From: a@b.co
      Subject: Your flags
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="m"

      --m
      Content-Type: text/plain; charset=utf-8

      Two flags are safe to remove.
      --m
      Content-Type: text/plain; name="notes.txt"
      Content-Disposition: attachment; filename="notes.txt"

      We are circling back with synergy.
      --m
      Content-Type: message/rfc822

      Subject: Checking in

      Hope this finds you well.
      --m--

      """
    #expect(try linter.lint(path: "m.eml", bytes: Array(message.utf8)).findings.isEmpty)
  }

  @Test func utf16AndLatin1Charsets() throws {
    var utf16: [UInt8] = [0xFF, 0xFE]
    for unit in "Hi,\n\nWe are circling back \u{2014} today.\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    let encoded = Data(utf16).base64EncodedString(options: .lineLength76Characters)
    let message =
      "Subject: Flags\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n"
      + encoded + "\n"
    let result = try linter.lint(path: "u.eml", bytes: Array(message.utf8))
    #expect(result.findings.map(\.rule) == ["em-dash", "vibe-killer"], "\(result.findings) \(result.warnings)")
    #expect(result.findings.allSatisfy { $0.line == 6 })
    let latin1 =
      Array("Subject: Flags\nMIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n\n".utf8) + [
        0x4E, 0x61, 0xEF, 0x76, 0x65, 0x20, 0x6C, 0x65, 0x76, 0x65, 0x72, 0x61, 0x67, 0x65, 0x0A,
      ]
    let plain = try linter.lint(path: "l.eml", bytes: latin1)
    #expect(plain.findings.map { "\($0.line):\($0.column) \($0.match)" } == ["5:7 leverage"])
  }

  @Test func kindsByExtensionAndContent() {
    #expect(EmailKind.of(path: "a.EML") == .message && EmailKind.of(path: "b.mbox") == .mbox)
    #expect(EmailKind.of(path: "c.txt") == .plain && EmailKind.of(path: "/dev/fd/63") == nil)
    #expect(EmailKind.detect(Array("From x@y Mon Dec  1 09:12:00 2025\nSubject: a\n\nb\n".utf8)) == .mbox)
    #expect(EmailKind.detect(Array("Subject: a\nMIME-Version: 1.0\n\nb\n".utf8)) == .message)
    #expect(EmailKind.detect(Array("To: a@b.co\nSubject: a\n\nb\n".utf8)) == .markdown)
    #expect(EmailKind.detect(Array("From: the team\n\nHello".utf8)) == .markdown)
  }
}

@Suite struct MailCLITests {
  @Test func everyFileKindFromTheCommandLine() throws {
    let result = try runOutreach(["lint", fixtures + "/mail"])
    #expect(result.status == 1)
    for file in [
      "gmail-multipart-qp.eml", "apple-mail-base64.eml", "outlook-html-only.eml", "takeout.mbox", "windows-1252-8bit.eml",
    ] {
      #expect(result.stdout.contains(file + ":"), "\(file) not linted")
    }
    #expect(result.stderr.contains("in 7 files"), "\(result.stderr)")
  }

  @Test func standardInputIsReadByContent() throws {
    let eml = try String(contentsOfFile: fixtures + "/mail/gmail-multipart-qp.eml", encoding: .utf8)
    let result = try runOutreach(["lint", "-"], stdin: eml)
    #expect(result.stdout.hasPrefix("<stdin>:4:10: error: Subject 'Checking in'"))
    let mbox = try String(contentsOfFile: fixtures + "/mail/takeout.mbox", encoding: .utf8)
    #expect(try runOutreach(["lint", "--format", "json"], stdin: mbox).stdout.contains("takeout-3@mail.gmail.com"))
  }

  @Test func pipesAreReadToTheirEnd() throws {
    // A path whose size is unknown (a pipe) is read, not judged "empty".
    let result = try runOutreach(["lint", "/dev/stdin"], stdin: "Subject: Checking in\n\nHi Ana.\n")
    #expect(result.status == 1 && result.stdout.contains("/dev/stdin:1:10"), "\(result.stderr)")
    // A device found by name is refused at once, never read or waited on.
    let zero = try runOutreach(["lint", "/dev/zero"])
    #expect(zero.status == 2 && zero.stderr.contains("/dev/zero: a device, not a regular file"), "\(zero.stderr)")
  }

  @Test func nothingReadableIsExit2OnOneLine() throws {
    let folder = makeTemporaryFolder()
    let path = folder + "/photo.eml"
    try "MIME-Version: 1.0\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let result = try runOutreach(["lint", path])
    #expect(result.status == 2)
    let errors = result.stderr.split(separator: "\n").filter { $0.contains(path + ":") && !$0.contains("warning") }
    #expect(errors.count == 1 && errors[0].contains("nothing readable"), "\(result.stderr)")
  }
}
