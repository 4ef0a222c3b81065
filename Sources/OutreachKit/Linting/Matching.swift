import Foundation

/// Turning rule tokens into something that can be matched.
enum Matching {
  static let metacharacters: Set<Character> = ["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}"]

  /// The literal text a token stands for, or nil when it is a real regex.
  /// `chat\?` is the literal `chat?`.
  static func literal(_ token: String) -> String? {
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
    return out.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
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

/// A compiled regex, safe to share: NSRegularExpression is immutable.
struct SharedRegex: @unchecked Sendable {
  let regex: NSRegularExpression
}

/// Formats a rule message the way Vale does: `%s` in order, or `%[N]s`.
func formatMessage(_ template: String, _ values: [String]) -> String {
  var out = ""
  var index = template.startIndex
  var next = 0
  while index < template.endIndex {
    let character = template[index]
    if character == "%" {
      let rest = template[template.index(after: index)...]
      if rest.hasPrefix("s") {
        out += next < values.count ? values[next] : ""
        next += 1
        index = template.index(index, offsetBy: 2)
        continue
      }
      if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
        let number = Int(rest[rest.index(after: rest.startIndex)..<close]),
        template.index(after: close) < template.endIndex, template[template.index(after: close)] == "s"
      {
        out += number >= 1 && number <= values.count ? values[number - 1] : ""
        index = template.index(close, offsetBy: 2)
        continue
      }
      if rest.hasPrefix("%") {
        out += "%"
        index = template.index(index, offsetBy: 2)
        continue
      }
    }
    out.append(character)
    index = template.index(after: index)
  }
  return out
}
