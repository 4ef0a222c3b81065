import Foundation

/// `outreach hook install|uninstall`: a plain git pre-commit hook for teams
/// that do not use the pre-commit framework.
public enum GitHook {
  public static let marker = "# Installed by `outreach hook install`; `outreach hook uninstall` removes it."

  /// The script: `outreach check` when Templates/ or Rules/ change, and
  /// `outreach lint` on the staged email files.
  public static func script(binary: String) -> String {
    let quoted = "'" + binary.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return """
      #!/bin/sh
      \(marker)
      OUTREACH=\(quoted)
      command -v "$OUTREACH" >/dev/null 2>&1 || OUTREACH=outreach
      staged=$(git diff --cached --name-only --diff-filter=ACMR)
      status=0
      if printf '%s\\n' "$staged" | grep -qE '^(Templates|Rules)/'; then
        "$OUTREACH" check || status=1
      fi
      emails=$(printf '%s\\n' "$staged" | grep -E '\\.(md|markdown|txt|eml)$' | grep -vE '(^|/)(README|CHANGELOG|CONTRIBUTING|LICENSE)[^/]*$' | grep -vE '^(Templates|Rules)/' || true)
      if [ -n "$emails" ]; then
        printf '%s\\n' "$emails" | tr '\\n' '\\0' | xargs -0 "$OUTREACH" lint || status=1
      fi
      exit $status

      """
  }

  /// The hooks folder git uses (honours core.hooksPath and worktrees).
  public static func hooksFolder(in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "rev-parse", "--git-path", "hooks"]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = Pipe()
    do { try process.run() } catch {
      throw OutreachError.hook(path: directory, problem: "cannot run git", fix: "install git")
    }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    process.waitUntilExit()
    guard process.terminationStatus == 0, !output.isEmpty else {
      throw OutreachError.hook(
        path: directory, problem: "not inside a git repository",
        fix: "run it from the repository that holds Templates/ and Rules/")
    }
    return output.hasPrefix("/") ? output : (directory as NSString).appendingPathComponent(output)
  }

  public enum Outcome: Equatable, Sendable {
    case installed
    case replaced(backup: String)
    case alreadyInstalled, removed, notInstalled
  }

  public static func install(in directory: String, binary: String, force: Bool) throws -> Outcome {
    let folder = try hooksFolder(in: directory)
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/pre-commit"
    let script = script(binary: binary)
    var outcome = Outcome.installed
    if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
      if existing == script { return .alreadyInstalled }
      if !existing.contains(marker) {
        guard force else {
          throw OutreachError.hook(
            path: path, problem: "a different pre-commit hook is already there",
            fix: "rerun with --force to replace it (it is kept as pre-commit.outreach-backup)")
        }
        let backup = path + ".outreach-backup"
        try? FileManager.default.removeItem(atPath: backup)
        try FileManager.default.moveItem(atPath: path, toPath: backup)
        outcome = .replaced(backup: backup)
      }
    }
    try DraftWriter.atomicWrite(script, to: path)
    chmod(path, 0o755)
    return outcome
  }

  public static func uninstall(in directory: String) throws -> Outcome {
    let path = try hooksFolder(in: directory) + "/pre-commit"
    guard let existing = try? String(contentsOfFile: path, encoding: .utf8) else { return .notInstalled }
    guard existing.contains(marker) else {
      throw OutreachError.hook(
        path: path, problem: "this pre-commit hook was not installed by outreach",
        fix: "left it alone; remove it by hand if you mean to")
    }
    try FileManager.default.removeItem(atPath: path)
    return .removed
  }
}
