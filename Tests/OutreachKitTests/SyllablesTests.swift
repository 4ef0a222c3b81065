import Foundation
import Testing

@testable import OutreachKit

/// Syllables as Vale's readability counts them, held to the cases of the
/// package Vale takes them from: github.com/jdkato/twine at 7c384cd,
/// `testdata/syllables.json` (MIT, `Fixtures/twine/LICENSE`), which its own
/// `TestSyllables` requires to be exact.
struct SyllablesTests {
  @Test func twinesOwnCasesAllAgree() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/twine/syllables.json"))
    let cases = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
    #expect(cases.count == 4383)
    let wrong = cases.filter { Syllables.count($0.key) != $0.value }.sorted { $0.key < $1.key }
    #expect(wrong.isEmpty, "\(wrong.prefix(20).map { "\($0.key): \(Syllables.count($0.key)), not \($0.value)" })")
  }

  @Test func shortWordsAndExceptions() {
    #expect(Syllables.count("") == 0)
    #expect(Syllables.count("an") == 1)
    #expect(Syllables.count("people") == 2)
    #expect(Syllables.count("Readability") == 5)
  }
}

/// Sentences as Vale's readability counts them: paragraph by paragraph
/// (each with a word is at least one sentence), and an abbreviation with
/// periods inside (`i.e.`) ends none before a word in lower case.
struct SentenceCountTests {
  @Test func paragraphsAndAbbreviations() {
    #expect(Readability("A test (i.e. a small one) ends.\n\nNo stop here").sentences == 2)
    #expect(Readability("It was at 5 p.m. The next day came.").sentences == 2)
    #expect(Readability("One.\n\nTwo! Three?").sentences == 3)
  }

  /// Vale's own fixture (`testdata/fixtures/styles/demo/test.md`): 364
  /// words, 568 syllables and 33 sentences give its Flesch-Kincaid grade,
  /// 7.13, which Vale's `Lint against demo` scenario expects.
  @Test func fleschKincaidAsValeScoresIt() {
    let counts = Readability(String(repeating: "word ", count: 0))
    #expect(counts.sentences == 1)
    var demo = Readability("")
    demo.words = 364
    demo.syllables = 568
    demo.sentences = 33
    #expect(String(format: "%.2f", demo.grade(["Flesch-Kincaid"])) == "7.13")
  }
}

/// A replacement pattern is compiled only for text that starts with its
/// literal start (a whole match must).
struct LiteralPrefixTests {
  @Test func aWholeMatchStartsWithThePatternsLiteralStart() {
    let ask = #"(?:ask "Want to take a look together?")"#
    #expect(!ValeText.startsWithLiteralPrefix("circling back", of: ask, ignorecase: true))
    #expect(ValeText.startsWithLiteralPrefix(#"ask "Want to take a look togethe"#, of: ask, ignorecase: false))
    #expect(ValeText.startsWithLiteralPrefix(#"ASK "want to take a look together"#, of: ask, ignorecase: true))
    #expect(!ValeText.startsWithLiteralPrefix(#"ASK "want"#, of: ask, ignorecase: false))
    // RE2 folds the Kelvin sign to `k`: such text goes to the pattern.
    #expect(ValeText.startsWithLiteralPrefix("\u{212A}eep", of: "(?:keep it?)", ignorecase: true))
    #expect(RE2Regex.Lazy("(?:keep it?)", ignorecase: true).regex?.matchesWhole("\u{212A}eep it") == true)
    // `s?` makes the `s` optional; an alternation or a leading class
    // says nothing.
    #expect(ValeText.startsWithLiteralPrefix("meetup", of: "(?:meetups?)", ignorecase: false))
    #expect(!ValeText.startsWithLiteralPrefix("meetu", of: "(?:meetups?)", ignorecase: false))
    #expect(ValeText.startsWithLiteralPrefix("b", of: "(?:a|b)", ignorecase: false))
    #expect(ValeText.startsWithLiteralPrefix("x", of: "(?:[a-z]+)", ignorecase: false))
    for (text, pattern) in [("use", "(?:use|utilize)"), ("Meet-up", "(?:[Mm]eet-?ups?)"), ("on-call", "(?:on-?call)")] {
      let lazy = RE2Regex.Lazy(pattern)
      #expect(ValeText.startsWithLiteralPrefix(text, of: pattern, ignorecase: false) || lazy.regex?.matchesWhole(text) == false)
    }
  }
}
