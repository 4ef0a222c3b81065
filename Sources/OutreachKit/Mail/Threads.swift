import Foundation

/// How to tell the sender's words from the rest of an email: closings that
/// start a signature, the lines that introduce quoted history. Loaded from
/// `Rules/_mail.yml` (data, not Swift).
public struct MailSettings: Sendable {
  /// The values, held once and shared by every copy (a write makes a new
  /// storage): a linter hands its settings to each email, and a copy of a
  /// dozen arrays, sets and tables was a retain of each, from every thread
  /// at once, on the same counters.
  private struct Values {
    var closings: Set<String> = []
    var longestClosing = 0
    var signatureLines = 6
    var signatureLineLength = 80
    var attributions: [LinePattern] = []
    var historyMarkers: [LinePattern] = []
    var replyFrom: Set<String> = []
    var replyOthers: Set<String> = []
    var subjectPrefixes: [String] = []
    var subjectPrefixBytes: [[UInt8]] = []
    var lineLiterals = PhraseMatcher(patterns: [])
    var tryEveryLine = false
  }

  /// Read-only once made: a read borrows a value in place (of a `var` in
  /// a class, the compiler copies what it reads, in case it changes during
  /// the read: the phrase automaton's half a dozen tables for every
  /// email). A write, only while the settings load, makes a new storage.
  private final class Storage: Sendable {
    let values: Values
    init(_ values: Values) { self.values = values }
  }

  private var storage = Storage(Values())

  /// Changes the values: a new storage holding them.
  private mutating func update(_ change: (inout Values) -> Void) {
    var values = storage.values
    change(&values)
    storage = Storage(values)
  }

  public init() {}

  public var closings: Set<String> {
    get { storage.values.closings }
    set { update { $0.closings = newValue } }
  }
  var longestClosing: Int {
    get { storage.values.longestClosing }
    set { update { $0.longestClosing = newValue } }
  }
  public var signatureLines: Int {
    get { storage.values.signatureLines }
    set { update { $0.signatureLines = newValue } }
  }
  public var signatureLineLength: Int {
    get { storage.values.signatureLineLength }
    set { update { $0.signatureLineLength = newValue } }
  }
  var attributions: [LinePattern] {
    get { storage.values.attributions }
    set { update { $0.attributions = newValue } }
  }
  var historyMarkers: [LinePattern] {
    get { storage.values.historyMarkers }
    set { update { $0.historyMarkers = newValue } }
  }
  public var replyFrom: Set<String> {
    get { storage.values.replyFrom }
    set { update { $0.replyFrom = newValue } }
  }
  public var replyOthers: Set<String> {
    get { storage.values.replyOthers }
    set { update { $0.replyOthers = newValue } }
  }
  public var subjectPrefixes: [String] {
    get { storage.values.subjectPrefixes }
    set {
      update {
        $0.subjectPrefixes = newValue
        $0.subjectPrefixBytes = newValue.map { Array($0.utf8) }
      }
    }
  }
  /// `subjectPrefixes` as UTF-8, for `subjectNoise` (read for every email).
  var subjectPrefixBytes: [[UInt8]] { storage.values.subjectPrefixBytes }
  /// Every literal of every line pattern, in one automaton: a line is tried
  /// against the patterns only when one of them is in it.
  var lineLiterals: PhraseMatcher {
    get { storage.values.lineLiterals }
    set { update { $0.lineLiterals = newValue } }
  }
  /// `lineLiterals.scan`, on the automaton where it is kept. Through the
  /// getter, the automaton was copied for every email (a retain and a
  /// release of each of its tables), measured again after the storage
  /// became read-only.
  func scanLineLiterals(_ text: UnsafeBufferPointer<UInt8>, _ visit: (Int, Int, Int) -> Void) {
    storage.values.lineLiterals.scan(text, visit)
  }
  /// Whether some pattern has no literal (every line is tried then).
  var tryEveryLine: Bool {
    get { storage.values.tryEveryLine }
    set { update { $0.tryEveryLine = newValue } }
  }

  public static let fileName = "_mail.yml"

  /// The settings built into the binary (`Rules/_mail.yml`).
  public static let builtIn: MailSettings = {
    guard let file = EmbeddedDefaults.files.first(where: { $0.path == "Rules/\(fileName)" }) else { return MailSettings() }
    var warnings: [Warning] = []
    let root = try? EmbeddedNode.builtInDocument(file)
    return (try? load(path: "(built-in)/\(file.path)", root: root ?? nil, warnings: &warnings, validate: false))
      ?? MailSettings()
  }()

  /// Whether `bytes` are the built-in `_mail.yml` as it is (a copy of it in
  /// a `Rules/` folder reads as `builtIn`, without parsing it again).
  static func isBuiltInText(_ bytes: [UInt8]) -> Bool {
    EmbeddedNode.builtInPath(matching: bytes, among: EmbeddedDefaults.files.filter { $0.path == "Rules/\(fileName)" })
      != nil
  }

  /// - Parameter validate: compile each pattern now to report a bad one
  ///   (off for the built-in file, which `swift test` checks).
  public static func load(path: String, text: String, warnings: inout [Warning], validate: Bool = true) throws
    -> MailSettings
  {
    try load(path: path, root: YAMLValue.parse(text, file: path), warnings: &warnings, validate: validate)
  }

  static func load(path: String, root: YAMLValue?, warnings: inout [Warning], validate: Bool = true) throws
    -> MailSettings
  {
    var settings = MailSettings()
    guard let root, let entries = root.entries else {
      throw OutreachError.rule(
        path: path, line: 1, problem: "mail settings must be a YAML mapping",
        fix: "write `closings:`, `attributions:` and the other keys at the top level")
    }
    func strings(_ value: YAMLValue, _ key: String) throws -> [String] {
      guard let items = value.items else {
        throw OutreachError.rule(path: path, line: value.line, problem: "`\(key)` must be a list", fix: "write `\(key): [...]`")
      }
      return items.compactMap(\.scalarText)
    }
    func regexes(_ value: YAMLValue, _ key: String) throws -> [LinePattern] {
      guard let items = value.items else {
        throw OutreachError.rule(path: path, line: value.line, problem: "`\(key)` must be a list", fix: "write `\(key): [...]`")
      }
      return try items.compactMap { item in
        guard let pattern = item.scalarText else { return nil as LinePattern? }
        do {
          // Checked now (a file and line for a bad one), compiled on first use.
          if validate { _ = try RE2Regex(pattern, ignorecase: true) }
          return LinePattern(caseInsensitive: pattern)
        } catch let error as RE2Error {
          throw OutreachError.rule(
            path: path, line: item.line, problem: "`\(pattern)` is not a valid regular expression (\(error.reason))",
            fix: "use RE2 syntax: escape special characters, no backreferences or lookarounds")
        }
      }
    }
    for entry in entries {
      switch entry.key {
      case "closings":
        settings.closings = Set(try strings(entry.value, entry.key).map(normalizeClosing))
        settings.longestClosing = settings.closings.map(\.utf8.count).max() ?? 0
      case "subject_prefixes": settings.subjectPrefixes = try strings(entry.value, entry.key).map { $0.lowercased() }
      case "attributions": settings.attributions = try regexes(entry.value, entry.key)
      case "history_markers": settings.historyMarkers = try regexes(entry.value, entry.key)
      case "signature_lines", "signature_line_length":
        guard let number = entry.value.int, number > 0 else {
          throw OutreachError.rule(
            path: path, line: entry.value.line, problem: "`\(entry.key)` must be a whole number above 0",
            fix: "write `\(entry.key): 6`, say")
        }
        if entry.key == "signature_lines" { settings.signatureLines = number } else { settings.signatureLineLength = number }
      case "reply_header":
        for part in entry.value.entries ?? [] {
          let names = Set(try strings(part.value, "reply_header.\(part.key)").map { $0.lowercased() })
          if part.key == "from" { settings.replyFrom = names } else if part.key == "others" { settings.replyOthers = names }
        }
      default:
        let known = [
          "subject_prefixes", "closings", "attributions", "history_markers", "signature_lines", "signature_line_length",
          "reply_header",
        ]
        let hint = closest(entry.key, in: known).map { "; did you mean `\($0)`?" } ?? ""
        warnings.append(Warning(path: path, line: entry.keyLine, message: "unknown key `\(entry.key)` is ignored\(hint)"))
      }
    }
    var patterns: [PhraseMatcher.Pattern] = []
    for pattern in settings.attributions + settings.historyMarkers {
      guard let literals = pattern.literals else {
        settings.tryEveryLine = true
        continue
      }
      for literal in literals {
        patterns.append(.init(bytes: literal, ignorecase: true, wordBounded: false, rule: 0, payload: 0))
      }
    }
    settings.lineLiterals = PhraseMatcher(patterns: patterns)
    return settings
  }

  /// How many bytes at the start of a subject are reply prefixes and
  /// bracketed tags (`RE: [EXTERNAL] `), not the sender's words.
  /// Whether `bytes` starts with `prefix`, ASCII letters in either case.
  @inline(__always)
  static func startsCaseless(_ bytes: ArraySlice<UInt8>, _ prefix: [UInt8]) -> Bool {
    guard bytes.count >= prefix.count else { return false }
    var index = bytes.startIndex
    for byte in prefix {
      if bytes[index] | 0x20 != byte | 0x20 { return false }
      index += 1
    }
    return true
  }

  public func subjectNoise(_ subject: ArraySlice<UInt8>) -> Int {
    var index = subject.startIndex
    var sawPrefix = false
    func skipSpaces() { while index < subject.endIndex, subject[index] == 0x20 || subject[index] == 0x09 { index += 1 } }
    while true {
      skipSpaces()
      let rest = subject[index...]
      if let prefix = subjectPrefixBytes.first(where: { rest.count > $0.count && Self.startsCaseless(rest, $0) }) {
        index += prefix.count
        sawPrefix = true
        continue
      }
      if rest.first == 0x5B, let close = rest.prefix(82).firstIndex(of: 0x5D), close + 1 < subject.endIndex {
        let tag = subject[(index + 1)..<close]
        let capitals = !tag.isEmpty && tag.allSatisfy { !(0x61...0x7A).contains($0) }
        // A mailing list's tag (`[acme-users]`, `[dev.notmuch]`) is one
        // word joined by `-`, `.` or `_`; a forwarded subject is
        // `[Fwd: ...]`. Neither is a placeholder.
        let listTag =
          !tag.isEmpty && !tag.contains(0x20) && tag.contains(where: { $0 == 0x2D || $0 == 0x2E || $0 == 0x5F })
        let forwarded = subjectPrefixBytes.contains { Self.startsCaseless(tag, $0) }
        if sawPrefix || capitals || listTag || forwarded {
          index = close + 1
          continue
        }
      }
      return index - subject.startIndex
    }
  }

  /// `,.!;:-`, which may end a closing line.
  static let closingPunctuation: [UInt8] = Array(",.!;:-".utf8)

  static func normalizeClosing(_ line: String) -> String {
    let utf8 = line.utf8
    if utf8.allSatisfy({ $0 < 0x80 }) {
      // ASCII (almost every line): the same steps on bytes.
      var bytes = utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }[...]
      while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
      while let last = bytes.last, last == 0x20 || last == 0x09 || Self.closingPunctuation.contains(last) {
        bytes.removeLast()
      }
      return String(decoding: bytes, as: UTF8.self)
    }
    // Otherwise on Unicode scalars: spaces are tabs and Zs (no-break
    // spaces too), a typed apostrophe is a straight one.
    func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
    var scalars = line.lowercased().unicodeScalars.map { $0 == "\u{2019}" ? "'" : $0 }[...]
    while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
    while let last = scalars.last, isSpace(last) || (last.isASCII && closingPunctuation.contains(UInt8(last.value))) {
      scalars.removeLast()
    }
    // One scalar at a time (see `trimmingScalars`).
    var text = String.UnicodeScalarView()
    for scalar in scalars { text.append(scalar) }
    return String(text)
  }
}

/// A line pattern, and literals one of which a matching line must hold.
struct LinePattern: Sendable {
  var regex: SharedRegex
  /// Lowercased UTF-8; nil when every line must be tried.
  var literals: [[UInt8]]?

  /// Whether the line (its lowercased bytes) can match at all.
  func mayMatch(_ lowered: [UInt8]) -> Bool {
    guard let literals else { return true }
    return literals.contains { EmailDocument.contains(lowered, $0) }
  }
}

extension LinePattern {
  /// `pattern` in any case, compiled on first use, with the literals one
  /// of which it cannot match without (`RegexPrefilter`).
  init(caseInsensitive pattern: String) {
    let literals = RegexPrefilter.requiredLiterals(pattern).map { $0.map { Array($0.lowercased().utf8) } }
    self.init(
      regex: SharedRegex(regex: RE2Regex.Lazy(pattern, ignorecase: true)), literals: literals?.isEmpty == true ? nil : literals)
  }
}

/// Where the sender's own text ends in an email body: the signature (at
/// `-- ` or a closing such as "Best,") and quoted history (an "On ... wrote:"
/// line, a forwarded or original-message marker, Outlook's reply header).
struct EmailStructure {
  /// 0-based line where the signature starts.
  var signatureLine: Int?
  /// Whether the signature starts with a `-- ` delimiter line (not prose).
  var signatureDelimited = false
  /// 0-based line where quoted history starts.
  var historyLine: Int?
  /// Set when history starts with an attribution ("On ... wrote:") whose
  /// `>` quote is followed by more of the sender's own lines (answers
  /// between quotes): the line after the attribution, from which `>` lines
  /// are quoted and the rest is the sender's again.
  var inlineFrom: Int?

  init(source: SourceText, bodyLine: Int, settings: MailSettings) {
    let count = source.lineCount
    guard bodyLine < count else { return }
    func text(_ line: Int) -> String {
      String(decoding: source.bytes[source.lineRange(line)], as: UTF8.self).trimmingSpaces
    }
    /// Whether a pattern matches `bytes`, tried on the line as a string
    /// only when its literals are there.
    func matches(_ patterns: [LinePattern], _ bytes: [UInt8]) -> Bool {
      let lowered = bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
      let candidates = patterns.filter { $0.mayMatch(lowered) }
      guard !candidates.isEmpty else { return false }
      // Bold markers out, spaces trimmed (Unicode spaces too when the line
      // is not ASCII).
      var kept = bytes.filter { $0 != 0x2A }[...]
      while let first = kept.first, first == 0x20 || first == 0x09 { kept.removeFirst() }
      while let last = kept.last, last == 0x20 || last == 0x09 { kept.removeLast() }
      var string = String(decoding: kept, as: UTF8.self)
      if kept.contains(where: { $0 >= 0x80 }) { string = string.trimmingWhitespace() }
      return candidates.contains { $0.regex.regex.regex?.isFound(in: string) ?? false }
    }
    // Lines holding a literal of some pattern; the rest cannot match.
    // By line, an array: a set's hashing cost more than the lines.
    var candidates = [Bool](filling: false, count: count)
    if !settings.tryEveryLine {
      let start = source.lineStarts[bodyLine]
      source.bytes.withUnsafeBufferPointer { all in
        let body = UnsafeBufferPointer(rebasing: all[start...])
        settings.scanLineLiterals(body) { _, hit, _ in candidates[source.lineIndex(of: start + hit)] = true }
      }
    }
    var fence = false
    // Lines are read by index until one may start history (a slice of each
    // was a retain and a release of the whole text, for every line).
    let raw = source.bytes
    for line in bodyLine..<count {
      let range = source.lineRange(line)
      guard !range.isEmpty else { continue }
      let first = raw[range.lowerBound]
      if first == 0x60 || first == 0x7E, range.count >= 3, raw[range.lowerBound + 1] == first,
        raw[range.lowerBound + 2] == first
      {
        fence.toggle()
      }
      if fence { continue }
      // Most lines cannot start history: skip them without a copy.
      if first == 0x3E || first == 0x20 && range.count < 4 { continue }
      let candidate = settings.tryEveryLine || candidates[line]
      let nextCandidate = line + 1 < count && (settings.tryEveryLine || candidates[line + 1])
      var colon = false
      for index in range.lowerBound..<min(range.upperBound, range.lowerBound + 24) where raw[index] == 0x3A {
        colon = true
        break
      }
      guard candidate || nextCandidate || colon else { continue }
      let line8 = Array(raw[range])
      if candidate, matches(settings.attributions, line8), Self.introducesQuote(line8, after: line + 1, source: source) {
        historyLine = line
        inlineFrom = Self.inlineAnswers(after: line + 1, source: source)
        break
      }
      if candidate, matches(settings.historyMarkers, line8) {
        historyLine = line
        break
      }
      // An attribution wrapped over two lines.
      if line + 1 < count, line8.count < 200, nextCandidate || candidate {
        let next = source.bytes[source.lineRange(line + 1)]
        var end = next.endIndex
        while end > next.startIndex, next[end - 1] == 0x20 || next[end - 1] == 0x09 { end -= 1 }
        if end > next.startIndex, next[end - 1] == 0x3A, matches(settings.attributions, line8 + [0x20] + next[..<end]),
          Self.introducesQuote(line8 + next[..<end], after: line + 2, source: source)
        {
          historyLine = line
          inlineFrom = Self.inlineAnswers(after: line + 2, source: source)
          break
        }
      }
      if colon, isReplyHeader(line, text: text, settings: settings, count: count) {
        historyLine = line
        break
      }
    }
    let end = historyLine ?? count
    // The `-- ` delimiter.
    for line in bodyLine..<end {
      let range = source.lineRange(line)
      // `-- ` or `--`, read by index (no slice and no list a line).
      if range.count == 2 || range.count == 3, raw[range.lowerBound] == 0x2D, raw[range.lowerBound + 1] == 0x2D,
        range.count == 2 || raw[range.lowerBound + 2] == 0x20
      {
        signatureLine = line
        signatureDelimited = true
        return
      }
    }
    // A closing followed by a few short lines at the end of the own text.
    var last = end - 1
    while last >= bodyLine, source.lineRange(last).isEmpty || text(last).isEmpty { last -= 1 }
    guard last >= bodyLine else { return }
    var candidate = last
    var linesAfter = 0
    while candidate >= bodyLine, linesAfter <= settings.signatureLines {
      // A line longer than a signature line (in bytes, up to 4 a character)
      // ends the search without being read as text.
      if source.lineRange(candidate).count > 4 * settings.signatureLineLength { return }
      let line = text(candidate)
      if !line.isEmpty {
        if line.hasPrefix(">") { return }
        if line.utf8.count <= settings.longestClosing + 4, settings.closings.contains(MailSettings.normalizeClosing(line)) {
          signatureLine = candidate
          return
        }
        // (A line has no more characters than bytes: most need no count.)
        if line.utf8.count > settings.signatureLineLength, line.count > settings.signatureLineLength { return }
        linesAfter += 1
      }
      candidate -= 1
    }
  }

  /// Whether a line shaped like an attribution ("On ... wrote:") is one: it
  /// names a date or an address (a digit or an `@`, as every mail client
  /// writes one), or a `>` quote follows it. "On the flags page, your team
  /// wrote:" followed by the sender's own words is a sentence of theirs,
  /// and what follows it is linted, not taken for history.
  static func introducesQuote(_ line: [UInt8], after next: Int, source: SourceText) -> Bool {
    if line.contains(where: { (0x30...0x39).contains($0) || $0 == 0x40 }) { return true }
    var index = next
    while index < source.lineCount {
      let bytes = source.bytes[source.lineRange(index)]
      guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else {
        index += 1
        continue
      }
      return bytes[first] == 0x3E
    }
    return false
  }

  /// `first` when the lines from it are a `>` quote and then, after it,
  /// a line of the sender's own (not quoted, not blank); nil when the
  /// attribution is followed by nothing but the quote (a top-posted reply).
  static func inlineAnswers(after first: Int, source: SourceText) -> Int? {
    var line = first
    var sawQuote = false
    while line < source.lineCount {
      let range = source.lineRange(line)
      let bytes = source.bytes[range]
      var index = bytes.startIndex
      while index < bytes.endIndex, index - bytes.startIndex < 4, bytes[index] == 0x20 { index += 1 }
      if index == bytes.endIndex {
        line += 1
        continue
      }
      if bytes[index] == 0x3E {
        sawQuote = true
      } else {
        return sawQuote ? first : nil
      }
      line += 1
    }
    return nil
  }

  private func isReplyHeader(_ line: Int, text: (Int) -> String, settings: MailSettings, count: Int) -> Bool {
    func name(_ string: String) -> String? {
      guard let colon = string.firstIndex(of: ":") else { return nil }
      let name = string[..<colon].lowercased().trimmingWhitespace()
      return name.isEmpty || name.count > 20 ? nil : name
    }
    guard let first = name(text(line)), settings.replyFrom.contains(first) else { return false }
    var others = 0
    var next = line + 1
    while next < count, next <= line + 6 {
      let string = text(next)
      if string.isEmpty { break }
      if let other = name(string), settings.replyOthers.contains(other) { others += 1 }
      next += 1
    }
    return others >= 2
  }
}
