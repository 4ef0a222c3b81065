import Foundation
import Testing

@testable import OutreachKit

/// Accounts from an export (issue 19): one account a row, from a CS tool or
/// a SQL query, in each format; users joined from a users export.
@Suite struct AccountExportTests {
  static let header = [
    "Account Name", "domain", "signals.first_bill_in_days", "EVENT_SPIKE_FACTOR", "event_spike_event", "docs_topics",
    "feature_flags_stale_flags", "b2b",
  ]
  static let rows: [[String]] = [
    ["Lingo Labs", "lingolabs.app", "6", "4.2", "$autocapture", "local evaluation;cohorts", "12", "false"],
    ["Orbit CRM", "orbitcrm.io", "", "", "", "", "3", "true"],
  ]

  func write(_ text: String, _ name: String, bom: Bool = false) throws -> String {
    let path = makeTemporaryFolder("export") + "/" + name
    try Data(((bom ? "\u{FEFF}" : "") + text).utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  func quoted(_ cell: String) -> String { "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

  func json(_ value: String) -> String {
    if value.isEmpty { return "null" }
    if Double(value) != nil || value == "true" || value == "false" { return value }
    return "\"" + value + "\""
  }

  /// The same two accounts from every format a CS tool or a query gives.
  @Test(arguments: ["comma", "semicolon", "tab", "jsonl", "array", "query"])
  func everyFormatGivesTheSameAccounts(format: String) throws {
    let path: String
    switch format {
    case "comma", "semicolon", "tab":
      let separator = format == "comma" ? "," : format == "semicolon" ? ";" : "\t"
      let lines = [Self.header] + Self.rows
      let text = lines.map { $0.map(quoted).joined(separator: separator) }.joined(separator: "\r\n") + "\r\n"
      path = try write(text, format == "tab" ? "accounts.tsv" : "accounts.csv", bom: true)
    case "jsonl":
      let text = Self.rows.map { row in
        "{" + zip(Self.header, row).map { "\"\($0)\": \(json($1))" }.joined(separator: ", ") + "}"
      }.joined(separator: "\n")
      path = try write(text + "\n", "accounts.jsonl")
    case "array":
      let objects = Self.rows.map { row in
        "{" + zip(Self.header, row).map { "\"\($0)\": \(json($1))" }.joined(separator: ", ") + "}"
      }
      path = try write("[" + objects.joined(separator: ",\n") + "]", "accounts.json")
    default:
      let columns = Self.header.map { "\"\($0)\"" }.joined(separator: ", ")
      let results = Self.rows.map { "[" + $0.map(json).joined(separator: ", ") + "]" }.joined(separator: ", ")
      path = try write("{\"columns\": [\(columns)], \"results\": [\(results)]}", "query.json")
    }
    #expect(AccountTable.isTable(path))
    var warnings: [Warning] = []
    let accounts = try AccountTable.load(path: path, warnings: &warnings).map { try AccountLoader.load(row: $0).0 }
    #expect(warnings.isEmpty, "\(warnings)")
    #expect(accounts.map(\.name) == ["Lingo Labs", "Orbit CRM"])
    #expect(accounts.first?.firstBillInDays == 6 && accounts.first?.eventSpike?.factor == 4.2)
    #expect(accounts.first?.eventSpike?.event == "$autocapture")
    #expect(accounts.first?.docsTopics == ["local evaluation", "cohorts"])
    #expect(accounts.map { $0.products["feature_flags"]?.staleFlags } == [12, 3])
    #expect(accounts.map(\.b2b) == [false, true])
    #expect(accounts.last?.firstBillInDays == nil && accounts.last?.eventSpike == nil, "an empty cell is no value")
  }

  /// Unknown columns name the closest key; a bad cell is a FILE:ROW:COLUMN
  /// warning and the rest of its row is read; a row with no account name
  /// is skipped with a warning.
  @Test func badColumnsCellsAndRowsAreWarnings() throws {
    let path = try write(
      "name,first_bil_in_days,billing_page_visits,event_spike_factor\nLingo Labs,6,many,4.2\n,3,4,1.0\nOrbit CRM,1e30,2,x\n",
      "accounts.csv")
    var warnings: [Warning] = []
    let rows = try AccountTable.load(path: path, warnings: &warnings)
    let text = warnings.map(\.description)
    #expect(
      text.contains {
        $0.hasPrefix(path + ":1:2: warning: unknown column `first_bil_in_days`") && $0.contains("first_bill_in_days")
      },
      "\(text)")
    #expect(text.contains { $0.hasPrefix(path + ":2:3: warning: column `billing_page_visits`") }, "\(text)")
    #expect(text.contains { $0.hasPrefix(path + ":3: warning: no account name; skipped the row") }, "\(text)")
    #expect(text.contains { $0.hasPrefix(path + ":4:4: warning: column `event_spike_factor`") }, "\(text)")
    let accounts = try rows.map { try AccountLoader.load(row: $0).0 }
    #expect(accounts.map(\.name) == ["Lingo Labs", "Orbit CRM"])
    #expect(accounts[0].eventSpike == nil, "a spike needs its event; the factor alone is left out by the reader")
    #expect(accounts[0].billingPageVisits == nil)
  }

  /// Users from a users export joined by account, company or domain, or
  /// from a `users` column naming a CSV file beside the export.
  @Test func usersAreJoinedFromAnExport() throws {
    let folder = makeTemporaryFolder("export-users")
    try "name,domain,users\nLingo Labs,lingolabs.app,\nOrbit CRM,orbitcrm.io,orbit-people.csv\nPixel Forge,pixelforge.dev,\n"
      .write(
        toFile: folder + "/accounts.csv", atomically: true, encoding: .utf8)
    try "company,name,email,title\nLingo Labs,Ana Ruiz,ana@lingolabs.app,Head of Product\n,Dev Null,dev@pixelforge.dev,CTO\n"
      .write(toFile: folder + "/users.csv", atomically: true, encoding: .utf8)
    try "name,email,title\nBo Li,bo@orbitcrm.io,CTO\n".write(
      toFile: folder + "/orbit-people.csv", atomically: true, encoding: .utf8)
    var warnings: [Warning] = []
    let accounts = try AccountTable.load(path: folder + "/accounts.csv", users: folder + "/users.csv", warnings: &warnings)
      .map { try AccountLoader.load(row: $0).0 }
    #expect(accounts.map { $0.users.map(\.email) } == [["ana@lingolabs.app"], ["bo@orbitcrm.io"], ["dev@pixelforge.dev"]])
  }

  /// End to end: `draft` on an export writes one file an account, names
  /// distinct even when two rows share an account name.
  @Test func draftingAnExportWritesOneFileAnAccount() throws {
    let folder = makeTemporaryFolder("export-draft")
    try "name,domain,first_bill_in_days\nLingo Labs,lingolabs.app,6\nLingo Labs,lingolabs.io,9\n".write(
      toFile: folder + "/accounts.csv", atomically: true, encoding: .utf8)
    try
      "account,name,email,title\nLingo Labs,Ana Ruiz,ana@lingolabs.app,Head of Product\nlingolabs.io,Bo Li,bo@lingolabs.io,CTO\n"
      .write(toFile: folder + "/users.csv", atomically: true, encoding: .utf8)
    let result = try runOutreach(
      ["draft", folder + "/accounts.csv", "--users", folder + "/users.csv", "--out", folder + "/drafts", "--today", "2026-11-30"])
    let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/drafts").filter { !$0.hasPrefix(".") }
    #expect(files.count == 2, "\(files) \(result.stderr)")
    #expect(Set(files).count == 2)
  }

  /// 10,000 rows are read (the bench times them with a 100,000-row users
  /// export).
  @Test func tenThousandRows() throws {
    var text = "name,domain,first_bill_in_days,feature_flags_stale_flags\n"
    for index in 0..<10_000 { text += "Account \(index),a\(index).example,\(index % 30),\(index % 7)\n" }
    let path = try write(text, "big.csv")
    var warnings: [Warning] = []
    let rows = try AccountTable.load(path: path, warnings: &warnings)
    #expect(rows.count == 10_000 && warnings.isEmpty)
    #expect(try AccountLoader.load(row: rows[9_999]).0.name == "Account 9999")
  }

  /// The bundled sample export drafts cleanly.
  @Test func theSampleExportDrafts() throws {
    let result = try runOutreach(
      [
        "draft", packageRoot + "/Templates/accounts/export.csv", "--users", packageRoot + "/Templates/accounts/export-users.csv",
        "--today", "2026-11-30",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("3 drafts for 3 accounts"), "\(result.stderr)")
  }

  /// A users export over a megabyte is cut into pieces parsed on every
  /// core: quoted fields with commas, quotes and line ends that straddle a
  /// cut stay whole, rows stay in order, and warnings keep their row.
  @Test func largeUsersExportReadInPieces() throws {
    var text = "name,title,email,last_active\n"
    for index in 0..<30_000 {
      let email = index == 25_000 ? "not-an-address" : "p\(index)@x.io"
      text += "\"Ruiz, \"\"\(index)\"\"\",\"Head of\nProduct \(index)\",\(email),2026-11-20\n"
    }
    let path = makeTemporaryFolder("users-pieces") + "/users.csv"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(text.utf8.count > 1 << 20)
    var warnings: [Warning] = []
    let users = try CSVUsers.rows(path: path, joinColumns: [], warnings: &warnings)
    #expect(users.count == 29_999)
    #expect(warnings.map(\.line) == [25_002])
    for (position, index) in (0..<30_000).filter({ $0 != 25_000 }).enumerated() where index % 997 == 0 || index > 24_990 {
      let user = users[position].user
      #expect(user.email == "p\(index)@x.io")
      #expect(user.name == "Ruiz, \"\(index)\"")
      #expect(user.title == "Head of\nProduct \(index)")
      #expect(user.line == index + 2)
    }
  }
}
