import Foundation

/// One header line of an email file.
public struct EmailHeader: Sendable {
  public var name: String
  public var value: String
  /// Byte offset of the value's first byte in the file.
  public var valueOffset: Int
  /// 0-based line index of the header.
  public var line: Int
}

/// An inline switch: `<!-- outreach-disable RULE -->` and friends.
public struct InlineSwitch: Sendable {
  public enum Action: Sendable { case disable, enable, disableNextLine }
  public var action: Action
  /// Empty means every rule.
  public var rules: Set<String>
  /// 0-based line index.
  public var line: Int
  /// Written as Vale's `<!-- vale ... -->`, not outreach's own.
  public var vale = false
}

/// How an email's body is written.
public enum EmailSyntax: Sendable {
  /// CommonMark: `.md`, `.markdown`, what `draft` writes.
  case markdown
  /// Plain text: `.txt` and mail clients' text parts. Indentation is not
  /// code and Markdown syntax is not markup.
  case plain
  /// Every line is text (`lint --ignore-syntax`, Vale's "simple" lint):
  /// no Markdown, and none of an email's structure either. `>` lines, a
  /// signature, quoted history and links are all linted.
  case lines
}

/// An email file (contract section 2): an optional header block, a blank
/// line, a body, an optional signature (after `-- ` or a closing such as
/// "Best,") and optional quoted history ("On ... wrote:" and what follows).
public struct EmailDocument: Sendable {
  /// Header names that start a header block in any email file.
  public static let headerNames: Set<String> = ["to", "cc", "bcc", "subject", "from", "reply-to"]
  /// Other RFC 5322 and MIME header names that start a header block too.
  public static let mailHeaderNames: Set<String> = [
    "date", "message-id", "mime-version", "received", "return-path", "in-reply-to", "references", "sender",
    "delivered-to", "user-agent", "thread-topic", "thread-index", "importance", "organization", "comments", "keywords",
    "authentication-results", "dkim-signature", "received-spf", "priority", "precedence", "disposition-notification-to",
    "status", "x-status",
  ]

  public let source: SourceText
  public let syntax: EmailSyntax
  public let headers: [EmailHeader]
  public let hasHeaderBlock: Bool
  /// Byte offset where the body starts.
  public let bodyStart: Int
  /// 0-based line index where the signature starts, if any.
  public let signatureLine: Int?
  /// 0-based line index where quoted history starts, if any.
  public let historyLine: Int?
  public let prose: Prose
  public let dividers: [Int]
  public let switches: [InlineSwitch]
  /// Fenced or indented code blocks (Vale's metric variable `pre`).
  public let codeBlockCount: Int
  /// 0-based first lines of HTML blocks left unread (no libxml2).
  public let unreadHTMLLines: [Int]
  /// For a message read from a mail file: maps positions in `source` (the
  /// decoded text) back to the file as saved.
  public let locator: MailLocator?

  public var subject: EmailHeader? { Self.subject(in: headers) }

  /// The first `Subject:` of `headers`, its name compared by bytes in place:
  /// `lowercased()` made a string of every header's name, each time a rule
  /// asked.
  static func subject(in headers: [EmailHeader]) -> EmailHeader? {
    for index in headers.indices where isSubjectName(headers[index].name) { return headers[index] }
    return nil
  }

  /// `name.lowercased() == "subject"`, by bytes (no other name lowers to it).
  static func isSubjectName(_ name: String) -> Bool {
    guard name.utf8.count == 7 else { return false }
    return name.withUTF8Bytes { bytes in
      var index = 0
      for byte in "subject".utf8 {
        guard bytes[index] | 0x20 == byte else { return false }
        index += 1
      }
      return true
    }
  }

  /// An email file's text; `.txt` is plain text, anything else Markdown.
  public init(path: String, text: String) {
    let source = SourceText(path: path, text: text)
    self.init(source: source, syntax: path.lowercased().hasSuffix(".txt") ? .plain : .markdown)
  }

  public init(
    source: SourceText, syntax: EmailSyntax = .markdown, mail: MailSettings = .builtIn, locator: MailLocator? = nil,
    ignoredInline: Set<String> = []
  ) {
    self.source = source
    self.syntax = syntax
    self.locator = locator
    let bytes = source.bytes
    var headers: [EmailHeader] = []
    var bodyLine = 0
    let firstLine = source.lineCount > 0 ? source.lineRange(0) : 0..<0
    let startsWithHeader = Self.headerName(bytes[firstLine]).map { Self.isHeaderName($0) } ?? false
    if startsWithHeader {
      // Room for the usual few (growing from none was two allocations).
      headers.reserveCapacity(4)
      var line = 0
      while line < source.lineCount {
        let range = source.lineRange(line)
        if range.isEmpty || bytes[range].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
          line += 1
          break
        }
        if bytes[range.lowerBound] == 0x20 || bytes[range.lowerBound] == 0x09, !headers.isEmpty {
          headers[headers.count - 1].value += " " + String(decoding: bytes[range], as: UTF8.self).trimmingSpaces
          line += 1
          continue
        }
        guard let name = Self.headerName(bytes[range]) else { break }
        var valueStart = range.lowerBound + name.utf8.count + 1
        while valueStart < range.upperBound, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
        headers.append(
          EmailHeader(
            name: name, value: String(decoding: bytes[valueStart..<range.upperBound], as: UTF8.self),
            valueOffset: valueStart, line: line))
        line += 1
      }
      bodyLine = line
    }
    self.headers = headers
    self.hasHeaderBlock = startsWithHeader
    self.bodyStart = bodyLine < source.lineCount ? source.lineStarts[bodyLine] : bytes.count

    // Every line of the body is the sender's when syntax is ignored.
    let structure = EmailStructure(
      source: source, bodyLine: syntax == .lines ? source.lineCount : bodyLine, settings: mail)
    self.signatureLine = structure.signatureLine
    self.historyLine = structure.historyLine

    var writer = ProseWriter()
    writer.ignoredInline = ignoredInline
    writer.keepsAddresses = syntax == .lines
    // Prose is about as long as the source (a byte becomes at most one).
    writer.reserve(bytes.count + 16)
    if let subject = Self.subject(in: headers) {
      writer.beginBlock()
      let range = source.lineRange(subject.line)
      let words = subject.valueOffset + mail.subjectNoise(bytes[subject.valueOffset..<range.upperBound])
      writer.plain(bytes[words..<range.upperBound], startingAt: words)
      // Folded continuation lines belong to the subject too.
      var next = subject.line + 1
      while next < source.lineCount, next < bodyLine {
        let continuation = source.lineRange(next)
        guard !continuation.isEmpty, bytes[continuation.lowerBound] == 0x20 || bytes[continuation.lowerBound] == 0x09
        else { break }
        writer.space(at: continuation.lowerBound)
        writer.plain(bytes[continuation], startingAt: continuation.lowerBound)
        next += 1
      }
      writer.endBlock(kind: .subject, region: .subject, quoted: false, inList: false)
    }
    var facts = MarkdownFacts()
    let historyStart = structure.historyLine.map { source.lineStarts[$0] } ?? bytes.count
    let ownEnd = structure.signatureLine.map { source.lineStarts[$0] } ?? historyStart
    Self.parse(
      source: source, syntax: syntax, range: bodyStart..<ownEnd, region: .body, quoted: false, writer: &writer, facts: &facts)
    if let signature = structure.signatureLine {
      let first = structure.signatureDelimited ? signature + 1 : signature
      if first < source.lineCount {
        Self.parse(
          source: source, syntax: syntax, range: source.lineStarts[first]..<max(source.lineStarts[first], historyStart),
          region: .signature, quoted: false, writer: &writer, facts: &facts)
      }
    }
    if historyStart < bytes.count {
      // Quoted history: parsed so that `scope: quote` rules can read it,
      // never linted or counted as the sender's words.
      var historyFacts = MarkdownFacts()
      if let inline = structure.inlineFrom, inline < source.lineCount {
        // Answers between quotes: the attribution is history, and after it
        // `>` lines are quoted while the sender's own lines are theirs.
        let resume = source.lineStarts[inline]
        Self.parse(
          source: source, syntax: syntax, range: historyStart..<resume, region: .body, quoted: true, writer: &writer,
          facts: &historyFacts)
        Self.parse(
          source: source, syntax: syntax, range: resume..<bytes.count, region: .body, quoted: false, writer: &writer,
          facts: &historyFacts)
      } else {
        Self.parse(
          source: source, syntax: syntax, range: historyStart..<bytes.count, region: .body, quoted: true, writer: &writer,
          facts: &historyFacts)
      }
      facts.codeLines += historyFacts.codeLines
      facts.unreadHTML += historyFacts.unreadHTML
    }
    self.prose = writer.prose
    self.dividers = facts.dividers
    self.codeBlockCount = facts.codeLines.count
    self.unreadHTMLLines = facts.unreadHTML
    self.switches = Self.findSwitches(source: source, from: bodyLine, skipping: facts.codeLines)
  }

  static func parse(
    source: SourceText, syntax: EmailSyntax, range: Range<Int>, region: ProseRegion, quoted: Bool,
    writer: inout ProseWriter, facts: inout MarkdownFacts
  ) {
    guard !range.isEmpty else { return }
    switch syntax {
    case .plain, .lines:
      PlainText.parse(
        source: source, range: range, region: region, forceQuoted: quoted, readsQuotes: syntax == .plain, into: &writer)
    case .markdown:
      for segment in lazyQuoteSegments(source: source, range: range) {
        CommonMark.parse(source: source, range: segment, region: region, quoted: quoted, into: &writer, facts: &facts)
      }
    }
  }

  /// In an email, the line after a `>` quote that has no `>` is the
  /// sender's own text, not a lazy continuation of the quote: the range is
  /// cut there and each piece parsed on its own.
  static func lazyQuoteSegments(source: SourceText, range: Range<Int>) -> [Range<Int>] {
    let bytes = source.bytes
    guard bytes.holdsByte(0x3E, in: range) else { return [range] }
    var segments: [Range<Int>] = []
    var segmentStart = range.lowerBound
    var line = source.lineIndex(of: range.lowerBound)
    var previousQuoted = false
    var fence = false
    while line < source.lineCount, source.lineStarts[line] < range.upperBound {
      let lineRange = source.lineRange(line)
      var index = lineRange.lowerBound
      while index < lineRange.upperBound, index - lineRange.lowerBound < 4, bytes[index] == 0x20 { index += 1 }
      let indent = index - lineRange.lowerBound
      let blank = index >= lineRange.upperBound
      let content = bytes[index..<lineRange.upperBound]
      if content.starts(with: [0x60, 0x60, 0x60]) || content.starts(with: [0x7E, 0x7E, 0x7E]) { fence.toggle() }
      let quoted = !blank && indent < 4 && bytes[index] == 0x3E
      if previousQuoted, !quoted, !blank, !fence, indent < 4, source.lineStarts[line] > segmentStart {
        segments.append(segmentStart..<source.lineStarts[line])
        segmentStart = source.lineStarts[line]
      }
      previousQuoted = quoted
      line += 1
    }
    segments.append(segmentStart..<range.upperBound)
    return segments
  }

  /// Whether `name` starts a header block.
  static func isHeaderName(_ name: String) -> Bool {
    let lowered = name.lowercased()
    return headerNames.contains(lowered) || mailHeaderNames.contains(lowered) || lowered.hasPrefix("x-")
      || lowered.hasPrefix("content-") || lowered.hasPrefix("list-") || lowered.hasPrefix("resent-")
      || lowered.hasPrefix("arc-")
  }

  /// Where a finding at byte `offset` of `source` is shown: the line and
  /// column in the file as saved, and for mail, in the decoded text too.
  public func locate(_ offset: Int) -> Location {
    let position = source.position(of: offset)
    guard let locator else { return Location(line: position.line, column: position.column) }
    return locator.locate(offset, position: position)
  }

  /// `Name` when the line starts `Name:`.
  static func headerName(_ line: ArraySlice<UInt8>) -> String? {
    var index = line.startIndex
    while index < line.endIndex {
      let byte = line[index]
      if byte == 0x3A { return index > line.startIndex ? String(decoding: line[line.startIndex..<index], as: UTF8.self) : nil }
      let isNameByte =
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D
      if !isNameByte { return nil }
      index += 1
    }
    return nil
  }

  static func findSwitches(source: SourceText, from firstLine: Int, skipping code: [ClosedRange<Int>]) -> [InlineSwitch] {
    var switches: [InlineSwitch] = []
    let marker = Array("outreach-".utf8)
    let valeMarker = Array("<!-- vale ".utf8)
    guard firstLine < source.lineCount,
      contains(source.bytes, marker, anchor: marker.count - 1) || contains(source.bytes, valeMarker)
    else { return [] }
    for line in firstLine..<source.lineCount {
      let range = source.lineRange(line)
      let bytes = source.bytes[range]
      guard bytes.count > 12, contains(bytes, marker) || contains(bytes, valeMarker),
        !code.contains(where: { $0.contains(line) })
      else { continue }
      var text = Substring(String(decoding: bytes, as: UTF8.self))
      while let open = text.range(of: "<!--") {
        guard let close = text.range(of: "-->", range: open.upperBound..<text.endIndex) else { break }
        let words = text[open.upperBound..<close.lowerBound].split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        text = text[close.upperBound...]
        guard let command = words.first else { continue }
        // Vale's switches: `vale off`, `vale on`, `vale Style.Rule = NO`
        // (or YES; a style's name covers all its rules).
        if command == "vale" {
          let rest = words.dropFirst().joined(separator: " ")
          if rest == "off" || rest == "on" {
            switches.append(InlineSwitch(action: rest == "off" ? .disable : .enable, rules: [], line: line, vale: true))
            continue
          }
          for setting in rest.split(separator: ",") {
            let parts = setting.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, ["NO", "YES"].contains(parts[1].uppercased()) else { continue }
            switches.append(
              InlineSwitch(
                action: parts[1].uppercased() == "NO" ? .disable : .enable, rules: [parts[0]], line: line, vale: true))
          }
          continue
        }
        let action: InlineSwitch.Action
        switch command {
        case "outreach-disable": action = .disable
        case "outreach-enable": action = .enable
        case "outreach-disable-next-line": action = .disableNextLine
        default: continue
        }
        switches.append(InlineSwitch(action: action, rules: Set(words.dropFirst().map(String.init)), line: line))
      }
    }
    return switches
  }

  /// Whether `bytes` hold `needle` (a short ASCII marker).
  static func contains<C: Collection>(_ bytes: C, _ needle: [UInt8], anchor: Int = 0) -> Bool
  where C.Element == UInt8, C.Index == Int {
    guard let first = needle.first, bytes.count >= needle.count else { return false }
    // Contiguous bytes (nearly always): memchr finds each candidate, by the
    // needle's byte at `anchor`: a rare one (the `o` of `outreach-` is every
    // tenth byte of English; its `-` is rare). glibc's memmem took longer.
    if let found = bytes.withContiguousStorageIfAvailable({ buffer -> Bool in
      guard let base = buffer.baseAddress else { return false }
      let anchor = anchor < needle.count ? anchor : 0
      var at = 0
      let last = buffer.count - needle.count
      while at <= last {
        guard let hit = memchr(base + at + anchor, Int32(needle[anchor]), last - at + 1) else { return false }
        at = UnsafeRawPointer(hit) - UnsafeRawPointer(base) - anchor
        if needle.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return true }
        at += 1
      }
      return false
    }) {
      return found
    }
    var index = bytes.startIndex
    let last = bytes.endIndex - needle.count
    while index <= last {
      if bytes[index] == first {
        var offset = 1
        while offset < needle.count, bytes[index + offset] == needle[offset] { offset += 1 }
        if offset == needle.count { return true }
      }
      index += 1
    }
    return false
  }

  /// Whether a finding of `rule` on 0-based `line` is switched off inline.
  ///
  /// `valeComments: false` leaves Vale's comments out: Vale lints `scope:
  /// raw` after the Markdown, with their effect reset, so they never switch
  /// a raw-scope rule of its styles.
  public func isDisabled(rule: String, line: Int, valeComments: Bool = true) -> Bool {
    var disabled = false
    for item in switches {
      if item.line > line { break }
      if item.vale, !valeComments { continue }
      guard item.rules.isEmpty || item.rules.contains(rule) || item.rules.contains(where: { rule.hasPrefix($0 + ".") })
      else { continue }
      switch item.action {
      case .disable: disabled = true
      case .enable: disabled = false
      case .disableNextLine: if item.line == line - 1 { return true }
      }
    }
    return disabled
  }
}

extension String {
  var trimmingSpaces: String {
    // By bytes where every character at an end is ASCII: a space, tab or
    // CR there is a character of its own (one next to a non-ASCII scalar
    // could join it, so that case goes by characters).
    var copy = self
    // The byte range to keep; nil when a non-ASCII scalar is next to a cut.
    let kept: Range<Int>? = copy.withUTF8 { bytes in
      func isTrimmed(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
      var start = 0
      var end = bytes.count
      // (CR LF is one character, and not a trimmed one.)
      while start < end, isTrimmed(bytes[start]), !(bytes[start] == 0x0D && start + 1 < end && bytes[start + 1] == 0x0A) {
        start += 1
      }
      if start > 0, start < end, bytes[start] >= 0x80 { return nil }
      while end > start, isTrimmed(bytes[end - 1]) { end -= 1 }
      if end < bytes.count, end > start, bytes[end - 1] >= 0x80 { return nil }
      return start..<end
    }
    guard let kept else { return trimmingSpacesByCharacter }
    if kept.count == utf8.count { return self }
    // The cuts are next to ASCII bytes: scalar boundaries.
    return String(self[utf8.index(startIndex, offsetBy: kept.lowerBound)..<utf8.index(startIndex, offsetBy: kept.upperBound)])
  }

  /// `trimmingSpaces` one character at a time, for text where a space at
  /// an end may join a non-ASCII scalar (and for the test that holds the
  /// two equal).
  var trimmingSpacesByCharacter: String {
    var view = Substring(self)
    while let first = view.first, first == " " || first == "\t" || first == "\r" { view = view.dropFirst() }
    while let last = view.last, last == " " || last == "\t" || last == "\r" { view = view.dropLast() }
    return String(view)
  }
}
