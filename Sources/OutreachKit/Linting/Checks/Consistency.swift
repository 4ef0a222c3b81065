/// Vale's `consistency` (of each pair, the spelling used first wins; a
/// Vale style's rule reports as Vale does, see below) and
/// `conditional` (a term needs its definition somewhere in the email).
enum ConsistencyCheck: Check {
  static func check(_ run: inout CheckRun) {
    // Matches over the whole email, in order: (pattern, group, start, end).
    let patterns = run.linter.documentPatterns[run.index] ?? []
    var matches: [(pattern: Int, group: Int, start: Int, end: Int)] = []
    var limited = false
    var defining = false
    if case .conditional = run.rule.kind { defining = true }
    let blocks = run.prose.blocks
    let admitted = blocks.filter { run.rule.admits($0) }
    run.prose.text.withUnsafeBufferPointer { text in
      for (number, shared) in patterns.enumerated() {
        guard let regex = shared.regex.regex else { continue }
        // A conditional's `second`: every capture group that took part
        // (Vale's FindAllStringSubmatch); otherwise the pattern's group.
        let groups = defining && number == 1 ? Array(1...max(1, regex.groups)).map { -$0 } : [shared.group]
        // One search of the whole prose first: no match there means none
        // in any block; with every block read and no match taking in a
        // block break, these are the matches.
        if blocks.count > 1, regex.isLinear, run.linter.documentPatternsSearchWhole[run.index]?[number] == true,
          let first = blocks.first?.range.lowerBound,
          let last = blocks.last?.range.upperBound
        {
          let whole = Linter.wholeProseMatches(regex, in: text, from: first, to: last)
          if whole.matches.isEmpty { continue }
          if !whole.crosses, groups == [0], admitted.count == blocks.count {
            for (start, end) in whole.matches { matches.append((number, 0, start, end)) }
            continue
          }
        }
        for block in admitted {
          for (ordinal, group) in groups.enumerated() {
            let complete = regex.forEachMatch(in: UnsafeBufferPointer(rebasing: text[block.range]), group: group) {
              start, end in
              matches.append((number, ordinal, block.range.lowerBound + start, block.range.lowerBound + end))
            }
            if !complete { limited = true }
          }
        }
      }
    }
    // In text order; at one place, the first pattern and group first, as a
    // search a block at a time finds them.
    matches.sort { ($0.start, $0.pattern, $0.group) < ($1.start, $1.pattern, $1.group) }
    if limited { run.limited = true }
    let exceptions = run.linter.exceptionPatterns[run.index]?.regex.regex
    if case .consistency = run.rule.kind, run.rule.valeStyle {
      // A Vale style's rule, as Vale's `Consistency.Run` reports: block by
      // block, once both spellings of a pair have been seen in the file
      // (this block included), one finding a block, at its last match of
      // the pair, whichever spelling that is.
      var seen = Set<Int>()
      var index = 0
      while index < matches.count {
        guard let block = run.prose.blockIndex(at: matches[index].start) else {
          index += 1
          continue
        }
        var end = index
        while end < matches.count, run.prose.blockIndex(at: matches[end].start) == block { end += 1 }
        var last: [Int: (start: Int, end: Int)] = [:]
        for match in matches[index..<end] {
          seen.insert(match.pattern)
          last[match.pattern / 2] = (match.start, match.end)
        }
        for pair in last.keys.sorted() where seen.contains(2 * pair) && seen.contains(2 * pair + 1) {
          let (start, stop) = last[pair]!
          let text = run.matchText(start, stop)
          if ValeText.isExempt(exceptions, text) { continue }
          run.add(Int(run.prose.offsets[start]), formatMessage(run.rule.message, [text]), text)
        }
        index = end
      }
    } else if case .consistency = run.rule.kind {
      // Pair p holds patterns 2p and 2p+1; the one seen first wins.
      var chosen: [Int: Int] = [:]
      for match in matches {
        let pair = match.pattern / 2
        let winner = chosen[pair] ?? match.pattern
        chosen[pair] = winner
        guard match.pattern != winner else { continue }
        let text = run.matchText(match.start, match.end)
        if ValeText.isExempt(exceptions, text) { continue }
        run.add(Int(run.prose.offsets[match.start]), formatMessage(run.rule.message, [text]), text)
      }
    } else {
      // Terms `second` defines, then every use of `first` not defined.
      let defined = Set(matches.filter { $0.pattern == 1 }.map { run.matchText($0.start, $0.end) })
      for match in matches where match.pattern == 0 {
        let text = run.matchText(match.start, match.end)
        if defined.contains(text) || run.rule.exceptions.contains(text) { continue }
        run.add(Int(run.prose.offsets[match.start]), formatMessage(run.rule.message, [text]), text)
      }
    }
  }
}
