import ArgumentParser
import Foundation
import OutreachKit

struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook",
    abstract: "Install or remove a plain git pre-commit hook that runs outreach check and lint.",
    subcommands: [Install.self, Uninstall.self, Run.self]
  )

  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "install", abstract: "Write .git/hooks/pre-commit (refuses to replace another hook without --force).")

    @Flag(help: "Replace a pre-commit hook that outreach did not write (it is kept as pre-commit.outreach-backup).")
    var force = false

    func run() throws {
      let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
      let resolved = CommandLine.arguments[0].contains("/") ? binary : "outreach"
      switch try GitHook.install(in: FileManager.default.currentDirectoryPath, binary: resolved, force: force) {
      case .alreadyInstalled: Terminal.note("outreach pre-commit hook is already installed")
      case .replaced(let backup): Terminal.note("installed the outreach pre-commit hook; the old one is in \(backup)")
      default: Terminal.note("installed the outreach pre-commit hook")
      }
    }
  }

  struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "uninstall", abstract: "Remove the pre-commit hook if outreach installed it.")

    func run() throws {
      switch try GitHook.uninstall(in: FileManager.default.currentDirectoryPath) {
      case .notInstalled: Terminal.note("no pre-commit hook to remove")
      case .restored(let backup):
        Terminal.note("removed the outreach pre-commit hook and put back the one it replaced (\(backup))")
      default: Terminal.note("removed the outreach pre-commit hook")
      }
    }
  }

  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract:
        "What the installed hook runs: lint the staged emails as the index holds them, and check staged Templates/ and Rules/.")

    @OptionGroup var ruleOptions: RuleOptions

    func run() throws {
      let directory = FileManager.default.currentDirectoryPath
      let staged = try GitHook.stagedEmails(in: directory)
      var status: Int32 = 0
      if staged.checkNeeded {
        // `check` on the staged Templates/ and Rules/, checked out of the index.
        let folder = NSTemporaryDirectory() + "outreach-hook-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try GitHook.checkoutStagedTemplates(in: directory, to: folder)
        let report = Checker(folder: folder, today: Day(date: Date())).run(configPath: nil)
        let relabel = { (text: String) in text.replacingOccurrences(of: folder + "/", with: "") }
        for warning in report.warnings { Terminal.note(relabel(warning.description)) }
        Terminal.report(
          .text,
          findings: report.findings.map { finding in
            var copy = finding
            copy.path = relabel(copy.path)
            return copy
          }, rules: report.rules)
        for error in report.errors { Terminal.error(relabel(error.description)) }
        status = max(status, report.exitCode)
      }
      if !staged.emails.isEmpty {
        let session = try ruleOptions.session()
        for warning in session.warnings { Terminal.note(warning.description) }
        var report = LintReport()
        for (path, bytes) in staged.emails {
          do {
            let result = try session.linter.lint(path: path, bytes: bytes, kind: EmailKind.of(path: path))
            report.findings += result.findings
            report.warnings += result.warnings
            report.filesLinted += 1
          } catch let error as OutreachError {
            report.errors.append(error)
          }
        }
        Terminal.report(.text, findings: report.findings, rules: session.linter.rules)
        for warning in report.warnings { Terminal.note(warning.description) }
        for error in report.errors { Terminal.error(error.description) }
        Terminal.note("staged emails: " + Reporters.summary(report.findings, files: report.filesLinted, errors: report.errors))
        status = max(status, report.exitCode(failOn: .error))
      }
      throw ExitCode(status)
    }
  }
}
