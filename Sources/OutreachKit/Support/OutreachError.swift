import Foundation

/// Everything a user can see go wrong, in one place. Each message is one
/// line, names the file (and line, or key path) and says what to do.
public enum OutreachError: Error, Equatable, CustomStringConvertible, Sendable {
  case notFound(path: String)
  case unreadable(path: String, reason: String)
  case noEmails(folder: String)
  case noAccounts(folder: String)
  case invalidUTF8(path: String, line: Int)
  case binary(path: String)
  case empty(path: String)
  case tooLarge(path: String, bytes: Int, limit: Int)
  case symlinkLoop(path: String)
  /// A FIFO, device, socket or dangling link where a file was expected.
  case notAFile(path: String, what: String, fix: String)
  /// `lint --fix` left a file as it was (hard links, read-only, changed meanwhile).
  case fixRefused(path: String, problem: String, fix: String)
  case yaml(path: String, line: Int, column: Int, problem: String)
  case rule(path: String, line: Int, problem: String, fix: String)
  case config(path: String, line: Int, problem: String, fix: String)
  case account(path: String, line: Int, key: String, problem: String, fix: String)
  case template(path: String, line: Int, column: Int, problem: String, fix: String)
  case missingTemplate(name: String, fix: String)
  case draftEdited(path: String)
  case cannotWrite(path: String, reason: String)
  case hook(path: String, problem: String, fix: String)
  case tooComplex(path: String, line: Int, limit: Int)
  case mail(path: String, problem: String, fix: String)
  case imap(server: String, problem: String, fix: String)

  /// The case's name, so tests can show every error is reachable.
  public var name: String {
    switch self {
    case .notFound: return "notFound"
    case .unreadable: return "unreadable"
    case .noEmails: return "noEmails"
    case .noAccounts: return "noAccounts"
    case .invalidUTF8: return "invalidUTF8"
    case .binary: return "binary"
    case .empty: return "empty"
    case .tooLarge: return "tooLarge"
    case .symlinkLoop: return "symlinkLoop"
    case .notAFile: return "notAFile"
    case .fixRefused: return "fixRefused"
    case .yaml: return "yaml"
    case .rule: return "rule"
    case .config: return "config"
    case .account: return "account"
    case .template: return "template"
    case .missingTemplate: return "missingTemplate"
    case .draftEdited: return "draftEdited"
    case .cannotWrite: return "cannotWrite"
    case .hook: return "hook"
    case .tooComplex: return "tooComplex"
    case .mail: return "mail"
    case .imap: return "imap"
    }
  }

  public static let allNames = [
    "notFound", "unreadable", "noEmails", "noAccounts", "invalidUTF8", "binary", "empty", "tooLarge", "symlinkLoop", "notAFile",
    "fixRefused",
    "yaml",
    "rule",
    "config", "account", "template", "missingTemplate", "draftEdited", "cannotWrite", "hook", "tooComplex", "mail", "imap",
  ]

  public var description: String {
    switch self {
    case .notFound(let path):
      return "\(path): no such file or folder; check the path"
    case .unreadable(let path, let reason):
      return "\(path): cannot read (\(reason)); check its permissions"
    case .noEmails(let folder):
      return "\(folder): no email files here (.md, .markdown, .txt, .eml, .msg, .mbox); point at a file or another folder"
    case .noAccounts(let folder):
      return "\(folder): no account files here (.yml, .yaml, .json); point at a file or another folder"
    case .invalidUTF8(let path, let line):
      return "\(path):\(line): not valid UTF-8; save the file as UTF-8"
    case .binary(let path):
      return "\(path): binary file (it has NUL bytes); lint text files only"
    case .empty(let path):
      return "\(path): empty file; write the email or remove the file"
    case .tooLarge(let path, let bytes, let limit):
      let size = bytes / 1_000_000 > limit / 1_000_000 ? "\(bytes / 1_000_000) MB" : "more than \(limit / 1_000_000) MB"
      return "\(path): \(size) is over the \(limit / 1_000_000) MB limit for one file; split it into smaller files"
    case .symlinkLoop(let path):
      return "\(path): symbolic link loop; skipped it, remove or fix the link"
    case .notAFile(let path, let what, let fix):
      return "\(path): \(what); \(fix)"
    case .fixRefused(let path, let problem, let fix):
      return "\(path): \(problem), so --fix left it as it was; \(fix)"
    case .yaml(let path, let line, let column, let problem):
      return "\(path):\(line):\(column): invalid YAML: \(problem); fix the syntax at that spot"
    case .rule(let path, let line, let problem, let fix):
      return "\(path):\(line): \(problem); \(fix)"
    case .config(let path, let line, let problem, let fix):
      return "\(path):\(line): \(problem); \(fix)"
    case .account(let path, let line, let key, let problem, let fix):
      return "\(path):\(line): \(key): \(problem); \(fix)"
    case .template(let path, let line, let column, let problem, let fix):
      return "\(path):\(line):\(column): \(problem); \(fix)"
    case .missingTemplate(let name, let fix):
      return "Templates/\(name).mustache: template not found; \(fix)"
    case .draftEdited(let path):
      return "\(path): edited since outreach wrote it; kept it, rerun with --force to replace it"
    case .cannotWrite(let path, let reason):
      return "\(path): cannot write (\(reason)); check the folder exists and is writable"
    case .hook(let path, let problem, let fix):
      return "\(path): \(problem); \(fix)"
    case .mail(let path, let problem, let fix):
      return "\(path): \(problem); \(fix)"
    case .imap(let server, let problem, let fix):
      return "\(server): \(problem); \(fix)"
    case .tooComplex(let path, let line, let limit):
      return
        "\(path):\(line): more than \(limit) values once YAML aliases are expanded (an alias bomb?); write the values out or split the file"
    }
  }
}
