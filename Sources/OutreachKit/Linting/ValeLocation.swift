/// Where Vale reports the findings of its styles' rules.
///
/// Vale finds a match in the text it rendered, then looks for it again in
/// the file as written (`internal/core/location.go`, `initialPosition`): the
/// first place the matched text stands as a word, passing over one touching
/// a backtick or a hyphen. After each finding it blots out the first place
/// the text stands at all, as a word or inside one (`core.Substitute`), and
/// a second finding of a rule at a place already reported is dropped
/// (`File.AddAlert`). So:
/// - "This is ... There is" gives one finding: "is" inside "This" is
///   blotted out, and the second search finds the first "is" again;
/// - a match that does not stand in the line as written (a repetition
///   across a link) is placed at the line's first column (`guessLocation`).
///
/// outreach places the findings of a `.vale.ini`'s styles the same way,
/// block by block (a paragraph, heading, list item or cell as written, of
/// up to `largestBlock` bytes), so that a team's output is Vale's. Its own
/// rules keep their exact places, and so do mail and `scope: raw` (where
/// Vale first blots out the words before the match, which lands where the
/// match is; it does so too in a block of several lines of a file under
/// 1,000 bytes). The kinds are those whose match is the text flagged:
/// existence, substitution, repetition, spelling and consistency.
struct ValeLocationSearch {
  static func applies(to rule: Rule, in document: EmailDocument) -> Bool {
    guard rule.valeStyle, !rule.rawScope, document.locator == nil, document.syntax == .markdown else { return false }
    switch rule.kind {
    case .existence, .substitution, .repetition, .spelling, .consistency: return true
    default: return false
    }
  }

  /// The text Vale's finding holds: for a repetition, both words and what
  /// is between them (`in in`) as written at `offset`, or, when markup
  /// stands between them, as Vale's rendered text has them (which the line
  /// as written does not hold).
  static func valeMatch(of rule: Rule, match: String, at offset: Int, in source: SourceText) -> [UInt8] {
    let word = Array(match.utf8)
    guard case .repetition = rule.kind, !word.isEmpty else { return word }
    let bytes = source.bytes
    var end = offset + word.count
    guard end <= bytes.count else { return word + [0x20] + word }
    var gap = end
    while gap < bytes.count, bytes[gap] == 0x20 || bytes[gap] == 0x09 { gap += 1 }
    end = gap + word.count
    let same = { (a: UInt8, b: UInt8) in a == b || (a | 0x20 == b | 0x20 && (0x61...0x7A).contains(a | 0x20)) }
    guard gap > offset + word.count, end <= bytes.count, zip(bytes[gap..<end], word).allSatisfy(same),
      end == bytes.count || !RE2Regex.isWordByte(bytes[end])
    else { return word + [0x20] + word }
    return Array(bytes[offset..<end])
  }

  /// Vale's search reads a block from its start for every finding, so a
  /// finding in a larger block keeps its exact place: the time stays
  /// linear in the number of findings (at most this many bytes each).
  static let largestBlock = 4096

  /// The lines (0-based) of the prose block holding the text at file
  /// offset `offset`, or nil when it is in none or longer than
  /// `largestBlock` bytes.
  static func blockLines(at offset: Int, in document: EmailDocument) -> ClosedRange<Int>? {
    let prose = document.prose
    // Prose offsets rise with the text (a block break repeats the last).
    var low = 0
    var high = prose.offsets.count
    while low < high {
      let mid = (low + high) / 2
      if Int(prose.offsets[mid]) < offset { low = mid + 1 } else { high = mid }
    }
    guard low < prose.text.count, let block = prose.block(at: low), !block.range.isEmpty else { return nil }
    let source = document.source
    let first = source.lineIndex(of: Int(prose.offsets[block.range.lowerBound]))
    let last = source.lineIndex(of: Int(prose.offsets[block.range.upperBound - 1]))
    guard first <= last else { return nil }
    let end = last + 1 < source.lineCount ? source.lineStarts[last + 1] : source.bytes.count
    return end - source.lineStarts[first] <= largestBlock ? first...last : nil
  }

  /// The block of the last finding (its first line; a rule's findings come
  /// in text order, a block's together), as written with its earlier
  /// matches blotted out.
  private var contextLine = -1
  private var context: [UInt8] = []
  /// Lines and columns (1-based) reported, as `line << 32 | column`.
  private var reported: Set<Int> = []

  private mutating func report(_ location: Location) -> Location? {
    reported.insert(location.line << 32 | location.column).inserted ? location : nil
  }

  /// Places a finding of `sub` in the block on `lines` of `source`: the line
  /// and column Vale reports, or nil when Vale drops it as reported already.
  mutating func place(match sub: [UInt8], lines: ClosedRange<Int>, in source: SourceText, at position: Location)
    -> Location?
  {
    guard !sub.isEmpty else { return report(position) }
    let start = source.lineStarts[lines.lowerBound]
    let end = lines.upperBound + 1 < source.lineCount ? source.lineStarts[lines.upperBound + 1] : source.bytes.count
    if contextLine != lines.lowerBound {
      contextLine = lines.lowerBound
      context = Array(source.bytes[start..<end])
    }
    var placed = Location(line: position.line, column: 1)
    if lines.count > 1, source.bytes.count < 1000, Self.count(of: sub, in: context) > 1 {
      // In a block of several lines of a small file, Vale blots out the
      // words before the match first (`Alert.Offset`): it lands where the
      // match is.
      placed = position
    } else if let index = Self.initialPosition(context, sub) {
      let lineStart = context[..<index].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
      placed = Location(
        line: lines.lowerBound + 1 + context[..<index].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) },
        column: Self.scalarCount(context[lineStart..<index]) + 1)
    }
    // core.Substitute: the first place the text stands, word or not; each
    // character becomes one `#`.
    if let first = Self.firstIndex(of: sub, in: context) {
      context.replaceSubrange(
        first..<(first + sub.count), with: repeatElement(0x23, count: Self.scalarCount(sub[...])))
    }
    return report(placed)
  }

  /// The byte index where Vale's search puts `sub` in `context`, or nil
  /// when it is not there (then Vale guesses the line's start).
  static func initialPosition(_ context: [UInt8], _ sub: [UInt8]) -> Int? {
    // `(?:^|\b|_)QUOTED(?:_|\b|$)`, its matches leftmost first.
    guard let first = nextMatch(context, sub, from: 0) else { return firstIndex(of: sub, in: context) }
    var index = first.start
    // #673: pass over a match that looks like inline code or a hyphenated
    // word (Vale looks one byte further than the match's neighbour at the
    // end); when every match does, the first.
    var candidate: (start: Int, end: Int)? = first
    while let match = candidate {
      let before = match.start - 1
      let after = match.end + 1
      let passed =
        (before > 0 && (context[before] == 0x60 || context[before] == 0x2D))
        || (after < context.count && (context[after] == 0x60 || context[after] == 0x2D))
      if !passed {
        index = match.start
        break
      }
      candidate = nextMatch(context, sub, from: max(match.end, match.start + 1))
    }
    if index < context.count, context[index] == 0x5F { index += 1 }
    return index
  }

  /// The leftmost match at or after `from`, as Go's regexp finds it.
  static func nextMatch(_ context: [UInt8], _ sub: [UInt8], from: Int) -> (start: Int, end: Int)? {
    var start = from
    while start < context.count {
      // `^` and `\b` put the text at `start`; `_` puts it one byte later.
      if start == 0 || isBoundary(context, start), let end = ending(context, sub, at: start) {
        return (start, end)
      }
      if context[start] == 0x5F, let end = ending(context, sub, at: start + 1) { return (start, end) }
      start += 1
    }
    return nil
  }

  /// Where a match of `sub` at `at` ends, `(?:_|\b|$)` included, or nil.
  static func ending(_ context: [UInt8], _ sub: [UInt8], at: Int) -> Int? {
    let end = at + sub.count
    guard end <= context.count, context[at..<end].elementsEqual(sub) else { return nil }
    if end < context.count, context[end] == 0x5F { return end + 1 }
    if end == context.count || isBoundary(context, end) { return end }
    return nil
  }

  /// Go's `\b`: an ASCII word byte on one side only.
  static func isBoundary(_ context: [UInt8], _ index: Int) -> Bool {
    let before = index > 0 && RE2Regex.isWordByte(context[index - 1])
    let after = index < context.count && RE2Regex.isWordByte(context[index])
    return before != after
  }

  /// `strings.Count`: places `sub` stands, not overlapping.
  static func count(of sub: [UInt8], in context: [UInt8]) -> Int {
    var found = 0
    var start = 0
    while start + sub.count <= context.count {
      if context[start..<(start + sub.count)].elementsEqual(sub) {
        found += 1
        start += sub.count
      } else {
        start += 1
      }
    }
    return found
  }

  static func firstIndex(of sub: [UInt8], in context: [UInt8]) -> Int? {
    guard sub.count <= context.count else { return nil }
    for start in 0...(context.count - sub.count) where context[start] == sub[0] {
      if context[start..<(start + sub.count)].elementsEqual(sub) { return start }
    }
    return nil
  }

  static func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int { bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
}
