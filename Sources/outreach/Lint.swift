import ArgumentParser
import Foundation
import OutreachKit

struct Lint: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Lint emails (files, folders, or - for standard input) against the rules.",
    discussion: """
      Exit status: 0 when no finding is at or above --fail-on, 1 when one is, \
      2 when the run failed (an unreadable file, a bad rule file, a bad flag).
      Switch rules off inside an email with <!-- outreach-disable RULE --> and \
      back on with <!-- outreach-enable RULE -->.
      """
  )

  @Argument(help: ArgumentHelp("Email files or folders; - or nothing reads standard input.", valueName: "path"))
  var paths: [String] = []

  @Option(name: [.long, .customLong("output")], help: "Output format (--output, as Vale spells it, works too).")
  var format: ReportFormat = .text

  @Option(
    name: .customLong("minAlertLevel"),
    help: ArgumentHelp(
      "Leave out findings below this level (Vale's MinAlertLevel, over the configuration's).", valueName: "level"))
  var minAlertLevel: Severity?

  @Option(
    help: ArgumentHelp(
      "Lint only the files whose path matches this glob (Vale's --glob: `*.md`, `**/*.{md,txt}`, `!drafts/*`).",
      valueName: "glob"))
  var glob: String?

  @Option(
    help: ArgumentHelp(
      "Read standard input as this kind of file and name it stdin.EXT (Vale's --ext: .md, .txt, .eml).", valueName: "ext"))
  var ext: String?

  @Flag(help: "Read Markdown files as plain text (Vale's --ignore-syntax).")
  var ignoreSyntax = false

  @Option(help: "The lowest severity that makes the exit status 1.")
  var failOn: Severity = .error

  @Flag(
    help: ArgumentHelp(
      "Apply the fixes rules declare (one replacement, Vale's action, a dash between words), in place; print each change."))
  var fix = false

  @Flag(help: "With the fixes rules declare, print a unified diff and write nothing.")
  var diff = false

  @OptionGroup var ruleOptions: RuleOptions

  func validate() throws {
    if (fix || diff) && (paths.isEmpty || paths.contains("-")) {
      throw ValidationError("--fix and --diff change files; give file or folder paths, not standard input")
    }
    if fix && diff { throw ValidationError("--diff shows the fixes without writing; use it or --fix, not both") }
  }

  var options: LintOptions {
    LintOptions(
      paths: paths, format: format, minAlertLevel: minAlertLevel, glob: glob, ext: ext, ignoreSyntax: ignoreSyntax,
      failOn: failOn, fix: fix, diff: diff, ruleFolders: ruleOptions.ruleFolders, config: ruleOptions.config,
      noDefaultRules: ruleOptions.noDefaultRules)
  }

  func run() throws { try Lint.run(options) }

  /// A `/`, or a name ending in an extension outreach reads (`emial.md`).
  static func looksLikePath(_ text: String) -> Bool {
    guard !text.contains("/") else { return true }
    guard let dot = text.lastIndex(of: "."), !text.contains(" ") else { return false }
    return FileWalker.emailExtensions.contains(text[text.index(after: dot)...].lowercased())
  }

  static func run(_ options: LintOptions) throws {
    let session = try LintSession(
      ruleFolders: options.ruleFolders, configPath: options.config, noDefaultRules: options.noDefaultRules,
      minAlertLevel: options.minAlertLevel, tolerateBrokenRules: true)
    for warning in session.warnings { Terminal.note(warning.description) }
    var linter = session.linter
    linter.ignoreSyntax = options.ignoreSyntax
    linter.selector?.ignoreSyntax = options.ignoreSyntax
    var paths = options.paths
    var inputExtension = options.ext
    var standardInput = Linter.readStandardInput
    if session.usesValeConfiguration, paths.count == 1, let text = paths.first, text != "-", !text.isEmpty,
      !FileManager.default.fileExists(atPath: text), !Self.looksLikePath(text), !options.fix, !options.diff
    {
      // Vale's `vale 'some text'`: one argument that names no file or
      // folder is the text to lint, named `stdin.txt`. Only under a Vale
      // configuration, only when it does not look like a path, and said:
      // a missing path is an error, so that a misspelled file name never
      // passes a hook.
      Terminal.note("the one argument names no file or folder; it is linted as text (stdin.txt), as Vale does")
      paths = ["-"]
      inputExtension = inputExtension ?? ".txt"
      standardInput = { Array(text.utf8) }
    }
    var report = linter.lint(
      paths: paths, glob: options.glob.map(ValeGlob.init), inputExtension: inputExtension, standardInput: standardInput)
    // A rule file that did not load: its findings are missing, so the run
    // is incomplete (exit 2), but every other rule ran.
    report.errors = session.ruleSet.failures + report.errors
    if options.fix || options.diff {
      // Files in order; each fixed file is linted again, so what is left
      // (findings with no safe fix) is what gets reported.
      var fixed: [String] = []
      for path in report.findings.map(\.path).uniqued() {
        do {
          let result = try Fixer.fix(path: path, findings: report.findings.filter { $0.path == path }, write: options.fix)
          if options.diff {
            Terminal.writeReport(result.diff)
          } else {
            for change in result.changes { Terminal.write(change.description + "\n") }
          }
          if options.fix, !result.changes.isEmpty { fixed.append(path) }
        } catch let error as OutreachError {
          report.errors.append(error)
        }
      }
      if options.fix, !fixed.isEmpty {
        let again = session.linter.lint(paths: fixed)
        let order = report.findings.map(\.path).uniqued()
        var byPath = Dictionary(grouping: report.findings, by: \.path)
        for path in fixed { byPath[path] = again.findings.filter { $0.path == path } }
        report.findings = order.flatMap { byPath[$0] ?? [] }
      }
      if options.diff {
        for error in report.errors { Terminal.error(error.description) }
        Terminal.note(Reporters.summary(report.findings, files: report.filesLinted, errors: report.errors))
        throw ExitCode(report.exitCode(failOn: options.failOn))
      }
    }
    Terminal.report(options.format, findings: report.findings, rules: session.linter.rules)
    for warning in report.warnings { Terminal.note(warning.description) }
    for error in report.errors { Terminal.error(error.description) }
    Terminal.note(Reporters.summary(report.findings, files: report.filesLinted, errors: report.errors))
    // Everything is written (straight to the descriptors, nothing
    // buffered): the process ends here, with the findings still held, so
    // that they are not freed one by one first (a fortieth of a corpus
    // run, on one core).
    Foundation.exit(report.exitCode(failOn: options.failOn))
  }
}

extension Array where Element: Hashable {
  /// The elements in order, each once.
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}

struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rules", abstract: "List the rules in force: id, level and what each checks.")

  @Option(help: "Output format: text, or markdown for a README table.")
  var format: RulesFormat = .text

  @OptionGroup var ruleOptions: RuleOptions

  enum RulesFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown }

  func run() throws {
    let session = try ruleOptions.session()
    for warning in session.warnings { Terminal.note(warning.description) }
    Terminal.write(RuleListing.render(session.linter.rules, markdown: format == .markdown))
    Terminal.note("rules from: \(session.ruleSet.sources.joined(separator: ", "))")
  }
}

struct Read: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "read",
    abstract:
      "Print what lint reads of each message of .eml, .msg and .mbox files: the decoded subject and body text, as JSON lines.")

  @Argument(help: ArgumentHelp("Mail files (.eml, .msg, .mbox).", valueName: "path"))
  var paths: [String]

  func run() throws {
    let linter = Linter(rules: [])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var failed = false
    for path in paths {
      do {
        for message in try linter.read(path: path) {
          let line = String(decoding: try encoder.encode(message), as: UTF8.self)
          Terminal.writeJSON(line + "\n")
        }
      } catch let error as OutreachError {
        Terminal.error(error.description)
        failed = true
      }
    }
    if failed { throw ExitCode(2) }
  }
}
