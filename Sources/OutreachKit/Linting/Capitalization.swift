/// Vale's `capitalization` cases for a heading or a subject.
enum Capitalization {
  /// Words a title leaves in lower case unless first or last (AP/Chicago).
  static let smallWords: Set<String> = [
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of", "off", "on", "per",
    "to", "up", "via", "vs", "from", "into", "onto", "with", "over",
  ]

  static func conforms(_ text: String, to match: String, indicators: [String], exceptions: Set<String>) -> Bool {
    let words = text.split(separator: " ").map(String.init)
    func isException(_ word: String) -> Bool {
      let bare = word.trimmingCharacters(in: .punctuationCharacters)
      return exceptions.contains(bare) || bare.count > 1 && bare == bare.uppercased()  // acronyms
    }
    func capitalized(_ word: String) -> Bool { word.first(where: \.isLetter).map(\.isUppercase) ?? true }
    func lowered(_ word: String) -> Bool { !word.contains(where: \.isUppercase) }
    switch match {
    case "$lower": return words.allSatisfy { isException($0) || lowered($0) }
    case "$upper": return text == text.uppercased()
    case "$sentence":
      for (index, word) in words.enumerated() where !isException(word) {
        let afterIndicator = index > 0 && indicators.contains { words[index - 1].hasSuffix($0) }
        if index == 0 || afterIndicator {
          if !capitalized(word) { return false }
        } else if !lowered(word), !word.dropFirst().contains(where: \.isUppercase) {
          // A capital inside a word (PostHog, iOS) is a name, not case.
          return false
        }
      }
      return true
    case "$title":
      for (index, word) in words.enumerated() where !isException(word) {
        let bare = word.lowercased().trimmingCharacters(in: .punctuationCharacters)
        let edge = index == 0 || index == words.count - 1
        if smallWords.contains(bare), !edge { continue }
        if !capitalized(word) { return false }
      }
      return true
    default:
      guard let regex = try? RE2Regex(match) else { return true }
      return regex.matchesWhole(text)
    }
  }
}
