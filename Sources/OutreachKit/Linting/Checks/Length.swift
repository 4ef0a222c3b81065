/// outreach's `length`: too many words (or characters) in a scope.
enum LengthCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .length(let unit, let maximum) = run.rule.kind else { return }
    var count = 0
    var crossing: Int? = nil
    // The text once, not through the run's accessors at every byte.
    let text = run.prose.text
    let blocks = run.prose.blocks
    text.withUnsafeBufferPointer { text in
      for block in blocks where run.measures(block) {
        if unit == .words {
          forEachWord(text, in: block.range) { start, _ in
            count += 1
            if count == maximum + 1 { crossing = start }
          }
        } else {
          for index in block.range where text[index] & 0xC0 != 0x80 {
            count += 1
            if count == maximum + 1 { crossing = index }
          }
        }
      }
    }
    if let crossing, count > maximum {
      let message = fillCounts(formatMessage(run.rule.message, ["\(count)"]), ["count": count, "max": maximum])
      run.add(Int(run.prose.offsets[crossing]), message, "\(count) \(unit.rawValue)")
    }
  }
}
