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
}

/// An email file (contract section 2): an optional header block, a blank
/// line, a CommonMark body, and an optional signature after `-- `.
public struct EmailDocument: Sendable {
  public static let headerNames: Set<String> = ["to", "cc", "bcc", "subject", "from", "reply-to"]

  public let source: SourceText
  public let headers: [EmailHeader]
  public let hasHeaderBlock: Bool
  /// Byte offset where the body starts.
  public let bodyStart: Int
  /// 0-based line index of the signature delimiter, if any.
  public let signatureLine: Int?
  public let prose: Prose
  public let dividers: [Int]
  public let switches: [InlineSwitch]

  public var subject: EmailHeader? { headers.first { $0.name.lowercased() == "subject" } }

  public init(path: String, text: String) {
    self.init(source: SourceText(path: path, text: text))
  }

  /// - Parameter anyHeaderName: a file saved from a mail client (`.eml`)
  ///   starts with headers of every kind (Received:, Message-ID:, ...).
  public init(source: SourceText, anyHeaderName: Bool? = nil) {
    let isEML = anyHeaderName ?? source.path.lowercased().hasSuffix(".eml")
    self.source = source
    let bytes = source.bytes
    var headers: [EmailHeader] = []
    var bodyLine = 0
    let firstLine = source.lineCount > 0 ? source.lineRange(0) : 0..<0
    let startsWithHeader = Self.headerName(bytes[firstLine]).map { isEML || Self.headerNames.contains($0.lowercased()) } ?? false
    if startsWithHeader {
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

    var signature: Int? = nil
    if bodyLine < source.lineCount {
      for line in bodyLine..<source.lineCount {
        let range = source.lineRange(line)
        if bytes[range].elementsEqual([0x2D, 0x2D, 0x20]) || bytes[range].elementsEqual([0x2D, 0x2D]) {
          signature = line
          break
        }
      }
    }
    self.signatureLine = signature

    var writer = ProseWriter()
    if let subject = headers.first(where: { $0.name.lowercased() == "subject" }) {
      writer.beginBlock()
      let range = source.lineRange(subject.line)
      writer.plain(bytes[subject.valueOffset..<range.upperBound], startingAt: subject.valueOffset)
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
    let bodyEnd = signature.map { source.lineStarts[$0] } ?? bytes.count
    CommonMark.parse(source: source, range: bodyStart..<bodyEnd, region: .body, into: &writer, facts: &facts)
    if let signature, signature + 1 < source.lineCount {
      CommonMark.parse(
        source: source, range: source.lineStarts[signature + 1]..<bytes.count, region: .signature,
        into: &writer, facts: &facts)
    }
    self.prose = writer.prose
    self.dividers = facts.dividers
    self.switches = Self.findSwitches(source: source, from: bodyLine, skipping: facts.codeLines)
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
    guard firstLine < source.lineCount, contains(source.bytes, marker) else { return [] }
    for line in firstLine..<source.lineCount {
      let range = source.lineRange(line)
      let bytes = source.bytes[range]
      guard bytes.count > 12, contains(bytes, marker),
        !code.contains(where: { $0.contains(line) })
      else { continue }
      var text = Substring(String(decoding: bytes, as: UTF8.self))
      while let open = text.range(of: "<!--") {
        guard let close = text.range(of: "-->", range: open.upperBound..<text.endIndex) else { break }
        let words = text[open.upperBound..<close.lowerBound].split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        text = text[close.upperBound...]
        guard let command = words.first else { continue }
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
  static func contains<C: Collection>(_ bytes: C, _ needle: [UInt8]) -> Bool where C.Element == UInt8, C.Index == Int {
    guard let first = needle.first, bytes.count >= needle.count else { return false }
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
  public func isDisabled(rule: String, line: Int) -> Bool {
    var disabled = false
    for item in switches {
      if item.line > line { break }
      guard item.rules.isEmpty || item.rules.contains(rule) else { continue }
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
    var view = Substring(self)
    while let first = view.first, first == " " || first == "\t" || first == "\r" { view = view.dropFirst() }
    while let last = view.last, last == " " || last == "\t" || last == "\r" { view = view.dropLast() }
    return String(view)
  }
}
