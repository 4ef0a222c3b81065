/// Vale's `substitution`: a match of a swap's left side is a finding that
/// suggests its right side, unless the text already is the replacement.
enum SubstitutionCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .substitution(let swap) = run.rule.kind else { return }
    for hit in run.hits {
      let text = run.matchText(hit.start, hit.end)
      var expected = swap[hit.payload].replacement
      // As Vale's `subMsg`: `$1` in the replacement is the match's group 1.
      if expected.contains("$") {
        expected = ValeText.expandGroups(
          expected, pattern: swap[hit.payload].pattern, observed: text, ignorecase: run.rule.ignorecase)
      }
      if run.rule.capitalize, text == ValeText.capitalizedFirst(text) { expected = ValeText.capitalizedFirst(expected) }
      // Nothing to say when the text already is the replacement.
      let pattern = run.linter.replacementPatterns[run.index]?[hit.payload] ?? nil
      if ValeText.matchToken(expected: expected, observed: text, pattern: pattern) { continue }
      var message = run.rule.message
      // One replacement is a safe fix; alternatives are the writer's call.
      // Another action (`suggest`, `edit`) means the swap is advice.
      if let fix = run.actionFix {
        run.fixes[run.findings.count] = fix
      } else if run.rule.actionName == nil || run.rule.actionName == "replace",
        !expected.contains(where: { "|\\^$*+?()[]{}".contains($0) })
      {
        run.fixes[run.findings.count] = expected
      }
      if run.rule.actionName == "replace", run.rule.actionParams.isEmpty {
        // As Vale: `a|b` offers each, "'a' or 'b'", quoted once.
        var offered = expected.split(separator: "|").map(String.init)
        if run.rule.capitalize, text == ValeText.capitalizedFirst(text) { offered = offered.map(ValeText.capitalizedFirst) }
        expected = ValeText.sentence(offered, joiner: "or")
        message = ValeText.unquoteFirst(message)
      }
      run.add(Int(run.prose.offsets[hit.start]), formatMessage(message, [expected, text]), text)
    }
  }
}
