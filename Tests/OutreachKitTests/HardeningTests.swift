import Foundation
import Testing

@testable import OutreachKit

/// Inputs the fuzzer (or a person) found troublesome, replayed every run.
@Suite struct FuzzRegressionTests {
  @Test(arguments: FuzzEntry.targets) func replay(target: String) throws {
    let folder = fixtures + "/fuzz/" + target
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(!files.isEmpty)
    for file in files {
      let data = try #require(FileManager.default.contents(atPath: folder + "/" + file))
      FuzzEntry.run([UInt8](data), target: target)
    }
  }
}

@Suite struct LimitTests {
  @Test func deeplyNestedMarkdown() {
    let linter = Linter(rules: projectRules)
    let quotes = String(repeating: "> ", count: 10_000) + "circling back\n\nBut circling back here.\n"
    #expect(linter.lint(path: "q.md", text: quotes).map { "\($0.line):\($0.column)" } == ["3:5"])
    let lists = String(repeating: "- ", count: 10_000) + "circling back\n"
    #expect(linter.lint(path: "l.md", text: lists).first?.column == 20_001)
    let brackets =
      String(repeating: "[", count: 10_000) + "x" + String(repeating: "]", count: 10_000) + " "
      + String(repeating: "*", count: 10_000)
    _ = linter.lint(path: "b.md", text: brackets)
  }

  @Test func aliasBombStopsWithAClearError() throws {
    let bomb = try String(contentsOfFile: fixtures + "/fuzz/account/alias-bomb.yml", encoding: .utf8)
    #expect(throws: OutreachError.tooComplex(path: "bomb.yml", line: 1, limit: 2_000_000)) {
      try AccountLoader.load(path: "bomb.yml", text: bomb)
    }
    var warnings: [Warning] = []
    #expect(throws: OutreachError.self) { try RuleLoader.load(id: "b", file: "b.yml", text: bomb, warnings: &warnings) }
  }

  @Test func ruleWithTenThousandPhrases() throws {
    let phrases = (0..<10_000).map { "  - phrase number \($0) here" }.joined(separator: "\n")
    var warnings: [Warning] = []
    let rule = try RuleLoader.load(
      id: "many", file: "many.yml", text: "extends: existence\nmessage: \"Avoid %s.\"\nignorecase: true\ntokens:\n\(phrases)\n",
      warnings: &warnings)
    let findings = Linter(rules: [rule]).lint(path: "t.md", text: "Phrase number 9999 here, and phrase number 10000 here.\n")
    #expect(findings.map(\.match) == ["Phrase number 9999 here"])
  }

  @Test func accountWithOneHundredThousandUsers() throws {
    var lines = ["account: {name: Big Co}", "signals: {first_bill_in_days: 3}", "users:"]
    let titles = ["Software Engineer", "Product Manager", "Finance Manager", "Founder", "Designer"]
    for index in 0..<100_000 {
      lines.append(
        "  - {name: User \(index), email: u\(index)@big.co, title: \(titles[index % 5]), last_active: 2026-11-\(String(format: "%02d", 1 + index % 20))}"
      )
    }
    let (account, _) = try AccountLoader.load(path: "big.yml", text: lines.joined(separator: "\n"))
    #expect(account.users.count == 100_000)
    let drafter = Drafter(templates: try TemplateSet.load(folder: nil), configuration: Configuration(), today: Day("2026-11-22")!)
    let people = try drafter.recipients(for: account)
    // A large team: no founder slot, so engineering, product and (with a billing signal) finance.
    #expect(people.map(\.role) == [.engineering, .product, .finance])
    #expect(people.allSatisfy { $0.title != nil && ($0.daysSinceActive ?? 99) <= 6 })
  }

  /// A regular file is read in one `read`; a file whose size reads 0 (a
  /// /proc file, handed out a page a read) is still read to its end.
  @Test func filesAreReadWhole() throws {
    let maps = String(decoding: try TextFile.read(path: "/proc/self/maps", validate: false), as: UTF8.self)
    #expect(maps.contains("[stack]") && maps.hasSuffix("\n"), "\(maps.suffix(200))")
    let folder = makeTemporaryFolder("read-whole")
    for size in [1, 4095, 4096, 70_000] {
      let text = String(repeating: "a", count: size - 1) + "\n"
      try text.write(toFile: folder + "/f.txt", atomically: true, encoding: .utf8)
      #expect(try TextFile.read(path: folder + "/f.txt", validate: false) == Array(text.utf8))
    }
  }

  @Test func oversizedEmailIsRefused() throws {
    let folder = makeTemporaryFolder()
    let path = folder + "/big.md"
    try Data(repeating: 0x61, count: 11_000_000).write(to: URL(fileURLWithPath: path))
    #expect(throws: OutreachError.tooLarge(path: path, bytes: 11_000_000, limit: TextFile.defaultLimit)) {
      try TextFile.read(path: path)
    }
  }

  @Test func symlinkedFolderLoopIsReportedNotFollowed() throws {
    let folder = makeTemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder + "/a", withIntermediateDirectories: true)
    try "Hi\n".write(toFile: folder + "/a/x.md", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder + "/a/back", withDestinationPath: folder)
    let (files, errors) = FileWalker.expand([folder], extensions: FileWalker.emailExtensions) { .noEmails(folder: $0) }
    #expect(files.count == 1)
    #expect(errors.contains { $0.name == "symlinkLoop" })
  }
}

/// Account data can never add a header line, a recipient, a link, HTML or
/// template syntax to a draft: every string field of the account format,
/// with every hostile value.
@Suite struct InjectionTests {
  static let hostile = [
    "Eve\r\nBcc: evil@x.com", "x\n\nSubject: pwned", "nul\u{0}byte", "<script>alert(1)</script>", "[x](http://evil.com)",
    "![i](http://evil.com/i.png)", "{{> onboarding}}", "{{lead.days}}", "{{{account}}}", "\u{202E}gnp.exe\u{202C}",
    "<!-- outreach-disable -->",
    "http://evil.com/a", "www.evil.com", "# Heading", "> quote", "---", "*emph* _em_", "`code`", "&lt;b&gt; &mdash;",
    "a\u{2028}b",
    "=?utf-8?q?x?=", "mailto:evil@x.com", "<evil@x.com>", "ana@evil.com",
  ]

  static let fields: [[String]] = [
    ["account", "name"], ["account", "domain"], ["account", "category"], ["account", "archetype"], ["kpis", "0"],
    ["context", "sales_contact"], ["context", "sales_topics", "0"], ["context", "open_ticket"], ["signals", "docs_topics", "0"],
    ["signals", "event_spike", "event"], ["signals", "sdk", "name"], ["signals", "sdk", "version"], ["signals", "sdk", "latest"],
    ["users", "0", "name"], ["users", "0", "title"], ["users", "1", "name"], ["users", "1", "title"],
    ["history", "0", "observations", "0"],
  ]

  static func baseline() -> [String: Any] {
    [
      "account": ["name": "Acme", "domain": "acme.io", "category": "travel app", "archetype": "cloud-native-early", "b2b": true],
      "kpis": ["bookings"],
      "context": ["sales_contact": "Dana", "sales_topics": ["SSO"], "open_ticket": "Funnel broken"],
      "products": [
        "product_analytics": ["enabled": true, "events": 900_000, "insights_created": 9],
        "session_replay": ["enabled": true, "recordings": 500, "recordings_viewed": 1],
      ],
      "signals": [
        "first_bill_in_days": 5, "docs_topics": ["flags"],
        "event_spike": ["event": "$pageview", "factor": 3.0, "on": "2026-11-18"],
        "sdk": ["name": "posthog-js", "version": "1.10.0", "latest": "1.150.0"],
      ],
      "users": [
        ["name": "Ana Ruiz", "email": "ana@acme.io", "title": "Head of Product", "last_active": "2026-11-20"],
        ["name": "Bo Li", "email": "bo@acme.io", "title": "Staff Engineer", "last_active": "2026-11-20"],
        ["name": "Cy Doe", "email": "cy@acme.io", "title": "Finance Manager", "last_active": "2026-11-20"],
      ],
      "history": [
        [
          "stage": "onboarding", "sent": "2026-11-01", "to": ["ana@acme.io"], "observations": ["replay-low-viewing"],
          "replied": true,
        ]
      ],
    ]
  }

  static func setting(_ value: String, at path: ArraySlice<String>, in object: Any) -> Any {
    guard let key = path.first else { return value }
    if var array = object as? [Any], let index = Int(key) {
      array[index] = setting(value, at: path.dropFirst(), in: array[index])
      return array
    }
    var dictionary = object as? [String: Any] ?? [:]
    dictionary[key] = setting(value, at: path.dropFirst(), in: dictionary[key] ?? [:])
    return dictionary
  }

  @Test(arguments: fields) func hostileValues(field: [String]) throws {
    let drafter = Drafter(
      templates: try TemplateSet.load(folder: packageRoot + "/Templates"), configuration: Configuration(),
      today: Day("2026-11-22")!)
    let forbiddenNodes: Set<String> = [
      "link", "image", "html_inline", "html_block", "heading", "thematic_break", "block_quote", "list",
    ]
    for value in Self.hostile {
      let object = Self.setting(value, at: field[...], in: Self.baseline())
      let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
      let account: Account
      do {
        account = try AccountLoader.load(path: "a.json", text: json).0
      } catch {
        continue  // Refused at the door is fine too.
      }
      for stage in [Stage.onboarding, .checkIn, .noResponse] {
        for draft in try drafter.drafts(for: account, stage: stage) {
          let text = draft.text
          let lines = text.components(separatedBy: "\n")
          #expect(
            lines[0].hasPrefix("To: ") && lines[1].hasPrefix("Subject: ") && lines[2].isEmpty,
            "\(field) = \(value.debugDescription): header block\n\(text)")
          #expect(draft.to.count <= 4 && draft.to.allSatisfy { $0.email.hasSuffix("@acme.io") })
          // Outside quoted display names, one @ per recipient, all at the account's domain.
          let unquoted = lines[0].replacingOccurrences(of: #""(?:[^"\\]|\\.)*""#, with: "", options: .regularExpression)
          #expect(unquoted.filter { $0 == "@" }.count == draft.to.count, "\(field): recipient line \(lines[0])")
          #expect(!lines[0].contains("://") && !lines[0].contains("@evil"), "\(field): recipient line \(lines[0])")
          let body = draft.body
          let nodes = CommonMark.nodeTypes(body)
          #expect(
            nodes.isDisjoint(with: forbiddenNodes),
            "\(field) = \(value.debugDescription): \(nodes.intersection(forbiddenNodes)) in\n\(body)")
          for bad in ["{{", "://", "www.evil", "@evil", "mailto:", "\u{202E}", "\u{0}", "\r", "\u{2028}", "<!--"] {
            #expect(!text.contains(bad), "\(field) = \(value.debugDescription): \(bad.debugDescription) in\n\(text)")
          }
        }
      }
    }
  }
}

/// Every user-facing error is one line, names a file and says what to do,
/// and every case can be reached.
@Suite struct ErrorCatalogTests {
  @Test func everyErrorIsReachableAndOneLine() throws {
    let folder = makeTemporaryFolder("errors")
    var seen: [String: String] = [:]
    func expectError(_ body: () throws -> Void) {
      do {
        try body()
        Issue.record("no error thrown")
      } catch let error as OutreachError {
        seen[error.name] = error.description
      } catch {
        Issue.record("not an OutreachError: \(error)")
      }
    }
    let file = folder + "/x.md"
    try "Hi\n".write(toFile: file, atomically: true, encoding: .utf8)
    expectError { _ = try TextFile.read(path: folder + "/missing.md") }
    expectError { _ = try TextFile.read(path: folder) }
    expectError { _ = try TextFile.validate(path: "a.md", bytes: [0xFF]) }
    expectError { _ = try TextFile.validate(path: "a.md", bytes: [0x41, 0x00]) }
    expectError { _ = try TextFile.validate(path: "a.md", bytes: []) }
    expectError { _ = try TextFile.read(path: file, limit: 1) }
    for (name, error) in [
      ("noEmails", FileWalker.expand([folder + "/none"], extensions: []) { .noEmails(folder: $0) }.errors),
      (
        "noAccounts",
        {
          try? FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
          return FileWalker.expand([folder + "/empty"], extensions: FileWalker.accountExtensions) { .noAccounts(folder: $0) }
            .errors
        }()
      ),
    ] {
      if let first = error.first(where: { $0.name == name }) { seen[name] = first.description }
    }
    try FileManager.default.createDirectory(atPath: folder + "/none", withIntermediateDirectories: true)
    if let error = FileWalker.expand([folder + "/none"], extensions: [], emptyFolder: { .noEmails(folder: $0) }).errors.first {
      seen[error.name] = error.description
    }
    try FileManager.default.createSymbolicLink(atPath: folder + "/loop.md", withDestinationPath: folder + "/loop.md")
    if let error = FileWalker.expand([folder + "/loop.md"], extensions: [], emptyFolder: { .noEmails(folder: $0) }).errors.first {
      seen[error.name] = error.description
    }
    var warnings: [Warning] = []
    expectError { _ = try RuleLoader.load(id: "r", file: "r.yml", text: "extends: [", warnings: &warnings) }
    expectError { _ = try RuleLoader.load(id: "r", file: "r.yml", text: "extends: nope\nmessage: x\n", warnings: &warnings) }
    try "rules: 3\n".write(toFile: folder + "/c.yml", atomically: true, encoding: .utf8)
    expectError { _ = try Configuration.load(path: folder + "/c.yml", warnings: &warnings) }
    expectError { _ = try AccountLoader.load(path: "a.yml", text: "account: {}\nusers: []\n") }
    expectError { _ = try TemplateSet(origin: "T", files: [("onboarding.mustache", "{{#a}}")]) }
    expectError { _ = try TemplateSet(origin: "T", files: []).render("onboarding", [:]) }
    expectError { _ = try DraftWriter(folder: file, force: false) }
    expectError { _ = try GitHook.install(in: folder, binary: "outreach", force: false) }
    let bomb = try String(contentsOfFile: fixtures + "/fuzz/account/alias-bomb.yml", encoding: .utf8)
    expectError { _ = try AccountLoader.load(path: "bomb.yml", text: bomb) }
    let linter = Linter(rules: projectRules)
    expectError { _ = try linter.lint(path: "mail/m.mbox", bytes: Array("\nnot an mbox\n".utf8), kind: .mbox) }
    expectError { _ = try IMAPSession(url: "http://imap.example.com/Drafts", environment: [:]) }
    seen["draftEdited"] = OutreachError.draftEdited(path: "d/x.md").description  // reached end to end in DraftCLITests
    mkfifo(folder + "/pipe.md", 0o600)
    expectError { _ = try TextFile.read(path: folder + "/pipe.md") }
    let linked = folder + "/linked.md"
    try "Your bill -- next week.\n".write(toFile: linked, atomically: true, encoding: .utf8)
    link(linked, folder + "/second-link.md")
    let dash = Linter(rules: projectRules).lint(path: linked, text: "Your bill -- next week.\n")
    expectError { _ = try Fixer.fix(path: linked, findings: dash, write: true) }

    #expect(Set(seen.keys) == Set(OutreachError.allNames), "unreached: \(Set(OutreachError.allNames).subtracting(seen.keys))")
    for (name, message) in seen {
      #expect(!message.contains("\n"), "\(name) is more than one line")
      #expect(message.contains(";"), "\(name) does not say what to do: \(message)")
      #expect(
        message.contains("/") || message.contains(".yml") || message.contains(".md") || message.contains("Templates"),
        "\(name) names no file: \(message)")
    }
  }
}

/// A batch killed midway leaves every draft old or new, never half, and the
/// next run recognises both as outreach's own (no false "edited").
@Suite(.serialized) struct InterruptedBatchTests {
  @Test func killedBatchLeavesOldOrNewFiles() throws {
    let accounts = makeTemporaryFolder("many-accounts")
    let sample = try String(contentsOfFile: packageRoot + "/Templates/accounts/orbit-crm.yml", encoding: .utf8)
    for index in 0..<400 {
      try sample.replacingOccurrences(of: "name: Orbit CRM", with: "name: Orbit \(index)")
        .write(toFile: accounts + "/a\(index).yml", atomically: true, encoding: .utf8)
    }
    let out = makeTemporaryFolder("drafts-out")
    #expect(try runOutreach(["draft", "--today", "2026-11-22", "--out", out, accounts]).status == 0)
    let old = try Dictionary(
      uniqueKeysWithValues: FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".md") }.map {
        ($0, try String(contentsOfFile: out + "/" + $0, encoding: .utf8))
      })
    #expect(old.count == 400)

    // A second run with another sender writes new text under the same names; kill it midway.
    let templates = makeTemporaryFolder("templates")
    try FileManager.default.removeItem(atPath: templates)
    try FileManager.default.copyItem(atPath: packageRoot + "/Templates", toPath: templates)
    try replace("name: Alex", with: "name: Robin", in: templates + "/team.yml")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: outreachBinary)
    process.arguments = ["draft", "--today", "2026-11-22", "--templates", templates, "--out", out, accounts]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(150_000)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    var newer = 0
    for (name, text) in old {
      let now = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
      let isNew = now == text.replacingOccurrences(of: "Alex", with: "Robin")
      #expect(now == text || isNew, "\(name) is neither the old nor the new draft")
      if isNew { newer += 1 }
    }
    // The next run finishes the batch without mistaking any file for a hand edit.
    let rerun = try runOutreach(["draft", "--today", "2026-11-22", "--templates", templates, "--out", out, accounts])
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(!(try FileManager.default.contentsOfDirectory(atPath: out)).contains { $0.contains(".outreach-tmp-") })
    for name in old.keys {
      #expect(try String(contentsOfFile: out + "/" + name, encoding: .utf8).contains("Robin"))
    }
    print("interrupted after \(newer) of \(old.count) drafts")
  }
}

@Suite struct FileWalkerOrderTests {
  /// Names ordered by their first eight bytes as a number (then whole)
  /// come out as String's `<` orders them; a folder with a non-ASCII name
  /// is sorted by `<` itself. Names share long prefixes, differ in case,
  /// and run past eight bytes, as mail exports name files.
  @Test func namesSortAsStringsDo() {
    var generator = SystemRandomNumberGenerator()
    let parts = ["0", "1", "09", "a", "A", "b", "-", "_", ".", "email", "email-", "2026-11-", ".md", "é", "ｅ", "~"]
    for round in 0..<400 {
      let ascii = round % 4 != 0
      let pool = ascii ? parts.filter { $0.utf8.allSatisfy { $0 < 0x80 } } : parts
      var entries = (0..<Int.random(in: 0..<60, using: &generator)).map { _ in
        (
          name: (0..<Int.random(in: 1..<6, using: &generator)).map { _ in pool.randomElement(using: &generator)! }.joined(),
          type: UInt8(DT_REG)
        )
      }
      let expected = entries.sorted { $0.name < $1.name }.map(\.name)
      FileWalker.sortByName(&entries)
      #expect(entries.map(\.name) == expected)
    }
  }

  /// The extension test by bytes keeps what lowercasing the name's
  /// extension as a string gives, the Kelvin sign included.
  @Test func extensionsMatchInAnyCase() {
    let wanted = FileWalker.emailExtensions.map { Array($0.utf8) }
    let cases: [(String, Bool)] = [
      ("a.md", true), ("Welcome.MD", true), ("x.Eml", true), ("notes.markdown", true), ("m.MBOX", true), ("o.msg", true),
      ("a.mdx", false), ("md", false), ("a.", false), ("a.m", false), (".md", true), ("a.md.bak", false),
      ("a.txt.md", true), ("MAR\u{212A}DOWN".lowercased() == "markdown" ? "x.MAR\u{212A}DOWN" : "x.markdown", true),
      ("x.ｍd", false), ("x.e\u{301}ml", false),
    ]
    for (name, expected) in cases {
      #expect(FileWalker.hasExtension(name, wanted, FileWalker.emailExtensions) == expected, "\(name)")
    }
    // A path made in one allocation: as `folder + "/" + name`, no slash
    // added after one.
    for (folder, name, path) in [
      ("a", "b.md", "a/b.md"), ("a/", "b.md", "a/b.md"), ("/", "x", "/x"), ("dir é", "ñ.md", "dir é/ñ.md"), ("", "x.md", "/x.md"),
      ("a//", "b", "a//b"),
    ] {
      #expect(PathSearch.joined(folder, name) == path)
    }
  }
}
