/// Where a piece of prose sits in an email.
public enum ProseRegion: Sendable, Equatable {
  case subject, body, signature
}

/// One block of prose (the subject, a paragraph, a heading) inside `Prose`.
public struct ProseBlock: Sendable {
  public enum Kind: Sendable, Equatable {
    case subject, paragraph, heading
    /// An image's alt text (Markdown `![alt](url)`), a block of its own
    /// after the paragraph that holds the image.
    case alt
    /// A table's header cell, body cell or caption (a GFM table's cells, an
    /// HTML block's `<th>`, `<td>` and `<caption>`): Vale's `table.header`,
    /// `table.cell` and `table.caption`.
    case tableHeader, tableCell, tableCaption

    /// A table's header cell, cell or caption (Vale's `table` scope).
    var isTablePart: Bool { self == .tableHeader || self == .tableCell || self == .tableCaption }
  }
  /// Byte range in `Prose.text`.
  public var range: Range<Int>
  public var kind: Kind
  public var region: ProseRegion
  /// Inside a block quote: a quoted reply, not the sender's words.
  public var quoted: Bool
  public var inList: Bool
  /// A heading's level (1 for `#`), 0 for other blocks.
  public var level: Int = 0
  /// A Markdown `>` blockquote of a Markdown file, not quoted history
  /// (no attribution line): text to the rules of a Vale style, as in Vale.
  public var blockquote = false
}

/// The prose of an email: the text a reader reads, with markup, code, HTML
/// and link destinations removed, whitespace folded to single spaces and
/// curly apostrophes made straight. Every byte keeps the byte offset in the
/// file it came from, so findings land on the line and column as written.
public struct Prose: Sendable {
  /// Stands where a code span, image or autolink was, so that no phrase
  /// matches across it.
  public static let opaque: UInt8 = 0x1A
  /// Separates blocks.
  public static let blockBreak: UInt8 = 0x0A

  public var text: [UInt8] = []
  public var offsets: [Int32] = []
  public var blocks: [ProseBlock] = []
  /// Each code span's opaque byte (its index in `text`) and the span's
  /// characters, as CommonMark reads them: Vale masks a code span with a
  /// `*` for each.
  public var codeWidths: [Int: Int] = [:]

  /// The block holding byte `index` of `text`.
  public func block(at index: Int) -> ProseBlock? {
    blockIndex(at: index).map { blocks[$0] }
  }

  public func blockIndex(at index: Int) -> Int? {
    var low = 0
    var high = blocks.count - 1
    while low <= high {
      let mid = (low + high) / 2
      let range = blocks[mid].range
      if index < range.lowerBound { high = mid - 1 } else if index >= range.upperBound { low = mid + 1 } else { return mid }
    }
    return nil
  }
}

/// Appends aligned bytes to a `Prose`, folding whitespace and apostrophes.
struct ProseWriter {
  var prose = Prose()
  /// Vale's `IgnoredScopes` beyond code (`strong`, `b`, `em`, `i`, `a`) and
  /// `SkippedScopes`, by element name, and `IgnoredClasses` as `.name`:
  /// such inline markup (Markdown's, or an inline HTML element) is not
  /// prose, like a code span.
  var ignoredInline: Set<String> = []
  /// Bare URLs and addresses stay text (syntax ignored).
  var keepsAddresses = false
  private var blockStart = 0
  private var lastWasSpace = true

  mutating func reserve(_ count: Int) {
    prose.text.reserveCapacity(count)
    prose.offsets.reserveCapacity(count)
    // A block a line of 64 bytes, and the subject's (growing from none was
    // four allocations an email).
    prose.blocks.reserveCapacity(count / 64 + 4)
  }

  mutating func beginBlock() {
    blockStart = prose.text.count
    lastWasSpace = true
  }

  mutating func endBlock(
    kind: ProseBlock.Kind, region: ProseRegion, quoted: Bool, inList: Bool, level: Int = 0, blockquote: Bool = false
  ) {
    if !keepsAddresses { collapseAddresses() }
    // Drop a trailing folded space.
    if prose.text.count > blockStart, prose.text.last == 0x20 {
      prose.text.removeLast()
      prose.offsets.removeLast()
    }
    guard prose.text.count > blockStart || kind == .subject else { return }
    prose.blocks.append(
      ProseBlock(
        range: blockStart..<prose.text.count, kind: kind, region: region, quoted: quoted, inList: inList, level: level,
        blockquote: blockquote))
    prose.text.append(Prose.blockBreak)
    prose.offsets.append(prose.offsets.last ?? 0)
  }

  /// The first byte at or after `index` that is `:`, `@`, `w` or `W`,
  /// found eight bytes at a time (`end` when there is none).
  static func nextAddressByte(_ text: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
    var index = start
    if let base = text.baseAddress {
      let raw = UnsafeRawPointer(base)
      while index + 8 <= end {
        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if hasByte(word, 0x3A) || hasByte(word, 0x40) || hasByte(word | 0x2020_2020_2020_2020, 0x77) { break }
        index += 8
      }
    }
    while index < end {
      let byte = text[index]
      if byte == 0x3A || byte == 0x40 || byte | 0x20 == 0x77 { return index }
      index += 1
    }
    return end
  }

  /// Whether any of the eight bytes of `word` is `byte`.
  @inline(__always)
  static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
    let bytes = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    return (bytes &- 0x0101_0101_0101_0101) & ~bytes & 0x8080_8080_8080_8080 != 0
  }

  /// Bare URLs, `www.` addresses and email addresses (what GFM would turn
  /// into links) are not prose: each becomes one opaque byte.
  mutating func collapseAddresses() {
    let end = prose.text.count
    var spans: [Range<Int>] = []
    prose.text.withUnsafeBufferPointer { text in
      var index = blockStart
      var floor = blockStart
      while index < end {
        // Past eight bytes at a time while none can start an address (`:`,
        // `@`, `w` or `W`): every other byte only moves the scan on.
        index = Self.nextAddressByte(text, from: index, end: end)
        guard index < end else { break }
        let byte = text[index]
        var span: Range<Int>? = nil
        if byte == 0x3A, index + 2 < end, text[index + 1] == 0x2F, text[index + 2] == 0x2F {
          var start = index
          while start > floor, isSchemeByte(text[start - 1]) { start -= 1 }
          if index - start >= 2 { span = start..<addressEnd(text, from: index + 3, end: end) }
        } else if byte == 0x77 || byte == 0x57, index + 4 < end, text[index + 1] | 0x20 == 0x77, text[index + 2] | 0x20 == 0x77,
          text[index + 3] == 0x2E, index == floor || !isSchemeByte(text[index - 1])
        {
          span = index..<addressEnd(text, from: index + 4, end: end)
        } else if byte == 0x40 {
          var start = index
          while start > floor, isLocalByte(text[start - 1]) { start -= 1 }
          var stop = index + 1
          var dots = 0
          while stop < end, isDomainByte(text[stop]) {
            if text[stop] == 0x2E { dots += 1 }
            stop += 1
          }
          while stop > index + 1, text[stop - 1] == 0x2E || text[stop - 1] == 0x2D || text[stop - 1] == 0x5F {
            if text[stop - 1] == 0x2E { dots -= 1 }
            stop -= 1
          }
          if start < index, dots > 0 {
            // `mailto:` in front belongs to the address.
            if start - floor >= 7, text[(start - 7)..<start].elementsEqual(Array("mailto:".utf8)) { start -= 7 }
            span = start..<stop
          }
        }
        if let found = span, found.upperBound > found.lowerBound {
          spans.append(found)
          index = found.upperBound
          floor = index
        } else {
          index += 1
        }
      }
    }
    guard !spans.isEmpty else { return }
    // Only this block is rebuilt: the text before it stays in place (a
    // copy of the whole text for each block was quadratic in a long file).
    var text: [UInt8] = []
    var offsets: [Int32] = []
    text.reserveCapacity(end - blockStart)
    offsets.reserveCapacity(end - blockStart)
    var index = blockStart
    for span in spans {
      text += prose.text[index..<span.lowerBound]
      offsets += prose.offsets[index..<span.lowerBound]
      text.append(Prose.opaque)
      offsets.append(prose.offsets[span.lowerBound])
      index = span.upperBound
    }
    text += prose.text[index..<end]
    offsets += prose.offsets[index..<end]
    prose.text.replaceSubrange(blockStart..<end, with: text)
    prose.offsets.replaceSubrange(blockStart..<end, with: offsets)
    // A code span after an address moved back by the bytes it lost (an
    // address stops at a code span, so none is inside one).
    let moved = prose.codeWidths.filter { (blockStart..<end).contains($0.key) }
    for old in moved.keys { prose.codeWidths[old] = nil }
    for (old, width) in moved {
      let lost = spans.reduce(0) { $1.upperBound <= old ? $0 + $1.count - 1 : $0 }
      prose.codeWidths[old - lost] = width
    }
  }

  /// Where a bare address ends: at white space, `<` or an opaque byte,
  /// without trailing punctuation or an unbalanced `)`.
  private func addressEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
    var stop = start
    while stop < end, text[stop] != 0x20, text[stop] != 0x3C, text[stop] != Prose.opaque, text[stop] != Prose.blockBreak {
      stop += 1
    }
    while stop > start {
      let last = text[stop - 1]
      if "?!.,:*_~'\"".utf8.contains(last) {
        stop -= 1
      } else if last == 0x29 {
        let opens = text[start..<stop].filter { $0 == 0x28 }.count
        let closes = text[start..<stop].filter { $0 == 0x29 }.count
        if closes > opens { stop -= 1 } else { break }
      } else {
        break
      }
    }
    return stop
  }

  private func isSchemeByte(_ byte: UInt8) -> Bool {
    (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2B
      || byte == 0x2D || byte == 0x2E
  }

  private func isLocalByte(_ byte: UInt8) -> Bool {
    isSchemeByte(byte) || byte == 0x5F
  }

  private func isDomainByte(_ byte: UInt8) -> Bool {
    (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D
      || byte == 0x2E || byte == 0x5F
  }

  mutating func space(at offset: Int) {
    if lastWasSpace { return }
    prose.text.append(0x20)
    prose.offsets.append(Int32(truncatingIfNeeded: offset))
    lastWasSpace = true
  }

  mutating func opaque(at offset: Int) {
    prose.text.append(Prose.opaque)
    prose.offsets.append(Int32(truncatingIfNeeded: offset))
    lastWasSpace = false
  }

  /// A code span: one opaque byte, its characters noted (`codeWidths`).
  mutating func code(at offset: Int, literal: UnsafePointer<CChar>?) {
    if let literal { prose.codeWidths[prose.text.count] = String(cString: literal).unicodeScalars.count }
    opaque(at: offset)
  }

  /// Room for up to `count` more bytes, written through `Slots` (what
  /// `byte(_:at:)` and `space(at:)` do, without an array's checks at each
  /// byte), the room not used given back after.
  mutating func withSlots(_ count: Int, _ body: (inout Slots) -> Void) {
    let start = prose.text.count
    prose.text.appendZeros(count)
    prose.offsets.appendZeros(count)
    var used = 0
    var wasSpace = lastWasSpace
    prose.text.withUnsafeMutableBufferPointer { text in
      prose.offsets.withUnsafeMutableBufferPointer { offsets in
        var slots = Slots(
          text: text.baseAddress! + start, offsets: offsets.baseAddress! + start, capacity: count, lastWasSpace: wasSpace)
        body(&slots)
        used = slots.count
        wasSpace = slots.lastWasSpace
      }
    }
    lastWasSpace = wasSpace
    prose.text.removeLast(count - used)
    prose.offsets.removeLast(count - used)
  }

  /// Bytes written into room `withSlots` made, as `byte(_:at:)` and
  /// `space(at:)` write them.
  struct Slots {
    let text: UnsafeMutablePointer<UInt8>
    let offsets: UnsafeMutablePointer<Int32>
    let capacity: Int
    var count = 0
    var lastWasSpace: Bool

    init(text: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<Int32>, capacity: Int, lastWasSpace: Bool) {
      self.text = text
      self.offsets = offsets
      self.capacity = capacity
      self.lastWasSpace = lastWasSpace
    }

    @inline(__always)
    mutating func byte(_ byte: UInt8, at offset: Int) {
      if ProseWriter.isFoldedSpace(byte) {
        space(at: offset)
        return
      }
      precondition(count < capacity)
      text[count] = byte
      offsets[count] = Int32(truncatingIfNeeded: offset)
      count += 1
      lastWasSpace = false
    }

    /// Eight bytes that sit in the file one for one from `offset`, written
    /// at once when they are printable ASCII or single spaces (most text);
    /// false, with nothing written, when one needs a look of its own.
    @inline(__always)
    mutating func ascii8(_ word: UInt64, at offset: Int) -> Bool {
      let high: UInt64 = 0x8080_8080_8080_8080
      // Bytes under 0x80 add without carrying into the next one, so each
      // byte's high bit below says whether that byte is what is asked.
      let controls = ~(word &+ 0x6060_6060_6060_6060) & high
      let spaces = ~((word ^ 0x2020_2020_2020_2020) &+ 0x7F7F_7F7F_7F7F_7F7F) & high
      guard word & high == 0, controls == 0, spaces & (spaces << 8) == 0, !(lastWasSpace && spaces & 0x80 != 0) else {
        return false
      }
      precondition(count + 8 <= capacity)
      UnsafeMutableRawPointer(text + count).storeBytes(of: word, as: UInt64.self)
      let base = Int32(truncatingIfNeeded: offset)
      for step in 0..<8 { offsets[count + step] = base &+ Int32(step) }
      count += 8
      lastWasSpace = spaces >> 63 != 0
      return true
    }

    @inline(__always)
    mutating func space(at offset: Int) {
      if lastWasSpace { return }
      precondition(count < capacity)
      text[count] = 0x20
      offsets[count] = Int32(truncatingIfNeeded: offset)
      count += 1
      lastWasSpace = true
    }
  }

  mutating func byte(_ byte: UInt8, at offset: Int) {
    if Self.isFoldedSpace(byte) {
      space(at: offset)
      return
    }
    prose.text.append(byte)
    prose.offsets.append(Int32(truncatingIfNeeded: offset))
    lastWasSpace = false
  }

  /// White space, folded into one space.
  @inline(__always)
  static func isFoldedSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

  /// Appends plain text whose bytes sit in the file one for one (the subject).
  mutating func plain(_ bytes: ArraySlice<UInt8>, startingAt offset: Int) {
    // A byte gives at most one byte of prose: room for all of them made
    // once, filled without two array appends a byte (a tenth of an mbox
    // lint's time went to those).
    withSlots(bytes.count) { out in
      bytes.withUnsafeBufferPointer { source in
        var index = 0
        while index < source.count {
          // Most text: eight printable ASCII bytes or single spaces at once.
          if index + 8 <= source.count,
            out.ascii8(UnsafeRawPointer(source.baseAddress! + index).loadUnaligned(as: UInt64.self), at: offset + index)
          {
            index += 8
            continue
          }
          let rawOffset = offset + index
          let first = source[index]
          if first < 0x80 {
            out.byte(first, at: rawOffset)
            index += 1
            continue
          }
          let width = Self.specialWidth(source, index)
          if width == 3 {
            out.byte(0x27, at: rawOffset)
          } else if width == 2 {
            out.space(at: rawOffset)
          } else {
            out.byte(first, at: rawOffset)
          }
          index += max(width, 1)
        }
      }
    }
  }

  /// 3 for a curly single quote, 2 for a no-break space, 0 otherwise.
  @inline(__always)
  static func specialWidth<C: RandomAccessCollection>(_ bytes: C, _ index: C.Index) -> Int
  where C.Element == UInt8, C.Index == Int {
    let first = bytes[index]
    if first == 0xE2, index + 2 < bytes.endIndex, bytes[index + 1] == 0x80,
      bytes[index + 2] == 0x98 || bytes[index + 2] == 0x99
    {
      return 3
    }
    if first == 0xC2, index + 1 < bytes.endIndex, bytes[index + 1] == 0xA0 { return 2 }
    return 0
  }
}
