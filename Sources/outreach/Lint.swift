import ArgumentParser
import Foundation
import OutreachKit

struct Lint: ParsableCommand {
  static let configuration = CommandConfiguration(
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

  @Option(help: "Output format.")
  var format: ReportFormat = .text

  @Option(help: "The lowest severity that makes the exit status 1.")
  var failOn: Severity = .error

  @OptionGroup var ruleOptions: RuleOptions

  func run() throws {
    let session = try ruleOptions.session()
    for warning in session.warnings { Terminal.note(warning.description) }
    let report = session.linter.lint(paths: paths)
    Terminal.write(
      Reporters.render(
        format, findings: report.findings, rules: session.linter.rules, color: format == .text && Terminal.colorOnStandardOutput))
    for warning in report.warnings { Terminal.note(warning.description) }
    for error in report.errors { Terminal.error(error.description) }
    Terminal.note(Reporters.summary(report.findings, files: report.filesLinted, failures: report.errors.count))
    throw ExitCode(report.exitCode(failOn: failOn))
  }
}

struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the rules in force: id, level and what each checks.")

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
