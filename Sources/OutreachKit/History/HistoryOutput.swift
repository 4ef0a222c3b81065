import Foundation

/// `outreach history` output: each account's history in the account file's
/// shape (YAML), or as JSON. Names and addresses are data: YAML gets them
/// single-quoted, JSON escaped.
public enum HistoryOutput {
  static func quoted(_ text: String) -> String {
    "'" + Escaping.sanitize(text).replacingOccurrences(of: "'", with: "''") + "'"
  }

  public static func yaml(_ accounts: [(name: String, file: String, entries: [HistoryEntry])]) -> String {
    var out = ""
    for (index, account) in accounts.enumerated() {
      if index > 0 { out += "\n" }
      out += "# \(Escaping.sanitize(account.name)) (\(Escaping.sanitize(account.file)))\n"
      guard !account.entries.isEmpty else {
        out += "history: []\n"
        continue
      }
      out += "history:\n"
      for entry in account.entries {
        out += "  - stage: \(entry.stage.rawValue)\n"
        if let sent = entry.sent { out += "    sent: \(sent)\n" }
        out += "    to: [\(entry.to.map(quoted).joined(separator: ", "))]\n"
        out += "    observations: [\(entry.observations.joined(separator: ", "))]\n"
        out += "    replied: \(entry.replied)\n"
      }
    }
    return out
  }

  struct AccountJSON: Encodable {
    struct Entry: Encodable {
      var stage: String
      var sent: String?
      var to: [String]
      var observations: [String]
      var replied: Bool
    }
    var account: String
    var file: String
    var history: [Entry]
  }

  public static func json(_ accounts: [(name: String, file: String, entries: [HistoryEntry])]) -> String {
    encodeJSON(
      accounts.map { account in
        AccountJSON(
          account: Escaping.sanitize(account.name), file: account.file,
          history: account.entries.map {
            .init(
              stage: $0.stage.rawValue, sent: $0.sent?.description, to: $0.to, observations: $0.observations, replied: $0.replied)
          })
      })
  }
}
