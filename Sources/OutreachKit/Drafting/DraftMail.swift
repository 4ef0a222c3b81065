import Foundation

/// A draft as a mail message (`draft --format eml`, `draft --imap`).
extension Draft {
  /// The body before the signature delimiter, and the signature's lines.
  var bodyAndSignature: (body: String, signature: [String]) {
    var lines = body.components(separatedBy: "\n")
    guard let delimiter = lines.firstIndex(where: { $0 == "--" || $0 == "-- " }) else { return (body, []) }
    let signature = lines[(delimiter + 1)...].filter { !$0.isEmpty }
    lines.removeSubrange(delimiter...)
    return (lines.joined(separator: "\n"), Array(signature))
  }

  /// The same for the same account, stage, recipients and day, so a rerun
  /// is recognised (and not appended twice).
  public func messageID(today: Day, domain: String) -> String {
    let key = ([account, stage.rawValue, today.description] + to.map { $0.email.lowercased() }.sorted()).joined(
      separator: "\u{1F}")
    let hash = String(stableHash(key), radix: 16) + String(stableHash(String(key.reversed())), radix: 16)
    return "outreach.\(hash)@\(domain)"
  }

  /// The draft as an RFC 5322 message: multipart/alternative with the text
  /// as a person reads it and the HTML libcmark-gfm renders from the Markdown.
  public func message(from sender: TemplateSet.Team, today: Day, crlf: Bool = false) -> [UInt8] {
    let (markdown, signature) = bodyAndSignature
    let signatureText = signature.map { MarkdownRendering.plainText($0) }
    var plain = MarkdownRendering.plainText(markdown)
    if !signatureText.isEmpty { plain += "\n\n-- \n" + signatureText.joined(separator: "\n") }
    plain += "\n"
    var html = "<html><body>\n" + MarkdownRendering.html(markdown)
    if !signatureText.isEmpty {
      html += "<div class=\"signature\">-- <br>\n" + signatureText.map(Escaping.html).joined(separator: "<br>\n") + "</div>\n"
    }
    html += "</body></html>\n"
    let domain = sender.senderEmail.split(separator: "@").last.map(String.init) ?? "outreach.invalid"
    let id = messageID(today: today, domain: domain)
    let parts = MailComposer.Parts(
      from: .init(name: Escaping.sanitize(sender.senderName), email: Escaping.sanitize(sender.senderEmail)),
      to: to.map {
        .init(name: Escaping.sanitize($0.name), email: Escaping.sanitize($0.email).replacingOccurrences(of: " ", with: ""))
      },
      subject: Escaping.sanitize(subject), plain: plain, html: html, date: today.unixTime(hour: 9), messageID: id,
      boundary: "=-outreach-" + String(id.prefix(while: { $0 != "@" }).dropFirst("outreach.".count)),
      extraHeaders: [("X-Unsent", "1")])
    return MailComposer.compose(parts, crlf: crlf)
  }

  /// The `--out` file name of the message.
  public var emlFileName: String {
    (fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName) + ".eml"
  }
}

extension Day {
  /// Seconds since 1970 at `hour`:00 UTC on this day.
  public func unixTime(hour: Int) -> Int64 {
    var components = DateComponents()
    components.year = year
    components.month = month
    components.day = day
    components.hour = hour
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return Int64(calendar.date(from: components)?.timeIntervalSince1970 ?? 0)
  }
}

extension Escaping {
  /// Text for HTML element content.
  public static func html(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}

/// Several messages as one mbox stream (mboxrd: a body line starting with
/// `From `, or `>From `, gets one more `>`).
public enum MboxWriter {
  public static func entry(_ message: [UInt8], date: Int64) -> [UInt8] {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE MMM d HH:mm:ss yyyy"
    var out = Array("From outreach@localhost \(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(date))))\n".utf8)
    var lineStart = true
    var index = 0
    while index < message.count {
      if lineStart {
        var probe = index
        while probe < message.count, message[probe] == 0x3E { probe += 1 }
        if GMime.startsWithFrom(message[probe...]) { out.append(0x3E) }
      }
      let byte = message[index]
      out.append(byte)
      lineStart = byte == 0x0A
      index += 1
    }
    if out.last != 0x0A { out.append(0x0A) }
    out.append(0x0A)
    return out
  }
}

extension Draft {
  /// Throws when GMime, which builds the messages, cannot be loaded.
  public static func requireMailSupport() throws {
    guard GMime.available else { throw GMime.missing(path: "draft --format eml") }
  }
}
