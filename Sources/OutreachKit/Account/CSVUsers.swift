import Foundation
import SwiftCSV

/// A user list exported from a CS tool or a CRM as CSV (`users: people.csv`
/// in an account file), read with SwiftCSV.
enum CSVUsers {
  /// Column names, compared case-insensitively with `_` and `-` as spaces.
  static let nameColumns = ["name", "full name", "fullname", "contact name", "display name"]
  static let firstNameColumns = ["first name", "firstname", "given name"]
  static let lastNameColumns = ["last name", "lastname", "surname", "family name"]
  static let emailColumns = ["email", "email address", "e mail", "work email", "mail"]
  static let titleColumns = ["title", "job title", "jobtitle", "position"]
  static let roleColumns = ["role"]
  static let lastActiveColumns = [
    "last seen", "last active", "lastseen", "last activity", "last seen at", "last active at", "last login",
  ]

  /// The users of `path` (relative paths are read from the account file's
  /// folder). A bad row is a warning `FILE.csv:ROW: what is wrong`, and the
  /// row is skipped; ROW counts records, the header being row 1.
  static func load(_ reference: String, accountFile: String, line: Int, warnings: inout [Warning]) throws -> [AccountUser] {
    let folder = (accountFile as NSString).deletingLastPathComponent
    let path = reference.hasPrefix("/") || folder.isEmpty ? reference : folder + "/" + reference
    do {
      return try rows(path: path, joinColumns: [], warnings: &warnings).map(\.user)
    } catch let error as OutreachError {
      if case .account = error { throw error }
      throw OutreachError.account(
        path: accountFile, line: line, key: "users", problem: "cannot read the user list \(reference): \(error.description)",
        fix: "give a CSV path relative to the account file, or a `users:` list")
    }
  }

  /// Columns that name a user's account in a users export joined to an
  /// accounts export (`--users`).
  static let joinColumns = ["account", "account name", "company", "company name", "organization", "domain"]

  /// A users export for many accounts (`--users FILE.csv`): each user and
  /// the lowered value of its first join column that has one (account or
  /// company name, or domain).
  static func joined(path: String, warnings: inout [Warning]) throws -> [(user: AccountUser, key: String?)] {
    try rows(path: path, joinColumns: joinColumns, warnings: &warnings)
  }

  /// The users of the CSV at `path`. A bad row is a warning `FILE.csv:ROW:
  /// what is wrong`, and the row is skipped; ROW counts records, the header
  /// being row 1.
  static func rows(path: String, joinColumns: [String], warnings: inout [Warning]) throws -> [(
    user: AccountUser, key: String?
  )] {
    let bytes = try TextFile.read(path: path, limit: 50_000_000)
    var text = String(decoding: bytes, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // Excel's byte-order mark
    // A large export is cut at record boundaries and each piece parsed
    // (SwiftCSV) and read on its own core; rows keep their order and numbers.
    let separator = delimiter(text)
    let utf8 = Array(text.utf8)
    let headerEnd = recordStarts(utf8, delimiter: separator, every: 0, limit: 1).first ?? utf8.count
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let size = utf8.count - headerEnd
    let bounds =
      size > 1 << 20 && cores > 1
      ? [headerEnd] + recordStarts(utf8, delimiter: separator, every: size / (cores * 2) + 1, from: headerEnd) + [utf8.count]
      : [headerEnd, utf8.count]
    let headerText = String(decoding: utf8[..<headerEnd], as: UTF8.self)
    struct Piece: Sendable {
      var header: [String]
      var rows: [[String]]
    }
    struct Failure: Error, Sendable { var text: String }
    let parsed = ResultBox<Result<Piece, Failure>>(count: bounds.count - 1)
    DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { index in
      let piece = headerText + String(decoding: utf8[bounds[index]..<bounds[index + 1]], as: UTF8.self)
      do {
        let csv = try EnumeratedCSV(string: piece, delimiter: Self.delimiter(headerText), loadColumns: false)
        parsed.set(index, .success(Piece(header: csv.header, rows: csv.rows)))
      } catch {
        parsed.set(index, .failure(Failure(text: "\(error)")))
      }
    }
    var pieces: [Piece] = []
    for result in parsed.values {
      switch result {
      case .success(let piece): pieces.append(piece)
      case .failure(let error):
        throw OutreachError.account(
          path: path, line: 1, key: "users", problem: "the CSV does not parse (\(error.text))",
          fix: "check that every quoted field is closed")
      }
    }
    let csv = pieces[0]
    let header = csv.header.map(normalized)
    func column(_ names: [String]) -> Int? { header.firstIndex { names.contains($0) } }
    let email = column(emailColumns)
    guard let email else {
      throw OutreachError.account(
        path: path, line: 1, key: "users",
        problem: "no email column among \(csv.header.prefix(12).joined(separator: ", "))",
        fix: "name one column `email` (also read: email address, work email)")
    }
    let name = column(nameColumns)
    let first = column(firstNameColumns)
    let last = column(lastNameColumns)
    let title = column(titleColumns)
    let role = column(roleColumns)
    let lastActive = column(lastActiveColumns)
    let joins = joinColumns.compactMap { name in header.firstIndex(of: name) }
    // Each piece's first row number, then the pieces read on every core.
    var starts: [Int] = []
    var next = 2
    for piece in pieces {
      starts.append(next)
      next += piece.rows.count
    }
    let firstRows = starts
    let all = pieces
    let read = ResultBox<(users: [(user: AccountUser, key: String?)], warnings: [Warning])>(count: pieces.count)
    DispatchQueue.concurrentPerform(iterations: pieces.count) { number in
      var users: [(user: AccountUser, key: String?)] = []
      var warnings: [Warning] = []
      users.reserveCapacity(all[number].rows.count)
      for (index, row) in all[number].rows.enumerated() {
        let rowNumber = index + firstRows[number]
        func field(_ column: Int?) -> String {
          guard let column, column < row.count else { return "" }
          return row[column].trimmingSpaces
        }
        func skip(_ problem: String) {
          warnings.append(Warning(path: path, line: rowNumber, message: "\(problem); skipped the row"))
        }
        if row.allSatisfy({ $0.trimmingSpaces.isEmpty }) { continue }
        let address = field(email)
        // Bytes, not `String.contains`, which goes through NSString here.
        guard EmailAddress.isValid(address) else {
          skip(address.isEmpty ? "no email" : "`\(address)` is not an email address")
          continue
        }
        if row.contains(where: { $0.utf8.count > AccountLoader.maxTextBytes && $0.count > AccountLoader.maxTextLength }) {
          skip("a field is over the \(AccountLoader.maxTextLength) characters a value may have")
          continue
        }
        var fullName = field(name)
        if fullName.isEmpty { fullName = [field(first), field(last)].filter { !$0.isEmpty }.joined(separator: " ") }
        var userTitle = field(title)
        var override: Role? = nil
        let roleText = field(role)
        if let parsed = Role(rawValue: roleText.lowercased()) {
          override = parsed
        } else if userTitle.isEmpty {
          userTitle = roleText  // a CRM's "Role" column is often the job title
        }
        var seen: Day? = nil
        let dateText = field(lastActive)
        if !dateText.isEmpty {
          guard let day = parseDate(dateText) else {
            skip("last active `\(dateText)` is not a date (write 2026-11-20, 11/20/2026 or 2026-11-20 09:30:00)")
            continue
          }
          seen = day
        }
        let key = joins.lazy.map { field($0).lowercased() }.first { !$0.isEmpty }
        users.append(
          (
            AccountUser(
              name: fullName, email: address, title: userTitle.isEmpty ? nil : userTitle, lastActive: seen, role: override,
              line: rowNumber), key
          ))
      }
      read.set(number, (users, warnings))
    }
    var users: [(user: AccountUser, key: String?)] = []
    for piece in read.values {
      users += piece.users
      warnings += piece.warnings
    }
    return users
  }

  /// Where records start in a CSV's bytes, about every `every` bytes from
  /// `from` (the first start past each mark): a line end outside a quoted
  /// field (RFC 4180: a quote opens a field only at its start, `""` inside
  /// one is a quote).
  /// `from` is itself a record's start (or 0); at most `limit` are found.
  static func recordStarts(
    _ bytes: [UInt8], delimiter: CSVDelimiter, every: Int, from: Int = 0, limit: Int = .max
  ) -> [Int] {
    let separator = delimiter.rawValue.asciiValue ?? 0x2C
    var starts: [Int] = []
    var mark = from + every
    var inQuotes = false
    var atFieldStart = true
    var index = from
    while index < bytes.count {
      let byte = bytes[index]
      if inQuotes {
        if byte == 0x22 {
          if index + 1 < bytes.count, bytes[index + 1] == 0x22 { index += 1 } else { inQuotes = false }
        }
      } else if byte == 0x22, atFieldStart {
        inQuotes = true
        atFieldStart = false
      } else if byte == separator {
        atFieldStart = true
      } else if byte == 0x0A {
        atFieldStart = true
        if index + 1 >= mark, index + 1 < bytes.count {
          starts.append(index + 1)
          if starts.count == limit { return starts }
          mark = index + 1 + every
        }
      } else if byte != 0x0D {
        atFieldStart = false
      }
      index += 1
    }
    return starts
  }

  /// Comma, semicolon (spreadsheets in many locales) or tab: whichever the
  /// header line holds most of.
  static func delimiter(_ text: String) -> CSVDelimiter {
    var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
    for byte in text.utf8.prefix(while: { $0 != 0x0A }) where counts[byte] != nil { counts[byte]! += 1 }
    let best = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? 0x2C
    return best == 0x3B ? .semicolon : best == 0x09 ? .tab : .comma
  }

  static func normalized(_ column: String) -> String {
    column.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: " ")
      .replacingOccurrences(of: "-", with: " ")
  }

  /// ISO dates (`2026-11-20`, `2026-11-20T09:30:00Z`), `2026-11-20 09:30:00`
  /// and the US `11/20/2026`.
  static func parseDate(_ text: String) -> Day? {
    let datePart = text.utf8.prefix { $0 != 0x54 && $0 != 0x20 }
    guard datePart.contains(0x2F) else { return Day(String(decoding: datePart, as: UTF8.self)) }
    let parts = datePart.split(separator: 0x2F).map { Int(String(decoding: $0, as: UTF8.self)) }
    if parts.count == 3, let month = parts[0], let day = parts[1], let year = parts[2], year >= 1000 {
      return Day(year: year, month: month, day: day)
    }
    return nil
  }
}
