import Foundation
import SwiftCSV
import Yams

/// Accounts from an export of a CS tool or a SQL query: one account a row,
/// as CSV (comma, semicolon or tab, a BOM allowed), JSON lines, a JSON
/// array of row objects, or a query result `{"columns": [...], "results":
/// [[...]]}`. Columns are the account file's key paths, written with `.` or
/// `_` and in any case (`account.name` or `name`,
/// `signals.event_spike.factor` or `event_spike_factor`); a list is
/// `;`-separated in a cell. Each row becomes the tree an account file
/// would give, read by `AccountLoader`'s own reader, so every check of an
/// account file holds for a row.
public enum AccountTable {
  /// One account's row, ready for `AccountLoader.load(row:)`.
  public struct Row: @unchecked Sendable {
    public var path: String
    /// 1-based: the header is row 1 in a CSV; the first record is row 1 in
    /// JSON lines and arrays.
    public var number: Int
    var node: Node
    /// Users joined from `--users`, added after the row is read.
    var users: [AccountUser] = []
    /// The account's name and domain, lowered, for that join.
    var joinName = ""
    var joinDomain: String? = nil
  }

  enum Kind { case text, integer, number, flag, date, list, users }

  /// Every key path a column can name, with what its cells hold.
  static let fields: [(path: String, kind: Kind)] = {
    var out: [(String, Kind)] = [
      ("account.name", .text), ("account.domain", .text), ("account.category", .text), ("account.archetype", .text),
      ("account.b2b", .flag), ("kpis", .list), ("context.sales_contact", .text), ("context.sales_topics", .list),
      ("context.open_ticket", .text), ("signals.first_bill_in_days", .integer), ("signals.billing_page_visits", .integer),
      ("signals.docs_topics", .list), ("signals.event_spike.event", .text), ("signals.event_spike.factor", .number),
      ("signals.event_spike.on", .date), ("signals.sdk.name", .text), ("signals.sdk.version", .text),
      ("signals.sdk.latest", .text), ("signals.growth.events_trend", .number), ("signals.growth.seats_added", .integer),
      ("users", .users),
    ]
    for product in AccountLoader.productKeys {
      for field in AccountLoader.productFields {
        let kind: Kind =
          field == "enabled" || field == "paid" ? .flag : field == "sample_rate" ? .number : field == "sources" ? .list : .integer
        out.append(("products.\(product).\(field)", kind))
      }
    }
    return out
  }()

  /// Column names (lowered, `.`, `-` and spaces as `_`) to key paths: the
  /// whole path, and the path without its first part where that is not
  /// ambiguous (`name`, `event_spike_factor`); `account` and `company` name
  /// the account too.
  static let aliases: [String: Int] = {
    var out: [String: Int] = [:]
    var ambiguous = Set<String>()
    for (index, field) in fields.enumerated() {
      let parts = field.path.split(separator: ".")
      out[parts.joined(separator: "_")] = index
      if parts.count > 1 {
        let short = parts.dropFirst().joined(separator: "_")
        if out[short] != nil { ambiguous.insert(short) } else { out[short] = index }
      }
    }
    for name in ambiguous where fields[out[name]!].path.split(separator: ".").count > 1 { out[name] = nil }
    let accountName = fields.firstIndex { $0.path == "account.name" }!
    for name in ["account", "company", "account_name", "company_name"] { out[name] = accountName }
    return out
  }()

  static func normalized(_ column: String) -> String {
    var out = ""
    var lastUnderscore = false
    for character in column.trimmingCharacters(in: .whitespaces).lowercased() {
      if character == "." || character == "-" || character == " " || character == "_" {
        if !lastUnderscore, !out.isEmpty { out.append("_") }
        lastUnderscore = true
      } else {
        out.append(character)
        lastUnderscore = false
      }
    }
    return lastUnderscore ? String(out.dropLast()) : out
  }

  /// Whether `path`, named on the command line, is an export rather than
  /// one account file: `.csv`, `.tsv`, `.jsonl`, or a `.json` holding an
  /// array or a query result.
  public static func isTable(_ path: String) -> Bool {
    let ext = (path as NSString).pathExtension.lowercased()
    if ["csv", "tsv", "jsonl", "ndjson"].contains(ext) { return true }
    guard ext == "json", let descriptor = try? TextFile.open(path: path) else { return false }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0 else { return false }
    var bytes = buffer[0..<count]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return false }
    if first == 0x5B { return true }
    let head = String(decoding: bytes, as: UTF8.self)
    return first == 0x7B && head.contains("\"columns\"") && head.contains("\"results\"")
  }

  /// The rows of the export at `path`, users joined from `users` (a users
  /// export with an `account`, `company` or `domain` column). Unknown
  /// columns, bad cells and rows with no account name are warnings; the
  /// rest is read.
  public static func load(path: String, users usersPath: String? = nil, warnings: inout [Warning]) throws -> [Row] {
    let records = try records(path: path)
    guard let header = records.header else { return [] }
    // Each column's field, or a warning naming the closest.
    var columnFields: [Int?] = []
    let names = Array(aliases.keys)
    for (index, column) in header.enumerated() {
      let key = normalized(column)
      if let field = aliases[key] {
        columnFields.append(field)
      } else {
        columnFields.append(nil)
        let hint = closest(key, in: names).map { "; did you mean `\($0)`?" } ?? ""
        var warning = Warning(path: path, line: 1, message: "unknown column `\(column)` is ignored\(hint)")
        warning.column = index + 1
        warnings.append(warning)
      }
    }
    // The users export is read on another core while the rows are built.
    final class Joined: @unchecked Sendable {
      var users: [String: [AccountUser]] = [:]
      var warnings: [Warning] = []
      var error: Error? = nil
    }
    let join = Joined()
    let group = DispatchGroup()
    if let usersPath {
      DispatchQueue.global().async(group: group) {
        do {
          for (user, key) in try CSVUsers.joined(path: usersPath, warnings: &join.warnings) {
            join.users[key ?? String(user.email.split(separator: "@").last ?? "").lowercased(), default: []].append(user)
          }
        } catch {
          join.error = error
        }
      }
    }
    // Rows are built on every core, in chunks; warnings keep row order.
    let list = records.rows
    let box = ResultBox<(Row?, [Warning])>(count: list.count)
    let fields = columnFields
    DispatchQueue.concurrentPerform(iterations: (list.count + 255) / 256) { chunk in
      for index in (chunk * 256)..<min(list.count, chunk * 256 + 256) {
        box.set(index, build(number: list[index].0, cells: list[index].1, header: header, columnFields: fields, path: path))
      }
    }
    group.wait()
    if let error = join.error { throw error }
    warnings += join.warnings
    let joined = join.users
    var rows: [Row] = []
    rows.reserveCapacity(list.count)
    for (row, rowWarnings) in box.values {
      warnings += rowWarnings
      guard var row else { continue }
      if !joined.isEmpty {
        row.users = joined[row.joinName] ?? row.joinDomain.flatMap { joined[$0] } ?? []
      }
      rows.append(row)
    }
    return rows
  }

  /// One record as the tree an account file would give, and its warnings;
  /// nil for a blank row or one with no account name.
  private static func build(number: Int, cells: [String?], header: [String], columnFields: [Int?], path: String) -> (
    Row?, [Warning]
  ) {
    var warnings: [Warning] = []
    let reader = AccountLoader.Reader(file: path, warnings: [])
    if cells.allSatisfy({ $0?.trimmingSpaces.isEmpty ?? true }) { return (nil, warnings) }
    // The tree an account file would give: nested mappings of scalars.
    var tree: [String: Any] = [:]
    for (index, cell) in cells.enumerated() where index < columnFields.count {
      guard let fieldIndex = columnFields[index], let text = cell?.trimmingSpaces, !text.isEmpty else { continue }
      let field = fields[fieldIndex]
      let node: Node
      switch field.kind {
      case .list:
        let items = text.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        node = .sequence(.init(items.map { .scalar(.init($0, Self.implicitTag, .singleQuoted)) }, Self.implicitTag, .block))
      case .text, .date, .users:
        node = .scalar(.init(text, Self.implicitTag, .singleQuoted))
      case .integer, .number, .flag:
        node = .scalar(.init(text, Self.implicitTag, .plain))
      }
      // The cell read as the account file's reader reads it: a bad one is
      // a warning at its row and column, and the rest of the row is used.
      let value = YAMLValue(node: node, file: path, keyPath: field.path, rowLine: number)
      do {
        switch field.kind {
        case .integer: _ = try reader.int(value)
        case .number: _ = try reader.double(value)
        case .flag: _ = try reader.bool(value)
        case .date: _ = try reader.day(value)
        case .text, .users: _ = try reader.string(value)
        case .list: _ = try reader.strings(value)
        }
      } catch {
        let problem = (error as? OutreachError)?.problemText ?? "\(error)"
        var warning = Warning(
          path: path, line: number,
          message: "column `\(header[index])`: \(problem); left it out")
        warning.column = index + 1
        warnings.append(warning)
        continue
      }
      insert(node, at: field.path.split(separator: ".").map(String.init), into: &tree)
    }
    // A spike or an SDK is read whole: a part alone is left out, said once.
    if var signals = tree["signals"] as? [String: Any] {
      for (group, needed) in [("event_spike", ["event", "factor"]), ("sdk", ["name", "version", "latest"])] {
        guard let parts = signals[group] as? [String: Any] else { continue }
        let missing = needed.filter { parts[$0] == nil }
        if !missing.isEmpty {
          warnings.append(
            Warning(
              path: path, line: number,
              message:
                "\(group) needs \(needed.map { group + "_" + $0 }.joined(separator: ", ")); without \(missing.map { group + "_" + $0 }.joined(separator: " and ")) it is left out"
            ))
          signals[group] = nil
        }
      }
      tree["signals"] = signals
    }
    let name = (tree["account"] as? [String: Any])?["name"]
    guard name != nil else {
      warnings.append(Warning(path: path, line: number, message: "no account name; skipped the row"))
      return (nil, warnings)
    }
    if tree["users"] == nil { tree["users"] = Node.sequence(.init([], Self.implicitTag, .block)) }
    var row = Row(path: path, number: number, node: node(tree))
    row.joinName = (name as? Node)?.string?.trimmingSpaces.lowercased() ?? ""
    row.joinDomain = ((tree["account"] as? [String: Any])?["domain"] as? Node)?.string?.lowercased()
    return (row, warnings)
  }

  private static func insert(_ value: Node, at path: [String], into tree: inout [String: Any]) {
    guard let first = path.first else { return }
    if path.count == 1 {
      tree[first] = value
      return
    }
    var child = tree[first] as? [String: Any] ?? [:]
    insert(value, at: Array(path.dropFirst()), into: &child)
    tree[first] = child
  }

  /// `Tag.implicit` builds a new resolver and constructor (a dictionary
  /// each) for every node; the cells share one of each (neither changes).
  private static let resolver = Resolver.default
  nonisolated(unsafe) private static let constructor = Constructor.default
  private static var implicitTag: Tag { Tag(.implicit, resolver, constructor) }

  private static func node(_ tree: [String: Any]) -> Node {
    let pairs: [(Node, Node)] = tree.keys.sorted().map { key in
      let value = tree[key]!
      let child = (value as? Node) ?? node(value as? [String: Any] ?? [:])
      return (.scalar(.init(key, Self.implicitTag, .plain)), child)
    }
    return .mapping(.init(pairs, Self.implicitTag, .block))
  }

  /// The header and the rows (with their numbers) of any of the formats.
  static func records(path: String) throws -> (header: [String]?, rows: [(Int, [String?])]) {
    let bytes = try TextFile.read(path: path, limit: 200_000_000)
    var text = String(decoding: bytes, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let ext = (path as NSString).pathExtension.lowercased()
    func fail(_ line: Int, _ problem: String, _ fix: String) -> OutreachError {
      .account(path: path, line: line, key: "(export)", problem: problem, fix: fix)
    }
    switch ext {
    case "csv", "tsv":
      let csv: EnumeratedCSV
      do {
        csv = try EnumeratedCSV(string: text, delimiter: CSVUsers.delimiter(text), loadColumns: false)
      } catch {
        throw fail(1, "the CSV does not parse (\(error))", "check that every quoted field is closed")
      }
      return (csv.header, csv.rows.enumerated().map { ($0.offset + 2, $0.element.map { Optional($0) }) })
    case "jsonl", "ndjson":
      var objects: [(Int, [String: Any])] = []
      for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = String(line).trimmingSpaces
        if trimmed.isEmpty { continue }
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
          throw fail(index + 1, "line \(index + 1) is not a JSON object", "write one {\"name\": ...} object a line")
        }
        objects.append((index + 1, object))
      }
      return table(objects)
    default:
      let parsed: Any
      do {
        parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
      } catch {
        throw fail(1, "the JSON does not parse", "export it again as a JSON array of rows, or JSON lines")
      }
      if let array = parsed as? [Any] {
        return table(
          try array.enumerated().map { index, item in
            guard let object = item as? [String: Any] else {
              throw fail(1, "item \(index + 1) of the array is not an object", "write one {\"name\": ...} object a row")
            }
            return (index + 1, object)
          })
      }
      guard let object = parsed as? [String: Any], let columns = object["columns"] as? [Any],
        let results = object["results"] as? [Any]
      else {
        throw fail(1, "not an array of rows or a query result", "give {\"columns\": [...], \"results\": [[...]]}")
      }
      // Column names, or objects with a `name` (as some query APIs give).
      let header = columns.map { ($0 as? String) ?? (($0 as? [String: Any])?["name"] as? String) ?? "\($0)" }
      let rows = try results.enumerated().map { index, item -> (Int, [String?]) in
        guard let values = item as? [Any] else {
          throw fail(1, "result \(index + 1) is not a list of values", "give one [value, ...] list a row")
        }
        return (index + 1, values.map(cellText))
      }
      return (header, rows)
    }
  }

  /// Objects as a table: the header is every key, in the order first seen.
  private static func table(_ objects: [(Int, [String: Any])]) -> (header: [String]?, rows: [(Int, [String?])]) {
    var header: [String] = []
    var seen = Set<String>()
    for (_, object) in objects {
      for key in object.keys.sorted() where seen.insert(key).inserted { header.append(key) }
    }
    return (header, objects.map { number, object in (number, header.map { object[$0].flatMap(cellText) }) })
  }

  /// A JSON value as a cell's text: numbers and booleans as written, a list
  /// `;`-joined, null as no value.
  static func cellText(_ value: Any) -> String? {
    switch value {
    case is NSNull: return nil
    case let text as String: return text
    case let number as NSNumber:
      // A JSON boolean is an NSNumber of ObjC type `c` (char).
      if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
      return number.stringValue
    case let list as [Any]: return list.compactMap(cellText).joined(separator: ";")
    default: return "\(value)"
    }
  }
}

extension OutreachError {
  /// The problem alone, for a warning that names its own place.
  var problemText: String {
    if case .account(_, _, _, let problem, let fix) = self { return "\(problem) (\(fix))" }
    return description
  }
}
