import Foundation
import Testing
import Yams

@testable import OutreachKit

/// What every start does: reading `lint`'s arguments, the built-in rules
/// (parsed when outreach was built), and the search for `Rules/`,
/// `.outreach.yml` and `.vale.ini`.
@Suite struct StartupTests {
  /// `outreach lint` reads plain arguments itself (`LintOptions.init(quick:)`,
  /// in the executable); a `--` before the paths makes ArgumentParser read
  /// the same line. Both must give the same output, status and messages.
  @Test func quickArgumentsMatchArgumentParser() throws {
    let sample = "Tests/Samples/emails/check-in-needs-work.md"
    let many = [sample, "Tests/Samples/emails", "Tests/Samples/emails/takeout.mbox", "missing.md"]
    let optionSets: [[String]] = [
      [], ["--format", "json"], ["--format=line"], ["--output", "github"], ["--output=sarif"],
      ["--fail-on", "warning"], ["--fail-on=suggestion", "--format", "json"], ["--minAlertLevel", "error"],
      ["--glob", "*.md"], ["--glob=!*.mbox"], ["--ignore-syntax"], ["--no-default-rules", "--rules", "Rules"],
      ["--rules", "Rules", "--rules=Rules"], ["--config", "missing.yml"], ["--config=Rules/_vale/.vale.ini"],
      ["--format", "json", "--format", "text"], ["--format", "json", "--output", "line"], ["--fail-on", "never"],
      ["--ignore-syntax=yes"],
    ]
    for options in optionSets {
      for paths in [[sample], many] {
        let quick = try runOutreach(["lint"] + options + paths, in: packageRoot)
        let parsed = try runOutreach(["lint"] + options + ["--"] + paths, in: packageRoot)
        #expect(quick.status == parsed.status, "\(options) \(paths)")
        #expect(quick.stdout == parsed.stdout, "\(options) \(paths)")
        #expect(quick.stderr == parsed.stderr, "\(options) \(paths)")
      }
    }
    // Standard input, with Vale's --ext, and an email with warnings only,
    // where --fail-on and --minAlertLevel decide the status.
    let options: [[String]] = [
      [], ["--ext", ".txt"], ["--ext=.eml", "--format", "line"], ["--fail-on", "warning"], ["--fail-on=suggestion"],
      ["--minAlertLevel", "error", "--fail-on", "warning"],
    ]
    for option in options {
      for text in ["Subject: Quick question\n\nJust circling back # here.\n", "Hi Ana,\n\nOne? Two?\n"] {
        let quick = try runOutreach(["lint"] + option + ["-"], stdin: text, in: packageRoot)
        let parsed = try runOutreach(["lint"] + option + ["--", "-"], stdin: text, in: packageRoot)
        #expect((quick.status, quick.stdout, quick.stderr) == (parsed.status, parsed.stdout, parsed.stderr), "\(option)")
      }
    }
    // Lines the quick reader leaves to ArgumentParser keep its answers.
    for line in [["--format"], ["--format", "xml", sample], ["--fail-on", "-x", sample], ["-q", sample], ["--fix", "-"]] {
      let result = try runOutreach(["lint"] + line, in: packageRoot)
      #expect(result.status == 2, "\(line)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(line): \(result.stderr)")
    }
  }

  /// A tree as text: every line mark, key, scalar and how each reads.
  private func dump(_ value: YAMLValue) -> String {
    if let entries = value.entries {
      return "{@\(value.line) " + entries.map { "\($0.key)@\($0.keyLine): \(dump($0.value))" }.joined(separator: ", ") + "}"
    }
    if let items = value.items { return "[@\(value.line) " + items.map(dump).joined(separator: ", ") + "]" }
    if let text = value.scalarText {
      return
        "\(text.debugDescription)@\(value.line) quoted=\(value.isQuotedString) null=\(value.isNull) bool=\(String(describing: value.bool)) int=\(String(describing: value.int)) float=\(String(describing: value.float))"
    }
    return "other@\(value.line)"
  }

  @Test func builtInFilesComeParsedAsTheirYAMLReads() throws {
    let files = EmbeddedDefaults.files.filter {
      $0.path.hasPrefix("Rules/") && ($0.path.hasSuffix(".yml") || $0.path.hasSuffix(".yaml"))
    }
    #expect(files.count >= 10)
    for file in files {
      let embedded = try #require(EmbeddedNode.builtIn(file.path, file: "f"), "\(file.path) has no parsed tree")
      let parsed = try #require(try YAMLValue.parse(file.contents, file: "f"))
      #expect(dump(embedded) == dump(parsed), "\(file.path)")
    }
    // The same reading of scalars of every kind and style, and of marks.
    let text = """
      a: 12
      b: '12'
      c: 1_000
      m: 010
      n: 0
      o: -5
      p: 99999999999999999999999
      q: 0x1F
      d: 0.5
      e: yes
      f: "off"
      g: ~
      h:
      i: [x, 'y', "z"]
      j:
        - k: 1
          l: [2]
      """
    let node = try #require(try Yams.compose(yaml: text, .basic, .default, .utf8))
    var tree = (strings: [String](), codes: [Int32]())
    func add(_ node: Node) {
      func string(_ text: String) -> Int32 {
        tree.strings.append(text)
        return Int32(tree.strings.count - 1)
      }
      let line = Int32(node.mark?.line ?? 1)
      switch node {
      case .scalar(let scalar): tree.codes += [0, string(scalar.string), line, scalar.style == .plain ? 1 : 0]
      case .mapping(let mapping):
        tree.codes += [1, Int32(mapping.count), line]
        for pair in mapping {
          tree.codes += [string(pair.key.string ?? ""), Int32(pair.key.mark?.line ?? 1)]
          add(pair.value)
        }
      case .sequence(let sequence):
        tree.codes += [2, Int32(sequence.count), line]
        sequence.forEach(add)
      case .alias: tree.codes += [3, line]
      }
    }
    add(node)
    var position = 0
    let decoded = try #require(EmbeddedNode.decode(tree.codes, strings: tree.strings, at: &position))
    #expect(position == tree.codes.count)
    let parsed = try #require(try YAMLValue.parse(text, file: "f"))
    #expect(dump(YAMLValue(storage: .embedded(decoded), file: "f", keyPath: "")) == dump(parsed))
    // Codes cut short or out of range make no node.
    for codes: [Int32] in [[1, 2, 1, 0, 1], [0, 5, 1, 1], [2, 3, 1, 0, 0, 1, 1], [9], []] {
      var start = 0
      #expect(EmbeddedNode.decode(codes, strings: ["a"], at: &start) == nil, "\(codes)")
    }
  }

  @Test func pathsFoundUpward() throws {
    #expect(PathSearch.folders(from: "/a/b/../c/./d") == ["/a/c/d", "/a/c", "/a", "/"])
    #expect(PathSearch.folders(from: "/") == ["/"])
    #expect(PathSearch.folders(from: "/a/../..") == ["/"])
    #expect(PathSearch.lastComponent("/x/Rules/") == "Rules")
    #expect(PathSearch.lastComponent("/x/Rules/..") == "x")
    let root = makeTemporaryFolder("upward")
    let deep = root + "/one/two"
    try FileManager.default.createDirectory(atPath: deep + "/.vale.ini", withIntermediateDirectories: true)
    try "".write(toFile: root + "/one/_vale.ini", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: root + "/Rules", withIntermediateDirectories: true)
    // A folder named like a Vale configuration is not one; the nearest file is.
    #expect(ValeConfig.find(from: deep) == root + "/one/_vale.ini")
    #expect(RuleSet.findUpward("Rules", from: deep) == root + "/Rules")
    #expect(RuleSet.findUpward("Rules", from: deep + "/../..") == root + "/Rules")
    #expect(RuleSet.findUpward("no-such-name-anywhere", from: deep) == nil)
    // Rule files at any depth, sorted; `.` and `_` names left out.
    for file in ["b.yml", "a.yaml", "sub/c.yml", "_mail.yml", "_private/d.yml", ".hidden/e.yml", "notes.txt"] {
      let path = root + "/Rules/" + file
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try "".write(toFile: path, atomically: true, encoding: .utf8)
    }
    #expect(
      try RuleSet.ruleFiles(in: root + "/Rules") == ["a.yaml", "b.yml", "sub/c.yml"].map { root + "/Rules/" + $0 })
    #expect(throws: OutreachError.self) { try RuleSet.ruleFiles(in: root + "/missing") }
  }

  /// The phrase automaton (built at every start) finds exactly what a
  /// search of each phrase at each place finds, on random phrases and text
  /// over a small alphabet, so that phrases share prefixes and suffixes.
  /// OutreachKit's concrete `[String].joined(separator:)` (Support/Joining)
  /// gives what the standard library's gives (an `ArraySlice` still takes
  /// the standard library's).
  @Test func stringArrayJoinedMatchesTheStandardLibrary() {
    let cases: [[String]] = [[], [""], ["a"], ["", ""], ["a", "b", "c"], ["é", "", "👨‍👩‍👧", "x y"]]
    for parts in cases {
      for separator in ["", "|", ", ", "—"] {
        #expect(parts.joined(separator: separator) == parts[...].joined(separator: separator), "\(parts) \(separator)")
      }
      #expect(parts.joined() == parts[...].joined())
    }
  }

  @Test func phraseMatcherFindsWhatANaiveSearchFinds() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("abAB c'".utf8)
    func lowered(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
    for round in 0..<200 {
      let patterns = (0..<Int.random(in: 1...12, using: &generator)).map { index in
        PhraseMatcher.Pattern(
          bytes: (0..<Int.random(in: 1...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! },
          ignorecase: Bool.random(using: &generator), wordBounded: false, rule: index, payload: 0)
      }
      let text = (0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
      var found: [[Int]] = []
      text.withUnsafeBufferPointer { buffer in
        let matcher = PhraseMatcher(patterns: patterns)
        #expect(matcher.isNarrow)
        matcher.scan(buffer) { found.append([$0, $1, $2]) }
      }
      var expected: [[Int]] = []
      for end in 1...max(text.count, 1) where end <= text.count {
        for (index, pattern) in patterns.enumerated() where pattern.bytes.count <= end {
          let start = end - pattern.bytes.count
          let same = zip(text[start..<end], pattern.bytes).allSatisfy {
            pattern.ignorecase ? lowered($0) == lowered($1) : $0 == $1
          }
          if same { expected.append([index, start, end]) }
        }
      }
      let order: ([Int], [Int]) -> Bool = { $0.lexicographicallyPrecedes($1) }
      #expect(
        found.sorted(by: order) == expected.sorted(by: order),
        "round \(round): \(patterns.map { String(decoding: $0.bytes, as: UTF8.self) }) in \(String(decoding: text, as: UTF8.self))"
      )
    }
    // Over 32,767 states the table is 32-bit: the same answers.
    let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
    var words: [[UInt8]] = []
    var seed: UInt64 = 7
    for _ in 0..<5_000 {
      words.append(
        (0..<10).map { _ in
          seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          return letters[Int(seed >> 33) % letters.count]
        })
    }
    let patterns = words.enumerated().map {
      PhraseMatcher.Pattern(bytes: $1, ignorecase: true, wordBounded: false, rule: $0, payload: 0)
    }
    let joined = words[17] + Array(" x".utf8) + words[4_321] + words[99].prefix(5) + words[2_500]
    let text = Array(String(decoding: joined, as: UTF8.self).uppercased().utf8)
    var found: [[Int]] = []
    let wide = PhraseMatcher(patterns: patterns)
    #expect(!wide.isNarrow)
    text.withUnsafeBufferPointer { buffer in wide.scan(buffer) { found.append([$0, $1, $2]) } }
    var expected: [[Int]] = []
    for end in 10...text.count {
      for (index, word) in words.enumerated() where zip(text[(end - 10)..<end], word).allSatisfy({ ($0 | 0x20) == $1 }) {
        expected.append([index, end - 10, end])
      }
    }
    let order: ([Int], [Int]) -> Bool = { $0.lexicographicallyPrecedes($1) }
    #expect(found.count >= 3)
    #expect(found.sorted(by: order) == expected.sorted(by: order))
  }
}
