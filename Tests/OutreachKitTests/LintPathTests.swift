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

/// The orderings and the subject's normal form, held to the plain ways.
@Suite struct LintPathOrderTests {
  /// Sorting by index and swaps gives what a stable sort of the findings
  /// themselves gives, ties (same line, column and rule) kept in order.
  @Test func findingsSortInPlaceIsTheStableSort() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<500 {
      let findings = (0..<Int.random(in: 0..<40, using: &generator)).map { number in
        Finding(
          path: "a.md", line: Int.random(in: 1...4, using: &generator), column: Int.random(in: 1...3, using: &generator),
          rule: ["b", "a", "c"].randomElement(using: &generator)!, severity: .error, message: "\(number)", match: "")
      }
      var sorted = findings
      Linter.sortInPlace(&sorted)
      let expected = findings.enumerated().sorted {
        ($0.element.line, $0.element.column, $0.element.rule, $0.offset)
          < ($1.element.line, $1.element.column, $1.element.rule, $1.offset)
      }.map(\.element)
      #expect(sorted == expected)
    }
  }

  /// `Reporters.ordered` keeps findings in file order, and puts a file's
  /// findings back together when they come apart.
  @Test func orderedFindsAPathThatComesBack() {
    func finding(_ path: String, _ line: Int) -> Finding {
      Finding(path: path, line: line, column: 1, rule: "r", severity: .error, message: "", match: "")
    }
    let inOrder = [finding("a", 1), finding("a", 2), finding("b", 1), finding("c", 1)]
    #expect(Reporters.ordered(inOrder) == inOrder)
    let apart = [finding("a", 1), finding("b", 1), finding("a", 2)]
    #expect(Reporters.ordered(apart).map(\.path) == ["a", "a", "b"])
    let backwards = [finding("a", 2), finding("a", 1)]
    #expect(Reporters.ordered(backwards).map(\.line) == [1, 2])
  }

  /// The subject's normal form as the plain way makes it: lowered as a
  /// string, spaces folded, prefixes and tags dropped, closing punctuation
  /// and emoji taken off as characters.
  @Test func subjectNormalFormMatchesThePlainWay() {
    let prefixes = ["re:", "fwd:", "aw:"]
    let lowered = SubjectText.lower(prefixes)
    let pieces = [
      "Re:", "FWD:", "[EXTERNAL]", "Checking", "in", "Quick", "QUESTION", "\u{2019}s", "É", "ß", "İ", "👋", "!", "?", ".",
      "…", ":", "-", " ", "\t", "\r", "❤️", "日本", "Ω", "ǅ", "re", "[x]", "…!",
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<3000 {
      let subject = (0..<Int.random(in: 0..<7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
        .joined(separator: Bool.random(using: &generator) ? " " : "")
      #expect(SubjectText.normalize(subject, loweredPrefixes: lowered) == plainNormalize(subject, prefixes: lowered))
    }
  }

  /// The normal form by strings and characters.
  func plainNormalize(_ subject: String, prefixes: [[UInt8]]) -> String {
    let lowered = Array(subject.lowercased().utf8)
    var text: [UInt8] = []
    var pendingSpace = false
    var index = 0
    while index < lowered.count {
      let byte = lowered[index]
      index += 1
      if byte == 0x20 || byte == 0x09 || byte == 0x0D {
        pendingSpace = !text.isEmpty
        continue
      }
      if pendingSpace {
        text.append(0x20)
        pendingSpace = false
      }
      if byte == 0xE2, index + 1 < lowered.count, lowered[index] == 0x80, lowered[index + 1] == 0x99 {
        text.append(0x27)
        index += 2
      } else {
        text.append(byte)
      }
    }
    var start = 0
    var changed = true
    while changed {
      changed = false
      for prefix in prefixes where text.count - start >= prefix.count && Array(text[start..<(start + prefix.count)]) == prefix {
        start += prefix.count
        while start < text.count, text[start] == 0x20 { start += 1 }
        changed = true
      }
      if start < text.count, text[start] == 0x5B {
        var close = start + 1
        var characters = 1
        while close < text.count, text[close] != 0x5D, characters < 42 {
          if text[close] & 0xC0 != 0x80 { characters += 1 }
          close += 1
        }
        if close < text.count, text[close] == 0x5D, close + 1 < text.count {
          start = close + 1
          while start < text.count, text[start] == 0x20 { start += 1 }
          changed = true
        }
      }
    }
    var result = String(decoding: text[start...], as: UTF8.self)
    let closing: Set<UInt32> = [0x2E, 0x21, 0x3F, 0x2026, 0x3A, 0x3B, 0x2C, 0x2D, 0x20]
    while let last = result.last,
      last.unicodeScalars.count == 1 && closing.contains(last.unicodeScalars.first!.value)
        || last.unicodeScalars.contains(where: { !$0.isASCII && ($0.properties.isEmojiPresentation || $0.value == 0xFE0F) })
    {
      result.removeLast()
    }
    return result
  }
}

/// The position cursor, eight bytes at a time, against a count by
/// characters.
@Suite struct CursorTests {
  @Test func cursorCountsCharactersLikeTheLine() {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "b ", "é", "日本", "👩‍💻", "\n", "x\r\n", "—", "long words here "]
    for _ in 0..<200 {
      let text = (0..<Int.random(in: 1..<60, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
        .joined()
      let source = SourceText(path: "t.md", text: text)
      let bytes = Array(text.utf8)
      // Offsets that start a scalar, in a random order (the cursor goes
      // back as well as forward, as findings of several rules do).
      var offsets = bytes.indices.filter { bytes[$0] & 0xC0 != 0x80 }
      offsets.shuffle(using: &generator)
      let cursor = SourceText.Cursor(source)
      for offset in offsets.prefix(30) {
        let before = bytes[..<offset]
        let line = before.filter { $0 == 0x0A }.count + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count + 1
        let position = cursor.position(of: offset)
        #expect(position.line == line && position.column == column, "\(text.debugDescription) at \(offset)")
      }
    }
  }
}

/// A file's findings are kept until the report: their array holds no more
/// room than doubling gives (room for eight a file was 17 MB on ten
/// thousand emails).
@Suite struct FindingMemoryTests {
  @Test func findingsHoldLittleSpareRoom() {
    let linter = Linter(rules: projectRules)
    let text = "Subject: Checking in\n\nHi,\n\nJust circling back \u{2014} any thoughts?\n"
    let (findings, _) = linter.lintDocument(EmailDocument(path: "t.md", text: text))
    #expect(findings.count >= 2)
    #expect(findings.capacity <= 2 * findings.count, "\(findings.count) findings, room for \(findings.capacity)")
  }
}

/// The report's assembly: findings moved from each file's result, files
/// handed out in runs, and the generic-subject lookup's length filter.
@Suite struct ReportAssemblyTests {
  /// Moving the parts into one array gives the parts in order, and leaves
  /// each part holding only the filler.
  @Test func joiningMovedIsTheJoinedArray() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      // Strings long enough to live on the heap: a wrong move would free
      // one twice or lose one.
      var parts = (0..<Int.random(in: 0..<6, using: &generator)).map { part in
        (0..<Int.random(in: 0..<5, using: &generator)).map { "part \(part) item \($0) \(String(repeating: "x", count: 20))" }
      }
      let expected = parts.flatMap { $0 }
      let counts = parts.map(\.count)
      let joined = [String].joiningMoved(&parts, filler: "")
      #expect(joined == expected)
      #expect(parts.map(\.count) == counts)
      #expect(parts.allSatisfy { $0.allSatisfy(\.isEmpty) })
    }
    // A part that another array shares is copied, not taken from it.
    let shared = ["kept \(String(repeating: "y", count: 20))"]
    var parts = [shared, shared]
    #expect([String].joiningMoved(&parts, filler: "") == shared + shared)
    #expect(shared == ["kept \(String(repeating: "y", count: 20))"])
  }

  /// Runs of up to 16 files, and at least eight runs a core.
  @Test func chunksGiveEveryCoreWork() {
    #expect(Linter.chunkSize(files: 20, cores: 2) == 1)
    #expect(Linter.chunkSize(files: 0, cores: 2) == 1)
    #expect(Linter.chunkSize(files: 10_000, cores: 2) == 16)
    #expect(Linter.chunkSize(files: 160, cores: 2) == 10)
    #expect(Linter.chunkSize(files: 100, cores: 0) == 12)
    for files in 0..<500 {
      for cores in 1...8 {
        let chunk = Linter.chunkSize(files: files, cores: cores)
        #expect((1...16).contains(chunk))
        if chunk > 1 { #expect(files / chunk >= cores * 8) }
      }
    }
  }

  /// Hundreds of files, some unreadable, linted in runs: the findings and
  /// errors come in file order, as linting each file alone gives them.
  @Test func manyFilesInRunsMatchOneByOne() throws {
    let root = makeTemporaryFolder("runs-lint")
    var paths: [String] = []
    for index in 0..<300 {
      let name = String(format: "%03d", index)
      if index % 37 == 5 {
        // An empty message: an error, in its place.
        let path = root + "/\(name).eml"
        try Data().write(to: URL(fileURLWithPath: path))
        paths.append(path)
        continue
      }
      let path = root + "/\(name).md"
      let body = index % 3 == 0 ? "Thanks for the call." : "Just checking in \u{2014} any thoughts on #\(index)?"
      try "Subject: Plan for \(index)\n\nHi,\n\n\(body)\n".write(toFile: path, atomically: false, encoding: .utf8)
      paths.append(path)
    }
    let linter = Linter(rules: projectRules)
    let together = linter.lint(paths: [root])
    var alone: [Finding] = []
    var errors: [String] = []
    for path in paths {
      do { alone += try linter.lintFile(path: path).findings } catch let error as OutreachError { errors.append("\(error)") }
    }
    #expect(together.filesLinted == paths.count - errors.count)
    #expect(together.errors.map { "\($0)" } == errors)
    #expect(!errors.isEmpty)
    #expect(together.findings == alone)
    #expect(alone.count > 150)
  }

  /// The length filter answers as the set does, for ASCII subjects, for
  /// subjects not in ASCII (U+037E is `;` as Unicode text), and for lists
  /// that are not all ASCII or short.
  @Test func genericSubjectsAnswerAsTheSet() {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["checking in", "quick question", ";", "\u{037E}", "k", "\u{212A}", "e\u{301}", "\u{E9}", " ", "x"]
    let lists: [[String]] = [
      ["checking in", "quick question", "checking in;", "hi"],
      ["checking in", "caf\u{E9}", "checking in\u{037E}"],
      ["checking in", String(repeating: "long ", count: 14)],
      [],
    ]
    for list in lists {
      let generic = GenericSubjects(list)
      let set = Set(list)
      for subject in list { #expect(generic.contains(subject)) }
      for _ in 0..<3000 {
        let subject = (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
          pieces.randomElement(using: &generator)!
        }.joined()
        #expect(generic.contains(subject) == set.contains(subject), "\(list) \(subject.unicodeScalars.map(\.value))")
      }
    }
    #expect(GenericSubjects(["checking in"]).asciiLengths == 1 << 11)
    #expect(GenericSubjects(["caf\u{E9}"]).asciiLengths == nil)
    #expect(GenericSubjects(["checking in;"]).contains("checking in\u{037E}"))
  }
}

/// A part written as it decodes is aligned without a search: the same
/// offsets as the search gives.
@Suite struct AlignmentTests {
  @Test func bytesAsWrittenAlignAsTheSearchDoes() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x61, 0x62, 0x3D, 0x0A, 0x0D, 0x20, 0xC3, 0xA9, 0x33, 0x44]
    for _ in 0..<3000 {
      let raw = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
      // The raw bytes themselves, a prefix of them, or changed ones.
      var decoded = Array(raw.prefix(Int.random(in: 0...raw.count, using: &generator)))
      if !decoded.isEmpty, Bool.random(using: &generator) {
        decoded[Int.random(in: 0..<decoded.count, using: &generator)] = alphabet.randomElement(using: &generator)!
      }
      let base = Int.random(in: 0..<100, using: &generator)
      for quoted in [false, true] {
        let searched = raw.withUnsafeBufferPointer {
          Alignment.search(decoded: decoded, raw: $0, base: base, quotedPrintable: quoted)
        }
        #expect(Alignment.align(decoded: decoded, raw: raw, base: base, quotedPrintable: quoted) == searched)
      }
    }
  }
}

/// A part's transfer encoding undone on the bytes in hand gives what
/// GMime's streams and filter give, for well-formed and broken content.
@Suite struct DecodeInPlaceTests {
  @Test func decodingInPlaceMatchesGMimeStreams() throws {
    try #require(GMime.available)
    var generator = SystemRandomNumberGenerator()
    let text = Array("Hi Dana, just checking in \u{2014} caf\u{E9} = 100% sure?\n".utf8)
    let quotedAlphabet = Array("ab =\n\r=3D=E2=80=94=zz=4=\t.".utf8)
    let base64Alphabet = Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=+/\n\r !*".utf8)
    for round in 0..<3000 {
      let name = ["base64", "quoted-printable", "7bit", "8bit", "binary"][round % 5]
      var bytes: [UInt8]
      if name == "base64", round % 2 == 0 {
        // Real base64 of random text, in lines, sometimes cut short.
        let plain = (0..<Int.random(in: 0..<120, using: &generator)).map { _ in text.randomElement(using: &generator)! }
        let encoded = Data(plain).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        bytes = Array(encoded.utf8.prefix(Int.random(in: 0...encoded.utf8.count, using: &generator)))
      } else {
        let alphabet = name == "base64" ? base64Alphabet : name == "quoted-printable" ? quotedAlphabet : text
        bytes = (0..<Int.random(in: 1..<200, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
      }
      let (inPlace, streams) = GMime.decodedBothWays(bytes, transferEncoding: name)
      #expect(inPlace != nil && inPlace == streams, "\(name): \(String(decoding: bytes, as: UTF8.self))")
    }
    // Another encoding goes through the streams.
    #expect(GMime.decodedBothWays(Array("begin 644 x\n`\nend\n".utf8), transferEncoding: "uuencode").inPlace == nil)
  }
}

/// An unchanged copy of a built-in rule file (or of `_mail.yml`) in a
/// `Rules/` folder is read as the built-in one; a changed one is parsed.
@Suite struct BuiltInCopyTests {
  @Test func copiesOfBuiltInFilesAreKnown() throws {
    let folder = packageRoot + "/Rules"
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".yml") {
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
      var changed = bytes
      changed.append(contentsOf: Array("\n# changed\n".utf8))
      if name.hasPrefix("_") {
        #expect(MailSettings.isBuiltInText(bytes) == (name == "_mail.yml"))
        #expect(!MailSettings.isBuiltInText(changed))
      } else {
        #expect(EmbeddedNode.builtInRule(matching: bytes, file: name) != nil, "\(name)")
        #expect(EmbeddedNode.builtInRule(matching: changed, file: name) == nil, "\(name)")
      }
    }
  }

  /// The project's rules read as copies of the built-in ones lint the
  /// samples exactly as the same rules parsed from their text do.
  @Test func copiesLintAsParsedRules() throws {
    // Folders named Rules, so that the rule ids are the bare names in both.
    let copies = makeTemporaryFolder("rules-copies") + "/Rules"
    let changed = makeTemporaryFolder("rules-changed") + "/Rules"
    for created in [copies, changed] {
      try FileManager.default.createDirectory(atPath: created, withIntermediateDirectories: true)
    }
    let folder = packageRoot + "/Rules"
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".yml") {
      let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
      try text.write(toFile: copies + "/" + name, atomically: false, encoding: .utf8)
      try (text + "\n# changed, so parsed\n").write(toFile: changed + "/" + name, atomically: false, encoding: .utf8)
    }
    let fromCopies = try RuleSet.load(folders: [copies], configuration: Configuration(), useDefaults: false)
    let fromText = try RuleSet.load(folders: [changed], configuration: Configuration(), useDefaults: false)
    #expect(fromCopies.rules.map(\.id) == fromText.rules.map(\.id))
    #expect(fromCopies.warnings.isEmpty && fromText.warnings.isEmpty)
    let samples = packageRoot + "/Tests/Samples/emails"
    let one = Linter(rules: fromCopies.rules, mail: fromCopies.mail)
    let other = Linter(rules: fromText.rules, mail: fromText.mail)
    let a = one.lint(paths: [samples])
    let b = other.lint(paths: [samples])
    #expect(!a.findings.isEmpty)
    #expect(a.findings == b.findings)
    #expect(a.warnings.map(\.message) == b.warnings.map(\.message))
  }
}

/// The mbox separator test in one pass, held to the way it was written
/// before: split into fields, each time split into parts.
@Suite struct FromLineTests {
  static func plainIsFromLine(_ line: [UInt8]) -> Bool {
    guard line.starts(with: Array("From ".utf8)) else { return false }
    let end = line.firstIndex(of: 0x0A) ?? line.count
    var fields = line[5..<end].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
    guard fields.count >= 3 else { return false }
    fields.removeFirst()
    func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    let hasTime = fields.contains { field in
      let parts = field.split(separator: 0x3A, omittingEmptySubsequences: false)
      return (parts.count == 2 || parts.count == 3) && parts.allSatisfy { $0.count == 2 && $0.allSatisfy(isDigit) }
        || (parts.count >= 2 && parts[0].count == 1 && parts[0].allSatisfy(isDigit)
          && parts.dropFirst().allSatisfy { $0.count == 2 && $0.allSatisfy(isDigit) })
    }
    return hasTime && fields.contains { $0.count == 4 && $0.allSatisfy(isDigit) }
  }

  @Test func onePassAgreesWithTheSplit() {
    var generator = SystemRandomNumberGenerator()
    let fields = [
      "x@y", "Fri", "8", "12:08", "12:08:34", "9:08", "9:08:34", "1:2", "12:8", "123:45", "12:08:34:56", "2011", "201",
      "20111", ":", "12::08", "ab:cd", "9:", ":08", "1:08:3",
    ]
    let separators = [" ", "  ", "\t", "\r", " \n", ""]
    var agreed = 0
    for _ in 0..<20000 {
      var line = "From "
      for _ in 0..<Int.random(in: 0..<7, using: &generator) {
        line += fields.randomElement(using: &generator)! + separators.randomElement(using: &generator)!
      }
      let bytes = Array(line.utf8)
      #expect(GMime.isFromLine(bytes) == Self.plainIsFromLine(bytes), "\(line.debugDescription)")
      if GMime.isFromLine(bytes) { agreed += 1 }
    }
    #expect(agreed > 0)
    for line in [
      "From MAILER-DAEMON Fri Jul  8 12:08:34 2011", "From 1789@xxx Thu Nov 20 09:12:00 +0000 2025",
      "From here on, we go", "From x 9:08 2011", "From x 12:08:34:56 2011", "Frog x 12:08 2011",
    ] {
      #expect(GMime.isFromLine(Array(line.utf8)) == Self.plainIsFromLine(Array(line.utf8)), "\(line)")
    }
  }
}
