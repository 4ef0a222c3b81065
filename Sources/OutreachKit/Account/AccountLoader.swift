import Foundation

/// Reads account files (YAML or JSON), with an error naming file, line and
/// key path for anything wrong, and a warning for every unknown key.
public enum AccountLoader {
  static let productKeys = [
    "product_analytics", "session_replay", "feature_flags", "experiments", "surveys", "error_tracking",
    "group_analytics", "llm_observability", "data_warehouse", "web_analytics",
  ]
  static let productFields = [
    "enabled", "paid", "events", "insights_created", "dashboards", "recordings", "recordings_viewed", "sample_rate",
    "flags", "stale_flags", "running", "sources",
  ]

  /// What each number in an account can be, by field name; `*` for the
  /// rest. The single place numbers from data are range-checked.
  static let numberRanges: [String: ClosedRange<Double>] = [
    "factor": 0...1_000_000, "sample_rate": 0...1, "events_trend": -1...1_000_000,
    "first_bill_in_days": 0...36_500, "*": 0...1_000_000_000_000,
  ]

  /// The longest text value an account may hold, in characters.
  static let maxTextLength = 1_000
  static let maxTextBytes = 1_000

  public static func load(path: String) throws -> (Account, [Warning]) {
    let bytes = try TextFile.read(path: path, limit: 20_000_000)
    return try load(path: path, text: String(decoding: bytes, as: UTF8.self))
  }

  /// One row of an export (`AccountTable`), read as an account file is.
  public static func load(row: AccountTable.Row) throws -> (Account, [Warning]) {
    var reader = Reader(file: row.path, warnings: [])
    var account = try reader.account(YAMLValue(node: row.node, file: row.path, keyPath: "", rowLine: row.number))
    account.users += row.users
    account.file = "\(row.path):\(row.number)"
    return (account, reader.warnings)
  }

  public static func load(path: String, text: String) throws -> (Account, [Warning]) {
    var warnings: [Warning] = []
    guard let root = try YAMLValue.parse(text, file: path) else {
      throw OutreachError.account(
        path: path, line: 1, key: "account", problem: "the file is empty", fix: "add `account:` with `name:` and a `users:` list")
    }
    var reader = Reader(file: path, warnings: [])
    let account = try reader.account(root)
    warnings = reader.warnings
    return (account, warnings)
  }

  struct Reader {
    let file: String
    var warnings: [Warning]

    func fail(_ value: YAMLValue, _ problem: String, _ fix: String) -> OutreachError {
      .account(
        path: file, line: value.line, key: value.keyPath.isEmpty ? "(top level)" : value.keyPath, problem: problem, fix: fix)
    }

    mutating func mapping(_ value: YAMLValue, known: [String]) throws -> [String: YAMLValue] {
      guard let entries = value.entries else {
        throw fail(value, "must be a mapping of keys to values", "indent `key: value` lines under it")
      }
      var out: [String: YAMLValue] = [:]
      for entry in entries {
        if known.contains(entry.key) {
          out[entry.key] = entry.value
        } else {
          let hint = closest(entry.key, in: known).map { "; did you mean `\($0)`?" } ?? ""
          warnings.append(
            Warning(path: file, line: entry.keyLine, message: "unknown key `\(entry.value.keyPath)` is ignored\(hint)"))
        }
      }
      return out
    }

    func string(_ value: YAMLValue?) throws -> String? {
      guard let value, !value.isNull else { return nil }
      guard let text = value.scalarText else {
        throw fail(value, "must be text", "write it on one line, quoted if it has a colon")
      }
      // Names, titles, topics and ticket titles are short: a value of
      // megabytes is a broken export, not something to put in an email.
      if text.utf8.count > AccountLoader.maxTextBytes, text.count > AccountLoader.maxTextLength {
        throw fail(
          value,
          "is \(plainNumber(Double(text.count))) characters long, over the \(AccountLoader.maxTextLength) a value may have",
          "shorten it to a line")
      }
      return text
    }

    func int(_ value: YAMLValue?) throws -> Int? {
      guard let value, !value.isNull else { return nil }
      guard let number = value.int, !value.isQuotedString else {
        throw fail(value, "must be a whole number", "write digits only, like 6")
      }
      guard number >= 0 else { throw fail(value, "must not be negative", "write 0 or more") }
      try inRange(Double(number), value)
      return number
    }

    func double(_ value: YAMLValue?) throws -> Double? {
      guard let value, !value.isNull else { return nil }
      guard let number = value.float, number.isFinite, !value.isQuotedString else {
        throw fail(value, "must be a number", "write it like 4.2")
      }
      try inRange(number, value)
      return number
    }

    /// Every number read from account data passes here: a value outside
    /// what the field can mean (`factor: 1e19`, `sample_rate: 1e300`) is an
    /// error at its line, never an overflow further on.
    func inRange(_ number: Double, _ value: YAMLValue) throws {
      let field = String(value.keyPath.split(separator: ".").last ?? "")
      let range = AccountLoader.numberRanges[field] ?? AccountLoader.numberRanges["*"]!
      guard range.contains(number) else {
        throw fail(
          value, "\(number) is out of range",
          "write a number from \(plainNumber(range.lowerBound)) to \(plainNumber(range.upperBound))")
      }
    }

    /// An SDK version: numbers joined by dots, each within range.
    func versionText(_ value: YAMLValue?) throws -> String? {
      guard let text = try string(value) else { return nil }
      let numbers = text.trimmingCharacters(in: CharacterSet(charactersIn: "v ")).split(separator: ".").map {
        $0.prefix { $0.isNumber }
      }
      if let value, numbers.contains(where: { $0.count > 9 }) {
        throw fail(value, "`\(text.prefix(40))` has a version number out of range", "write it like 1.180.0")
      }
      return text
    }

    func bool(_ value: YAMLValue?) throws -> Bool? {
      guard let value, !value.isNull else { return nil }
      guard let flag = value.bool, !value.isQuotedString else {
        throw fail(value, "must be true or false", "write true or false")
      }
      return flag
    }

    func day(_ value: YAMLValue?) throws -> Day? {
      guard let value, !value.isNull else { return nil }
      guard let text = value.scalarText, let day = Day(text) else {
        throw fail(value, "is not a date", "write an ISO 8601 date like 2026-11-18")
      }
      return day
    }

    func strings(_ value: YAMLValue?) throws -> [String] {
      guard let value, !value.isNull else { return [] }
      guard let items = value.items else { throw fail(value, "must be a list", "write `[a, b]` or one `- item` a line") }
      return try items.map { item in
        guard let text = try string(item) else { throw fail(item, "must be text", "remove the empty entry") }
        return text
      }
    }

    /// The address, or nil with a warning when it is missing or not an
    /// address: one bad user is skipped, as a bad CSV row is, and the
    /// account goes on.
    mutating func email(_ value: YAMLValue?, user: YAMLValue) throws -> String? {
      guard let value, let text = try string(value)?.trimmingSpaces, !text.isEmpty else {
        warnings.append(Warning(path: file, line: user.line, message: "\(user.keyPath): no email; skipped the user"))
        return nil
      }
      guard EmailAddress.isValid(text) else {
        warnings.append(
          Warning(
            path: file, line: value.line,
            message:
              "\(value.keyPath): `\(text.prefix(60))` is not an email address (write it like ana@example.com); skipped the user"))
        return nil
      }
      return text
    }

    mutating func account(_ root: YAMLValue) throws -> Account {
      let top = try mapping(root, known: ["account", "kpis", "context", "products", "signals", "users", "history"])
      guard let accountValue = top["account"] else {
        throw fail(root, "missing `account`", "add `account:` with at least `name:`")
      }
      let info = try mapping(accountValue, known: ["name", "domain", "category", "archetype", "b2b"])
      guard let name = try string(info["name"])?.trimmingSpaces, !name.isEmpty else {
        throw fail(info["name"] ?? accountValue, "missing `account.name`", "add `name:` under `account:`")
      }
      var account = Account(file: file, name: name)
      account.domain = try string(info["domain"])?.lowercased()
      account.category = try string(info["category"])
      account.archetype = try string(info["archetype"])
      account.b2b = try bool(info["b2b"])
      account.kpis = try strings(top["kpis"])
      if let contextValue = top["context"], !contextValue.isNull {
        let context = try mapping(contextValue, known: ["sales_contact", "sales_topics", "open_ticket"])
        account.salesContact = try string(context["sales_contact"])
        account.salesTopics = try strings(context["sales_topics"])
        account.openTicket = try string(context["open_ticket"])
      }
      if let productsValue = top["products"], !productsValue.isNull {
        for (key, value) in try mapping(productsValue, known: AccountLoader.productKeys) {
          let fields = try mapping(value, known: AccountLoader.productFields)
          var usage = ProductUsage()
          usage.enabled = try bool(fields["enabled"])
          usage.paid = try bool(fields["paid"])
          usage.events = try int(fields["events"])
          usage.insightsCreated = try int(fields["insights_created"])
          usage.dashboards = try int(fields["dashboards"])
          usage.recordings = try int(fields["recordings"])
          usage.recordingsViewed = try int(fields["recordings_viewed"])
          usage.sampleRate = try double(fields["sample_rate"])
          usage.flags = try int(fields["flags"])
          usage.staleFlags = try int(fields["stale_flags"])
          usage.running = try int(fields["running"])
          usage.sources = try strings(fields["sources"])
          account.products[key] = usage
        }
      }
      if let signalsValue = top["signals"], !signalsValue.isNull {
        let signals = try mapping(
          signalsValue, known: ["first_bill_in_days", "billing_page_visits", "docs_topics", "event_spike", "sdk", "growth"])
        account.firstBillInDays = try int(signals["first_bill_in_days"])
        account.billingPageVisits = try int(signals["billing_page_visits"])
        account.docsTopics = try strings(signals["docs_topics"])
        if let spikeValue = signals["event_spike"], !spikeValue.isNull {
          let spike = try mapping(spikeValue, known: ["event", "factor", "on"])
          guard let event = try string(spike["event"]), let factor = try double(spike["factor"]) else {
            throw fail(spikeValue, "needs `event` and `factor`", "write `{event: \"$autocapture\", factor: 4.2, on: 2026-11-18}`")
          }
          account.eventSpike = (event, factor, try day(spike["on"]))
        }
        if let sdkValue = signals["sdk"], !sdkValue.isNull {
          let sdk = try mapping(sdkValue, known: ["name", "version", "latest"])
          guard let name = try string(sdk["name"]), let version = try versionText(sdk["version"]),
            let latest = try versionText(sdk["latest"])
          else {
            throw fail(
              sdkValue, "needs `name`, `version` and `latest`", "write `{name: posthog-js, version: 1.90.0, latest: 1.180.0}`")
          }
          account.sdk = (name, version, latest)
        }
        if let growthValue = signals["growth"], !growthValue.isNull {
          let growth = try mapping(growthValue, known: ["events_trend", "seats_added"])
          account.eventsTrend = try double(growth["events_trend"])
          account.seatsAdded = try int(growth["seats_added"])
        }
      }
      guard let usersValue = top["users"] else {
        throw fail(root, "missing `users`", "add a `users:` list with name, email and title for each person")
      }
      // `users: people.csv`: the list as a CS tool or CRM exports it.
      if usersValue.items == nil, let reference = usersValue.scalarText, !reference.isEmpty {
        account.users = try CSVUsers.load(reference, accountFile: file, line: usersValue.line, warnings: &warnings)
      }
      guard let userItems = usersValue.items ?? (account.users.isEmpty && usersValue.scalarText == nil ? nil : []) else {
        throw fail(usersValue, "must be a list or a CSV file", "write one `- name: ...` entry a person, or `users: people.csv`")
      }
      for item in userItems {
        let fields = try mapping(item, known: ["name", "email", "title", "last_active", "role"])
        guard let email = try self.email(fields["email"], user: item) else { continue }
        let name = try string(fields["name"])?.trimmingSpaces ?? ""
        var role: Role? = nil
        if let roleText = try string(fields["role"]) {
          guard let parsed = Role(rawValue: roleText.lowercased()) else {
            throw fail(
              fields["role"]!, "unknown role `\(roleText)`", "use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
            )
          }
          role = parsed
        }
        account.users.append(
          AccountUser(
            name: name, email: email, title: try string(fields["title"]), lastActive: try day(fields["last_active"]), role: role,
            line: item.line))
      }
      if let historyValue = top["history"], !historyValue.isNull {
        guard let items = historyValue.items else {
          throw fail(historyValue, "must be a list", "write one `- stage: ...` entry an email")
        }
        for item in items {
          let fields = try mapping(item, known: ["stage", "sent", "to", "observations", "replied"])
          guard let stageText = try string(fields["stage"]), let stage = Stage(rawValue: stageText) else {
            throw fail(
              fields["stage"] ?? item, "missing or unknown `stage`", "use onboarding, check-in, no-response or follow-up")
          }
          account.history.append(
            HistoryEntry(
              stage: stage, sent: try day(fields["sent"]), to: try strings(fields["to"]),
              observations: try strings(fields["observations"]),
              replied: try bool(fields["replied"]) ?? false))
        }
      }
      return account
    }
  }
}

/// 1000000000000 → "1,000,000,000,000", 0.5 → "0.5".
func plainNumber(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? Observations.grouped(Int(value)) : "\(value)"
}

/// What outreach takes as an address: a dot-atom local part (RFC 5322,
/// no leading, trailing or double dot) and a host name of two or more
/// labels of letters, digits and inner hyphens. `a..b@`, `.bo@`, `a.@`,
/// `cy@-x.io`, `a@acme-.io`, `a@acme..io` and `a@x_y.io` are not.
public enum EmailAddress {
  public static func isValid(_ text: String) -> Bool {
    let utf8 = text.utf8
    guard utf8.count <= 254 else { return false }
    guard let at = utf8.firstIndex(of: 0x40) else { return false }
    let local = utf8[utf8.startIndex..<at]
    let domain = utf8[utf8.index(after: at)...]
    guard !domain.contains(0x40), !local.isEmpty, local.count <= 64, local.first != 0x2E, local.last != 0x2E else {
      return false
    }
    var previous: UInt8 = 0
    for byte in local {
      if byte == 0x2E, previous == 0x2E { return false }
      previous = byte
      if byte >= 0x80 { continue }  // checked as scalars below
      if isAlphanumeric(byte) || "!#$%&'*+-/=?^_`{|}~.".utf8.contains(byte) { continue }
      return false
    }
    var labels = 0
    for label in domain.split(separator: 0x2E, omittingEmptySubsequences: false) {
      labels += 1
      guard !label.isEmpty, label.count <= 63, label.first != 0x2D, label.last != 0x2D else { return false }
      for byte in label where byte < 0x80 && !isAlphanumeric(byte) && byte != 0x2D { return false }
    }
    guard labels >= 2 else { return false }
    // Non-ASCII (an internationalised address): letters and digits only.
    if text.utf8.contains(where: { $0 >= 0x80 }) {
      for scalar in text.unicodeScalars where !scalar.isASCII {
        guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { return false }
      }
    }
    return true
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
  }
}
