/// The one function every text outreach prints goes through: file names,
/// messages, matches and account values can hold ESC, OSC, BEL, CR or bidi
/// overrides, and none of them may reach a terminal raw. Each such
/// character is written as a visible escape (`\e`, `\r`, `\u{202E}`), so a
/// name stays recognisable and no output line can be rewritten, hidden or
/// split.
public enum TerminalText {
  /// `text` with every control, bidi and line-separator character escaped.
  /// With `lines`, a line feed and a tab are kept (multi-line output).
  public static func safe(_ text: String, lines: Bool = false) -> String {
    // Fast path, one pass over the bytes: nothing to escape (most text,
    // ASCII or not, an em dash included).
    let clean =
      text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        var index = 0
        // Eight bytes at a time while all are printable ASCII (0x20-0x7E):
        // no byte below 0x20 (`hasless`) and none at or above 0x7F.
        if let base = bytes.baseAddress {
          let raw = UnsafeRawPointer(base)
          while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let below = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
            let above = ((word &+ 0x0101_0101_0101_0101) | word) & 0x8080_8080_8080_8080
            if below | above != 0 { break }
            index += 8
          }
        }
        while index < bytes.count {
          let byte = bytes[index]
          if byte < 0x20 || byte == 0x7F {
            if !(lines && (byte == 0x0A || byte == 0x09)) { return false }
          } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
            return false  // C1 controls
          } else if byte == 0xD8, index + 1 < bytes.count, bytes[index + 1] == 0x9C {
            return false  // U+061C
          } else if byte == 0xE2, index + 2 < bytes.count {
            let (second, third) = (bytes[index + 1], bytes[index + 2])
            if second == 0x80, third == 0x8E || third == 0x8F || (0xA8...0xAE).contains(third) { return false }
            if second == 0x81, (0xA6...0xA9).contains(third) { return false }
          }
          index += 1
        }
        return true
      } ?? false
    return clean ? text : escaped(text, lines: lines)
  }

  /// `safe`'s result, scalar by scalar (what the fast path must agree with).
  static func escaped(_ text: String, lines: Bool) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if lines, value == 0x0A || value == 0x09 {
        out.append(scalar)
        continue
      }
      let escaped: String?
      switch value {
      case 0x1B: escaped = "\\e"
      case 0x0D: escaped = "\\r"
      case 0x0A: escaped = "\\n"
      case 0x09: escaped = "\\t"
      case 0x00..<0x20, 0x7F..<0xA0: escaped = "\\x" + hex(value, width: 2)
      case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
        escaped = "\\u{" + hex(value, width: 4) + "}"
      default: escaped = nil
      }
      if let escaped { out.append(contentsOf: escaped.unicodeScalars) } else { out.append(scalar) }
    }
    return String(out)
  }

  private static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// JSON as JSONEncoder writes it, with DEL, C1 controls, bidi and line
  /// separators inside its strings written as `\uXXXX` (the encoder leaves
  /// them raw), so that the JSON stays valid and the terminal untouched.
  public static func safeJSON(_ json: String) -> String {
    guard json.utf8.contains(where: { $0 >= 0x7F }) else { return json }
    var out = String.UnicodeScalarView()
    for scalar in json.unicodeScalars {
      switch scalar.value {
      case 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
        out.append(contentsOf: ("\\u" + hex(scalar.value, width: 4)).unicodeScalars)
      default: out.append(scalar)
      }
    }
    return String(out)
  }
}
