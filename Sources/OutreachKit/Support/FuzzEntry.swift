import Foundation

/// What the fuzz targets run (`.ci/fuzz`), shared with the tests that replay
/// every input the fuzzer ever found a problem with.
public enum FuzzEntry {
  public static let targets = ["email", "account", "rule", "hook", "fix", "outlook"]

  private static let linter = Linter(rules: (try? RuleSet.load(folders: [], configuration: Configuration()).rules) ?? [])
  /// The same rules as a Vale style's: placed by Vale's location search.
  private static let valeLinter: Linter = {
    var rules = linter.rules
    for index in rules.indices { rules[index].valeStyle = true }
    return Linter(rules: rules)
  }()
  // Built once: parsing every template for each fuzz input would measure the wrong thing.
  private static let drafter = (try? TemplateSet.load(folder: nil)).map {
    Drafter(templates: $0, configuration: Configuration(), today: Day("2026-11-22")!)
  }

  /// Runs one input through a parser; errors are fine, crashes and hangs are bugs.
  public static func run(_ bytes: [UInt8], target: String) {
    switch target {
    case "account":
      guard let valid = try? TextFile.validate(path: "fuzz.yml", bytes: bytes) else { return }
      if let (account, _) = try? AccountLoader.load(path: "fuzz.yml", text: String(decoding: valid, as: UTF8.self)),
        let drafter
      {
        for draft in (try? drafter.drafts(for: account)) ?? [] { _ = linter.lint(path: "d.md", text: draft.text) }
      }
    case "hook":
      // git's staged list, as the hook reads it: whatever the bytes, a
      // list of files or "malformed", never a crash, and never more files
      // than the list has NUL-ended fields.
      let (files, _) = GitHook.parseStaged(bytes)
      let fields = bytes.filter { $0 == 0 }.count
      precondition(files.count <= fields, "more files than fields")
      for file in files { _ = GitHook.isEmail(file) }
      _ = GitHook.touchesTemplatesOrRules(files)
    case "fix":
      // `lint --fix` and `--diff` on any text: a fix never adds or removes
      // a line, and never changes a line it has no finding on.
      guard let valid = try? TextFile.validate(path: "fuzz.md", bytes: bytes) else { return }
      let text = String(decoding: valid, as: UTF8.self)
      for (path, linter) in [("fuzz.md", linter), ("fuzz.txt", linter), ("fuzz.md", valeLinter)] {
        let findings = linter.lint(path: path, text: text)
        let (fixed, changes) = Fixer.apply(findings, to: text, path: path)
        let before = Fixer.splitLines(text)
        let after = Fixer.splitLines(fixed)
        precondition(before.count == after.count, "a fix changed the number of lines")
        let touched = Set(changes.map(\.line))
        for index in before.indices where before[index] != after[index] {
          precondition(touched.contains(index + 1), "line \(index + 1) changed without a fix on it")
        }
        let diff = Fixer.unifiedDiff(path: path, old: text, new: fixed)
        precondition(changes.isEmpty || fixed == text || !diff.isEmpty, "a change with no diff")
        precondition(Fixer.apply([], to: text, path: path).text == text, "no finding, no change")
      }
    case "outlook":
      // Outlook's .msg: libgsf opens the compound file, outreach reads its
      // property streams and lints the message they make.
      _ = try? linter.lint(path: "fuzz.msg", bytes: bytes, kind: .message)
    case "rule":
      guard let valid = try? TextFile.validate(path: "fuzz.yml", bytes: bytes) else { return }
      var warnings: [Warning] = []
      if let rule = try? RuleLoader.load(
        id: "fuzz", file: "fuzz.yml", text: String(decoding: valid, as: UTF8.self), warnings: &warnings)
      {
        _ = Linter(rules: [rule]).lint(
          path: "t.md", text: "Subject: Hi\n\nHi Ana, just circling back — on [x](y) `code` *em*.\n\n--\nDana\n")
      }
    default:
      // The same bytes as a mail message and as an mbox (GMime, libxml2),
      // then as Markdown and plain text.
      _ = try? linter.lint(path: "fuzz.eml", bytes: bytes, kind: .message)
      _ = try? linter.lint(path: "fuzz.mbox", bytes: bytes, kind: .mbox)
      guard let valid = try? TextFile.validate(path: "fuzz.md", bytes: bytes) else { return }
      _ = linter.lint(EmailDocument(source: SourceText(path: "fuzz.md", bytes: valid)))
      _ = linter.lint(EmailDocument(source: SourceText(path: "fuzz.txt", bytes: valid), syntax: .plain))
      _ = linter.lint(EmailDocument(source: SourceText(path: "fuzz.txt", bytes: valid), syntax: .lines))
      _ = valeLinter.lint(EmailDocument(source: SourceText(path: "fuzz.md", bytes: valid)))
    }
  }
}
