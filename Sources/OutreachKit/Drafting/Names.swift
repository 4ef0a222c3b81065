import Foundation

/// The first name a greeting uses, read the way people write names.
enum Names {
  /// "Nakamura, Yuki" (a CRM export) is Yuki; "ANA RUIZ" and "ana ruiz" are
  /// Ana; with no name, `yuki.nakamura@` is Yuki and `dev@` is nobody.
  /// Returns "" when there is no name to greet by.
  static func firstName(name: String, email: String) -> String {
    // `sanitize` folds every kind of white space to one " ".
    let clean = Escaping.sanitize(name).trimmingSpaces
    var given = clean
    // "Last, First [Middle]": the part after the comma holds the first name.
    let commaParts = clean.split(separator: ",", omittingEmptySubsequences: true).map {
      String($0).trimmingSpaces
    }
    if commaParts.count == 2, !commaParts[1].isEmpty, !suffixes.contains(commaParts[1].lowercased()) {
      given = commaParts[1]
    }
    var first = given.split(separator: " ").first.map(String.init) ?? ""
    first = first.trimmingScalars { ",;:.\"'()<>[]".unicodeScalars.contains($0) }
    if first.contains(where: \.isLetter) { return cased(first) }
    return fromAddress(email)
  }

  /// Generational suffixes, which a comma also separates ("Ruiz, Jr.").
  static let suffixes: Set<String> = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md"]

  /// A first name only when the address clearly holds one: two or more
  /// alphabetic parts joined by `.`, `_` or `-`, the first of two letters
  /// or more (`yuki.nakamura`, `ana_ruiz`).
  static func fromAddress(_ email: String) -> String {
    let local = String(email.split(separator: "@").first ?? "").split(separator: "+").first.map(String.init) ?? ""
    let parts = local.split(whereSeparator: { ".-_".contains($0) })
    guard parts.count >= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isLetter } }),
      parts[0].count >= 2
    else { return "" }
    return cased(String(parts[0]))
  }

  /// ANA and ana become Ana (each part of Jean-Luc too); McKenzie and
  /// DeShawn stay as written.
  static func cased(_ word: String) -> String {
    let letters = word.filter(\.isLetter)
    guard !letters.isEmpty, letters == letters.uppercased() || letters == letters.lowercased() else { return word }
    return word.split(separator: "-", omittingEmptySubsequences: false).map { part in
      part.prefix(1).uppercased() + part.dropFirst().lowercased()
    }.joined(separator: "-")
  }
}
