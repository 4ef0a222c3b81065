import Foundation

/// `outreach draft` and `outreach recipients` as a library call: read
/// accounts, draft, lint every draft, and report what happened.
public struct DraftRun: Sendable {
  public struct Options: Sendable {
    public var stage: Stage?
    public var today: Day
    public var outFolder: String?
    public var force = false
    /// Write `.eml` messages instead of Markdown email files.
    public var eml = false
    /// A users export joined to the accounts of an export (`--users`).
    public var users: String? = nil
    /// History read from the mailbox (`--history`), merged with each
    /// account's own before it is drafted.
    public var history: MailHistory? = nil
    public init(stage: Stage? = nil, today: Day, outFolder: String? = nil, force: Bool = false, eml: Bool = false) {
      self.stage = stage
      self.today = today
      self.outFolder = outFolder
      self.force = force
      self.eml = eml
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

  /// Reads every account file named (folders expanded) and runs `work` on
  /// each, on every core, a chunk at a time so memory stays flat; `each`
  /// gets the results in file order. An account that cannot be read is an
  /// error in `result`, and the others go on.
  public func forEachAccount<Value: Sendable>(
    _ paths: [String], users: String? = nil, result: inout Result, work: @Sendable @escaping (Account) throws -> Value,
    each: (Value) -> Void
  ) {
    // Account files (folders expanded) and the rows of exports, in the
    // order given. An export is a file named on the command line (`.csv`,
    // `.tsv`, `.jsonl`, a JSON array or query result); a CSV found in a
    // folder is a user list an account file names, not an export.
    var inputs: [AccountInput] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
        AccountTable.isTable(path)
      {
        do {
          inputs += try AccountTable.load(path: path, users: users, warnings: &result.warnings).map(AccountInput.row)
        } catch let error as OutreachError {
          result.errors.append(error)
        } catch {
          result.errors.append(.unreadable(path: path, reason: "\(error)"))
        }
        continue
      }
      let (files, errors) = FileWalker.expand([path], extensions: FileWalker.accountExtensions) { .noAccounts(folder: $0) }
      result.errors += errors
      inputs += files.map(AccountInput.file)
    }
    // Chunks of accounts are read and drafted on every core while the
    // chunk before is delivered on this thread (named, written, emitted in
    // order), so no core waits for the writing.
    let chunkSize = 64
    typealias Outcome = (Swift.Result<Value, OutreachError>, [Warning])
    @Sendable func draft(_ chunk: [AccountInput], into box: ResultBox<Outcome>) {
      // Each account's warnings are kept whether or not it then fails (a
      // skipped user, then nobody left to write to).
      DispatchQueue.concurrentPerform(iterations: chunk.count) { index in
        var warnings: [Warning] = []
        let label: String
        switch chunk[index] {
        case .file(let path): label = path
        case .row(let row): label = "\(row.path):\(row.number)"
        }
        do {
          let (account, loaded): (Account, [Warning])
          switch chunk[index] {
          case .file(let path): (account, loaded) = try AccountLoader.load(path: path)
          case .row(let row): (account, loaded) = try AccountLoader.load(row: row)
          }
          warnings = loaded
          box.set(index, (.success(try work(account)), warnings))
        } catch let error as OutreachError {
          box.set(index, (.failure(error), warnings))
        } catch {
          box.set(index, (.failure(.unreadable(path: label, reason: "\(error)")), warnings))
        }
      }
    }
    func deliver(_ box: ResultBox<Outcome>) {
      for (outcome, warnings) in box.values {
        result.warnings += warnings
        switch outcome {
        case .success(let value):
          result.accounts += 1
          each(value)
        case .failure(let error):
          result.errors.append(error)
        }
      }
    }
    let chunks = stride(from: 0, to: inputs.count, by: chunkSize).map {
      Array(inputs[$0..<min($0 + chunkSize, inputs.count)])
    }
    guard !chunks.isEmpty else { return }
    var ready = ResultBox<Outcome>(count: chunks[0].count)
    draft(chunks[0], into: ready)
    for next in chunks.dropFirst() {
      let drafting = DispatchGroup()
      let box = ResultBox<Outcome>(count: next.count)
      DispatchQueue.global().async(group: drafting) { draft(next, into: box) }
      deliver(ready)
      drafting.wait()
      ready = box
    }
    deliver(ready)
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
    struct Outcome: Sendable {
      var source = ""
      var drafts: [(draft: Draft, content: String?)] = []
    }
    let (drafter, linter) = (self.drafter, self.linter)
    var findings: [Finding] = []
    var kept: [String] = []
    var written = 0
    var writeErrors: [OutreachError] = []
    // Names are given in file order, one draft at a time, so that each
    // draft of the run has its own and the same one in every run.
    var names = DraftNames(owners: writer?.owners ?? [:])
    // Accounts are read, drafted and linted on every core; drafts are
    // named, written and emitted in order.
    forEachAccount(
      paths, users: options.users, result: &result,
      work: { original in
        var account = original
        if let history = options.history { account.history = history.merged(account) }
        var outcome = Outcome(source: account.file)
        for draft in try drafter.drafts(for: account, stage: options.stage) {
          let content =
            writer == nil
            ? nil
            : options.eml
              ? String(decoding: draft.message(from: drafter.templates.team, today: options.today), as: UTF8.self) : draft.text
          outcome.drafts.append((draft, content))
        }
        return outcome
      },
      each: { outcome in
        for (original, content) in outcome.drafts {
          var draft = original
          let name = names.claim(options.eml ? draft.emlFileName : draft.fileName, for: draft, source: outcome.source)
          draft.fileName = options.eml ? String(name.dropLast(4)) + ".md" : name
          let label = options.outFolder.map { $0 + "/" + name } ?? name
          let raised = drafter.linter == nil ? linter.lint(path: label, text: draft.text) : draft.findings
          findings += raised.map { finding in
            var relabelled = finding
            relabelled.path = label
            return relabelled
          }
          if let writer, let content {
            do {
              switch try writer.write(content, name: name, owner: DraftNames.key(draft)) {
              case .written: written += 1
              case .unchanged: break
              case .keptEdited: kept.append(label)
              }
            } catch let error as OutreachError {
              writeErrors.append(error)
            } catch {
              writeErrors.append(.cannotWrite(path: label, reason: "\(error)"))
            }
          }
          emit(draft)
        }
      })
    result.findings = findings
    result.errors += writeErrors
    result.kept = kept
    result.written = written
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

  /// The name and address exactly as the To: header writes them
  /// (sanitised, quoted when RFC 5322 needs it), so a tool that builds mail
  /// from the JSON cannot be handed a header line.
  public static func person(_ recipient: Recipient) -> Person {
    Person(
      name: Escaping.headerName(recipient.name),
      email: Escaping.sanitize(recipient.email).replacingOccurrences(of: " ", with: ""),
      role: recipient.role.rawValue, reason: Escaping.sanitize(recipient.reason))
  }

  public static func render(_ drafts: [Draft]) -> String { encodeJSON(drafts.map(DraftJSON.init)) }
  public static func render(_ recipients: [Recipient]) -> String { encodeJSON(recipients.map(person)) }
}

/// Where an account comes from: its own file, or a row of an export.
enum AccountInput: Sendable {
  case file(String)
  case row(AccountTable.Row)
}
