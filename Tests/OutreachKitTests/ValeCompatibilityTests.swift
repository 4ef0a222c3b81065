import Foundation
import Testing

@testable import OutreachKit

/// The write-good Vale style loads as it is and finds what Vale finds on
/// its own fixtures (features/rules.feature).
@Suite struct ValeCompatibilityTests {
  /// A copy of vale-styles/write-good (MIT, see its LICENSE).
  let style = fixtures + "/vale/write-good"

  @Test func writeGoodFixtures() throws {
    let set = try RuleSet.load(folders: [style + "/write-good"], configuration: Configuration(), useDefaults: false)
    #expect(set.rules.count == 8)
    #expect(set.rules.contains { $0.id == "So" })
    let linter = Linter(rules: set.rules)
    let feature = try String(contentsOfFile: style + "/features/rules.feature", encoding: .utf8)
    var checked = 0
    for scenario in feature.components(separatedBy: "When I test \"").dropFirst() {
      let name = String(scenario.prefix { $0 != "\"" })
      let expectedLines =
        scenario.components(separatedBy: "\"\"\"").dropFirst().first?
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("test.md") } ?? []
      let path = style + "/fixtures/\(name)/test.md"
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let rule = name == "Illusions" ? "Illusions" : name
      let found = linter.lint(path: "test.md", text: text).filter { $0.rule == rule }
        .map { "test.md:\($0.line):\($0.column):write-good.\($0.rule):\($0.message)" }
      for line in expectedLines {
        #expect(found.contains(line), "\(name): Vale reports \(line); outreach found \(found)")
        checked += 1
      }
    }
    #expect(checked >= 10)
  }
}
