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
      // Every word starts where a run of bytes other than the space does:
      // when those runs are within the limit, so are the words, and they
      // need no count (most emails; a count by words was a check's cost).
      if unit == .words {
        var runs = 0
        for block in blocks where run.measures(block) { runs += countRuns(text, in: block.range) }
        if runs <= maximum { return }
      }
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

/// How many runs of bytes other than the space (0x20) `range` holds: an
/// upper bound on its words (`forEachWord`), counted eight bytes at a time.
func countRuns(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Int {
  guard let base = text.baseAddress, !range.isEmpty else { return 0 }
  let raw = UnsafeRawPointer(base)
  var runs = 0
  var index = range.lowerBound
  var previousIsSpace = true
  while index + 8 <= range.upperBound {
    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ 0x2020_2020_2020_2020
    // The high bit of each byte that is not a space.
    let others = ((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F | word) & 0x8080_8080_8080_8080
    let before = others << 8 | (previousIsSpace ? 0 : 0x80)
    runs += topBitCount(others & ~before)
    previousIsSpace = others >> 63 == 0
    index += 8
  }
  while index < range.upperBound {
    let isSpace = text[index] == 0x20
    if !isSpace, previousIsSpace { runs += 1 }
    previousIsSpace = isSpace
    index += 1
  }
  return runs
}
