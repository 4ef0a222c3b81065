import Foundation

/// Turning rule tokens into something that can be matched.
enum Matching {
  static let metacharacters = "\\^$.|?*+()[]{}"
  /// The same, by byte: one load, not a search of a string, for each byte
  /// of every token at start.
  static let isMetacharacter: [Bool] = (0..<256).map { metacharacters.utf8.contains(UInt8($0)) }

  /// The literal text a token stands for, or nil when it is a real regex.
  /// `chat\?` is the literal `chat?`.
  static func literal(_ token: String) -> String? {
    if token.utf8.allSatisfy({ $0 < 0x80 }) {
      // ASCII (nearly every token): the same steps on bytes. An ASCII
      // character that is punctuation or a symbol is any printable one
      // that is not a letter, a digit or a space.
      var out: [UInt8] = []
      out.reserveCapacity(token.utf8.count)
      var escaped = false
      for byte in token.utf8 {
        if escaped {
          let isLetterOrDigit = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
          guard byte == 0x20 || ((0x21...0x7E).contains(byte) && !isLetterOrDigit) else { return nil }
          out.append(byte)
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if isMetacharacter[Int(byte)] {
          return nil
        } else {
          out.append(byte)
        }
      }
      return escaped || out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }
    var out = ""
    var escaped = false
    for character in token {
      if escaped {
        guard character.isPunctuation || character.isSymbol || character == " " else { return nil }
        out.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if metacharacters.contains(character) {
        return nil
      } else {
        out.append(character)
      }
    }
    if escaped || out.isEmpty { return nil }
    // Curly apostrophes match straight ones, as prose is folded that way.
    var folded = String.UnicodeScalarView()
    for scalar in out.unicodeScalars { folded.append(scalar == "\u{2019}" || scalar == "\u{2018}" ? "'" : scalar) }
    return String(folded)
  }

  /// Vale's way of building a rule regex from its tokens.
  static func valeRegex(tokens: [String], raw: [String], ignorecase: Bool, nonword: Bool, append: Bool) -> String {
    var pattern = ""
    if !tokens.isEmpty {
      let alternatives = tokens.joined(separator: "|")
      pattern = nonword ? "(?:\(alternatives))" : "\\b(?:\(alternatives))\\b"
    }
    let rawPattern = raw.joined()
    if !rawPattern.isEmpty {
      // Vale puts `raw` before the tokens unless `append: true`.
      pattern = append ? pattern + rawPattern : rawPattern + pattern
    }
    return (ignorecase ? "(?i)" : "") + "(?m)" + pattern
  }
}

/// A compiled rule regex (RE2), safe to share: it is immutable.
struct SharedRegex: @unchecked Sendable {
  let regex: RE2Regex.Lazy
  /// With a rule's `group: N`, the capture group that is the finding.
  var group = 0
}

/// Formats a rule message the way Vale does: `%s` in order, or `%[N]s`.
///
/// A message with the same values is made once and shared (most findings
/// repeat a few phrases): formatting cost more than the rest of a
/// finding's making, and each copy was memory of its own.
func formatMessage(_ template: String, _ values: [String]) -> String {
  let key = MessageMemo.Key(template: template, values: values)
  if let known = MessageMemo.shared.message(for: key) { return known }
  let message = formatMessageOnce(template, values)
  MessageMemo.shared.remember(message, for: key)
  return message
}

/// Messages already formatted, shared by every thread, bounded in size.
final class MessageMemo: @unchecked Sendable {
  static let shared = MessageMemo()
  /// Past this many, new messages are made each time, not remembered: a
  /// rule whose every finding quotes different text fills no memory.
  static let limit = 4096

  struct Key: Hashable {
    var template: String
    var values: [String]
    /// The template by its length only (the values in full): hashing a
    /// long message at every finding cost as much as formatting it.
    /// `==` still compares the template whole.
    func hash(into hasher: inout Hasher) {
      hasher.combine(template.utf8.count)
      hasher.combine(values)
    }
  }

  private var messages: [Key: String] = [:]
  private let lock = NSLock()

  func message(for key: Key) -> String? {
    lock.lock()
    defer { lock.unlock() }
    return messages[key]
  }

  func remember(_ message: String, for key: Key) {
    lock.lock()
    defer { lock.unlock() }
    if messages.count < Self.limit { messages[key] = message }
  }
}

func formatMessageOnce(_ template: String, _ values: [String]) -> String {
  var template = template
  // Built as bytes, the text between `%` directives copied a stretch at a
  // time, and made a string once.
  let formatted: [UInt8]? = template.withUTF8 { bytes in
    guard var index = bytes.firstIndex(of: 0x25) else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + values.reduce(0) { $0 + $1.utf8.count })
    func value(_ position: Int) { if position >= 0, position < values.count { out.appendUTF8(values[position]) } }
    out += UnsafeBufferPointer(rebasing: bytes[0..<index])
    var next = 0
    while index < bytes.count {
      let percent = bytes[index...].firstIndex(of: 0x25) ?? bytes.count
      out += UnsafeBufferPointer(rebasing: bytes[index..<percent])
      index = percent
      guard index < bytes.count else { break }
      guard index + 1 < bytes.count else {
        out.append(0x25)
        break
      }
      let following = bytes[index + 1]
      if following == 0x73 {  // %s
        value(next)
        next += 1
        index += 2
      } else if following == 0x25 {  // %%
        out.append(0x25)
        index += 2
      } else if following == 0x5B, let close = bytes[(index + 2)...].firstIndex(of: 0x5D), close + 1 < bytes.count,
        bytes[close + 1] == 0x73,
        let number = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 2)..<close]), as: UTF8.self))
      {  // %[N]s
        value(number - 1)
        index = close + 2
      } else {
        out.append(0x25)
        index += 1
      }
    }
    return out
  }
  return formatted.map { String(decoding: $0, as: UTF8.self) } ?? template
}

/// Fills `{count}`, `{max}` and `{min}` in a message; text without braces
/// comes back untouched.
func fillCounts(_ template: String, _ values: [String: Int]) -> String {
  guard template.utf8.contains(0x7B) else { return template }
  // By bytes: `{` and `}` are ASCII, and a name is looked up as written.
  let bytes = Array(template.utf8)
  var out: [UInt8] = []
  out.reserveCapacity(bytes.count + 16)
  var index = 0
  while index < bytes.count {
    if bytes[index] == 0x7B, let close = bytes[(index + 1)...].firstIndex(of: 0x7D),
      let value = values[String(decoding: bytes[(index + 1)..<close], as: UTF8.self)]
    {
      out += String(value).utf8
      index = close + 1
    } else {
      out.append(bytes[index])
      index += 1
    }
  }
  return String(decoding: out, as: UTF8.self)
}

/// Vale's small text rules for substitution and exceptions, as its
/// `internal/check` code defines them.
enum ValeText {
  /// Letters, digits, spaces and hyphens only: compared as text, not as a
  /// pattern.
  static func isPhrase(_ text: String) -> Bool {
    // ASCII first: most replacements are plain words.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
      return text.utf8.allSatisfy { byte in
        (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x20
          || byte == 0x2D
      }
    }
    return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" }
  }

  /// Whether `observed` already is what `expected` asks for: equal for a
  /// phrase, else a whole match of `expected` as a pattern (`pattern`,
  /// compiled once per swap by the linter).
  /// - Parameter isPhrase: whether `expected` is a phrase, when the caller
  ///   knows it already (tested here otherwise).
  static func matchToken(expected: String, observed: String, pattern: RE2Regex.Lazy?, isPhrase known: Bool? = nil) -> Bool {
    if known ?? isPhrase(expected) { return expected == observed }
    guard let pattern else { return expected == observed }
    // A whole match starts with the pattern's literal start: text that
    // does not is no match, and the pattern need not be compiled (a
    // replacement such as `ask "Want to take a look together?"`).
    if !startsWithLiteralPrefix(observed, of: pattern.pattern, ignorecase: pattern.ignorecase) { return false }
    guard let regex = pattern.regex else { return expected == observed }
    return regex.matchesWhole(observed)
  }

  /// Whether `text` starts with the ASCII characters `pattern` starts with
  /// before its first metacharacter (less one a quantifier applies to);
  /// true when the pattern has an alternation (`|`) or no such start.
  static func startsWithLiteralPrefix(_ text: String, of pattern: String, ignorecase: Bool) -> Bool {
    var bytes = Array(pattern.utf8)
    if bytes.starts(with: Array("(?:".utf8)), bytes.last == 0x29 { bytes = Array(bytes.dropFirst(3).dropLast()) }
    guard !bytes.contains(0x7C) else { return true }
    var prefix: [UInt8] = []
    for byte in bytes {
      if byte >= 0x80 { break }
      if Matching.isMetacharacter[Int(byte)] {
        // `r?`, `r*` and `r{0,1}` make the `r` before them optional.
        if byte == 0x3F || byte == 0x2A || byte == 0x7B, !prefix.isEmpty { prefix.removeLast() }
        break
      }
      prefix.append(byte)
    }
    let observed = Array(text.utf8)
    // RE2's case folding matches `K` (the Kelvin sign) to `k`: text that is
    // not ASCII is left to the pattern.
    if ignorecase, observed.contains(where: { $0 >= 0x80 }) { return true }
    guard observed.count >= prefix.count else { return false }
    let lower = { (byte: UInt8) in (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
    for (a, b) in zip(prefix, observed) where ignorecase ? lower(a) != lower(b) : a != b { return false }
    return true
  }

  /// The pattern `matchToken` compares with, or nil for a phrase.
  static func tokenPattern(_ expected: String, ignorecase: Bool) -> RE2Regex.Lazy? {
    isPhrase(expected) ? nil : RE2Regex.Lazy("(?:" + expected + ")", ignorecase: ignorecase)
  }

  /// `'a'`, `'a' or 'b'`, `'a', 'b', or 'c'`.
  static func sentence(_ words: [String], joiner: String) -> String {
    switch words.count {
    case 0: return ""
    case 1: return "'\(words[0])'"
    case 2: return "'\(words[0])' \(joiner) '\(words[1])'"
    default:
      var quoted = words.map { "'\($0)'" }
      quoted[quoted.count - 1] = joiner + " " + quoted[quoted.count - 1]
      return quoted.joined(separator: ", ")
    }
  }

  /// A message quoting `'%s'` twice loses the first pair of quotes, which
  /// `sentence` supplies.
  static func unquoteFirst(_ message: String) -> String {
    for spec in ["'%s'", "\"%s\""] where message.components(separatedBy: spec).count - 1 == 2 {
      if let range = message.range(of: spec) { return message.replacingCharacters(in: range, with: "%s") }
    }
    return message
  }

  /// All of a rule's exceptions as one pattern, as Vale builds it:
  /// `\b(?:e1|e2)\b`, longest first, case as written. A match is exempt
  /// when the pattern is found in it.
  static func exceptionRegex(_ exceptions: [String]) -> RE2Regex.Lazy {
    let sorted = exceptions.sorted { $0.count > $1.count }
    return RE2Regex.Lazy("\\b(?:" + sorted.joined(separator: "|") + ")\\b")
  }

  static func isExempt(_ regex: RE2Regex?, _ text: String) -> Bool {
    guard let regex else { return false }
    return regex.isFound(in: text)
  }
}

extension Matching {
  /// Whether a pattern uses what only a backtracking engine runs (RE2 has
  /// neither): a lookaround or a backreference (`\1` to `\9`).
  static func needsBacktracking(_ pattern: String) -> Bool {
    let bytes = Array(pattern.utf8)
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x5C, index + 1 < bytes.count {
        if (0x31...0x39).contains(bytes[index + 1]) { return true }
        index += 2
        continue
      }
      if bytes[index] == 0x28, index + 2 < bytes.count, bytes[index + 1] == 0x3F {
        let next = bytes[index + 2]
        if next == 0x3D || next == 0x21 || next == 0x3E { return true }
        if next == 0x3C, index + 3 < bytes.count, bytes[index + 3] == 0x3D || bytes[index + 3] == 0x21 { return true }
      }
      index += 1
    }
    return false
  }
}

extension ValeText {
  /// Vale's `core.CapFirst`: the first letter upper-cased.
  static func capitalizedFirst(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst()
  }

  /// `$1`..`$9` in a replacement, filled from the groups of `pattern`
  /// matched against the observed text (Vale's `subMsg`).
  static func expandGroups(_ replacement: String, pattern: String, observed: String, ignorecase: Bool) -> String {
    guard replacement.utf8.contains(0x24) else { return replacement }
    var out = ""
    var characters = Substring(replacement)
    while let first = characters.first {
      characters = characters.dropFirst()
      guard first == "$", let digit = characters.first, let number = digit.wholeNumberValue, number > 0 else {
        out.append(first)
        continue
      }
      characters = characters.dropFirst()
      guard let regex = try? RE2Regex("^(?:" + pattern + ")$", ignorecase: ignorecase, captures: true) else { continue }
      var copy = observed
      copy.withUTF8 { buffer in
        regex.forEachMatch(in: buffer, group: number) { start, end in
          out += String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
      }
    }
    return out
  }
}
