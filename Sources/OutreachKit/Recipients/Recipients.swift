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
  /// Addresses no person reads: never written to.
  static let robotInboxes: Set<String> = [
    "noreply", "no-reply", "donotreply", "do-not-reply", "alerts", "alert", "notifications", "notification", "root",
    "postmaster", "webmaster", "mailer-daemon", "bot", "qa", "test", "testing",
  ]

  /// Shared inboxes: left out, unless the entry has a person's name and a
  /// title (`dev@` for Dev Patel, Founder, is Dev).
  static let roleInboxes: Set<String> = [
    "support", "help", "admin", "info", "hello", "team", "ops", "devops", "billing", "accounts", "security", "dev",
    "engineering", "contact", "sales", "marketing",
  ]

  /// Titles that never fill a seat on a technical email: they are not the
  /// people who act on product analytics.
  static let nonTechnicalKeywords: [[UInt8]] = [
    "sales", "account executive", "business development", "marketing", "brand", " hr ", "human resources", "people ops",
    "people operations", "recruit", "talent", "office", "agency", "partnership", "communications", " pr ", "legal",
    "executive assistant",
  ].map { Array($0.utf8) }

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
    // On UTF-8 bytes: splitting a String by Character is slow for 100,000 users.
    let email = Array(user.email.lowercased().utf8)
    let parts = email.split(separator: 0x40)
    let localBytes = Array(parts.first ?? [])
    let domain = String(decoding: parts.last ?? [], as: UTF8.self)
    if configuration.internalDomains.contains(where: { domain == $0 || domain.hasSuffix("." + $0) }) { return "internal" }
    let base = String(decoding: localBytes.split(separator: 0x2B).first ?? [], as: UTF8.self)
    func holds(_ part: String) -> Bool { EmailDocument.contains(localBytes, Array(part.utf8)) }
    if holds("+test") || holds("+qa") || robotInboxes.contains(base) || base.hasSuffix("bot")
      || base.hasPrefix("bot") || holds("noreply")
    {
      return "role inbox"
    }
    if roleInboxes.contains(base) {
      // A person's name (not the inbox word itself) and a title make a person.
      let name = user.name.lowercased().filter(\.isLetter)
      let hasTitle = !(user.title ?? "").trimmingCharacters(in: .whitespaces).isEmpty
      if name.isEmpty || name == base.filter(\.isLetter) || !hasTitle { return "role inbox" }
    }
    if user.name.lowercased().hasSuffix(" bot") || user.name.lowercased() == "bot" { return "bot" }
    if let last = user.lastActive, last.days(to: today) > configuration.inactiveDays { return "inactive" }
    return nil
  }

  /// Observations that make cost someone's job, with the reason key that
  /// says which (`Templates/recipients.yml`).
  static let costSignals: [(id: String, reason: String)] = [
    ("billing-first-bill", "finance"), ("billing-page-visits", "finance"), ("event-spike", "finance_spike"),
    ("stale-flags", "finance_flags"),
  ]

  /// Roles that fill a seat on an email about the product: engineering,
  /// product and data, design, founders.
  static let fillRoles: Set<Role> = [.engineering, .product, .design, .leadership]

  /// Whether a title is sales, marketing, HR, recruiting, office or agency.
  static func isNonTechnical(_ title: String?) -> Bool {
    let bytes = titleBytes(title)
    return nonTechnicalKeywords.contains { EmailDocument.contains(bytes, $0) }
  }

  /// Up to `maxRecipients` people, in the order a draft addresses them.
  /// - Parameter unanswered: for a no-response set, how many unanswered
  ///   emails each address already got: within a role, people not yet
  ///   emailed come first, and someone who ignored two gets a third only
  ///   when nobody else in that role is left.
  public static func pick(
    _ account: Account, observations: [Observation], today: Day, configuration: Configuration,
    unanswered: [String: Int] = [:]
  ) -> [Recipient] {
    let cost = costSignals.first { signal in observations.contains { $0.id == signal.id } }
    var candidates: [(user: AccountUser, role: Role, score: Int, days: Int?)] = []
    var seenEmails = Set<String>(minimumCapacity: account.users.count)
    candidates.reserveCapacity(account.users.count)
    for user in account.users where exclusion(user, today: today, configuration: configuration) == nil {
      let email = user.email.lowercased()
      guard seenEmails.insert(email).inserted else { continue }
      let role = role(of: user)
      if role == .finance && cost == nil { continue }
      let days = user.lastActive.map { $0.days(to: today) }
      // Fewer unanswered emails first, then seniority, then recent activity.
      let ignored = unanswered.isEmpty ? 0 : unanswered[email] ?? 0
      let score = -min(ignored, 2) * 100_000 + seniority(user.title) * 1000 + (1000 - min(999, days ?? 999))
      candidates.append((user, role, score, days))
    }
    candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.user.email < $1.user.email }
    let smallTeam = account.users.count <= 15
    var slots: [(Role, String)] = [(.engineering, "engineering"), (.product, "product")]
    if let cost { slots.append((.finance, cost.reason)) }
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
    // Fill to at least 3 (and at most the limit): first with people whose
    // role fits an email about the product, then, when nobody else is left,
    // with others (never sales, marketing, HR, recruiting, office or agency).
    let limit = min(configuration.maxRecipients, 4)
    // Someone who ignored two emails is not a filler when their role is
    // already written to.
    if !unanswered.isEmpty {
      candidates.removeAll { candidate in
        unanswered[candidate.user.email.lowercased(), default: 0] >= 2 && chosen.contains { $0.role == candidate.role }
      }
    }
    for candidate in candidates
    where chosen.count < min(limit, 3) && !used.contains(candidate.user.email) && fillRoles.contains(candidate.role)
      && !isNonTechnical(candidate.user.title)
    {
      take(candidate, key: "fill")
    }
    for candidate in candidates
    where chosen.count < min(limit, 3) && !used.contains(candidate.user.email) && candidate.role != .finance
      && !isNonTechnical(candidate.user.title)
    {
      take(candidate, key: "fill_other")
    }
    return chosen
  }

  /// Why nobody could be picked: each user and what left them out, for the
  /// one-line error of an account with nobody to write to.
  public static func whyNobody(_ account: Account, today: Day, configuration: Configuration) -> String {
    guard !account.users.isEmpty else { return "the account has no users" }
    return account.users.prefix(6).map { user in
      let who = Escaping.plain(user.name).isEmpty ? Escaping.sanitize(user.email) : Escaping.plain(user.name)
      let why =
        exclusion(user, today: today, configuration: configuration)
        ?? (role(of: user) == .finance
          ? "finance, and no cost signal" : isNonTechnical(user.title) ? "not technical" : "left out")
      return "\(who) (\(why))"
    }.joined(separator: ", ") + (account.users.count > 6 ? " and \(account.users.count - 6) more" : "")
  }
}
