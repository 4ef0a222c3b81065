import Foundation
import Testing

@testable import OutreachKit

/// The lint path's shortcuts, each held to the plain way it replaces.
@Suite struct LintPathTests {
  /// Random bytes drawn mostly from the ones the shortcuts look for.
  func randomBytes(_ count: Int, from alphabet: [UInt8], using generator: inout some RandomNumberGenerator) -> [UInt8] {
    (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
  }

  /// The word count's bound: never below `forEachWord`'s count, and equal
  /// to the plain count of runs between spaces, at every alignment.
  @Test func runCountBoundsTheWords() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x61, 0x5A, 0x2D, 0x5F, 0xE2, 0x80, 0x94, Prose.opaque, 0x21, 0x09]
    for _ in 0..<2000 {
      let bytes = randomBytes(Int.random(in: 0..<80, using: &generator), from: alphabet, using: &generator)
      let lower = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &generator)
      let range = lower..<Int.random(in: lower...bytes.count, using: &generator)
      var plain = 0
      var previousIsSpace = true
      for index in range {
        if bytes[index] != 0x20, previousIsSpace { plain += 1 }
        previousIsSpace = bytes[index] == 0x20
      }
      var words = 0
      forEachWord(bytes, in: range) { _, _ in words += 1 }
      let runs = bytes.withUnsafeBufferPointer { countRuns($0, in: range) }
      #expect(runs == plain, "\(bytes) \(range)")
      #expect(runs >= words, "\(bytes) \(range)")
    }
  }

  /// A body over the word limit is still found (the bound lets the count
  /// through), and one just under it is not.
  @Test func lengthRuleStillCounts() throws {
    let words = { (count: Int) in (0..<count).map { "word\($0)" }.joined(separator: " ") }
    let linter = Linter(rules: projectRules)
    let over = try linter.lint(path: "over.md", bytes: Array("Subject: Your flags are stale\n\n\(words(126))\n".utf8))
    let under = try linter.lint(path: "under.md", bytes: Array("Subject: Your flags are stale\n\n\(words(125))\n".utf8))
    #expect(over.findings.contains { $0.rule == "too-long" })
    #expect(!under.findings.contains { $0.rule == "too-long" })
  }

  /// The address scan's skip finds the same first byte as a byte-at-a-time
  /// search, from every start.
  @Test func addressByteSkipMatchesTheByteSearch() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x61, 0x62, 0x20, 0x3A, 0x40, 0x77, 0x57, 0x37, 0x17, 0x60, 0x5A, 0xF7, 0xD7, 0x2E]
    for _ in 0..<2000 {
      let bytes = randomBytes(Int.random(in: 0..<40, using: &generator), from: alphabet, using: &generator)
      let start = Int.random(in: 0...bytes.count, using: &generator)
      let end = Int.random(in: start...bytes.count, using: &generator)
      let plain = (start..<end).first { [0x3A, 0x40, 0x77, 0x57].contains(bytes[$0]) } ?? end
      let skipped = bytes.withUnsafeBufferPointer { ProseWriter.nextAddressByte($0, from: start, end: end) }
      #expect(skipped == plain, "\(bytes) \(start)..<\(end)")
    }
  }

  @Test func memchrHelpersMatchTheStandardLibrary() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<500 {
      let bytes = randomBytes(Int.random(in: 0..<30, using: &generator), from: [0x0D, 0x0A, 0x3E, 0x61], using: &generator)
      let lower = Int.random(in: 0...bytes.count, using: &generator)
      let range = lower..<Int.random(in: lower...bytes.count, using: &generator)
      for byte: UInt8 in [0x0D, 0x3E, 0x00] {
        #expect(bytes.holdsByte(byte, in: range) == bytes[range].contains(byte))
        #expect(bytes.holdsByte(byte) == bytes.contains(byte))
      }
    }
    var zeros: [UInt8] = [1, 2]
    zeros.appendZeros(10_000)
    #expect(zeros == [1, 2] + [UInt8](repeating: 0, count: 10_000))
    var offsets: [Int32] = [7]
    offsets.appendZeros(4097)
    #expect(offsets == [7] + [Int32](repeating: 0, count: 4097))
    #expect([Int](filling: 3, count: 5) == [Int](repeating: 3, count: 5))
    #expect([Bool](filling: true, count: 0).isEmpty)
  }

  /// A remembered message is the one formatting gives, for the same
  /// template and values, whatever other templates share its length.
  @Test func rememberedMessagesAreTheFormattedOnes() {
    let templates = ["Avoid '%s'.", "Avoid '%s'!", "Use '%s' not '%[1]s'", "%s%s", "No values"]
    let values = [["a"], ["b"], ["a", "b"], ["é"], [""], []]
    for _ in 0..<3 {
      for template in templates {
        for value in values {
          #expect(formatMessage(template, value) == formatMessageOnce(template, value))
        }
      }
    }
  }

  /// Files found by name in their folder (`openat`) read as by their whole
  /// path, one folder opened once for many files; a file with no folder,
  /// and folders past the limit, go by their whole path.
  @Test func foldersOpenEachFolderOnce() throws {
    let root = makeTemporaryFolder("folders")
    for name in ["a", "b", "c"] {
      try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
    }
    let files = [
      root + "/a/1.md", root + "/a/2.md", root + "/b/1.md", root + "/a/3.md", root + "/c/1.md", "/etc/hostname", "x.md",
      root + "/missing/1.md",
    ]
    for file in files.prefix(5) { try "Subject: \(file)\n\nHi.\n".write(toFile: file, atomically: false, encoding: .utf8) }
    let folders = Folders(files, limit: 2)
    let places = folders.places
    #expect(places.count == files.count)
    // a and b opened; a again for 2.md and 3.md; c past the limit.
    #expect(places[0].descriptor >= 0 && places[0].descriptor == places[1].descriptor)
    #expect(places[3].descriptor == places[0].descriptor)
    #expect(places[2].descriptor >= 0 && places[2].descriptor != places[0].descriptor)
    #expect(places[4].descriptor == AT_FDCWD && places[4].nameOffset == 0)
    #expect(places[6].descriptor == AT_FDCWD && places[6].nameOffset == 0)
    #expect(places[7].descriptor == AT_FDCWD)
    for index in 0..<5 {
      let byName = try TextFile.read(path: files[index], in: places[index], limit: 1000, validate: true)
      #expect(byName == (try TextFile.read(path: files[index])))
    }
    // A missing file is reported by its whole path, as before.
    #expect(throws: OutreachError.self) { try TextFile.read(path: root + "/a/none.md", in: places[0], limit: 10, validate: true) }
    do {
      _ = try TextFile.read(path: root + "/a/none.md", in: places[0], limit: 10, validate: true)
    } catch {
      #expect("\(error)".contains(root + "/a/none.md"))
    }
  }

  /// Linting many folders' files at once gives what linting each alone does.
  @Test func lintAcrossFoldersMatchesOneByOne() throws {
    let root = makeTemporaryFolder("folders-lint")
    var paths: [String] = []
    for folder in 0..<5 {
      try FileManager.default.createDirectory(atPath: root + "/f\(folder)", withIntermediateDirectories: true)
      for file in 0..<3 {
        let path = root + "/f\(folder)/\(file).md"
        try "Subject: Checking in\n\nHi,\n\nJust checking in \u{2014} any thoughts?\n".write(
          toFile: path, atomically: false, encoding: .utf8)
        paths.append(path)
      }
    }
    let linter = Linter(rules: projectRules)
    let together = linter.lint(paths: [root])
    var alone: [Finding] = []
    for path in paths { alone += try linter.lintFile(path: path).findings }
    #expect(together.errors.isEmpty)
    #expect(together.filesLinted == paths.count)
    #expect(together.findings == alone)
    #expect(!alone.isEmpty)
  }
}
