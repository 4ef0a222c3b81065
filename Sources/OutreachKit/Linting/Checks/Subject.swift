/// outreach's `subject`: a subject that says nothing specific, or none.
enum SubjectCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .subject(_, _, let missingMessage, _) = run.rule.kind else { return }
    guard run.document.hasHeaderBlock, run.rule.scopes.contains(where: { $0 == .subject || $0 == .text }) else { return }
    guard let header = run.document.subject else {
      run.add(0, missingMessage ?? formatMessage(run.rule.message, [""]), "")
      return
    }
    let normalized = SubjectText.normalize(header.value, loweredPrefixes: run.linter.subjectPrefixes[run.index] ?? [])
    let patternMatch = run.linter.subjectPatterns[run.index].map { $0.regex.regex?.matchesWhole(normalized) ?? false }
    if normalized.isEmpty || run.linter.genericSubjects[run.index]?.contains(normalized) == true || patternMatch == true {
      run.add(header.valueOffset, formatMessage(run.rule.message, [header.value.trimmingSpaces]), header.value.trimmingSpaces)
    }
  }
}
