import Foundation

/// Settings from `.outreach.yml`, found from the current folder upward.
public struct Configuration: Sendable {
  public enum RuleSetting: Sendable, Equatable {
    case off
    case level(Severity)
    case levelAndMax(Severity?, Int?)
  }
  public var file: String?
  /// Use the built-in rules as a base (`default_rules: false` turns them off).
  public var defaultRules = true
  public var ruleSettings: [String: (setting: RuleSetting, line: Int)] = [:]
  public var internalDomains: [String] = ["posthog.com"]
  public var inactiveDays = 60
  public var maxRecipients = 4
  /// Where mail history is read from (`history:`, and `--history`).
  public var history: [String] = []

  public init() {}

  public static let fileName = ".outreach.yml"
  static let knownKeys = ["default_rules", "rules", "internal_domains", "inactive_days", "max_recipients", "history"]

  public static func load(path: String, warnings: inout [Warning]) throws -> Configuration {
    var configuration = Configuration()
    configuration.file = path
    let bytes = try TextFile.read(path: path, limit: 1_000_000)
    guard let root = try YAMLValue.parse(String(decoding: bytes, as: UTF8.self), file: path) else { return configuration }
    guard let entries = root.entries else {
      throw OutreachError.config(
        path: path, line: root.line, problem: "the configuration must be a YAML mapping",
        fix: "write `rules:` and other keys at the top level")
    }
    for entry in entries {
      switch entry.key {
      case "default_rules":
        guard let flag = entry.value.bool else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "`default_rules` must be true or false",
            fix: "write `default_rules: false` to use only your own Rules/")
        }
        configuration.defaultRules = flag
      case "rules":
        guard let rules = entry.value.entries else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "`rules` must map rule ids to settings",
            fix: "write `too-long: {max: 150}` or `question-count: off` under `rules:`")
        }
        for rule in rules {
          configuration.ruleSettings[rule.key] = (try setting(rule.value, path: path), rule.keyLine)
        }
      case "history":
        // One source or a list: IMAP URLs, mbox files, folders of mail.
        guard let items = entry.value.items ?? entry.value.scalarText.map({ _ in [entry.value] }) else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "`history` must be a list of sources",
            fix: "write `history: [imaps://you%40example.com@imap.gmail.com, ~/Mail/Sent.mbox]`")
        }
        configuration.history = items.compactMap { $0.scalarText }
      case "internal_domains":
        guard let items = entry.value.items else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "`internal_domains` must be a list",
            fix: "write `internal_domains: [posthog.com]`")
        }
        configuration.internalDomains = items.compactMap { $0.scalarText?.lowercased() }
      case "inactive_days", "max_recipients":
        guard let number = entry.value.int, number > 0 else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "`\(entry.key)` must be a whole number above 0",
            fix: "write `\(entry.key): 60`, say")
        }
        if entry.key == "inactive_days" {
          configuration.inactiveDays = number
        } else {
          configuration.maxRecipients = min(number, 10)
        }
      default:
        let hint = closest(entry.key, in: knownKeys).map { "; did you mean `\($0)`?" } ?? ""
        warnings.append(Warning(path: path, line: entry.keyLine, message: "unknown key `\(entry.key)` is ignored\(hint)"))
      }
    }
    return configuration
  }

  private static func setting(_ value: YAMLValue, path: String) throws -> RuleSetting {
    if let text = value.scalarText {
      if text == "off" || value.bool == false { return .off }
      if let level = Severity(rawValue: text) { return .level(level) }
      throw OutreachError.config(
        path: path, line: value.line, problem: "unknown setting `\(text)` for `\(value.keyPath)`",
        fix: "use off, error, warning, suggestion or `{level: warning, max: 150}`")
    }
    guard let entries = value.entries else {
      throw OutreachError.config(
        path: path, line: value.line, problem: "bad setting for `\(value.keyPath)`",
        fix: "use off, a level, or `{level: warning, max: 150}`")
    }
    var level: Severity? = nil
    var maximum: Int? = nil
    for entry in entries {
      switch entry.key {
      case "level":
        guard let text = entry.value.scalarText, let parsed = Severity(rawValue: text) else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "unknown level for `\(value.keyPath)`",
            fix: "use error, warning or suggestion")
        }
        level = parsed
      case "max":
        guard let number = entry.value.int, number >= 0 else {
          throw OutreachError.config(
            path: path, line: entry.value.line, problem: "`max` for `\(value.keyPath)` must be a whole number",
            fix: "write `max: 150`, say")
        }
        maximum = number
      default:
        throw OutreachError.config(
          path: path, line: entry.keyLine, problem: "unknown key `\(entry.key)` for `\(value.keyPath)`",
          fix: "use `level` or `max`")
      }
    }
    return .levelAndMax(level, maximum)
  }

  func apply(to rule: inout Rule) -> Bool {
    guard let (setting, _) = ruleSettings[rule.id] else { return true }
    switch setting {
    case .off: return false
    case .level(let level): rule.level = level
    case .levelAndMax(let level, let maximum):
      if let level { rule.level = level }
      if let maximum { rule.setMax(maximum) }
    }
    return true
  }
}

extension Rule {
  mutating func setMax(_ maximum: Int) {
    switch kind {
    case .length(let unit, _): kind = .length(unit: unit, max: maximum)
    case .occurrence(let token, _, let minimum): kind = .occurrence(token: token, max: maximum, min: minimum)
    default: break
    }
  }
}

/// Where rules and templates come from: built into the binary, a folder
/// found from the current folder upward, or folders named on the command line.
public struct RuleSet: Sendable {
  public var rules: [Rule]
  public var warnings: [Warning]
  /// Where each rule came from, for `outreach rules`.
  public var sources: [String]
  /// How emails are read (`_mail.yml`: closings, attributions).
  public var mail: MailSettings = .builtIn
  /// Rule files that did not load, when loading went on without them
  /// (`tolerateBrokenRules`): each is one error, and the run is incomplete.
  public var failures: [OutreachError] = []

  /// The built-in rule files (the package's `Rules/` folder, embedded at build time).
  public static var builtInFiles: [(path: String, contents: String)] {
    EmbeddedDefaults.files.filter {
      $0.path.hasPrefix("Rules/") && !$0.path.hasPrefix("Rules/_") && ($0.path.hasSuffix(".yml") || $0.path.hasSuffix(".yaml"))
    }
  }

  /// Finds `name` (a folder or file) in `start` or the nearest folder above it.
  public static func findUpward(_ name: String, from start: String = PathSearch.currentFolder) -> String? {
    PathSearch.upward([name], from: start)
  }

  /// Loads the rules: built-in ones unless turned off, then every folder in
  /// `folders` (a rule with the same id replaces the built-in one), then the
  /// configuration's switches and levels.
  public static func load(
    folders: [String], configuration: Configuration, useDefaults: Bool = true, tolerateBrokenRules: Bool = false,
    valeStyles: Set<String> = []
  ) throws -> RuleSet {
    var warnings: [Warning] = []
    var failures: [OutreachError] = []
    var byID: [String: Rule] = [:]
    var order: [String] = []
    var inOrder = Set<String>()
    func add(_ rule: Rule) {
      if inOrder.insert(rule.id).inserted { order.append(rule.id) }
      byID[rule.id] = rule
    }
    var sources: [String] = []
    // Each folder's rule files and their ids, listed before anything is
    // parsed: a built-in rule that a folder replaces is not parsed at all.
    var listed: [(folder: String, isFolder: Bool, files: [(path: String, id: String)])] = []
    for folder in folders {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
        throw OutreachError.notFound(path: folder)
      }
      let isFolder = isDirectory.boolValue
      let styleName = PathSearch.lastComponent(folder)
      let files = try (isFolder ? ruleFiles(in: folder) : [folder]).map { file in
        let relative =
          isFolder
          ? String(file.dropFirst(folder.count).drop { $0 == "/" })
          : String(file.split(separator: "/").last ?? Substring(file))
        // The path without its extension, `/` as `.` (no NSString on the
        // way: this runs for every rule file at every start).
        var stem = Substring(relative)
        for suffix in [".yaml", ".yml"] where stem.hasSuffix(suffix) { stem = stem.dropLast(suffix.count) }
        var id = stem.split(separator: "/", omittingEmptySubsequences: false).joined(separator: ".")
        // Vale's ids: a style folder's rules are `Style.Rule` (the folder's
        // name), a StylesPath's `Style.Rule` from its subfolders. A folder
        // named Rules is the project's own: its ids stay bare (`vibe-killer`).
        // A Vale style that happens to be named `rules` keeps its style name.
        if isFolder, !relative.contains("/"), styleName.lowercased() != "rules" || valeStyles.contains(folder) {
          id = styleName + "." + id
        }
        return (file, id)
      }
      listed.append((folder, isFolder, files))
    }
    let replaced = Set(listed.flatMap { $0.files.map(\.id) })
    var deferred: [(id: String, file: (path: String, contents: String))] = []
    func builtIn(_ id: String, _ file: (path: String, contents: String), _ warnings: inout [Warning]) throws -> Rule {
      try RuleLoader.load(
        id: id, file: "(built-in)/\(file.path)", root: EmbeddedNode.builtInDocument(file), warnings: &warnings,
        validate: false)
    }
    if useDefaults && configuration.defaultRules {
      let files = builtInFiles.map { file in
        let name = file.path.split(separator: "/").last ?? Substring(file.path)
        return (id: String(name.lastIndex(of: ".").map { name[..<$0] } ?? name), file: file)
      }
      let parsed = files.filter { !replaced.contains($0.id) }
      // In order on this thread: the built-in files come parsed, and
      // reading their trees costs less than waking other threads did.
      let loaded = parsed.map { id, file -> Result<(Rule, [Warning]), OutreachError> in
        var fileWarnings: [Warning] = []
        do {
          return .success((try builtIn(id, file, &fileWarnings), fileWarnings))
        } catch let error as OutreachError {
          return .failure(error)
        } catch {
          return .failure(.unreadable(path: file.path, reason: "\(error)"))
        }
      }
      var results = loaded.makeIterator()
      for entry in files {
        if replaced.contains(entry.id) {
          // Its place in the order is kept; it is parsed only if the folder's
          // rule turns out not to run here.
          if inOrder.insert(entry.id).inserted { order.append(entry.id) }
          deferred.append(entry)
        } else if let result = results.next() {
          let (rule, fileWarnings) = try result.get()
          warnings += fileWarnings
          add(rule)
        }
      }
      sources.append("built-in")
    }
    var mail: MailSettings? = nil
    for (folder, isFolder, files) in listed {
      // `_mail.yml` holds settings, not a rule. It is read (and its
      // patterns checked) on a core of its own, beside the rule files.
      let settings = PathSearch.joined(folder, MailSettings.fileName)
      let hasSettings = isFolder && FileManager.default.fileExists(atPath: settings)
      let mailBox = ResultBox<Result<(MailSettings, [Warning]), OutreachError>>(count: 1)
      // Rule files are read and parsed on every core; the first error in
      // file order is the one reported.
      let box = ResultBox<Result<(Rule?, [Warning]), OutreachError>>(count: files.count)
      DispatchQueue.concurrentPerform(iterations: files.count + (hasSettings ? 1 : 0)) { index in
        if index == files.count {
          do {
            let bytes = try TextFile.read(path: settings, limit: 1_000_000)
            var mailWarnings: [Warning] = []
            // A copy of the built-in file, unchanged: the built-in settings.
            let loaded =
              try MailSettings.isBuiltInText(bytes)
              ? .builtIn
              : MailSettings.load(path: settings, text: String(decoding: bytes, as: UTF8.self), warnings: &mailWarnings)
            mailBox.set(0, .success((loaded, mailWarnings)))
          } catch let error as OutreachError {
            mailBox.set(0, .failure(error))
          } catch {
            mailBox.set(0, .failure(.unreadable(path: settings, reason: "\(error)")))
          }
          return
        }
        let (file, id) = files[index]
        do {
          let bytes = try TextFile.read(path: file, limit: 5_000_000)
          var fileWarnings: [Warning] = []
          // A copy of a built-in rule file, unchanged (as in this
          // repository, or a team's that copied one), is read as the
          // built-in one is: its tree came parsed in the binary and its
          // patterns were checked by the test suite. Parsing and checking
          // it again was most of a lint of one email here.
          let rule =
            try EmbeddedNode.builtInRule(matching: bytes, file: file).map {
              try RuleLoader.load(id: id, file: file, root: $0, warnings: &fileWarnings, validate: false)
            }
            ?? RuleLoader.load(id: id, file: file, text: String(decoding: bytes, as: UTF8.self), warnings: &fileWarnings)
          box.set(index, .success((rule, fileWarnings)))
        } catch let skipped as RuleLoader.NotRunHere {
          box.set(index, .success((nil, [skipped.warning])))
        } catch let error as OutreachError {
          box.set(index, .failure(error))
        } catch {
          box.set(index, .failure(.unreadable(path: file, reason: "\(error)")))
        }
      }
      if hasSettings {
        let (loaded, mailWarnings) = try mailBox.take(0).get()
        mail = loaded
        warnings += mailWarnings
      }
      for outcome in box.values {
        switch outcome {
        case .success(let (rule, fileWarnings)):
          warnings += fileWarnings
          if let rule { add(rule) }
        case .failure(let error):
          // A file that does not load: the rest of the rules still run.
          guard tolerateBrokenRules else { throw error }
          failures.append(error)
        }
      }
      sources.append(folder)
    }
    // A built-in rule whose replacement does not run here stays.
    for (id, file) in deferred where byID[id] == nil { byID[id] = try builtIn(id, file, &warnings) }
    var rules: [Rule] = []
    for id in order {
      guard var rule = byID[id] else { continue }
      if configuration.apply(to: &rule) { rules.append(rule) }
    }
    for (id, entry) in configuration.ruleSettings where byID[id] == nil {
      let hint = closest(id, in: order).map { "; did you mean `\($0)`?" } ?? ""
      warnings.append(
        Warning(
          path: configuration.file ?? Configuration.fileName, line: entry.line, message: "no rule `\(id)` to configure\(hint)"))
    }
    return RuleSet(rules: rules, warnings: warnings, sources: sources, mail: mail ?? .builtIn, failures: failures)
  }

  static func ruleFiles(in folder: String) throws -> [String] {
    guard let files = PathSearch.ruleFiles(in: folder) else {
      throw OutreachError.unreadable(path: folder, reason: "cannot list the folder")
    }
    return files
  }
}
