import ArgumentParser
import Foundation
import OutreachKit

struct Outreach: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outreach",
    abstract: "Draft onboarding emails from account signals, and lint emails against the playbook.",
    version: OutreachVersion.current,
    subcommands: [
      Lint.self, DraftCommand.self, RecipientsCommand.self, HistoryCommand.self, CheckCommand.self, HookCommand.self,
      Rules.self, Read.self,
    ]
  )
}

/// Options shared by every command that reads rules.
struct RuleOptions: ParsableArguments {
  @Option(
    name: .customLong("rules"),
    help: ArgumentHelp("A folder of rule files (repeatable). Rules with the same id replace the built-in ones.", valueName: "dir")
  )
  var ruleFolders: [String] = []

  @Option(
    help: ArgumentHelp("A configuration file (default: .outreach.yml found from the current folder upward).", valueName: "file"))
  var config: String?

  @Flag(help: "Use only the rules from --rules folders, not the built-in ones.")
  var noDefaultRules = false

  func session(minAlertLevel: Severity? = nil, tolerateBrokenRules: Bool = false) throws -> LintSession {
    try LintSession(
      ruleFolders: ruleFolders, configPath: config, noDefaultRules: noDefaultRules, minAlertLevel: minAlertLevel,
      tolerateBrokenRules: tolerateBrokenRules)
  }
}

extension ReportFormat: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

/// Everything outreach prints, through `TerminalText.safe`: an error or a
/// note is one line, and output keeps its line breaks but no other control
/// character. Only a report's own colour codes are written as they are.
enum Terminal {
  /// Writes all of `data`; a reader that went away (`outreach lint | head`)
  /// ends outreach as a closed pipe ends any Unix tool (SIGPIPE), never
  /// with a crash report.
  static func emit(_ descriptor: Int32, _ data: Data) {
    data.withUnsafeBytes { emit(descriptor, $0) }
  }

  /// Text as its UTF-8 bytes, with no `Data` on the way (lint's output).
  static func emit(_ descriptor: Int32, _ text: String) {
    var text = text
    text.withUTF8 { emit(descriptor, UnsafeRawBufferPointer($0)) }
  }

  static func emit(_ descriptor: Int32, _ raw: UnsafeRawBufferPointer) {
    guard let base = raw.baseAddress else { return }
    var offset = 0
    while offset < raw.count {
      let count = Glibc.write(descriptor, base + offset, raw.count - offset)
      if count < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE {
          signal(SIGPIPE, SIG_DFL)
          raise(SIGPIPE)
        }
        return
      }
      offset += count
    }
  }

  static func error(_ text: String) {
    emit(STDERR_FILENO, "outreach: error: \(TerminalText.safe(text))\n")
  }
  static func note(_ text: String) {
    emit(STDERR_FILENO, TerminalText.safe(text) + "\n")
  }
  /// Several lines on standard error (findings of drafts).
  static func noteLines(_ text: String) {
    emit(STDERR_FILENO, TerminalText.safe(text, lines: true) + "\n")
  }
  /// JSON on standard output.
  static func writeJSON(_ json: String) {
    emit(STDOUT_FILENO, TerminalText.safeJSON(json))
  }
  static func write(_ text: String) {
    emit(STDOUT_FILENO, TerminalText.safe(text, lines: true))
  }
  /// Findings in `format`: text escapes each field itself (and keeps its
  /// colour codes), JSON and SARIF escape inside their strings.
  static func report(_ format: ReportFormat, findings: [Finding], rules: [Rule]) {
    switch format {
    case .text:
      // Bytes, written as they are (no string made of them on the way).
      for piece in TextReporter.pieces(Reporters.ordered(findings), color: colorOnStandardOutput) {
        piece.withUnsafeBytes { emit(STDOUT_FILENO, $0) }
      }
    case .json, .sarif: writeJSON(Reporters.render(format, findings: findings, rules: rules))
    case .github, .line: write(Reporters.render(format, findings: findings, rules: rules))
    }
  }
  /// Output whose untrusted parts were escaped where it was made: a diff
  /// (whose file lines are the file's).
  static func writeReport(_ text: String) {
    emit(STDOUT_FILENO, text)
  }
  static var colorOnStandardOutput: Bool {
    // getenv, not ProcessInfo.environment (which copies every variable).
    isatty(STDOUT_FILENO) == 1 && (getenv("NO_COLOR").map { $0.pointee == 0 } ?? true)
      && getenv("TERM").map { String(cString: $0) } != "dumb"
  }
}

@main
enum Main {
  static func main() {
    do {
      // `outreach lint` with plain arguments skips ArgumentParser (see
      // LintOptions.init(quick:)); anything else goes through it.
      let arguments = CommandLine.arguments.dropFirst()
      if arguments.first == "lint", let options = LintOptions(quick: arguments.dropFirst()) {
        try Lint.run(options)
      }
      var command = try Outreach.parseAsRoot()
      try command.run()
    } catch let exit as ExitCode {
      Foundation.exit(exit.rawValue)
    } catch let error as OutreachError {
      Terminal.error(error.description)
      Foundation.exit(2)
    } catch {
      let code = Outreach.exitCode(for: error)
      if code == .success {
        Outreach.exit(withError: error)
      }
      // Usage errors: one line, exit 2 as the contract says.
      let message = Outreach.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      Terminal.error("\(message) (see 'outreach --help')")
      Foundation.exit(2)
    }
  }
}
