import Foundation
import Testing

@testable import OutreachKit

@Suite struct LinterTests {
  let linter = Linter(rules: projectRules)

  func findings(_ text: String, rule: String? = nil) -> [Finding] {
    linter.lint(path: "t.md", text: text).filter { rule == nil || $0.rule == rule }
  }

  func at(_ text: String, rule: String) -> [String] {
    findings(text, rule: rule).map { "\($0.line):\($0.column)" }
  }

  @Test func everyPlaybookVibeKillerIsCaught() throws {
    // The list exactly as the playbook gives it.
    let list = try String(contentsOfFile: fixtures + "/playbook-lists.md", encoding: .utf8)
    let section = try #require(
      list.components(separatedBy: "**Vibe killers (never use)**").last?.components(separatedBy: "###").first)
    let phrases = section.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map {
      $0.element.replacingOccurrences(of: "\n", with: " ")
    }
    #expect(phrases.count == 11)
    for phrase in phrases {
      for variant in [
        phrase, phrase.uppercased(), phrase.replacingOccurrences(of: "'", with: "\u{2019}"),
        phrase.replacingOccurrences(of: " ", with: "\n"),
      ] {
        let hits = findings("Hi Ana,\n\nWell, \(variant) then.\n", rule: "vibe-killer")
        #expect(hits.count == 1, "missed \(variant.debugDescription)")
        #expect(
          hits.first?.line == 3 && hits.first?.column == 7,
          "\(variant.debugDescription) at \(hits.map { "\($0.line):\($0.column)" })")
      }
    }
  }

  @Test func playbookSubjectLinesAreNotGeneric() throws {
    let list = try String(contentsOfFile: fixtures + "/playbook-lists.md", encoding: .utf8)
    let subjects = list.components(separatedBy: "\n").filter { $0.hasPrefix("  - “") }.map {
      String($0.dropFirst(4)).trimmingCharacters(in: CharacterSet(charactersIn: "“”\" "))
    }
    #expect(subjects.count >= 15)
    for subject in subjects {
      #expect(at("Subject: \(subject)\n\nHi,\n", rule: "generic-subject").isEmpty, "\(subject) flagged as generic")
      #expect(at("Subject: \(subject)\n\nHi,\n", rule: "em-dash").isEmpty, "\(subject) flagged for a dash")
    }
  }

  @Test func positionsSurviveEscapesEntitiesAndMultibyte() {
    #expect(at("Caf\u{E9} \\*x\\* &amp; ☕️ circling back.", rule: "vibe-killer") == ["1:21"])
    #expect(at("Ünïcödé 👨‍👩‍👧 text — here", rule: "em-dash") == ["1:20"])
    #expect(at("A &mdash; B", rule: "em-dash") == ["1:3"])
    #expect(at("A &#8212; B and C&#x2014;D", rule: "em-dash") == ["1:3", "1:18"])
  }

  @Test func indentedContinuationLinesAndContainers() {
    let text = """
      - first item that runs
        onto a second line, circling back
      > quoted line
      > circling back
      1. numbered
         item — dash

      Text [circling back](https://example.com/leverage) after.
      """
    #expect(at(text, rule: "vibe-killer") == ["2:23", "8:7"])
    #expect(at(text, rule: "em-dash") == ["6:9"])
  }

  @Test func codeHTMLAndLinkDestinationsAreNotProse() {
    let text = """
      Use `circling back` or <span title="leverage">x</span> and <!-- synergy -->.
      See <https://example.com/circling-back> and [docs](https://x.com/leverage "leverage").

          indented code with leverage

      ```
      fenced — leverage
      ```
      <div title="leverage" class="leverage">
      <!-- leverage -->
      <style>p.leverage { color: red }</style>
      <code>leverage</code> <pre>leverage</pre>
      </div>
      """
    #expect(findings(text).isEmpty, "\(findings(text))")
  }

  /// The text of an HTML block is what its reader sees: linted, at the
  /// line and column where it is written, past tags, attributes and
  /// entities; each cell or paragraph a block of its own, so that no
  /// phrase runs from one into the next.
  @Test func htmlBlockTextIsProse() {
    let text = """
      Subject: Flags

      <table>
        <caption>Circling back on flags</caption>
        <tr><td title="circling back">Caf&eacute; &amp; we leverage</td><td>circling</td><td>back</td></tr>
      </table>

      <p align="center">Touching base&nbsp;here &#8212; &rsquo;tis</p>
      """
    #expect(at(text, rule: "vibe-killer") == ["4:12", "5:54", "8:19"], "\(findings(text))")
    #expect(at(text, rule: "em-dash") == ["8:43"], "\(findings(text))")
    // Text after a comment, CDATA, a script or a processing instruction on
    // the line: cmark ends such a block a line early, and libxml2 reads
    // `<![CDATA[` as text.
    for (line, column) in [
      ("<!-- note --> Just circling back.", "5:20"), ("<!--\nnote\n--> Just circling back.", "7:10"),
      ("<![CDATA[x]]> Just circling back.", "5:20"), ("<script>\nvar a;\n</script> Just circling back.", "7:16"),
      ("<?php x ?> Just circling back.", "5:17"),
    ] {
      #expect(at("Subject: Flags\n\nHi Ana,\n\n" + line + "\n", rule: "vibe-killer") == [column], "\(line)")
    }
  }

  /// A GFM table (cmark-gfm's table extension, as Vale's goldmark reads
  /// Markdown): each cell is prose, a block of its own, at the line and
  /// column where it is written, in a quote too; no phrase runs from one
  /// cell into the next. Vale's `table.header`, `table.cell` and
  /// `table.caption` scopes read the parts of GFM and HTML tables.
  @Test func gfmTableCellsAreProse() throws {
    let text = #"""
      Subject: Flags

      | Flag | Circling back |
      |:-----|---------------|
      | a \| b | we leverage `x|y` |
      | circling | back |

      > | q | r |
      > |---|---|
      > | touching base | s |

      <table><caption>To leverage</caption><tr><th>Leverage</th><td>leverage</td></tr></table>
      """#
    #expect(at(text, rule: "vibe-killer") == ["3:10", "5:15", "12:20", "12:46", "12:63"], "\(findings(text))")
    var warnings: [Warning] = []
    for (scope, expected) in [
      ("table.cell", ["5:15", "12:63"]), ("table.header", ["3:10", "12:46"]), ("table.caption", ["12:20"]),
      ("table", ["3:10", "5:15", "12:20", "12:46", "12:63"]), ("paragraph", [String]()),
    ] {
      let rule = try RuleLoader.load(
        id: "T", file: "T.yml",
        text: "extends: existence\nmessage: x\nignorecase: true\nscope: \(scope)\ntokens: [leverage, circling back]\n",
        warnings: &warnings)
      let found = Linter(rules: [rule]).lint(path: "t.md", text: text).map { "\($0.line):\($0.column)" }
      #expect(found == expected, "\(scope)")
    }
    #expect(warnings.isEmpty)
    // The plain-text part of a draft keeps the table, a line a row.
    #expect(MarkdownRendering.plainText("| a | *b* |\n|---|---|\n| c | d |\n") == "| a | b |\n| c | d |")
  }

  /// HTML blocks made to make a search go back and forth (`<` with no
  /// `>`, comments and quotes left open, bogus comments) cost time linear
  /// in their length: 100 KB against 10 KB. (A hang guard with a ratio;
  /// `x <!x ` took 13 s at 100 KB before the aligner knew where the last
  /// `>` is; `<![CDATA[x ` took 36 s at 200 KB before a `<` that libxml2
  /// reads as text was looked for as text.)
  @Test(arguments: [
    "x <!x ", "<a ", "<!-- x ", "<a title=\"", "x <?x ", "<code>a ", "&amp", "<b>circling back</b> ", "<![CDATA[x ",
    "x < y ", "<!-->x ", "é&#;x ",
  ])
  func pathologicalHTMLBlocksStayLinear(unit: String) throws {
    let linter = Linter(rules: projectRules)
    var timings: [Double] = []
    for count in [10_000, 100_000].map({ $0 / unit.utf8.count }) {
      let text = "Hi Ana,\n\n<div>" + String(repeating: unit, count: count) + "\n>\n"
      let start = Date()
      _ = try linter.lint(path: "h.md", bytes: Array(text.utf8))
      timings.append(Date().timeIntervalSince(start))
    }
    #expect(timings[1] < 5, "\(unit): \(timings)")
    #expect(timings[1] < max(0.5, timings[0] * 30), "\(unit): 100 KB took \(timings[1]) s, 10 KB \(timings[0]) s")
  }

  /// Markdown that libcmark-gfm 0.29 parses in quadratic time costs time
  /// linear in its length: 200 KB against 20 KB. Image openers before many
  /// links (CVE-2023-22486: `![[]()` took 7 s at 300 KB) are read as plain
  /// text, with a warning; a line of more `|` than any table has is read
  /// without the table extension (50,000 on a line took 3 s). The rest are
  /// libcmark-gfm's own pathological tests (`test/pathological_tests.py`).
  @Test(arguments: [
    ["", "![[]()", ""], ["[a]: /u\n\n", "![[a]", ""], ["", "|", "\n|-|\n"], ["a\n", "|-", "\n"],
    ["|a|\n|-|\n|", "x|", "\n"], ["", "|a", "|\n|-|-|\n"], ["", "aaa\rbbb\n-\u{0B}\n", ""], ["|a|b|\n|-|-|\n", "|x|y|\n", ""],
    ["", "|a|b|\n|-|-|\n\n", ""], ["|a|\n|-|\n", "> x\n", ""], ["", "*a **a ", "b"], ["", "[ (](", ""], ["", "[a](<b", ""],
    ["", "*a_ ", ""], ["", "> ", "|a|\n|-|\n"],
  ])
  func pathologicalMarkdownStaysLinear(parts: [String]) throws {
    let linter = Linter(rules: projectRules)
    var timings: [Double] = []
    for count in [20_000, 200_000].map({ $0 / parts[1].utf8.count }) {
      let text = "Hi Ana,\n\n" + parts[0] + String(repeating: parts[1], count: count) + parts[2]
      let start = Date()
      _ = try linter.lint(path: "p.md", bytes: Array(text.utf8))
      timings.append(Date().timeIntervalSince(start))
    }
    #expect(timings[1] < 5, "\(parts): \(timings)")
    #expect(timings[1] < max(0.5, timings[0] * 30), "\(parts): 200 KB took \(timings[1]) s, 20 KB \(timings[0]) s")
  }

  @Test func imageOpenersBeforeManyLinksAreReadAsPlainText() throws {
    let text = "Hi Ana, circling back.\n\n" + String(repeating: "![[]()", count: 5_000)
    let result = try Linter(rules: projectRules).lint(path: "p.md", bytes: Array(text.utf8))
    #expect(result.findings.map { "\($0.line):\($0.column)" } == ["1:9"])
    #expect(
      result.warnings.map(\.message) == [
        "5,000 image openers (`![`) before 5,000 closing brackets, which cmark matches in time that grows with their product; read it as plain text"
      ])
  }

  /// Eight bytes written at once (`Slots.ascii8`, the Markdown walker's
  /// fast path) give the prose that eight `byte(_:at:)` calls give, or are
  /// declined: random words of spaces, tabs, line ends, controls, letters
  /// and bytes over 0x7F, after a space and not.
  @Test func eightBytesAtOnceAgreeWithOneAtATime() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x09, 0x0A, 0x0D, 0x00, 0x1A, 0x7F, 0x80, 0xC3] + Array(0x21...0x40)
    var accepted = 0
    for round in 0..<20_000 {
      let bytes = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
      let afterSpace = round % 2 == 0
      var fast = [UInt8](repeating: 0, count: 8)
      var slow = [UInt8](repeating: 0, count: 8)
      var fastOffsets = [Int32](repeating: 0, count: 8)
      var slowOffsets = [Int32](repeating: 0, count: 8)
      fast.withUnsafeMutableBufferPointer { fastText in
        slow.withUnsafeMutableBufferPointer { slowText in
          fastOffsets.withUnsafeMutableBufferPointer { fastOffset in
            slowOffsets.withUnsafeMutableBufferPointer { slowOffset in
              var a = ProseWriter.Slots(
                text: fastText.baseAddress!, offsets: fastOffset.baseAddress!, capacity: 8, lastWasSpace: afterSpace)
              var b = ProseWriter.Slots(
                text: slowText.baseAddress!, offsets: slowOffset.baseAddress!, capacity: 8, lastWasSpace: afterSpace)
              let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
              guard a.ascii8(word, at: 100) else {
                #expect(a.count == 0)
                return
              }
              accepted += 1
              for (step, byte) in bytes.enumerated() { b.byte(byte, at: 100 + step) }
              #expect(a.count == b.count && a.lastWasSpace == b.lastWasSpace, "\(bytes)")
            }
          }
        }
      }
      #expect(fast == slow && fastOffsets == slowOffsets, "\(bytes) after a space: \(afterSpace)")
    }
    #expect(accepted > 100)
  }

  /// An entity for a no-break space or a curly apostrophe (several bytes of
  /// text from one entity) keeps the positions after it on their columns.
  @Test func entitiesKeepThePositionsAfterThem() {
    #expect(at("Hi&nbsp;Ana, we are circling back.", rule: "vibe-killer") == ["1:21"])
    #expect(at("We&rsquo;re circling back, and we&#8217;re circling back.", rule: "vibe-killer") == ["1:13", "1:44"])
    #expect(at("Hi\u{A0}Ana, we are circling back.", rule: "vibe-killer") == ["1:16"])
    // Any of HTML5's named entities, and a name that is none (kept as text).
    #expect(at("Hi M&uuml;ller, we are circling back.", rule: "vibe-killer") == ["1:24"])
    #expect(at("M&Uuml;ller &frac12; &hellip; &nope; we are circling back.", rule: "vibe-killer") == ["1:45"])
  }

  /// A code span, an address or an image inside a match is quoted as
  /// written, never as the control character that stands for it in the
  /// prose.
  @Test func matchesQuoteCodeAndAddressesAsWritten() {
    let found = findings("Hi Ana, see [the `x` thing] here and [see https://x.com now] too.")
    #expect(found.map(\.match) == ["[the `x` thing]", "[see https://x.com now]"], "\(found.map(\.match))")
    #expect(found.allSatisfy { !$0.message.unicodeScalars.contains("\u{1A}") && $0.message.contains($0.match) })
  }

  @Test func phraseAcrossInlineMarkupAndLineBreak() {
    #expect(at("We are just *touching* base.", rule: "vibe-killer") == ["1:8"])
    #expect(at("We are just **touching**\nbase.", rule: "vibe-killer") == ["1:8"])
    #expect(at("We are just `touching` base.", rule: "vibe-killer").isEmpty)
  }

  @Test func signatureIsPhrasesOnlyAndNotLength() {
    let words = Array(repeating: "word", count: 200).joined(separator: " ")
    let text = "Hi Ana,\n\nShort body.\n\n-- \nDana \(words) circling back\n"
    #expect(at(text, rule: "too-long").isEmpty)
    #expect(at(text, rule: "vibe-killer").count == 1)
    #expect(at("Hi,\n\n\(words)\n", rule: "too-long") == ["3:621"])
    let message = findings("Hi,\n\n\(words)\n", rule: "too-long").first?.message ?? ""
    #expect(message.contains("201") && message.contains("125"))
  }

  @Test func inlineSwitches() {
    let text = """
      <!-- outreach-disable em-dash -->
      A — B circling back
      <!-- outreach-enable em-dash -->

      C — D
      <!-- outreach-disable-next-line -->
      E — F circling back
      """
    #expect(at(text, rule: "em-dash") == ["5:3"])
    #expect(at(text, rule: "vibe-killer") == ["2:7"])
  }

  @Test func headerBlockOnlyWhenFirstLineIsAHeader() {
    #expect(at("Dear Ana:\n\nSubject: Checking in\n", rule: "generic-subject").isEmpty)
    #expect(at("SUBJECT: checking in\n\nHi\n", rule: "generic-subject") == ["1:10"])
    #expect(at("From: dana@example.com\n\nHi\n", rule: "generic-subject") == ["1:1"])
  }

  @Test func emlFilesStartWithAnyHeaders() {
    let text = "Return-Path: <a@b.co>\nReceived: from x\nSubject: Checking in\n\nHi Ana, just circling back.\n"
    let linter = Linter(rules: projectRules)
    #expect(
      linter.lint(path: "m.eml", text: text).map { "\($0.line):\($0.column) \($0.rule)" } == [
        "3:10 generic-subject", "5:14 vibe-killer",
      ])
    // In a .md file any RFC 5322 header starts a header block too; a word
    // that is not a header name does not.
    #expect(linter.lint(path: "m.md", text: text).contains { $0.rule == "generic-subject" })
    #expect(
      !linter.lint(path: "m.md", text: "Note: Checking in\nSubject: Checking in\n\nHi\n").contains {
        $0.rule == "generic-subject"
      })
  }

  @Test func crlfLineEndings() {
    let text = "Subject: Checking in\r\n\r\nHi Ana,\r\n\r\nJust circling back \u{2014} now.\r\n"
    #expect(at(text, rule: "generic-subject") == ["1:10"])
    #expect(at(text, rule: "vibe-killer") == ["5:6"])
    #expect(at(text, rule: "em-dash") == ["5:20"])
  }

  @Test func configurationSwitchesAndLevels() throws {
    let folder = makeTemporaryFolder()
    try """
    rules:
      question-count: off
      too-long: {max: 5, level: warning}
      em-dash: suggestion
      no-such-rule: off
    """.write(toFile: folder + "/.outreach.yml", atomically: true, encoding: .utf8)
    var warnings: [Warning] = []
    let configuration = try Configuration.load(path: folder + "/.outreach.yml", warnings: &warnings)
    let set = try RuleSet.load(folders: [], configuration: configuration)
    #expect(!set.rules.contains { $0.id == "question-count" })
    #expect(set.rules.first { $0.id == "em-dash" }?.level == .suggestion)
    #expect(set.warnings.contains { $0.message.contains("no-such-rule") && $0.line == 5 })
    let findings = Linter(rules: set.rules).lint(path: "t.md", text: "Hi,\n\none two three four five six? seven?\n")
    #expect(findings.map(\.rule) == ["too-long"])
    #expect(findings.first?.severity == .warning)
  }

  @Test func yamlBooleansAreReadWithoutYamsResolver() throws {
    // Scalars are typed on demand (Yams' regex resolver is not used): YAML
    // 1.1 words in any case are booleans, numbers are numbers, and a quoted
    // scalar is text where a caller refuses quoted values.
    let root = try #require(
      try YAMLValue.parse("a: yes\nb: Off\nc: TRUE\nd: maybe\ne: 12\nf: '12'\ng: 0x1F\nh: 2.5\n", file: "t.yml"))
    #expect(["a", "b", "c", "d"].map { root[$0]?.bool } == [true, false, true, nil])
    #expect(root["e"]?.int == 12 && root["f"]?.isQuotedString == true && root["g"]?.int == 31)
    #expect(root["h"]?.float == 2.5 && root["e"]?.scalarText == "12")
    let folder = makeTemporaryFolder()
    try "default_rules: Yes\nrules:\n  em-dash: no\n".write(
      toFile: folder + "/.outreach.yml", atomically: true, encoding: .utf8)
    var warnings: [Warning] = []
    let set = try RuleSet.load(
      folders: [], configuration: try Configuration.load(path: folder + "/.outreach.yml", warnings: &warnings))
    #expect(!set.rules.contains { $0.id == "em-dash" } && set.rules.contains { $0.id == "too-long" })
  }

  @Test func aFolderRuleReplacesTheBuiltInInItsPlace() throws {
    // A Rules/ folder's `em-dash.yml` replaces the built-in one (which is
    // then never parsed) and keeps its place in the order; a replacement
    // that does not run here (`extends: sequence`) leaves the built-in.
    let builtIn = try RuleSet.load(folders: [], configuration: Configuration()).rules.map(\.id)
    let folder = makeTemporaryFolder("replace") + "/Rules"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "extends: existence\nmessage: \"No '%s'.\"\ntokens: [zebra]\n".write(
      toFile: folder + "/em-dash.yml", atomically: true, encoding: .utf8)
    try "extends: sequence\nmessage: x\ntokens: []\n".write(
      toFile: folder + "/vibe-killer.yml", atomically: true, encoding: .utf8)
    let set = try RuleSet.load(folders: [folder], configuration: Configuration())
    #expect(set.rules.map(\.id) == builtIn)
    let linter = Linter(rules: set.rules)
    let found = linter.lint(path: "t.md", text: "Hi,\n\nA zebra \u{2014} circling back.\n").map(\.rule)
    #expect(found.contains("em-dash") && found.contains("vibe-killer"), "\(found)")
    #expect(set.rules.first { $0.id == "em-dash" }?.file == folder + "/em-dash.yml")
    #expect(set.warnings.contains { $0.message.contains("sequence") })
  }

  @Test func addressesInManyParagraphsKeepPositions() {
    // Each paragraph's bare address becomes one opaque byte in place; the
    // phrase after it must still point at its own line and column.
    let paragraph = "See https://x.io/a and ana@acme.io, then circling back."
    let text = Array(repeating: paragraph, count: 40).joined(separator: "\n\n")
    let hits = at(text, rule: "vibe-killer")
    #expect(hits == (0..<40).map { "\($0 * 2 + 1):42" }, "\(hits)")
  }

  @Test func manyPhraseRulesShareOneMatcher() {
    var rules = projectRules
    for index in 0..<500 {
      var rule = projectRules.first { $0.id == "vibe-killer" }!
      rule.id = "extra-\(index)"
      rule.kind = .substitution(swap: [("phrase number \(index)", "something")])
      rules.append(rule)
    }
    let findings = Linter(rules: rules).lint(path: "t.md", text: "We saw phrase number 417 and phrase number 4170.")
    #expect(findings.map(\.rule) == ["extra-417"])
  }
}

@Suite struct RegexPrefilterTests {
  @Test func requiredLiterals() {
    #expect(RegexPrefilter.requiredLiterals(#"(?<=\p{L})[ \t]?(?:--|–)[ \t]?(?=\p{L})"#) == ["--", "–"])
    #expect(RegexPrefilter.requiredLiterals(#"\b(?:TODO|TBD)\b"#) == ["TODO", "TBD"])
    #expect(RegexPrefilter.requiredLiterals(#"\[[A-Za-z][^\[\]\n]{0,40}\]|\{\{x"#) == ["[", "{{x"])
    #expect(RegexPrefilter.requiredLiterals(#"(?i)colou?r"#) == ["colo"])
    #expect(RegexPrefilter.requiredLiterals(#"[\w]+ed"#) == ["ed"])
    #expect(RegexPrefilter.requiredLiterals(#"\w+"#) == nil)
    #expect(RegexPrefilter.requiredLiterals(#"a|\d"#) == nil)
    #expect(RegexPrefilter.requiredLiterals(#"(?:ab)?c"#) == ["c"])
    // A quantifier takes the whole scalar before it, however many bytes.
    #expect(RegexPrefilter.requiredLiterals("naï?ve") == ["na"])
    #expect(RegexPrefilter.requiredLiterals("x?é+") == ["é"])
    #expect(RegexPrefilter.requiredLiterals(#"\–\—?"#) == ["–"])
    #expect(RegexPrefilter.requiredLiterals(#"\ß\w"#) == nil)
    // An alternation's literals are each kept once.
    #expect(RegexPrefilter.requiredLiterals("(?:ça|où) va|(?:ça|où)") == ["ça", "où"])
  }
}
