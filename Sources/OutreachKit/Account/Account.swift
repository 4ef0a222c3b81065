import Foundation

/// A calendar date (no time, no zone), as account files write them.
public struct Day: Sendable, Comparable, Hashable, CustomStringConvertible {
  public var year: Int, month: Int, day: Int

  public init?(_ text: String) {
    let parts = text.trimmingSpaces.split(separator: "-")
    guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// A date that exists (a 31 November does not).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  public init(date: Date) {
    let parts = Day.calendar.dateComponents([.year, .month, .day], from: date)
    year = parts.year!
    month = parts.month!
    day = parts.day!
  }

  static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  /// Whole days from `self` to `other`.
  public func days(to other: Day) -> Int { other.ordinal - ordinal }

  /// Days in a month of the proleptic Gregorian calendar.
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 (Howard Hinnant's days_from_civil): arithmetic,
  /// not Calendar, so that 100,000 users' activity dates cost nothing.
  var ordinal: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

  /// "November 18", for prose.
  public var spoken: String {
    let months = [
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    return "\(months[month - 1]) \(day)"
  }

  public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// One product's usage over the last 30 days.
public struct ProductUsage: Sendable {
  public var enabled: Bool?
  public var paid: Bool?
  public var events: Int?
  public var insightsCreated: Int?
  public var dashboards: Int?
  public var recordings: Int?
  public var recordingsViewed: Int?
  public var sampleRate: Double?
  public var flags: Int?
  public var staleFlags: Int?
  public var running: Int?
  public var sources: [String] = []

  public var isOn: Bool { enabled ?? false }
}

public struct AccountUser: Sendable {
  public var name: String
  public var email: String
  public var title: String?
  public var lastActive: Day?
  public var role: Role?
  /// Line of the user's entry, for messages.
  public var line: Int
}

public struct HistoryEntry: Sendable {
  public var stage: Stage
  public var sent: Day?
  public var to: [String]
  public var observations: [String]
  public var replied: Bool
}

/// An account file (contract section 1).
public struct Account: Sendable {
  public var file: String
  public var name: String
  public var domain: String?
  public var category: String?
  public var archetype: String?
  public var b2b: Bool?
  public var kpis: [String] = []
  public var salesContact: String?
  public var salesTopics: [String] = []
  public var openTicket: String?
  public var products: [String: ProductUsage] = [:]
  public var firstBillInDays: Int?
  public var billingPageVisits: Int?
  public var docsTopics: [String] = []
  public var eventSpike: (event: String, factor: Double, on: Day?)?
  public var sdk: (name: String, version: String, latest: String)?
  public var eventsTrend: Double?
  public var seatsAdded: Int?
  public var users: [AccountUser] = []
  public var history: [HistoryEntry] = []

  public func product(_ key: String) -> ProductUsage? { products[key] }
  public func uses(_ key: String) -> Bool { products[key]?.isOn ?? false }
}

/// The onboarding stages (contract section 1).
public enum Stage: String, Sendable, CaseIterable, Codable {
  case onboarding
  case checkIn = "check-in"
  case noResponse = "no-response"
  case followUp = "follow-up"
}

/// Roles read from titles (contract section 1).
public enum Role: String, Sendable, CaseIterable {
  case engineering, product, design, leadership, finance, support, other
}
