import Foundation

/// `outreach check`: a template or rule change that would send a bad email
/// is caught before it is committed.
public struct Checker {
  public struct Report {
    public var findings: [Finding] = []
    public var errors: [OutreachError] = []
    public var warnings: [Warning] = []
    public var rules: [Rule] = []
    public var drafts = 0
    public var accounts = 0

    public var exitCode: Int32 { errors.isEmpty ? (findings.contains { $0.severity == .error } ? 1 : 0) : 2 }
  }

  public let folder: String
  public let today: Day

  public init(folder: String, today: Day) {
    self.folder = folder
    self.today = today
  }

  var templatesFolder: String { folder == "." ? "Templates" : (folder as NSString).appendingPathComponent("Templates") }
  var rulesFolder: String { folder == "." ? "Rules" : (folder as NSString).appendingPathComponent("Rules") }

  public func run(configPath: String?) -> Report {
    var report = Report()
    let fileManager = FileManager.default
    let hasTemplates = fileManager.fileExists(atPath: templatesFolder)
    let hasRules = fileManager.fileExists(atPath: rulesFolder)
    guard hasTemplates || hasRules else {
      report.errors.append(.notFound(path: templatesFolder))
      return report
    }

    // Rules: schema and regexes (loading), then each rule's own examples.
    /// Runs `body`; a failure becomes an error of the report.
    func attempt<Value>(_ body: () throws -> Value) -> Value? {
      do {
        return try body()
      } catch let error as OutreachError {
        report.errors.append(error)
      } catch {
        report.errors.append(.unreadable(path: folder, reason: "\(error)"))
      }
      return nil
    }
    let local = (folder as NSString).appendingPathComponent(Configuration.fileName)
    let config = configPath ?? (fileManager.fileExists(atPath: local) ? local : nil)
    guard
      let session = attempt({
        try LintSession(ruleFolders: hasRules ? [rulesFolder] : [], configPath: config, noDefaultRules: false, discover: false)
      })
    else { return report }
    let configuration = session.configuration
    report.warnings += session.warnings
    report.rules = session.linter.rules
    if hasRules {
      for rule in session.linter.rules where rule.file.hasPrefix(rulesFolder) {
        report.findings += RuleExamples.verify(rule)
      }
    }

    // Templates: parse, partials, variables, and every draft linted.
    guard hasTemplates else { return report }
    guard let templates = attempt({ try TemplateSet.load(folder: templatesFolder) }) else { return report }
    report.errors += TemplateAudit.missingPartials(templates)
    report.errors += TemplateAudit.fitErrors(templates)
    guard report.errors.isEmpty else { return report }

    var samples = templates.sampleAccounts
    if samples.isEmpty {
      samples = (try? TemplateSet.load(folder: nil).sampleAccounts) ?? []
      report.warnings.append(
        Warning(
          path: templatesFolder + "/accounts", line: 1, message: "no sample accounts here; checked against the built-in ones"))
    }
    let drafter = Drafter(templates: templates, configuration: configuration, today: today)
    var reportedMisses = Set<String>()
    for sample in samples {
      guard let account = attempt({ try AccountLoader.load(path: sample.path, text: sample.text).0 }) else { continue }
      report.accounts += 1
      let fitted = drafter.observations(for: account)
      for stage in [Stage.onboarding, .checkIn, .noResponse] {
        // No-response also gets a draft for every role and every lead the
        // account raises, so each role and observation partial is rendered
        // at least once even when no sample person has that role.
        guard
          let drafts = attempt({
            try drafter.drafts(for: account, stage: stage) + (stage == .noResponse ? drafter.probes(for: account) : [])
          })
        else { continue }
        for draft in drafts {
          report.drafts += 1
          // A no-response email leads its reader with what suits their role.
          if draft.stage == .noResponse, let person = draft.to.first, let lead = draft.observations.first,
            let observation = fitted.first(where: { $0.id == lead }),
            !observation.roles.contains(person.role)
          {
            report.errors.append(
              .template(
                path: templates.roleFit.file, line: templates.roleFit.lines[lead] ?? 1, column: 1,
                problem: "a no-response email to \(person.role.rawValue) leads with `\(lead)`, which does not suit that role",
                fix: "list the role under `\(lead)` or change what leads"))
          }
          for miss in draft.misses where reportedMisses.insert(miss).inserted {
            let place = TemplateAudit.locate(tagNamed: miss, in: templates)
            report.findings.append(
              Finding(
                path: place?.path ?? templates.origin, line: place?.line ?? 1, column: place?.column ?? 1,
                rule: "template-variable",
                severity: .error,
                message:
                  "`\(miss)` is not in the view model, so it renders as nothing; fix the name (the README lists the variables)",
                match: miss))
          }
          let context = "\(URL(fileURLWithPath: sample.path).lastPathComponent), \(stage.rawValue)"
          for finding in session.linter.lint(path: "(draft for \(context))", text: draft.text) {
            var mapped = finding
            if let place = TemplateAudit.locate(text: finding.match, in: templates) {
              mapped.path = place.path
              mapped.line = place.line
              mapped.column = place.column
            }
            mapped.message += " (in the draft for \(context))"
            let duplicate = report.findings.contains {
              $0.path == mapped.path && $0.line == mapped.line && $0.column == mapped.column && $0.rule == mapped.rule
            }
            if !duplicate { report.findings.append(mapped) }
          }
        }
      }
    }
    report.findings.sort { ($0.path, $0.line, $0.column, $0.rule) < ($1.path, $1.line, $1.column, $1.rule) }
    return report
  }
}

/// Static checks of a template set.
enum TemplateAudit {
  /// role-fit.yml and the `leads:` of ctas.yml: every id known, every lead
  /// suits some reader, every CTA one of the playbook's listed above it.
  static func fitErrors(_ templates: TemplateSet) -> [OutreachError] {
    var errors: [OutreachError] = []
    let fit = templates.roleFit
    let known = Set(Observations.ids)
    for (id, _) in fit.observations where !known.contains(id) {
      errors.append(
        .template(
          path: fit.file, line: fit.lines[id] ?? 1, column: 1, problem: "`\(id)` is not an observation",
          fix: "use one of the ids the README lists"))
    }
    for id in Observations.ids where id != "growth" && (fit.observations[id] ?? []).isEmpty {
      errors.append(
        .template(
          path: fit.file.isEmpty ? templates.origin + "/role-fit.yml" : fit.file, line: 1, column: 1,
          problem: "`\(id)` suits no reader, so no no-response email would ever lead with it",
          fix: "list the roles it suits under `observations:`"))
    }
    let listed = Set(templates.ctas.values.flatMap { $0 })
    let ctaFile = templates.dataFiles.first { ($0.path as NSString).lastPathComponent.hasPrefix("ctas.") }
    func ctaLine(_ text: String) -> Int {
      guard let file = ctaFile, let range = file.text.range(of: text) else { return 1 }
      return file.text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }
    for (lead, ctas) in templates.ctaFit {
      if lead != "general", !known.contains(lead) {
        errors.append(
          .template(
            path: ctaFile?.path ?? "ctas.yml", line: ctaLine(lead + ":"), column: 1, problem: "`\(lead)` is not an observation",
            fix: "use one of the ids the README lists, or general"))
      }
      for cta in ctas where !listed.contains(cta) {
        errors.append(
          .template(
            path: ctaFile?.path ?? "ctas.yml", line: ctaLine(lead + ":"), column: 1,
            problem: "`\(cta)` under `leads.\(lead)` is not one of the CTAs listed above it",
            fix: "use a CTA from general, billing or paying, or add it there"))
      }
    }
    return errors
  }

  /// Every partial a template names, and every partial the drafter picks by
  /// name, must exist.
  static func missingPartials(_ templates: TemplateSet) -> [OutreachError] {
    var errors: [OutreachError] = []
    let pattern = try! NSRegularExpression(pattern: #"\{\{>\s*([^}*\s]+)\s*\}\}"#)
    for (_, source) in templates.sources.sorted(by: { $0.key < $1.key }) {
      let text = source.text
      for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        guard let range = Range(match.range(at: 1), in: text) else { continue }
        let partial = String(text[range])
        if templates.sources[partial] == nil {
          let (line, column) = position(of: range.lowerBound, in: text)
          errors.append(
            .template(
              path: source.path, line: line, column: column, problem: "partial `\(partial)` does not exist",
              fix: "add Templates/\(partial).mustache or fix the name"))
        }
      }
    }
    var required = ["onboarding", "check-in", "no-response", "observations/general"]
    required += Observations.ids.filter { $0 != "growth" }.map { "observations/\($0)" }
    required += Set(templates.crossSell.values.flatMap { $0 }).sorted().map { "cross-sell/\($0)" }
    for name in required where templates.sources[name] == nil {
      errors.append(.missingTemplate(name: name, fix: "outreach drafts with it; add it (copy the built-in one as a start)"))
    }
    return errors
  }

  static func position(of index: String.Index, in text: String) -> (Int, Int) {
    let before = text[..<index]
    let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
    return (line, text.unicodeScalars[lineStart..<index].count + 1)
  }

  /// Where a tag `{{name}}` (or a section of it) is written.
  static func locate(tagNamed name: String, in templates: TemplateSet) -> (path: String, line: Int, column: Int)? {
    let escaped = NSRegularExpression.escapedPattern(for: name)
    guard let pattern = try? NSRegularExpression(pattern: #"\{\{\{?[#^/&>*]?\s*"# + escaped + #"(?:\.|\s*\})"#) else {
      return nil
    }
    for (_, source) in templates.sources.sorted(by: { $0.key < $1.key }) {
      let text = source.text
      if let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
        let range = Range(match.range, in: text)
      {
        let (line, column) = position(of: range.lowerBound, in: text)
        return (source.path, line, column)
      }
    }
    return nil
  }

  /// Where flagged text is written in a template, when it is written there
  /// as it reads (not when it came from account data).
  static func locate(text match: String, in templates: TemplateSet) -> (path: String, line: Int, column: Int)? {
    guard !match.isEmpty, !match.hasSuffix(" words"), !match.hasSuffix(" characters") else { return nil }
    let files = templates.sources.sorted(by: { $0.key < $1.key }).map(\.value) + templates.dataFiles
    for source in files {
      let text = source.text.replacingOccurrences(of: "\u{2019}", with: "'")
      if let range = text.range(of: match, options: [.caseInsensitive]) {
        let (line, column) = position(of: range.lowerBound, in: text)
        return (source.path, line, column)
      }
    }
    return nil
  }
}

/// Runs a rule's own good and bad examples.
public enum RuleExamples {
  /// The example text without `↓` markers, and where each marker stood
  /// (1-based line, column in Unicode scalars).
  public static func markers(_ text: String) -> (text: String, marks: [(line: Int, column: Int)]) {
    var out = ""
    var marks: [(line: Int, column: Int)] = []
    var line = 1
    var column = 1
    for scalar in text.unicodeScalars {
      if scalar == "↓" {
        marks.append((line, column))
        continue
      }
      out.unicodeScalars.append(scalar)
      if scalar == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return (out, marks)
  }

  public static func verify(_ rule: Rule) -> [Finding] {
    let linter = Linter(rules: [rule])
    var findings: [Finding] = []
    func report(_ example: RuleExample, _ message: String) {
      findings.append(
        Finding(
          path: rule.file, line: example.line, column: 1, rule: "rule-example", severity: .error, message: message,
          match: String(example.text.prefix(40))))
    }
    for example in rule.good {
      if let hit = linter.lint(path: "example.md", text: example.text).first(where: { $0.rule == rule.id }) {
        report(
          example,
          "good example of `\(rule.id)` raises a finding at \(hit.line):\(hit.column) ('\(hit.match)'); fix the rule or the example"
        )
      }
    }
    for example in rule.bad {
      let (text, positions) = markers(example.text)
      let marks = positions.map { "\($0.line):\($0.column)" }
      let found = linter.lint(path: "example.md", text: text).filter { $0.rule == rule.id }.map { "\($0.line):\($0.column)" }
      if marks.isEmpty {
        if found.isEmpty {
          report(example, "bad example of `\(rule.id)` raises nothing; fix the rule or the example (mark the spot with ↓)")
        }
      } else if Set(found) != Set(marks) {
        report(
          example,
          "bad example of `\(rule.id)` should raise findings at \(marks.joined(separator: ", ")), got \(found.isEmpty ? "none" : found.joined(separator: ", "))"
        )
      }
    }
    if rule.good.isEmpty || rule.bad.isEmpty {
      findings.append(
        Finding(
          path: rule.file, line: 1, column: 1, rule: "rule-example", severity: .warning,
          message: "`\(rule.id)` has no \(rule.good.isEmpty ? "good" : "bad") examples; add `examples:` with good and bad cases",
          match: ""))
    }
    return findings
  }
}
