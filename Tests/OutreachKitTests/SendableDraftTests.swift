import Foundation
import Testing

@testable import OutreachKit

/// Drafts a specialist sends unedited: the right people, by their real
/// names, a genuine voice, reasons and advice that fit the data.
@Suite struct SendableDraftTests {
  let today = Day("2026-11-22")!
  let templates = try! TemplateSet.load(folder: packageRoot + "/Templates")
  var drafter: Drafter { Drafter(templates: templates, configuration: Configuration(), today: today) }

  func account(_ text: String, file: String = "a.yml") throws -> Account {
    try AccountLoader.load(path: file, text: text).0
  }

  func paragraphs(_ body: String) -> [String] {
    body.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
  }

  // MARK: who

  @Test func aRoleLikeAddressWithANameAndTitleIsAPerson() throws {
    let solo = try account(
      """
      account: {name: SoloStack, category: invoicing software for freelancers}
      users:
        - {name: Dev Patel, email: dev@solostack.xyz, title: Founder, last_active: 2026-11-20}
      """)
    let draft = try #require(try drafter.drafts(for: solo, stage: .onboarding).first)
    #expect(draft.to.map(\.email) == ["dev@solostack.xyz"])
    #expect(draft.body.hasPrefix("Hi Dev,\n"))
    // The same inbox with no person behind it stays out.
    let inbox = try account(
      """
      account: {name: SoloStack}
      users:
        - {name: Dev, email: dev@solostack.xyz, last_active: 2026-11-20}
        - {name: Ana Ruiz, email: ana@solostack.xyz, title: CTO, last_active: 2026-11-20}
      """)
    #expect(try drafter.recipients(for: inbox).map(\.email) == ["ana@solostack.xyz"])
  }

  @Test func nobodyToWriteToIsOneLineExit2AndTheOthersAreDrafted() throws {
    let folder = makeTemporaryFolder("nobody")
    try """
    account: {name: Ghost Co}
    users:
      - {name: Alerts, email: alerts@ghost.io, last_active: 2026-11-20}
      - {name: Old Timer, email: old@ghost.io, title: CTO, last_active: 2025-01-02}
    """.write(toFile: folder + "/ghost.yml", atomically: true, encoding: .utf8)
    try """
    account: {name: Real Co}
    users:
      - {name: Ana Ruiz, email: ana@real.io, title: CTO, last_active: 2026-11-20}
    """.write(toFile: folder + "/real.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach(["draft", "--today", "2026-11-22", "--out", folder + "/out", folder])
    #expect(result.status == 2, "\(result.stderr)")
    let errors = result.stderr.split(separator: "\n").filter { $0.contains("error:") }
    #expect(errors.count == 1, "\(result.stderr)")
    #expect(errors.first?.contains("ghost.yml") == true && errors.first?.contains("nobody to write to") == true)
    #expect(errors.first?.contains("Alerts (role inbox)") == true && errors.first?.contains("Old Timer (inactive)") == true)
    let written = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").filter { $0.hasSuffix(".md") }
    #expect(written == ["real-co-onboarding.md"], "no draft with an empty To: is written")
    // `recipients` says the same.
    let people = try runOutreach(["recipients", "--today", "2026-11-22", folder + "/ghost.yml", folder + "/real.yml"])
    #expect(people.status == 2 && people.stderr.contains("ghost.yml") && people.stderr.contains("nobody to write to"))
    #expect(people.stdout.contains("Ana Ruiz <ana@real.io>"))
  }

  @Test(arguments: [
    ("Nakamura, Yuki", "yuki.nakamura@acme.io", "Yuki"),
    ("", "yuki.nakamura@acme.io", "Yuki"),
    ("", "ana_ruiz@acme.io", "Ana"),
    ("", "yn@acme.io", ""),
    ("", "yuki@acme.io", ""),
    ("ANA RUIZ", "ana@acme.io", "Ana"),
    ("ana ruiz", "ana@acme.io", "Ana"),
    ("JEAN-LUC PICARD", "jl@acme.io", "Jean-Luc"),
    ("DeShawn McKenzie", "d@acme.io", "DeShawn"),
    ("Ruiz, Jr.", "r@acme.io", "Ruiz"),
    ("Ruiz,\u{2003}Ana", "r@acme.io", "Ana"),
    ("\"Ana\" Ruiz", "r@acme.io", "Ana"),
    ("(Ana) Ruiz", "r@acme.io", "Ana"),
    ("\u{00A0}José Núñez", "j@acme.io", "José"),
  ])
  func greetsByTheFirstName(name: String, email: String, expected: String) {
    #expect(Names.firstName(name: name, email: email) == expected)
  }

  @Test(arguments: [
    ("a  \n\n\n b\n\n", "a\n\n b\n"),
    ("\n\n  \na\nb \n", "a\nb\n"),
    ("", "\n"),
    ("x\r\ny  ", "x\r\ny\n"),
    ("Hi Ana,\n\n\n\nThanks.\n\n", "Hi Ana,\n\nThanks.\n"),
  ])
  func renderedTextIsTidied(text: String, expected: String) {
    #expect(Drafter.tidy(text) == expected)
  }

  @Test(arguments: [
    ("Export Co 12", "Export Co 12"), ("snake_case", "snake_case"), ("_lead", "\\_lead"), ("acme.io", "acme\\.io"),
    ("a [b] {c}", "a (b) (c)"), ("Zoë & co", "Zoë \\& co"), ("$pageview", "$pageview"),
  ])
  func accountTextIsEscapedForMarkdown(text: String, expected: String) {
    #expect(Escaping.markdown(text) == expected)
  }

  @Test func aCRMExportNameIsGreetedByTheFirstName() throws {
    let crm = try account(
      """
      account: {name: Acme}
      users:
        - {name: "Nakamura, Yuki", email: yuki@acme.io, title: CTO, last_active: 2026-11-20}
        - {name: MAX MUSTER, email: max@acme.io, title: Product Manager, last_active: 2026-11-20}
      """)
    let draft = try #require(try drafter.drafts(for: crm, stage: .onboarding).first)
    #expect(draft.body.hasPrefix("Hi Yuki and Max,\n"), "\(draft.body)")
  }

  @Test func salesAndMarketingNeverFillASeatAndOthersOnlyWhenNobodyElseIsLeft() throws {
    let team = try account(
      """
      account: {name: Acme}
      users:
        - {name: Bo Li, email: bo@acme.io, title: Senior Engineer, last_active: 2026-11-20}
        - {name: Ana Ruiz, email: ana@acme.io, title: Product Manager, last_active: 2026-11-20}
        - {name: Hal Sales, email: hal@acme.io, title: Head of Sales, last_active: 2026-11-21}
        - {name: Mo Brand, email: mo@acme.io, title: VP Marketing, last_active: 2026-11-21}
        - {name: Rae Recruit, email: rae@acme.io, title: Talent Partner, last_active: 2026-11-21}
      """)
    #expect(try drafter.recipients(for: team).map(\.email) == ["bo@acme.io", "ana@acme.io"])
    // With a data person left, the seat is theirs; with only support left,
    // support fills it and the reason says why.
    var withData = team
    withData.users.append(
      AccountUser(name: "Dee Data", email: "dee@acme.io", title: "Data Scientist", lastActive: today, line: 9))
    let dataPick = try drafter.recipients(for: withData)
    #expect(dataPick.map(\.email) == ["bo@acme.io", "ana@acme.io", "dee@acme.io"])
    var withSupport = team
    withSupport.users.append(
      AccountUser(name: "Sue Port", email: "sue@acme.io", title: "Customer Success Manager", lastActive: today, line: 9))
    let supportPick = try drafter.recipients(for: withSupport)
    #expect(supportPick.map(\.email) == ["bo@acme.io", "ana@acme.io", "sue@acme.io"])
    #expect(supportPick.last?.reason.hasPrefix("nobody closer to the product is left") == true, "\(supportPick)")
  }

  @Test func aNoResponseSetPrefersPeopleNotYetEmailed() throws {
    let silent = try account(
      """
      account: {name: Acme}
      signals: {sdk: {name: posthog-js, version: 1.10.0, latest: 1.150.0}}
      products:
        product_analytics: {enabled: true, insights_created: 9}
      users:
        - {name: Cara Chief, email: cara@acme.io, title: CTO, last_active: 2026-11-10}
        - {name: Pat Prod, email: pat@acme.io, title: Product Manager, last_active: 2026-11-10}
        - {name: Sam Staff, email: sam@acme.io, title: Staff Software Engineer, last_active: 2026-11-21}
      history:
        - {stage: onboarding, sent: 2026-11-01, to: [cara@acme.io, pat@acme.io], observations: [], replied: false}
        - {stage: no-response, sent: 2026-11-08, to: [cara@acme.io, pat@acme.io], observations: [], replied: false}
      """)
    let people = try drafter.recipients(for: silent).map(\.email)
    #expect(people.contains("sam@acme.io") && !people.contains("cara@acme.io"), "\(people)")
    // Pat is the only product person: a third email is still theirs.
    #expect(people.contains("pat@acme.io"))
  }

  @Test func aReasonSaysTheRealCause() throws {
    let spiky = try account(
      """
      account: {name: Acme}
      products:
        product_analytics: {enabled: true, paid: true, events: 900000}
      signals:
        event_spike: {event: "$autocapture", factor: 4.0}
      users:
        - {name: Bo Li, email: bo@acme.io, title: Senior Engineer, last_active: 2026-11-20}
        - {name: Pia Proc, email: pia@acme.io, title: Procurement Specialist, last_active: 2026-11-20}
      """)
    let finance = try #require(try drafter.recipients(for: spiky).first { $0.role == .finance })
    #expect(finance.reason.hasPrefix("the $autocapture spike raises the bill, and they own cost"), "\(finance.reason)")
    #expect(!finance.reason.contains("billing signal"))
  }

  // MARK: what

  @Test func theHumanTouchComesFromTheSenderOrNotAtAll() throws {
    let invoicing = try account(
      """
      account: {name: SoloStack, category: invoicing software for freelancers}
      users:
        - {name: Dev Patel, email: dev@solostack.xyz, title: Founder, last_active: 2026-11-20}
      """)
    let plain = try #require(try drafter.drafts(for: invoicing, stage: .onboarding).first)
    #expect(!plain.body.contains("enjoy") && !plain.body.contains("invoicing"), "\(plain.body)")
    for line in templates.team.relates.map(\.line) { #expect(!plain.body.contains(line)) }
    let language = try account(
      """
      account: {name: Lingo, category: language-learning app}
      users:
        - {name: Ana Ruiz, email: ana@lingo.app, title: CTO, last_active: 2026-11-20}
      """)
    let genuine = try #require(try drafter.drafts(for: language, stage: .onboarding).first)
    let line = try #require(templates.team.relates.first { $0.about.contains("language") }?.line)
    #expect(genuine.body.contains(line))
  }

  @Test func spikeAdviceFollowsTheEventFamily() throws {
    func body(_ event: String) throws -> String {
      let spiky = try account(
        """
        account: {name: Acme}
        signals:
          event_spike: {event: "\(event)", factor: 5.4}
        users:
          - {name: Bo Li, email: bo@acme.io, title: Senior Engineer, last_active: 2026-11-20}
        """)
      return try #require(try drafter.drafts(for: spiky, stage: .onboarding).first).body
    }
    let ai = try body("$ai_generation")
    #expect(ai.contains("PostHog AI") && !ai.contains("noise") && !ai.contains("cut"), "\(ai)")
    #expect(try body("$autocapture").contains("autocapture"))
    #expect(try body("$exception").contains("Error tracking"))
    #expect(try body("$pageview").contains("route change"))
    #expect(try body("checkout_started").contains("call site"))
  }

  @Test func noClaimTheAccountFileDoesNotBackUp() throws {
    let noFunnels = try account(
      """
      account: {name: Acme}
      products:
        product_analytics: {enabled: true, events: 20000, insights_created: 2}
        session_replay: {enabled: false}
      users:
        - {name: Bo Li, email: bo@acme.io, title: Senior Engineer, last_active: 2026-11-20}
      """)
    let draft = try #require(try drafter.drafts(for: noFunnels, stage: .onboarding).first)
    #expect(draft.observations.first == "replay-off")
    #expect(!draft.body.contains("Your funnels"), "\(draft.body)")
  }

  @Test func aRenewalIsOnlyMentionedToAnAccountThatHasPaid() throws {
    let firstBill = try account(
      """
      account: {name: Acme}
      products:
        product_analytics: {enabled: true, paid: true, events: 900000}
      signals:
        first_bill_in_days: 5
      users:
        - {name: Bo Li, email: bo@acme.io, title: Senior Engineer, last_active: 2026-11-20}
      """)
    let lead = Observations.read(firstBill).first
    for seed in 0..<50 {
      #expect(!drafter.cta(for: lead, account: firstBill, seed: "\(seed)").contains("renewal"))
    }
    var paying = firstBill
    paying.firstBillInDays = nil
    paying.billingPageVisits = 6
    let payingLead = Observations.read(paying).first
    let ctas = Set((0..<50).map { drafter.cta(for: payingLead, account: paying, seed: "\($0)") })
    #expect(ctas.contains { $0.contains("renewal") })
  }

  @Test func aCheckInHasOneTopicAndAtMostOneExtraLine() throws {
    for sample in templates.sampleAccounts {
      let account = try AccountLoader.load(path: sample.path, text: sample.text).0
      let draft = try #require(try drafter.drafts(for: account, stage: .checkIn).first)
      let body = paragraphs(draft.body)
      // Greeting, the topic (a nudge and its observation, or something
      // new), at most one extra, the call to action, the signature.
      let nudge = draft.body.contains("A small nudge") ? 1 : 0
      #expect(body.count <= 5 + nudge, "\(sample.path): \(body)")
      let extras = body.filter { $0.hasPrefix("Next to try") || $0.hasPrefix("Your usage is growing") }
      #expect(extras.count <= 1, "\(sample.path): \(extras)")
    }
  }

  // MARK: data stays data

  @Test func jsonNamesAreWhatTheToHeaderWrites() throws {
    let folder = makeTemporaryFolder("json-names")
    try """
    {"account": {"name": "Acme"}, "users": [
      {"name": "Eve\\r\\nBcc: attacker@evil.example", "email": "eve@acme.io", "title": "CTO", "last_active": "2026-11-20"}]}
    """.write(toFile: folder + "/a.json", atomically: true, encoding: .utf8)
    let result = try runOutreach(["draft", "--today", "2026-11-22", "--format", "json", folder + "/a.json"])
    let drafts = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
    let name = try #require((drafts.first?["to"] as? [[String: String]])?.first?["name"])
    #expect(!name.contains("\r") && !name.contains("\n"), "\(name.debugDescription)")
    let header = try #require(result.stdout.isEmpty ? nil : drafts.first)
    #expect((header["body"] as? String)?.contains("Hi Eve") == true)
  }

  @Test func neutralisedDataLintsClean() throws {
    let folder = makeTemporaryFolder("defang")
    try """
    account: {name: "x@evil.example", category: "see https://evil.example and www.evil.example"}
    context: {open_ticket: "mail x@evil.example about it"}
    users:
      - {name: Bo Li, email: bo@acme.io, title: Senior Engineer, last_active: 2026-11-20}
    """.write(toFile: folder + "/a.yml", atomically: true, encoding: .utf8)
    let result = try runOutreach(["draft", "--today", "2026-11-22", folder + "/a.yml"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(!result.stdout.contains("@evil") && !result.stdout.contains("://"))
  }
}

/// `users: people.csv`: user lists as CS tools and CRMs export them.
@Suite struct CSVUsersTests {
  func write(_ csv: String, name: String = "people.csv", users: String = "people.csv") throws -> String {
    let folder = makeTemporaryFolder("csv")
    try FileManager.default.createDirectory(atPath: folder + "/crm", withIntermediateDirectories: true)
    try csv.write(toFile: folder + "/crm/" + name, atomically: true, encoding: .utf8)
    try "account: {name: Acme}\nusers: crm/\(users)\n".write(toFile: folder + "/acme.yml", atomically: true, encoding: .utf8)
    return folder + "/acme.yml"
  }

  @Test func columnsAreMappedByTheirUsualNames() throws {
    let path = try write(
      "\u{FEFF}First Name,Last Name,E-mail,Role,last_active\n"
        + "Yuki,Nakamura,yuki@acme.io,CTO,2026-11-20T09:30:00Z\n"
        + "\"Ruiz, Ana\",,ana@acme.io,product,11/19/2026\n"
        + "Bo,Li,bo@acme.io,Staff Engineer,2026-11-18 16:42:10\n")
    let (account, warnings) = try AccountLoader.load(path: path)
    #expect(warnings.isEmpty, "\(warnings)")
    #expect(account.users.map(\.name) == ["Yuki Nakamura", "Ruiz, Ana", "Bo Li"])
    #expect(account.users.map(\.email) == ["yuki@acme.io", "ana@acme.io", "bo@acme.io"])
    #expect(account.users[0].title == "CTO" && account.users[0].role == nil, "a Role column with a job title is the title")
    #expect(account.users[1].role == .product, "a Role column with a role name is the override")
    #expect(account.users.map(\.lastActive) == [Day("2026-11-20"), Day("2026-11-19"), Day("2026-11-18")])
  }

  @Test func otherHeadersAndDelimiters() throws {
    let path = try write("Full Name;Email Address;Job Title;Last Seen\nLena Vogel;lena@acme.io;Product Manager;2026-11-19\n")
    let (account, _) = try AccountLoader.load(path: path)
    #expect(account.users.first?.name == "Lena Vogel" && account.users.first?.title == "Product Manager")
  }

  @Test func aBadRowIsAWarningWithFileAndRowAndTheRestIsUsed() throws {
    let path = try write(
      "name,email,title,last seen\nAna Ruiz,ana@acme.io,CTO,2026-11-20\nNo Mail,,PM,2026-11-20\n"
        + "Bad Date,bad@acme.io,PM,yesterday\nBo Li,bo@acme.io,Engineer,\n")
    let result = try runOutreach(["draft", "--today", "2026-11-22", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("crm/people.csv:3: warning: no email; skipped the row"), "\(result.stderr)")
    #expect(result.stderr.contains("crm/people.csv:4: warning: last active `yesterday` is not a date"), "\(result.stderr)")
    #expect(result.stdout.hasPrefix("To: Ana Ruiz <ana@acme.io>, Bo Li <bo@acme.io>\n"), "\(result.stdout)")
  }

  @Test func datesAndAddressesAreCheckedRowByRow() throws {
    // US dates are month/day/year and must exist; an address has one `@`
    // with text on both sides and no space.
    #expect(CSVUsers.parseDate("2/29/2028") == Day("2028-02-29"))
    #expect(CSVUsers.parseDate("2/29/2027") == nil && CSVUsers.parseDate("13/01/2026") == nil)
    #expect(CSVUsers.parseDate("1/2/26") == nil, "a two-digit year is ambiguous")
    #expect(CSVUsers.parseDate("2026-11-20T09:30:00Z") == Day("2026-11-20"))
    #expect(CSVUsers.parseDate("2026-02-30") == nil)
    let path = try write(
      "name,email\nA,ana@acme.io\nB,bo@\nC,@acme.io\nD,d d@acme.io\nE,e@x@acme.io\nF,fe.acme.io\n")
    var warnings: [Warning] = []
    let users = try CSVUsers.load("crm/people.csv", accountFile: path, line: 2, warnings: &warnings)
    #expect(users.map(\.email) == ["ana@acme.io"])
    #expect(warnings.map(\.line) == [3, 4, 5, 6, 7])
  }

  @Test func aMissingFileOrEmailColumnIsOneLineExit2() throws {
    let missing = try write("name,email\n", users: "nope.csv")
    let result = try runOutreach(["draft", "--today", "2026-11-22", missing])
    #expect(result.status == 2 && result.stderr.contains("acme.yml:2: users: cannot read the user list crm/nope.csv"))
    let noEmail = try write("name,phone\nAna,123\n")
    let second = try runOutreach(["draft", "--today", "2026-11-22", noEmail])
    #expect(second.status == 2 && second.stderr.contains("people.csv:1: users: no email column among name, phone"))
    #expect(second.stderr.split(separator: "\n").filter { $0.contains("error:") }.count == 1)
  }
}
