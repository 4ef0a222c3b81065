import Foundation

/// `outreach draft` and `outreach recipients` as a library call: read
/// accounts, draft, lint every draft, and report what happened.
public struct DraftRun: Sendable {
  public struct Options: Sendable {
    public var stage: Stage?
    public var today: Day
    public var outFolder: String?
    public var force = false
    public init(stage: Stage? = nil, today: Day, outFolder: String? = nil, force: Bool = false) {
      self.stage = stage
      self.today = today
      self.outFolder = outFolder
      self.force = force
    }
  }

  public struct Result {
    public var drafts: [Draft] = []
    public var warnings: [Warning] = []
    public var errors: [OutreachError] = []
    public var findings: [Finding] = []
    public var kept: [String] = []
    public var written = 0
    public var accounts = 0

    public init() {}

    public var exitCode: Int32 {
      if !errors.isEmpty { return 2 }
      return kept.isEmpty && findings.isEmpty ? 0 : 1
    }
  }

  public let drafter: Drafter
  public let linter: Linter

  public init(drafter: Drafter, linter: Linter) {
    self.drafter = drafter
    self.linter = linter
  }

  /// Reads every account file named (folders expanded), one at a time, so
  /// memory stays flat in the number of accounts.
  public func loadAccounts(_ paths: [String], each: (Account) throws -> Void, result: inout Result) {
    let (files, errors) = FileWalker.expand(paths, extensions: FileWalker.accountExtensions) { .noAccounts(folder: $0) }
    result.errors += errors
    for file in files {
      do {
        let (account, warnings) = try AccountLoader.load(path: file)
        result.warnings += warnings
        result.accounts += 1
        try each(account)
      } catch let error as OutreachError {
        result.errors.append(error)
      } catch {
        result.errors.append(.unreadable(path: file, reason: "\(error)"))
      }
    }
  }

  public func run(_ paths: [String], options: Options, emit: (Draft) -> Void) -> Result {
    var result = Result()
    var openedWriter: DraftWriter? = nil
    if let folder = options.outFolder {
      do { openedWriter = try DraftWriter(folder: folder, force: options.force) } catch let error as OutreachError {
        result.errors.append(error)
        return result
      } catch { return result }
    }
    let writer = openedWriter
    let (files, errors) = FileWalker.expand(paths, extensions: FileWalker.accountExtensions) { .noAccounts(folder: $0) }
    result.errors += errors

    // Accounts are read, drafted, linted and written on every core, a
    // chunk at a time, so memory stays flat; drafts are emitted in order.
    struct Outcome: Sendable {
      var drafts: [Draft] = []
      var warnings: [Warning] = []
      var findings: [Finding] = []
      var kept: [String] = []
      var written = 0
      var error: OutreachError?
    }
    let chunkSize = 64
    var start = 0
    while start < files.count {
      let chunk = Array(files[start..<min(start + chunkSize, files.count)])
      start += chunkSize
      let box = ResultBox<Outcome>(count: chunk.count)
      DispatchQueue.concurrentPerform(iterations: chunk.count) { index in
        var outcome = Outcome()
        do {
          let (account, warnings) = try AccountLoader.load(path: chunk[index])
          outcome.warnings = warnings
          for draft in try drafter.drafts(for: account, stage: options.stage) {
            let label = options.outFolder.map { $0 + "/" + draft.fileName } ?? draft.fileName
            let findings = drafter.linter == nil ? linter.lint(path: label, text: draft.text) : draft.findings
            outcome.findings += findings.map { finding in
              var relabelled = finding
              relabelled.path = label
              return relabelled
            }
            if let writer {
              switch try writer.write(draft.text, name: draft.fileName) {
              case .written: outcome.written += 1
              case .unchanged: break
              case .keptEdited: outcome.kept.append(label)
              }
            }
            outcome.drafts.append(draft)
          }
        } catch let error as OutreachError {
          outcome.error = error
        } catch {
          outcome.error = .unreadable(path: chunk[index], reason: "\(error)")
        }
        box.set(index, outcome)
      }
      for outcome in box.values {
        if let error = outcome.error {
          result.errors.append(error)
          continue
        }
        result.accounts += 1
        result.warnings += outcome.warnings
        result.findings += outcome.findings
        result.kept += outcome.kept
        result.written += outcome.written
        outcome.drafts.forEach(emit)
      }
    }
    if let writer {
      do { try writer.saveManifest() } catch let error as OutreachError { result.errors.append(error) } catch {}
    }
    return result
  }
}

/// JSON shapes of contract section 4 and 5.
public struct DraftJSON: Encodable {
  public struct Person: Encodable {
    var name: String
    var email: String
    var role: String
    var reason: String
  }
  var account: String
  var stage: String
  var to: [Person]
  var subject: String
  var body: String
  var observations: [String]
  var noticed: [String]
  var file: String

  public init(_ draft: Draft) {
    account = draft.account
    stage = draft.stage.rawValue
    to = draft.to.map(Self.person)
    subject = draft.subject
    body = draft.body
    observations = draft.observations
    noticed = draft.noticed
    file = draft.fileName
  }

  public static func person(_ recipient: Recipient) -> Person {
    Person(name: recipient.name, email: recipient.email, role: recipient.role.rawValue, reason: recipient.reason)
  }

  public static func render(_ drafts: [Draft]) -> String { encodeJSON(drafts.map(DraftJSON.init)) }
  public static func render(_ recipients: [Recipient]) -> String { encodeJSON(recipients.map(person)) }
}
