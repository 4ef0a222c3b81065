import Foundation

/// Vale's readability metrics (the formulas of its `summarize` package):
/// counts of sentences, words, syllables, letters and long words in prose.
struct Readability {
  static let metrics = ["Flesch-Kincaid", "Gunning Fog", "Coleman-Liau", "SMOG", "Automated Readability"]

  var sentences = 0
  var words = 0
  var syllables = 0
  /// Words of three syllables or more.
  var polysyllables = 0
  var letters = 0
  var characters = 0

  init(_ text: String) {
    var inSentence = false
    for raw in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
      let word = raw.filter { $0.isLetter || $0.isNumber || $0 == "'" || $0 == "-" }
      guard word.contains(where: \.isLetter) || word.contains(where: \.isNumber) else { continue }
      words += 1
      inSentence = true
      let count = Self.syllables(in: String(word))
      syllables += count
      if count >= 3 { polysyllables += 1 }
      letters += word.filter(\.isLetter).count
      characters += word.count
      if let last = raw.last, ".!?".contains(last) {
        sentences += 1
        inSentence = false
      }
    }
    if inSentence || sentences == 0 { sentences += 1 }
  }

  /// Vowel groups, less a silent final e; at least one.
  static func syllables(in word: String) -> Int {
    let lower = word.lowercased()
    var count = 0
    var previousVowel = false
    for character in lower {
      let vowel = "aeiouy".contains(character)
      if vowel && !previousVowel { count += 1 }
      previousVowel = vowel
    }
    if lower.hasSuffix("e"), !lower.hasSuffix("le"), count > 1 { count -= 1 }
    return max(1, count)
  }

  /// The mean of `metrics`.
  func grade(_ metrics: [String]) -> Double {
    guard words > 0, !metrics.isEmpty else { return 0 }
    let w = Double(words)
    let s = Double(sentences)
    let scores = metrics.map { metric -> Double in
      switch metric {
      case "Flesch-Kincaid": return 0.39 * (w / s) + 11.8 * (Double(syllables) / w) - 15.59
      case "Gunning Fog": return 0.4 * ((w / s) + 100 * (Double(polysyllables) / w))
      case "Coleman-Liau":
        return 0.0588 * (Double(letters) / w * 100) - 0.296 * (s / w * 100) - 15.8
      case "SMOG": return 1.0430 * (Double(polysyllables) * 30 / s).squareRoot() + 3.1291
      case "Automated Readability": return 4.71 * (Double(characters) / w) + 0.5 * (w / s) - 21.43
      default: return 0
      }
    }
    return scores.reduce(0, +) / Double(scores.count)
  }
}
