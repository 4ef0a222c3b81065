import Foundation
import Testing

@testable import OutreachKit

/// Every rule's own examples are its specification (SwiftLint's
/// `verifyRule`): good ones raise nothing, bad ones raise a finding exactly
/// at each `↓`, also after multibyte text, not inside a code block, and not
/// under an inline disable switch.
@Suite struct RuleExampleTests {
  /// The project's rules, and Vale's built-in style kept as data in
  /// Rules/_vale/ (which runs only under a Vale configuration).
  static let rules: [Rule] = {
    var warnings: [Warning] = []
    return projectRules + ((try? ValeConfig.builtInStyle(warnings: &warnings)) ?? [])
  }()
  static let ruleIDs = Self.rules.map(\.id)

  @Test func everyRuleHasGoodAndBadExamples() {
    #expect(Self.rules.count >= 8)
    for rule in Self.rules {
      #expect(!rule.good.isEmpty, "\(rule.id) has no good example")
      #expect(!rule.bad.isEmpty, "\(rule.id) has no bad example")
      for example in rule.bad {
        #expect(example.text.contains("↓"), "\(rule.file):\(example.line): a bad example needs a ↓ marker")
      }
    }
  }

  @Test(arguments: ruleIDs) func examples(ruleID: String) throws {
    let rule = try #require(Self.rules.first { $0.id == ruleID })
    let linter = Linter(rules: [rule])
    for example in rule.good {
      let findings = linter.lint(path: "good.md", text: example.text).filter { $0.rule == rule.id }
      #expect(
        findings.isEmpty,
        "\(rule.file):\(example.line): good example raised \(findings.map { "\($0.line):\($0.column) \($0.match)" })")
    }
    for example in rule.bad {
      let (text, marks) = stripMarkers(example.text)
      let found = positions(linter, text, rule)
      #expect(found == Set(marks), "\(rule.file):\(example.line): expected findings at \(marks.sorted()), got \(found.sorted())")

      let document = EmailDocument(path: "bad.md", text: text)
      let bodyLine = document.source.lineIndex(of: document.bodyStart) + 1
      let inBody = marks.allSatisfy { $0.line >= bodyLine } && document.bodyStart < document.source.bytes.count
      guard inBody else { continue }
      var lines = text.components(separatedBy: "\n")

      // After multibyte text on the same line, the column moves by scalars.
      if !isCounting(rule) {
        let prefix = "Ünï 👋🏽 "
        var shifted = lines
        var expected = Set<Position>()
        for mark in marks {
          let line = lines[mark.line - 1]
          if let first = line.unicodeScalars.first, first.properties.isAlphabetic {
            shifted[mark.line - 1] = prefix + line
            expected.insert(Position(line: mark.line, column: mark.column + prefix.unicodeScalars.count))
          } else {
            expected.insert(mark)
          }
        }
        let multibyte = positions(linter, shifted.joined(separator: "\n"), rule)
        #expect(
          multibyte == expected,
          "\(rule.file):\(example.line): after multibyte text expected \(expected.sorted()), got \(multibyte.sorted())")
      }

      // Inside a code block nothing is prose (a `scope: raw` rule reads the
      // file as written, code included, as Vale's raw scope does).
      var fenced = lines
      fenced.insert("~~~~", at: bodyLine - 1)
      fenced.append("~~~~")
      let inCode = positions(linter, fenced.joined(separator: "\n"), rule)
      #expect(
        inCode.isEmpty || rule.rawScope, "\(rule.file):\(example.line): fired inside a code block at \(inCode.sorted())")

      // Under an inline switch nothing is reported.
      lines.insert(contentsOf: ["<!-- outreach-disable \(rule.id) -->", ""], at: bodyLine - 1)
      let disabled = positions(linter, lines.joined(separator: "\n"), rule)
      #expect(disabled.isEmpty, "\(rule.file):\(example.line): fired under outreach-disable at \(disabled.sorted())")
    }
  }

  func positions(_ linter: Linter, _ text: String, _ rule: Rule) -> Set<Position> {
    Set(
      linter.lint(path: "example.md", text: text).filter { $0.rule == rule.id }.map { Position(line: $0.line, column: $0.column) }
    )
  }

  /// Rules whose finding depends on counting words or characters.
  func isCounting(_ rule: Rule) -> Bool {
    switch rule.kind {
    case .length, .occurrence: return true
    default: return false
    }
  }

  @Test func readmeListsEveryRule() throws {
    let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
    for rule in Self.rules {
      #expect(readme.contains("`\(rule.id)`"), "README.md does not list `\(rule.id)`")
    }
  }

  @Test func builtInRulesAreTheProjectRules() throws {
    let builtIn = RuleSet.builtInFiles
    let onDisk = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/Rules").filter {
      $0.hasSuffix(".yml") && !$0.hasPrefix("_")
    }
    .sorted()
    #expect(builtIn.map { String($0.path.dropFirst("Rules/".count)) }.sorted() == onDisk)
    for file in builtIn {
      let disk = try String(contentsOfFile: packageRoot + "/" + file.path, encoding: .utf8)
      #expect(disk == file.contents, "\(file.path) differs from the embedded copy")
    }
  }
}
