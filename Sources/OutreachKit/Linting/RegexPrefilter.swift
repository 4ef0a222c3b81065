/// Finds literals a regex cannot match without: `(?:--|–)` needs `--` or
/// `–`. The phrase automaton looks for them in the same pass as the phrases,
/// and a regex runs only on emails that hold one. When the analysis cannot
/// tell (a branch made only of classes and wildcards), the regex always runs.
enum RegexPrefilter {
  /// Literals one of which every match contains, or nil when unknown.
  static func requiredLiterals(_ pattern: String) -> Set<String>? {
    var parser = Parser(scalars: Array(pattern.unicodeScalars))
    return parser.alternation()
  }

  private struct Parser {
    let scalars: [Unicode.Scalar]
    var index = 0

    init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { index >= scalars.count }

    /// alternatives separated by `|`, up to `)` or the end.
    mutating func alternation() -> Set<String>? {
      var result: Set<String>? = []
      while true {
        let branch = sequence()
        if let branch, result != nil { result!.formUnion(branch) } else { result = nil }
        if !atEnd, scalars[index] == "|" {
          index += 1
          continue
        }
        return result
      }
    }

    /// A sequence of atoms: its requirement is the best required atom.
    mutating func sequence() -> Set<String>? {
      var best: Set<String>? = nil
      var run = ""
      func flush() {
        if !run.isEmpty {
          let candidate: Set<String> = [run]
          if best == nil || (best!.count == 1 && best!.first!.count < run.count) { best = candidate }
          run = ""
        }
      }
      while !atEnd, scalars[index] != "|", scalars[index] != ")" {
        let atom = self.atom()
        let quantifier = self.quantifier()
        switch atom {
        case .literal(let scalar):
          if quantifier == .optional {
            flush()
          } else {
            run.unicodeScalars.append(scalar)
            if quantifier == .repeated { flush() }
          }
        case .zeroWidth:
          break
        case .unknown:
          flush()
        case .group(let literals):
          flush()
          if quantifier != .optional, let literals, !literals.isEmpty, !literals.contains("") {
            if best == nil || literals.count < best!.count { best = literals }
          }
        }
      }
      flush()
      return best
    }

    enum Atom {
      case literal(Unicode.Scalar)
      case zeroWidth, unknown
      case group(Set<String>?)
    }
    enum Quantifier { case once, optional, repeated }

    mutating func atom() -> Atom {
      let scalar = scalars[index]
      index += 1
      switch scalar {
      case "\\":
        guard !atEnd else { return .unknown }
        let next = scalars[index]
        index += 1
        if next == "b" || next == "B" || next == "A" || next == "z" || next == "Z" { return .zeroWidth }
        if next == "p" || next == "P" {
          if !atEnd, scalars[index] == "{" {
            while !atEnd, scalars[index] != "}" { index += 1 }
            index += 1
          }
          return .unknown
        }
        if next.properties.isAlphabetic || next.properties.numericType != nil { return .unknown }
        return .literal(next)
      case "^", "$":
        return .zeroWidth
      case ".":
        return .unknown
      case "[":
        var depth = 1
        if !atEnd, scalars[index] == "]" { index += 1 }
        while !atEnd, depth > 0 {
          if scalars[index] == "\\" {
            index += 2
            continue
          }
          if scalars[index] == "[" { depth += 1 }
          if scalars[index] == "]" { depth -= 1 }
          index += 1
        }
        return .unknown
      case "(":
        var lookaround = false
        if !atEnd, scalars[index] == "?" {
          index += 1
          if !atEnd, scalars[index] == ":" {
            index += 1
          } else if !atEnd, scalars[index] == "=" || scalars[index] == "!" {
            lookaround = true
            index += 1
          } else if !atEnd, scalars[index] == "<", index + 1 < scalars.count,
            scalars[index + 1] == "=" || scalars[index + 1] == "!"
          {
            lookaround = true
            index += 2
          } else {
            // Inline flags like (?i) or (?i:...).
            while !atEnd, scalars[index] != ")", scalars[index] != ":" { index += 1 }
            if !atEnd, scalars[index] == ")" {
              index += 1
              return .zeroWidth
            }
            index += 1
          }
        }
        let inner = alternation()
        if !atEnd, scalars[index] == ")" { index += 1 }
        return lookaround ? .zeroWidth : .group(inner)
      default:
        return .literal(scalar)
      }
    }

    mutating func quantifier() -> Quantifier {
      guard !atEnd else { return .once }
      var result = Quantifier.once
      switch scalars[index] {
      case "?", "*":
        result = .optional
        index += 1
      case "+":
        result = .repeated
        index += 1
      case "{":
        var body = ""
        var probe = index + 1
        while probe < scalars.count, scalars[probe] != "}" {
          body.unicodeScalars.append(scalars[probe])
          probe += 1
        }
        let minimum = Int(body.split(separator: ",", omittingEmptySubsequences: false).first ?? "") ?? -1
        guard minimum >= 0 else { return .once }
        index = probe + 1
        result = minimum == 0 ? .optional : .repeated
      default:
        return .once
      }
      // Lazy or possessive suffix.
      if !atEnd, scalars[index] == "?" || scalars[index] == "+" { index += 1 }
      return result
    }
  }
}
