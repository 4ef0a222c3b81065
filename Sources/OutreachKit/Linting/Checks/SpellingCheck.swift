import Foundation

/// Vale's `spelling`: words the Hunspell dictionary does not know, less
/// `ignore` words, filters and exceptions (Vale's `internal/check/spelling.go`).
enum SpellingCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .spelling(_, _, let ignore, _) = run.rule.kind else { return }
    guard let checker = run.linter.spellCheckers[run.index], let speller = checker.checker else { return }
    let ignored = Set(ignore.map { $0.lowercased() })
    let filter = checker.filter?.regex
    for block in run.prose.blocks where run.rule.admits(block) {
      forEachWord(run.prose.text, in: block.range) { start, end in
        // Letters and apostrophes only: numbers, code and addresses
        // (opaque in prose) are not words to spell.
        let word = run.matchText(start, end).trimmingCharacters(in: CharacterSet.letters.inverted)
        // A hyphenated word is one word, as Vale reads it: its default
        // filters skip it, and with `custom: true` it is checked whole.
        guard !word.isEmpty, word.allSatisfy({ $0.isLetter || $0 == "'" || $0 == "\u{2019}" || $0 == "-" }) else {
          return
        }
        // Vale: a filter found anywhere in the word skips it.
        if ignored.contains(word.lowercased()) || filter?.isFound(in: word) == true { return }
        if checker.exceptions?.regex?.isFound(in: word) == true { return }
        if speller.isCorrect(word) { return }
        guard let range = run.prose.text[start..<end].firstRange(of: Array(word.utf8)) else { return }
        run.add(Int(run.prose.offsets[range.lowerBound]), formatMessage(run.rule.message, [word]), word)
      }
    }
  }
}
