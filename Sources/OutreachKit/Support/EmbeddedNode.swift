import Yams

/// A YAML node of a built-in file, parsed when outreach was built: the
/// `EmbedDefaults` plugin reads each `.yml` under `Rules/` with Yams and
/// writes its nodes as numbers (`EmbeddedDefaults.trees`), which `decode`
/// turns back into nodes at start, without a YAML parser.
///
/// The numbers, node by node, depth first (`strings` holds the text):
/// - a scalar: `0, text, line, plain` (plain 1 when written unquoted);
/// - a mapping: `1, count, line`, then per pair `key, keyLine` and the value;
/// - a sequence: `2, count, line`, then the items;
/// - anything else (an alias): `3, line`.
indirect enum EmbeddedNode {
  case scalar(String, plain: Bool, line: Int)
  case mapping([(key: String, keyLine: Int, value: EmbeddedNode)], line: Int)
  case sequence([EmbeddedNode], line: Int)
  case other(line: Int)

  var line: Int {
    switch self {
    case .scalar(_, _, let line), .mapping(_, let line), .sequence(_, let line), .other(let line): return line
    }
  }

  /// A mapping key as a name: never `Node.any` on a key, where Yams
  /// force-unwraps for some complex keys (found by fuzzing).
  static func keyName(_ key: Node) -> String {
    switch key {
    case .scalar(let scalar): return scalar.string
    case .mapping: return "(a mapping used as a key)"
    case .sequence: return "(a list used as a key)"
    case .alias: return "(an alias used as a key)"
    }
  }

  /// The node `codes` hold from `position` on (which moves past it); nil
  /// for codes that do not make one node.
  static func decode(_ codes: [Int32], strings: [String], at position: inout Int) -> EmbeddedNode? {
    func next() -> Int? {
      guard position < codes.count else { return nil }
      defer { position += 1 }
      return Int(codes[position])
    }
    func string() -> String? {
      guard let index = next(), strings.indices.contains(index) else { return nil }
      return strings[index]
    }
    switch next() {
    case 0:
      guard let text = string(), let line = next(), let plain = next() else { return nil }
      return .scalar(text, plain: plain == 1, line: line)
    case 1:
      guard let count = next(), let line = next(), count >= 0 else { return nil }
      var pairs: [(key: String, keyLine: Int, value: EmbeddedNode)] = []
      pairs.reserveCapacity(count)
      for _ in 0..<count {
        guard let key = string(), let keyLine = next(), let value = decode(codes, strings: strings, at: &position) else {
          return nil
        }
        pairs.append((key, keyLine, value))
      }
      return .mapping(pairs, line: line)
    case 2:
      guard let count = next(), let line = next(), count >= 0 else { return nil }
      var items: [EmbeddedNode] = []
      items.reserveCapacity(count)
      for _ in 0..<count {
        guard let item = decode(codes, strings: strings, at: &position) else { return nil }
        items.append(item)
      }
      return .sequence(items, line: line)
    case 3:
      return next().map { .other(line: $0) }
    default:
      return nil
    }
  }

  /// The parsed tree of a built-in file (`Rules/NAME.yml`), as a value
  /// whose errors name `file`; nil when the build did not embed one.
  static func builtIn(_ path: String, file: String) -> YAMLValue? {
    guard let tree = EmbeddedDefaults.trees.first(where: { $0.path == path }) else { return nil }
    var position = 0
    guard let node = decode(tree.codes, strings: tree.strings, at: &position) else { return nil }
    return YAMLValue(storage: .embedded(node), file: file, keyPath: "")
  }

  /// The parsed tree of the built-in rule file (`Rules/NAME.yml`) whose text
  /// is `bytes`, its errors naming `file`; nil when none is.
  static func builtInRule(matching bytes: [UInt8], file: String) -> YAMLValue? {
    builtInPath(matching: bytes, among: RuleSet.builtInFiles).flatMap { builtIn($0, file: file) }
  }

  /// The path of the file among `files` whose text is `bytes` exactly.
  static func builtInPath(matching bytes: [UInt8], among files: [(path: String, contents: String)]) -> String? {
    files.first { $0.contents.utf8.count == bytes.count && $0.contents.utf8.elementsEqual(bytes) }?.path
  }

  /// A built-in file's document, named `(built-in)/PATH` in what it
  /// reports: the tree the build embedded, or (should there be none) its
  /// text parsed now.
  static func builtInDocument(_ file: (path: String, contents: String)) throws -> YAMLValue? {
    let name = "(built-in)/" + file.path
    return try builtIn(file.path, file: name) ?? YAMLValue.parse(file.contents, file: name)
  }
}
