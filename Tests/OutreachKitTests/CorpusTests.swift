import Foundation
import Testing

/// Public mail corpora (cpython's test_email data, GMime's tests/data,
/// notmuch's test/corpora, talon's fixtures; fetched by .ci/corpus.sh from
/// Debian and PyPI), each message read by `outreach read` and by Python's
/// email package, the independent reader: subjects and text agree, but for
/// the differences Tests/Corpus/known-differences.txt explains, and `lint`
/// refuses only what Python finds no subject and no body in.
@Suite struct CorpusTests {
  @Test func outreachReadsThePublicCorporaAsPythonDoes() throws {
    let corpus = packageRoot + "/.build/corpus"
    #expect(
      FileManager.default.fileExists(atPath: corpus + "/.complete"),
      "the corpus is missing: run sh .ci/corpus.sh (make test does)")
    guard FileManager.default.fileExists(atPath: corpus + "/.complete") else { return }
    let result = try runProcess("python3", [packageRoot + "/Tests/Corpus/compare.py", outreachBinary, corpus])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.hasSuffix(" 0 failed\n"), "\(result.stdout)")
    let passed = result.stdout.split(separator: "\n").last.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
    #expect(passed >= 300, "\(result.stdout)")
  }
}
