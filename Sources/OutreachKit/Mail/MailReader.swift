import Foundation

/// What `lint` reads of each message of a `.eml` or `.mbox`: the decoded
/// subject and the decoded body text (the text/plain part, or the HTML
/// part as text), before quotes and signatures are set apart. `outreach
/// read` prints it, so that it can be compared with another reader
/// (the corpus test compares it with Python's `email` package).
public struct ReadMessage: Encodable, Sendable {
  public var path: String
  public var messageID: String?
  public var subject: String?
  public var text: String
  public var warnings: [String]
  /// The sender and the recipients (To, then Cc), as mail history reads
  /// them (lowered addresses).
  public var from: String?
  public var to: [String]

  enum CodingKeys: String, CodingKey {
    case path
    case messageID = "message_id"
    case subject, text, warnings, from, to
  }
}

extension Linter {
  /// Every message of the mail file at `path`, as `lint` reads it.
  public func read(path: String) throws -> [ReadMessage] {
    guard GMime.available else { throw GMime.missing(path: path) }
    guard HTMLText.library != nil else { throw HTMLText.missing(path: path) }
    var out: [ReadMessage] = []
    let collect: (ParsedMessage) -> Void = { message in
      let window = RawWindow(bytes: message.window, base: message.start, baseLine: 0)
      let document = MailDocument.make(path: path, message: message, window: window, mail: mail)
      let text = document.source.bytes
      // The document is "Subject: ...", a blank line, then the body text.
      let body = text.firstRange(of: [0x0A, 0x0A]).map { Array(text[$0.upperBound...]) } ?? []
      let people = message.people
      out.append(
        ReadMessage(
          path: path, messageID: message.messageID, subject: message.subject, text: String(decoding: body, as: UTF8.self),
          warnings: message.warnings, from: people.from, to: people.recipients))
    }
    if EmailKind.of(path: path) == .mbox {
      // Streamed from the file, as `lint` reads an mbox of any size.
      let descriptor = try TextFile.open(path: path)
      defer { close(descriptor) }
      GMime.forEachMessage(in: .file(descriptor: descriptor, path: path), mbox: true, fields: true, collect)
      return out
    }
    var bytes = try TextFile.read(path: path, limit: OutlookMessage.limit(path: path), validate: false)
    if OutlookMessage.isOutlook(path: path, bytes: bytes) {
      bytes = try OutlookMessage.message(path: path, bytes: bytes)
    }
    let mbox = EmailKind.of(path: path) == nil && EmailKind.detect(bytes) == .mbox
    GMime.forEachMessage(in: .memory(bytes), mbox: mbox, fields: true, collect)
    if out.isEmpty, !mbox, TextFile.firstInvalidUTF8(bytes) == nil {
      // No header block: all of it is the body, as `lint` reads it.
      out.append(
        ReadMessage(
          path: path, messageID: nil, subject: nil, text: String(decoding: bytes, as: UTF8.self),
          warnings: ["the message has no header block, so no subject; read it all as the body"], from: nil, to: []))
    }
    return out
  }
}
