import Foundation
import Testing

@testable import OutreachKit

/// Drafts that are true in time and fit their reader (issue 21).
@Suite struct DraftFitTests {
  let today = Day("2026-11-22")!
  let templates = try! TemplateSet.load(folder: packageRoot + "/Templates")
  var drafter: Drafter { Drafter(templates: templates, configuration: Configuration(), today: today) }

  func account(_ text: String) throws -> Account { try AccountLoader.load(path: "a.yml", text: text).0 }

  func spiky(sent: String) -> String {
    """
    account: {name: Pixel}
    signals: {event_spike: {event: level_completed, factor: 3.1, on: 2026-11-20}, docs_topics: [feature flags]}
    users:
      - {name: Noor Haddad, email: noor@pixel.dev, title: CTO, last_active: 2026-11-20}
    history:
      - {stage: onboarding, sent: \(sent), to: [noor@pixel.dev], observations: [event-spike], replied: true}
    """
  }

  /// An email from before the spike could not have been about it: the
  /// spike is new, not a nudge. From after it, it is a nudge.
  @Test func aSpikeAfterTheLastEmailIsNewAndOneBeforeItIsANudge() throws {
    let after = try #require(try drafter.drafts(for: account(spiky(sent: "2026-10-20"))).first)
    #expect(after.stage == .checkIn)
    #expect(after.observations.first == "event-spike")
    #expect(!after.body.contains("nudge from last time"), "\(after.body)")
    let before = try #require(try drafter.drafts(for: account(spiky(sent: "2026-11-21"))).first)
    #expect(before.body.contains("A small nudge from last time: tracking down the level_completed spike"), "\(before.body)")
  }

  /// A product reader with only engineering observations left is not
  /// written to; the engineer is.
  @Test func aReaderNothingSuitsIsNotWrittenTo() throws {
    let text = """
      account: {name: Acme}
      signals: {docs_topics: [feature flag local evaluation], sdk: {name: posthog-js, version: 1.10.0, latest: 1.150.0}}
      users:
        - {name: Ana Ruiz, email: ana@acme.io, title: Head of Product, last_active: 2026-11-20}
        - {name: Bo Li, email: bo@acme.io, title: Staff Engineer, last_active: 2026-11-19}
      history:
        - {stage: onboarding, sent: 2026-11-01, to: [ana@acme.io, bo@acme.io], observations: [], replied: false}
      """
    let drafts = try drafter.drafts(for: account(text))
    #expect(drafts.map { $0.to.first?.email } == ["bo@acme.io"], "\(drafts.map(\.to))")
    #expect(try drafter.recipients(for: account(text)).map(\.email) == ["bo@acme.io"])
    // A docs topic belongs to a role by its words: funnels are a product concern.
    let funnels = try drafter.drafts(
      for: account(text.replacingOccurrences(of: "feature flag local evaluation", with: "funnels")))
    let ana = try #require(funnels.first { $0.to.first?.email == "ana@acme.io" })
    #expect(ana.observations.first == "docs-topic", "\(ana.observations)")
  }

  /// Each lead ends with a CTA that answers it (`leads:` in ctas.yml): the
  /// open-ticket email that offers a fix never asks to "compare notes".
  @Test func eachLeadEndsWithItsCTAs() throws {
    let plain = try account("account: {name: Acme}\nusers:\n  - {name: A B, email: a@acme.io, title: CTO}\n")
    #expect(!templates.ctaFit.isEmpty)
    for (lead, allowed) in templates.ctaFit where lead != "general" {
      for seed in 0..<20 {
        let observation = Observation(id: lead, weight: 1, canLead: true, facts: [:])
        let cta = drafter.cta(for: observation, account: plain, seed: "s\(seed)")
        #expect(allowed.contains(cta), "\(lead): \(cta)")
      }
    }
    #expect(!(templates.ctaFit["open-ticket"] ?? []).contains("Want to compare notes on what's working?"))
  }

  @Test func findingsAreInPositionOrderInEveryFormat() throws {
    func finding(_ path: String, _ line: Int, _ column: Int, _ rule: String) -> Finding {
      Finding(path: path, line: line, column: column, rule: rule, severity: .error, message: "m", match: "x")
    }
    let unordered = [
      finding("b.md", 3, 66, "em-dash"), finding("b.md", 3, 14, "vibe-killer"), finding("a.md", 9, 1, "x"),
      finding("b.md", 1, 5, "z"),
    ]
    let expected = ["b.md:1:5", "b.md:3:14", "b.md:3:66", "a.md:9:1"]
    func places(_ findings: [Finding]) -> [String] { findings.map { "\($0.path):\($0.line):\($0.column)" } }
    #expect(places(Reporters.ordered(unordered)) == expected)
    // In order already: as it is. A file that comes back is grouped with its first findings.
    let inOrder = [finding("b.md", 1, 5, "z"), finding("b.md", 1, 5, "a"), finding("a.md", 2, 1, "x")]
    #expect(Reporters.ordered(inOrder).map(\.rule) == ["z", "a", "x"])
    let comesBack = [finding("b.md", 1, 5, "z"), finding("a.md", 2, 1, "x"), finding("b.md", 3, 1, "y")]
    #expect(places(Reporters.ordered(comesBack)) == ["b.md:1:5", "b.md:3:1", "a.md:2:1"])
    let text = Reporters.render(.text, findings: unordered, rules: [])
    #expect(text.split(separator: "\n").map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == expected)
    let json = try JSONSerialization.jsonObject(with: Data(Reporters.render(.json, findings: unordered, rules: []).utf8))
    #expect((json as? [[String: Any]])?.map { "\($0["path"]!):\($0["line"]!):\($0["column"]!)" } == expected)
    let github = Reporters.render(.github, findings: unordered, rules: [])
    let places = github.split(separator: "\n").map { line -> String in
      let fields = line.split(separator: ",")
      let file = fields[0].split(separator: "=").last!
      let row = fields[1].split(separator: "=").last!
      let column = fields[2].split(separator: "=").last!.split(separator: ":").first!
      return "\(file):\(row):\(column)"
    }
    #expect(places == expected, "\(github)")
    let sarif = try JSONSerialization.jsonObject(with: Data(Reporters.render(.sarif, findings: unordered, rules: []).utf8))
    let results = ((sarif as? [String: Any])?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]] ?? []
    let sarifPlaces = results.compactMap { result -> String? in
      guard let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any],
        let file = (location["artifactLocation"] as? [String: Any])?["uri"] as? String,
        let region = location["region"] as? [String: Any]
      else { return nil }
      return "\(file):\(region["startLine"]!):\(region["startColumn"]!)"
    }
    #expect(sarifPlaces == expected, "\(sarifPlaces)")
  }

  /// `check` fails on fit data that would lead nobody, or a reader with
  /// what does not suit them, and on a CTA the playbook does not list.
  @Test func checkFailsOnFitDataThatDoesNotFit() throws {
    for (file, from, to, expected) in [
      ("role-fit.yml", "  sdk-outdated: [engineering]", "  sdk-outdated: []", "`sdk-outdated` suits no reader"),
      ("role-fit.yml", "  replay-off:", "  replay-offf:", "`replay-offf` is not an observation"),
      (
        "ctas.yml", "  open-ticket: [Want to take a look together?", "  open-ticket: [Let me know your thoughts?",
        "is not one of the CTAs"
      ),
    ] {
      let team = try makeTeamRepository()
      let path = team + "/Templates/" + file
      let text = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text.contains(from), "\(from)")
      try text.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
      let result = try runOutreach(["check", "--today", "2026-11-22"], in: team)
      #expect(result.status == 2 && result.stderr.contains(expected), "\(file): \(result.stderr)")
    }
  }
}
