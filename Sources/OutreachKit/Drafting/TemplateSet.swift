import Foundation
import Mustache

/// The email text: Mustache templates and small YAML lists, read from a
/// `Templates/` folder or from the copy built into the binary.
public struct TemplateSet: @unchecked Sendable {
  public struct Team: Sendable {
    public var senderName = ""
    public var senderTitle = ""
    /// The sender's address, for the From header of `--format eml` drafts.
    public var senderEmail = ""
    /// Other addresses the sender writes from (`sender.aliases`), for mail
    /// history.
    public var senderAliases: [String] = []
    public var programWeeks = ""
    public var programIncludes = ""
    public var listAnd = " and "
    /// What the sender genuinely relates to (`sender.relates` in team.yml):
    /// words to find in an account's category, KPIs or products, and the
    /// one sentence, in the sender's voice, a draft then says.
    public var relates: [(about: [String], line: String)] = []
  }

  /// Where the templates came from, for messages.
  public let origin: String
  public let library: MustacheLibrary
  /// Template name → (file path, text as written), to map findings back.
  public let sources: [String: (path: String, text: String)]
  public let team: Team
  public let subjects: [String: MustacheTemplate]
  public let labels: [String: MustacheTemplate]
  public let reasons: [String: MustacheTemplate]
  /// Calls to action by kind: `general`, and `billing` for drafts led by a
  /// billing or cost observation.
  public let ctas: [String: [String]]
  /// The CTAs each lead may end with (`leads:` in ctas.yml).
  public let ctaFit: [String: [String]]
  /// Which observations suit which reader (role-fit.yml).
  public let roleFit: RoleFit
  public let crossSell: [String: [String]]
  /// The YAML files (subjects, CTAs, labels, reasons), to map findings back.
  public let dataFiles: [(path: String, text: String)]
  /// Sample accounts (`Templates/accounts/`), on disk or built in.
  public let sampleAccounts: [(path: String, text: String)]

  /// The built-in templates, or those in `folder`.
  public static func load(folder: String?) throws -> TemplateSet {
    var files: [(path: String, text: String)] = []
    let origin: String
    if let folder {
      origin = folder
      guard let walker = FileManager.default.enumerator(atPath: folder) else { throw OutreachError.notFound(path: folder) }
      var names: [String] = []
      while let item = walker.nextObject() as? String {
        if !item.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { names.append(item) }
      }
      for name in names.sorted() {
        let path = (folder as NSString).appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
        let bytes = try TextFile.read(path: path, limit: 5_000_000)
        files.append((name, String(decoding: bytes, as: UTF8.self)))
      }
    } else {
      origin = "(built-in)/Templates"
      files = EmbeddedDefaults.files.filter { $0.path.hasPrefix("Templates/") }.map {
        (String($0.path.dropFirst("Templates/".count)), $0.contents)
      }
    }
    return try TemplateSet(origin: origin, files: files)
  }

  init(origin: String, files: [(path: String, text: String)]) throws {
    _ = ContentTypes.registered
    self.origin = origin
    func fullPath(_ name: String) -> String { (origin as NSString).appendingPathComponent(name) }
    var library = MustacheLibrary()
    var sources: [String: (String, String)] = [:]
    var yamlFiles: [String: (String, String)] = [:]
    var samples: [(String, String)] = []
    for (name, text) in files {
      if name.hasPrefix("accounts/") {
        if FileWalker.accountExtensions.contains((name as NSString).pathExtension) { samples.append((fullPath(name), text)) }
        continue
      }
      if name.hasSuffix(".mustache") {
        let key = String(name.dropLast(".mustache".count))
        library.register(try Self.compile(text, path: fullPath(name), pragma: ContentTypes.markdownPragma), named: key)
        sources[key] = (fullPath(name), text)
      } else if name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
        yamlFiles[String(name.prefix { $0 != "." })] = (fullPath(name), text)
      }
    }
    self.library = library
    self.sources = sources
    self.sampleAccounts = samples
    self.dataFiles = yamlFiles.keys.sorted().map { yamlFiles[$0]! }

    func yaml(_ key: String) throws -> YAMLValue? {
      guard let (path, text) = yamlFiles[key] else { return nil }
      return try YAMLValue.parse(text, file: path)
    }
    func stringMap(_ key: String) throws -> [String: (String, Int)] {
      guard let value = try yaml(key), let entries = value.entries else { return [:] }
      var out: [String: (String, Int)] = [:]
      for entry in entries {
        guard let text = entry.value.scalarText else {
          throw OutreachError.template(
            path: value.file, line: entry.value.line, column: 1, problem: "`\(entry.key)` must be text", fix: "quote the line")
        }
        out[entry.key] = (text, entry.value.line)
      }
      return out
    }
    func compiledMap(_ key: String) throws -> [String: MustacheTemplate] {
      let path = yamlFiles[key]?.0 ?? fullPath(key + ".yml")
      return try stringMap(key).mapValues { try Self.compile($0.0, path: path, line: $0.1, pragma: ContentTypes.plainPragma) }
    }
    subjects = try compiledMap("subjects")
    labels = try compiledMap("labels")
    reasons = try compiledMap("recipients")
    var ctas: [String: [String]] = [:]
    var ctaFit: [String: [String]] = [:]
    if let value = try yaml("ctas") {
      if let items = value.items {
        ctas["general"] = items.compactMap(\.scalarText)
      } else {
        for entry in value.entries ?? [] where entry.key != "leads" {
          ctas[entry.key] = entry.value.items?.compactMap(\.scalarText) ?? []
        }
        for entry in value["leads"]?.entries ?? [] {
          ctaFit[entry.key] = entry.value.items?.compactMap(\.scalarText) ?? []
        }
      }
    }
    self.ctas = ctas
    self.ctaFit = ctaFit
    if let value = try yaml("role-fit") {
      roleFit = try RoleFit(value)
    } else if let builtIn = EmbeddedDefaults.files.first(where: { $0.path == "Templates/role-fit.yml" }) {
      // A Templates/ folder from before role-fit.yml: the built-in fit.
      if let value = try YAMLValue.parse(builtIn.contents, file: "(built-in)/Templates/role-fit.yml") {
        roleFit = try RoleFit(value)
      } else {
        roleFit = RoleFit()
      }
    } else {
      roleFit = RoleFit()
    }
    var crossSell: [String: [String]] = [:]
    for entry in try yaml("cross-sell")?.entries ?? [] {
      crossSell[entry.key] = entry.value.items?.compactMap(\.scalarText) ?? []
    }
    self.crossSell = crossSell
    var team = Team()
    if let value = try yaml("team") {
      team.senderName = value["sender"]?["name"]?.scalarText ?? ""
      team.senderTitle = value["sender"]?["title"]?.scalarText ?? ""
      team.senderEmail = value["sender"]?["email"]?.scalarText ?? ""
      team.senderAliases = (value["sender"]?["aliases"]?.items ?? []).compactMap { $0.scalarText?.lowercased() }
      team.programWeeks = value["program"]?["weeks"]?.scalarText ?? ""
      team.programIncludes = value["program"]?["includes"]?.scalarText ?? ""
      team.listAnd = value["list_and"]?.scalarText ?? " and "
      for item in value["sender"]?["relates"]?.items ?? [] {
        guard let line = item["line"]?.scalarText, !line.isEmpty else { continue }
        let about = (item["about"]?.items?.compactMap(\.scalarText) ?? [item["about"]?.scalarText].compactMap { $0 })
          .map { $0.lowercased() }.filter { !$0.isEmpty }
        if !about.isEmpty { team.relates.append((about, line)) }
      }
    }
    self.team = team
  }

  /// Parses a template, reporting errors at the file's own line and column.
  static func compile(_ text: String, path: String, line: Int = 1, pragma: String) throws -> MustacheTemplate {
    do {
      return try MustacheTemplate(string: pragma + text)
    } catch let error as MustacheTemplate.ParserError {
      let lineNumber = error.context.lineNumber
      let column = lineNumber == 1 ? max(1, error.context.columnNumber - pragma.count) : error.context.columnNumber
      throw OutreachError.template(
        path: path, line: line + lineNumber - 1, column: column, problem: "template does not parse (\(error.error))",
        fix: "check that every {{#section}} has a matching {{/section}} and every tag closes with }}")
    }
  }

  func render(_ name: String, _ context: Any) throws -> String {
    guard let output = library.render(context, withTemplate: name) else {
      throw OutreachError.missingTemplate(name: name, fix: "add Templates/\(name).mustache")
    }
    return output
  }
}

/// Which observations suit which reader: the playbook's concerns by role,
/// as data (`Templates/role-fit.yml`).
public struct RoleFit: Sendable {
  public var observations: [String: Set<Role>] = [:]
  /// Docs-topic words and the roles whose concern they name.
  public var topicWords: [(role: Role, words: [String])] = []
  /// Where each entry was written, for `check`.
  var lines: [String: Int] = [:]
  var file = ""

  init() {}

  init(_ value: YAMLValue) throws {
    file = value.file
    func roles(_ list: YAMLValue, _ key: String) throws -> Set<Role> {
      var out = Set<Role>()
      for item in list.items ?? [] {
        guard let name = item.scalarText, let role = Role(rawValue: name.lowercased()) else {
          throw OutreachError.template(
            path: value.file, line: item.line, column: 1, problem: "`\(item.scalarText ?? "")` under `\(key)` is not a role",
            fix: "use \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        out.insert(role)
      }
      return out
    }
    for entry in value["observations"]?.entries ?? [] {
      observations[entry.key] = try roles(entry.value, entry.key)
      lines[entry.key] = entry.keyLine
    }
    for entry in value["docs_topics"]?.entries ?? [] {
      guard let role = Role(rawValue: entry.key.lowercased()) else {
        throw OutreachError.template(
          path: value.file, line: entry.keyLine, column: 1, problem: "`\(entry.key)` under `docs_topics` is not a role",
          fix: "use \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      topicWords.append((role, entry.value.items?.compactMap { $0.scalarText?.lowercased() } ?? []))
    }
  }

  /// The readers `observation` suits: from the list, and for a docs topic
  /// from the words it holds.
  public func roles(for observation: Observation) -> Set<Role> {
    if observation.id == "docs-topic", let topic = observation.facts["topic"]?.lowercased() {
      let named = Set(topicWords.filter { entry in entry.words.contains { topic.contains($0) } }.map(\.role))
      if !named.isEmpty { return named }
    }
    return observations[observation.id] ?? []
  }
}

/// A view-model dictionary that records every name a template asks for and
/// does not find, so that a misspelt variable is an error in `outreach
/// check` rather than an empty string in an email. Nested contexts report
/// to the root: a name missed inside a section is only a real miss when the
/// root does not have it either (Mustache looks there next).
final class RecordingContext: MustacheParent, @unchecked Sendable {
  private(set) var values: [String: Any]
  let optional: Set<String>
  let label: String
  private var ownMisses: [String] = []
  private var nestedMisses: [(name: String, label: String)] = []
  weak var parent: RecordingContext?

  init(_ values: [String: Any], optional: Set<String> = [], label: String = "", parent: RecordingContext? = nil) {
    self.values = values
    self.optional = optional
    self.label = label
    self.parent = parent
  }

  /// Names a template asked for and found, so the drafter knows which
  /// optional parts a stage's template actually uses.
  private(set) var used: Set<String> = []

  func child(named name: String) -> Any? {
    if let value = values[name] {
      used.insert(name)
      return value
    }
    if !optional.contains(name) {
      if let parent {
        parent.nestedMisses.append((name, label.isEmpty ? name : "\(label).\(name)"))
      } else if !ownMisses.contains(name) {
        ownMisses.append(name)
      }
    }
    return nil
  }

  func setValues(_ values: [String: Any]) { self.values = values }

  /// Names asked for and found nowhere, as the template wrote them.
  var misses: [String] {
    var result = ownMisses
    for miss in nestedMisses where values[miss.name] == nil && !result.contains(miss.label) {
      result.append(miss.label)
    }
    return result
  }
}
