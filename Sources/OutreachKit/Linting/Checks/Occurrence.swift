/// Vale's `occurrence`: too many (or too few) matches of a token, in the
/// whole email, or in each sentence or paragraph.
enum OccurrenceCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .occurrence(_, let maximum, let minimum) = run.rule.kind else { return }
    if run.rule.rawScope {
      // `scope: raw`: counted in the file as written; offsets are the file's.
      var matches: [Hit] = []
      let complete = run.document.source.bytes.withUnsafeBufferPointer { bytes in
        run.linter.documentPatterns[run.index]?.first?.regex.regex?.forEachMatch(in: bytes) { start, end in
          matches.append(Hit(payload: 0, start: start, end: end))
        }
      }
      if complete == false { run.limited = true }
      // As Vale's occurrence.go: one finding, at the first match (at the
      // first line when there is none), `%s` the count.
      let tooMany = maximum.map { matches.count > $0 } ?? false
      let tooFew = minimum.map { matches.count < $0 } ?? false
      guard tooMany || tooFew else { return }
      let first = matches.first { hit in
        !String(decoding: run.document.source.bytes[hit.start..<hit.end], as: UTF8.self).trimmingSpaces.isEmpty
      }
      let text = first.map { String(decoding: run.document.source.bytes[$0.start..<$0.end], as: UTF8.self) } ?? ""
      let counts = ["count": matches.count, "max": maximum ?? 0, "min": minimum ?? 0]
      run.add(first?.start ?? 0, fillCounts(formatMessage(run.rule.message, [String(matches.count)]), counts), text)
      return
    }
    if run.rule.countPer == .block {
      // As Vale's occurrence.go, block by block: one finding a block that
      // breaks the rule, at its first match that is not code (at the
      // block's start when it has none), `%s` the count.
      var byBlock: [Int: [Hit]] = [:]
      for hit in run.hits {
        if let block = run.prose.blockIndex(at: hit.start) { byBlock[block, default: []].append(hit) }
      }
      // Vale reads a code span as a `*` for each of its characters: where
      // the token matches one `*`, a code span counts that many times.
      func weight(_ hit: Hit) -> Int {
        guard hit.end == hit.start + 1, let width = run.prose.codeWidths[hit.start],
          run.linter.countsCodeCharacters[run.index]?.value == true
        else { return 1 }
        return width
      }
      for (blockIndex, block) in run.prose.blocks.enumerated() where run.rule.admits(block) {
        let hits = byBlock[blockIndex] ?? []
        let count = hits.reduce(0) { $0 + weight($1) }
        let tooMany = maximum.map { count > $0 } ?? false
        let tooFew = minimum.map { count < $0 } ?? false
        guard tooMany || tooFew else { continue }
        let first = hits.first { hit in
          !run.prose.text[hit.start..<hit.end].contains(Prose.opaque) && !run.matchText(hit.start, hit.end).isEmpty
        }
        let offset = Int(run.prose.offsets[first?.start ?? block.range.lowerBound])
        let text = first.map { run.matchText($0.start, $0.end) } ?? ""
        let counts = ["count": count, "max": maximum ?? 0, "min": minimum ?? 0]
        run.add(offset, fillCounts(formatMessage(run.rule.message, [String(count)]), counts), text)
      }
      return
    }
    if run.linter.wordCountRules.contains(run.index), let maximum {
      // A run of word characters as the token: the words of each sentence
      // or paragraph the rule admits, counted here (RE2's `\w`, ASCII),
      // the same units and first matches as below without gathering them.
      // Units that hold too many: the first word's range, and the count.
      var over: [UnitCount] = []
      run.prose.text.withUnsafeBufferPointer { text in
        RE2Regex.withWordTable { isWord in
          for block in run.prose.blocks where run.rule.admits(block) {
            let units = run.rule.countPer == .sentence ? Linter.sentences(text, in: block.range) : [block.range]
            for unit in units {
              var count = 0
              var first: Range<Int>? = nil
              var index = unit.lowerBound
              while index < unit.upperBound {
                guard isWord[Int(text[index])] else {
                  index += 1
                  continue
                }
                let start = index
                while index < unit.upperBound, isWord[Int(text[index])] { index += 1 }
                count += 1
                if first == nil { first = start..<index }
              }
              if count > maximum, let first { over.append(UnitCount(first: first, count: count)) }
            }
          }
        }
      }
      for unit in over {
        let text = run.matchText(unit.first.lowerBound, unit.first.upperBound)
        let message = fillCounts(formatMessage(run.rule.message, [text]), ["count": unit.count, "max": maximum])
        run.add(Int(run.prose.offsets[unit.first.lowerBound]), message, text)
      }
      return
    }
    if run.rule.countPer != .email {
      // As Vale: counted in each sentence or paragraph; a finding at the
      // first match of a unit that holds too many.
      // Each unit's first hit and count (a sentence can hold hundreds); a
      // struct, not a tuple, whose array type would be looked up at run time.
      var units: [UnitCount] = []
      var lastKey: (block: Int, sentence: Int)? = nil
      // Each block's sentences cut once (as the matcher cuts them for a
      // sentence-scoped rule); a hit's sentence found by binary search.
      var cut: (block: Int, ends: [Int]) = (-1, [])
      for hit in run.hits {
        guard let block = run.prose.blockIndex(at: hit.start) else { continue }
        var sentence = 0
        if run.rule.countPer == .sentence {
          if cut.block != block {
            let ends = run.prose.text.withUnsafeBufferPointer {
              Linter.sentences($0, in: run.prose.blocks[block].range).map(\.upperBound)
            }
            cut = (block, ends)
          }
          // The sentences that end at or before the hit.
          var (low, high) = (0, cut.ends.count)
          while low < high {
            let middle = (low + high) / 2
            if cut.ends[middle] <= hit.start { low = middle + 1 } else { high = middle }
          }
          sentence = low
        }
        if let last = lastKey, last.block == block, last.sentence == sentence {
          units[units.count - 1].count += 1
        } else {
          units.append(UnitCount(first: hit.start..<hit.end, count: 1))
        }
        lastKey = (block, sentence)
      }
      for unit in units {
        if let maximum, unit.count > maximum {
          let text = run.matchText(unit.first.lowerBound, unit.first.upperBound)
          let message = fillCounts(formatMessage(run.rule.message, [text]), ["count": unit.count, "max": maximum])
          run.add(Int(run.prose.offsets[unit.first.lowerBound]), message, text)
        }
      }
      return
    }
    if let maximum, run.hits.count > maximum {
      let hit = run.hits[maximum]
      let text = run.matchText(hit.start, hit.end)
      let message = fillCounts(formatMessage(run.rule.message, [text]), ["count": run.hits.count, "max": maximum])
      run.add(Int(run.prose.offsets[hit.start]), message, text)
    }
    if let minimum, run.hits.count < minimum, let block = run.prose.blocks.first(where: { run.rule.admits($0) }) {
      let message = fillCounts(run.rule.message, ["count": run.hits.count, "min": minimum])
      run.add(Int(run.prose.offsets[block.range.lowerBound]), message, "")
    }
  }
}

/// A sentence's or paragraph's first match (its prose range) and how many
/// it holds.
struct UnitCount {
  var first: Range<Int>
  var count: Int
}
