import Foundation

/// Where a finding is shown.
public struct Location: Sendable, Equatable {
  public var line: Int
  public var column: Int
  /// For a mail message: the line and column in the decoded body text.
  public var decodedLine: Int?
  public var decodedColumn: Int?
}

/// The bytes of one message as saved, with where they sit in the file.
struct RawWindow: Sendable {
  let bytes: [UInt8]
  /// File offset of `bytes[0]`.
  let base: Int
  /// 0-based line of `bytes[0]` in the file.
  let baseLine: Int
  /// Sorted file offsets where a character starts, for a body in a
  /// multibyte charset (Shift_JIS, ISO-2022-JP): there columns count these
  /// characters, not bytes. Nil for UTF-8 and single-byte charsets.
  var characterStarts: [Int]? = nil
  /// File offsets of the body those starts are in: a byte there that
  /// starts no character (an ISO-2022-JP escape) takes no column.
  var characterRange: Range<Int> = 0..<0
}

extension RawWindow {
  /// 1-based line and column of file offsets, asked in order, in linear
  /// time: it counts on from the last place asked instead of from the
  /// message's start. Columns count Unicode scalars where the line is
  /// UTF-8, bytes (one a character) where it is in a single-byte charset,
  /// and characters in a multibyte charset's body.
  final class Cursor {
    let window: RawWindow
    private var offset = 0
    private var line = 0
    private var column = 0
    /// Whether the current line is UTF-8 (columns count scalars) or in a
    /// single-byte charset (columns count bytes); nil until a column on it
    /// is counted (most lines are only passed).
    private var lineIsUTF8: Bool? = nil
    /// Where the current line starts.
    private var lineStart = 0
    /// The next entry of `window.characterStarts` not yet passed.
    private var startIndex = 0

    init(_ window: RawWindow) { self.window = window }

    private func isUTF8(lineFrom start: Int) -> Bool {
      let bytes = window.bytes
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      return TextFile.firstInvalidUTF8(Array(bytes[start..<end])) == nil
    }

    func position(of absolute: Int) -> (line: Int, column: Int) {
      let target = max(0, min(absolute - window.base, window.bytes.count))
      if target < offset {
        (offset, line, column, startIndex, lineStart) = (0, 0, 0, 0, 0)
        lineIsUTF8 = nil
      }
      let bytes = window.bytes
      guard let starts = window.characterStarts else {
        // No multibyte charset: whole lines are passed at a newline search
        // each, and only the line the target is on is checked for UTF-8
        // and counted.
        bytes.withUnsafeBufferPointer { buffer in
          while offset < target, let newline = buffer[offset..<target].firstIndex(of: 0x0A) {
            line += 1
            column = 0
            offset = newline + 1
            lineStart = offset
            lineIsUTF8 = nil
          }
          guard offset < target else { return }
          if lineIsUTF8 == nil { lineIsUTF8 = isUTF8(lineFrom: lineStart) }
          if lineIsUTF8 == true {
            for index in offset..<target where buffer[index] & 0xC0 != 0x80 { column += 1 }
          } else {
            column += target - offset
          }
          offset = target
        }
        return (window.baseLine + line + 1, column + 1)
      }
      let startsRange = window.characterRange
      while offset < target {
        let byte = bytes[offset]
        let absolute = window.base + offset
        offset += 1
        if byte == 0x0A {
          line += 1
          column = 0
          lineStart = offset
          lineIsUTF8 = nil
        } else if startsRange.contains(absolute) {
          while startIndex < starts.count, starts[startIndex] < absolute { startIndex += 1 }
          if startIndex < starts.count, starts[startIndex] == absolute { column += 1 }
        } else {
          if lineIsUTF8 == nil { lineIsUTF8 = isUTF8(lineFrom: lineStart) }
          if lineIsUTF8 == false || byte & 0xC0 != 0x80 { column += 1 }
        }
      }
      return (window.baseLine + line + 1, column + 1)
    }
  }
}

/// Maps positions in a message's decoded text back to the file as saved.
public struct MailLocator: Sendable {
  let window: RawWindow
  /// Offsets in the decoded document.
  let subjectStart: Int
  let bodyStart: Int
  /// 1-based line of the body's first line in the decoded document.
  let bodyLine: Int
  /// File offset of the Subject value, and whether the decoded subject is
  /// the same bytes (so columns inside it carry over).
  let subjectOffset: Int?
  let subjectExact: Bool
  /// File offset of each body byte, when the encoding keeps them.
  let bodyOffsets: [Int]?
  /// File offset of the body part's first line.
  let anchor: Int
  /// File offset of the message's headers.
  let headers: Int

  func locate(_ offset: Int, position: (line: Int, column: Int)) -> Location {
    locate(offset, position: position, cursor: RawWindow.Cursor(window))
  }

  /// A cursor over this message's bytes, for `locate(_:position:cursor:)`.
  func cursor() -> RawWindow.Cursor { RawWindow.Cursor(window) }

  func locate(_ offset: Int, position: (line: Int, column: Int), cursor: RawWindow.Cursor) -> Location {
    if offset < bodyStart {
      guard let subjectOffset else {
        let place = cursor.position(of: headers)
        return Location(line: place.line, column: place.column)
      }
      let raw = subjectExact ? subjectOffset + max(0, offset - subjectStart) : subjectOffset
      let place = cursor.position(of: raw)
      return Location(line: place.line, column: place.column)
    }
    let index = offset - bodyStart
    let raw: Int
    if let bodyOffsets, !bodyOffsets.isEmpty {
      raw = bodyOffsets[min(index, bodyOffsets.count - 1)]
    } else {
      raw = anchor
    }
    let place = cursor.position(of: raw)
    return Location(
      line: place.line, column: place.column, decodedLine: position.line - bodyLine + 1, decodedColumn: position.column)
  }
}

/// What linting one file gave.
public struct FileLint: Sendable {
  public var findings: [Finding] = []
  public var warnings: [Warning] = []
}

/// The kinds of email file `lint` reads.
public enum EmailKind: String, Sendable {
  case markdown, plain, message, mbox

  /// By the file's extension; nil when it says nothing.
  public static func of(path: String) -> EmailKind? {
    // By bytes: this runs for every file (a Foundation search cost 1% of a
    // corpus lint).
    let bytes = path.utf8
    guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), !bytes[dot...].contains(UInt8(ascii: "/")) else { return nil }
    let lowered = bytes[bytes.index(after: dot)...].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    switch String(decoding: lowered, as: UTF8.self) {
    case "md", "markdown": return .markdown
    case "txt", "text": return .plain
    case "eml", "msg.txt", "msg": return .message
    case "mbox", "mbx": return .mbox
    default: return nil
    }
  }

  /// By content, for standard input and files with another name: an mbox
  /// starts `From `; a message has a header block with MIME or transport
  /// headers; anything else is a Markdown email.
  public static func detect(_ bytes: [UInt8]) -> EmailKind {
    if GMime.startsWithFrom(bytes[...]) { return .mbox }
    if OutlookMessage.isOutlook(bytes) { return .message }
    let mailOnly: Set<String> = [
      "mime-version", "content-type", "content-transfer-encoding", "received", "message-id", "return-path",
      "dkim-signature", "delivered-to", "x-unsent",
      // What mail clients add to a saved or mboxed message (mutt, Thunderbird, Gmail).
      "status", "x-status", "x-mozilla-status", "x-mozilla-status2", "x-gmail-labels", "x-gm-thrid", "envelope-to",
      "x-original-to", "authentication-results", "arc-seal",
    ]
    var start = 0
    var lines = 0
    while start < bytes.count, lines < 200 {
      var end = start
      while end < bytes.count, bytes[end] != 0x0A { end += 1 }
      let line = bytes[start..<end]
      if line.isEmpty || line.elementsEqual([0x0D]) { break }
      if line.first != 0x20, line.first != 0x09 {
        guard let name = EmailDocument.headerName(line) else { break }
        if lines == 0, !EmailDocument.isHeaderName(name) { break }
        if mailOnly.contains(name.lowercased()) { return .message }
      }
      lines += 1
      start = end + 1
    }
    return .markdown
  }
}

extension Linter {
  /// Lints one email file of any kind (Markdown, plain text, a message, an
  /// mbox), chosen by extension or, failing that, by content.
  public func lintFile(path: String) throws -> FileLint {
    try lintFile(path: path, in: .path)
  }

  /// `lintFile(path:)`, with the path's folder already open (see `Folders`).
  func lintFile(path: String, in folder: Folders.Place) throws -> FileLint {
    let named = EmailKind.of(path: path)
    if named == .mbox {
      let descriptor = try TextFile.open(path: path, in: folder)
      defer { close(descriptor) }
      return try lintMail(path: path, input: .file(descriptor: descriptor, path: path), mbox: true)
    }
    let bytes = try TextFile.read(path: path, in: folder, limit: OutlookMessage.limit(path: path), validate: false)
    return try lint(path: path, bytes: bytes, kind: named)
  }

  /// `bytes` with each match of `patterns` (its group 1 when it has one)
  /// made spaces, line breaks kept.
  static func masking(_ bytes: [UInt8], with patterns: [RE2Regex.Lazy]) -> [UInt8] {
    var out = bytes
    bytes.withUnsafeBufferPointer { buffer in
      for pattern in patterns {
        guard let regex = pattern.regex else { continue }
        for group in [1, 0] {
          var found = false
          regex.forEachMatch(in: buffer, group: group) { start, end in
            found = true
            for index in start..<end where out[index] != 0x0A && out[index] != 0x0D { out[index] = 0x20 }
          }
          if found { break }
        }
      }
    }
    return out
  }

  /// Lints bytes already read (standard input, a file).
  public func lint(path: String, bytes: [UInt8], kind: EmailKind? = nil) throws -> FileLint {
    let kind = kind ?? EmailKind.detect(bytes)
    switch kind {
    case .markdown, .plain:
      var valid = try TextFile.validate(path: path, bytes: bytes)
      // Vale's BlockIgnores and TokenIgnores: their matches become spaces
      // (line breaks kept), so nothing in them is linted and every offset
      // stays the file's.
      if !ignores.isEmpty { valid = Self.masking(valid, with: ignores) }
      // A lone CR (classic Mac line ends) ends a line, as in cmark and
      // Vale; made LF in place, so every offset stays the file's.
      if valid.holdsByte(0x0D) {
        for index in valid.indices where valid[index] == 0x0D && (index + 1 == valid.count || valid[index + 1] != 0x0A) {
          valid[index] = 0x0A
        }
      }
      var warnings: [Warning] = []
      var syntax: EmailSyntax = ignoreSyntax ? .lines : kind == .plain ? .plain : .markdown
      // Only a file larger than the limit can hold more delimiters than it.
      let markup = syntax == .markdown && valid.count > Self.markupLimit ? Self.markupCount(valid) : 0
      // Only a file larger than this can hold enough image openers and
      // brackets to slow cmark (2x + y bytes hold at most n²/8 pairs).
      let images =
        syntax == .markdown && valid.count > Self.imageBracketBytes ? Self.imageBrackets(valid) : (openers: 0, closers: 0)
      if images.openers * images.closers > Self.imageBracketLimit {
        // libcmark-gfm 0.29 (and libcmark 0.30.2) walks back over every
        // image opener (`![`) still open each time it closes a link
        // (CVE-2023-22486): `![[]()` repeated took 7 s at 300 KB, and grows
        // with the square. Read as plain text, in linear time, and said so.
        syntax = .plain
        warnings.append(
          Warning(
            path: path, line: 1,
            message:
              "\(plainNumber(Double(images.openers))) image openers (`![`) before \(plainNumber(Double(images.closers))) closing brackets, which cmark matches in time that grows with their product; read it as plain text"
          ))
      } else if markup > Self.markupLimit {
        // cmark keeps a node for each delimiter, about 190 bytes apiece: a
        // 9 MB run of `*a_` would take 1.7 GB. Such a file is read as
        // plain text, in bounded memory, and said so.
        syntax = .plain
        warnings.append(
          Warning(
            path: path, line: 1,
            message:
              "\(plainNumber(Double(markup))) Markdown markup characters and lines, over the \(plainNumber(Double(Self.markupLimit))) that are parsed as Markdown in bounded memory; read it as plain text"
          ))
      }
      let document = EmailDocument(
        source: SourceText(path: path, bytes: valid), syntax: syntax, mail: mail, ignoredInline: ignoredInline)
      let result = lintDocument(document)
      // (Appending none to an empty list made it a list of its own.)
      if !result.limited.isEmpty { warnings += result.limited.map { Self.limitWarning(path: path, rule: $0) } }
      // Text a reader sees that could not be read: the run is incomplete
      // (exit 2), as for an HTML mail body, never a silent pass.
      if let line = document.unreadHTMLLines.first {
        throw OutreachError.mail(
          path: "\(path):\(line + 1)",
          problem:
            "the HTML block here is text a reader sees, and reading it needs libxml2 (libxml2.so.2), which is not installed",
          fix: "install it: sudo apt-get install libxml2")
      }
      return FileLint(findings: result.findings, warnings: warnings)
    case .message, .mbox:
      if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
        throw OutreachError.empty(path: path)
      }
      if kind == .message, OutlookMessage.isOutlook(path: path, bytes: bytes) {
        // Outlook's .msg: read as the message it stands for.
        guard GMime.available else { throw GMime.missing(path: path) }
        let content = try OutlookMessage.read(path: path, bytes: bytes)
        var result = try lintMail(path: path, input: .memory(OutlookMessage.compose(content)), mbox: false)
        if content.body == nil, content.html == nil {
          // Said, never skipped in silence: what is not read is named.
          result.warnings.append(
            Warning(
              path: path, line: 1,
              message: content.hasRTF
                ? "the body is in Outlook's rich text (RTF) only, which outreach does not read; linted the subject only (save it from Outlook in HTML or plain text, or as .eml)"
                : "the message has no plain or HTML body; linted the subject only"))
        }
        return result
      }
      do {
        return try lintMail(path: path, input: .memory(bytes), mbox: kind == .mbox)
      } catch let error as OutreachError where kind == .message {
        // A saved message with no header block at all: GMime builds no
        // message, and a mail client shows the text as the body. So does
        // outreach, with one warning, as plain text at exact positions.
        let firstLine = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
        let hasHeaders =
          EmailDocument.headerName(firstLine[...]).map { !$0.contains(" ") } ?? false
        guard case .mail = error, !hasHeaders, !bytes.contains(0), TextFile.firstInvalidUTF8(bytes) == nil else { throw error }
        var result = try lint(path: path, bytes: bytes, kind: .plain)
        result.warnings.insert(
          Warning(path: path, line: 1, message: "the message has no header block, so no subject; read it all as the body"),
          at: 0)
        return result
      }
    }
  }

  /// The most Markdown delimiters and lines a file may have to be parsed
  /// as Markdown (cmark's memory grows with them, not with the bytes).
  static let markupLimit = 1_000_000

  /// Lines plus the bytes that can open an inline node in CommonMark.
  static func markupCount(_ bytes: [UInt8]) -> Int {
    var count = 0
    bytes.withUnsafeBufferPointer { buffer in
      for byte in buffer {
        switch byte {
        case 0x0A, 0x2A, 0x5F, 0x5B, 0x5D, 0x3C, 0x60, 0x21, 0x26, 0x5C: count += 1
        default: break
        }
      }
    }
    return count
  }

  /// The most image openers times closing brackets parsed as Markdown
  /// (cmark's cost grows with the product: 20 million is about 0.1 s).
  static let imageBracketLimit = 20_000_000
  static let imageBracketBytes = 12_000

  /// The image openers (`![`) and closing brackets (`]`) of `bytes`.
  static func imageBrackets(_ bytes: [UInt8]) -> (openers: Int, closers: Int) {
    var openers = 0
    var closers = 0
    bytes.withUnsafeBufferPointer { buffer in
      var previous: UInt8 = 0
      for byte in buffer {
        if byte == 0x5D { closers += 1 } else if byte == 0x5B, previous == 0x21 { openers += 1 }
        previous = byte
      }
    }
    return (openers, closers)
  }

  static let mailBatch = 64
  /// An mbox file larger than this is cut at `From ` lines into pieces
  /// parsed and linted on every core.
  static let mboxPieceBytes = 1 << 20

  func lintMail(path: String, input: MailInput, mbox: Bool, pieceBytes: Int = mboxPieceBytes) throws -> FileLint {
    // The mail libraries are loaded here, on the first message, not at start.
    guard GMime.available else { throw GMime.missing(path: path) }
    guard HTMLText.library != nil else { throw HTMLText.missing(path: path) }
    var cut: [Range<Int>?] = [nil]
    if mbox, case .file(let descriptor, _) = input {
      var info = stat()
      fstat(descriptor, &info)
      cut = Self.mboxPieces(
        input: input, size: Int(info.st_size), cores: ProcessInfo.processInfo.activeProcessorCount, pieceBytes: pieceBytes)
    }
    let pieces = cut
    let box = ResultBox<MailPiece>(count: pieces.count)
    let run: @Sendable (Int) -> Void = { index in
      box.set(index, self.lintMailPiece(path: path, input: input, mbox: mbox, range: pieces[index]))
    }
    if pieces.count == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: pieces.count, execute: run) }
    // Each piece counted lines from its own start: shift them into place.
    var result = FileLint()
    var lineBase = 0
    var messages = 0
    var readable = 0
    for number in pieces.indices {
      // Taken out of the box, each piece's findings are shifted in place
      // (a copy of each finding costs a retain of each of its strings).
      var piece = box.take(number)
      for index in piece.result.findings.indices { piece.result.findings[index].line += lineBase }
      result.findings += piece.result.findings
      result.warnings += piece.result.warnings.map { warning in
        var shifted = warning
        shifted.line += lineBase
        return shifted
      }
      lineBase += piece.lines
      messages += piece.messages
      readable += piece.readable
    }
    if readable == 0 {
      let why = messages == 0 ? "no message in it" : result.warnings.last?.message ?? "nothing readable"
      throw OutreachError.mail(path: path, problem: why, fix: "check that it is a saved email (.eml) or an mbox")
    }
    return result
  }

  /// Cuts an mbox into about one piece a core (none under a megabyte),
  /// each starting at a real `From ` line (`GMime.isFromLine`).
  static func mboxPieces(input: MailInput, size: Int, cores: Int, pieceBytes: Int) -> [Range<Int>?] {
    let count = max(1, min(cores * 2, size / pieceBytes))
    guard count > 1 else { return [nil] }
    var starts = [0]
    for index in 1..<count {
      var probe = max(starts.last! + 1, size * index / count)
      // Find the next "\nFrom " at or after the probe.
      var found: Int? = nil
      while probe < size, found == nil {
        let chunk = input.bytes(probe..<min(size, probe + 1 << 16))
        if chunk.isEmpty { break }
        var at = 0
        while at + 6 <= chunk.count {
          if chunk[at] == 0x0A, chunk[at + 1] == 0x46, chunk[at + 2] == 0x72, chunk[at + 3] == 0x6F, chunk[at + 4] == 0x6D,
            chunk[at + 5] == 0x20,
            GMime.isSeparator(input.bytes((probe + at + 1)..<min(size, probe + at + 1025)))
          {
            found = probe + at + 1
            break
          }
          at += 1
        }
        probe += max(1, chunk.count - 5)
      }
      guard let found, found < size else { break }
      starts.append(found)
    }
    return starts.indices.map { index in starts[index]..<(index + 1 < starts.count ? starts[index + 1] : size) }
  }

  struct MailPiece: Sendable {
    var result = FileLint()
    var messages = 0
    var readable = 0
    /// Lines in the piece.
    var lines = 0
  }

  func lintMailPiece(path: String, input: MailInput, mbox: Bool, range: Range<Int>?) -> MailPiece {
    var piece = MailPiece()
    var counter = LineCounter(offset: range?.lowerBound ?? 0, line: 0)
    // GMime parses on this thread; batches of messages are linted on every
    // core, so memory is bounded by a batch, not the mbox.
    var batch: [(ParsedMessage, RawWindow)] = []
    func flush() {
      let work = batch
      let box = ResultBox<[Finding]>(count: work.count)
      let lintOne: @Sendable (Int) -> Void = { item in
        let (message, window) = work[item]
        var findings = self.lint(MailDocument.make(path: path, message: message, window: window, mail: self.mail))
        for index in findings.indices {
          findings[index].messageID = message.messageID
          findings[index].subject = message.subject
        }
        box.set(item, findings)
      }
      if range == nil {
        DispatchQueue.concurrentPerform(iterations: work.count, execute: lintOne)
      } else {
        // Pieces already run on every core.
        for item in work.indices { lintOne(item) }
      }
      for findings in box.values { piece.result.findings += findings }
      batch.removeAll(keepingCapacity: true)
    }
    var lastEnd = range?.lowerBound ?? 0
    GMime.forEachMessage(in: input, mbox: mbox, range: range) { message in
      piece.messages += 1
      lastEnd = max(lastEnd, message.end)
      let baseLine = counter.line(at: message.start, in: input)
      let headersLine = baseLine + 1 + message.window.prefix(max(0, message.headersBegin - message.start)).count(of: 0x0A)
      // The next message starts where this one ends: count its lines now,
      // from the bytes already read.
      counter.pass(message.window, to: message.end)
      let label = mbox ? "message <\(message.messageID ?? "no Message-ID")>" : "the message"
      func warn(_ text: String) {
        piece.result.warnings.append(Warning(path: path, line: headersLine, message: "\(label): \(text)"))
      }
      for warning in message.warnings { warn(warning) }
      if message.headerCount == 0 { warn("no header block, so no subject; read it all as the body") }
      guard message.end - message.start <= TextFile.defaultLimit else {
        warn("over the \(TextFile.defaultLimit / 1_000_000) MB limit for one message; skipped it")
        return
      }
      if message.body == nil, message.subject == nil {
        warn("nothing readable (no subject and no text part)")
        return
      }
      if message.body == nil { warn("no text/plain or text/html part; linted the subject only") }
      piece.readable += 1
      let window = RawWindow(bytes: message.window, base: message.start, baseLine: baseLine)
      batch.append((message, window))
      if batch.count == Self.mailBatch { flush() }
    }
    flush()
    if let range { piece.lines = counter.line(at: range.upperBound, in: input) }
    return piece
  }
}

/// Counts lines in the input up to an offset, front to back, reading each
/// byte once however many messages an mbox holds.
struct LineCounter {
  var offset = 0
  var line = 0

  mutating func line(at target: Int, in input: MailInput) -> Int {
    if target > offset {
      line += newlines(in: offset..<target, input: input)
      offset = target
    }
    return line
  }

  /// Moves past bytes already read (`offset` up to `target`).
  mutating func pass(_ bytes: [UInt8], to target: Int) {
    guard target > offset, target - offset == bytes.count else { return }
    line += bytes.count(of: 0x0A)
    offset = target
  }

  func newlines(in range: Range<Int>, input: MailInput) -> Int {
    guard !range.isEmpty else { return 0 }
    var count = 0
    switch input {
    case .memory(let bytes):
      let clamped = min(range.lowerBound, bytes.count)..<min(range.upperBound, bytes.count)
      bytes.withUnsafeBufferPointer { buffer in
        for index in clamped where buffer[index] == 0x0A { count += 1 }
      }
    case .file:
      var start = range.lowerBound
      while start < range.upperBound {
        let chunk = input.bytes(start..<min(range.upperBound, start + 1 << 16))
        if chunk.isEmpty { break }
        for byte in chunk where byte == 0x0A { count += 1 }
        start += chunk.count
      }
    }
    return count
  }
}

/// Builds the document `Linter` reads from a parsed message: a `Subject:`
/// line with the decoded subject, a blank line, the decoded body as plain
/// text, and a locator back to the file as saved.
enum MailDocument {
  static func make(path: String, message: ParsedMessage, window: RawWindow, mail: MailSettings) -> EmailDocument {
    var text: [UInt8] = []
    var subjectStart = 0
    if let subject = message.subject {
      text += Array("Subject: ".utf8)
      subjectStart = text.count
      // A decoded subject is one line.
      text += subject.utf8.map { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 ? 0x20 : $0 }
    } else {
      // A header block with no subject: the subject rule reports it missing.
      text += Array("X-Outreach-Message: 1".utf8)
    }
    text += [0x0A, 0x0A]
    let bodyStart = text.count
    var offsets: [Int]? = nil
    var characterStarts: [Int]? = nil
    if let body = message.body {
      switch body.kind {
      case .plain:
        var mapped = MappedText(
          bytes: body.bytes, offsets: body.inputOffsets, characterStarts: body.characterStarts)
        if body.flowed { mapped = Charsets.unflow(mapped, delSp: body.delSp) }
        text += Self.blankingUuencode(mapped.bytes.map { $0 == 0 ? 0x20 : $0 })
        offsets = mapped.offsets
        if mapped.characterStarts, let all = mapped.offsets {
          characterStarts = Array(Set(all)).sorted()
        }
      case .html:
        text += HTMLText.text(body.bytes) ?? []
      }
    }
    var exact = false
    if let raw = message.subjectRaw, let subject = message.subject {
      // GMime's raw value ends with its line break: an unfolded, unencoded
      // subject is the same bytes, so a finding keeps its exact column.
      var value = Substring(raw)
      while let last = value.utf8.last, last == 0x0A || last == 0x0D { value = value.dropLast() }
      exact = !value.utf8.contains(0x0A) && String(value).trimmingSpaces == subject
    }
    let locator = MailLocator(
      window: RawWindow(
        bytes: window.bytes, base: window.base, baseLine: window.baseLine, characterStarts: characterStarts,
        characterRange: characterStarts.map { min($0.first ?? 0, message.body?.anchor ?? 0)..<(($0.last ?? 0) + 1) }
          ?? 0..<0),
      subjectStart: subjectStart, bodyStart: bodyStart, bodyLine: 3, subjectOffset: message.subjectOffset,
      subjectExact: exact, bodyOffsets: offsets, anchor: message.body?.anchor ?? message.headersBegin,
      headers: message.headersBegin)
    return EmailDocument(source: SourceText(path: path, bytes: text), syntax: .plain, mail: mail, locator: locator)
  }
}

extension MailDocument {
  /// An inline uuencoded attachment (`begin 644 photo.png` ... `end`) is
  /// data, not the sender's words: its bytes become spaces (line breaks
  /// kept, so positions after it stay exact) and it is neither linted nor
  /// counted.
  static func blankingUuencode(_ bytes: [UInt8]) -> [UInt8] {
    // A line starting "begin ", found with a byte scan (a generic
    // `firstRange(of:)` costs every message of an mbox several percent).
    let begin: [UInt8] = Array("begin ".utf8)
    func nextBegin(from offset: Int) -> Int? {
      var index = offset
      while index + begin.count <= bytes.count {
        if index == 0 || bytes[index - 1] == 0x0A, bytes[index] == 0x62,
          bytes[index..<(index + begin.count)].elementsEqual(begin)
        {
          return index
        }
        guard let newline = bytes[index...].firstIndex(of: 0x0A) else { return nil }
        index = newline + 1
      }
      return nil
    }
    guard let first = nextBegin(from: 0) else { return bytes }
    var out = bytes
    var start = first
    while start < out.count {
      // `begin MODE NAME` at a line start, MODE three or four octal digits.
      let atLineStart = start == 0 || out[start - 1] == 0x0A
      let lineEnd = out[start...].firstIndex(of: 0x0A) ?? out.count
      let fields = out[start..<lineEnd].split(separator: 0x20)
      if atLineStart, fields.count >= 3, fields[0].elementsEqual("begin".utf8),
        (3...4).contains(fields[1].count), fields[1].allSatisfy({ (0x30...0x37).contains($0) })
      {
        // Through the `end` line (or the end of the text).
        var cursor = lineEnd
        var stop = out.count
        while cursor < out.count {
          let next = cursor + 1
          let nextEnd = out[min(next, out.count)...].firstIndex(of: 0x0A) ?? out.count
          var line = out[min(next, out.count)..<nextEnd]
          if line.last == 0x0D { line = line.dropLast() }
          if line.elementsEqual("end".utf8) {
            stop = nextEnd
            break
          }
          cursor = nextEnd
        }
        for index in start..<stop where out[index] != 0x0A { out[index] = 0x20 }
        start = stop
        continue
      }
      guard let next = nextBegin(from: min(lineEnd + 1, out.count)) else { break }
      start = next
    }
    return out
  }
}

extension Collection where Element == UInt8 {
  /// How many times `byte` occurs.
  func count(of byte: UInt8) -> Int {
    var total = 0
    for element in self where element == byte { total += 1 }
    return total
  }
}
