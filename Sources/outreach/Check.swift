import ArgumentParser
import Foundation
import OutreachKit

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check Templates/ and Rules/: parse, variables, partials, rule examples, and every draft linted.",
    discussion: """
      Renders every template against every sample account (Templates/accounts/) for every \
      stage and lints the result; findings point at the template line that wrote the text \
      when it can be found. Exit status as for lint: 1 for findings, 2 when a template or \
      rule does not load or a partial is missing.
      """
  )

  @Argument(help: ArgumentHelp("The folder holding Templates/ and Rules/ (default: the current folder).", valueName: "dir"))
  var folder: String = "."

  @Option(help: "Output format.")
  var format: ReportFormat = .text

  @Option(help: ArgumentHelp("A configuration file (default: DIR/.outreach.yml).", valueName: "file"))
  var config: String?

  @Option(help: ArgumentHelp("Today's date for the sample drafts.", valueName: "yyyy-mm-dd"))
  var today: String?

  func run() throws {
    var day = Day(date: Date())
    if let today {
      guard let parsed = Day(today) else { throw ValidationError("--today \(today) is not a date; write it like 2026-11-22") }
      day = parsed
    }
    let report = Checker(folder: folder, today: day).run(configPath: config)
    for warning in report.warnings { Terminal.note(warning.description) }
    Terminal.report(format, findings: report.findings, rules: report.rules)
    for error in report.errors { Terminal.error(error.description) }
    Terminal.note(
      "checked \(report.rules.count) rules and \(report.drafts) drafts from \(report.accounts) sample accounts: "
        + Reporters.summary(report.findings, files: report.drafts, failures: report.errors.count))
    throw ExitCode(report.exitCode)
  }
}
