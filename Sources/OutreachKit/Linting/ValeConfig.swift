import Foundation

/// A team's existing Vale set-up, read from `.vale.ini` (or any of Vale's
/// names, found from the current folder upward) as Vale reads it
/// (`internal/core/ini.go`): the StylesPath, `[*]` and per-glob sections
/// with their `BasedOnStyles` and `Style.Rule = YES | NO | level`,
/// `MinAlertLevel`, and vocabularies. Which rules run is decided per file
/// (`selection(for:)`), as Vale's `shouldRun` does.
public struct ValeConfig: Sendable {
  /// One `[glob]` section (or `[*]`, the global one).
  public struct Section: Sendable {
    public var glob: ValeGlob
    /// Its `BasedOnStyles`, when it sets them.
    public var styles: [String]?
    /// `Style.Rule = ...` (or `Style = ...`) in order: on or off.
    public var checks: [(key: String, on: Bool, line: Int)] = []
    /// `BlockIgnores` (or Vale 1's `IgnorePatterns`) and `TokenIgnores`:
    /// patterns whose matches are not linted.
    public var blockIgnores: [String] = []
    public var tokenIgnores: [String] = []
  }

  public var path: String
  /// Absolute.
  public var stylesPath: String?
  public var global = Section(glob: ValeGlob("*"))
  public var sections: [Section] = []
  /// `Style.Rule = suggestion | warning | error`, from any section; the
  /// last one wins (Vale's `RuleToLevel`).
  public var ruleLevels: [String: Severity] = [:]
  public var vocabularies: [String] = []
  public var minAlertLevel: Severity?
  /// Vale's `MinAlertLevel` when a configuration sets none
  /// (`internal/core/config.go`: `cfg.MinAlertLevel = 1`).
  public static let defaultMinAlertLevel = Severity.warning
  /// `IgnoredScopes`: inline markup whose text is not linted (Vale's
  /// default, `code` and `tt`, is always so here).
  public var ignoredScopes: [String] = []
  /// `SkippedScopes`: HTML elements whose text is not linted (Vale's
  /// default, `script`, `style`, `pre` and `figure`, is always so here: an
  /// HTML block in an email is never prose).
  public var skippedScopes: [String] = []
  /// `IgnoredClasses`: HTML elements of these classes are not linted.
  public var ignoredClasses: [String] = []

  /// What the prose writer passes over (`ProseWriter.ignoredInline`): the
  /// ignored and skipped element names, and each class as `.name`.
  public var ignoredInline: Set<String> {
    Set(ignoredScopes.map { $0.lowercased() } + skippedScopes.map { $0.lowercased() } + ignoredClasses.map { "." + $0 })
  }

  /// Every style any section is based on, in order.
  public var styles: [String] {
    var out: [String] = []
    for style in ([global] + sections).flatMap({ $0.styles ?? [] }) where !out.contains(style) { out.append(style) }
    return out
  }

  /// Styles that a `Style.Rule = YES` names without basing a section on
  /// them: their rule files load too, and only those rules switch on.
  public var namedStyles: [String] {
    var out: [String] = []
    for check in ([global] + sections).flatMap(\.checks) where check.on {
      let style = String(check.key.split(separator: ".").first ?? "")
      if !style.isEmpty, !styles.contains(style), !out.contains(style) { out.append(style) }
    }
    return out
  }

  /// Whether any section is based on, or switches a rule of, Vale's own
  /// `Vale` style.
  public var usesValeStyle: Bool {
    styles.contains("Vale") || ([global] + sections).flatMap(\.checks).contains { $0.key.hasPrefix("Vale.") && $0.on }
  }

  /// Vale's built-in `Vale` style, from the embedded `Rules/_vale/` (ids
  /// `Vale.Spelling`, `Vale.Repetition`).
  public static func builtInStyle(warnings: inout [Warning]) throws -> [Rule] {
    try EmbeddedDefaults.files.filter { $0.path.hasPrefix("Rules/_vale/") && $0.path.hasSuffix(".yml") }.map { file in
      let name = ((file.path as NSString).lastPathComponent as NSString).deletingPathExtension
      return try RuleLoader.load(
        id: "Vale." + name, file: "(built-in)/" + file.path, root: EmbeddedNode.builtInDocument(file),
        warnings: &warnings, validate: false)
    }
  }

  /// The names Vale reads its configuration from, in its order.
  public static let fileNames = [".vale.ini", "_vale.ini", ".vale", "_vale", "vale.ini"]

  /// The closest Vale configuration from `start` upward: at each folder the
  /// first of `fileNames` that is a file (a `.vale/` folder of styles is not
  /// one), as Vale takes the closest.
  public static func find(from start: String = PathSearch.currentFolder) -> String? {
    PathSearch.upward(fileNames, from: start, kind: .file)
  }

  /// Whether `--config PATH` names a Vale configuration rather than an
  /// `.outreach.yml`: an `.ini` file or one of Vale's names.
  public static func isValeConfig(_ path: String) -> Bool {
    let name = (path as NSString).lastPathComponent
    return name.lowercased().hasSuffix(".ini") || fileNames.contains(name)
  }

  /// Section keys Vale reads that are not rules (`syntaxOpts`).
  static let sectionOptions: Set<String> = ["basedonstyles", "commentdelimiters", "transform", "lang"]
  /// Sections that are not file globs.
  static let specialSections: Set<String> = ["formats", "asciidoctor", "DEFAULT"]

  public static func load(path: String, warnings: inout [Warning]) throws -> ValeConfig {
    let bytes = try TextFile.read(path: path, limit: 1_000_000)
    var config = ValeConfig(path: path)
    let folder = (path as NSString).deletingLastPathComponent
    // nil: the part before any section; -1: `[*]`; else an index in `sections`.
    var section: Int? = nil
    var skipping = false
    for (number, raw) in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n").enumerated() {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
      if line.hasPrefix("[") {
        guard line.hasSuffix("]") else {
          throw OutreachError.config(
            path: path, line: number + 1, problem: "`\(line)` is not a section", fix: "close it with `]`, as in `[*.md]`")
        }
        let name = String(line.dropFirst().dropLast())
        skipping = specialSections.contains(name)
        if skipping {
          section = -2
        } else if name == "*" {
          section = -1
        } else {
          config.sections.append(Section(glob: ValeGlob(name)))
          section = config.sections.count - 1
        }
        continue
      }
      guard let equals = line.firstIndex(of: "=") else {
        throw OutreachError.config(
          path: path, line: number + 1, problem: "`\(line)` is not `key = value`", fix: "write it as `BasedOnStyles = write-good`"
        )
      }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      guard let index = section else {
        switch key.lowercased() {
        case "stylespath":
          config.stylesPath = value.hasPrefix("/") ? value : (folder.isEmpty ? value : folder + "/" + value)
        case "minalertlevel":
          guard let level = Severity(rawValue: value.lowercased()) else {
            throw OutreachError.config(
              path: path, line: number + 1, problem: "unknown MinAlertLevel `\(value)`", fix: "use suggestion, warning or error")
          }
          config.minAlertLevel = level
        case "vocab":
          config.vocabularies += list(value)
        case "ignoredscopes":
          config.ignoredScopes = list(value)
        case "skippedscopes":
          config.skippedScopes = list(value)
        case "ignoredclasses":
          config.ignoredClasses = list(value)
        default:
          warnings.append(Warning(path: path, line: number + 1, message: "`\(key)` is not read by outreach; it is ignored"))
        }
        continue
      }
      if skipping { continue }
      func update(_ body: (inout Section) -> Void) {
        if index == -1 { body(&config.global) } else { body(&config.sections[index]) }
      }
      let lowered = key.lowercased()
      if lowered == "basedonstyles" {
        let styles = list(value)
        update { section in
          var merged = section.styles ?? []
          for style in styles where !merged.contains(style) { merged.append(style) }
          section.styles = merged
        }
      } else if lowered == "vocab" {
        config.vocabularies += list(value)
      } else if ["blockignores", "ignorepatterns", "tokenignores"].contains(lowered) {
        // Vale splits these at commas too (go-ini's `Strings(",")`).
        let valid = list(value).filter { pattern in
          guard (try? RE2Regex(pattern)) == nil else { return true }
          warnings.append(
            Warning(path: path, line: number + 1, message: "`\(pattern)` in \(key) is not a pattern RE2 reads; it is ignored"))
          return false
        }
        if lowered == "tokenignores" { update { $0.tokenIgnores += valid } } else { update { $0.blockIgnores += valid } }
      } else if sectionOptions.contains(lowered) {
        warnings.append(Warning(path: path, line: number + 1, message: "`\(key)` is not read by outreach; it is ignored"))
      } else {
        // Vale's validateLevel: YES or a level is on (a level also sets the
        // rule's level), NO or anything else is off.
        let level = Severity(rawValue: value.lowercased())
        let on = value.uppercased() == "YES" || level != nil
        if level != nil { config.ruleLevels[key] = level }
        if !on, value.uppercased() != "NO" {
          warnings.append(
            Warning(path: path, line: number + 1, message: "`\(value)` is not NO, YES or a level; `\(key)` is off, as in Vale"))
        }
        update { $0.checks.append((key, on, number + 1)) }
      }
    }
    return config
  }

  /// What applies to one file: the styles it is based on (the last matching
  /// section that sets them, else `[*]`'s) and the rules switched on or off
  /// (matching sections in order, then `[*]`), as Vale's `NewFile` and
  /// `shouldRun` decide.
  public struct FileSelection: Sendable, Hashable {
    public var styles: [String]
    public var checks: [String: Bool]
    public var globalChecks: [String: Bool]
    public var blockIgnores: [String] = []
    public var tokenIgnores: [String] = []

    /// Whether the rule `id` (`Style.Rule`) runs on the file.
    public func runs(_ id: String) -> Bool {
      let parts = id.split(separator: ".", omittingEmptySubsequences: false)
      let name = parts.count > 2 ? parts[0] + "." + parts[1] : Substring(id)
      let style = String(parts.first ?? "")
      for key in [String(name), style] {
        if let on = checks[key] { return on }
        if let on = globalChecks[key] { return on }
      }
      return styles.contains(style)
    }
  }

  /// The selection for the file at `path` (as given or walked).
  public func selection(for path: String) -> FileSelection {
    var name = Substring(path)
    while name.hasPrefix("./") { name = name.dropFirst(2) }
    var styles = global.styles ?? []
    var checks: [String: Bool] = [:]
    var blockIgnores = global.blockIgnores
    var tokenIgnores = global.tokenIgnores
    for section in sections where section.glob.matches(String(name)) {
      if let own = section.styles { styles = own }
      for check in section.checks { checks[check.key] = check.on }
      blockIgnores += section.blockIgnores
      tokenIgnores += section.tokenIgnores
    }
    var globalChecks: [String: Bool] = [:]
    for check in global.checks { globalChecks[check.key] = check.on }
    return FileSelection(
      styles: styles, checks: checks, globalChecks: globalChecks, blockIgnores: blockIgnores, tokenIgnores: tokenIgnores)
  }

  static func list(_ value: String) -> [String] {
    value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// The style folders to load: those of `BasedOnStyles`, and those a
  /// `Style.Rule = YES` names, that exist (Vale's own `Vale` style is built
  /// into Vale and has no folder).
  public func styleFolders(warnings: inout [Warning]) -> [String] {
    let wanted = styles + namedStyles
    guard let stylesPath else {
      if !wanted.filter({ $0 != "Vale" }).isEmpty {
        warnings.append(Warning(path: path, line: 1, message: "no StylesPath, so BasedOnStyles loads nothing"))
      }
      return []
    }
    return wanted.compactMap { style in
      let folder = stylesPath + "/" + style
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue { return folder }
      if style != "Vale", styles.contains(style) {
        warnings.append(Warning(path: path, line: 1, message: "style `\(style)` is not in \(stylesPath); it is skipped"))
      }
      return nil
    }
  }

  /// Applies the levels `Style.Rule = level` sets, `MinAlertLevel`, and the
  /// vocabularies (accept: exceptions to every rule and `Vale.Terms`;
  /// reject: `Vale.Avoid`), as Vale does. Which rules run on a file is
  /// decided per file (`selection(for:)`).
  ///
  /// With no `MinAlertLevel` set, the styles' rules (`Rule.valeStyle`)
  /// keep Vale's default, `warning`: their suggestions are not shown. The
  /// project's own rules keep every level.
  public func apply(to rules: [Rule], warnings: inout [Warning]) -> [Rule] {
    var out = rules
    for check in ([global] + sections).flatMap(\.checks) {
      let matches = { (rule: Rule) in rule.id == check.key || rule.id.hasPrefix(check.key + ".") }
      if !out.contains(where: matches), !check.key.hasPrefix("Vale.") {
        warnings.append(Warning(path: path, line: check.line, message: "no rule `\(check.key)` to configure"))
      }
    }
    for (key, level) in ruleLevels {
      for index in out.indices where out[index].id == key || out[index].id.hasPrefix(key + ".") { out[index].level = level }
    }
    var (accept, reject) = vocabulary()
    // Vocabularies that disagree on a term's case: the last one named wins,
    // as in Vale (`definately` after `Definately`).
    var seen = Set<String>()
    accept = accept.reversed().filter { seen.insert($0.lowercased()).inserted }.reversed()
    if !accept.isEmpty {
      for index in out.indices where out[index].vocab {
        switch out[index].kind {
        case .existence, .substitution, .capitalization, .spelling: out[index].exceptions += accept
        default: break
        }
      }
      out.append(
        Rule(
          id: "Vale.Terms", kind: .substitution(swap: accept.map { ($0, $0) }), message: "Use '%s' instead of '%s'.",
          description: "The spelling of the vocabulary's accepted terms.", level: .error, scopes: [.text], link: nil,
          ignorecase: true, nonword: false, raw: [], append: false, exceptions: [], good: [], bad: [], file: path))
    }
    if !reject.isEmpty {
      out.append(
        Rule(
          id: "Vale.Avoid", kind: .existence(tokens: reject), message: "Avoid using '%s'.",
          description: "Terms the vocabulary rejects.", level: .error, scopes: [.text], link: nil, ignorecase: false,
          nonword: false, raw: [], append: false, exceptions: [], good: [], bad: [], file: path))
    }
    if let minAlertLevel {
      out.removeAll { $0.level < minAlertLevel }
    } else {
      out.removeAll { $0.level < Self.defaultMinAlertLevel && $0.valeStyle }
    }
    return out
  }

  /// accept.txt and reject.txt of each vocabulary: Vale 3's
  /// `config/vocabularies/NAME/`, or Vale 2's `Vocab/NAME/`.
  func vocabulary() -> (accept: [String], reject: [String]) {
    guard let stylesPath else { return ([], []) }
    var accept: [String] = []
    var reject: [String] = []
    for name in vocabularies {
      for folder in [stylesPath + "/config/vocabularies/" + name, stylesPath + "/Vocab/" + name] {
        for (file, target) in [("accept.txt", 0), ("reject.txt", 1)] {
          // A vocabulary may lack either list; one that is there is read
          // as any file is (a FIFO is refused, never waited on).
          guard FileManager.default.fileExists(atPath: folder + "/" + file),
            let text = try? TextFile.readText(path: folder + "/" + file, limit: 10_000_000)
          else { continue }
          let terms = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
          if target == 0 { accept += terms } else { reject += terms }
        }
      }
    }
    return (accept, reject)
  }
}
