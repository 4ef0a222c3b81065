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
    let session = try ruleOptions.session()
    let drafter = Drafter(
      templates: try draftOptions.templateSet(), configuration: session.configuration, today: try draftOptions.todayValue(),
      linter: session.linter)
    let run = DraftRun(drafter: drafter, linter: session.linter)
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
    var drafts: [Draft] = []
    var printed = 0
    var notAppended = 0
    let progress = isatty(STDERR_FILENO) == 1
    var options = DraftRun.Options(stage: stage, today: drafter.today, outFolder: out, force: force, eml: format == .eml)
    options.users = draftOptions.users
    let result = run.run(accounts, options: options) { draft in
      if let mailbox {
        // A draft with lint findings stays out of the mailbox (exit 1).
        if draft.findings.isEmpty {
          mailbox.append(
            draft.message(from: team, today: drafter.today, crlf: true),
            messageID: draft.messageID(
              today: drafter.today, domain: String(team.senderEmail.split(separator: "@").last ?? "")))
        } else {
          notAppended += 1
        }
      } else if format == .json {
        drafts.append(draft)
      } else if out == nil, format == .eml {
        let message = draft.message(from: team, today: drafter.today)
        Terminal.emit(STDOUT_FILENO, Data(MboxWriter.entry(message, date: drafter.today.unixTime(hour: 9))))
      } else if out == nil {
        Terminal.write((printed > 0 ? "\n" : "") + draft.text)
      }
      printed += 1
      if progress, printed % 100 == 0 { Terminal.emit(STDERR_FILENO, Data("\r\(printed) drafts…".utf8)) }
    }
    if progress, printed >= 100 { Terminal.emit(STDERR_FILENO, Data("\r".utf8)) }
    if format == .json { Terminal.writeJSON(DraftJSON.render(drafts)) }
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
    let session = try ruleOptions.session()
    let drafter = Drafter(
      templates: try draftOptions.templateSet(), configuration: session.configuration, today: try draftOptions.todayValue())
    let run = DraftRun(drafter: drafter, linter: session.linter)
    var result = DraftRun.Result()
    var all: [Recipient] = []
    var count = 0
    let stage = self.stage
    run.forEachAccount(
      accounts, users: draftOptions.users, result: &result,
      work: { account in
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
