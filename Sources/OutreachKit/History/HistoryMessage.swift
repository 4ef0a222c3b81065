import Foundation

/// One message of a mailbox as mail history reads it: who wrote it to
/// whom, when, its subject, and how it threads. The body text is read only
/// for a sent email outreach did not draft (to see which facts it names).
public struct HistoryMessage: Sendable {
  /// Without its angle brackets.
  public var messageID: String?
  /// Lowered addresses.
  public var from: String?
  public var recipients: [String]
  public var subject: String
  public var date: Day?
  /// Message-IDs this one answers (In-Reply-To, then References).
  public var answers: [String]
  /// The body a reader sees, when it was read.
  public var text: String?
  /// Where to fetch the text from when it was not read (an IMAP message).
  public var location: (mailbox: String, uid: Int)?
  /// Order read, to keep messages of one day in order.
  public var order = 0
  /// Which source (`--history`) it came from.
  public var source = 0
}

/// Reading header values the way mail clients do, enough for history.
enum HeaderValues {
  /// The addresses of an address-list header (`Ana <ana@x.io>, bob@y.io`),
  /// lowered; display names and groups are passed over.
  static func addresses(_ value: String?) -> [String] {
    guard let value else { return [] }
    // Byte by byte (every character that steers the split is ASCII); a
    // header's line ends are spaces.
    var out: [String] = []
    var inQuotes = false
    var inAngle = false
    var current: [UInt8] = []
    var angle: [UInt8] = []
    func trimmed(_ bytes: ArraySlice<UInt8>, _ drop: (UInt8) -> Bool) -> ArraySlice<UInt8> {
      var slice = bytes
      while let first = slice.first, drop(first) { slice = slice.dropFirst() }
      while let last = slice.last, drop(last) { slice = slice.dropLast() }
      return slice
    }
    func flush() {
      // A group (`Team: a@x.io, b@y.io;`): the addresses after its colon.
      var bare = trimmed(current[...]) { $0 == 0x20 || $0 == 0x09 }
      if let colon = bare.lastIndex(of: 0x3A) { bare = trimmed(bare[(colon + 1)...]) { $0 == 0x20 || $0 == 0x09 } }
      let candidate = angle.isEmpty ? bare : angle[...]
      // Spaces, tabs and ; : < > " ' ( ) around it.
      let cleaned = trimmed(candidate) { byte in
        byte == 0x20 || byte == 0x09 || byte == 0x3B || byte == 0x3A || byte == 0x3C || byte == 0x3E || byte == 0x22
          || byte == 0x27 || byte == 0x28 || byte == 0x29
      }
      let address = String(decoding: cleaned, as: UTF8.self)
      if EmailAddress.isValid(address) { out.append(address.lowercased()) }
      current.removeAll(keepingCapacity: true)
      angle.removeAll(keepingCapacity: true)
    }
    // RFC 5322 comments, `bo@x.io (Bo Lind)`, nested or not, are nothing.
    var comment = 0
    for var byte in value.utf8 {
      if byte == 0x0D || byte == 0x0A { byte = 0x20 }
      if !inQuotes, byte == 0x28 || comment > 0 {
        if byte == 0x28 { comment += 1 } else if byte == 0x29 { comment -= 1 }
        continue
      }
      switch byte {
      case 0x22 where !inAngle: inQuotes.toggle()
      case 0x3C where !inQuotes:
        inAngle = true
        angle.removeAll(keepingCapacity: true)
      case 0x3E where inAngle: inAngle = false
      case 0x2C where !inQuotes && !inAngle, 0x3B where !inQuotes && !inAngle: flush()
      default:
        if inAngle { angle.append(byte) } else if !inQuotes { current.append(byte) }
      }
    }
    flush()
    return out
  }

  /// The message ids of `In-Reply-To` or `References`, without brackets.
  static func messageIDs(_ value: String?) -> [String] {
    guard let value else { return [] }
    var out: [String] = []
    var current: String? = nil
    for character in value {
      if character == "<" {
        current = ""
      } else if character == ">" {
        if let id = current, !id.isEmpty { out.append(id.trimmingSpaces) }
        current = nil
      } else if current != nil {
        current!.append(character)
      }
    }
    return out
  }

  static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  /// The day of an RFC 5322 date (`Sun, 22 Nov 2026 09:00:00 +0000`), or of
  /// an ISO one.
  static func day(_ value: String?) -> Day? {
    guard let value else { return nil }
    if let iso = Day(String(value.trimmingSpaces.prefix(10))) { return iso }
    let tokens = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" || $0 == "\n" })
    guard let monthIndex = tokens.firstIndex(where: { months.contains($0.prefix(3).lowercased()) }),
      monthIndex > tokens.startIndex, monthIndex + 1 < tokens.endIndex,
      let day = Int(tokens[monthIndex - 1]), let year = Int(tokens[monthIndex + 1]),
      let month = months.firstIndex(of: tokens[monthIndex].prefix(3).lowercased())
    else { return nil }
    return Day(year: year < 100 ? 2000 + year : year, month: month + 1, day: day)
  }

  /// A subject without reply and forward prefixes, folded, lowered.
  static func thread(_ subject: String) -> String {
    var text = Substring(subject.trimmingSpaces)
    while true {
      let lowered = text.lowercased()
      guard
        let prefix = ["re:", "fwd:", "fw:", "aw:", "sv:", "vs:", "antw:", "rif:", "tr:"].first(where: { lowered.hasPrefix($0) })
      else { break }
      text = text.dropFirst(prefix.count)
      while text.first == " " { text = text.dropFirst() }
    }
    return text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ").lowercased()
  }

  /// Whether a subject is a reply (`Re:` and its translations).
  static func isReply(_ subject: String) -> Bool {
    let lowered = subject.trimmingSpaces.lowercased()
    return ["re:", "aw:", "sv:", "vs:", "antw:", "rif:"].contains { lowered.hasPrefix($0) }
  }
}

extension HistoryMessage {
  /// From a message GMime read with its history fields.
  init(_ parsed: ParsedMessage, order: Int) {
    messageID = parsed.messageID
    (from, recipients) = parsed.people
    subject = parsed.subject ?? ""
    date = HeaderValues.day(parsed.fields["date"])
    answers = HeaderValues.messageIDs(parsed.fields["in-reply-to"]) + HeaderValues.messageIDs(parsed.fields["references"])
    if let body = parsed.body {
      switch body.kind {
      case .plain: text = String(decoding: body.bytes, as: UTF8.self)
      case .html: text = String(decoding: HTMLText.text(body.bytes) ?? [], as: UTF8.self)
      }
    }
    self.order = order
  }
}

extension ParsedMessage {
  /// The sender and the recipients (To, then Cc), lowered, from the fields
  /// read for history (`fields: true`).
  var people: (from: String?, recipients: [String]) {
    (
      HeaderValues.addresses(fields["from"]).first,
      HeaderValues.addresses(fields["to"]) + HeaderValues.addresses(fields["cc"])
    )
  }
}
