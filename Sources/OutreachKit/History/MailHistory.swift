import Foundation

/// The history drafting uses, read from the mailbox: which email went to
/// which account on which day, at which stage, on which observations, and
/// whether anyone answered. Built once a run from every source; asked per
/// account, from every core.
///
/// - A message from the sender (`sender.email` and `sender.aliases` in
///   team.yml) to any address of an account (a user's, or its domain) is an
///   email sent. It counts as replied when a later message from an account
///   address names it in In-Reply-To or References, or has its subject
///   after `Re:`.
/// - Its stage and observations come from the ledger of drafts outreach
///   handed over, matched by Message-ID, else by recipients and subject
///   (Gmail gives a sent draft a new Message-ID).
/// - A sent email that matches no draft (a person wrote it) still counts: its
///   stage follows from its place in the thread, its observations are those
///   whose facts it names.
public final class MailHistory: @unchecked Sendable {
  let messages: [HistoryMessage]
  let sender: Set<String>
  private let ledgerByID: [String: Ledger.Entry]
  private let ledgerByAccount: [String: [Ledger.Entry]]
  /// Sent messages (from the sender) by recipient address and domain.
  private var sentTo: [String: [Int]] = [:]
  private var sentToDomain: [String: [Int]] = [:]
  /// Other messages by sender address and domain.
  private var from: [String: [Int]] = [:]
  private var fromDomain: [String: [Int]] = [:]
  /// IMAP readers by source, for a sent message's text; one at a time.
  private let readers: [Int: IMAPHistoryReader]
  private let lock = NSLock()
  /// Messages read over IMAP, by source, mailbox and UID.
  private var located: [String: Int] = [:]
  /// One line each: mailboxes read, and messages.
  public let summary: String

  init(messages: [HistoryMessage], sender: Set<String>, ledger: [Ledger.Entry], readers: [Int: IMAPHistoryReader]) {
    self.messages = messages
    self.sender = sender
    var byID: [String: Ledger.Entry] = [:]
    var byAccount: [String: [Ledger.Entry]] = [:]
    for entry in ledger {
      byID[entry.messageID] = entry
      byAccount[entry.account.lowercased(), default: []].append(entry)
      if let domain = entry.domain?.lowercased() { byAccount["@" + domain, default: []].append(entry) }
    }
    ledgerByID = byID
    ledgerByAccount = byAccount
    self.readers = readers
    summary = "\(messages.count) message\(messages.count == 1 ? "" : "s") read for history"
    for (index, message) in messages.enumerated() {
      if let (mailbox, uid) = message.location { located["\(message.source)\u{0}\(mailbox)\u{0}\(uid)"] = index }
      if let author = message.from, sender.contains(author) {
        for recipient in Set(message.recipients) where !sender.contains(recipient) {
          sentTo[recipient, default: []].append(index)
          if let domain = Self.domain(recipient) { sentToDomain[domain, default: []].append(index) }
        }
      } else if let author = message.from {
        from[author, default: []].append(index)
        if let domain = Self.domain(author) { fromDomain[domain, default: []].append(index) }
      }
    }
  }

  /// Reads every source. IMAP sources are read read-only, one login each.
  public static func read(
    sources: [String], sender: Set<String>, ledger: Ledger, environment: [String: String]
  ) throws -> MailHistory {
    var messages: [HistoryMessage] = []
    var readers: [Int: IMAPHistoryReader] = [:]
    for (number, text) in sources.enumerated() {
      let source = HistorySource(text)
      let (read, reader) = try source.messages(environment: environment) { author in
        author.map { sender.contains($0) } ?? false
      }
      for var message in read {
        message.source = number
        message.order = messages.count
        messages.append(message)
      }
      if let reader { readers[number] = reader }
    }
    return MailHistory(messages: messages, sender: sender, ledger: ledger.entries(), readers: readers)
  }

  static func domain(_ address: String) -> String? {
    address.split(separator: "@").last.map { String($0).lowercased() }
  }

  /// From messages already read (tests, benchmarks).
  public convenience init(messages: [HistoryMessage], sender: Set<String>, ledger: [Ledger.Entry]) {
    self.init(messages: messages, sender: sender, ledger: ledger, readers: [:])
  }

  /// What the mailbox says about `account`, oldest first.
  public func entries(for account: Account, observations: [Observation]) -> [HistoryEntry] {
    let users = Set(account.users.map { $0.email.lowercased() }).subtracting(sender)
    let domain = account.domain?.lowercased()
    func belongs(_ address: String) -> Bool {
      users.contains(address) || (domain.map { Self.domain(address) == $0 } ?? false)
    }
    var sentIndices = Set(users.flatMap { sentTo[$0] ?? [] })
    if let domain { sentIndices.formUnion(sentToDomain[domain] ?? []) }
    var replyIndices = Set(users.flatMap { from[$0] ?? [] })
    if let domain { replyIndices.formUnion(fromDomain[domain] ?? []) }
    let sent = sentIndices.sorted { Self.before(messages[$0], messages[$1]) }
    let replies = replyIndices.map { messages[$0] }
    var out: [HistoryEntry] = []
    // Sent emails no draft matches (a person wrote them), by entry.
    var written: [(entry: Int, message: HistoryMessage)] = []
    for index in sent {
      let message = messages[index]
      let to = message.recipients.filter(belongs)
      var replied = replies.contains { reply in
        guard !Self.before(reply, message) else { return false }
        if let id = message.messageID, reply.answers.contains(id) { return true }
        return HeaderValues.isReply(reply.subject) && HeaderValues.thread(reply.subject) == HeaderValues.thread(message.subject)
      }
      // Over IMAP a reply that names it only in References: the server
      // searches, for the latest email (the one the stage follows from).
      if !replied, index == sent.last, message.location != nil, let id = message.messageID,
        let reader = readers[message.source]
      {
        lock.lock()
        let found = namingReplies(id, source: message.source, reader: reader)
        lock.unlock()
        replied = found.contains { mailbox, uid in
          guard let other = located["\(message.source)\u{0}\(mailbox)\u{0}\(uid)"] else { return false }
          let reply = messages[other]
          return reply.from.map(belongs) == true && !Self.before(reply, message)
        }
      }
      var entry = HistoryEntry(stage: .onboarding, sent: message.date, to: to, observations: [], replied: replied)
      if let drafted = draft(for: message, account: account, to: to) {
        entry.stage = drafted.stage
        entry.observations = drafted.observations
      } else {
        // Written by a person: the stage from its place in the thread, the
        // observations from the facts it names.
        entry.stage = out.last.map { $0.replied ? .checkIn : .noResponse } ?? .onboarding
        written.append((out.count, message))
      }
      out.append(entry)
    }
    // The facts the emails people wrote name, asked all at once (one server
    // search a word for an IMAP mailbox).
    if !written.isEmpty {
      let words = Self.words(observations)
      let flat = Array(Set(words.flatMap { $0 })).sorted()
      let found = mentions(written.map(\.message), flat)
      for (number, item) in written.enumerated() {
        let named = Set(zip(flat, found[number]).filter(\.1).map(\.0))
        out[item.entry].observations = zip(observations, words).filter { !Set($0.1).isDisjoint(with: named) }.map(\.0.id)
      }
    }
    return out
  }

  /// The file's history and the mailbox's, duplicates dropped, oldest first:
  /// the history drafting uses.
  public func merged(_ account: Account) -> [HistoryEntry] {
    var all = account.history
    for entry in entries(for: account, observations: Observations.read(account)) {
      let duplicate = all.contains { $0.stage == entry.stage && $0.sent == entry.sent && Set($0.to) == Set(entry.to) }
      if !duplicate { all.append(entry) }
    }
    return all.enumerated().sorted {
      let left = $0.element.sent?.description ?? ""
      let right = $1.element.sent?.description ?? ""
      return left != right ? left < right : $0.offset < $1.offset
    }.map(\.element)
  }

  private func draft(for message: HistoryMessage, account: Account, to: [String]) -> Ledger.Entry? {
    if let id = message.messageID, let entry = ledgerByID[id] { return entry }
    let candidates =
      (ledgerByAccount[account.name.lowercased()] ?? [])
      + (account.domain.map { ledgerByAccount["@" + $0.lowercased()] ?? [] } ?? [])
    let thread = HeaderValues.thread(message.subject)
    // The latest draft handed over on or before the day it was sent (a
    // later run may draft the same subject again).
    return candidates.last { entry in
      guard Set(entry.to) == Set(to), HeaderValues.thread(entry.subject) == thread else { return false }
      guard let drafted = Day(entry.date), let sent = message.date else { return true }
      return drafted <= sent
    }
  }

  /// Which of `words` the message names: its subject and text, or (for an
  /// IMAP message, whose text is not fetched) the server's search.
  /// Which of `words` each message names: its subject and text, or (for
  /// an IMAP message, whose text is not fetched) the server's search.
  private func mentions(_ messages: [HistoryMessage], _ words: [String]) -> [[Bool]] {
    var out = messages.map { message -> [Bool] in
      let subject = message.subject.lowercased()
      let text = message.text?.lowercased() ?? ""
      return words.map { subject.contains($0.lowercased()) || text.contains($0.lowercased()) }
    }
    let remote = messages.indices.filter { messages[$0].text == nil && readers[messages[$0].source] != nil }
    for (source, indices) in Dictionary(grouping: remote, by: { messages[$0].source }) {
      lock.lock()
      let searched =
        (try? readers[source]!.mentions(indices.map { messages[$0] }, words) {
          self.sentIndices(source: source).map { self.messages[$0] }
        }) ?? []
      lock.unlock()
      for (position, index) in indices.enumerated() where position < searched.count {
        out[index] = zip(out[index], searched[position]).map { $0 || $1 }
      }
    }
    return out
  }

  /// Messages of `source` read over IMAP from the sender, worked out once
  /// (the lock is held).
  private func sentIndices(source: Int) -> [Int] {
    if let known = sentBySource[source] { return known }
    let found = Set(sentTo.values.joined()).filter { messages[$0].source == source && messages[$0].location != nil }.sorted()
    sentBySource[source] = found
    return found
  }
  private var sentBySource: [Int: [Int]] = [:]

  /// Over IMAP, by source: the replies that name, in References, each
  /// recipient's latest sent message. `entries` asks only about an
  /// account's latest email, and that is the latest sent to one of the
  /// account's addresses, so every id it asks about was asked in the batch.
  /// The lock is held.
  private var referencesAsked: [Int: [String: [(mailbox: String, uid: Int)]]] = [:]

  /// The messages (mailbox, UID) whose References name `id`, asked of the
  /// server for every candidate the first time one is needed. The caller
  /// holds the lock.
  private func namingReplies(_ id: String, source: Int, reader: IMAPHistoryReader) -> [(mailbox: String, uid: Int)] {
    if referencesAsked[source] == nil {
      var latest: [String: Int] = [:]
      for (recipient, indices) in sentTo {
        for index in indices where messages[index].source == source && messages[index].location != nil {
          if latest[recipient].map({ Self.before(messages[$0], messages[index]) }) ?? true { latest[recipient] = index }
        }
      }
      let candidates = Set(latest.values)
      let ids = Set(candidates.compactMap { messages[$0].messageID })
      var sentByID: [String: HistoryMessage] = [:]
      for index in candidates { if let id = messages[index].messageID { sentByID[id] = messages[index] } }
      // A message found is asked about only the ids sent to its author or
      // the author's domain.
      let found =
        (try? reader.referencing(ids.sorted()) { mailbox, uid, chunk in
          guard let other = located["\(source)\u{0}\(mailbox)\u{0}\(uid)"], let author = messages[other].from else {
            return []
          }
          let domain = Self.domain(author)
          return chunk.filter { id in
            sentByID[id]?.recipients.contains { $0 == author || Self.domain($0) == domain } ?? false
          }
        }) ?? [:]
      referencesAsked[source] = found
    }
    return referencesAsked[source]?[id] ?? []
  }

  static func before(_ left: HistoryMessage, _ right: HistoryMessage) -> Bool {
    // No date sorts first; one day, in the order read.
    switch (left.date, right.date) {
    case (let a?, let b?) where a != b: return a < b
    case (nil, _?): return true
    case (_?, nil): return false
    default: return left.order < right.order
    }
  }

  /// The words that name each observation: the spike's event, the docs
  /// topic, the ticket, the SDK, or the product it is about.
  static func words(_ observations: [Observation]) -> [[String]] {
    observations.map { observation in
      ["event", "topic", "ticket", "sdk"].compactMap { observation.facts[$0] }.filter { !$0.isEmpty }
        + (factWords[observation.id] ?? [])
    }
  }

  /// Words that name what an observation is about, beyond its facts.
  static let factWords: [String: [String]] = [
    "billing-first-bill": ["first bill", "invoice"], "billing-page-visits": ["billing page", "pricing"],
    "replay-low-viewing": ["recordings", "replay"], "replay-off": ["session replay"], "stale-flags": ["stale flag"],
    "b2b-no-groups": ["group analytics"], "no-experiments": ["experiment"], "error-tracking-off": ["error tracking"],
    "no-surveys": ["survey"], "growth": ["growth", "grew"],
  ]
}
