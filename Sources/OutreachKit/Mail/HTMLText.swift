import CLibXML2

/// The one place that talks to libxml2: turns an HTML body into the text a
/// reader sees. Block elements are paragraphs, `<br>` and `<div>` are line
/// breaks, link targets and images are not text, `<blockquote>` becomes `>`
/// lines, and what starts quoted history (Gmail's `gmail_quote`, Outlook's
/// `divRplyFwdMsg`) ends the text. A signature block starts with `-- `.
enum HTMLText {
  /// libxml2's functions, loaded on first use (see CLibXML2/shim.h); nil
  /// when libxml2 is not installed.
  nonisolated(unsafe) static let library = DynamicLibrary.table(outreach_xml_load)

  /// The error to report when it could not be loaded.
  static func missing(path: String) -> OutreachError {
    .mail(
      path: path, problem: "reading an HTML body needs libxml2 (libxml2.so.2), which is not installed",
      fix: "install it: sudo apt-get install libxml2")
  }

  /// The text of `html`; nil when libxml2 is not installed.
  static func text(_ source: [UInt8]) -> [UInt8]? {
    parsed(source) { xml, document in
      var renderer = Renderer()
      if let root = xml.xmlDocGetRootElement(document) { renderer.walk(root) }
      return renderer.finish()
    } ?? (library == nil ? nil : [])
  }

  /// `html` (bogus comments out) read by libxml2's HTML parser and handed
  /// to `read`, then freed; nil when libxml2 is not installed or the input
  /// is empty or gives no document. libxml2 implies `<html><body>` around
  /// what it reads (with HTML_PARSE_NOIMPLIED it drops text outside an
  /// element, as in an HTML block `<!-- note --> Just circling back`), and
  /// XML_PARSE_HUGE lifts its nesting cap of 256 elements, past which the
  /// rest would be dropped without a word.
  static func parsed<T>(
    _ html: [UInt8], _ read: (outreach_xml_api, UnsafeMutablePointer<xmlDoc>) -> T
  ) -> T? {
    guard let xml = library?.pointee, !html.isEmpty else { return nil }
    let source = withoutBogusComments(html)
    let options = Int32(
      HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
    let document = source.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        xml.htmlReadMemory($0, Int32(min(buffer.count, Int(Int32.max))), nil, "UTF-8", options)
      }
    }
    guard let document else { return nil }
    defer { xml.xmlFreeDoc(document) }
    return read(xml, document)
  }

  /// The lowercased words of an element's attributes named in `names`
  /// (`class`, `id`), split at white space.
  static func attributeWords(_ node: UnsafeMutablePointer<xmlNode>, _ names: Set<String>) -> [String] {
    var words: [String] = []
    var attribute = node.pointee.properties
    while let current = attribute {
      if let name = current.pointee.name.map({ String(cString: $0).lowercased() }), names.contains(name),
        let value = current.pointee.children?.pointee.content.map({ String(cString: $0).lowercased() })
      {
        words += value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
      }
      attribute = current.pointee.next
    }
    return words
  }

  /// What an HTML block of a Markdown email shows its reader, in order.
  enum BlockPiece: Equatable {
    /// A text node, decoded (entities as characters).
    case text([UInt8])
    /// Between block-level elements (paragraphs, cells, list items): what
    /// the text after it is in (a table's `<th>`, `<td>` or `<caption>`, or
    /// else a paragraph).
    case blockBreak(ProseBlock.Kind)
    /// A `<br>`: white space.
    case space
    /// Code (`<code>`, `<kbd>`, ...): one opaque character, as a code span.
    case opaque(name: String)
    /// An element whose text is not prose (`<style>`, `<pre>`, an ignored
    /// scope): passed over, up to its closing tag.
    case skipped(name: String)
  }

  /// Elements whose text a rule never reads in an HTML block: the body's
  /// skipped ones, and preformatted text and figures (Vale's SkippedScopes).
  static let blockSkipped: Set<String> = skipped.union(["pre", "figure", "textarea", "iframe"])
  /// Inline code: one opaque character (Vale's IgnoredScopes `code`, `tt`).
  static let inlineCode: Set<String> = ["code", "tt", "kbd", "samp", "var"]

  /// The pieces of an HTML block, read by libxml2's HTML parser; nil when
  /// libxml2 is not installed. `hidden` holds element names and `.class`
  /// names that are not prose (Vale's IgnoredScopes and SkippedScopes).
  static func blockPieces(_ html: [UInt8], hidden: Set<String>) -> [BlockPiece]? {
    guard library != nil else { return nil }
    return parsed(html) { _, document in pieces(document, hidden: hidden) } ?? []
  }

  private static func pieces(_ document: UnsafeMutablePointer<xmlDoc>, hidden: Set<String>) -> [BlockPiece] {
    var pieces: [BlockPiece] = []
    // Children of the document, walked with a stack of our own (deep
    // nesting does not overflow a thread's stack). A closing entry ends a
    // block-level element.
    var stack: [(node: UnsafeMutablePointer<xmlNode>, closing: Bool)] = []
    func push(children first: UnsafeMutablePointer<xmlNode>?) {
      var nodes: [UnsafeMutablePointer<xmlNode>] = []
      var next = first
      while let node = next {
        nodes.append(node)
        next = node.pointee.next
      }
      for node in nodes.reversed() { stack.append((node, false)) }
    }
    push(children: UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self).pointee.children)
    // What each open block-level element's text is: a paragraph inside a
    // cell is the cell's text, a table inside a cell starts afresh.
    var kinds: [ProseBlock.Kind] = [.paragraph]
    while let (node, closing) = stack.popLast() {
      if closing {
        if kinds.count > 1 { kinds.removeLast() }
        pieces.append(.blockBreak(kinds[kinds.count - 1]))
        continue
      }
      switch node.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = node.pointee.content {
          var length = 0
          while content[length] != 0 { length += 1 }
          pieces.append(.text(Array(UnsafeBufferPointer(start: content, count: length))))
        }
      case XML_ELEMENT_NODE:
        let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
        let classes = attributeWords(node, ["class"])
        if blockSkipped.contains(name) || hidden.contains(name) || classes.contains(where: { hidden.contains("." + $0) }) {
          pieces.append(.skipped(name: name))
          continue
        }
        if inlineCode.contains(name) {
          pieces.append(.opaque(name: name))
          continue
        }
        let role = roles[name] ?? .other
        if role == .lineBreak {
          pieces.append(.space)
          continue
        }
        let block = role != .other
        if block {
          let kind: ProseBlock.Kind
          switch name {
          case "td": kind = .tableCell
          case "th": kind = .tableHeader
          case "caption": kind = .tableCaption
          case "table": kind = .paragraph
          default: kind = kinds[kinds.count - 1]
          }
          kinds.append(kind)
          pieces.append(.blockBreak(kind))
          stack.append((node, true))
        }
        push(children: node.pointee.children)
      default:
        break
      }
    }
    return pieces
  }

  /// The bogus comments of HTML5 (`<!foo>`, `<?php ... ?>`, `</ foo>`),
  /// which browsers do not show and libxml2 would read as text, taken out.
  static func withoutBogusComments(_ html: [UInt8]) -> [UInt8] {
    guard html.holdsByte(0x3C) else { return html }
    // Past the last `>`, a bogus comment has no end: looked for no more
    // (each `<?` scanning to the end was quadratic).
    let lastClose = html.lastIndex(of: 0x3E) ?? -1
    var out: [UInt8] = []
    out.reserveCapacity(html.count)
    var index = 0
    while index < html.count {
      let byte = html[index]
      if byte == 0x3C, index + 1 < html.count {
        let next = html[index + 1]
        let afterSlash = index + 2 < html.count ? html[index + 2] : 0
        let isLetter = { (b: UInt8) in (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        let bogus: Bool
        if next == 0x21 {  // <!: a real comment (<!--), DOCTYPE or CDATA is left to libxml2
          let rest = html[(index + 2)...].prefix(7)
          bogus =
            !rest.starts(with: [0x2D, 0x2D]) && !rest.map({ $0 | 0x20 }).starts(with: Array("doctype".utf8))
            && !rest.starts(with: Array("[CDATA[".utf8))
        } else if next == 0x3F {  // <?
          bogus = true
        } else if next == 0x2F {  // </ not followed by a letter
          bogus = !isLetter(afterSlash) && afterSlash != 0x3E
        } else {
          bogus = false
        }
        if bogus, index < lastClose, let close = html[index...].firstIndex(of: 0x3E) {
          index = close + 1
          continue
        }
      }
      out.append(byte)
      index += 1
    }
    return out
  }

  static let skipped: Set<String> = ["head", "style", "script", "title", "meta", "noscript", "template", "img", "svg", "object"]
  static let paragraphs: Set<String> = [
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr", "address", "article", "section", "header",
    "footer", "center", "dl", "figure",
  ]
  static let lines: Set<String> = ["div", "li", "tr", "dd", "dt", "caption", "figcaption"]

  /// What an element does to the text, by name: one lookup an element
  /// (not one for each list above, on opening and on closing).
  enum Role: Sendable { case skipped, paragraph, line, blockquote, preformatted, rule, cell, lineBreak, other }
  static let roles: [String: Role] = {
    var roles: [String: Role] = [:]
    for name in skipped { roles[name] = .skipped }
    for name in paragraphs { roles[name] = .paragraph }
    for name in lines { roles[name] = .line }
    roles["blockquote"] = .blockquote
    roles["pre"] = .preformatted
    roles["hr"] = .rule
    roles["td"] = .cell
    roles["th"] = .cell
    roles["br"] = .lineBreak
    return roles
  }()
  /// Classes and ids that start quoted history.
  static let historyMarks: Set<String> = [
    "gmail_quote", "divrplyfwdmsg", "appendonsend", "outlookmessageheader", "moz-cite-prefix",
  ]
  static let signatureMarks: Set<String> = ["gmail_signature", "signature", "moz-signature"]

  struct Renderer {
    var out: [UInt8] = []
    var quoteDepth = 0
    var atLineStart = true
    var pendingSpace = false
    var preformatted = 0
    var stopped = false

    /// Walks the tree with a stack of its own, not by recursion: a body
    /// nested 100,000 elements deep is read to its end without overflowing
    /// a thread's stack.
    mutating func walk(_ node: UnsafeMutablePointer<xmlNode>) {
      // Each entry is a node to open, or (closing) an element to close,
      // with the element's role as `open` found it (looked up once).
      var stack: [(node: UnsafeMutablePointer<xmlNode>, closing: Bool, role: Role)] = []
      var siblings: [UnsafeMutablePointer<xmlNode>] = []
      var next: UnsafeMutablePointer<xmlNode>? = node
      while let current = next {
        siblings.append(current)
        next = current.pointee.next
      }
      for sibling in siblings.reversed() { stack.append((sibling, false, .other)) }
      while let (current, closing, role) = stack.popLast(), !stopped {
        if closing {
          close(role)
          continue
        }
        guard let role = open(current) else { continue }
        stack.append((current, true, role))
        var children: [UnsafeMutablePointer<xmlNode>] = []
        var child = current.pointee.children
        while let each = child {
          children.append(each)
          child = each.pointee.next
        }
        for each in children.reversed() { stack.append((each, false, .other)) }
      }
    }

    /// What an element does before its children, and its role for `close`;
    /// nil when they are not read (a text node, a skipped element, quoted
    /// history).
    mutating func open(_ node: UnsafeMutablePointer<xmlNode>) -> Role? {
      switch node.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = node.pointee.content { text(content) }
        return nil
      case XML_ELEMENT_NODE:
        let role = HTMLText.roles[elementName(node)] ?? .other
        if role == .skipped { return nil }
        // Class names and ids are read only where there are attributes.
        let marks = node.pointee.properties == nil ? [] : HTMLText.attributeWords(node, ["class", "id"])
        if marks.contains(where: { HTMLText.historyMarks.contains($0) }) {
          stopped = true
          return nil
        }
        if role == .lineBreak {
          newline()
          return nil
        }
        if marks.contains(where: { HTMLText.signatureMarks.contains($0) }) {
          paragraphBreak()
          emit(Array("-- ".utf8))
          newline()
        }
        switch role {
        case .paragraph: paragraphBreak()
        case .line: lineBreak()
        case .blockquote:
          paragraphBreak()
          quoteDepth += 1
        case .preformatted:
          paragraphBreak()
          preformatted += 1
        case .cell: pendingSpace = !atLineStart
        case .rule:
          paragraphBreak()
          emit(Array("---".utf8))
        case .skipped, .lineBreak, .other: break
        }
        return role
      default:
        return nil
      }
    }

    /// What an element does after its children.
    mutating func close(_ role: Role) {
      switch role {
      case .paragraph, .rule: paragraphBreak()
      case .line: lineBreak()
      case .preformatted:
        preformatted -= 1
        paragraphBreak()
      case .blockquote:
        paragraphBreak()
        quoteDepth -= 1
        paragraphBreak()
      case .cell, .skipped, .lineBreak, .other: break
      }
    }

    func elementName(_ node: UnsafeMutablePointer<xmlNode>) -> String {
      node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
    }

    mutating func text(_ content: UnsafeMutablePointer<xmlChar>) {
      var index = 0
      while content[index] != 0 {
        let byte = content[index]
        index += 1
        if preformatted > 0 {
          if byte == 0x0A { newline() } else { emit(byte) }
          continue
        }
        // A no-break space (Outlook's `<p>&nbsp;</p>`) is white space here.
        let noBreak = byte == 0xC2 && content[index] == 0xA0
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || noBreak {
          if noBreak { index += 1 }
          if !atLineStart { pendingSpace = true }
          continue
        }
        if pendingSpace {
          emit(0x20)
          pendingSpace = false
        }
        emit(byte)
      }
    }

    mutating func emit(_ bytes: [UInt8]) {
      for byte in bytes { emit(byte) }
    }

    /// One byte of text, after the `>` marks of the quote it is in.
    mutating func emit(_ byte: UInt8) {
      if atLineStart, quoteDepth > 0 {
        out += Array(repeating: 0x3E, count: quoteDepth)
        out.append(0x20)
      }
      atLineStart = false
      out.append(byte)
    }

    mutating func newline() {
      if atLineStart, quoteDepth > 0 { out += Array(repeating: 0x3E, count: quoteDepth) }
      out.append(0x0A)
      atLineStart = true
      pendingSpace = false
    }

    mutating func lineBreak() {
      if !atLineStart { newline() }
      pendingSpace = false
    }

    mutating func paragraphBreak() {
      lineBreak()
      let count = out.count
      if count > 0, !(count >= 2 && out[count - 1] == 0x0A && out[count - 2] == 0x0A) { out.append(0x0A) }
    }

    mutating func finish() -> [UInt8] {
      lineBreak()
      // Drop trailing blank lines.
      while out.count >= 2, out.ends(with: [0x0A, 0x0A]) { out.removeLast() }
      return out
    }
  }
}

extension Array where Element == UInt8 {
  func ends(with suffix: [UInt8]) -> Bool {
    count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
  }
}
