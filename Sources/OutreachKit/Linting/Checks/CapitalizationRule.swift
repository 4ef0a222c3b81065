/// Vale's `capitalization`: each heading (and the subject, when the scope
/// names it) in the case the rule asks for.
enum CapitalizationRuleCheck: Check {
  static func check(_ run: inout CheckRun) {
    // Headings in the body; the subject too, when the scope names it.
    var units: [(offset: Int, text: String)] = []
    if run.rule.scopes.contains(.subject), let header = run.document.subject {
      units.append((header.valueOffset, header.value.trimmingSpaces))
    }
    for block in run.prose.blocks where run.rule.admits(block) && block.region != .subject {
      units.append(
        (Int(run.prose.offsets[block.range.lowerBound]), run.valeText(block.range.lowerBound, block.range.upperBound)))
    }
    guard let check = run.linter.capitalizationChecks[run.index] else { return }
    for unit in units where !unit.text.isEmpty {
      let (expected, passes) = check.check(unit.text)
      // As Vale: the text, then the text in the expected case.
      if !passes { run.add(unit.offset, formatMessage(run.rule.message, [unit.text, expected]), unit.text) }
    }
  }
}
