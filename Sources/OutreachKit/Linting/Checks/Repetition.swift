/// Vale's `repetition`: the same token twice in a row.
enum RepetitionCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .repetition(let alpha, let tokens, let maximum) = run.rule.kind else { return }
    // As Vale: consecutive matches of `tokens` (words when there are
    // none); the (max+1)th repeat is a finding from the first of the
    // pair, unless a sentence ends between them.
    let pattern = tokens.isEmpty ? nil : run.linter.documentPatterns[run.index]?.first?.regex.regex
    for block in run.prose.blocks where run.rule.admits(block) {
      var units: [(start: Int, end: Int)] = []
      if let pattern {
        let complete = run.prose.text.withUnsafeBufferPointer { text in
          pattern.forEachMatch(in: UnsafeBufferPointer(rebasing: text[block.range])) { start, end in
            units.append((block.range.lowerBound + start, block.range.lowerBound + end))
          }
        }
        if !complete { run.limited = true }
      } else {
        forEachWord(run.prose.text, in: block.range) { start, end in units.append((start, end)) }
      }
      var previous: (start: Int, end: Int, text: String)? = nil
      var count = 0
      for unit in units {
        let text = run.matchText(unit.start, unit.end)
        if let last = previous, !text.isEmpty,
          run.rule.ignorecase ? last.text.lowercased() == text.lowercased() : last.text == text,
          !alpha || text.allSatisfy(\.isLetter)
        {
          count += 1
          let between = run.prose.text[last.end..<unit.start]
          let sentenceEnds = between.contains(0x2E) || between.contains(0x21) || between.contains(0x3F)
          if count > maximum, !sentenceEnds {
            run.add(Int(run.prose.offsets[last.start]), formatMessage(run.rule.message, [text]), text)
            count = 0
          }
        }
        previous = (unit.start, unit.end, text)
      }
    }
  }
}
