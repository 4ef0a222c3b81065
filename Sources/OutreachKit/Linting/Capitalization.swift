import Foundation

/// Vale's `capitalization` settings (`match`, `style`, `threshold`,
/// `indicators`, `prefix`); `exceptions` are the rule's own.
public struct CapitalizationSpec: Sendable {
  public enum Style: String, Sendable {
    case ap = "AP"
    case chicago = "Chicago"
  }
  public var match: String
  public var style = Style.ap
  /// The share of words that must agree with the expected case (Vale: 0.8).
  public var threshold = 0.8
  /// Suffixes after which the next word starts a sentence again.
  public var indicators: [String] = []
  /// A pattern whose match at the start is left out of the conversion.
  public var prefix: String? = nil
}

/// Vale's `capitalization` check, as Vale's source does it
/// (`internal/check/capitalization.go` and `variables.go`, and the `strcase`
/// package of jdkato/twine it calls): the text is converted to the case
/// `match` names, the words of the text and of the conversion are compared
/// one by one, and the text passes when at least `threshold` of its words
/// agree. One difference: for `$title` in AP style, Vale asks a
/// part-of-speech tagger whether a "to" comes before a noun (then it is
/// lower case); here a "to" is capitalized only before a common verb
/// (`infinitiveVerbs`).
final class CapitalizationCheck: @unchecked Sendable {
  let spec: CapitalizationSpec
  let exceptions: [String]
  /// Vale's exception pattern: the exceptions, longest first, each case
  /// sensitive unless it starts with `(?i)`, between word boundaries.
  private let exceptionPattern: MadeOnce<RE2Regex>
  /// Words as Vale's `title` and `sentence` compare them: an exception, or
  /// letters and digits up to the next space.
  private let tokenPattern: MadeOnce<RE2Regex>
  /// The sentence converter's own split: exceptions (any case) first.
  private let sentencePattern: MadeOnce<RE2Regex>
  /// The title converter's split: letters and digits up to a space, `-` or `/`.
  private static let titleWords = try? RE2Regex(#"[\p{N}\p{L}]+[^\s\-/]*"#)
  /// Each exception as a pattern of its own (the converters' vocabulary).
  private let vocabulary: [(text: String, regex: RE2Regex.Lazy)]
  private let prefixPattern: RE2Regex.Lazy?
  private let custom: RE2Regex.Lazy?
  // Compiled when a heading or subject is first checked, not at start.
  private var exceptionRegex: RE2Regex? { exceptionPattern.value }
  private var tokens: RE2Regex? { tokenPattern.value }
  private var sentenceTokens: RE2Regex? { sentencePattern.value }
  private var prefix: RE2Regex? { prefixPattern?.regex }
  private static let numberedItem = try? RE2Regex(#"\d+\."#)

  static let smallWords: Set<String> = [
    "a", "an", "and", "as", "at", "but", "by", "en", "for", "if", "in", "nor", "of", "on", "or", "per", "the", "to", "vs",
    "vs.", "via", "v", "v.",
  ]
  static let prepositions: Set<String> = [
    "with", "from", "into", "during", "including", "until", "against", "among", "throughout", "despite", "towards", "upon",
    "concerning", "about", "over", "through", "before", "between", "after", "since", "without", "under", "within", "along",
    "following", "across", "beyond", "around", "down", "near", "above",
  ]
  /// Verbs that make a "to" before them an infinitive ("How To Use"):
  /// Vale asks a part-of-speech tagger, this list stands in for it.
  static let infinitiveVerbs: Set<String> = [
    "add", "analyze", "ask", "avoid", "be", "build", "buy", "call", "change", "check", "choose", "connect", "create", "cut",
    "debug", "deploy", "do", "enable", "find", "fix", "get", "go", "grow", "help", "improve", "install", "keep", "know",
    "learn", "make", "manage", "measure", "migrate", "move", "pay", "plan", "read", "reduce", "run", "save", "see", "send",
    "set", "ship", "start", "stop", "switch", "take", "test", "track", "try", "turn", "understand", "upgrade", "use",
    "write",
  ]
  static let word = #"[\p{N}\p{L}*]+[^\s]*"#

  init(spec: CapitalizationSpec, exceptions: [String]) {
    self.spec = spec
    // Longest first everywhere, as Vale and strcase sort them, so that
    // "Axon Server" is tried before "Axon".
    let terms = exceptions.filter { !$0.isEmpty }.enumerated().sorted {
      $0.element.utf8.count != $1.element.utf8.count ? $0.element.utf8.count > $1.element.utf8.count : $0.offset < $1.offset
    }.map(\.element)
    self.exceptions = terms
    let ordered = terms.map { $0.hasPrefix("(?i)") ? $0 : "(?-i)" + $0 }
    let exceptions = ordered.isEmpty ? nil : #"(?m)\b(?:"# + ordered.joined(separator: "|") + #")\b"#
    exceptionPattern = MadeOnce { exceptions.flatMap { try? RE2Regex($0) } }
    // A word split that leaves out exceptions RE2 rejects.
    tokenPattern = MadeOnce { exceptions.flatMap { try? RE2Regex($0 + "|" + Self.word) } ?? (try? RE2Regex(Self.word)) }
    let sentence = terms.isEmpty ? Self.word : #"\b(?:"# + terms.joined(separator: "|") + #")\b|"# + Self.word
    sentencePattern = MadeOnce { (try? RE2Regex(sentence, ignorecase: true)) ?? (try? RE2Regex(Self.word)) }
    vocabulary = terms.map { ($0, RE2Regex.Lazy($0)) }
    prefixPattern = spec.prefix.map { RE2Regex.Lazy($0) }
    custom = spec.match.hasPrefix("$") ? nil : RE2Regex.Lazy(spec.match)
  }

  /// The text in the expected case, and whether `text` passes.
  func check(_ text: String) -> (expected: String, passes: Bool) {
    switch spec.match {
    case "$title": return compare(text, expected: title(text), sentence: false)
    case "$sentence": return compare(text, expected: sentence(text), sentence: true)
    case "$lower":
      let expected = text.lowercased()
      return (expected, text == expected || isException(text))
    case "$upper":
      let expected = text.uppercased()
      return (expected, text == expected || isException(text))
    default:
      return (spec.match, (custom?.regex?.isFound(in: text) ?? true) || isException(text))
    }
  }

  private func isException(_ text: String) -> Bool {
    exceptionRegex?.isFound(in: text) ?? false
  }

  /// Vale's `title` and `sentence`: word by word against the conversion.
  private func compare(_ text: String, expected: String, sentence: Bool) -> (String, Bool) {
    guard let tokens else { return (expected, true) }
    let expectedWords = matches(tokens, in: expected).map(\.text)
    var agree = 0.0
    var words = 0.0
    for (index, word) in matches(tokens, in: text).map(\.text).enumerated() {
      if index >= expectedWords.count || word == expectedWords[index] || isException(word) {
        agree += 1
      } else if !sentence, word == word.uppercased() {
        agree += 1
      } else if sentence, index == 0, word != Self.goTitle(word.lowercased()) {
        return (expected, false)
      }
      words += 1
    }
    // No words at all: nothing is in the wrong case.
    return (expected, words == 0 || agree / words >= spec.threshold)
  }

  /// The text with its `prefix` (when it starts with one) set apart.
  private func splitPrefix(_ text: String) -> (String, String) {
    guard let prefix, let first = matches(prefix, in: text).first, text.hasPrefix(first.text) else { return ("", text) }
    return (first.text, String(text.dropFirst(first.text.count)))
  }

  /// strcase's SentenceConverter: the first word (and one after an
  /// indicator) capitalized, the rest lower case, exceptions as written.
  func sentence(_ text: String) -> String {
    let (prefixText, rest) = splitPrefix(text)
    guard let sentenceTokens else { return text }
    let words = matches(sentenceTokens, in: rest).map(\.text)
    var made: [String] = []
    for (index, word) in words.enumerated() {
      if let entry = vocabularyEntry(word) {
        made.append(entry)
      } else if index == 0 || isIndicator(words[index - 1], at: index - 1) {
        made.append(Self.capitalized(word, rest: { $0.lowercased() }))
      } else {
        made.append(word.lowercased())
      }
    }
    return prefixText + made.joined(separator: " ")
  }

  private func isIndicator(_ word: String, at index: Int) -> Bool {
    if spec.indicators.contains(where: { word.hasSuffix($0) }) { return true }
    return index == 0 && (Self.numberedItem?.isFound(in: word) ?? false)
  }

  /// strcase's TitleConverter (AP or Chicago): small words lower case
  /// unless first or last, everything else capitalized, exceptions as written.
  func title(_ text: String) -> String {
    let (prefixText, rest) = splitPrefix(text)
    guard let titleWords = Self.titleWords else { return text }
    // Dashes and curly quotes count as their ASCII forms around a word.
    let scalars = Array(
      rest.unicodeScalars.map { scalar -> Unicode.Scalar in
        switch scalar {
        case "\u{2013}", "\u{2014}": return "-"
        case "\u{2018}", "\u{2019}": return "'"
        case "\u{201C}", "\u{201D}": return "\""
        default: return scalar
        }
      })
    let found = matches(titleWords, in: rest)
    var out = ""
    var last = rest.startIndex
    for (index, match) in found.enumerated() {
      out += rest[last..<match.range.lowerBound]
      last = match.range.upperBound
      let start = rest.unicodeScalars.distance(from: rest.startIndex, to: match.range.lowerBound)
      let end = start + match.text.unicodeScalars.count
      func at(_ offset: Int) -> Unicode.Scalar? { offset >= 0 && offset < scalars.count ? scalars[offset] : nil }
      let lowered = match.text.lowercased()
      let bounding = start == 0 || end == scalars.count
      let previous = at(start - 1)
      let beforePrevious = at(start - 2)
      if let entry = vocabularyEntry(match.text) {
        out += entry
      } else if ignores(lowered, next: index + 1 < found.count ? found[index + 1].text : nil, bounding: bounding),
        previous == " " || previous == "-" || previous == "/", beforePrevious != ":", beforePrevious != "-",
        at(end) != "-" || previous == "-"
      {
        out += lowered
      } else {
        out += Self.capitalized(match.text, rest: { String($0) })
      }
    }
    out += rest[last...]
    return prefixText + out
  }

  private func ignores(_ word: String, next: String?, bounding: Bool) -> Bool {
    if spec.style == .ap, word == "to", let next {
      // An infinitive's "to" is capitalized; a preposition's is not.
      return !Self.infinitiveVerbs.contains(next.lowercased())
    }
    guard !bounding else { return false }
    return Self.smallWords.contains(word) || (spec.style == .chicago && Self.prepositions.contains(word))
  }

  /// strcase's vocabulary: an exception equal to the word, case ignored,
  /// gives its own spelling; one whose pattern matches inside the word
  /// leaves the word as it is.
  private func vocabularyEntry(_ word: String) -> String? {
    for term in vocabulary {
      if term.text.lowercased() == word.lowercased() { return term.text }
      if term.regex.regex?.isFound(in: word) == true { return word }
    }
    return nil
  }

  /// The first letter in title case, the rest through `rest`.
  static func capitalized(_ word: String, rest: (Substring) -> String) -> String {
    guard let first = word.unicodeScalars.first else { return word }
    let tail = word.unicodeScalars.dropFirst()
    return first.properties.titlecaseMapping + rest(Substring(String(String.UnicodeScalarView(tail))))
  }

  /// Go's `strings.Title`: a letter after a separator is upper case.
  static func goTitle(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var previous: Unicode.Scalar = " "
    for scalar in text.unicodeScalars {
      let separator: Bool
      if previous.isASCII {
        let value = previous.value
        separator =
          !((0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || value == 0x5F)
      } else {
        separator =
          !(previous.properties.isAlphabetic || previous.properties.numericType != nil) && previous.properties.isWhitespace
      }
      if separator { out.append(contentsOf: scalar.properties.titlecaseMapping.unicodeScalars) } else { out.append(scalar) }
      previous = scalar
    }
    return String(out)
  }

  /// Every match of `regex` in `text`, with its range.
  private func matches(_ regex: RE2Regex, in text: String) -> [(text: String, range: Range<String.Index>)] {
    var found: [(String, Range<String.Index>)] = []
    let utf8 = Array(text.utf8)
    utf8.withUnsafeBufferPointer { buffer in
      regex.forEachMatch(in: buffer) { start, end in
        guard end > start else { return }
        let lower = text.utf8.index(text.utf8.startIndex, offsetBy: start)
        let upper = text.utf8.index(text.utf8.startIndex, offsetBy: end)
        found.append((String(text[lower..<upper]), lower..<upper))
      }
    }
    return found
  }
}
