/// outreach's `length`: too many words (or characters) in a scope.
enum LengthCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .length(let unit, let maximum) = run.rule.kind else { return }
    var count = 0
    var crossing: Int? = nil
    for block in run.prose.blocks where run.measures(block) {
      if unit == .words {
        forEachWord(run.prose.text, in: block.range) { start, _ in
          count += 1
          if count == maximum + 1 { crossing = start }
        }
      } else {
        var index = block.range.lowerBound
        while index < block.range.upperBound {
          if run.prose.text[index] & 0xC0 != 0x80 {
            count += 1
            if count == maximum + 1 { crossing = index }
          }
          index += 1
        }
      }
    }
    if let crossing, count > maximum {
      let message = fillCounts(formatMessage(run.rule.message, ["\(count)"]), ["count": count, "max": maximum])
      run.add(Int(run.prose.offsets[crossing]), message, "\(count) \(unit.rawValue)")
    }
  }
}
