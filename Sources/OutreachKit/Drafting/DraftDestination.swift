import Foundation

/// Where `draft` hands its drafts: standard output (the email file, JSON,
/// or an mbox of `.eml` messages), a folder (`--out`, written by `DraftRun`),
/// or an IMAP Drafts mailbox. Every draft handed over is recorded in the
/// ledger here, in one place, whatever the destination.
public final class DraftDestination {
  public enum Kind {
    case text
    case json
    case mbox
    /// `--out`: `DraftRun` writes the files; the destination records them.
    case folder(eml: Bool)
    case imap(IMAPSession)
  }

  public let kind: Kind
  let team: TemplateSet.Team
  let today: Day
  let ledger: Ledger
  private var entries: [Ledger.Entry] = []
  private var drafts: [Draft] = []
  /// Drafts handed over (printed, written or appended).
  public private(set) var handed = 0
  /// Drafts kept out of the IMAP mailbox because of lint findings.
  public private(set) var notAppended = 0
  /// Writes to standard output (the command's, which knows the terminal).
  let write: (Data) -> Void

  public init(_ kind: Kind, team: TemplateSet.Team, today: Day, ledger: Ledger, write: @escaping (Data) -> Void) {
    self.kind = kind
    self.team = team
    self.today = today
    self.ledger = ledger
    self.write = write
  }

  var domain: String { String(team.senderEmail.split(separator: "@").last ?? "outreach.invalid") }

  /// Hands `draft` over, and notes it for the ledger.
  public func hand(_ draft: Draft) {
    let messageID = draft.messageID(today: today, domain: domain)
    let destination: String
    switch kind {
    case .text:
      write(Data(((handed > 0 ? "\n" : "") + draft.text).utf8))
      destination = "stdout"
    case .json:
      drafts.append(draft)
      destination = "json"
    case .mbox:
      write(Data(MboxWriter.entry(draft.message(from: team, today: today), date: today.unixTime(hour: 9))))
      destination = "mbox"
    case .folder(let eml):
      destination = eml ? "out-eml" : "out"
    case .imap(let session):
      // A draft with lint findings stays out of the mailbox (exit 1).
      guard draft.findings.isEmpty else {
        notAppended += 1
        return
      }
      let before = session.appended + session.alreadyThere
      session.append(draft.message(from: team, today: today, crlf: true), messageID: messageID)
      guard session.appended + session.alreadyThere > before else { return }
      destination = "imap"
    }
    handed += 1
    entries.append(Ledger.Entry(draft, messageID: messageID, today: today, destination: destination))
  }

  /// Ends the run: the JSON array is printed, and the ledger written.
  /// Returns a warning when the ledger could not be written.
  public func finish() -> Warning? {
    if case .json = kind { write(Data(DraftJSON.render(drafts).utf8)) }
    return ledger.record(entries)
  }
}
