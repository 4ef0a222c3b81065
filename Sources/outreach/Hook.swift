import ArgumentParser
import Foundation
import OutreachKit

struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook",
    abstract: "Install or remove a plain git pre-commit hook that runs outreach check and lint.",
    subcommands: [Install.self, Uninstall.self]
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
      default: Terminal.note("removed the outreach pre-commit hook")
      }
    }
  }
}
