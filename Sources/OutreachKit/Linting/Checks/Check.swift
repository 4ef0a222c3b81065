/// One kind of check, as Vale's `internal/check` has a file per kind (and
/// SwiftLint a type per rule): given one rule and what the matcher found
/// for it in one email, the rule's findings. `Linter` keeps the pipeline:
/// match (the phrase automaton and the regexes, once for every rule), then
/// scope (the blocks a rule admits), then check, then report.
protocol Check {
  static func check(_ run: inout CheckRun)
}

extension Rule.Kind {
  /// The check that runs a rule of this kind.
  var check: any Check.Type {
    switch self {
    case .existence: return ExistenceCheck.self
    case .substitution: return SubstitutionCheck.self
    case .occurrence: return OccurrenceCheck.self
    case .repetition: return RepetitionCheck.self
    case .subject: return SubjectCheck.self
    case .length: return LengthCheck.self
    case .divider: return DividerCheck.self
    case .consistency, .conditional: return ConsistencyCheck.self
    case .readability: return ReadabilityCheck.self
    case .spelling: return SpellingCheck.self
    case .capitalization: return CapitalizationRuleCheck.self
    case .metric: return MetricCheck.self
    }
  }
}

/// One rule's check in one email: what it reads, and the findings it gives
/// (offsets in the prose, or in the file for `scope: raw`).
struct CheckRun {
  /// The linter and the document are borrowed, not copied: a check runs a
  /// rule on a document many times a file (`Linter.lintDocument` holds both
  /// for the run's whole life), and a copy of either is a retain of each
  /// of its many references and a release after.
  private let linterPointer: UnsafePointer<Linter>
  private let documentPointer: UnsafePointer<EmailDocument>
  /// The compiled patterns, dictionaries and checks, built once.
  var linter: Linter { _read { yield linterPointer.pointee } }
  var document: EmailDocument { _read { yield documentPointer.pointee } }
  var prose: Prose { _read { yield documentPointer.pointee.prose } }
  var rule: Rule { _read { yield linterPointer.pointee.rules[index] } }
  /// The rule's index in `linter.rules` (its compiled state's key).
  let index: Int
  /// The rule's token matches in the blocks it admits, exceptions out, the
  /// longest of overlapping ones kept, in order.
  let hits: [Hit]
  /// Vale's `action` as a fix (`Linter.actionFixes`).
  var actionFix: String? { linter.actionFixes[index] }
  var findings: [CheckFinding] = []

  /// Valid while `linter` and `document` are: inside `Linter.lintDocument`.
  init(
    linter: UnsafePointer<Linter>, document: UnsafePointer<EmailDocument>, index: Int, hits: [Hit]
  ) {
    linterPointer = linter
    documentPointer = document
    self.index = index
    self.hits = hits
  }

  /// The document's subject header, read in place (`document.subject`
  /// through the accessor copied the whole document first).
  var subject: EmailHeader? { EmailDocument.subject(in: documentPointer.pointee.headers) }

  /// The fix a finding carries, by its index in `findings`.
  var fixes: [Int: String] = [:]
  /// Whether a backtracking pattern of the rule hit its limit.
  var limited = false

  /// A finding at `offset`, the match's text `match`.
  mutating func add(_ offset: Int, _ message: String, _ match: String) {
    findings.append(CheckFinding(offset: offset, message: message, match: match))
  }

  /// The text as Vale reads it: as `matchText`, with each code span a `*`
  /// for each of its characters (where outreach's prose has one opaque
  /// character).
  func valeText(_ start: Int, _ end: Int) -> String {
    guard prose.text[start..<end].contains(Prose.opaque) else { return matchText(start, end) }
    var out: [UInt8] = []
    for index in start..<end {
      let byte = prose.text[index]
      if byte == Prose.opaque, let width = prose.codeWidths[index] {
        out += repeatElement(UInt8(ascii: "*"), count: width)
      } else {
        out.append(byte)
      }
    }
    return String(decoding: out, as: UTF8.self).trimmingSpaces
  }

  /// A match of a `scope: raw` rule, in the file as written: a line break
  /// in it reads as a space, as in Vale's message.
  func sourceText(_ start: Int, _ end: Int) -> String {
    String(
      decoding: document.source.bytes[start..<end].filter { $0 != 0x0D }.map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
  }

  /// The match as the prose reads it, each opaque byte (a code span, an
  /// address, an image) put back as written, never as the control
  /// character that stands for it.
  func matchText(_ start: Int, _ end: Int) -> String {
    let slice = prose.text[start..<end]
    guard slice.contains(Prose.opaque) else { return String(decoding: slice, as: UTF8.self).trimmingSpaces }
    var out: [UInt8] = []
    for index in start..<end {
      if prose.text[index] == Prose.opaque { out += opaqueSource(index) } else { out.append(prose.text[index]) }
    }
    return String(decoding: out, as: UTF8.self).trimmingSpaces
  }

  /// What the opaque byte at `index` stands for, as written: the source
  /// from where it starts to where the next prose byte comes from, on its
  /// line, trailing white space left out.
  func opaqueSource(_ index: Int) -> ArraySlice<UInt8> {
    let source = document.source.bytes
    let from = Int(prose.offsets[index])
    guard from >= 0, from < source.count else { return [] }
    var to = source.count
    if index + 1 < prose.text.count, prose.text[index + 1] != Prose.blockBreak, Int(prose.offsets[index + 1]) > from {
      to = min(Int(prose.offsets[index + 1]), source.count)
    }
    var stop = from
    while stop < to, source[stop] != 0x0A, stop - from < 256 { stop += 1 }
    while stop > from, source[stop - 1] == 0x20 || source[stop - 1] == 0x09 || source[stop - 1] == 0x0D { stop -= 1 }
    return source[from..<stop]
  }

  /// The match as a message shows it: as `matchText`, with the curly
  /// apostrophes the prose made straight put back as written (Vale quotes
  /// the text as written).
  func shownText(_ start: Int, _ end: Int) -> String {
    guard prose.text[start..<end].contains(0x27) else { return matchText(start, end) }
    let source = document.source.bytes
    var out: [UInt8] = []
    out.reserveCapacity(end - start + 8)
    for index in start..<end {
      let byte = prose.text[index]
      let at = Int(prose.offsets[index])
      if byte == 0x27, at >= 0, at + 2 < source.count, source[at] == 0xE2, source[at + 1] == 0x80,
        source[at + 2] == 0x98 || source[at + 2] == 0x99
      {
        out += source[at...(at + 2)]
      } else {
        out.append(byte)
      }
    }
    return String(decoding: out, as: UTF8.self).trimmingSpaces
  }

  /// Whether a rule that measures the email (its length, readability,
  /// metrics) counts `block`: alt text, shown only when images are not, is
  /// left out unless the rule reads alt text alone.
  func measures(_ block: ProseBlock) -> Bool {
    rule.admits(block) && (block.kind != .alt || rule.scopes == [.alt])
  }

  /// The body paragraphs the rule reads, and where the first starts
  /// (readability and metric score the body as a whole). Headings are left
  /// out, as from Vale's `summary` scope: its paragraphs, list items and
  /// quotes.
  func bodyText() -> (texts: [String], offset: Int)? {
    let blocks = prose.blocks.filter { measures($0) && $0.region == .body && $0.kind != .heading }
    guard let first = blocks.first else { return nil }
    return (blocks.map { String(decoding: prose.text[$0.range], as: UTF8.self) }, Int(prose.offsets[first.range.lowerBound]))
  }
}

/// What a check found: where (a prose offset, or a file offset for `scope:
/// raw`), the message, and the text matched.
struct CheckFinding: Sendable {
  var offset: Int
  var message: String
  var match: String
}
