import ArgumentParser
import Foundation
import OutreachKit

extension Stage: ExpressibleByArgument {}

/// Options shared by `draft`, `recipients` and `check`.
struct DraftOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "A templates folder (default: Templates/ found from the current folder upward, else the built-in one).", valueName: "dir"))
  var templates: String?

  @Option(help: ArgumentHelp("Today's date, so that runs reproduce (default: the system date).", valueName: "yyyy-mm-dd"))
  var today: String?

  @Option(
    help: ArgumentHelp(
      "A users export (CSV) for the accounts of an export, joined by its account, company or domain column.",
      valueName: "file.csv"))
  var users: String?

  @Option(
    name: .customLong("history"),
    help: ArgumentHelp(
      "Read what was sent and who answered from this mailbox (repeatable): an IMAP URL (the account: INBOX and Sent; or one mailbox), an .mbox file or a folder of .eml/.mbox files.",
      valueName: "source"))
  var history: [String] = []

  /// The mail history of `--history` and the configuration's `history:`;
  /// nil when there is none.
  func mailHistory(configuration: Configuration, team: TemplateSet.Team) throws -> MailHistory? {
    let sources = history + configuration.history.filter { !history.contains($0) }
    guard !sources.isEmpty else { return nil }
    let sender = Set(([team.senderEmail.lowercased()] + team.senderAliases).filter { $0.contains("@") })
    guard !sender.isEmpty else {
      throw OutreachError.config(
        path: "team.yml", line: 1, problem: "`sender.email` is missing, and history needs to know which emails are yours",
        fix: "add `email: you@example.com` under `sender:` (and `aliases:` for other addresses you write from)")
    }
    return try MailHistory.read(
      sources: sources, sender: sender, ledger: Ledger(), environment: ProcessInfo.processInfo.environment)
  }

  /// What `draft`, `recipients` and `history` start from: the rule
  /// session, the drafter (linting what it drafts when `lintDrafts`), and
  /// the run over accounts.
  func start(_ ruleOptions: RuleOptions, lintDrafts: Bool = false) throws -> (
    session: LintSession, drafter: Drafter, run: DraftRun
  ) {
    let session = try ruleOptions.session()
    let drafter = Drafter(
      templates: try templateSet(), configuration: session.configuration, today: try todayValue(),
      linter: lintDrafts ? session.linter : nil)
    return (session, drafter, DraftRun(drafter: drafter, linter: session.linter))
  }

  func todayValue() throws -> Day {
    guard let today else { return Day(date: Date()) }
    guard let day = Day(today) else { throw ValidationError("--today \(today) is not a date; write it like 2026-11-22") }
    return day
  }

  func templateSet() throws -> TemplateSet {
    if let templates { return try TemplateSet.load(folder: templates) }
    if let found = RuleSet.findUpward("Templates"), FileManager.default.fileExists(atPath: found + "/onboarding.mustache") {
      return try TemplateSet.load(folder: found)
    }
    return try TemplateSet.load(folder: nil)
  }
}

struct DraftCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "draft",
    abstract: "Draft the next email for each account (files, or folders of .yml, .yaml and .json).",
    discussion: """
      The stage comes from the account's history: onboarding when it is empty, check-in when \
      the last email was replied to, no-response when it was not. Every draft is linted; \
      findings go to standard error and make the exit status 1. With --out, a draft \
      that a person edited since outreach wrote it is kept unless --force is given.
      """
  )

  @Argument(
    help: ArgumentHelp(
      "Account files or folders, or exports with one account a row (.csv, .tsv, .jsonl, a JSON array or query result).",
      valueName: "account"))
  var accounts: [String]

  @Option(help: "Draft this stage instead of the one history gives.")
  var stage: Stage?

  @Option(help: ArgumentHelp("Write one file a draft into this folder instead of standard output.", valueName: "dir"))
  var out: String?

  @Flag(help: "With --out, replace drafts even when a person edited them.")
  var force = false

  @Option(help: "Output format.")
  var format: DraftFormat = .text

  enum DraftFormat: String, ExpressibleByArgument, CaseIterable { case text, json, eml }

  @Option(
    help: ArgumentHelp(
      "Append each draft to this IMAP mailbox with the \\Draft flag: imaps://USER@HOST[:PORT]/MAILBOX. Password from OUTREACH_IMAP_PASSWORD or ~/.netrc, OAuth2 token from OUTREACH_IMAP_TOKEN.",
      valueName: "url"))
  var imap: String?

  @OptionGroup var draftOptions: DraftOptions
  @OptionGroup var ruleOptions: RuleOptions

  func validate() throws {
    if force && out == nil { throw ValidationError("--force only makes sense with --out") }
    if imap != nil && format == .json { throw ValidationError("--imap appends messages; it does not go with --format json") }
  }

  func run() throws {
    let (session, drafter, run) = try draftOptions.start(ruleOptions, lintDrafts: true)
    let mail = format == .eml || imap != nil
    if mail { try Draft.requireMailSupport() }
    let team = drafter.templates.team
    if mail, !team.senderEmail.contains("@") {
      throw OutreachError.config(
        path: drafter.templates.origin + "/team.yml", line: 1,
        problem: "`sender.email` is missing, and a message needs a From address",
        fix: "add `email: you@example.com` under `sender:`")
    }
    var mailbox: IMAPSession? = nil
    if let imap { mailbox = try IMAPSession(url: imap, environment: ProcessInfo.processInfo.environment) }
    let kind: DraftDestination.Kind =
      mailbox.map { .imap($0) }
      ?? (out != nil ? .folder(eml: format == .eml) : format == .json ? .json : format == .eml ? .mbox : .text)
    let destination = DraftDestination(kind, team: team, today: drafter.today, ledger: Ledger()) { data in
      switch kind {
      case .json: Terminal.writeJSON(String(decoding: data, as: UTF8.self))
      case .mbox: Terminal.emit(STDOUT_FILENO, data)
      default: Terminal.write(String(decoding: data, as: UTF8.self))
      }
    }
    var printed = 0
    let progress = isatty(STDERR_FILENO) == 1
    var options = DraftRun.Options(stage: stage, today: drafter.today, outFolder: out, force: force, eml: format == .eml)
    options.users = draftOptions.users
    options.history = try draftOptions.mailHistory(configuration: session.configuration, team: team)
    let result = run.run(accounts, options: options) { draft in
      destination.hand(draft)
      printed += 1
      if progress, printed % 100 == 0 { Terminal.emit(STDERR_FILENO, Data("\r\(printed) drafts…".utf8)) }
    }
    if progress, printed >= 100 { Terminal.emit(STDERR_FILENO, Data("\r".utf8)) }
    if let warning = destination.finish() { Terminal.note(warning.description) }
    let notAppended = destination.notAppended
    for warning in session.warnings + result.warnings { Terminal.note(warning.description) }
    if !result.findings.isEmpty {
      Terminal.noteLines(
        TextReporter.render(result.findings, rules: session.linter.rules, color: false).trimmingCharacters(in: .newlines))
    }
    for path in result.kept { Terminal.error(OutreachError.draftEdited(path: path).description) }
    for error in result.errors { Terminal.error(error.description) }
    var summary = "\(printed) draft\(printed == 1 ? "" : "s") for \(result.accounts) account\(result.accounts == 1 ? "" : "s")"
    if out != nil {
      summary += ", \(result.written) written" + (result.kept.isEmpty ? "" : ", \(result.kept.count) kept because edited")
    }
    if !result.findings.isEmpty { summary += ", \(result.findings.count) lint finding\(result.findings.count == 1 ? "" : "s")" }
    if !result.errors.isEmpty { summary += ", \(result.errors.count) failed" }
    var exitCode = result.exitCode
    if let mailbox {
      mailbox.finish()
      if let error = mailbox.error {
        // One line: what went wrong, and what happened to the batch.
        var counts = "\(mailbox.appended) appended before it"
        if mailbox.skipped > 0 { counts += ", \(mailbox.skipped) not tried" }
        Terminal.error(error.description + " (\(counts))")
        throw ExitCode(2)
      }
      Terminal.note(summary)
      var line = "\(mailbox.appended) appended, \(mailbox.alreadyThere) already in \(mailbox.mailboxName)"
      if notAppended > 0 { line += ", \(notAppended) not appended because of lint findings" }
      Terminal.note(line)
    } else {
      Terminal.note(summary)
    }
    if result.exitCode > exitCode { exitCode = result.exitCode }
    throw ExitCode(exitCode)
  }
}

struct RecipientsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recipients",
    abstract: "Show who `draft` would write to, with role and reason."
  )

  @Argument(
    help: ArgumentHelp(
      "Account files or folders, or exports with one account a row (.csv, .tsv, .jsonl, a JSON array or query result).",
      valueName: "account"))
  var accounts: [String]

  @Option(help: "Use the people for this stage instead of the one history gives.")
  var stage: Stage?

  @Option(help: "Output format.")
  var format: DraftCommand.DraftFormat = .text

  @OptionGroup var draftOptions: DraftOptions
  @OptionGroup var ruleOptions: RuleOptions

  func run() throws {
    let (session, drafter, run) = try draftOptions.start(ruleOptions)
    var result = DraftRun.Result()
    var all: [Recipient] = []
    var count = 0
    let stage = self.stage
    let history = try draftOptions.mailHistory(configuration: session.configuration, team: drafter.templates.team)
    run.forEachAccount(
      accounts, users: draftOptions.users, result: &result,
      work: { original in
        var account = original
        if let history { account.history = history.merged(account) }
        let people = try drafter.recipients(for: account, stage: stage)
        if people.isEmpty { throw drafter.nobodyToWriteTo(account) }
        return (account.name, people)
      },
      each: { name, people in
        all += people
        if format == .text {
          if count > 0 || accounts.count > 1 { Terminal.write((count > 0 ? "\n" : "") + "# \(name)\n") }
          for person in people {
            Terminal.write(
              "\(Escaping.address(name: person.name, email: person.email))  \(person.role.rawValue)  \(person.reason)\n")
          }
        }
        count += 1
      })
    if format == .json { Terminal.writeJSON(DraftJSON.render(all)) }
    for warning in session.warnings + result.warnings { Terminal.note(warning.description) }
    for error in result.errors { Terminal.error(error.description) }
    throw ExitCode(result.errors.isEmpty ? 0 : 2)
  }
}

struct HistoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history",
    abstract: "Print the history drafting will use for each account: its file's, merged with what --history reads from mail.",
    discussion: """
      As YAML in the account file's `history:` shape, or JSON. No body text is printed. \
      IMAP is read read-only: EXAMINE and BODY.PEEK, nothing is marked seen.
      """
  )

  @Argument(help: ArgumentHelp("Account files or folders, or exports.", valueName: "account"))
  var accounts: [String]

  @Option(help: "Output format.")
  var format: HistoryFormat = .yaml

  enum HistoryFormat: String, ExpressibleByArgument, CaseIterable { case yaml, json }

  @OptionGroup var draftOptions: DraftOptions
  @OptionGroup var ruleOptions: RuleOptions

  func run() throws {
    let (session, drafter, run) = try draftOptions.start(ruleOptions)
    let history = try draftOptions.mailHistory(configuration: session.configuration, team: drafter.templates.team)
    var result = DraftRun.Result()
    var all: [(name: String, file: String, entries: [HistoryEntry])] = []
    run.forEachAccount(
      accounts, users: draftOptions.users, result: &result,
      work: { account in
        let entries = history?.merged(account) ?? account.history
        return (account.name, account.file, entries)
      },
      each: { all.append($0) })
    switch format {
    case .json:
      Terminal.writeJSON(HistoryOutput.json(all))
    case .yaml:
      Terminal.write(HistoryOutput.yaml(all))
    }
    for warning in session.warnings + result.warnings { Terminal.note(warning.description) }
    for error in result.errors { Terminal.error(error.description) }
    if let history { Terminal.note(history.summary) }
    if !result.errors.isEmpty { throw ExitCode(2) }
  }
}
