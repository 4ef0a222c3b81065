import Foundation
import Testing

@testable import OutreachKit

#if canImport(Glibc)
  import Glibc
#endif

/// The thread table of the README, in each client's shape and each
/// encoding (issue 18): a phrase in the sender's own text is flagged once,
/// at its place in the file; the same kind of phrase in the history is not.
@Suite struct MailMatrixTests {
  /// How each client writes a reply: the sender's own line, then the
  /// history, which holds "circling back" (a vibe killer that must not be
  /// reported).
  enum Client: String, CaseIterable, CustomStringConvertible {
    case gmail, gmailHTML, outlook, outlookHTML, appleMail, thunderbirdInline, signature
    var description: String { rawValue }

    /// (Content-Type, body text) for each part; one entry is a single part.
    func parts(own: String) -> [(type: String, text: String)] {
      let quoted = "Are you circling back on the flags?"
      switch self {
      case .gmail:
        return [
          (
            "text/plain",
            "Hi Ana,\n\n\(own)\n\nOn Mon, Nov 17, 2025 at 9:12 AM Ana Ruiz <ana@acme.io> wrote:\n\n> \(quoted)\n>\n"
          ),
          (
            "text/html",
            "<div dir=\"ltr\">Hi Ana,<br><br>\(own)</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">"
              + "On Mon, Nov 17, 2025 at 9:12 AM Ana Ruiz &lt;ana@acme.io&gt; wrote:<br></div>"
              + "<blockquote class=\"gmail_quote\">\(quoted)</blockquote></div>\n"
          ),
        ]
      case .gmailHTML:
        return [Self.gmail.parts(own: own)[1]]
      case .outlook:
        return [
          (
            "text/plain",
            "Hi Ana,\n\n\(own)\n\n-----Original Message-----\nFrom: Ana Ruiz <ana@acme.io>\nSent: Monday, November 17, 2025 9:12 AM\n"
              + "To: Sam <sam@posthog.example>\nSubject: Flags\n\n\(quoted)\n"
          )
        ]
      case .outlookHTML:
        return [
          (
            "text/html",
            "<html><body><div>Hi Ana,</div><div>\(own)</div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> Ana Ruiz<br>"
              + "<b>Sent:</b> Monday, November 17, 2025 9:12 AM</div><div>\(quoted)</div></body></html>\n"
          )
        ]
      case .appleMail:
        return [
          (
            "text/html",
            "<html><body><div>Hi Ana,</div><div>\(own)</div><div><br><blockquote type=\"cite\"><div>On Nov 17, 2025, at 09:12, "
              + "Ana Ruiz &lt;ana@acme.io&gt; wrote:</div><div>\(quoted)</div></blockquote></div></body></html>\n"
          )
        ]
      case .thunderbirdInline:
        // Answers between quotes, after the attribution.
        return [
          (
            "text/plain; format=flowed",
            "On 11/17/25 09:12, Ana Ruiz wrote:\n> \(quoted)\n\n\(own)\n\n> And the bill?\n\nThe bill is fine.\n"
          )
        ]
      case .signature:
        // The own line sits above a signature; the history follows it.
        return [
          (
            "text/plain",
            "Hi Ana,\n\n\(own)\n\nBest,\nSam\n\n________________________________\nFrom: Ana Ruiz\n\n\(quoted)\n"
          )
        ]
      }
    }
  }

  /// A transfer encoding and charset; `greeting` is text the charset holds.
  enum Encoding: String, CaseIterable, CustomStringConvertible {
    case utf8Bit, utf8QuotedPrintable, utf8Base64, latin1QuotedPrintable, latin18Bit, shiftJIS, iso2022JP, eucJP
    var description: String { rawValue }

    var charset: String {
      switch self {
      case .utf8Bit, .utf8QuotedPrintable, .utf8Base64: return "utf-8"
      case .latin1QuotedPrintable, .latin18Bit: return "iso-8859-1"
      case .shiftJIS: return "shift_jis"
      case .iso2022JP: return "iso-2022-jp"
      case .eucJP: return "euc-jp"
      }
    }
    var transfer: String {
      switch self {
      case .utf8QuotedPrintable, .latin1QuotedPrintable: return "quoted-printable"
      case .utf8Base64: return "base64"
      case .iso2022JP: return "7bit"
      default: return "8bit"
      }
    }
    var greeting: String { [.shiftJIS, .iso2022JP, .eucJP].contains(self) ? "田中さん、" : "Grüße, Jürgen:" }

    func encode(_ text: String) -> [UInt8] {
      let bytes = MailMatrixTests.iconv(text, to: charset)
      switch transfer {
      case "quoted-printable": return MailMatrixTests.quotedPrintable(bytes)
      case "base64":
        return Array((Data(bytes).base64EncodedString(options: .lineLength76Characters) + "\n").utf8).filter { $0 != 0x0D }
      default: return bytes
      }
    }
  }

  static func iconv(_ text: String, to charset: String) -> [UInt8] {
    let converter = iconv_open(charset.uppercased(), "UTF-8")
    precondition(converter != iconv_t(bitPattern: -1), "iconv knows \(charset)")
    defer { iconv_close(converter) }
    var input = Array(text.utf8).map { CChar(bitPattern: $0) }
    var output = [CChar](repeating: 0, count: input.count * 4 + 16)
    var inLeft = input.count
    var outLeft = output.count
    input.withUnsafeMutableBufferPointer { source in
      output.withUnsafeMutableBufferPointer { target in
        var inPointer = source.baseAddress
        var outPointer = target.baseAddress
        _ = Glibc.iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
        _ = Glibc.iconv(converter, nil, nil, &outPointer, &outLeft)
      }
    }
    precondition(inLeft == 0, "\(charset) holds the text")
    return output[0..<(output.count - outLeft)].map { UInt8(bitPattern: $0) }
  }

  /// RFC 2045 quoted-printable, soft line breaks at 76.
  static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var column = 0
    for byte in bytes {
      if byte == 0x0A {
        out.append(byte)
        column = 0
        continue
      }
      let piece: [UInt8] =
        (33...126).contains(byte) && byte != 0x3D || byte == 0x20
        ? [byte] : Array(String(format: "=%02X", byte).utf8)
      if column + piece.count > 75 {
        out += Array("=\n".utf8)
        column = 0
      }
      out += piece
      column += piece.count
    }
    return out
  }

  static func message(client: Client, encoding: Encoding, own: String) -> [UInt8] {
    var out = Array(
      "From: Sam <sam@posthog.example>\nTo: Ana Ruiz <ana@acme.io>\nSubject: Re: Flags after the upgrade\nMIME-Version: 1.0\n"
        .utf8)
    let parts = client.parts(own: own)
    func part(_ type: String, _ text: String) -> [UInt8] {
      Array(
        "Content-Type: \(type); charset=\(encoding.charset)\nContent-Transfer-Encoding: \(encoding.transfer)\n\n".utf8)
        + encoding.encode(text)
    }
    if parts.count == 1 { return out + part(parts[0].type, parts[0].text) }
    out += Array("Content-Type: multipart/alternative; boundary=\"b1\"\n\n".utf8)
    for (type, text) in parts { out += Array("--b1\n".utf8) + part(type, text) + [0x0A] }
    return out + Array("--b1--\n".utf8)
  }

  @Test(arguments: Client.allCases, Encoding.allCases)
  func aPhraseInTheOwnTextIsFlaggedOnceAndTheHistoryNever(client: Client, encoding: Encoding) throws {
    let own = "\(encoding.greeting) the Tuesday spike looks real, just touching base."
    let bytes = Self.message(client: client, encoding: encoding, own: own)
    let result = try Linter(rules: projectRules).lint(path: "reply.eml", bytes: bytes)
    let findings = result.findings.filter { $0.rule == "vibe-killer" }
    #expect(
      findings.map(\.match) == ["just touching base"],
      "\(client)/\(encoding): \(result.findings.map { "\($0.line):\($0.column) \($0.match)" }) \(result.warnings)")
    #expect(!result.findings.contains { $0.match.lowercased().contains("circling") }, "history is not linted")
    guard let finding = findings.first else { return }
    let ownColumn = own.distance(from: own.startIndex, to: own.range(of: "just")!.lowerBound) + 1
    let isPlain = client.parts(own: own).first?.type.hasPrefix("text/plain") == true
    if encoding.transfer == "base64" || !isPlain {
      // Decoded: the place in the text a reader sees.
      #expect(finding.decodedColumn == ownColumn, "\(client)/\(encoding): \(finding)")
      return
    }
    // The line and column of the file as saved.
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    let line = try #require(lines.firstIndex { $0.firstRange(of: Array("touching".utf8)) != nil })
    #expect(finding.line == line + 1, "\(client)/\(encoding): \(finding)")
    let expectedColumn: Int
    if encoding.transfer == "quoted-printable" {
      expectedColumn = Array(lines[line]).firstRange(of: Array("just".utf8))!.lowerBound + 1
    } else {
      expectedColumn = ownColumn
    }
    #expect(finding.column == expectedColumn, "\(client)/\(encoding): \(finding)")
  }

  /// The subject, the table's first row, in each encoding a client writes.
  @Test(arguments: Encoding.allCases, ["B", "Q", "raw"])
  func aPhraseInTheSubjectIsFlaggedInEachEncoding(encoding: Encoding, form: String) throws {
    let subject = "\(encoding.greeting) just touching base"
    let bytes = Self.iconv(subject, to: encoding.charset)
    let value: [UInt8]
    switch form {
    case "B": value = Array("=?\(encoding.charset)?B?\(Data(bytes).base64EncodedString())?=".utf8)
    case "Q":
      value =
        Array("=?\(encoding.charset)?Q?".utf8)
        + bytes.flatMap {
          (33...126).contains($0) && $0 != 0x3D && $0 != 0x3F && $0 != 0x5F
            ? [$0] : $0 == 0x20 ? [0x5F] : Array(String(format: "=%02X", $0).utf8)
        }
        + Array("?=".utf8)
    default: value = bytes
    }
    let message =
      Array("From: a@b.example\nSubject: ".utf8) + value
      + Array("\nMIME-Version: 1.0\nContent-Type: text/plain; charset=\(encoding.charset)\n\nHi Ana.\n".utf8)
    let findings = try Linter(rules: projectRules).lint(path: "s.eml", bytes: message).findings
    #expect(findings.map(\.match) == ["just touching base"] && findings.first?.line == 2, "\(encoding) \(form): \(findings)")
    #expect(findings.first?.subject == subject, "\(encoding) \(form)")
  }

  /// Any bytes in a multibyte charset convert, one offset an output byte,
  /// in linear time (invalid and cut-off sequences become U+FFFD).
  @Test(arguments: ["shift_jis", "euc-jp", "iso-2022-jp", "gb2312", "big5", "utf-16"])
  func anyBytesConvertWithAnOffsetEach(charset: String) throws {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let mapped = try #require(GMime.convertMapped(bytes, offsets: Array(bytes.indices), from: charset))
    #expect(mapped.offsets?.count == mapped.bytes.count)
    #expect(TextFile.firstInvalidUTF8(mapped.bytes) == nil)
    #expect(mapped.offsets.map { zip($0, $0.dropFirst()).allSatisfy { $0 <= $1 } } == true, "offsets only go forward")
  }

  /// A subject sent as raw 8-bit GB2312 or Big5 is read in the body's
  /// charset, as mail clients do, not as Latin-1.
  @Test(arguments: [("gb2312", "您好 关于您的事件 touching base"), ("big5", "您好 關於您的事件 touching base")])
  func aRawEightBitSubjectIsReadInTheBodysCharset(charset: String, subject: String) throws {
    let bytes =
      Array("From: a@b.example\nSubject: ".utf8) + Self.iconv(subject, to: charset)
      + Array("\nMIME-Version: 1.0\nContent-Type: text/plain; charset=\(charset)\n\n".utf8)
      + Self.iconv("正文。\n", to: charset)
    let result = try Linter(rules: projectRules).lint(path: "s.eml", bytes: bytes)
    #expect(result.findings.map(\.subject) == [subject], "\(result.findings)")
    #expect(result.findings.map(\.match) == ["touching base"])
  }

  /// Two Content-Type headers: the body is read as the one whose boundary
  /// it holds, in either order, in an `.eml` and in an mbox; one warning.
  @Test(arguments: [true, false]) func twoContentTypesReadTheOneTheBodyFollows(multipartFirst: Bool) throws {
    let types = ["Content-Type: multipart/alternative; boundary=\"XX\"", "Content-Type: text/plain"]
    let ordered = multipartFirst ? types : types.reversed()
    let message =
      "From: a@b.example\nSubject: Your event spike on Tuesday\nMIME-Version: 1.0\n\(ordered.joined(separator: "\n"))\n\n"
      + "--XX\nContent-Type: text/plain\n\nHello, the spike looks real, just touching base.\n--XX\nContent-Type: text/html\n\n"
      + "<p>Hello, the spike looks real, just touching base.</p>\n--XX--\n"
    let result = try Linter(rules: projectRules).lint(path: "two.eml", bytes: Array(message.utf8))
    #expect(result.findings.map { "\($0.line):\($0.column) \($0.match)" } == ["10:30 just touching base"], "\(result.findings)")
    #expect(result.warnings.map(\.message).contains { $0.contains("2 Content-Type headers") }, "\(result.warnings)")
    let mbox = "From a@b Thu Nov 20 09:12:00 2025\n\(message)\nFrom a@b Thu Nov 20 09:13:00 2025\n\(message)"
    let both = try Linter(rules: projectRules).lint(path: "two.mbox", bytes: Array(mbox.utf8))
    #expect(both.findings.map(\.line) == [11, 28], "\(both.findings)")
  }
}
