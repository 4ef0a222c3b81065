/// outreach's `subject`: a subject that says nothing specific, or none.
enum SubjectCheck: Check {
  static func check(_ run: inout CheckRun) {
    // (The rule's settings are bound only when the subject is missing: a
    // binding copies them all, a retain of each list, for every email.)
    guard run.document.hasHeaderBlock, run.rule.scopes.contains(where: { $0 == .subject || $0 == .text }) else { return }
    guard let header = run.subject else {
      guard case .subject(_, _, let missingMessage, _) = run.rule.kind else { return }
      run.add(0, missingMessage ?? formatMessage(run.rule.message, [""]), "")
      return
    }
    let normalized = SubjectText.normalize(header.value, loweredPrefixes: run.linter.subjectPrefixes[run.index] ?? [])
    var generic = normalized.isEmpty || run.linter.genericSubjects[run.index]?.contains(normalized) == true
    if !generic, let patterns = run.linter.subjectPatterns[run.index] {
      // Compiled only for a subject that holds one of its literals, or one
      // not in ASCII (RE2's case folding matches `ſ` to `s`, which lower
      // case does not).
      // `normalize` lowers, and lowered text lowers to itself
      // (`loweringIsIdempotent`): its bytes are read as they are.
      // `lowercased()` again, on a subject not in ASCII, had cost more
      // than the rest of reading its message.
      let lowered = Array(normalized.utf8)
      let possible = lowered.contains { $0 >= 0x80 } || patterns.mayMatch(lowered)
      generic = possible && patterns.regex.regex.regex?.matchesWhole(normalized) == true
    }
    if generic {
      run.add(header.valueOffset, formatMessage(run.rule.message, [header.value.trimmingSpaces]), header.value.trimmingSpaces)
    }
  }
}
