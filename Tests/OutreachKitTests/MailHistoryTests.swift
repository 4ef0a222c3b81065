import DovecotHarness
import Foundation
import Testing

@testable import OutreachKit

/// The mailbox is the history (issue 19): drafts outreach handed over are in
/// a ledger; what was sent and who answered is read from mail, from an mbox
/// or from a real IMAP server, read-only.
@Suite(.serialized) struct MailHistoryTests {
  /// Four accounts: Lingo answers by References, Northwind by subject only
  /// (to an email a person wrote), Orbit never answers, Pixel gets no mail
  /// (but writes about something else).
  static let accounts: [String: String] = [
    "lingo.yml": """
    account: {name: Lingo Labs, domain: lingolabs.app, category: language-learning app}
    signals:
      first_bill_in_days: 6
      event_spike: {event: "$autocapture", factor: 4.2, on: 2026-11-05}
    products:
      feature_flags: {enabled: true, flags: 30, stale_flags: 12}
    users:
      - {name: Ana Ruiz, email: ana@lingolabs.app, title: Head of Product, last_active: 2026-11-09}
      - {name: Tom Becker, email: tom@lingolabs.app, title: Senior Engineer, last_active: 2026-11-09}
    """,
    "orbit.yml": """
    account: {name: Orbit CRM, domain: orbitcrm.io, b2b: true}
    signals:
      billing_page_visits: 7
      docs_topics: [group analytics]
    users:
      - {name: Bo Li, email: bo@orbitcrm.io, title: CTO, last_active: 2026-11-08}
      - {name: Cy Moss, email: cy@orbitcrm.io, title: Product Manager, last_active: 2026-11-07}
      - {name: Di Fox, email: di@orbitcrm.io, title: Data Analyst, last_active: 2026-11-06}
      - {name: Fay Wu, email: fay@orbitcrm.io, title: Product Designer, last_active: 2026-11-05}
      - {name: Hal Dunn, email: hal@orbitcrm.io, title: Product Manager, last_active: 2026-11-01}
    """,
    "pixel.yml": """
    account: {name: Pixel Forge, domain: pixelforge.dev}
    signals: {first_bill_in_days: 9}
    users:
      - {name: Eve Stone, email: eve@pixelforge.dev, title: Founder, last_active: 2026-11-08}
    """,
    "northwind.yml": """
    account: {name: Northwind Dev, domain: northwind.dev}
    signals:
      event_spike: {event: checkout_completed, factor: 3.0, on: 2026-11-04}
      docs_topics: [session replay privacy]
    users:
      - {name: Gus Hale, email: gus@northwind.dev, title: Lead Developer, last_active: 2026-11-08}
    """,
  ]

  struct Fixture {
    let folder: String
    let ledger: String
    var accountPaths: [String] { ["lingo.yml", "orbit.yml", "pixel.yml", "northwind.yml"].map { folder + "/" + $0 } }
    /// The messages, as RFC 5322 text: (mailbox, message).
    var sent: [String] = []
    var inbox: [String] = []
  }

  /// Drafts the onboarding emails (recorded in the ledger), then writes the
  /// mailbox a week of mail would leave.
  func makeFixture() throws -> Fixture {
    let folder = makeTemporaryFolder("history")
    for (name, text) in Self.accounts { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
    var fixture = Fixture(folder: folder, ledger: folder + "/ledger.jsonl")
    let first = try runOutreach(
      ["draft", "--today", "2026-11-10", "--format", "json"] + fixture.accountPaths.filter { !$0.hasSuffix("northwind.yml") },
      environment: ["OUTREACH_LEDGER": fixture.ledger])
    #expect(first.status == 0, "\(first.stderr)")
    let drafts = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [[String: Any]]
    let ledger = Ledger(path: fixture.ledger).entries()
    #expect(ledger.count == drafts.count && ledger.allSatisfy { $0.stage == .onboarding }, "\(ledger)")
    func message(from: String, to: [String], subject: String, date: String, id: String, extra: String = "", body: String)
      -> String
    {
      "From: \(from)\nTo: \(to.joined(separator: ", "))\nSubject: \(subject)\nDate: \(date)\nMessage-ID: <\(id)>\n\(extra)"
        + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\(body)\n"
    }
    // Sent from the mail client: new Message-IDs (as Gmail gives them).
    for draft in drafts where (draft["account"] as! String) != "Pixel Forge" {
      let to = (draft["to"] as! [[String: String]]).map { "\($0["name"]!) <\($0["email"]!)>" }
      let account = (draft["account"] as! String).split(separator: " ")[0].lowercased()
      fixture.sent.append(
        message(
          from: "Alex <alex@posthog.com>", to: to, subject: draft["subject"] as! String, date: "Tue, 10 Nov 2026 09:30:00 +0000",
          id: "sent-\(account)@mail.gmail.com", body: draft["body"] as! String))
    }
    // One written by hand, about Northwind's checkout_completed spike.
    fixture.sent.append(
      message(
        from: "Alex <alex@posthog.com>", to: ["Gus Hale <gus@northwind.dev>"], subject: "Your checkout events on November 4",
        date: "Wed, 11 Nov 2026 10:00:00 +0000", id: "sent-northwind@mail.gmail.com",
        body: "Hi Gus, checkout_completed tripled on November 4. Want to look together?\n\n-- \nAlex"))
    // Lingo answers by References alone (no In-Reply-To, another subject);
    // Northwind by subject only.
    fixture.inbox.append(
      message(
        from: "Ana Ruiz <ana@lingolabs.app>", to: ["alex@posthog.com"], subject: "Re: whatever we called it",
        date: "Thu, 12 Nov 2026 08:00:00 +0000", id: "reply-lingo@lingolabs.app",
        extra: "References: <older@lingolabs.app> <sent-lingo@mail.gmail.com>\n", body: "Yes please."))
    fixture.inbox.append(
      message(
        from: "gus@northwind.dev", to: ["alex@posthog.com"], subject: "Re: Your checkout events on November 4",
        date: "Thu, 12 Nov 2026 09:00:00 +0000", id: "reply-northwind@northwind.dev", body: "Sure, Friday?"))
    // An unrelated mailing-list thread, and mail from Pixel's domain that
    // answers nothing.
    fixture.inbox.append(
      message(
        from: "list@lists.example.org", to: ["dev@lists.example.org"], subject: "[dev] Re: release notes",
        date: "Thu, 12 Nov 2026 10:00:00 +0000", id: "list-1@lists.example.org",
        extra: "References: <sent-orbit@mail.gmail.com>\n", body: "Thread."))
    fixture.inbox.append(
      message(
        from: "eve@pixelforge.dev", to: ["alex@posthog.com"], subject: "Question about seats",
        date: "Fri, 13 Nov 2026 10:00:00 +0000", id: "pixel-1@pixelforge.dev", body: "How do seats work?"))
    return fixture
  }

  func mbox(_ messages: [String]) -> String {
    messages.map { "From alex@posthog.com Tue Nov 10 09:30:00 2026\n" + $0 + "\n" }.joined()
  }

  /// What `draft --history` gives, checked for any source.
  func checkDrafts(_ fixture: Fixture, history: [String], environment: [String: String] = [:]) throws {
    var environment = environment
    environment["OUTREACH_LEDGER"] = fixture.ledger
    let result = try runOutreach(
      ["draft", "--today", "2026-11-20", "--format", "json"] + history.flatMap { ["--history", $0] } + fixture.accountPaths,
      environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    let all = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
    func drafts(of account: String) -> [[String: Any]] { all.filter { $0["account"] as? String == account } }
    #expect(drafts(of: "Lingo Labs").map { $0["stage"] as! String } == ["check-in"], "\(drafts(of: "Lingo Labs"))")
    #expect(drafts(of: "Northwind Dev").map { $0["stage"] as! String } == ["check-in"])
    #expect(drafts(of: "Pixel Forge").map { $0["stage"] as! String } == ["onboarding"])
    let orbit = drafts(of: "Orbit CRM")
    #expect(!orbit.isEmpty && orbit.allSatisfy { $0["stage"] as? String == "no-response" }, "\(orbit)")
    // No-response reaches the people not yet emailed.
    let first = Ledger(path: fixture.ledger).entries().first { $0.account == "Orbit CRM" }!
    let orbitTo = Set(orbit.flatMap { ($0["to"] as! [[String: String]]).map { $0["email"]! } })
    let notEmailed = Set(["bo", "cy", "di", "fay", "hal"].map { $0 + "@orbitcrm.io" }).subtracting(first.to)
    #expect(!notEmailed.isEmpty && !orbitTo.isDisjoint(with: notEmailed), "\(orbitTo) after \(first.to)")
    // An observation a sent email was about is never said again as new: it
    // comes back only as a nudge that says so (the check-in's design).
    for (account, name) in [("Lingo Labs", "Lingo"), ("Northwind Dev", "Northwind")] {
      let said =
        account == "Lingo Labs"
        ? Ledger(path: fixture.ledger).entries().first { $0.account == account }!.observations : ["event-spike"]
      for draft in drafts(of: account) {
        let repeated = Set(draft["observations"] as! [String]).intersection(said)
        #expect(repeated.isEmpty || (draft["body"] as! String).contains("A small nudge from last time"), "\(name): \(draft)")
      }
    }
  }

  @Test func historyFromAnMbox() throws {
    let fixture = try makeFixture()
    try mbox(fixture.sent).write(toFile: fixture.folder + "/Sent.mbox", atomically: true, encoding: .utf8)
    try mbox(fixture.inbox).write(toFile: fixture.folder + "/Inbox.mbox", atomically: true, encoding: .utf8)
    try checkDrafts(fixture, history: [fixture.folder + "/Sent.mbox", fixture.folder + "/Inbox.mbox"])
    // `outreach history` prints what drafting uses, as YAML and JSON.
    let yaml = try runOutreach(
      [
        "history", "--history", fixture.folder + "/Sent.mbox", "--history", fixture.folder + "/Inbox.mbox",
        fixture.folder + "/lingo.yml", fixture.folder + "/northwind.yml",
      ], environment: ["OUTREACH_LEDGER": fixture.ledger])
    #expect(yaml.status == 0, "\(yaml.stderr)")
    #expect(
      yaml.stdout.contains("# Lingo Labs") && yaml.stdout.contains("  - stage: onboarding\n    sent: 2026-11-10"),
      "\(yaml.stdout)")
    #expect(yaml.stdout.contains("replied: true"), "\(yaml.stdout)")
    #expect(!yaml.stdout.contains("Yes please") && !yaml.stdout.contains("Sure, Friday"), "no body text in output")
    let json = try runOutreach(
      ["history", "--format", "json", "--history", fixture.folder, fixture.folder + "/northwind.yml"],
      environment: ["OUTREACH_LEDGER": fixture.ledger])
    let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
    let entries = parsed.first?["history"] as? [[String: Any]] ?? []
    #expect(entries.count == 1 && entries[0]["observations"] as? [String] == ["event-spike"], "\(json.stdout) \(json.stderr)")
    #expect(entries.first?["replied"] as? Bool == true)
  }

  /// A folder of saved `.eml` files as mail clients write them: an 8-bit
  /// Latin-1 message is history like any other (it was refused as "not
  /// valid UTF-8", and the whole read with it).
  @Test func historyFromAFolderOfEightBitEmails() throws {
    let folder = makeTemporaryFolder("history-eml")
    try FileManager.default.createDirectory(atPath: folder + "/mail", withIntermediateDirectories: true)
    let latin1 =
      "From: Alex <alex@posthog.com>\nTo: ana@lingolabs.app\nSubject: Caf\u{E9} notes\nDate: Tue, 10 Nov 2026 09:30:00 +0000\n"
      + "Message-ID: <x1@posthog.com>\nContent-Type: text/plain; charset=iso-8859-1\n\nCaf\u{E9} and feature flags.\n"
    try latin1.data(using: .isoLatin1)!.write(to: URL(fileURLWithPath: folder + "/mail/a.eml"))
    try "account: {name: Lingo Labs, domain: lingolabs.app}\nusers:\n  - {name: Ana Ruiz, email: ana@lingolabs.app, title: CTO}\n"
      .write(toFile: folder + "/lingo.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach(
      ["history", "--format", "json", "--history", folder + "/mail", folder + "/lingo.yml"],
      environment: ["OUTREACH_LEDGER": "off"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\"sent\" : \"2026-11-10\""), "\(result.stdout)")
  }

  /// The same from a real IMAP server: INBOX and the mailbox flagged \Sent,
  /// filled by Python's imaplib, read with one login, and every message
  /// keeps its flags.
  @Test func historyFromDovecot() throws {
    let fixture = try makeFixture()
    let server = try Dovecot(mailboxes: ["Sent"], specialUse: ["Sent": "\\Sent"])
    defer { server.stop() }
    let fill = """
      import imaplib, json, sys
      box = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
      box.login(sys.argv[2], sys.argv[3])
      data = json.load(sys.stdin)
      for mailbox, flags, message in data:
          box.append(mailbox, flags, None, message.replace("\\n", "\\r\\n").encode())
      def flags(mailbox):
          box.select(mailbox, readonly=True)
          _, found = box.uid("SEARCH", None, "ALL")
          out = []
          for uid in found[0].split():
              _, parts = box.uid("FETCH", uid, "(FLAGS)")
              out.append(parts[0].decode())
          return out
      print(json.dumps({"INBOX": flags("INBOX"), "Sent": flags("Sent")}))
      """
    var items: [[String]] = fixture.sent.map { ["Sent", "(\\Seen)", $0] }
    for (index, message) in fixture.inbox.enumerated() { items.append(["INBOX", index == 0 ? "()" : "(\\Flagged)", message]) }
    let input = String(decoding: try JSONSerialization.data(withJSONObject: items), as: UTF8.self)
    let filled = try runProcess("python3", ["-c", fill, String(server.port), server.user, server.password], stdin: input)
    #expect(filled.status == 0, "\(filled.stderr)")
    let before = filled.stdout
    let logins = server.logins
    try checkDrafts(
      fixture, history: [server.url(mailbox: "")],
      environment: ["OUTREACH_IMAP_PASSWORD": server.password, "HOME": server.folder])
    #expect(server.logins == logins + 1, "one login for the history")
    let after = try runProcess(
      "python3",
      [
        "-c",
        fill.replacingOccurrences(of: "for mailbox, flags, message in data:", with: "for mailbox, flags, message in []:"),
        String(server.port), server.user, server.password,
      ], stdin: "[]")
    #expect(after.stdout == before, "flags unchanged: \(before) then \(after.stdout)")
    // A URL naming one mailbox reads that one only.
    let sentOnly = try runOutreach(
      ["history", "--history", server.url(mailbox: "Sent"), fixture.folder + "/lingo.yml"],
      environment: ["OUTREACH_LEDGER": fixture.ledger, "OUTREACH_IMAP_PASSWORD": server.password, "HOME": server.folder])
    #expect(sentOnly.stdout.contains("replied: false"), "the reply is in INBOX: \(sentOnly.stdout) \(sentOnly.stderr)")
  }

  /// Header reading: address lists, ids, dates.
  @Test func headerValues() {
    #expect(
      HeaderValues.addresses("\"Ruiz, Ana\" <Ana@Lingolabs.app>, bob@x.io; Group: c@y.io;")
        == ["ana@lingolabs.app", "bob@x.io", "c@y.io"])
    #expect(HeaderValues.messageIDs("<a@b> <c@d>") == ["a@b", "c@d"])
    #expect(HeaderValues.day("Tue, 10 Nov 2026 09:30:00 +0000")?.description == "2026-11-10")
    #expect(HeaderValues.day("10 Nov 26 09:30 GMT")?.description == "2026-11-10")
    #expect(HeaderValues.thread("Re: AW: Fwd:  Your   flags") == "your flags")
    // Folded, quoted in ', a non-ASCII display name, an empty group.
    #expect(
      HeaderValues.addresses("José Ñ <jose@x.io>,\r\n 'dee@y.io', Empty:;, <ÉVE@münchen.de>")
        == ["jose@x.io", "dee@y.io", "éve@münchen.de"])
    // Comments, as older clients and lists write them (cpython's corpus).
    #expect(
      HeaderValues.addresses("bbb@ddd.com (John X. Doe), Ann (work (main)) <ann@x.io>, \"(not) a comment\" <c@y.io>")
        == ["bbb@ddd.com", "ann@x.io", "c@y.io"])
  }

  /// The ledger's lines, written by hand, are JSONEncoder's bytes, and read
  /// back as written, whatever the text holds.
  @Test func ledgerLines() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let plain = Ledger.Entry(
      messageID: "outreach.1@posthog.com", account: "Lingo Labs", domain: "lingolabs.app", stage: .checkIn,
      to: ["ana@lingolabs.app", "bo@lingolabs.app"], subject: "$pageview jumped 6.5x: need a hand?",
      observations: ["event-spike"], date: "2026-11-22", destination: "out")
    var tricky = plain
    tricky.domain = nil
    tricky.account = "Quote \" back\\slash / tab\t nl\n cr\r bell\u{7} nul\u{0} del\u{7F} é 数据 \u{2028} 👩‍💻"
    tricky.observations = []
    tricky.to = []
    let path = NSTemporaryDirectory() + "outreach-ledger-\(UUID().uuidString).jsonl"
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(Ledger(path: path).record([plain, tricky]) == nil)
    let written = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(written == (try encoder.encode(plain)) + [0x0A] + (try encoder.encode(tricky)) + [0x0A])
    #expect(Ledger(path: path).entries() == [plain, tricky])
  }

  /// The searches that let one run ask a mailbox a few times, not once an
  /// account: UID sets as ranges, search keys ORed as a shallow tree.
  @Test func searchSyntax() {
    #expect(IMAPHistoryReader.uidSet([9, 1, 2, 3, 5, 10, 3, 7]) == "1:3,5,7,9:10")
    #expect(IMAPHistoryReader.anyOf(["A"]) == "A")
    #expect(IMAPHistoryReader.anyOf(["A", "B", "C"]) == "OR (A) (OR (B) (C))")
    #expect(IMAPHistoryReader.quotable("a\"b\\c\r\nd\u{0}e") == "abcde")
  }
}
