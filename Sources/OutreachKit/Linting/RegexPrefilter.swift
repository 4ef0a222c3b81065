/// Finds literals a regex cannot match without: `(?:--|–)` needs `--` or
/// `–`. The phrase automaton looks for them in the same pass as the phrases,
/// and a regex runs only on emails that hold one. When the analysis cannot
/// tell (a branch made only of classes and wildcards), the regex always runs.
enum RegexPrefilter {
  /// Literals one of which every match contains, or nil when unknown.
  static func requiredLiterals(_ pattern: String) -> Set<String>? {
    var parser = Parser(bytes: Array(pattern.utf8))
    return parser.alternation().map { Set($0.map { String(decoding: $0, as: UTF8.self) }) }
  }

  /// Reads the pattern's UTF-8 bytes, a scalar at a time where a scalar is
  /// an atom (it runs at every start, for every pattern of the built-in
  /// rules: sets of strings built a scalar at a time cost more than all of
  /// the rest of reading the rules). A set of literals is an array without
  /// repeats: there are a few at most.
  private struct Parser {
    typealias Literals = [[UInt8]]
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    /// The bytes of the scalar starting at `index` (a lead byte and its
    /// continuation bytes).
    func scalarEnd(from start: Int) -> Int {
      var end = start + 1
      while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
      return end
    }

    static func union(_ literals: inout Literals, _ more: Literals) {
      for literal in more where !literals.contains(literal) { literals.append(literal) }
    }

    /// alternatives separated by `|`, up to `)` or the end.
    mutating func alternation() -> Literals? {
      var result: Literals? = []
      while true {
        let branch = sequence()
        if let branch, result != nil { Self.union(&result!, branch) } else { result = nil }
        if !atEnd, bytes[index] == UInt8(ascii: "|") {
          index += 1
          continue
        }
        return result
      }
    }

    /// A sequence of atoms: its requirement is the best required atom.
    mutating func sequence() -> Literals? {
      var best: Literals? = nil
      var run: [UInt8] = []
      func flush() {
        if !run.isEmpty {
          if best == nil || (best!.count == 1 && best![0].count < run.count) { best = [run] }
          run = []
        }
      }
      while !atEnd, bytes[index] != UInt8(ascii: "|"), bytes[index] != UInt8(ascii: ")") {
        let atom = self.atom()
        let quantifier = self.quantifier()
        switch atom {
        case .literal(let range):
          if quantifier == .optional {
            flush()
          } else {
            run += bytes[range]
            if quantifier == .repeated { flush() }
          }
        case .zeroWidth:
          break
        case .unknown:
          flush()
        case .group(let literals):
          flush()
          if quantifier != .optional, let literals, !literals.isEmpty, !literals.contains([]) {
            if best == nil || literals.count < best!.count { best = literals }
          }
        }
      }
      flush()
      return best
    }

    enum Atom {
      /// The bytes of one scalar, matched as itself.
      case literal(Range<Int>)
      case zeroWidth, unknown
      case group(Literals?)
    }
    enum Quantifier { case once, optional, repeated }

    mutating func atom() -> Atom {
      let byte = bytes[index]
      let start = index
      index = scalarEnd(from: start)
      switch byte {
      case UInt8(ascii: "\\"):
        guard !atEnd else { return .unknown }
        let next = bytes[index]
        let escaped = index..<scalarEnd(from: index)
        index = escaped.upperBound
        if next == UInt8(ascii: "b") || next == UInt8(ascii: "B") || next == UInt8(ascii: "A") || next == UInt8(ascii: "z")
          || next == UInt8(ascii: "Z")
        {
          return .zeroWidth
        }
        if next == UInt8(ascii: "p") || next == UInt8(ascii: "P") {
          if !atEnd, bytes[index] == UInt8(ascii: "{") {
            while !atEnd, bytes[index] != UInt8(ascii: "}") { index += 1 }
            index += 1
          }
          return .unknown
        }
        // A letter or digit after `\` is a class or an escape (`\w`,
        // `\d`, `\x41`): not a literal.
        let scalar = String(decoding: bytes[escaped], as: UTF8.self).unicodeScalars.first!
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return .unknown }
        return .literal(escaped)
      case UInt8(ascii: "^"), UInt8(ascii: "$"):
        return .zeroWidth
      case UInt8(ascii: "."):
        return .unknown
      case UInt8(ascii: "["):
        var depth = 1
        if !atEnd, bytes[index] == UInt8(ascii: "]") { index += 1 }
        while !atEnd, depth > 0 {
          if bytes[index] == UInt8(ascii: "\\") {
            index += 2
            continue
          }
          if bytes[index] == UInt8(ascii: "[") { depth += 1 }
          if bytes[index] == UInt8(ascii: "]") { depth -= 1 }
          index += 1
        }
        return .unknown
      case UInt8(ascii: "("):
        var lookaround = false
        if !atEnd, bytes[index] == UInt8(ascii: "?") {
          index += 1
          if !atEnd, bytes[index] == UInt8(ascii: ":") {
            index += 1
          } else if !atEnd, bytes[index] == UInt8(ascii: "=") || bytes[index] == UInt8(ascii: "!") {
            lookaround = true
            index += 1
          } else if !atEnd, bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count,
            bytes[index + 1] == UInt8(ascii: "=") || bytes[index + 1] == UInt8(ascii: "!")
          {
            lookaround = true
            index += 2
          } else {
            // Inline flags like (?i) or (?i:...).
            while !atEnd, bytes[index] != UInt8(ascii: ")"), bytes[index] != UInt8(ascii: ":") { index += 1 }
            if !atEnd, bytes[index] == UInt8(ascii: ")") {
              index += 1
              return .zeroWidth
            }
            index += 1
          }
        }
        let inner = alternation()
        if !atEnd, bytes[index] == UInt8(ascii: ")") { index += 1 }
        return lookaround ? .zeroWidth : .group(inner)
      default:
        return .literal(start..<index)
      }
    }

    mutating func quantifier() -> Quantifier {
      guard !atEnd else { return .once }
      var result = Quantifier.once
      switch bytes[index] {
      case UInt8(ascii: "?"), UInt8(ascii: "*"):
        result = .optional
        index += 1
      case UInt8(ascii: "+"):
        result = .repeated
        index += 1
      case UInt8(ascii: "{"):
        var probe = index + 1
        while probe < bytes.count, bytes[probe] != UInt8(ascii: "}") { probe += 1 }
        let body = String(decoding: bytes[(index + 1)..<probe], as: UTF8.self)
        let minimum = Int(body.split(separator: ",", omittingEmptySubsequences: false).first ?? "") ?? -1
        guard minimum >= 0 else { return .once }
        index = probe + 1
        result = minimum == 0 ? .optional : .repeated
      default:
        return .once
      }
      // Lazy or possessive suffix.
      if !atEnd, bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "+") { index += 1 }
      return result
    }
  }
}
