/// `outreach rules`: one line a rule, or a Markdown table for the README.
public enum RuleListing {
  public static func render(_ rules: [Rule], markdown: Bool) -> String {
    if markdown {
      var out = "| Rule | Level | Checks |\n| --- | --- | --- |\n"
      for rule in rules {
        out += "| `\(rule.id)` | \(rule.level.rawValue) | \(rule.description.replacingOccurrences(of: "|", with: "\\|")) |\n"
      }
      return out
    }
    let width = rules.map(\.id.count).max() ?? 0
    let levelWidth = "suggestion".count
    return rules.map { rule in
      rule.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
        + rule.level.rawValue.padding(toLength: levelWidth, withPad: " ", startingAt: 0) + "  " + rule.description + "\n"
    }.joined()
  }
}
