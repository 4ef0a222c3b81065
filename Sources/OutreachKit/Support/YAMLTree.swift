import Foundation
import Yams

/// A YAML (or JSON) document read with Yams, kept as nodes with line marks so
/// that every error and warning can name the file, line and key path. The
/// built-in files of `Rules/` come already parsed, as `EmbeddedNode`s the
/// build plugin wrote (no YAML is parsed for them at start).
struct YAMLValue {
  enum Storage {
    // Boxed: a value of the embedded kind then never needs the layout of
    // Yams' nodes (whose generic parts cost conformance scans at start).
    indirect case yams(Node)
    case embedded(EmbeddedNode)
  }
  let storage: Storage
  let file: String
  let keyPath: String
  /// A tree built from a table's row (an export) has no marks: every value
  /// in it is at the row's line.
  var rowLine: Int? = nil

  init(node: Node, file: String, keyPath: String, rowLine: Int? = nil) {
    self.init(storage: .yams(node), file: file, keyPath: keyPath, rowLine: rowLine)
  }

  init(storage: Storage, file: String, keyPath: String, rowLine: Int? = nil) {
    self.storage = storage
    self.file = file
    self.keyPath = keyPath
    self.rowLine = rowLine
  }

  var line: Int {
    if let rowLine { return rowLine }
    switch storage {
    case .yams(let node): return node.mark?.line ?? 1
    case .embedded(let node): return node.line
    }
  }

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

  private func value(_ storage: Storage, key: String) -> YAMLValue {
    YAMLValue(storage: storage, file: file, keyPath: child(key), rowLine: rowLine)
  }

  /// The mapping's entries in file order, or nil when this is not a mapping.
  var entries: [(key: String, value: YAMLValue, keyLine: Int)]? {
    switch storage {
    case .yams(let node):
      guard case .mapping(let mapping) = node else { return nil }
      return mapping.map { pair in
        let name = EmbeddedNode.keyName(pair.key)
        return (name, value(.yams(pair.value), key: name), rowLine ?? pair.key.mark?.line ?? line)
      }
    case .embedded(let node):
      guard case .mapping(let pairs, _) = node else { return nil }
      return pairs.map { pair in (pair.key, value(.embedded(pair.value), key: pair.key), rowLine ?? pair.keyLine) }
    }
  }

  subscript(key: String) -> YAMLValue? {
    switch storage {
    case .yams(let node):
      guard case .mapping(let mapping) = node, let found = mapping[key] else { return nil }
      return value(.yams(found), key: key)
    case .embedded(let node):
      // As Yams' subscript: the last pair with the key.
      guard case .mapping(let pairs, _) = node, let found = pairs.last(where: { $0.key == key }) else { return nil }
      return value(.embedded(found.value), key: key)
    }
  }

  var items: [YAMLValue]? {
    let children: [Storage]
    switch storage {
    case .yams(let node):
      guard case .sequence(let sequence) = node else { return nil }
      children = sequence.map { .yams($0) }
    case .embedded(let node):
      guard case .sequence(let sequence, _) = node else { return nil }
      children = sequence.map { .embedded($0) }
    }
    return children.enumerated().map {
      YAMLValue(storage: $1, file: file, keyPath: "\(keyPath)[\($0)]", rowLine: rowLine)
    }
  }

  /// The scalar's text and whether it was written plain (not quoted).
  private var scalar: (text: String, plain: Bool)? {
    switch storage {
    case .yams(let node):
      if case .scalar(let scalar) = node { return (scalar.string, scalar.style == .plain) }
    case .embedded(let node):
      if case .scalar(let text, let plain, _) = node { return (text, plain) }
    }
    return nil
  }

  var isNull: Bool {
    guard let scalar else { return false }
    return scalar.text == "~" || scalar.text == "null" || (scalar.text.isEmpty && scalar.plain)
  }

  /// The scalar's text, for strings, numbers and booleans alike.
  var scalarText: String? { scalar?.text }

  nonisolated(unsafe) private static let numberTag = Tag(.int, .basic, .default)

  /// A scalar read as YAML 1.1 reads a boolean (`true`, `yes`, `on`,
  /// `false`, `no`, `off`, any case), as Yams' `Bool.construct` does for a
  /// scalar not tagged `!!str`; nil for anything else. (Callers that refuse
  /// quoted text check `isQuotedString`.)
  var bool: Bool? {
    switch scalar?.text.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: return nil
    }
  }
  /// A scalar read as an integer, as Yams' `Node.int` does.
  var int: Int? {
    switch storage {
    case .yams(let node): return node.int
    case .embedded:
      guard let scalar else { return nil }
      // Plain digits (every number in the built-in files) need no Yams.
      if scalar.plain, let first = scalar.text.utf8.first, first != UInt8(ascii: "0") || scalar.text == "0",
        scalar.text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(scalar.text)
      {
        return value
      }
      return Int.construct(from: Node.Scalar(scalar.text, Self.numberTag, scalar.plain ? .plain : .singleQuoted))
    }
  }
  /// A scalar read as a number, as Yams' `Node.float` does.
  var float: Double? {
    switch storage {
    case .yams(let node): return node.float
    case .embedded:
      guard let scalar else { return nil }
      return Double.construct(from: Node.Scalar(scalar.text, Self.numberTag, scalar.plain ? .plain : .singleQuoted))
    }
  }

  var isQuotedString: Bool { scalar.map { !$0.plain } ?? false }
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
