import Foundation
import Mustache

/// One email `draft` writes.
public struct Draft: Sendable {
  public var account: String
  public var stage: Stage
  public var to: [Recipient]
  public var subject: String
  public var body: String
  /// Observation ids the draft is built on, in order of weight.
  public var observations: [String]
  /// Every observation the account raised, in order of weight.
  public var noticed: [String]
  /// Names templates asked for that the view model did not have.
  public var misses: [String]
  /// What the drafter's linter found in the final text (empty when clean).
  public var findings: [Finding] = []
  /// A stable file name for `--out`: a slug of the account name and the
  /// stage. Several drafts can share it ("Acme" and "ACME"); `DraftNames`
  /// gives each its own within a run.
  public var fileName: String
  /// What tells this draft from every other: the account's exact name and
  /// domain, the stage, and for a per-person draft the address.
  public var identity: String = ""
  /// The account's domain, for the ledger of drafts handed over.
  public var domain: String? = nil

  /// The email file (contract section 2).
  public var text: String {
    let addresses = to.map { Escaping.address(name: $0.name, email: $0.email) }.joined(separator: ", ")
    return "To: \(addresses)\nSubject: \(subject)\n\n\(body)"
  }
}

/// Turns an account into drafts: stage, observations, recipients, and the
/// templates rendered against a view model. Swift picks; templates speak.
public struct Drafter: Sendable {
  public let templates: TemplateSet
  public let configuration: Configuration
  public let today: Day
  /// When set, every draft is linted, and a draft with findings is drafted
  /// again without its optional parts (see `optionalParts`) until it is clean.
  public let linter: Linter?
  let reasonTexts = RenderedTexts()

  public init(templates: TemplateSet, configuration: Configuration, today: Day, linter: Linter? = nil) {
    self.templates = templates
    self.configuration = configuration
    self.today = today
    self.linter = linter
  }

  /// What a draft can do without, dropped in this order when account data
  /// makes it too long or trips a rule: the human touch, prior context, the
  /// extras of a check-in. The lead observation always stays.
  static let optionalParts = ["human_touch", "category", "sales_contact", "open_ticket", "growth", "cross_sell", "nudge"]

  /// The stage from history (contract section 1).
  public static func stage(of account: Account) -> Stage {
    guard let last = account.history.last else { return .onboarding }
    return last.replied ? .checkIn : .noResponse
  }

  /// The one-line error for an account nobody can be written to: each user
  /// and what left them out.
  public func nobodyToWriteTo(_ account: Account) -> OutreachError {
    .account(
      path: account.file, line: account.users.first?.line ?? 1, key: "users",
      problem: "nobody to write to: " + RecipientPicker.whyNobody(account, today: today, configuration: configuration),
      fix: "add a person with their own address, a name and a title, or set `role:` on one")
  }

  public func recipients(for account: Account, stage: Stage? = nil) throws -> [Recipient] {
    let stage = stage ?? Self.stage(of: account)
    let observations = self.observations(for: account)
    let people = try recipients(for: account, stage: stage, observations: observations)
    guard stage == .noResponse else { return people }
    // A no-response email goes only to readers an observation suits, and
    // the reason says which one leads.
    return noResponsePlan(account, people: people, observations: observations).map { person, lead in
      var person = person
      if let label = templates.labels[lead.id]?.render(lead.facts, library: templates.library),
        let template = templates.reasons["with_lead"]
      {
        person.reason += "; " + template.render(["lead": label], library: templates.library)
      }
      return person
    }
  }

  /// The account's observations, each with the readers it suits
  /// (`Templates/role-fit.yml`).
  func observations(for account: Account) -> [Observation] {
    Observations.read(account).map { observation in
      var fitted = observation
      fitted.roles = templates.roleFit.roles(for: observation)
      return fitted
    }
  }

  /// Whether an email in the account's history (to `email`, when given)
  /// already said `observation`: it named it, and went out on or after the
  /// day its signal appeared. An email from before a spike cannot have been
  /// about it, so a newer spike is new, not a nudge.
  func said(_ observation: Observation, in account: Account, to email: String? = nil) -> Bool {
    account.history.contains { entry in
      guard entry.observations.contains(observation.id) else { return false }
      if let email, !entry.to.contains(where: { $0.lowercased() == email.lowercased() }) { return false }
      guard let since = observation.since, let sent = entry.sent else { return true }
      return sent >= since
    }
  }

  /// Each no-response reader with the strongest observation that suits
  /// their role, was not already said to them, and no colleague in this
  /// batch gets. A reader nothing suits is left out: better three fitting
  /// emails than four.
  func noResponsePlan(_ account: Account, people: [Recipient], observations: [Observation]) -> [(Recipient, Observation)] {
    let leads = observations.filter(\.canLead)
    var taken = Set<String>()
    var plan: [(Recipient, Observation)] = []
    for person in people.prefix(4) {
      guard
        let lead = leads.first(where: {
          $0.roles.contains(person.role) && !taken.contains($0.id) && !said($0, in: account, to: person.email)
        })
      else { continue }
      taken.insert(lead.id)
      plan.append((person, lead))
    }
    return plan
  }

  func recipients(for account: Account, stage: Stage, observations: [Observation]) throws -> [Recipient] {
    // A no-response set prefers, within each role, people not yet emailed.
    var unanswered: [String: Int] = [:]
    if stage == .noResponse {
      for entry in account.history where !entry.replied {
        for email in Set(entry.to.map { $0.lowercased() }) { unanswered[email, default: 0] += 1 }
      }
    }
    let picked = RecipientPicker.pick(
      account, observations: observations, today: today, configuration: configuration, unanswered: unanswered)
    let spike = observations.first { $0.id == "event-spike" }?.facts["event"]
    return try picked.map { recipient in
      var recipient = recipient
      let key = templates.reasons[recipient.reasonKey] == nil ? "fill" : recipient.reasonKey
      if let template = templates.reasons[key] {
        let days = recipient.daysSinceActive.map { "\($0)" }
        // A reason depends on these facts alone: rendered once a run.
        let memo = [key, recipient.role.rawValue, recipient.title ?? "\u{1}", days ?? "\u{1}", spike ?? "\u{1}"]
        recipient.reason = reasonTexts.text(memo.joined(separator: "\u{0}")) {
          var facts: [String: Any] = ["role": recipient.role.rawValue, "title": recipient.title.map { $0 as Any } ?? false]
          if let days { facts["days_since_active"] = days }
          facts["event"] = spike ?? false
          return template.render(facts, library: templates.library)
        }
      }
      return recipient
    }
  }

  public func drafts(for account: Account, stage override: Stage? = nil) throws -> [Draft] {
    let stage = override ?? Self.stage(of: account)
    let observations = self.observations(for: account)
    let noticed = observations.map(\.id)
    let recipients = try self.recipients(for: account, stage: stage, observations: observations)
    // A draft with nobody to send to is never written.
    guard !recipients.isEmpty else { throw nobodyToWriteTo(account) }
    let leads = observations.filter(\.canLead)

    switch stage {
    case .noResponse:
      let plan = noResponsePlan(account, people: recipients, observations: observations)
      guard !plan.isEmpty else {
        throw OutreachError.account(
          path: account.file, line: account.users.first?.line ?? 1, key: "users",
          problem:
            "no observation suits any reader left: \(recipients.prefix(4).map { "\($0.name.isEmpty ? $0.email : $0.name) (\($0.role.rawValue))" }.joined(separator: ", "))",
          fix: "Templates/role-fit.yml says which observations suit which role; or draft --stage check-in")
      }
      return try plan.map { person, lead in
        try draft(
          account: account, stage: stage, to: [person], lead: lead, observations: observations, noticed: noticed,
          extra: ["role": person.role.rawValue],
          suffix: "-" + slug(String(person.email.split(separator: "@").first ?? "")))
      }
    case .checkIn:
      // One topic: a nudge when earlier advice was not taken (the
      // observation is still true), otherwise something new. Then at most
      // one extra line: growth, or else one product to try next.
      let fresh = leads.filter { !said($0, in: account) }
      var extra: [String: Any] = [:]
      var lead = fresh.first
      if let stale = leads.first(where: { said($0, in: account) }), let label = templates.labels[stale.id] {
        extra["nudge"] = ["label": label.render(stale.facts, library: templates.library)]
        extra["nudge_id"] = stale.id
        lead = stale
      }
      var next: [String] = []
      for product in [
        "product_analytics", "session_replay", "surveys", "experiments", "error_tracking", "feature_flags", "group_analytics",
      ] where account.uses(product) {
        for candidate in templates.crossSell[product] ?? []
        where !account.uses(candidate) && !next.contains(candidate) && next.count < 2 {
          if templates.sources["cross-sell/\(candidate)"] != nil { next.append(candidate) }
        }
      }
      // When the lead already suggests a product, do not suggest it twice.
      let leadProducts = [
        "replay-off": "session_replay", "no-experiments": "experiments", "no-surveys": "surveys",
        "error-tracking-off": "error_tracking",
      ]
      if let lead, let product = leadProducts[lead.id] { next.removeAll { $0 == product } }
      if let growth = observations.first(where: { $0.id == "growth" }) {
        extra["growth"] = RecordingContext(growth.facts, optional: ["events_trend", "seats_added"], label: "growth")
        extra["cross_sell"] = [[String: Any]]()
      } else {
        extra["cross_sell"] = next.prefix(1).map { ["partial": "cross-sell/\($0)"] }
      }
      return [
        try draft(
          account: account, stage: stage, to: recipients, lead: lead, observations: observations, noticed: noticed, extra: extra,
          suffix: "")
      ]
    case .onboarding, .followUp:
      return [
        try draft(
          account: account, stage: stage, to: recipients, lead: leads.first, observations: observations, noticed: noticed,
          extra: [:], suffix: "")
      ]
    }
  }

  /// For `outreach check`: a no-response draft for every role, and one led
  /// by each observation the account raises.
  func probes(for account: Account) throws -> [Draft] {
    let observations = self.observations(for: account)
    let noticed = observations.map(\.id)
    var drafts: [Draft] = []
    for role in Role.allCases {
      let person = Recipient(name: "Sam Example", email: "sam@example.com", role: role, reasonKey: role.rawValue)
      for lead in observations.filter({ $0.canLead && $0.roles.contains(role) }) {
        drafts.append(
          try render(
            account: account, stage: .noResponse, to: [person], lead: lead, observations: observations, noticed: noticed,
            extra: ["role": role.rawValue],
            suffix: "-probe-\(role.rawValue)-\(lead.id)",
            dropping: [], generalSubject: false))
      }
    }
    return drafts
  }

  func draft(
    account: Account, stage: Stage, to: [Recipient], lead: Observation?, observations: [Observation], noticed: [String],
    extra: [String: Any], suffix: String
  ) throws -> Draft {
    var dropped: [String] = []
    var draft = try render(
      account: account, stage: stage, to: to, lead: lead, observations: observations, noticed: noticed, extra: extra,
      suffix: suffix, dropping: [], generalSubject: false)
    guard let linter else { return draft }
    draft.findings = linter.lint(path: draft.fileName, text: draft.text)
    var parts = Self.optionalParts[...]
    var generalSubject = false
    while !draft.findings.isEmpty {
      if !generalSubject, draft.findings.contains(where: { $0.line == 2 }) {
        generalSubject = true
      } else if let next = parts.popFirst() {
        dropped.append(next)
      } else {
        break
      }
      draft = try render(
        account: account, stage: stage, to: to, lead: lead, observations: observations, noticed: noticed, extra: extra,
        suffix: suffix, dropping: Set(dropped), generalSubject: generalSubject)
      draft.findings = linter.lint(path: draft.fileName, text: draft.text)
    }
    // What is left came from the account's own words (a ticket titled
    // "TODO: $XXk bill"): no template change can fix it, so the account
    // is one error naming the value, and no draft that fails its own lint
    // is handed over.
    for finding in draft.findings where !finding.match.isEmpty {
      if let key = Self.dataField(holding: finding.match, in: account) {
        throw OutreachError.account(
          path: account.file, line: 1, key: key,
          problem: "`\(finding.match.prefix(40))` in it reads as [\(finding.rule)] in the email (\(finding.message))",
          fix: "reword the value in the account data")
      }
    }
    return draft
  }

  /// The key path of the account text value that holds `match`, if any.
  static func dataField(holding match: String, in account: Account) -> String? {
    var fields: [(String, String?)] = [
      ("account.name", account.name), ("account.category", account.category), ("context.open_ticket", account.openTicket),
      ("context.sales_contact", account.salesContact), ("signals.event_spike.event", account.eventSpike?.event),
      ("signals.sdk.name", account.sdk?.name),
    ]
    fields += account.kpis.map { ("kpis", $0) } + account.salesTopics.map { ("context.sales_topics", $0) }
    fields += account.docsTopics.map { ("signals.docs_topics", $0) }
    fields += account.users.flatMap { [("users.name", $0.name), ("users.title", $0.title)] }
    let needle = match.lowercased()
    return fields.first { $0.1?.lowercased().contains(needle) == true }?.0
  }

  func render(
    account: Account, stage: Stage, to: [Recipient], lead: Observation?, observations: [Observation], noticed: [String],
    extra: [String: Any], suffix: String, dropping: Set<String>, generalSubject: Bool
  ) throws -> Draft {
    let leadID = lead?.id ?? "general"
    var facts: [String: Any] = lead?.facts ?? [:]
    if let event = lead?.facts["event"] { facts["event_code"] = Escaping.codeSpan(event) }
    // A custom Templates/ without spikes/ falls back to the custom advice.
    if let advice = facts["advice_partial"] as? String, templates.sources[advice] == nil {
      facts["advice_partial"] = "spikes/custom"
    }
    let root = RecordingContext([:])
    func nested(_ values: [String: Any], _ label: String, optional: Set<String> = []) -> RecordingContext {
      RecordingContext(values, optional: optional, label: label, parent: root)
    }
    let leadContext = nested(
      facts, "lead", optional: ["date", "sample_rate", "flags", "events_trend", "seats_added", "event_code"])
    let names = to.map { Names.firstName(name: $0.name, email: $0.email) }.filter { !$0.isEmpty }
    let greeting: [RecordingContext] = names.enumerated().map { index, name in
      let separator = index == names.count - 1 ? "" : index == names.count - 2 ? templates.team.listAnd : ", "
      return nested(["name": name, "separator": separator], "greeting")
    }
    let topics =
      account.salesTopics.count <= 1
      ? account.salesTopics.joined()
      : account.salesTopics.dropLast().joined(separator: ", ") + templates.team.listAnd + account.salesTopics.last!
    var values: [String: Any] = [
      "account": account.name,
      "category": account.category.map { $0 as Any } ?? false,
      "human_touch": humanTouch(for: account).map { $0 as Any } ?? false,
      "greeting": greeting,
      "sender": nested(["name": templates.team.senderName, "title": templates.team.senderTitle], "sender"),
      "program": nested(["weeks": templates.team.programWeeks, "includes": templates.team.programIncludes], "program"),
      "sales_contact": account.salesContact.map { $0 as Any } ?? false,
      "sales_topics": topics.isEmpty ? false : topics,
      "ticket": account.openTicket.map { $0 as Any } ?? false,
      "open_ticket": (leadID != "open-ticket" ? account.openTicket.map { nested(["ticket": $0], "open_ticket") as Any } : nil)
        ?? false,
      "lead_partial": "observations/\(leadID)",
      "lead": leadContext,
      "cta": cta(for: lead, account: account, seed: account.name + stage.rawValue + suffix),
      "nudge": false, "cross_sell": [Any](), "growth": false, "role": "other",
    ]
    for (key, value) in extra {
      switch value {
      case let dictionary as [String: Any]:
        values[key] = nested(dictionary, key)
      case let list as [[String: Any]]:
        values[key] = list.map { nested($0, key) }
      case let context as RecordingContext:
        context.parent = root
        values[key] = context
      default:
        values[key] = value
      }
    }
    for key in dropping where values[key] != nil {
      values[key] = values[key] is [Any] ? [Any]() : false
    }
    root.setValues(values)
    var body = try templates.render(stage == .followUp ? "check-in" : stage.rawValue, root)
    body = Self.tidy(body)
    var subjectFacts: [String: Any] = facts
    subjectFacts["account"] = account.name
    let subjectTemplate = (generalSubject ? nil : templates.subjects[leadID]) ?? templates.subjects["general"]
    let subject = Escaping.sanitize(subjectTemplate?.render(subjectFacts, library: templates.library) ?? account.name)
    // The observations the text was built on: the lead, and the optional
    // parts the stage's template used and that were not dropped.
    func shown(_ key: String) -> Bool { root.used.contains(key) && !(values[key] is Bool) }
    var built = [
      lead?.id, shown("nudge") ? extra["nudge_id"] as? String : nil, shown("open_ticket") ? "open-ticket" : nil,
      shown("growth") ? "growth" : nil,
    ].compactMap { $0 }
    built = observations.map(\.id).filter { built.contains($0) }
    var draft = Draft(
      account: account.name, stage: stage, to: to, subject: subject, body: body, observations: built,
      noticed: noticed,
      misses: root.misses, findings: [], fileName: slug(account.name) + "-" + stage.rawValue + suffix + ".md",
      identity: [account.name, account.domain ?? "", stage.rawValue, suffix.isEmpty ? "" : to.first?.email ?? ""].joined(
        separator: "\u{0}"))
    draft.domain = account.domain
    return draft
  }

  /// The sender's one genuine line for this account: the first `relates`
  /// entry of team.yml with a word in the account's category, KPIs or
  /// products in use. Nil when nothing matches: no line beats a fake one.
  func humanTouch(for account: Account) -> String? {
    let products = account.products.filter { $0.value.isOn }.keys.map { $0.replacingOccurrences(of: "_", with: " ") }
    let text = ([account.category ?? ""] + account.kpis + products).joined(separator: " ").lowercased()
    let words = Set(text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
    for entry in templates.team.relates {
      for about in entry.about {
        let phrase = about.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        if phrase.count == 1 ? words.contains(phrase[0]) : text.contains(phrase.joined(separator: " ")) {
          return entry.line
        }
      }
    }
    return nil
  }

  /// A call to action that fits the lead: the renewal question only where
  /// money is the topic. Picked by a stable hash, so runs reproduce.
  func cta(for lead: Observation?, account: Account, seed: String) -> String {
    let billing = ["billing-first-bill", "billing-page-visits", "event-spike", "stale-flags"].contains(lead?.id ?? "")
    // A renewal is only a topic for an account that has paid a bill: on a
    // paid plan with no first bill still to come.
    let paying = account.firstBillInDays == nil && account.products.values.contains { $0.paid == true }
    // The lead's own CTAs (`leads:` in ctas.yml): the ask that answers what
    // the email offers; else its kind's list.
    var list: [String]
    if let fit = templates.ctaFit[lead?.id ?? "general"] {
      let renewal = Set(templates.ctas["paying"] ?? [])
      list = fit.filter { paying || !renewal.contains($0) }
    } else {
      list = (billing ? templates.ctas["billing"] : nil) ?? templates.ctas["general"] ?? templates.ctas.values.first ?? []
      if billing, paying { list += templates.ctas["paying"] ?? [] }
    }
    return list.isEmpty ? "" : list[Int(stableHash(seed) % UInt64(list.count))]
  }

  /// One blank line between paragraphs, no trailing spaces, one final newline.
  static func tidy(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count + 1)
    var blankBefore = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var trimmed = line
      while trimmed.utf8.last == UInt8(ascii: " ") { trimmed.removeLast() }
      if trimmed.isEmpty {
        blankBefore = !out.isEmpty
        continue
      }
      if !out.isEmpty { out += blankBefore ? "\n\n" : "\n" }
      out += trimmed
      blankBefore = false
    }
    return out + "\n"
  }
}

/// Texts rendered from a template by a key that names everything the text
/// depends on, shared by the threads of a run.
final class RenderedTexts: @unchecked Sendable {
  private var texts: [String: String] = [:]
  private let lock = NSLock()

  func text(_ key: String, render: () -> String) -> String {
    lock.lock()
    let known = texts[key]
    lock.unlock()
    if let known { return known }
    let text = render()
    lock.lock()
    // Bounded: a run with more distinct reasons than this renders the rest.
    if texts.count < 4096 { texts[key] = text }
    lock.unlock()
    return text
  }
}

func slug(_ text: String) -> String {
  var out = ""
  for scalar in text.lowercased().unicodeScalars {
    if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
      out.unicodeScalars.append(scalar)
    } else if !out.hasSuffix("-"), !out.isEmpty {
      out += "-"
    }
  }
  while out.hasSuffix("-") { out.removeLast() }
  return out.isEmpty ? "account" : String(out.prefix(60))
}

/// FNV-1a: stable across runs and machines, unlike Hasher.
func stableHash(_ text: String) -> UInt64 {
  var hash: UInt64 = 0xCBF2_9CE4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01B3
  }
  return hash
}
