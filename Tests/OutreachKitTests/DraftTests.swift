import Foundation
import Testing

@testable import OutreachKit

@Suite struct DraftTests {
  let today = Day("2026-11-22")!
  let templates = try! TemplateSet.load(folder: packageRoot + "/Templates")

  var drafter: Drafter { Drafter(templates: templates, configuration: Configuration(), today: today) }

  func account(_ text: String, file: String = "a.yml") throws -> Account {
    try AccountLoader.load(path: file, text: text).0
  }

  static let minimal = """
    account: {name: Acme}
    users:
      - {name: Ana Ruiz, email: ana@acme.io, title: Head of Product, last_active: 2026-11-20}
      - {name: Bo Li, email: bo@acme.io, title: Staff Engineer, last_active: 2026-11-19}
      - {name: Cy Doe, email: cy@acme.io, title: Founder, last_active: 2026-11-01}
    """

  /// The project checks itself: every template, rendered against every
  /// sample account for every stage, lints clean with the project's rules.
  @Test func everySampleAccountEveryStageLintsClean() throws {
    let linter = Linter(rules: projectRules)
    #expect(templates.sampleAccounts.count >= 3)
    var leads = Set<String>()
    for sample in templates.sampleAccounts {
      let account = try AccountLoader.load(path: sample.path, text: sample.text).0
      for stage in [Stage.onboarding, .checkIn, .noResponse] {
        let drafts = try drafter.drafts(for: account, stage: stage)
        #expect(!drafts.isEmpty)
        for draft in drafts {
          let findings = linter.lint(path: draft.fileName, text: draft.text)
          #expect(
            findings.isEmpty,
            "\(sample.path) \(stage): \(findings.map { "\($0.line):\($0.column) \($0.rule) \($0.match)" })\n\(draft.text)")
          #expect(draft.misses.isEmpty, "templates asked for missing names \(draft.misses)")
          for bad in ["{{", "nil", "null", "TODO", "[Name]", "Optional("] {
            #expect(!draft.text.contains(bad), "\(bad) in \(draft.text)")
          }
          leads.formUnion(draft.observations)
        }
      }
    }
    // Every observation leads or shapes at least one sample draft.
    #expect(leads.count >= 8, "\(leads)")
  }

  @Test func everyObservationHasTemplates() {
    for id in Observations.ids where id != "growth" {
      #expect(templates.sources["observations/\(id)"] != nil, "no Templates/observations/\(id).mustache")
      #expect(templates.subjects[id] != nil, "no subject for \(id)")
    }
  }

  @Test func sampleAccountsRaiseEveryObservation() throws {
    var raised = Set<String>()
    for sample in templates.sampleAccounts {
      raised.formUnion(Observations.read(try AccountLoader.load(path: sample.path, text: sample.text).0).map(\.id))
    }
    #expect(raised == Set(Observations.ids), "missing \(Set(Observations.ids).subtracting(raised))")
  }

  @Test func stageFromHistory() throws {
    var account = try account(Self.minimal)
    #expect(Drafter.stage(of: account) == .onboarding)
    account.history = [HistoryEntry(stage: .onboarding, sent: today, to: [], observations: [], replied: false)]
    #expect(Drafter.stage(of: account) == .noResponse)
    account.history.append(HistoryEntry(stage: .noResponse, sent: today, to: [], observations: [], replied: true))
    #expect(Drafter.stage(of: account) == .checkIn)
  }

  @Test func observationsAndNumbersComeFromTheFile() throws {
    let text =
      Self.minimal + "\nsignals: {first_bill_in_days: 9, event_spike: {event: \"$pageview\", factor: 3.5, on: 2026-11-18}}\n"
    let draft = try #require(try drafter.drafts(for: account(text)).first)
    #expect(draft.observations.first == "billing-first-bill")
    #expect(draft.subject.contains("9 days"))
    #expect(draft.noticed == ["billing-first-bill", "event-spike"])
    let absent = try drafter.drafts(for: account(Self.minimal)).first!
    #expect(absent.noticed.isEmpty)
    #expect(!absent.text.contains("  ") && !absent.text.contains("{{"))
  }

  @Test func checkInNudgesOrBringsSomethingNew() throws {
    let text =
      Self.minimal + """

        products:
          product_analytics: {enabled: true, events: 900000, insights_created: 9}
          feature_flags: {enabled: true, flags: 20, stale_flags: 8}
        signals: {growth: {events_trend: 0.5}}
        history:
          - {stage: onboarding, sent: 2026-11-01, to: [ana@acme.io], observations: [stale-flags], replied: true}
        """
    let draft = try #require(try drafter.drafts(for: account(text)).first)
    #expect(draft.stage == .checkIn)
    // Advice not taken: the nudge is the one topic (subject included), and
    // growth is the one extra line, so no product to try next.
    #expect(draft.subject.lowercased().contains("flag"))
    #expect(draft.body.contains("archiving the 8 stale flags"))
    #expect(draft.body.contains("When you're ready"))
    #expect(!draft.body.contains("Next to try"))
    #expect(draft.observations == ["stale-flags", "growth"], "\(draft.observations)")
    // Advice taken (flags archived): something new leads, with one extra.
    let taken = try account(text.replacingOccurrences(of: "stale_flags: 8", with: "stale_flags: 0"))
    let fresh = try #require(try drafter.drafts(for: taken).first)
    #expect(!fresh.body.contains("nudge") && fresh.observations == ["replay-off", "growth"], "\(fresh.observations)")
  }

  @Test func recipientsExcludeStaffRobotsAndInactive() throws {
    let text = """
      account: {name: Acme}
      signals: {first_bill_in_days: 3}
      users:
        - {name: Staff, email: max@posthog.com, title: Engineer, last_active: 2026-11-20}
        - {name: Robot, email: noreply@acme.io, last_active: 2026-11-20}
        - {name: Alerts, email: alerts@acme.io, title: ""}
        - {name: Tester, email: ana+test@acme.io, title: QA Engineer}
        - {name: Gone, email: gone@acme.io, title: CTO, last_active: 2026-06-01}
        - {name: Eng Junior, email: junior@acme.io, title: Software Engineer, last_active: 2026-11-21}
        - {name: Eng Lead, email: lead@acme.io, title: Engineering Lead, last_active: 2026-11-01}
        - {name: Pat PM, email: pat@acme.io, title: Product Manager, last_active: 2026-11-20}
        - {name: Fin, email: fin@acme.io, title: Procurement, last_active: 2026-11-20}
        - {name: Fay Founder, email: fay@acme.io, title: Founder & CEO, last_active: 2026-11-20}
      """
    let people = try drafter.recipients(for: account(text))
    #expect(people.map(\.email) == ["lead@acme.io", "pat@acme.io", "fin@acme.io", "fay@acme.io"])
    #expect(people.map(\.role) == [.engineering, .product, .finance, .leadership])
    #expect(people.allSatisfy { !$0.reason.isEmpty })
    // No billing or cost signal: finance is not written to.
    let quiet = try drafter.recipients(
      for: account(text.replacingOccurrences(of: "signals: {first_bill_in_days: 3}\n", with: "")))
    #expect(!quiet.contains { $0.role == .finance })
    #expect(quiet.count >= 3)
  }

  @Test func noResponseWritesOneDraftPerRoleTailored() throws {
    let text =
      Self.minimal + """

        signals: {first_bill_in_days: 5, docs_topics: [experiments], sdk: {name: posthog-js, version: 1.10.0, latest: 1.150.0}}
        history:
          - {stage: onboarding, sent: 2026-11-01, to: [ana@acme.io], observations: [docs-topic], replied: false}
        """
    let drafts = try drafter.drafts(for: account(text))
    // Ana (product) was already told about the docs topic (experiments, a
    // product concern) and nothing else suits her: she is not written to.
    #expect(drafts.map { $0.to.first?.email } == ["bo@acme.io", "cy@acme.io"], "\(drafts.map(\.to))")
    #expect(Set(drafts.map(\.fileName)).count == 2)
    #expect(drafts.allSatisfy { $0.to.count == 1 && $0.stage == .noResponse })
    let engineer = try #require(drafts.first { $0.to.first?.role == .engineering })
    #expect(engineer.observations.first == "sdk-outdated")
    // The role decides the topic; no sentence about the role.
    #expect(!drafts.contains { $0.body.contains("You own") || $0.body.contains("You look after") })
    let reasons = try drafter.recipients(for: account(text))
    #expect(reasons.map(\.email) == ["bo@acme.io", "cy@acme.io"])
    #expect(reasons.first?.reason.hasSuffix("; leads with the posthog-js upgrade") == true, "\(reasons)")
  }

  @Test func hostileAccountDataStaysText() throws {
    let hostile = "Eve\r\nBcc: all@evil.com <script>*x* [click](http://evil.com) {{> partial}} {{name}} \u{202E}evil&mdash;"
    let text = """
      account: {name: "\(hostile.replacingOccurrences(of: "\r\n", with: "\\r\\n").replacingOccurrences(of: "\u{202E}", with: "\\u202E"))", category: "<img src=x onerror=1> [a](b)"}
      context: {sales_contact: "[Dana](http://x.io)", sales_topics: ["**SSO**"], open_ticket: "Title\\nSubject: pwned {{x}}"}
      users:
        - {name: "\(hostile.replacingOccurrences(of: "\r\n", with: "\\r\\n").replacingOccurrences(of: "\u{202E}", with: "\\u202E"))", email: eve@acme.io, title: "CTO\\nCc: x@y.z"}
        - {name: "O'Brien, Pat \\"PJ\\"", email: pat@acme.io, title: Product Manager}
      """
    let linter = Linter(rules: projectRules)
    for stage in [Stage.onboarding, .checkIn, .noResponse] {
      for draft in try drafter.drafts(for: account(text), stage: stage) {
        let document = EmailDocument(path: "d.md", text: draft.text)
        #expect(document.headers.map { $0.name.lowercased() } == ["to", "subject"], "\(draft.text)")
        #expect(!draft.text.contains("\r") && !draft.text.contains("\u{202E}"))
        // The To: line holds names quoted; the body never holds markup.
        for markup in ["<", "{{", "](", "[", "*"] {
          #expect(!unescaped(draft.body, markup), "unescaped \(markup) in \(draft.body)")
        }
        #expect(!draft.text.contains("\nBcc:") && !draft.text.contains("\nCc:") && !draft.text.contains("\nSubject: pwned"))
        // Names with specials are quoted in the To: line.
        if draft.text.contains("pat@acme.io") { #expect(draft.text.contains("\"O'Brien, Pat \\\"PJ\\\"\" <pat@acme.io>")) }
        // Markdown shows the data as text: no links, no HTML in the parse.
        let findings = linter.lint(document).filter {
          $0.rule != "placeholder" && $0.rule != "too-long" && $0.rule != "subject-length"
        }
        #expect(findings.isEmpty, "\(findings.map { "\($0.rule) \($0.match)" })")
      }
    }
  }

  /// Whether `markup` occurs in `text` without a backslash before it.
  func unescaped(_ text: String, _ markup: String) -> Bool {
    var search = text[...]
    while let range = search.range(of: markup) {
      if range.lowerBound == text.startIndex || text[text.index(before: range.lowerBound)] != "\\" { return true }
      search = text[range.upperBound...]
    }
    return false
  }

  /// Data the team does not control (long names, a vibe killer in a
  /// category, `[BUG] TODO` in a ticket, dashes) still gives drafts that
  /// lint clean: long values are cut in subjects, data is softened, and
  /// optional parts are dropped until the draft passes.
  @Test func awkwardDataStillGivesCleanDrafts() throws {
    let text = """
      account: {name: Extraordinarily Long Company Name International Holdings, category: circling back app}
      context:
        sales_contact: Dana
        sales_topics: [SSO, circling back, data retention, audit logs, custom roles, SAML, SCIM provisioning, billing exports]
        open_ticket: "[BUG] TODO: Funnel not counting mobile signups from the iOS app after the last release {{x}} — urgent"
      signals: {docs_topics: [feature flag local evaluation with bootstrapping on the server side for Next.js]}
      users:
        - {name: Ana Ruiz, email: ana@x.io, title: Head of Product, last_active: 2026-11-20}
        - {name: Bo Li, email: bo@x.io, title: Staff Engineer, last_active: 2026-11-20}
        - {name: Cy Doe, email: cy@x.io, title: Founder, last_active: 2026-11-20}
      """
    let linter = Linter(rules: projectRules)
    let careful = Drafter(templates: templates, configuration: Configuration(), today: today, linter: linter)
    for stage in [Stage.onboarding, .checkIn, .noResponse] {
      for draft in try careful.drafts(for: account(text), stage: stage) {
        #expect(draft.findings.isEmpty, "\(stage): \(draft.findings.map { "\($0.rule) \($0.match)" })\n\(draft.text)")
        #expect(linter.lint(path: "d.md", text: draft.text).isEmpty)
        #expect(!draft.text.contains("circling back"))
        #expect(draft.subject.count <= 60, "\(draft.subject)")
      }
    }
    // Without the linter, the same account shows what would go wrong.
    let plain = try drafter.drafts(for: account(text), stage: .onboarding)
    #expect(!linter.lint(path: "d.md", text: plain[0].text).isEmpty)
  }

  @Test func escapingHelpers() {
    let long = "feature flag local evaluation with bootstrapping"
    #expect(Escaping.shortened(long) == "feature flag local evaluation with\u{2026}")
    #expect(Escaping.shortened("short") == "short")
    #expect(Escaping.markdown("[BUG] TODO — now {{x}}") == "(BUG) todo, now ((x))")
    #expect(Escaping.markdown("a*b_c_ <d> #e") == "a\\*b_c\\_ \\<d\\> \\#e")
    #expect(Escaping.headerName("O'Brien, Pat") == "\"O'Brien, Pat\"")
    #expect(Escaping.codeSpan("a`b") == "``a`b``")
  }

  @Test func draftsAreDeterministic() throws {
    let sample = try #require(templates.sampleAccounts.first)
    let one = try drafter.drafts(for: AccountLoader.load(path: sample.path, text: sample.text).0).map(\.text)
    let two = try drafter.drafts(for: AccountLoader.load(path: sample.path, text: sample.text).0).map(\.text)
    #expect(one == two)
  }

  @Test func accountErrorsNameFileLineAndKey() throws {
    let cases: [(String, String)] = [
      ("account: {domain: x.io}\nusers: []\n", "a.yml:1: account: missing `account.name`"),
      ("account: {name: X}\n", "a.yml:1: (top level): missing `users`"),
      (
        "account: {name: X}\nsignals: {first_bill_in_days: soon}\nusers: []\n",
        "a.yml:2: signals.first_bill_in_days: must be a whole number"
      ),
      (
        "account: {name: X}\nusers:\n  - {name: A, email: a@b.io, last_active: 2026-13-40}\n",
        "a.yml:3: users[0].last_active: is not a date"
      ),
      ("account: {name: X}\nusers: [\n", "a.yml:3:1: invalid YAML"),
    ]
    for (text, expected) in cases {
      #expect(throws: (any Error).self) { try account(text) }
      do { _ = try account(text) } catch { #expect("\(error)".hasPrefix(expected), "got \(error)") }
    }
    // A bad address skips that user with a warning; the account goes on (as a CSV row does).
    let (skipped, skipWarnings) = try AccountLoader.load(
      path: "a.yml", text: "account: {name: X}\nusers:\n  - {name: A, email: not-an-email}\n  - {name: B, email: b@x.io}\n")
    #expect(skipped.users.map(\.email) == ["b@x.io"])
    #expect(
      skipWarnings.first?.description.hasPrefix("a.yml:3: warning: users[0].email: `not-an-email` is not an email address")
        == true)
    let (_, warnings) = try AccountLoader.load(path: "a.yml", text: "account: {name: X, categroy: y}\nusers: []\n")
    #expect(
      warnings.first?.description == "a.yml:1: warning: unknown key `account.categroy` is ignored; did you mean `category`?")
  }
}
