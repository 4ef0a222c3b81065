import Foundation

/// Where mail history is read from: an IMAP account or mailbox, or an
/// `.mbox` file or folder of `.eml`/`.mbox` files (Google Takeout's "All
/// mail", Thunderbird's folders).
public enum HistorySource: Sendable, Equatable {
  case imap(String)
  case local(String)

  public init(_ text: String) {
    let lowered = text.lowercased()
    self = lowered.hasPrefix("imap://") || lowered.hasPrefix("imaps://") ? .imap(text) : .local(text)
  }

  /// Reads every message's headers; `wantsText` says, by sender, whose
  /// body text to keep (read only where it is needed).
  func messages(environment: [String: String], wantsText: @Sendable (String?) -> Bool) throws -> (
    messages: [HistoryMessage], reader: IMAPHistoryReader?
  ) {
    switch self {
    case .local(let path): return (try Self.local(path, wantsText: wantsText), nil)
    case .imap(let url):
      let reader = try IMAPHistoryReader(url: url, environment: environment)
      return (try reader.headers(), reader)
    }
  }

  static func local(_ path: String, wantsText: @Sendable (String?) -> Bool) throws -> [HistoryMessage] {
    let (files, errors) = FileWalker.expand([path], extensions: ["eml", "mbox"]) { .noEmails(folder: $0) }
    if let first = errors.first { throw first }
    var out: [HistoryMessage] = []
    for file in files {
      let read = try GMime.messages(ofFile: file, fields: true) { parsed in
        var message = HistoryMessage(parsed, order: 0)
        if !wantsText(message.from) { message.text = nil }
        return message
      }
      for var message in read {
        message.order = out.count
        out.append(message)
      }
    }
    return out
  }
}

/// Reads history from an IMAP account, read-only and quiet: one login,
/// `EXAMINE` (never SELECT), `BODY.PEEK` (nothing marked \Seen), headers
/// for every message and a whole message only where its text is needed.
final class IMAPHistoryReader {
  let session: IMAPSession
  /// The mailboxes read: the URL's, or INBOX and the one flagged \Sent.
  private(set) var mailboxes: [String] = []
  private var examined: String? = nil

  init(url: String, environment: [String: String]) throws {
    session = try IMAPSession(url: url, environment: environment, defaultMailbox: nil)
  }

  /// Envelopes asked for in one command: Debian's libcurl 7.88.1 counts a
  /// command's untagged lines as response headers, more than once each
  /// (its backported 300 KB limit trips at about 50 envelopes), so a few at
  /// a time.
  static let batch = 20

  /// Every message's envelope (date, subject, from, to, cc, In-Reply-To,
  /// Message-ID): `ENVELOPE` comes back as one line of quoted strings, and
  /// fetching it marks nothing \Seen.
  func headers() throws -> [HistoryMessage] {
    if session.mailboxName.isEmpty {
      mailboxes = ["INBOX"] + (try sentMailbox().map { [$0] } ?? [])
    } else {
      mailboxes = [session.mailboxName]
    }
    var out: [HistoryMessage] = []
    for mailbox in mailboxes {
      let exists = try examine(mailbox)
      guard exists > 0 else { continue }
      // A few at a time (see `batch`).
      var first = 1
      while first <= exists {
        let last = min(exists, first + Self.batch - 1)
        let response = try session.commandBytes(
          "FETCH \(first):\(last) (UID ENVELOPE)", doing: "read the envelopes of \(mailbox)")
        for line in response.split(separator: 0x0A) {
          guard var message = Self.envelope(String(decoding: line, as: UTF8.self)) else { continue }
          message.location = (mailbox, message.location?.uid ?? 0)
          message.order = out.count
          out.append(message)
        }
        first = last + 1
      }
    }
    return out
  }

  /// Which of `words` each message's text holds, asked of the server
  /// (`UID SEARCH UID set TEXT "word"`): nothing is fetched, nothing marked.
  /// A word is asked once a mailbox, over every message of `scope` there
  /// (all the sender's messages), and the answer kept: a run asks each word
  /// once, not once an account.
  func mentions(_ messages: [HistoryMessage], _ words: [String], scope: () -> [HistoryMessage]) throws -> [[Bool]] {
    var found = messages.map { _ in words.map { _ in false } }
    let mailboxes = Set(messages.compactMap { $0.location?.mailbox })
    var everyone: [HistoryMessage]? = nil
    for mailbox in mailboxes.sorted() {
      for word in words where mentioned[mailbox]?[word] == nil {
        // `messages` are among the sender's: the scope holds them.
        if everyone == nil { everyone = scope() }
        let uids = everyone!.compactMap { $0.location?.mailbox == mailbox ? $0.location!.uid : nil }
        if examined != mailbox { _ = try examine(mailbox) }
        let hits = try search("UID \(Self.uidSet(uids)) TEXT \"\(Self.quotable(word))\"", doing: "search sent messages")
        mentioned[mailbox, default: [:]][word] = Set(hits)
      }
    }
    for (index, message) in messages.enumerated() {
      guard let (mailbox, uid) = message.location else { continue }
      for (wordIndex, word) in words.enumerated() where mentioned[mailbox]?[word]?.contains(uid) == true {
        found[index][wordIndex] = true
      }
    }
    return found
  }

  /// UIDs found by each word, by mailbox (see `mentions`).
  private var mentioned: [String: [String: Set<Int>]] = [:]

  /// Ids asked in one search (an OR of their References keys, about 6 KB).
  static let referencesBatch = 100

  /// For each of `ids`, the messages whose References header names it: per
  /// mailbox, one search for a hundred ids at once (an OR of their keys),
  /// then, for each message found, which of the ids `narrow` gives for it
  /// (those sent to its author) it names, asked of that message alone. A
  /// mailbox is searched a few times a run, not once an account.
  func referencing(
    _ ids: [String], narrow: (_ mailbox: String, _ uid: Int, _ ids: [String]) -> [String]
  ) throws -> [String: [(mailbox: String, uid: Int)]] {
    var out: [String: [(mailbox: String, uid: Int)]] = [:]
    let usable = ids.filter { !Self.quotable($0).isEmpty }
    for mailbox in mailboxes {
      var start = 0
      while start < usable.count {
        let chunk = Array(usable[start..<min(usable.count, start + Self.referencesBatch)])
        start += chunk.count
        if examined != mailbox { _ = try examine(mailbox) }
        let keys = chunk.map { "HEADER References \"<\(Self.quotable($0))>\"" }
        for uid in try search(Self.anyOf(keys[...]), doing: "look for replies in \(mailbox)") {
          for id in narrow(mailbox, uid, chunk) {
            let named = try search(
              "UID \(uid) HEADER References \"<\(Self.quotable(id))>\"", doing: "look for replies in \(mailbox)")
            if named.contains(uid) { out[id, default: []].append((mailbox, uid)) }
          }
        }
      }
    }
    return out
  }

  /// `UID SEARCH criteria` on the examined mailbox: the UIDs found.
  private func search(_ criteria: String, doing what: String) throws -> [Int] {
    let response = try session.command("UID SEARCH " + criteria, doing: what)
    var out: [Int] = []
    for line in response.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
      out += line.split(separator: " ").dropFirst(2).compactMap { Int($0) }
    }
    return out
  }

  /// Search keys joined by OR, as a balanced tree (nesting stays shallow).
  static func anyOf(_ keys: ArraySlice<String>) -> String {
    guard keys.count > 1 else { return keys.first ?? "ALL" }
    let middle = keys.startIndex + keys.count / 2
    return "OR (\(anyOf(keys[..<middle]))) (\(anyOf(keys[middle...])))"
  }

  /// A UID set as ranges: `1:5,7,9:12`.
  static func uidSet(_ uids: [Int]) -> String {
    let sorted = Set(uids).sorted()
    var parts: [String] = []
    var index = 0
    while index < sorted.count {
      var end = index
      while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
      parts.append(end == index ? "\(sorted[index])" : "\(sorted[index]):\(sorted[end])")
      index = end + 1
    }
    return parts.joined(separator: ",")
  }

  /// Text safe inside an IMAP quoted string: no quote, backslash or line end.
  /// (By scalar: `\r\n` is one Character, and would pass a Character filter.)
  static func quotable(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    out.append(contentsOf: text.unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 && $0.value != 0x7F })
    return String(out)
  }

  /// EXAMINE (read-only) once per mailbox; the number of messages.
  @discardableResult
  private func examine(_ mailbox: String) throws -> Int {
    let response = try session.command("EXAMINE \(Self.quoted(mailbox))", doing: "open \(mailbox) read-only")
    examined = mailbox
    for line in response.split(whereSeparator: \.isNewline) where line.hasSuffix(" EXISTS") {
      if let count = Int(line.split(separator: " ").dropFirst().first ?? "") { return count }
    }
    return 0
  }

  /// The mailbox flagged \Sent (RFC 6154), else one of the usual names.
  private func sentMailbox() throws -> String? {
    let special = try session.command("LIST (SPECIAL-USE) \"\" \"*\"", doing: "list the mailboxes")
    let all = try session.command("LIST \"\" \"*\"", doing: "list the mailboxes")
    var names: [(name: String, flags: String)] = []
    for line in (special + "\n" + all).split(whereSeparator: \.isNewline) where line.hasPrefix("* LIST") {
      guard let close = line.firstIndex(of: ")") else { continue }
      let flags = String(line[line.startIndex..<close])
      var rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
      // The delimiter ("/" or NIL), then the name, quoted or not.
      if rest.hasPrefix("\"") {
        rest = String(rest.dropFirst().drop { $0 != "\"" }.dropFirst())
      } else {
        rest = String(rest.drop { $0 != " " })
      }
      var name = rest.trimmingCharacters(in: .whitespaces)
      if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
        name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
      }
      names.append((name, flags))
    }
    if let sent = names.first(where: { $0.flags.contains("\\Sent") }) { return sent.name }
    for candidate in ["Sent", "[Gmail]/Sent Mail", "Sent Items", "Sent Messages", "INBOX.Sent", "INBOX/Sent"] {
      if names.contains(where: { $0.name == candidate }) { return candidate }
    }
    return nil
  }

  static func quoted(_ mailbox: String) -> String {
    "\"" + mailbox.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// A message from one `* N FETCH (UID U ENVELOPE (...))` line.
  static func envelope(_ line: String) -> HistoryMessage? {
    guard line.hasPrefix("* "), let fetch = line.range(of: " FETCH (") else { return nil }
    var parser = SExpression(Substring(line[fetch.upperBound...]))
    var uid = 0
    var envelope: [SExpression.Value] = []
    while let item = parser.next() {
      guard case .atom(let name) = item else { continue }
      if name.uppercased() == "UID", case .atom(let number)? = parser.next() { uid = Int(number) ?? 0 }
      if name.uppercased() == "ENVELOPE", case .list(let fields)? = parser.next() { envelope = fields }
    }
    guard envelope.count >= 10 else { return nil }
    func text(_ value: SExpression.Value) -> String? {
      if case .string(let string) = value { return string }
      return nil
    }
    func addresses(_ value: SExpression.Value) -> [String] {
      guard case .list(let items) = value else { return [] }
      return items.compactMap { item in
        guard case .list(let parts) = item, parts.count >= 4, let mailbox = text(parts[2]), let host = text(parts[3]) else {
          return nil
        }
        let address = (mailbox + "@" + host).lowercased()
        return EmailAddress.isValid(address) ? address : nil
      }
    }
    let subject = text(envelope[1]).map { EncodedWords.decode($0) ?? $0 } ?? ""
    var message = HistoryMessage(
      messageID: HeaderValues.messageIDs(text(envelope[9])).first, from: addresses(envelope[2]).first,
      recipients: addresses(envelope[5]) + addresses(envelope[6]), subject: subject, date: HeaderValues.day(text(envelope[0])),
      answers: HeaderValues.messageIDs(text(envelope[8])), text: nil)
    message.location = ("", uid)
    return message
  }
}

/// Just enough of IMAP's response syntax for an ENVELOPE: atoms, quoted
/// strings (with `\"` and `\\`), NIL and nested lists. A literal (`{n}`)
/// reads as no value.
struct SExpression {
  indirect enum Value {
    case atom(String)
    case string(String)
    case list([Value])
    case none
  }

  var rest: Substring

  init(_ text: Substring) { rest = text }

  mutating func next() -> Value? {
    while let first = rest.first, first == " " || first == "\r" { rest = rest.dropFirst() }
    guard let first = rest.first else { return nil }
    switch first {
    case "(":
      rest = rest.dropFirst()
      var items: [Value] = []
      while true {
        while let space = rest.first, space == " " || space == "\r" { rest = rest.dropFirst() }
        if rest.first == ")" {
          rest = rest.dropFirst()
          break
        }
        guard let item = next() else { break }
        items.append(item)
      }
      return .list(items)
    case ")":
      rest = rest.dropFirst()
      return nil
    case "\"":
      rest = rest.dropFirst()
      var out = ""
      while let character = rest.first {
        rest = rest.dropFirst()
        if character == "\\", let escaped = rest.first {
          out.append(escaped)
          rest = rest.dropFirst()
        } else if character == "\"" {
          break
        } else {
          out.append(character)
        }
      }
      return .string(out)
    case "{":
      rest = rest.drop { $0 != "}" }.dropFirst()
      return Value.none
    default:
      let atom = rest.prefix { $0 != " " && $0 != "(" && $0 != ")" && $0 != "\r" }
      rest = rest.dropFirst(atom.count)
      return atom.uppercased() == "NIL" ? Value.none : .atom(String(atom))
    }
  }
}
