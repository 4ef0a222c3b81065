/// Vale's `substitution`: a match of a swap's left side is a finding that
/// suggests its right side, unless the text already is the replacement.
enum SubstitutionCheck: Check {
  /// Bytes that make a replacement a pattern, not text to put in, as a
  /// table read once a byte (a set hashed each one).
  static let isRegexSyntax: [Bool] = (0...255).map { "|\\^$*+?()[]{}".utf8.contains(UInt8($0)) }

  static func check(_ run: inout CheckRun) {
    guard case .substitution(let swap) = run.rule.kind else { return }
    if run.rule.rawScope {
      checkRaw(&run, swap: swap)
      return
    }
    for hit in run.hits {
      report(&run, swap: swap, entry: hit.payload, text: run.matchText(hit.start, hit.end), at: Int(run.prose.offsets[hit.start]))
    }
  }

  /// `scope: raw`: the swaps match the file as written (code spans with
  /// their backticks, link targets), leftmost first as Vale's one
  /// alternation of them does; a match inside an earlier one is not reported.
  static func checkRaw(_ run: inout CheckRun, swap: [(pattern: String, replacement: String)]) {
    guard let patterns = run.linter.documentPatterns[run.index] else { return }
    var matches: [(start: Int, end: Int, entry: Int)] = []
    var complete = true
    run.document.source.bytes.withUnsafeBufferPointer { bytes in
      for (entry, pattern) in patterns.enumerated() {
        let done = pattern.regex.regex?.forEachMatch(in: bytes) { start, end in
          if end > start { matches.append((start, end, entry)) }
        }
        if done == false { complete = false }
      }
    }
    if !complete { run.limited = true }
    matches.sort { ($0.start, $0.entry) < ($1.start, $1.entry) }
    var reachedEnd = 0
    for match in matches where match.start >= reachedEnd {
      reachedEnd = match.end
      let text = run.sourceText(match.start, match.end).trimmingSpaces
      guard !text.isEmpty else { continue }
      report(&run, swap: swap, entry: match.entry, text: text, at: match.start)
    }
  }

  static func report(
    _ run: inout CheckRun, swap: [(pattern: String, replacement: String)], entry: Int, text: String, at offset: Int
  ) {
    var expected = swap[entry].replacement
    var rewritten = false
    // As Vale's `subMsg`: `$1` in the replacement is the match's group 1.
    // (Its bytes read in place: the view's iterator took a thousand
    // instructions for a short replacement.)
    if expected.withUTF8Bytes({ $0.contains(UInt8(ascii: "$")) }) {
      expected = ValeText.expandGroups(
        expected, pattern: swap[entry].pattern, observed: text, ignorecase: run.rule.ignorecase)
      rewritten = true
    }
    if run.rule.capitalize, text == ValeText.capitalizedFirst(text) {
      expected = ValeText.capitalizedFirst(expected)
      rewritten = true
    }
    // Nothing to say when the text already is the replacement.
    let patterns = run.linter.replacementPatterns[run.index]
    let pattern = patterns?[entry] ?? nil
    // The replacement as the rule wrote it: the linter made its pattern
    // once, nil exactly when it is a phrase (`ValeText.tokenPattern`).
    let phrase = rewritten || patterns == nil ? nil : pattern == nil
    if ValeText.matchToken(expected: expected, observed: text, pattern: pattern, isPhrase: phrase) { return }
    var message = run.rule.message
    // One replacement is a safe fix; alternatives are the writer's call.
    // Another action (`suggest`, `edit`) means the swap is advice.
    if let fix = run.actionFix {
      run.fixes[run.findings.count] = fix
    } else if run.rule.actionName == nil || run.rule.actionName == "replace",
      !expected.utf8.contains(where: { Self.isRegexSyntax[Int($0)] })
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
    run.add(offset, formatMessage(message, [expected, text]), text)
  }
}
