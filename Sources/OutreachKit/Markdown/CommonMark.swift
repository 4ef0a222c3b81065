import CCmark
import Foundation

/// What the Markdown body holds besides prose.
struct MarkdownFacts {
  /// Byte offsets of `---`-style dividers (thematic breaks and setext
  /// underlines made of hyphens).
  var dividers: [Int] = []
  /// 0-based line ranges of code blocks, where inline switches do not count.
  var codeLines: [ClosedRange<Int>] = []
  /// 0-based first lines of HTML blocks whose text could not be read
  /// (libxml2 is not installed): said in a warning, never skipped in silence.
  var unreadHTML: [Int] = []
}

/// The one place that talks to libcmark-gfm: parses a slice of the file and
/// appends its prose to a `ProseWriter`, mapping every byte back to the file.
/// cmark's inline source positions are not reliable (escapes, entities,
/// indented continuation lines), so text is aligned against the raw bytes
/// from each block's start instead.
enum CommonMark {
  static func parse(
    source: SourceText, range: Range<Int>, region: ProseRegion, quoted: Bool = false,
    into writer: inout ProseWriter, facts: inout MarkdownFacts
  ) {
    guard !range.isEmpty else { return }
    let firstLine = source.lineIndex(of: range.lowerBound)
    source.bytes.withUnsafeBufferPointer { all in
      // The tree lives in this thread's arena, given back whole after the
      // walk (never freed node by node).
      ParseArena.withArena { memory in
        let base = all.baseAddress! + range.lowerBound
        let root: OpaquePointer? = base.withMemoryRebound(to: CChar.self, capacity: range.count) {
          document($0, range.count, memory: memory)
        }
        guard let root else { return }
        defer { if memory == nil { cmark_node_free(root) } }
        var walker = Walker(
          raw: all, source: source, firstLine: firstLine, region: region, limit: range.upperBound)
        walker.forceQuoted = quoted
        walker.walk(root, writer: &writer, facts: &facts)
      }
    }
  }

  /// GFM's table extension, registered once (cmark-gfm's core extensions,
  /// linked with the parser). Read-only once registered: parsers on every
  /// core attach it.
  nonisolated(unsafe) private static let tableExtension: OpaquePointer? = {
    cmark_gfm_core_extensions_ensure_registered()
    return cmark_find_syntax_extension("table")
  }()

  /// Parses CommonMark with GFM tables, as Vale's goldmark does (its
  /// other GFM extensions change no prose: a bare URL is never prose in an
  /// email, and struck-through or task-list text reads the same).
  /// With `memory` (an arena), the parser and the tree are never freed
  /// one by one: the caller gives the arena back.
  static func document(_ bytes: UnsafePointer<CChar>, _ count: Int, memory: UnsafeMutablePointer<cmark_mem>? = nil)
    -> OpaquePointer?
  {
    guard let parser = memory.map({ cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, $0) }) ?? cmark_parser_new(CMARK_OPT_DEFAULT)
    else { return nil }
    defer { if memory == nil { cmark_parser_free(parser) } }
    if readsTables(bytes, count), let tableExtension { cmark_parser_attach_syntax_extension(parser, tableExtension) }
    cmark_parser_feed(parser, bytes, count)
    return cmark_parser_finish(parser)
  }

  /// The most `|` on one line for which GFM tables are read.
  static let maxBarsPerLine = 128

  /// Whether the table extension reads `bytes`: it holds a `|` (most
  /// emails have none, and parse faster without it), and no line holds
  /// more than `maxBarsPerLine` of them. libcmark-gfm 0.29 splits a row in
  /// time quadratic in its cells (50,000 `|` on one line took 3 s, a
  /// 50,000-column table 22 s). Nobody writes such a table; without the
  /// extension its text is read as a paragraph, so nothing goes unread.
  static func readsTables(_ bytes: UnsafePointer<CChar>, _ count: Int) -> Bool {
    var position = 0
    var lineEnd = -1
    var bars = 0
    while position < count, let hit = memchr(bytes + position, 0x7C, count - position) {
      let at = UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer(hit))
      if at > lineEnd {
        bars = 0
        lineEnd = memchr(hit, 0x0A, count - at).map { UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer($0)) } ?? count
      }
      bars += 1
      if bars > maxBarsPerLine { return false }
      position = at + 1
    }
    return lineEnd >= 0
  }

  /// The node types cmark finds in `text` ("link", "html_inline", ...).
  static func nodeTypes(_ text: String) -> Set<String> {
    var types = Set<String>()
    let bytes = Array(text.utf8)
    guard
      let root = bytes.withUnsafeBufferPointer({ buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
          document($0, buffer.count)
        }
      })
    else { return types }
    defer { cmark_node_free(root) }
    guard let iterator = cmark_iter_new(root) else { return types }
    defer { cmark_iter_free(iterator) }
    while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
      if let node = cmark_iter_get_node(iterator), let name = cmark_node_get_type_string(node) {
        types.insert(String(cString: name))
      }
    }
    return types
  }

  private struct Walker {
    let raw: UnsafeBufferPointer<UInt8>
    let source: SourceText
    let firstLine: Int
    let region: ProseRegion
    let limit: Int
    var cursor = 0
    var blockLimit = 0
    var quoteDepth = 0
    var listDepth = 0
    var forceQuoted = false
    /// Inside an inline HTML element that is not prose (an ignored scope or
    /// class): its name, and how many of it are open.
    var hidden: (name: String, depth: Int)? = nil
    /// Images met in the current block (the node, the cursor at it): their
    /// alt text becomes a block of its own when the block ends.
    var images: [(node: OpaquePointer, cursor: Int)] = []

    init(raw: UnsafeBufferPointer<UInt8>, source: SourceText, firstLine: Int, region: ProseRegion, limit: Int) {
      self.raw = raw
      self.source = source
      self.firstLine = firstLine
      self.region = region
      self.limit = limit
    }

    func lineStart(_ cmarkLine: Int32) -> Int {
      let index = min(firstLine + Int(cmarkLine) - 1, source.lineStarts.count - 1)
      return source.lineStarts[max(0, index)]
    }

    func lineEnd(_ cmarkLine: Int32) -> Int {
      let index = firstLine + Int(cmarkLine)
      return index < source.lineStarts.count ? min(source.lineStarts[index], limit) : limit
    }

    mutating func walk(_ root: OpaquePointer, writer: inout ProseWriter, facts: inout MarkdownFacts) {
      guard let iterator = cmark_iter_new(root) else { return }
      defer { cmark_iter_free(iterator) }
      while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard let node = cmark_iter_get_node(iterator) else { continue }
        let type = cmark_node_get_type(node)
        let entering = event == CMARK_EVENT_ENTER
        switch type {
        case CMARK_NODE_BLOCK_QUOTE:
          quoteDepth += entering ? 1 : -1
        case CMARK_NODE_LIST:
          listDepth += entering ? 1 : -1
        case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING:
          hidden = nil
          if entering {
            enterBlock(node, writer: &writer)
          } else {
            writer.endBlock(
              kind: type == CMARK_NODE_HEADING ? .heading : .paragraph, region: region,
              quoted: quoteDepth > 0 || forceQuoted, inList: listDepth > 0,
              level: type == CMARK_NODE_HEADING ? Int(cmark_node_get_heading_level(node)) : 0,
              blockquote: quoteDepth > 0 && !forceQuoted)
            if type == CMARK_NODE_HEADING { noteSetextDivider(node, facts: &facts) }
            writeAltTexts(writer: &writer)
          }
        case CMARK_NODE_THEMATIC_BREAK:
          let start = lineStart(cmark_node_get_start_line(node))
          facts.dividers.append(start + max(0, Int(cmark_node_get_start_column(node)) - 1))
        case CMARK_NODE_CODE_BLOCK:
          let first = firstLine + Int(cmark_node_get_start_line(node)) - 1
          let last = max(first, firstLine + Int(cmark_node_get_end_line(node)) - 1)
          facts.codeLines.append(first...last)
        case CMARK_NODE_HTML_BLOCK:
          hidden = nil
          htmlBlock(node, writer: &writer, facts: &facts)
        case CMARK_NODE_TEXT:
          if let literal = cmark_node_get_literal(node) {
            if hidden != nil { skipLiteral(literal) } else { text(literal, writer: &writer) }
          }
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
          writer.space(at: cursor)
        case CMARK_NODE_CODE:
          let end = skipCodeSpan()
          if hidden == nil { writer.code(at: end, literal: cmark_node_get_literal(node)) }
        case CMARK_NODE_STRONG, CMARK_NODE_EMPH:
          let names = type == CMARK_NODE_STRONG ? ["strong", "b"] : ["em", "i"]
          if entering, names.contains(where: writer.ignoredInline.contains) {
            // An ignored scope (Vale's IgnoredScopes): one opaque
            // character, its text passed over in the source.
            writer.opaque(at: cursor)
            skipSubtree(node)
            cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT)
          }
        case CMARK_NODE_HTML_INLINE:
          guard let literal = cmark_node_get_literal(node) else { break }
          if let tag = HTMLTag(String(cString: literal)) {
            if let open = hidden, tag.name == open.name {
              let depth = open.depth + (tag.closing ? -1 : tag.selfClosing ? 0 : 1)
              hidden = depth > 0 ? (open.name, depth) : nil
            } else if hidden == nil, !tag.closing, !tag.selfClosing,
              writer.ignoredInline.contains(tag.name) || tag.classes.contains(where: { writer.ignoredInline.contains("." + $0) })
            {
              // An element that is not prose: one opaque character, its
              // text passed over up to its closing tag.
              writer.opaque(at: cursor)
              hidden = (tag.name, 1)
            }
          }
          skipLiteral(literal)
        case CMARK_NODE_LINK:
          if entering, isAutolink(node) {
            // The link text is the address itself: not prose.
            writer.opaque(at: skipAutolink())
            cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT)
          } else if !entering {
            skipDestination()
          }
        case CMARK_NODE_IMAGE:
          if entering {
            writer.opaque(at: cursor)
            if hidden == nil { images.append((node, cursor)) }
            cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT)
            skipDestination()
          }
        default:
          // A GFM table's cell (cmark-gfm's table extension): a block of its
          // own, its text found from where the cell starts.
          if let kind = Self.cellKind(node) { tableCell(node, kind: kind, entering: entering, writer: &writer) }
        }
      }
    }

    /// Starts a block of text (a paragraph, a heading, a table cell) at
    /// `node`'s first byte, its text found no further than its last line.
    mutating func enterBlock(_ node: OpaquePointer, writer: inout ProseWriter) {
      let start = lineStart(cmark_node_get_start_line(node))
      cursor = min(start + max(0, Int(cmark_node_get_start_column(node)) - 1), limit)
      blockLimit = lineEnd(cmark_node_get_end_line(node))
      writer.beginBlock()
    }

    /// `.tableHeader` or `.tableCell` for a table cell node, else nil.
    static func cellKind(_ node: OpaquePointer) -> ProseBlock.Kind? {
      guard let name = cmark_node_get_type_string(node), strcmp(name, "table_cell") == 0 else { return nil }
      guard let row = cmark_node_parent(node) else { return .tableCell }
      return cmark_gfm_extensions_get_table_row_is_header(row) != 0 ? .tableHeader : .tableCell
    }

    mutating func tableCell(_ node: OpaquePointer, kind: ProseBlock.Kind, entering: Bool, writer: inout ProseWriter) {
      hidden = nil
      if entering {
        enterBlock(node, writer: &writer)
      } else {
        // A cell is neither a paragraph nor a list item (Vale's scope for
        // it is `table.cell`, inside a list or not).
        writer.endBlock(
          kind: kind, region: region, quoted: quoteDepth > 0 || forceQuoted, inList: false,
          blockquote: quoteDepth > 0 && !forceQuoted)
        writeAltTexts(writer: &writer)
      }
    }

    /// An HTML block: the text its reader sees (libxml2 reads the block),
    /// each piece found again in the block as written, past its tags, so
    /// that a finding lands on the line and column of the source. Tags,
    /// comments, styles, scripts and code are not prose.
    mutating func htmlBlock(_ node: OpaquePointer, writer: inout ProseWriter, facts: inout MarkdownFacts) {
      let start = min(lineStart(cmark_node_get_start_line(node)) + max(0, Int(cmark_node_get_start_column(node)) - 1), limit)
      // cmark puts the end of a block its end condition closes (`-->`,
      // `</script>`) a line early; the block's literal holds its lines.
      let startLine = cmark_node_get_start_line(node)
      var lines: Int32 = 0
      if let literal = cmark_node_get_literal(node) {
        var index = 0
        while literal[index] != 0 {
          if literal[index] == 0x0A || literal[index + 1] == 0 { lines += 1 }
          index += 1
        }
      }
      let lastLine = max(cmark_node_get_end_line(node), startLine + max(0, lines - 1))
      let end = max(start, lineEnd(lastLine))
      guard start < end else { return }
      guard let pieces = HTMLText.blockPieces(Array(raw[start..<end]), hidden: writer.ignoredInline) else {
        facts.unreadHTML.append(firstLine + Int(cmark_node_get_start_line(node)) - 1)
        return
      }
      var aligner = HTMLAligner(raw: raw, at: start, end: end)
      let quoted = quoteDepth > 0 || forceQuoted
      var kind = ProseBlock.Kind.paragraph
      func finish(_ writer: inout ProseWriter) {
        writer.endBlock(
          kind: kind, region: region, quoted: quoted, inList: listDepth > 0 && !kind.isTablePart,
          blockquote: quoteDepth > 0 && !forceQuoted)
      }
      writer.beginBlock()
      for piece in pieces {
        switch piece {
        case .blockBreak(let next):
          finish(&writer)
          kind = next
          writer.beginBlock()
        case .space:
          writer.space(at: aligner.position)
        case .opaque(let name):
          writer.opaque(at: aligner.position)
          aligner.pass(element: name)
        case .skipped(let name):
          aligner.pass(element: name)
        case .text(let bytes):
          aligner.write(bytes, into: &writer)
        }
      }
      finish(&writer)
    }

    mutating func noteSetextDivider(_ node: OpaquePointer, facts: inout MarkdownFacts) {
      let lineIndex = firstLine + Int(cmark_node_get_end_line(node)) - 1
      guard lineIndex < source.lineStarts.count else { return }
      let range = source.lineRange(lineIndex)
      var sawHyphen = false
      for byte in raw[range] {
        if byte == 0x2D { sawHyphen = true } else if byte != 0x20 && byte != 0x09 { return }
      }
      if sawHyphen, range.count >= 3 || raw[range].filter({ $0 == 0x2D }).count >= 2 {
        let firstHyphen = raw[range].firstIndex(of: 0x2D) ?? range.lowerBound
        facts.dividers.append(firstHyphen)
      }
    }

    func isAutolink(_ node: OpaquePointer) -> Bool {
      guard let urlPointer = cmark_node_get_url(node) else { return false }
      let url = String(cString: urlPointer)
      guard let child = cmark_node_first_child(node), cmark_node_get_type(child) == CMARK_NODE_TEXT,
        cmark_node_next(child) == nil, let literal = cmark_node_get_literal(child)
      else { return false }
      let text = String(cString: literal)
      return url == text || url == "mailto:" + text
    }

    /// Aligns a text node's literal against the raw bytes from the cursor.
    mutating func text(_ literal: UnsafePointer<CChar>, writer: inout ProseWriter) {
      let length = strlen(literal)
      // A literal byte gives at most one byte of prose: room for them all
      // is made once, and filled without an array's checks at each byte.
      literal.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
        let bytes = UnsafeBufferPointer(start: pointer, count: length)
        writer.withSlots(length) { out in
          var index = 0
          while index < length {
            // Most text sits in the source as it is: eight bytes at a time.
            if index + 8 <= length, cursor + 8 <= blockLimit {
              let word = UnsafeRawPointer(pointer + index).loadUnaligned(as: UInt64.self)
              if word == UnsafeRawPointer(raw.baseAddress! + cursor).loadUnaligned(as: UInt64.self),
                out.ascii8(word, at: cursor)
              {
                cursor += 8
                index += 8
                continue
              }
            }
            // Most bytes are ASCII and sit in the source as they are.
            let byte = bytes[index]
            if byte < 0x80, cursor < blockLimit, raw[cursor] == byte {
              out.byte(byte, at: cursor)
              cursor += 1
              index += 1
              continue
            }
            let width = ProseWriter.specialWidth(bytes, index)
            if width > 0 {
              // One entity (`&nbsp;`, `&rsquo;`) may stand for all its bytes.
              let (first, offset) = align(bytes, index)
              var covered = first
              while covered < width { covered += align(bytes, index + covered).count }
              if width == 3 { out.byte(0x27, at: offset) } else { out.space(at: offset) }
              index += width
              continue
            }
            let (count, offset) = align(bytes, index)
            for step in 0..<count { out.byte(bytes[index + step], at: offset) }
            index += count
          }
        }
      }
    }

    /// Finds where literal byte `index` came from: the same byte, a
    /// backslash escape, or an entity. Skips markup in between.
    mutating func align(_ literal: UnsafeBufferPointer<UInt8>, _ index: Int) -> (count: Int, offset: Int) {
      let wanted = literal[index]
      while cursor < blockLimit {
        let byte = raw[cursor]
        if byte == wanted {
          cursor += 1
          return (1, cursor - 1)
        }
        if byte == 0x5C, cursor + 1 < blockLimit, raw[cursor + 1] == wanted, isASCIIPunctuation(wanted) {
          cursor += 2
          return (1, cursor - 2)
        }
        if byte == 0x26, let (decoded, length) = Entities.decode(raw, at: cursor, limit: blockLimit),
          index + decoded.count <= literal.count,
          decoded.elementsEqual(literal[index..<index + decoded.count])
        {
          cursor += length
          return (decoded.count, cursor - length)
        }
        if byte == 0x26, wanted >= 0x80, let length = Entities.namedLength(raw, at: cursor, limit: blockLimit) {
          // A named entity this table lacks (`&uuml;`), which cmark decoded
          // (HTML5 has 2,000 of them): it stands for the literal's next
          // character.
          let width = wanted >= 0xF0 ? 4 : wanted >= 0xE0 ? 3 : 2
          if index + width <= literal.count {
            cursor += length
            return (width, cursor - length)
          }
        }
        cursor += 1
      }
      return (1, max(0, min(blockLimit, raw.count) - 1))
    }

    /// Moves past a code span; returns where it started.
    mutating func skipCodeSpan() -> Int {
      var index = cursor
      while index < blockLimit, raw[index] != 0x60 { index += 1 }
      let start = index
      var run = 0
      while index < blockLimit, raw[index] == 0x60 {
        run += 1
        index += 1
      }
      while index < blockLimit {
        if raw[index] == 0x60 {
          var closing = 0
          while index < blockLimit, raw[index] == 0x60 {
            closing += 1
            index += 1
          }
          if closing == run {
            cursor = index
            return start
          }
        } else {
          index += 1
        }
      }
      return start
    }

    /// The alt text of each image of the block just ended, a block each
    /// (Vale lints alt text, in its `alt` scope and as text). The cursor
    /// goes back to each image to find its text in the source.
    mutating func writeAltTexts(writer: inout ProseWriter) {
      let pending = images
      images.removeAll()
      let end = cursor
      for (image, start) in pending {
        cursor = start
        guard let inner = cmark_iter_new(image) else { continue }
        defer { cmark_iter_free(inner) }
        writer.beginBlock()
        while case let event = cmark_iter_next(inner), event != CMARK_EVENT_DONE {
          guard let child = cmark_iter_get_node(inner), event == CMARK_EVENT_ENTER else { continue }
          switch cmark_node_get_type(child) {
          case CMARK_NODE_TEXT:
            if let literal = cmark_node_get_literal(child) { text(literal, writer: &writer) }
          case CMARK_NODE_CODE:
            writer.code(at: skipCodeSpan(), literal: cmark_node_get_literal(child))
          case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            writer.space(at: cursor)
          default:
            break
          }
        }
        writer.endBlock(
          kind: .alt, region: region, quoted: quoteDepth > 0 || forceQuoted, inList: false,
          blockquote: quoteDepth > 0 && !forceQuoted)
      }
      cursor = end
    }

    /// Moves the cursor past the text and code of `node`'s descendants.
    mutating func skipSubtree(_ node: OpaquePointer) {
      guard let inner = cmark_iter_new(node) else { return }
      defer { cmark_iter_free(inner) }
      while case let event = cmark_iter_next(inner), event != CMARK_EVENT_DONE {
        guard let child = cmark_iter_get_node(inner) else { continue }
        let type = cmark_node_get_type(child)
        if type == CMARK_NODE_CODE, event == CMARK_EVENT_ENTER {
          _ = skipCodeSpan()
        } else if type == CMARK_NODE_TEXT || type == CMARK_NODE_HTML_INLINE, let literal = cmark_node_get_literal(child) {
          skipLiteral(literal)
        }
      }
    }

    mutating func skipLiteral(_ literal: UnsafePointer<CChar>) {
      let length = strlen(literal)
      guard length > 0 else { return }
      literal.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
        let first = pointer[0]
        var index = cursor
        while index + length <= blockLimit {
          if raw[index] == first, memcmp(raw.baseAddress! + index, pointer, length) == 0 {
            cursor = index + length
            return
          }
          index += 1
        }
      }
    }

    mutating func skipAutolink() -> Int {
      var index = cursor
      while index < blockLimit, raw[index] != 0x3C { index += 1 }
      let start = index
      while index < blockLimit, raw[index] != 0x3E { index += 1 }
      if index < blockLimit { cursor = index + 1 }
      return start
    }

    /// After a link's text: moves past `]` and the `(destination "title")`
    /// or `[reference]` that follows.
    mutating func skipDestination() {
      var index = cursor
      while index < blockLimit, raw[index] != 0x5D {
        index += raw[index] == 0x5C ? 2 : 1
      }
      guard index < blockLimit else { return }
      index += 1
      if index < blockLimit, raw[index] == 0x28 {
        var depth = 0
        var quote: UInt8? = nil
        while index < blockLimit {
          let byte = raw[index]
          if byte == 0x5C {
            index += 2
            continue
          }
          if let open = quote {
            if byte == open { quote = nil }
          } else if byte == 0x22 || byte == 0x27 {
            quote = byte
          } else if byte == 0x28 {
            depth += 1
          } else if byte == 0x29 {
            depth -= 1
            if depth == 0 {
              index += 1
              break
            }
          }
          index += 1
        }
      } else if index < blockLimit, raw[index] == 0x5B {
        while index < blockLimit, raw[index] != 0x5D { index += 1 }
        if index < blockLimit { index += 1 }
      }
      cursor = min(index, blockLimit)
    }
  }
}

@inline(__always)
func isASCIIPunctuation(_ byte: UInt8) -> Bool {
  (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
    || (0x7B...0x7E).contains(byte)
}

/// HTML entities as CommonMark decodes them: numeric ones, and the named
/// ones that turn up in email text.
enum Entities {
  static let named: [String: String] = [
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
    "mdash": "\u{2014}", "ndash": "\u{2013}", "hellip": "\u{2026}", "rsquo": "\u{2019}",
    "lsquo": "\u{2018}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "copy": "\u{A9}",
    "reg": "\u{AE}", "trade": "\u{2122}", "euro": "\u{20AC}", "pound": "\u{A3}",
    "middot": "\u{B7}", "bull": "\u{2022}", "minus": "\u{2212}", "times": "\u{D7}",
    "eacute": "\u{E9}", "shy": "\u{AD}", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}",
  ]

  /// The length of a named entity's reference at `start` (`&uuml;`: a
  /// letter, then letters and digits, then `;`), or nil.
  static func namedLength(_ raw: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int) -> Int? {
    let isLetter = { (byte: UInt8) in (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    guard start + 2 < limit, isLetter(raw[start + 1]) else { return nil }
    var index = start + 2
    while index < limit, index - start < 34, isLetter(raw[index]) || (0x30...0x39).contains(raw[index]) { index += 1 }
    guard index < limit, raw[index] == 0x3B else { return nil }
    return index - start + 1
  }

  static func decode(_ raw: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int) -> ([UInt8], Int)? {
    var index = start + 1
    var name: [UInt8] = []
    while index < limit, index - start < 34, raw[index] != 0x3B {
      name.append(raw[index])
      index += 1
    }
    guard index < limit, raw[index] == 0x3B, !name.isEmpty else { return nil }
    let length = index - start + 1
    if name[0] == 0x23 {
      let isHex = name.count > 1 && (name[1] == 0x78 || name[1] == 0x58)
      let digits = String(decoding: name.dropFirst(isHex ? 2 : 1), as: UTF8.self)
      guard var value = UInt32(digits, radix: isHex ? 16 : 10) else { return nil }
      if value == 0 || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
      return (Array(String(Character(Unicode.Scalar(value)!)).utf8), length)
    }
    guard let text = named[String(decoding: name, as: UTF8.self)] else { return nil }
    return (Array(text.utf8), length)
  }
}

/// A Markdown email body as a person reads it: plain text for the
/// text/plain part (no backslash escapes, no Markdown syntax left over) and
/// HTML from libcmark-gfm's own renderer for the text/html part (safe mode: raw
/// HTML is dropped, `javascript:` links are emptied).
enum MarkdownRendering {
  static func plainText(_ markdown: String) -> String {
    withDocument(markdown) { root in
      var out = ""
      render(root, into: &out, quote: "")
      while out.hasSuffix("\n") { out.removeLast() }
      return out
    }
  }

  static func html(_ markdown: String) -> String {
    withDocument(markdown) { root in
      guard let pointer = cmark_render_html(root, CMARK_OPT_DEFAULT, nil) else { return "" }
      defer { free(pointer) }
      return String(cString: pointer)
    }
  }

  private static func withDocument(_ markdown: String, _ body: (OpaquePointer) -> String) -> String {
    let bytes = Array(markdown.utf8)
    guard !bytes.isEmpty else { return "" }
    let root = bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        CommonMark.document($0, buffer.count)
      }
    }
    guard let root else { return "" }
    defer { cmark_node_free(root) }
    return body(root)
  }

  private static func literal(_ node: OpaquePointer) -> String {
    cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
  }

  private static func children(_ node: OpaquePointer) -> [OpaquePointer] {
    var result: [OpaquePointer] = []
    var child = cmark_node_first_child(node)
    while let current = child {
      result.append(current)
      child = cmark_node_next(current)
    }
    return result
  }

  private static func inline(_ node: OpaquePointer) -> String {
    var text = ""
    for child in children(node) {
      switch cmark_node_get_type(child) {
      case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += literal(child)
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += "\n"
      case CMARK_NODE_HTML_INLINE: break
      case CMARK_NODE_LINK:
        let label = inline(child)
        let url = cmark_node_get_url(child).map { String(cString: $0) } ?? ""
        text += url.isEmpty || url == label || url == "mailto:" + label ? label : "\(label) (\(url))"
      default: text += inline(child)
      }
    }
    return text
  }

  private static func render(_ node: OpaquePointer, into out: inout String, quote: String) {
    func emit(_ block: String) {
      for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
        out += (quote + line).trimmingTrailingSpaces + "\n"
      }
      out += quote.trimmingTrailingSpaces + "\n"
    }
    for child in children(node) {
      switch cmark_node_get_type(child) {
      case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING: emit(inline(child))
      case CMARK_NODE_CODE_BLOCK:
        var code = literal(child)
        if code.hasSuffix("\n") { code.removeLast() }
        emit(code)
      case CMARK_NODE_BLOCK_QUOTE: render(child, into: &out, quote: quote + "> ")
      case CMARK_NODE_LIST:
        let ordered = cmark_node_get_list_type(child) == CMARK_ORDERED_LIST
        var number = Int(cmark_node_get_list_start(child))
        for item in children(child) {
          var itemText = ""
          render(item, into: &itemText, quote: "")
          while itemText.hasSuffix("\n") { itemText.removeLast() }
          let marker = ordered ? "\(number). " : "- "
          let indent = String(repeating: " ", count: marker.count)
          let lines = itemText.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            ($0.offset == 0 ? marker : indent) + $0.element
          }
          for line in lines { out += (quote + line).trimmingTrailingSpaces + "\n" }
          number += 1
        }
        out += quote.trimmingTrailingSpaces + "\n"
      case CMARK_NODE_THEMATIC_BREAK, CMARK_NODE_HTML_BLOCK: break
      default:
        if let name = cmark_node_get_type_string(child), strcmp(name, "table") == 0 {
          // A GFM table: a line a row, its cells between bars.
          for row in children(child) {
            let cells = children(row).map { inline($0).replacingOccurrences(of: "\n", with: " ") }
            out += (quote + "| " + cells.joined(separator: " | ") + " |").trimmingTrailingSpaces + "\n"
          }
          out += quote.trimmingTrailingSpaces + "\n"
        } else {
          render(child, into: &out, quote: quote)
        }
      }
    }
  }
}

extension String {
  var trimmingTrailingSpaces: String {
    var view = Substring(self)
    while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
    return String(view)
  }
}

/// An inline HTML tag as CommonMark gives it (`<span class="a b">`,
/// `</span>`, `<br/>`): its lowered name, and its classes.
struct HTMLTag {
  var name: String
  var closing = false
  var selfClosing = false
  var classes: [String] = []

  init?(_ text: String) {
    var rest = Substring(text)
    guard rest.hasPrefix("<") else { return nil }
    rest = rest.dropFirst()
    if rest.hasPrefix("/") {
      closing = true
      rest = rest.dropFirst()
    }
    let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
    guard !name.isEmpty else { return nil }
    self.name = name.lowercased()
    rest = rest.dropFirst(name.count)
    selfClosing = text.hasSuffix("/>")
    // class="a b", class='a b' or class=a
    let lowered = rest.lowercased()
    guard let found = lowered.range(of: "class") else { return }
    var value = Substring(lowered[found.upperBound...]).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
    guard value.first == "=" else { return }
    value = value.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" }
    // The original text (classes keep their case), at the same offset.
    let offset = lowered.distance(from: lowered.startIndex, to: value.startIndex)
    var original = rest.dropFirst(offset)
    if let quote = original.first, quote == "\"" || quote == "'" {
      original = original.dropFirst().prefix { $0 != quote }
    } else {
      original = original.prefix { $0 != " " && $0 != ">" && $0 != "/" && $0 != "\t" && $0 != "\n" }
    }
    classes = original.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
  }
}

/// Finds the text libxml2 read from an HTML block in the block as written:
/// a text piece's characters in order, past tags and comments, an entity
/// (`&amp;`, `&#8217;`) standing for one character.
struct HTMLAligner {
  let raw: UnsafeBufferPointer<UInt8>
  /// The next byte of the block not yet matched.
  var at: Int
  let end: Int

  /// Just past the block's last `>`: no tag ends after it.
  let lastClose: Int
  /// The longest tag looked for: a `<` with no `>` within it is text, so
  /// that a block of unclosed `<a` costs time linear in its length.
  static let longestTag = 2048

  init(raw: UnsafeBufferPointer<UInt8>, at: Int, end: Int) {
    self.raw = raw
    self.at = at
    self.end = end
    var last = end
    while last > at, raw[last - 1] != 0x3E { last -= 1 }
    lastClose = last
  }

  /// Where the next piece starts (for a break or an opaque character).
  var position: Int { min(at, end - 1) }

  /// The text's bytes into `writer`, each at the offset it was found at;
  /// a curly apostrophe made straight and a no-break space a space, as in
  /// the rest of the prose.
  mutating func write(_ bytes: [UInt8], into writer: inout ProseWriter) {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      let width = min(bytes.count - index, lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4)
      let character = bytes[index..<(index + width)]
      let (offset, literal) = find(character)
      if width == 3, lead == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0x98 || bytes[index + 2] == 0x99 {
        writer.byte(0x27, at: offset)
      } else if width == 2, lead == 0xC2, bytes[index + 1] == 0xA0 {
        writer.space(at: offset)
      } else {
        for (step, byte) in character.enumerated() { writer.byte(byte, at: literal ? offset + step : offset) }
      }
      index += width
    }
  }

  /// The offset of `character` from `at` on, and whether it is there as
  /// written (not as an entity); the last byte looked at when it is not
  /// found.
  private mutating func find(_ character: ArraySlice<UInt8>) -> (Int, Bool) {
    // A character not found within a thousand steps (text libxml2 made
    // that the block does not hold as such) stands where the search began,
    // and the search goes on from there: one such character does not send
    // every later one to the block's end.
    let from = at
    var steps = 0
    while at < end, steps < 1024 {
      steps += 1
      let byte = raw[at]
      // A `<` that libxml2 read as text is wanted as text.
      if byte == 0x3C, character.first != 0x3C, let after = tagEnd(at) {
        at = after
        continue
      }
      if byte == 0x26, let after = entityEnd(at) {
        let found = at
        at = after
        return (found, false)
      }
      if at + character.count <= end, raw[at..<(at + character.count)].elementsEqual(character) {
        let found = at
        at += character.count
        return (found, true)
      }
      at += 1
    }
    at = from
    return (min(from, max(0, end - 1)), false)
  }

  /// Past the element `name` that starts at or after `at` (its text is not
  /// prose): to the end of its matching closing tag, nested ones counted.
  mutating func pass(element name: String) {
    let lowered = Array(name.utf8)
    var depth = 0
    var index = at
    while index < end {
      guard raw[index] == 0x3C, let after = tagEnd(index) else {
        index += 1
        continue
      }
      let closing = index + 1 < end && raw[index + 1] == 0x2F
      let nameStart = index + (closing ? 2 : 1)
      if tagName(at: nameStart, equals: lowered) {
        let selfClosing = after >= 2 && raw[after - 2] == 0x2F
        if closing {
          depth -= 1
          if depth <= 0 {
            at = after
            return
          }
        } else if !selfClosing {
          depth += 1
        } else if depth == 0 {
          at = after
          return
        }
      }
      index = after
    }
    // No closing tag (`<br>`-like, or left open to the block's end).
    if depth > 0 { at = end }
  }

  private func tagName(at index: Int, equals name: [UInt8]) -> Bool {
    guard index + name.count <= end else { return false }
    for (offset, byte) in name.enumerated() where PhraseMatcher.lowercase[Int(raw[index + offset])] != byte { return false }
    let next = index + name.count < end ? raw[index + name.count] : 0x3E
    return !(isWordByte(next) || next == 0x2D)
  }

  /// The offset after a tag, comment, declaration or processing
  /// instruction that starts at `index`; nil when `<` is text (`a < b`).
  private func tagEnd(_ index: Int) -> Int? {
    guard index + 1 < end else { return nil }
    let next = raw[index + 1]
    let isLetter = (0x41...0x5A).contains(next) || (0x61...0x7A).contains(next)
    guard isLetter || next == 0x2F || next == 0x21 || next == 0x3F else { return nil }
    // `<![CDATA[`: libxml2's HTML parser reads it as text, all but the `<`.
    if next == 0x21, index + 9 <= end, raw[(index + 2)..<(index + 9)].elementsEqual("[CDATA[".utf8) { return index + 1 }
    if next == 0x21, index + 3 < end, raw[index + 2] == 0x2D, raw[index + 3] == 0x2D {
      // A comment: to `-->`, or to the block's end when it is not closed
      // (as HTML reads it).
      var scan = index + 4
      while scan + 2 < lastClose {
        if raw[scan] == 0x2D, raw[scan + 1] == 0x2D, raw[scan + 2] == 0x3E { return scan + 3 }
        scan += 1
      }
      return end
    }
    // To the `>` outside quoted attribute values.
    guard index < lastClose else { return nil }
    var quote: UInt8 = 0
    var scan = index + 1
    let limit = min(lastClose, index + Self.longestTag)
    while scan < limit {
      let byte = raw[scan]
      if quote != 0 {
        if byte == quote { quote = 0 }
      } else if byte == 0x22 || byte == 0x27 {
        quote = byte
      } else if byte == 0x3E {
        return scan + 1
      }
      scan += 1
    }
    return nil
  }

  /// The offset after a character reference (`&name;`, `&#123;`,
  /// `&#x1F;`) that starts at `index`; nil when `&` is text.
  private func entityEnd(_ index: Int) -> Int? {
    var scan = index + 1
    if scan < end, raw[scan] == 0x23 { scan += 1 }
    let first = scan
    while scan < end, scan - index <= 40, isWordByte(raw[scan]), raw[scan] < 0x80 { scan += 1 }
    guard scan > first, scan < end, raw[scan] == 0x3B else { return nil }
    return scan + 1
  }
}
