/// Reads a plain-text body (`.txt`, a mail client's text/plain part): a
/// paragraph is a run of non-blank lines, indentation is not code and
/// Markdown syntax is not markup. Lines starting with `>` are quoted; the
/// line after a quote without `>` is the sender's own text again. A line
/// starting with a bullet (`-`, `*`, `•`, `1.`) starts a list item.
/// With `readsQuotes` false (syntax ignored), a `>` line is text too.
enum PlainText {
  static func parse(
    source: SourceText, range: Range<Int>, region: ProseRegion, forceQuoted: Bool, readsQuotes: Bool = true,
    into writer: inout ProseWriter
  ) {
    guard !range.isEmpty else { return }
    let bytes = source.bytes
    var line = source.lineIndex(of: range.lowerBound)
    var open = false
    var openQuoted = false
    var openList = false
    func close(_ writer: inout ProseWriter) {
      if open { writer.endBlock(kind: .paragraph, region: region, quoted: openQuoted || forceQuoted, inList: openList) }
      open = false
    }
    while line < source.lineCount, source.lineStarts[line] < range.upperBound {
      var lineRange = source.lineRange(line)
      lineRange = lineRange.lowerBound..<min(lineRange.upperBound, range.upperBound)
      line += 1
      var start = lineRange.lowerBound
      while start < lineRange.upperBound, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
      if start == lineRange.upperBound {
        close(&writer)
        continue
      }
      var quoted = false
      if readsQuotes, bytes[start] == 0x3E {
        quoted = true
        while start < lineRange.upperBound, bytes[start] == 0x3E || bytes[start] == 0x20 { start += 1 }
      }
      let bullet = bulletLength(bytes, start, lineRange.upperBound)
      if open, quoted != openQuoted || bullet > 0 { close(&writer) }
      if !open {
        writer.beginBlock()
        open = true
        openQuoted = quoted
        openList = bullet > 0
      } else {
        writer.space(at: start)
      }
      start += bullet
      writer.plain(bytes[start..<lineRange.upperBound], startingAt: start)
    }
    close(&writer)
  }

  /// The length of a list marker and the space after it, or 0.
  static func bulletLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
    var index = start
    if index < end, bytes[index] == 0x2D || bytes[index] == 0x2A || bytes[index] == 0x2B {
      index += 1
    } else if index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA2 {
      index += 3
    } else {
      while index < end, index - start < 3, (0x30...0x39).contains(bytes[index]) { index += 1 }
      guard index > start, index < end, bytes[index] == 0x2E || bytes[index] == 0x29 else { return 0 }
      index += 1
    }
    guard index < end, bytes[index] == 0x20 || bytes[index] == 0x09 else { return 0 }
    while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    return index - start
  }
}
