import Foundation
import Testing

/// Public mail corpora (cpython's test_email data, GMime's tests/data,
/// notmuch's test/corpora, talon's fixtures, and Outlook .msg files from
/// Apache POI, Email::Outlook::Message and msg_parser; fetched by
/// .ci/corpus.sh from Debian and PyPI), each message read by `outreach
/// read` and by Python's email package (extract-msg for a .msg), the
/// independent reader: subjects and text agree, but for
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
    #expect(passed >= 400, "\(result.stdout)")
    // Outlook's .msg files are in it, read by extract-msg.
    let outlook = ["outlook-poi", "outlook-perl", "outlook-msg-parser"].flatMap {
      ((try? FileManager.default.contentsOfDirectory(atPath: corpus + "/" + $0)) ?? []).filter { $0.hasSuffix(".msg") }
    }
    #expect(outlook.count >= 40, "\(outlook.count) .msg files")
  }
}
