import Foundation

/// Every draft outreach hands over (printed, written with `--out`, as
/// `.eml`, appended with `--imap`), one JSON line each, so that mail history
/// can tell which email was which stage and built on which observations.
///
/// The file: `OUTREACH_LEDGER`, else `$XDG_STATE_HOME/outreach/ledger.jsonl`,
/// else `~/.local/state/outreach/ledger.jsonl`. `OUTREACH_LEDGER=off`
/// keeps none.
public struct Ledger: Sendable {
  public struct Entry: Codable, Sendable, Equatable {
    public var messageID: String
    public var account: String
    public var domain: String?
    public var stage: Stage
    public var to: [String]
    public var subject: String
    public var observations: [String]
    public var date: String
    public var destination: String

    enum CodingKeys: String, CodingKey {
      case messageID = "message_id"
      case account, domain, stage, to, subject, observations, date, destination
    }
  }

  /// Nil when the ledger is off.
  public let path: String?

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    if let explicit = environment["OUTREACH_LEDGER"] {
      path = explicit == "off" || explicit.isEmpty ? nil : explicit
    } else if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
      path = state + "/outreach/ledger.jsonl"
    } else if let home = environment["HOME"], !home.isEmpty {
      path = home + "/.local/state/outreach/ledger.jsonl"
    } else {
      path = nil
    }
  }

  public init(path: String?) { self.path = path }

  /// Appends `entries` under an exclusive lock, one line each. A ledger
  /// that cannot be written is a warning, never a lost draft.
  public func record(_ entries: [Entry]) -> Warning? {
    guard let path, !entries.isEmpty else { return nil }
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      return Warning(
        path: path, line: 1,
        message:
          "the draft ledger cannot be written (\(String(cString: strerror(errno)))); mail history will not know these drafts")
    }
    defer { close(descriptor) }
    flock(descriptor, LOCK_EX)
    defer { flock(descriptor, LOCK_UN) }
    var data: [UInt8] = []
    for entry in entries { entry.appendLine(to: &data) }
    _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    return nil
  }

  /// Every entry; a line that does not read is passed over.
  public func entries() -> [Entry] {
    guard let path, let bytes = try? TextFile.read(path: path, limit: 500_000_000) else { return [] }
    let decoder = JSONDecoder()
    return bytes.split(separator: 0x0A).compactMap { try? decoder.decode(Entry.self, from: Data($0)) }
  }
}

extension Ledger.Entry {
  /// The entry as one JSON line, keys sorted, as `JSONEncoder` writes it
  /// (and `entries()` reads it back); written by hand, since JSONEncoder
  /// took 0.3-0.7 s for the 10,000 drafts of an export.
  func appendLine(to out: inout [UInt8]) {
    func string(_ text: String) {
      out.append(0x22)
      for byte in text.utf8 {
        switch byte {
        case 0x22: out += [0x5C, 0x22]
        case 0x5C: out += [0x5C, 0x5C]
        case 0x0A: out += [0x5C, 0x6E]
        case 0x0D: out += [0x5C, 0x72]
        case 0x09: out += [0x5C, 0x74]
        case 0x08: out += [0x5C, 0x62]
        case 0x0C: out += [0x5C, 0x66]
        case 0..<0x20:
          let hex = Array("0123456789abcdef".utf8)
          out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        default: out.append(byte)
        }
      }
      out.append(0x22)
    }
    func key(_ name: String, first: Bool = false) {
      if !first { out.append(0x2C) }
      string(name)
      out.append(0x3A)
    }
    func list(_ items: [String]) {
      out.append(0x5B)
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(0x2C) }
        string(item)
      }
      out.append(0x5D)
    }
    out.append(0x7B)
    key("account", first: true)
    string(account)
    key("date")
    string(date)
    key("destination")
    string(destination)
    if let domain {
      key("domain")
      string(domain)
    }
    key("message_id")
    string(messageID)
    key("observations")
    list(observations)
    key("stage")
    string(stage.rawValue)
    key("subject")
    string(subject)
    key("to")
    list(to)
    out += [0x7D, 0x0A]
  }

  /// The entry for a draft handed over on `today`.
  public init(_ draft: Draft, messageID: String, today: Day, destination: String) {
    self.init(
      messageID: messageID, account: draft.account, domain: draft.domain, stage: draft.stage,
      to: draft.to.map { $0.email.lowercased() }, subject: draft.subject, observations: draft.observations,
      date: today.description, destination: destination)
  }
}
