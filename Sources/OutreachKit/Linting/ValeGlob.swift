/// A section name or `--glob` as Vale reads it (`internal/glob`): a leading
/// `!` negates; a pattern with `**` matches as doublestar does (`*` and `?`
/// stay inside one folder, `**` crosses any number); any other as gobwas/glob
/// with no separators (`*` crosses `/`, so `[*.md]` matches `docs/a.md`).
/// Both read `?`, `[abc]`, `[a-z]`, `[!a]` and `{a,b}`.
public struct ValeGlob: Sendable, Hashable {
  public let pattern: String
  public let negated: Bool
  private let alternatives: [[Character]]
  private let separators: Bool

  public init(_ text: String) {
    var body = Substring(text)
    var negated = false
    while body.hasPrefix("!") {
      body = body.dropFirst()
      negated = true
    }
    pattern = String(body)
    self.negated = negated
    separators = body.contains("**")
    alternatives = Self.expand(Array(body)).map { $0 }
  }

  public func matches(_ path: String) -> Bool {
    let text = Array(path)
    let found = alternatives.contains { Self.match($0[...], text[...], separators: separators) }
    return found != negated
  }

  /// `{a,b}` alternatives expanded (nested too), outermost first.
  static func expand(_ pattern: [Character]) -> [[Character]] {
    guard let open = pattern.firstIndex(of: "{") else { return [pattern] }
    var depth = 0
    var close: Int? = nil
    var commas: [Int] = []
    for index in open..<pattern.count {
      switch pattern[index] {
      case "{": depth += 1
      case "}":
        depth -= 1
        if depth == 0 { close = index }
      case "," where depth == 1: commas.append(index)
      default: break
      }
      if close != nil { break }
    }
    guard let close else { return [pattern] }
    let head = Array(pattern[..<open])
    let tail = Array(pattern[(close + 1)...])
    var bounds = [open] + commas + [close]
    var out: [[Character]] = []
    for index in 0..<(bounds.count - 1) {
      let choice = Array(pattern[(bounds[index] + 1)..<bounds[index + 1]])
      out += expand(head + choice + tail)
    }
    bounds.removeAll()
    return out
  }

  private static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>, separators: Bool) -> Bool {
    guard let first = pattern.first else { return text.isEmpty }
    switch first {
    case "*":
      var rest = pattern.dropFirst()
      var crossing = !separators
      if rest.first == "*" {
        rest = rest.dropFirst()
        crossing = true
        // `**/` also matches no folder at all.
        if rest.first == "/", match(rest.dropFirst(), text, separators: separators) { return true }
      }
      var remaining = text
      while true {
        if match(rest, remaining, separators: separators) { return true }
        guard let next = remaining.first, crossing || next != "/" else { return false }
        remaining = remaining.dropFirst()
      }
    case "?":
      guard let next = text.first, !separators || next != "/" else { return false }
      return match(pattern.dropFirst(), text.dropFirst(), separators: separators)
    case "[":
      guard let next = text.first, let close = pattern.dropFirst(2).firstIndex(of: "]") else {
        return text.first == "[" && match(pattern.dropFirst(), text.dropFirst(), separators: separators)
      }
      var set = pattern[(pattern.startIndex + 1)..<close]
      var inverted = false
      if set.first == "!" || set.first == "^" {
        inverted = true
        set = set.dropFirst()
      }
      var found = false
      var index = set.startIndex
      while index < set.endIndex {
        let low = set[index]
        if index + 2 < set.endIndex, set[index + 1] == "-" {
          if low <= next && next <= set[index + 2] { found = true }
          index += 3
        } else {
          if low == next { found = true }
          index += 1
        }
      }
      guard found != inverted else { return false }
      return match(pattern[(close + 1)...], text.dropFirst(), separators: separators)
    case "\\" where pattern.count > 1:
      let literal = pattern[pattern.startIndex + 1]
      guard text.first == literal else { return false }
      return match(pattern.dropFirst(2), text.dropFirst(), separators: separators)
    default:
      guard text.first == first else { return false }
      return match(pattern.dropFirst(), text.dropFirst(), separators: separators)
    }
  }
}
