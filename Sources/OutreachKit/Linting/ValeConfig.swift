import Foundation

/// A team's existing Vale set-up, read from `.vale.ini` (found from the
/// current folder upward): the styles it is based on, in its StylesPath,
/// per-rule levels and `NO`, `MinAlertLevel`, and vocabularies.
public struct ValeConfig: Sendable {
  public var path: String
  /// Absolute.
  public var stylesPath: String?
  /// `BasedOnStyles` of every section that applies to emails, in order.
  public var styles: [String] = []
  /// `Style.Rule = NO | YES | suggestion | warning | error` (or a whole
  /// `Style = NO`), with its line.
  public var settings: [(key: String, value: String, line: Int)] = []
  public var vocabularies: [String] = []
  public var minAlertLevel: Severity?

  /// The names Vale reads its configuration from, in its order.
  public static let fileNames = [".vale.ini", "_vale.ini", ".vale", "_vale", "vale.ini"]

  /// The closest Vale configuration from `start` upward: at each folder the
  /// first of `fileNames` that is a file (a `.vale/` folder of styles is not
  /// one), as Vale takes the closest.
  public static func find(from start: String = FileManager.default.currentDirectoryPath) -> String? {
    var directory = URL(fileURLWithPath: start).standardizedFileURL
    for _ in 0..<64 {
      for name in fileNames {
        let candidate = directory.appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
          return candidate
        }
      }
      let parent = directory.deletingLastPathComponent()
      if parent.path == directory.path { break }
      directory = parent
    }
    return nil
  }

  /// Whether `--config PATH` names a Vale configuration rather than an
  /// `.outreach.yml`: an `.ini` file or one of Vale's names.
  public static func isValeConfig(_ path: String) -> Bool {
    let name = (path as NSString).lastPathComponent
    return name.lowercased().hasSuffix(".ini") || fileNames.contains(name)
  }

  /// Sections apply when their glob matches an email file (`[*]`, `[*.md]`,
  /// `[*.{md,txt}]`, `[*.eml]`).
  static let emailNames = ["email.md", "email.markdown", "email.txt", "email.eml"]

  public static func load(path: String, warnings: inout [Warning]) throws -> ValeConfig {
    let bytes = try TextFile.read(path: path, limit: 1_000_000)
    var config = ValeConfig(path: path)
    let folder = (path as NSString).deletingLastPathComponent
    var section: String? = nil
    var applies = true
    for (number, raw) in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n").enumerated() {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
      if line.hasPrefix("[") {
        guard line.hasSuffix("]") else {
          throw OutreachError.config(
            path: path, line: number + 1, problem: "`\(line)` is not a section", fix: "close it with `]`, as in `[*.md]`")
        }
        let name = String(line.dropFirst().dropLast())
        section = name
        applies = name != "formats" && emailNames.contains { globMatches(name, $0) }
        continue
      }
      guard let equals = line.firstIndex(of: "=") else {
        throw OutreachError.config(
          path: path, line: number + 1, problem: "`\(line)` is not `key = value`", fix: "write it as `BasedOnStyles = write-good`"
        )
      }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      if section == nil {
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
        default:
          warnings.append(Warning(path: path, line: number + 1, message: "`\(key)` is not read by outreach; it is ignored"))
        }
        continue
      }
      guard applies else { continue }
      if key.lowercased() == "basedonstyles" {
        for style in list(value) where !config.styles.contains(style) { config.styles.append(style) }
      } else if key.lowercased() == "vocab" {
        config.vocabularies += list(value)
      } else if key.contains(".") || ["NO", "YES"].contains(value.uppercased()) {
        config.settings.append((key, value, number + 1))
      } else {
        warnings.append(Warning(path: path, line: number + 1, message: "`\(key)` is not read by outreach; it is ignored"))
      }
    }
    return config
  }

  static func list(_ value: String) -> [String] {
    value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// Vale's section globs: `*`, `?`, and `{a,b}` alternatives.
  static func globMatches(_ glob: String, _ name: String) -> Bool {
    if let open = glob.firstIndex(of: "{"), let close = glob[open...].firstIndex(of: "}") {
      let head = glob[..<open]
      let tail = glob[glob.index(after: close)...]
      return glob[glob.index(after: open)..<close].split(separator: ",").contains {
        globMatches(String(head) + $0 + String(tail), name)
      }
    }
    func match(_ pattern: Substring, _ text: Substring) -> Bool {
      guard let first = pattern.first else { return text.isEmpty }
      if first == "*" {
        return match(pattern.dropFirst(), text) || (!text.isEmpty && match(pattern, text.dropFirst()))
      }
      guard let character = text.first, first == "?" || first == character else { return false }
      return match(pattern.dropFirst(), text.dropFirst())
    }
    return match(Substring(glob), Substring(name))
  }

  /// The style folders to load (those of `BasedOnStyles` that exist; Vale's
  /// own `Vale` style is built into Vale and has no folder).
  public func styleFolders(warnings: inout [Warning]) -> [String] {
    guard let stylesPath else {
      if !styles.isEmpty {
        warnings.append(Warning(path: path, line: 1, message: "no StylesPath, so BasedOnStyles loads nothing"))
      }
      return []
    }
    return styles.compactMap { style in
      let folder = stylesPath + "/" + style
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue { return folder }
      if style != "Vale" {
        warnings.append(Warning(path: path, line: 1, message: "style `\(style)` is not in \(stylesPath); it is skipped"))
      }
      return nil
    }
  }

  /// Applies `Style.Rule = NO` and levels, `MinAlertLevel`, and the
  /// vocabularies (accept: exceptions to every rule and `Vale.Terms`;
  /// reject: `Vale.Avoid`), as Vale does.
  public func apply(to rules: [Rule], warnings: inout [Warning]) -> [Rule] {
    var out = rules
    for setting in settings {
      let matches = { (rule: Rule) in rule.id == setting.key || rule.id.hasPrefix(setting.key + ".") }
      guard out.contains(where: matches) || setting.value.uppercased() == "YES" else {
        warnings.append(Warning(path: path, line: setting.line, message: "no rule `\(setting.key)` to configure"))
        continue
      }
      switch setting.value.uppercased() {
      case "NO": out.removeAll(where: matches)
      case "YES": break
      default:
        guard let level = Severity(rawValue: setting.value.lowercased()) else {
          warnings.append(
            Warning(path: path, line: setting.line, message: "`\(setting.value)` is not NO, YES or a level; it is ignored"))
          continue
        }
        for index in out.indices where matches(out[index]) { out[index].level = level }
      }
    }
    let (accept, reject) = vocabulary()
    if !accept.isEmpty {
      for index in out.indices where out[index].vocab {
        switch out[index].kind {
        case .existence, .substitution, .capitalization: out[index].exceptions += accept
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
    if let minAlertLevel { out.removeAll { $0.level < minAlertLevel } }
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
