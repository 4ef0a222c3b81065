/// Vale's `existence`: each match of a token is a finding; with
/// `scope: raw`, matches in the file as written (code and link targets too).
enum ExistenceCheck: Check {
  static func check(_ run: inout CheckRun) {
    if run.rule.rawScope {
      // The file as written: offsets are the source's own.
      let exceptions = run.linter.exceptionPatterns[run.index]?.regex.regex
      let complete = run.document.source.bytes.withUnsafeBufferPointer { bytes in
        run.linter.documentPatterns[run.index]?.first?.regex.regex?.forEachMatch(in: bytes) { start, end in
          let text = run.sourceText(start, end)
          guard !text.trimmingSpaces.isEmpty, !ValeText.isExempt(exceptions, text) else { return }
          if let fix = run.actionFix { run.fixes[run.findings.count] = fix }
          run.add(start, formatMessage(run.rule.message, [text]), text)
        }
      }
      if complete == false { run.limited = true }
      return
    }
    for hit in run.hits {
      let text = run.matchText(hit.start, hit.end)
      if let fix = run.actionFix { run.fixes[run.findings.count] = fix }
      run.add(Int(run.prose.offsets[hit.start]), formatMessage(run.rule.message, [run.shownText(hit.start, hit.end)]), text)
    }
  }
}
