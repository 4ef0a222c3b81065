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
  /// Words of more than six bytes of UTF-8 (Vale's `long_words`).
  var longWords = 0

  /// `text`'s paragraphs are separated by a blank line; each has at least
  /// one sentence when it has a word, as in Vale's `summarize` (which
  /// segments paragraph by paragraph).
  init(_ text: String) {
    for paragraph in text.components(separatedBy: "\n\n") { count(paragraph) }
    if sentences == 0 { sentences = 1 }
  }

  private mutating func count(_ text: String) {
    var inSentence = false
    let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
    for (number, raw) in tokens.enumerated() {
      for word in Self.words(in: raw) {
        words += 1
        inSentence = true
        let count = Syllables.count(String(word))
        syllables += count
        if count >= 3 { polysyllables += 1 }
        letters += word.unicodeScalars.filter(\.properties.isAlphabetic).count
        characters += word.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.count
        if word.utf8.count > 6 { longWords += 1 }
      }
      // An abbreviation with periods inside (`i.e.`, `p.m.`, `U.S.`) ends
      // no sentence before a word in lower case, as Vale's Punkt
      // segmenter reads it.
      let abbreviation =
        raw.last == "." && Self.hasInnerPeriod(raw.dropLast())
        && (tokens.indices.contains(number + 1) && tokens[number + 1].first?.isLowercase == true)
      if let last = raw.last, ".!?".contains(last), inSentence, !abbreviation {
        sentences += 1
        inSentence = false
      }
    }
    if inSentence { sentences += 1 }
  }

  /// Whether `text` ends in letters or digits joined by periods (`i.e`,
  /// `U.S`, `1.2`): Punkt's `((?:\w\.)+\w*\.)` with its final period.
  static func hasInnerPeriod(_ text: Substring) -> Bool {
    let scalars = Array(text.unicodeScalars)
    guard let period = scalars.lastIndex(of: "."), period > 0 else { return false }
    let isWord = { (scalar: Unicode.Scalar) in scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) }
    return isWord(scalars[period - 1]) && scalars[(period + 1)...].allSatisfy(isWord)
  }

  /// The words of `text` as Vale's readability counts them (the word
  /// tokenizer of its `summarize` package, `(?:[A-Z]\.){2,}|[\p{N}\p{L}']+`):
  /// an initialism such as `U.S.`, or a run of letters, digits and
  /// apostrophes. `well-known` is two words, `1940s` one.
  static func words(in text: Substring) -> [Substring] {
    let scalars = text.unicodeScalars
    func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
      scalar == "'" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
    func isCapital(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    var result: [Substring] = []
    var index = scalars.startIndex
    while index < scalars.endIndex {
      // An initialism: two or more capital-and-period pairs.
      var pairs = 0
      var end = index
      while end < scalars.endIndex, isCapital(scalars[end]) {
        let dot = scalars.index(after: end)
        guard dot < scalars.endIndex, scalars[dot] == "." else { break }
        end = scalars.index(after: dot)
        pairs += 1
      }
      if pairs >= 2 {
        result.append(Substring(scalars[index..<end]))
        index = end
        continue
      }
      guard isWordScalar(scalars[index]) else {
        index = scalars.index(after: index)
        continue
      }
      end = index
      while end < scalars.endIndex, isWordScalar(scalars[end]) { end = scalars.index(after: end) }
      result.append(Substring(scalars[index..<end]))
      index = end
    }
    return result
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

/// Vale's `metric` formulas: numbers, the variables Vale defines (words,
/// sentences, syllables, characters, complex_words, long_words,
/// polysyllabic_words, paragraphs, and the counts of the file's blocks:
/// `heading.h1` to `heading.h6`, `list`, `blockquote`, `pre`), + - * /,
/// parentheses, sqrt() and the other one-number functions of Tengo's
/// `math` module that a formula may name as `math.sqrt()`.
public struct MetricFormula: Sendable {
  public indirect enum Node: Sendable {
    case number(Double)
    case variable(String)
    case call(String, Node)
    case binary(Character, Node, Node)
    case negate(Node)
  }

  static let variables: Set<String> = [
    "words", "sentences", "syllables", "characters", "complex_words", "long_words", "polysyllabic_words", "paragraphs",
    "pre", "list", "blockquote", "heading_h1", "heading_h2", "heading_h3", "heading_h4", "heading_h5", "heading_h6",
  ]

  /// Functions of one number, as `f(x)` or Tengo's `math.f(x)`.
  static let functions: Set<String> = ["sqrt", "abs", "cbrt", "ceil", "floor", "trunc", "exp", "log", "log10", "log2"]

  let root: Node

  /// Parses `text`; the error names what is wrong.
  init(_ text: String) throws {
    // `heading.h2` is Vale's name for the variable `heading_h2`.
    var text = text
    for level in 1...6 { text = text.replacingOccurrences(of: "heading.h\(level)", with: "heading_h\(level)") }
    var parser = Parser(characters: Array(text))
    root = try parser.expression()
    parser.skipSpaces()
    guard parser.index == parser.characters.count else {
      throw MetricError(reason: "unexpected `\(String(parser.characters[parser.index...]))`")
    }
  }

  func evaluate(_ values: [String: Double]) -> Double {
    func eval(_ node: Node) -> Double {
      switch node {
      case .number(let value): return value
      case .variable(let name): return values[name] ?? 0
      case .call(let name, let argument):
        let value = eval(argument)
        switch name {
        case "abs": return abs(value)
        case "cbrt": return Foundation.cbrt(value)
        case "ceil": return value.rounded(.up)
        case "floor": return value.rounded(.down)
        case "trunc": return value.rounded(.towardZero)
        case "exp": return Foundation.exp(value)
        case "log": return Foundation.log(value)
        case "log10": return Foundation.log10(value)
        case "log2": return Foundation.log2(value)
        default: return value.squareRoot()
        }
      case .negate(let inner): return -eval(inner)
      case .binary(let operation, let left, let right):
        let (a, b) = (eval(left), eval(right))
        switch operation {
        case "+": return a + b
        case "-": return a - b
        case "*": return a * b
        default: return b == 0 ? 0 : a / b
        }
      }
    }
    return eval(root)
  }

  struct Parser {
    let characters: [Character]
    var index = 0

    mutating func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }

    mutating func expression() throws -> Node {
      var node = try term()
      while true {
        skipSpaces()
        guard index < characters.count, "+-".contains(characters[index]) else { return node }
        let operation = characters[index]
        index += 1
        node = .binary(operation, node, try term())
      }
    }

    mutating func term() throws -> Node {
      var node = try factor()
      while true {
        skipSpaces()
        guard index < characters.count, "*/".contains(characters[index]) else { return node }
        let operation = characters[index]
        index += 1
        node = .binary(operation, node, try factor())
      }
    }

    mutating func factor() throws -> Node {
      skipSpaces()
      guard index < characters.count else { throw MetricError(reason: "the formula ends too soon") }
      let character = characters[index]
      if character == "-" {
        index += 1
        return .negate(try factor())
      }
      if character == "(" {
        index += 1
        let inner = try expression()
        skipSpaces()
        guard index < characters.count, characters[index] == ")" else { throw MetricError(reason: "a `(` is not closed") }
        index += 1
        return inner
      }
      if character.isNumber || character == "." {
        let start = index
        while index < characters.count, characters[index].isNumber || characters[index] == "." { index += 1 }
        guard let value = Double(String(characters[start..<index])) else { throw MetricError(reason: "a bad number") }
        return .number(value)
      }
      if character.isLetter || character == "_" {
        let start = index
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
          index += 1
        }
        var name = String(characters[start..<index])
        // Vale's formulas run in Tengo, whose `math` module is there too:
        // `math.sqrt(x)` is `sqrt(x)`.
        if name == "math", index < characters.count, characters[index] == "." {
          index += 1
          let function = index
          while index < characters.count, characters[index].isLetter || characters[index].isNumber { index += 1 }
          name = String(characters[function..<index])
          guard MetricFormula.functions.contains(name) else {
            throw MetricError(
              reason: "unknown function `math.\(name)`; use \(MetricFormula.functions.sorted().joined(separator: ", "))")
          }
        }
        skipSpaces()
        if MetricFormula.functions.contains(name), index < characters.count, characters[index] == "(" {
          return .call(name, try factor())
        }
        guard MetricFormula.variables.contains(name) else {
          throw MetricError(reason: "unknown variable `\(name)`; use \(MetricFormula.variables.sorted().joined(separator: ", "))")
        }
        return .variable(name)
      }
      throw MetricError(reason: "unexpected `\(character)`")
    }
  }
}

struct MetricError: Error { var reason: String }

extension Readability {
  /// The values a metric formula reads.
  func values(paragraphs: Int) -> [String: Double] {
    [
      "words": Double(words), "sentences": Double(sentences), "syllables": Double(syllables),
      "characters": Double(characters), "complex_words": Double(polysyllables), "polysyllabic_words": Double(polysyllables),
      "long_words": Double(longWords), "paragraphs": Double(paragraphs),
    ]
  }
}
