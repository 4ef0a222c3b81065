/// Vale's `occurrence`: too many (or too few) matches of a token, in the
/// whole email, or in each sentence or paragraph.
enum OccurrenceCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .occurrence(_, let maximum, let minimum) = run.rule.kind else { return }
    if run.rule.countPer != .email {
      // As Vale: counted in each sentence or paragraph; a finding at the
      // first match of a unit that holds too many.
      var units: [[(payload: Int, start: Int, end: Int)]] = []
      var lastKey: (block: Int, sentence: Int)? = nil
      for hit in run.hits {
        guard let block = run.prose.blockIndex(at: hit.start) else { continue }
        var sentence = 0
        if run.rule.countPer == .sentence {
          let range = run.prose.blocks[block].range
          var index = range.lowerBound
          while index < hit.start {
            let byte = run.prose.text[index]
            if byte == 0x2E || byte == 0x21 || byte == 0x3F, index + 1 >= range.upperBound || run.prose.text[index + 1] == 0x20 {
              sentence += 1
            }
            index += 1
          }
        }
        if let last = lastKey, last.block == block, last.sentence == sentence {
          units[units.count - 1].append(hit)
        } else {
          units.append([hit])
        }
        lastKey = (block, sentence)
      }
      for unit in units {
        if let maximum, unit.count > maximum {
          let text = run.matchText(unit[0].start, unit[0].end)
          let message = fillCounts(formatMessage(run.rule.message, [text]), ["count": unit.count, "max": maximum])
          run.findings.append((Int(run.prose.offsets[unit[0].start]), message, text))
        }
      }
      return
    }
    if let maximum, run.hits.count > maximum {
      let hit = run.hits[maximum]
      let text = run.matchText(hit.start, hit.end)
      let message = fillCounts(formatMessage(run.rule.message, [text]), ["count": run.hits.count, "max": maximum])
      run.findings.append((Int(run.prose.offsets[hit.start]), message, text))
    }
    if let minimum, run.hits.count < minimum, let block = run.prose.blocks.first(where: { run.rule.admits($0) }) {
      let message = fillCounts(run.rule.message, ["count": run.hits.count, "min": minimum])
      run.findings.append((Int(run.prose.offsets[block.range.lowerBound]), message, ""))
    }
  }
}
