import Foundation

/// One thing the account's data says that an email can be built on.
public struct Observation: Sendable {
  public var id: String
  public var weight: Int
  /// Whether it can lead an email (set the subject and the headline).
  public var canLead: Bool
  /// Who it suits, for the no-response email to each reader: set from
  /// `Templates/role-fit.yml` (`RoleFit`), empty until then.
  public var roles: Set<Role> = []
  /// When the signal appeared, where the data says (an event spike's `on`):
  /// an email before that day cannot have been about it.
  public var since: Day? = nil
  /// Numbers and names for the templates, all taken from the account file.
  public var facts: [String: String]
}

/// Reads every observation the contract lists from an account. Conditions
/// and thresholds are documented in the README table.
public enum Observations {
  /// Ids in the order of their base weight (billing first).
  public static let ids = [
    "billing-first-bill", "billing-page-visits", "open-ticket", "event-spike", "sdk-outdated", "docs-topic",
    "replay-low-viewing", "stale-flags", "b2b-no-groups", "replay-off", "no-experiments", "error-tracking-off",
    "no-surveys", "growth",
  ]

  public static func read(_ account: Account) -> [Observation] {
    var found: [Observation] = []
    func add(_ id: String, _ weight: Int, lead: Bool = true, _ facts: [String: String] = [:]) {
      found.append(Observation(id: id, weight: weight, canLead: lead, facts: facts))
    }
    if let days = account.firstBillInDays, days <= 14 {
      add("billing-first-bill", 100 + (14 - days), ["days": "\(days)"])
    }
    if let visits = account.billingPageVisits, visits >= 3 {
      add("billing-page-visits", 90, ["visits": "\(visits)"])
    }
    if let ticket = account.openTicket, !ticket.trimmingSpaces.isEmpty {
      add("open-ticket", 75, ["ticket": ticket])
    }
    if let spike = account.eventSpike, spike.factor >= 2 {
      var facts = ["event": spike.event, "factor": format(spike.factor)]
      if let day = spike.on { facts["date"] = day.spoken }
      // The advice follows the event family (Templates/spikes/FAMILY.mustache).
      facts["advice_partial"] = "spikes/" + spikeFamily(spike.event)
      add("event-spike", 70 + min(9, Int(spike.factor)), facts)
      found[found.count - 1].since = spike.on
    }
    if let sdk = account.sdk, let behind = versionsBehind(sdk.version, sdk.latest), behind >= 10 {
      add("sdk-outdated", 60, ["sdk": sdk.name, "version": sdk.version, "latest": sdk.latest])
    }
    if let topic = account.docsTopics.first {
      add("docs-topic", 55, ["topic": topic])
    }
    let replay = account.product("session_replay")
    if let replay, replay.isOn, let recordings = replay.recordings, recordings >= 100 {
      let viewed = replay.recordingsViewed ?? 0
      if Double(viewed) / Double(recordings) < 0.05 {
        var facts = ["recordings": grouped(recordings), "viewed": grouped(viewed)]
        if let rate = replay.sampleRate { facts["sample_rate"] = format(rate) }
        add("replay-low-viewing", 50, facts)
      }
    }
    if let flags = account.product("feature_flags"), flags.isOn, let stale = flags.staleFlags, stale >= 5 {
      var facts = ["stale": "\(stale)"]
      if let total = flags.flags { facts["flags"] = "\(total)" }
      add("stale-flags", 45, facts)
    }
    if account.b2b == true, !account.uses("group_analytics") {
      add("b2b-no-groups", 40, [:])
    }
    let analytics = account.product("product_analytics")
    if !(replay?.isOn ?? false), analytics?.isOn ?? false {
      add("replay-off", 35, [:])
    }
    if let insights = analytics?.insightsCreated, insights >= 5,
      !(account.product("experiments")?.isOn ?? false) || (account.product("experiments")?.running ?? 0) == 0
    {
      add("no-experiments", 30, ["insights": "\(insights)"])
    }
    if replay?.isOn ?? false, !account.uses("error_tracking") {
      add("error-tracking-off", 28, [:])
    }
    if let events = analytics?.events, events >= 500_000,
      !(account.product("surveys")?.isOn ?? false) || (account.product("surveys")?.running ?? 0) == 0
    {
      add("no-surveys", 25, ["events": grouped(events)])
    }
    let trend = account.eventsTrend ?? 0
    let seats = account.seatsAdded ?? 0
    if trend >= 0.2 || seats >= 2 {
      var facts: [String: String] = [:]
      if trend >= 0.2 { facts["events_trend"] = "\(Int((trend * 100).rounded()))" }
      if seats >= 2 { facts["seats_added"] = "\(seats)" }
      add("growth", 20, lead: false, facts)
    }
    return found.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.id < $1.id }
  }

  /// How many minor releases `version` is behind `latest` (a major release counts as 100).
  static func versionsBehind(_ version: String, _ latest: String) -> Int? {
    func parts(_ text: String) -> [Int]? {
      let numbers = text.trimmingCharacters(in: CharacterSet(charactersIn: "v ")).split(separator: ".").map {
        Int($0.prefix { $0.isNumber })
      }
      guard numbers.count >= 2, numbers.allSatisfy({ $0 != nil }) else { return nil }
      return numbers.map { $0! }
    }
    guard let current = parts(version), let newest = parts(latest) else { return nil }
    if newest[0] > current[0] { return 100 * (newest[0] - current[0]) }
    if newest[0] < current[0] { return 0 }
    return max(0, newest[1] - current[1])
  }

  static func format(_ value: Double) -> String {
    value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
  }

  /// 1200000 → "1,200,000".
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
  }
}

/// Which advice a spike in `event` gets: `$autocapture`, pageviews and
/// screens, `$exception`, the `$ai_*` events of LLM analytics, or custom.
func spikeFamily(_ event: String) -> String {
  let name = event.lowercased()
  if name == "$autocapture" { return "autocapture" }
  if ["$pageview", "$pageleave", "$screen"].contains(name) { return "pageview" }
  if name == "$exception" { return "exception" }
  if name.hasPrefix("$ai_") { return "ai" }
  return "custom"
}
