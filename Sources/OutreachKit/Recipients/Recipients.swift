import Foundation

/// Someone a draft goes to, and why.
public struct Recipient: Sendable, Equatable {
  public var name: String
  public var email: String
  public var role: Role
  /// Which reason template explains the choice (`Templates/recipients.yml`).
  public var reasonKey: String
  public var reason: String = ""
  public var title: String?
  public var daysSinceActive: Int?
}

/// Picks the 3-4 people to write to.
public enum RecipientPicker {
  static let roleInboxes: Set<String> = [
    "noreply", "no-reply", "donotreply", "do-not-reply", "support", "help", "alerts", "alert", "qa", "test", "testing",
    "admin", "info", "hello", "team", "ops", "devops", "notifications", "notification", "billing", "accounts", "security",
    "root", "postmaster", "webmaster", "mailer-daemon", "bot", "dev", "engineering", "contact", "sales", "marketing",
  ]

  /// The role read from a title (or the `role:` override).
  /// Title keywords by role, in the order they are tried.
  static let roleKeywords: [(Role, [[UInt8]])] =
    ([

      (.leadership, ["founder", " ceo", "chief executive", " coo", "chief operating", "general manager", "president", "owner"]),
      (
        .finance,
        ["finance", "procurement", "billing", "accounting", "accountant", "purchasing", "controller", " cfo", "treasur"]
      ),
      (.design, ["design", " ux", "user research", "ux research"]),
      (.product, ["product", " pm ", " pm,", "analyst", "analytics", "data ", " data", "growth", "insights"]),
      (
        .engineering,
        [
          "engineer", "developer", " cto", "technical", "tech lead", "architect", "devops", " sre", "implementation", "software",
          "platform", "backend", "frontend", "full stack", "fullstack",
        ]
      ),
      (.support, ["support", "customer success", " cx", "success manager", "customer experience"]),
    ] as [(Role, [String])]).map { ($0.0, $0.1.map { Array($0.utf8) }) }

  static let seniorityKeywords: [([UInt8], Int)] =
    ([
      ("founder", 9), ("chief", 9), (" ceo", 9), (" cto", 9), (" cfo", 9), (" coo", 9), ("vp", 8), ("vice president", 8),
      ("head of", 7), ("director", 7), ("principal", 6), ("staff", 5), ("lead", 5), ("senior", 4), ("sr.", 4), ("manager", 4),
    ] as [(String, Int)]).map { (Array($0.0.utf8), $0.1) }

  /// The title as lowercase ASCII bytes between spaces, hyphens as spaces.
  static func titleBytes(_ title: String?) -> [UInt8] {
    var bytes: [UInt8] = [0x20]
    for byte in (title ?? "").utf8 {
      bytes.append(byte == 0x2D ? 0x20 : PhraseMatcher.lowercase[Int(byte)])
    }
    bytes.append(0x20)
    return bytes
  }

  /// The role read from a title (or the `role:` override).
  public static func role(of user: AccountUser) -> Role {
    if let role = user.role { return role }
    let title = titleBytes(user.title)
    for (role, words) in roleKeywords where words.contains(where: { EmailDocument.contains(title, $0) }) {
      return role
    }
    return .other
  }

  static func seniority(_ title: String?) -> Int {
    let bytes = titleBytes(title)
    return seniorityKeywords.filter { EmailDocument.contains(bytes, $0.0) }.map(\.1).max() ?? 2
  }

  /// Why a person cannot be written to, or nil when they can.
  public static func exclusion(_ user: AccountUser, today: Day, configuration: Configuration) -> String? {
    let email = user.email.lowercased()
    let parts = email.split(separator: "@")
    let local = String(parts.first ?? "")
    let domain = String(parts.last ?? "")
    if configuration.internalDomains.contains(where: { domain == $0 || domain.hasSuffix("." + $0) }) { return "internal" }
    let base = String(local.split(separator: "+").first ?? "")
    if local.contains("+test") || local.contains("+qa") || roleInboxes.contains(base) || base.hasSuffix("bot")
      || base.hasPrefix("bot") || base.contains("noreply")
    {
      return "role inbox"
    }
    if user.name.lowercased().hasSuffix(" bot") || user.name.lowercased() == "bot" { return "bot" }
    if let last = user.lastActive, last.days(to: today) > configuration.inactiveDays { return "inactive" }
    return nil
  }

  /// Up to `maxRecipients` people, in the order a draft addresses them.
  public static func pick(_ account: Account, observations: [Observation], today: Day, configuration: Configuration)
    -> [Recipient]
  {
    let billingSignal = observations.contains {
      ["billing-first-bill", "billing-page-visits", "event-spike", "stale-flags"].contains($0.id)
    }
    var candidates: [(user: AccountUser, role: Role, score: Int, days: Int?)] = []
    var seenEmails = Set<String>()
    for user in account.users where exclusion(user, today: today, configuration: configuration) == nil {
      guard seenEmails.insert(user.email.lowercased()).inserted else { continue }
      let role = role(of: user)
      if role == .finance && !billingSignal { continue }
      let days = user.lastActive.map { $0.days(to: today) }
      // Seniority first, then recent activity.
      let score = seniority(user.title) * 1000 + (1000 - min(999, days ?? 999))
      candidates.append((user, role, score, days))
    }
    candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.user.email < $1.user.email }
    let smallTeam = account.users.count <= 15
    var slots: [(Role, String)] = [(.engineering, "engineering"), (.product, "product")]
    if billingSignal { slots.append((.finance, "finance")) }
    if smallTeam { slots.append((.leadership, "leadership")) }
    var chosen: [Recipient] = []
    var used = Set<String>()
    func take(_ candidate: (user: AccountUser, role: Role, score: Int, days: Int?), key: String) {
      used.insert(candidate.user.email)
      chosen.append(
        Recipient(
          name: candidate.user.name, email: candidate.user.email, role: candidate.role, reasonKey: key,
          title: candidate.user.title,
          daysSinceActive: candidate.days))
    }
    for (role, key) in slots where chosen.count < configuration.maxRecipients {
      let pool =
        role == .product ? candidates.filter { $0.role == .product || $0.role == .design } : candidates.filter { $0.role == role }
      if let best = pool.first(where: { !used.contains($0.user.email) }) { take(best, key: key) }
    }
    // Fill to at least 3 (and at most the limit) with the most senior, most active others.
    let limit = min(configuration.maxRecipients, 4)
    for candidate in candidates where chosen.count < min(limit, 3) && !used.contains(candidate.user.email) {
      take(candidate, key: "fill")
    }
    return chosen
  }
}
