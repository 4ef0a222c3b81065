import Foundation
import Yams

/// Something worth telling the user that does not stop the run.
public struct Warning: Sendable, CustomStringConvertible, Equatable {
  public var path: String
  public var line: Int
  public var message: String
  /// The 1-based column, for a cell of a table (`FILE:ROW:COLUMN`).
  public var column: Int? = nil
  public var description: String {
    column.map { "\(path):\(line):\($0): warning: \(message)" } ?? "\(path):\(line): warning: \(message)"
  }
}

/// Reads rule files: Vale's schema for `existence`, `substitution`,
/// `occurrence` and `repetition`, and outreach's own kinds `subject`,
/// `length` and `divider`.
public enum RuleLoader {
  static let commonKeys: Set<String> = [
    "extends", "message", "description", "level", "scope", "link", "ignorecase", "nonword", "examples",
    // Vale keys read elsewhere or without effect here.
    "action", "vocab", "code", "limit",
  ]
  static let kindKeys: [String: Set<String>] = [
    "existence": ["tokens", "raw", "append", "exceptions", "group"],
    "substitution": ["swap", "exceptions", "append", "capitalize"],
    "occurrence": ["token", "max", "min"],
    "repetition": ["tokens", "alpha", "max", "exceptions"],
    "subject": ["generic", "prefixes", "missing_message", "patterns"],
    "length": ["unit", "max"],
    "divider": [],
    "consistency": ["either"],
    "conditional": ["first", "second", "exceptions"],
    "readability": ["metrics", "grade"],
    "spelling": ["dictionaries", "dicpath", "ignore", "filters", "custom", "append"],
    "capitalization": ["match", "style", "indicators", "exceptions", "threshold", "prefix"],
    "metric": ["formula", "condition"],
  ]

  /// Vale kinds that load without error but do not run here: a warning
  /// naming the file and kind, and every other rule still runs.
  // Arrays, not sets, here and below where a start reads them: the first
  // `Set` of a type costs the runtime a scan of every conformance record.
  static let notRunHere: [String] = [
    "sequence", "script",
  ]

  /// Thrown for a rule of a kind in `notRunHere`.
  public struct NotRunHere: Error {
    public var warning: Warning
  }

  /// Loads one rule file. `id` is the rule's id (its file name, or
  /// `Style.Name` for a Vale style folder).
  /// - Parameter validate: compile every pattern to check it (off for the
  ///   built-in rules, which `swift test` checks, so that start-up is fast).
  public static func load(id: String, file: String, text: String, warnings: inout [Warning], validate: Bool = true) throws
    -> Rule
  {
    try load(id: id, file: file, root: YAMLValue.parse(text, file: file), warnings: &warnings, validate: validate)
  }

  /// Loads one rule from its parsed file (a built-in one comes parsed).
  static func load(id: String, file: String, root: YAMLValue?, warnings: inout [Warning], validate: Bool = true) throws
    -> Rule
  {
    guard let root, let entries = root.entries else {
      throw OutreachError.rule(
        path: file, line: 1, problem: "a rule file must be a YAML mapping",
        fix: "start it with `extends: existence` (or another kind) and `message:`")
    }
    func fail(_ value: YAMLValue?, _ problem: String, _ fix: String) -> OutreachError {
      .rule(path: file, line: value?.line ?? root.line, problem: problem, fix: fix)
    }
    guard let extendsValue = root["extends"], let kindName = extendsValue.scalarText else {
      throw fail(nil, "missing `extends`", "add `extends:` with one of \(kindKeys.keys.sorted().joined(separator: ", "))")
    }
    if notRunHere.contains(kindName) {
      throw NotRunHere(
        warning: Warning(
          path: file, line: extendsValue.line,
          message: "`extends: \(kindName)` is a Vale kind outreach does not run; the rule is skipped, the others run"))
    }
    guard let allowed = kindKeys[kindName] else {
      let hint = closest(kindName, in: Array(kindKeys.keys)).map { " (did you mean `\($0)`?)" } ?? ""
      throw fail(
        extendsValue, "unknown kind `extends: \(kindName)`\(hint)", "use one of \(kindKeys.keys.sorted().joined(separator: ", "))"
      )
    }
    let known = commonKeys.union(allowed)
    for entry in entries where !known.contains(entry.key) {
      let hint = closest(entry.key, in: Array(known)).map { "; did you mean `\($0)`?" } ?? ""
      warnings.append(
        Warning(
          path: file, line: entry.keyLine, message: "unknown key `\(entry.key)` for `extends: \(kindName)` is ignored\(hint)"))
    }

    func string(_ key: String) throws -> String? {
      guard let value = root[key] else { return nil }
      guard let text = value.scalarText else { throw fail(value, "`\(key)` must be text", "quote it") }
      return text
    }
    func bool(_ key: String) throws -> Bool {
      guard let value = root[key] else { return false }
      guard let flag = value.bool else {
        throw fail(value, "`\(key)` must be true or false", "write `\(key): true` or `\(key): false`")
      }
      return flag
    }
    func int(_ key: String) throws -> Int? {
      guard let value = root[key] else { return nil }
      guard let number = value.int, number >= 0 else {
        throw fail(value, "`\(key)` must be a whole number", "write for example `\(key): 3`")
      }
      return number
    }
    func strings(_ key: String) throws -> [(String, Int)] {
      guard let value = root[key] else { return [] }
      if let single = value.scalarText, !value.isNull { return [(single, value.line)] }
      guard let items = value.items else {
        throw fail(value, "`\(key)` must be a list", "write one entry a line, each starting with `- `")
      }
      return try items.map { item in
        guard let text = item.scalarText else { throw fail(item, "each entry of `\(key)` must be text", "quote it") }
        return (text, item.line)
      }
    }

    let ignorecase = try bool("ignorecase")
    let nonword = try bool("nonword")
    let raw = try strings("raw").map(\.0)
    let append = try bool("append")
    var levelValue = Severity.warning
    if let level = try string("level") {
      guard let parsed = Severity(rawValue: level) else {
        throw fail(root["level"], "unknown level `\(level)`", "use error, warning or suggestion")
      }
      levelValue = parsed
    }
    var scopes: [Scope] = []
    var countPer = Rule.CountUnit.email
    var rawScope = false
    // Vale's scope selectors: each entry one selector (any may hold), its
    // `&` parts all holding, `~` negating one (internal/check/scope.go).
    var selectors: [ScopeSelector] = []
    var needsSelectors = false
    for (name, line) in try strings("scope") {
      if name == "raw" { rawScope = true }
      if name == "sentence" { countPer = .sentence } else if name == "paragraph", countPer == .email { countPer = .paragraph }
      var terms: [ScopeSelector.Term] = []
      for rawPart in name.split(separator: "&") {
        var part = Substring(rawPart.trimmingWhitespace())
        var negated = false
        if part.hasPrefix("~") {
          negated = true
          part = part.dropFirst()
        }
        var pieces = part.split(separator: ".")
        // Vale's table parts (`table.cell`): one scope of two pieces.
        if pieces.count > 1, pieces[0] == "table", let whole = Scope(rawValue: "table." + pieces[1]) {
          pieces.replaceSubrange(0...1, with: [Substring(whole.rawValue)])
        }
        let base = pieces.first.map(String.init) ?? ""
        var level: Int? = nil
        if base == "heading", pieces.count > 1, pieces[1].hasPrefix("h"), let number = Int(pieces[1].dropFirst()),
          (1...6).contains(number)
        {
          level = number
        }
        // Vale's format-specific scopes (`paragraph.rst`, `text.md`): only
        // Markdown and plain text are linted here, so a scope for another
        // format reads nothing.
        let format = pieces.count > 1 && level == nil ? pieces.last.map { $0.lowercased() } : nil
        let otherFormat = format.map { !["md", "markdown", "txt", "text"].contains($0) } ?? false
        let scope: Scope?
        switch base {
        case _ where otherFormat: scope = nil
        // `summary` and `raw` read the same prose here as `text`.
        case "summary", "raw": scope = .text
        case "blockquote": scope = .quote
        // Vale scopes an email has none of: titles, and figures' captions
        // (a figure is skipped, as in Vale). They match nothing here.
        case "title", "figure": scope = nil
        default:
          guard let known = Scope(rawValue: base) else {
            throw OutreachError.rule(
              path: file, line: line, problem: "unknown scope `\(name)`",
              fix:
                "use one of \(Scope.allCases.map(\.rawValue).joined(separator: ", ")), or Vale's (heading.h2, ~blockquote)"
            )
          }
          scope = known
        }
        if negated || level != nil || scope == nil { needsSelectors = true }
        terms.append(ScopeSelector.Term(scope: scope, level: level, negated: negated))
        if !negated, let scope, !scopes.contains(scope) { scopes.append(scope) }
      }
      if terms.count > 1 { needsSelectors = true }
      selectors.append(ScopeSelector(terms: terms))
    }
    if scopes.isEmpty, !needsSelectors { scopes = [.text] }
    // Vale checks each block of a heading, list, quote, alt or table scope on its own.
    if countPer == .email,
      scopes.contains(where: { [.heading, .list, .quote, .alt, .table, .tableHeader, .tableCell, .tableCaption].contains($0) })
    {
      countPer = .block
    }

    // Patterns are RE2 (Go's syntax, as Vale's): linear time, so a pattern
    // RE2 rejects, such as a backreference or a lookaround, is an error.
    func checkRegex(_ pattern: String, line: Int) throws {
      if !validate || Matching.literal(pattern) != nil { return }
      do {
        _ = try RE2Regex(pattern)
      } catch let error as RE2Error {
        throw OutreachError.rule(
          path: file, line: line, problem: "invalid regular expression `\(pattern)` (\(error.reason))",
          fix: "use Go's syntax, as Vale does (a lookaround or a backreference runs on PCRE2's): escape special characters")
      }
    }

    let kind: Rule.Kind
    switch kindName {
    case "existence":
      let tokens = try strings("tokens")
      for (token, line) in tokens { try checkRegex(token, line: line) }
      if validate, !raw.isEmpty {
        do { _ = try RE2Regex(raw.joined()) } catch let error as RE2Error {
          throw fail(
            root["raw"], "invalid regular expression in `raw` (\(error.reason))",
            "use Go's syntax, as Vale does (a lookaround or a backreference runs on PCRE2's): escape special characters")
        }
      }
      if tokens.isEmpty && raw.isEmpty {
        throw fail(nil, "an existence rule needs `tokens` or `raw`", "list the phrases under `tokens:`")
      }
      kind = .existence(tokens: tokens.map(\.0))
    case "substitution":
      guard let swapValue = root["swap"], let pairs = swapValue.entries, !pairs.isEmpty else {
        throw fail(root["swap"], "a substitution rule needs a `swap` mapping", "write `swap:` with `phrase: replacement` lines")
      }
      var swap: [(String, String)] = []
      for pair in pairs {
        try checkRegex(pair.key, line: pair.keyLine)
        guard let replacement = pair.value.scalarText else {
          throw fail(pair.value, "the replacement for `\(pair.key)` must be text", "quote it")
        }
        swap.append((pair.key, replacement))
      }
      kind = .substitution(swap: swap)
    case "occurrence":
      guard let token = try string("token") else {
        throw fail(nil, "an occurrence rule needs `token`", "add `token:` with the pattern to count")
      }
      try checkRegex(token, line: root["token"]?.line ?? 1)
      let maximum = try int("max")
      let minimum = try int("min")
      if maximum == nil && minimum == nil { throw fail(nil, "an occurrence rule needs `max` or `min`", "add `max: 1`, say") }
      kind = .occurrence(token: token, max: maximum, min: minimum)
    case "repetition":
      let tokens = try strings("tokens")
      for (token, line) in tokens { try checkRegex(token, line: line) }
      kind = .repetition(alpha: try bool("alpha"), tokens: tokens.map(\.0), max: try int("max") ?? 0)
    case "subject":
      let patterns = try strings("patterns")
      for (pattern, line) in patterns { try checkRegex(pattern, line: line) }
      kind = .subject(
        generic: try strings("generic").map(\.0), prefixes: try strings("prefixes").map(\.0),
        missingMessage: try string("missing_message"), patterns: patterns.map(\.0))
    case "length":
      let unitName = try string("unit") ?? "words"
      guard let unit = Rule.LengthUnit(rawValue: unitName) else {
        throw fail(root["unit"], "unknown unit `\(unitName)`", "use words or characters")
      }
      guard let maximum = try int("max") else { throw fail(nil, "a length rule needs `max`", "add `max: 125`, say") }
      kind = .length(unit: unit, max: maximum)
    case "consistency":
      guard let either = root["either"], let pairs = either.entries, !pairs.isEmpty else {
        throw fail(root["either"], "a consistency rule needs an `either` mapping", "write `either:` with `spelling: other` lines")
      }
      var list: [(String, String)] = []
      for pair in pairs {
        guard let other = pair.value.scalarText else {
          throw fail(pair.value, "the other spelling of `\(pair.key)` must be text", "quote it")
        }
        try checkRegex(pair.key, line: pair.keyLine)
        try checkRegex(other, line: pair.value.line)
        list.append((pair.key, other))
      }
      kind = .consistency(pairs: list)
    case "conditional":
      guard let first = try string("first"), let second = try string("second") else {
        throw fail(nil, "a conditional rule needs `first` and `second`", "add both patterns, each with one capture group")
      }
      try checkRegex(first, line: root["first"]?.line ?? 1)
      try checkRegex(second, line: root["second"]?.line ?? 1)
      kind = .conditional(first: first, second: second)
    case "readability":
      let metrics = try strings("metrics")
      for (metric, line) in metrics where !Readability.metrics.contains(metric) {
        throw OutreachError.rule(
          path: file, line: line, problem: "unknown metric `\(metric)`",
          fix: "use \(Readability.metrics.joined(separator: ", "))")
      }
      guard let grade = root["grade"]?.float else {
        throw fail(root["grade"], "a readability rule needs a numeric `grade`", "add `grade: 8`, say")
      }
      if metrics.isEmpty { throw fail(nil, "a readability rule needs `metrics`", "list one or more, like `- Flesch-Kincaid`") }
      kind = .readability(metrics: metrics.map(\.0), grade: grade)
    case "metric":
      guard let formulaText = try string("formula"), let condition = try string("condition") else {
        throw fail(nil, "a metric rule needs `formula` and `condition`", "add `condition: \"> 8\"`, say")
      }
      let formula: MetricFormula
      do { formula = try MetricFormula(formulaText) } catch let error as MetricError {
        throw fail(
          root["formula"], "the formula does not read: \(error.reason)", "write it with numbers, variables, + - * / and ( )")
      }
      let parts = condition.trimmingWhitespace()
      let comparison = [">=", "<=", "==", ">", "<"].first { parts.hasPrefix($0) }
      guard let comparison, let threshold = Double(parts.dropFirst(comparison.count).trimmingWhitespace())
      else {
        throw fail(root["condition"], "`condition` must be a comparison and a number", "write `condition: \"> 8\"`")
      }
      kind = .metric(formula: formula, comparison: comparison, threshold: threshold)
    case "capitalization":
      guard let match = try string("match") else {
        throw fail(nil, "a capitalization rule needs `match`", "use $title, $sentence, $lower, $upper or a pattern")
      }
      if !match.hasPrefix("$") { try checkRegex(match, line: root["match"]?.line ?? 1) }
      var spec = CapitalizationSpec(match: match)
      // As Vale: Chicago when asked, AP otherwise; no indicators unless given.
      spec.style = try string("style") == "Chicago" ? .chicago : .ap
      if root["indicators"] != nil { spec.indicators = try strings("indicators").map(\.0) }
      if let value = root["threshold"] {
        guard let threshold = value.float, threshold >= 0, threshold <= 1 else {
          throw fail(value, "`threshold` must be a number from 0 to 1", "write `threshold: 0.8` (Vale's default)")
        }
        // Vale reads 0 as "not set": the rule would never fire otherwise.
        if threshold > 0 { spec.threshold = threshold }
      }
      if let prefix = try string("prefix") {
        try checkRegex(prefix, line: root["prefix"]?.line ?? 1)
        spec.prefix = prefix
      }
      kind = .capitalization(spec)
    case "spelling":
      let folder = (file as NSString).deletingLastPathComponent
      let dictionaries = try strings("dictionaries").map(\.0)
      var folders = SpellChecker.systemFolders
      // A Vale style's rule sits in StylesPath/Style/: Vale reads `dicpath`
      // and `ignore` relative to the StylesPath (then the current folder);
      // outreach's own rules give them relative to the rule file.
      let stylesPath = (folder as NSString).deletingLastPathComponent
      func located(_ name: String, under roots: [String]) -> [String] {
        name.hasPrefix("/") ? [name] : roots.map { ($0.isEmpty ? "." : $0) + "/" + name }
      }
      if let dicpath = try string("dicpath") {
        let candidates = located(dicpath, under: [folder, stylesPath, FileManager.default.currentDirectoryPath])
        var isFolder: ObjCBool = false
        let found = candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && isFolder.boolValue }
        folders.insert(found ?? candidates[0], at: 0)
      }
      // As Vale: no `dictionaries` means Vale's own word list, and
      // `append: true` adds it to those named.
      var names = dictionaries.isEmpty ? [SpellChecker.builtInName] : dictionaries
      if try bool("append") == true, !names.contains(SpellChecker.builtInName) { names.append(SpellChecker.builtInName) }
      if validate {
        guard SpellChecker.available else {
          throw fail(
            root["extends"], "a spelling rule needs Hunspell, which is not installed",
            "install it: sudo apt-get install libhunspell-1.7-0 hunspell-en-us")
        }
        for name in names {
          if let files = SpellChecker.find(name, in: folders), let problem = SpellChecker.problem(aff: files.aff, dic: files.dic)
          {
            throw fail(
              root["dictionaries"] ?? root["extends"], "dictionary `\(name)`: \(problem)",
              "replace it with a working .aff/.dic pair")
          }
        }
        for name in names where SpellChecker.find(name, in: folders) == nil {
          throw fail(
            root["dictionaries"] ?? root["extends"],
            "no dictionary `\(name)` (\(name).aff and \(name).dic) in \(folders.joined(separator: ", "))",
            "set `dicpath:` to the folder that holds it, or install hunspell-en-us")
        }
      }
      // `ignore` lists files of words (one a line), relative to the rule.
      var ignored: [String] = []
      for (name, line) in try strings("ignore") {
        let candidates = located(name, under: [folder, stylesPath, stylesPath + "/config/ignore"])
        let path = candidates.first { FileManager.default.isReadableFile(atPath: $0) } ?? candidates[0]
        let text: String
        do { text = try TextFile.readText(path: path, limit: 50_000_000) } catch let error as OutreachError {
          throw fail(
            root["ignore"], "the ignore file `\(name)` (line \(line)) cannot be read: \(error.description)",
            "fix the path (relative to the rule file, or to a Vale StylesPath) or remove it from `ignore:`")
        }
        ignored += text.components(separatedBy: "\n").map { $0.trimmingWhitespace() }.filter {
          !$0.isEmpty && !$0.hasPrefix("#")
        }
      }
      let filters = try strings("filters")
      for (filter, line) in filters { try checkRegex(filter, line: line) }
      // Vale's default filters, unless the rule says `custom: true`:
      // CamelCase, words ending in capitals, and words with anything but
      // ASCII letters, `_` and `'`.
      let custom = try bool("custom")
      let defaults = custom ? [] : ["[A-Z]{1}[a-z]+[A-Z]+\\w+", "[A-Z]+$", "[^a-zA-Z_'\u{2019}]"]
      kind = .spelling(dictionaries: names, folders: folders, ignore: ignored, filters: filters.map(\.0) + defaults)
    default:
      kind = .divider
    }
    guard let message = try string("message"), !message.isEmpty else {
      throw fail(nil, "missing `message`", "add `message:` with what the writer should change (`%s` is the match)")
    }

    var good: [RuleExample] = []
    var bad: [RuleExample] = []
    if let examples = root["examples"] {
      guard examples.entries != nil else {
        throw fail(examples, "`examples` must have `good:` and `bad:` lists", "see Rules/vibe-killer.yml")
      }
      for (key, target) in [("good", 0), ("bad", 1)] {
        guard let list = examples[key] else { continue }
        guard let items = list.items else {
          throw fail(list, "`examples.\(key)` must be a list", "write one example a line, each starting with `- `")
        }
        for item in items {
          guard let text = item.scalarText else { throw fail(item, "each example must be text", "quote it or use a `|` block") }
          if target == 0 {
            good.append(RuleExample(text: text, line: item.line))
          } else {
            bad.append(RuleExample(text: text, line: item.line))
          }
        }
      }
    }

    let exceptions = try strings("exceptions")
    for (exception, line) in exceptions { try checkRegex(exception, line: line) }
    var rule = Rule(
      id: id, kind: kind, message: message, description: try string("description") ?? message,
      level: levelValue, scopes: scopes, link: try string("link"), ignorecase: ignorecase, nonword: nonword,
      raw: raw, append: append, exceptions: exceptions.map(\.0), good: good, bad: bad, file: file)
    rule.group = try int("group") ?? 0
    rule.countPer = countPer
    if needsSelectors { rule.selectors = selectors }
    if root["vocab"] != nil { rule.vocab = try bool("vocab") }
    if case .substitution = kind { rule.capitalize = try bool("capitalize") }
    switch kind {
    case .existence, .substitution: rule.rawScope = rawScope
    case .occurrence:
      rule.rawScope = rawScope
      // Vale's occurrence pattern is `(?:token)`, no word boundaries.
      rule.nonword = true
    default: break
    }
    if let action = root["action"], let name = action["name"]?.scalarText {
      rule.actionName = name
      rule.actionParams = action["params"]?.items?.compactMap(\.scalarText) ?? []
    }
    return rule
  }
}
