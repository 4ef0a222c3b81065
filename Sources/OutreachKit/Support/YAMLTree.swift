import Foundation
import Yams

/// A YAML (or JSON) document read with Yams, kept as nodes with line marks so
/// that every error and warning can name the file, line and key path.
struct YAMLValue {
  let node: Node
  let file: String
  let keyPath: String
  /// A tree built from a table's row (an export) has no marks: every value
  /// in it is at the row's line.
  var rowLine: Int? = nil

  var line: Int { rowLine ?? node.mark?.line ?? 1 }

  /// Reads `text` as one YAML document. JSON is read by the same parser.
  static func parse(_ text: String, file: String, maxNodes: Int = 2_000_000) throws -> YAMLValue? {
    if let line = aliasKeyLine(text) {
      // Yams hashes and compares a mapping's keys in full: an alias of a
      // nested alias as a key costs its whole expansion (9 s for 830 bytes,
      // found by the fuzzer). No file outreach reads needs one.
      throw OutreachError.yaml(
        path: file, line: line, column: 1,
        problem: "an alias (`*name`) is used as a mapping key, which outreach does not read; write the key out")
    }
    let node: Node?
    do {
      // Tags are not resolved by Yams' regular expressions (ICU, compiled
      // at start, a few milliseconds of every run): every scalar is text,
      // and `bool`, `node.int` and `node.float` read it when asked.
      // UTF-8 given, so Yams does not read the environment for a default.
      node = try Yams.compose(yaml: text, .basic, .default, .utf8)
    } catch let error as YamlError {
      throw describe(error, file: file)
    } catch {
      throw OutreachError.yaml(path: file, line: 1, column: 1, problem: "\(error)")
    }
    guard let node else { return nil }
    // Aliases share nodes, so a small file can stand for billions of them.
    var budget = maxNodes
    if !withinBudget(node, &budget) {
      throw OutreachError.tooComplex(path: file, line: node.mark?.line ?? 1, limit: maxNodes)
    }
    return YAMLValue(node: node, file: file, keyPath: "")
  }

  private static func withinBudget(_ node: Node, _ budget: inout Int) -> Bool {
    budget -= 1
    if budget < 0 { return false }
    switch node {
    case .mapping(let mapping):
      for (key, value) in mapping {
        if !withinBudget(key, &budget) || !withinBudget(value, &budget) { return false }
      }
    case .sequence(let sequence):
      for value in sequence where !withinBudget(value, &budget) { return false }
    case .scalar, .alias:
      break
    }
    return true
  }

  /// The 1-based line of the first alias used as a mapping key (`*a:`,
  /// `*a :` or `? *a`) in a document that defines anchors; nil when there is
  /// none. Quoting is not followed (a plain scalar may hold a quote mark),
  /// so in a file with anchors `*name:` inside a string counts too: no file
  /// outreach reads needs anchors, and the fuzzer found several ways to hide
  /// an alias key from a scanner that did.
  static func aliasKeyLine(_ text: String) -> Int? {
    let bytes = Array(text.utf8)
    guard bytes.contains(0x2A), bytes.contains(0x26) else { return nil }
    func isNameByte(_ byte: UInt8) -> Bool {
      !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x2C || byte == 0x5B || byte == 0x5D
        || byte == 0x7B || byte == 0x7D || byte == 0x3A)
    }
    // Anchors defined: `&name` after white space, a line start, `[`, `{`, `,` or `:`.
    var anchors = Set<ArraySlice<UInt8>>()
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x26, index == 0 || [0x20, 0x09, 0x0A, 0x5B, 0x7B, 0x2C, 0x3A].contains(bytes[index - 1]) {
        var end = index + 1
        while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
        if end > index + 1 { anchors.insert(bytes[(index + 1)..<end]) }
        index = end
        continue
      }
      index += 1
    }
    guard !anchors.isEmpty else { return nil }
    var line = 1
    index = 0
    var lastNonSpace: UInt8 = 0x0A
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x0A { line += 1 }
      if byte == 0x2A {
        var end = index + 1
        while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
        if anchors.contains(bytes[(index + 1)..<end]) {
          var after = end
          while after < bytes.count, bytes[after] == 0x20 || bytes[after] == 0x09 { after += 1 }
          if after < bytes.count, bytes[after] == 0x3A { return line }
          if lastNonSpace == 0x3F { return line }
        }
      }
      if byte != 0x20, byte != 0x09 { lastNonSpace = byte }
      index += 1
    }
    return nil
  }

  static func describe(_ error: YamlError, file: String) -> OutreachError {
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
      return .yaml(path: file, line: mark.line, column: mark.column, problem: text)
    case .reader(let problem, _, _, _):
      return .yaml(path: file, line: 1, column: 1, problem: problem)
    case .duplicatedKeysInMapping(let duplicates, let context):
      // Yams' own text carries the whole file; the keys and the line are enough.
      let keys = duplicates.prefix(5).map { "`\(TerminalText.safe(String($0.prefix(60))))`" }.joined(separator: ", ")
      return .yaml(
        path: file, line: context.mark.line, column: context.mark.column,
        problem: "the mapping that starts here has a key twice (\(keys)), so one value would be lost")
    default:
      let text = "\(error)"
      return .yaml(path: file, line: 1, column: 1, problem: String(text.prefix { $0 != "\n" }.prefix(200)))
    }
  }

  func child(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

  /// The mapping's entries in file order, or nil when this is not a mapping.
  var entries: [(key: String, value: YAMLValue, keyLine: Int)]? {
    guard case .mapping(let mapping) = node else { return nil }
    return mapping.map { pair in
      // Never `Node.any` on a key: Yams force-unwraps inside it for some
      // complex keys (found by fuzzing).
      let name: String
      switch pair.key {
      case .scalar(let scalar): name = scalar.string
      case .mapping: name = "(a mapping used as a key)"
      case .sequence: name = "(a list used as a key)"
      case .alias: name = "(an alias used as a key)"
      }
      return (
        name, YAMLValue(node: pair.value, file: file, keyPath: child(name), rowLine: rowLine),
        rowLine ?? pair.key.mark?.line ?? line
      )
    }
  }

  subscript(key: String) -> YAMLValue? {
    guard case .mapping(let mapping) = node, let value = mapping[key] else { return nil }
    return YAMLValue(node: value, file: file, keyPath: child(key), rowLine: rowLine)
  }

  var items: [YAMLValue]? {
    guard case .sequence(let sequence) = node else { return nil }
    return sequence.enumerated().map { YAMLValue(node: $1, file: file, keyPath: "\(keyPath)[\($0)]", rowLine: rowLine) }
  }

  var isNull: Bool {
    if case .scalar(let scalar) = node {
      return scalar.string == "~" || scalar.string == "null" || (scalar.string.isEmpty && scalar.style == .plain)
    }
    return false
  }

  /// The scalar's text, for strings, numbers and booleans alike.
  var scalarText: String? {
    if case .scalar(let scalar) = node { return scalar.string }
    return nil
  }

  /// A scalar read as YAML 1.1 reads a boolean (`true`, `yes`, `on`,
  /// `false`, `no`, `off`, any case), as Yams' `Node.bool` does; nil for
  /// anything else. (Callers that refuse quoted text check `isQuotedString`.)
  var bool: Bool? {
    guard case .scalar(let scalar) = node else { return nil }
    return Bool.construct(from: Node.Scalar(scalar.string, Tag(.bool, .basic, .default), scalar.style))
  }

  var isQuotedString: Bool {
    if case .scalar(let scalar) = node { return scalar.style != .plain }
    return false
  }
}

/// Closest match among `candidates`, for "did you mean" hints.
func closest(_ word: String, in candidates: [String]) -> String? {
  func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
      var current = [i + 1]
      for (j, cb) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
  let lowered = Array(word.lowercased())
  let best = candidates.map { ($0, distance(lowered, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
  guard let best, best.1 <= max(2, word.count / 2) else { return nil }
  return best.0
}
