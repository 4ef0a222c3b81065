import CGMime
import Foundation

/// One message as GMime reads it: the decoded subject and the body the
/// recipient reads, with where each piece sits in the input.
struct ParsedMessage {
  var messageID: String?
  /// The decoded subject (RFC 2047 words decoded, folding undone); nil when
  /// the message has no Subject header.
  var subject: String?
  /// Input offset of the Subject header's value, and its raw text.
  var subjectOffset: Int?
  var subjectRaw: String?
  /// Raw values of From, To, Cc, Date, In-Reply-To and References (the
  /// first of each), when asked for (mail history).
  var fields: [String: String] = [:]
  var body: MailBody?
  /// Input offset where the message starts (its mbox `From ` line, or
  /// where the one before it ended).
  var start: Int
  /// Input offset where its headers begin.
  var headersBegin = 0
  /// Input offset just past the message.
  var end: Int
  var headerCount: Int
  var warnings: [String] = []
  /// The input bytes `start..<end`, read once for everything that maps
  /// positions back to the file.
  var window: [UInt8] = []
}

/// The text part a recipient reads, decoded to UTF-8.
struct MailBody {
  /// Two parts a reader sees one after the other, as one body: a blank
  /// line between them, each byte keeping its input offset (none where
  /// either part has none).
  static func joined(_ first: MailBody, _ second: MailBody) -> MailBody {
    var joined = first
    var separator: [UInt8] = first.bytes.last == 0x0A ? [0x0A] : [0x0A, 0x0A]
    if first.bytes.isEmpty { separator = [] }
    joined.bytes += separator + second.bytes
    if let head = first.inputOffsets, let tail = second.inputOffsets {
      joined.inputOffsets = head + Array(repeating: tail.first ?? second.anchor, count: separator.count) + tail
    } else {
      joined.inputOffsets = nil
    }
    joined.characterStarts = first.characterStarts || second.characterStarts
    return joined
  }

  enum Kind { case plain, html }
  var kind: Kind
  /// UTF-8, transfer and charset encodings undone, CRLF made LF.
  var bytes: [UInt8]
  /// For each byte of `bytes`, the input offset of the byte (or the `=XX`
  /// escape) it was decoded from; nil where the encoding loses positions
  /// (base64, a multibyte charset other than UTF-8).
  var inputOffsets: [Int]?
  /// Whether `inputOffsets` mark character starts in a multibyte charset.
  var characterStarts = false
  /// Input offset of the part's first body byte.
  var anchor: Int
  var flowed: Bool
  var delSp: Bool
}

/// Where the input bytes are: in memory (an `.eml`, standard input) or in
/// a file read piece by piece (an `.mbox` of any size).
enum MailInput {
  case memory([UInt8])
  case file(descriptor: Int32, path: String)

  func bytes(_ range: Range<Int>) -> [UInt8] {
    switch self {
    case .memory(let all):
      let clamped = max(0, min(range.lowerBound, all.count))..<max(0, min(range.upperBound, all.count))
      return Array(all[clamped])
    case .file(let descriptor, _):
      guard !range.isEmpty else { return [] }
      // Read into the array's own memory, not zero-filled first (a fill a
      // byte at a time, for every message of an mbox).
      return [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
        var total = 0
        while total < range.count {
          let count = pread(descriptor, buffer.baseAddress! + total, range.count - total, off_t(range.lowerBound + total))
          if count < 0, errno == EINTR { continue }
          if count <= 0 { break }
          total += count
        }
        initialized = total
      }
    }
  }
}

/// The loaded GMime table. Only used after `GMime.available` was checked.
@inline(__always) var gm: UnsafePointer<outreach_gmime_api> { GMime.library.unsafelyUnwrapped }

/// The one place that talks to GMime (RFC 5322 and MIME parsing, RFC 2047
/// subjects, transfer encodings, charsets).
enum GMime {
  /// GMime's functions, loaded and initialised on first use (see
  /// CGMime/shim.h); nil when GMime is not installed.
  nonisolated(unsafe) static let library = DynamicLibrary.table(outreach_gmime_load) { $0.g_mime_init() }

  /// Whether GMime could be loaded; every entry point checks it first.
  static var available: Bool { library != nil }

  /// The error to report when it could not.
  static func missing(path: String) -> OutreachError {
    .mail(
      path: path, problem: "reading mail needs GMime 3 (libgmime-3.0.so.0), which is not installed",
      fix: "install it: sudo apt-get install libgmime-3.0-0")
  }
  /// Every message of the `.eml` or `.mbox` file at `path`, each made a
  /// `T`, in the file's order. An mbox is read as `lint` reads one: cut at
  /// real From lines into pieces parsed on every core; a `.eml` is read
  /// whole, 8-bit bytes and all (mail need not be UTF-8).
  static func messages<T: Sendable>(
    ofFile path: String, fields: Bool = false, _ transform: @Sendable (ParsedMessage) -> T
  ) throws -> [T] {
    guard available else { throw missing(path: path) }
    guard EmailKind.of(path: path) == .mbox else {
      var out: [T] = []
      forEachMessage(in: .memory(try TextFile.read(path: path, validate: false)), mbox: false, fields: fields) {
        out.append(transform($0))
      }
      return out
    }
    let descriptor = try TextFile.open(path: path)
    defer { close(descriptor) }
    let input = MailInput.file(descriptor: descriptor, path: path)
    var info = stat()
    fstat(descriptor, &info)
    let pieces = Linter.mboxPieces(
      input: input, size: Int(info.st_size), cores: ProcessInfo.processInfo.activeProcessorCount,
      pieceBytes: Linter.mboxPieceBytes)
    let box = ResultBox<[T]>(count: pieces.count)
    DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
      var read: [T] = []
      forEachMessage(in: input, mbox: true, range: pieces[index], fields: fields) { read.append(transform($0)) }
      box.set(index, read)
    }
    return Array(box.values.joined())
  }

  /// Calls `body` for each message in `input`, in order: one for a single
  /// message, every message for an mbox. Memory stays bounded by the
  /// largest message, not the file.
  /// - Parameter range: for a file, the part of it to read (an mbox cut
  ///   at a `From ` line); offsets stay the file's.
  static func forEachMessage(
    in input: MailInput, mbox: Bool, range: Range<Int>? = nil, fields: Bool = false, _ body: (ParsedMessage) -> Void
  ) {
    guard available else { return }
    // One stream over the input; each message is parsed from a substream
    // of it (positions stay the input's).
    let stream: UnsafeMutablePointer<GMimeStream>?
    let total: Int
    switch input {
    case .memory(let bytes):
      total = bytes.count
      stream = bytes.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
          gm.pointee.g_mime_stream_mem_new_with_buffer($0, buffer.count)
        }
      }
    case .file(let descriptor, let path):
      var info = stat()
      fstat(descriptor, &info)
      total = Int(info.st_size)
      // GMime reads with its own descriptor (and file offset), so pieces
      // of one mbox can be parsed at once.
      let own = open(path, O_RDONLY | O_CLOEXEC)
      guard own >= 0 else { return }
      stream = gm.pointee.g_mime_stream_fs_new(own)
    }
    guard let stream else { return }
    defer { outreach_unref(gm, stream) }
    let bounds = range ?? 0..<total
    // An mbox is split here, at real `From ` lines (see `isFromLine`), not
    // by GMime, which takes any line starting "From " for one: a body line
    // "From here on, ..." would cut a message in two.
    let messages = mbox ? mboxMessages(in: input, bounds: bounds) : [bounds]
    guard let reader = Reader() else { return }
    var prelude = mbox ? (messages.first?.lowerBound ?? bounds.upperBound) - bounds.lowerBound : 0
    if prelude > 0,
      input.bytes(bounds.lowerBound..<(bounds.lowerBound + prelude)).allSatisfy({
        $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09
      })
    {
      prelude = 0
    }
    for (number, message) in messages.enumerated() {
      // The message's bytes, read once: its `From ` line, its header block
      // and the window positions are taken from them.
      let window = input.bytes(message)
      // GMime reads the message alone (as a message, not an mbox, so that
      // no line inside it is taken for a separator), after its `From ` line.
      var skip = 0
      if mbox, startsWithFrom(window[...]) {
        skip = (window.firstIndex(of: 0x0A).map { $0 + 1 }) ?? window.count
      }
      let from = message.lowerBound + skip
      // Headers that run into the body with no blank line between them:
      // GMime reads the rest as a header block cut short and drops the
      // body; a mail client (and Python's email) shows it as the body.
      let bodyWithoutBlank = headerEndWithoutBlankLine(window, from: skip).map { message.lowerBound + $0 }
      let parseEnd = bodyWithoutBlank ?? message.upperBound
      // Two Content-Type headers: GMime takes the last. The one whose
      // boundary the body holds is read (else the first, as RFC 2045 and
      // Python's email do); the others are renamed, same length, in a copy
      // that GMime reads (its offsets then count from `message`'s start).
      let duplicate = bodyWithoutBlank == nil ? DuplicateContentType.resolve(window, from: skip) : nil
      var shift = 0
      let substream: UnsafeMutablePointer<GMimeStream>?
      if let duplicate {
        shift = message.lowerBound
        substream = duplicate.bytes.withUnsafeBufferPointer { buffer in
          buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { pointer in
            gm.pointee.g_mime_stream_mem_new_with_buffer(pointer, buffer.count).flatMap { memory in
              defer { outreach_unref(gm, memory) }
              return gm.pointee.g_mime_stream_substream(memory, gint64(skip), gint64(buffer.count))
            }
          }
        }
      } else {
        substream = gm.pointee.g_mime_stream_substream(stream, gint64(from), gint64(parseEnd))
      }
      guard let substream else { continue }
      defer { outreach_unref(gm, substream) }
      if let bodyStart = bodyWithoutBlank {
        parseOne(
          substream, reader: reader, window: window, start: message.lowerBound, end: parseEnd, dropTruncation: true,
          fields: fields
        ) {
          parsed in
          var parsed = parsed
          let raw = Array(window[(bodyStart - message.lowerBound)...])
          var text = Charsets.lossyUTF8(raw, offsets: Array(bodyStart..<message.upperBound))
          text = Charsets.normalizeLineBreaks(text)
          parsed.body = MailBody(
            kind: .plain, bytes: text.bytes, inputOffsets: text.offsets, anchor: bodyStart, flowed: false, delSp: false)
          parsed.end = message.upperBound
          parsed.window = window
          parsed.warnings.insert("no blank line after the headers; read what follows them as the body", at: 0)
          body(parsed)
        }
        continue
      }
      parseOne(
        substream, reader: reader, window: window, start: message.lowerBound, end: message.upperBound, shift: shift,
        fields: fields
      ) { parsed in
        var parsed = parsed
        if let duplicate { parsed.warnings.insert(duplicate.warning, at: 0) }
        if number == 0, prelude > 0 {
          parsed.warnings.insert(
            "the \(prelude) bytes before the mbox's first From line belong to no message; skipped them", at: 0)
        }
        body(parsed)
      }
    }
  }

  /// A top-level header block with more than one Content-Type field.
  struct DuplicateContentType {
    /// The message with the fields not read renamed (`X-Dropped-CT`).
    var bytes: [UInt8]
    var warning: String

    static func resolve(_ window: [UInt8], from offset: Int) -> DuplicateContentType? {
      // The fields: (offset of the name, value unfolded, 1-based line).
      var fields: [(start: Int, value: String, line: Int)] = []
      var start = offset
      var line = 1
      let limit = min(window.count, offset + 64 * 1024)
      let name = Array("content-type:".utf8)
      var inContentType = false
      while start < limit {
        let newline = window[start..<limit].firstIndex(of: 0x0A) ?? limit
        var text = window[start..<newline]
        if text.last == 0x0D { text = text.dropLast() }
        if text.isEmpty { break }
        if text.first == 0x20 || text.first == 0x09 {
          // A folded line: part of the field before it.
          if inContentType { fields[fields.count - 1].value += " " + String(decoding: text, as: UTF8.self) }
        } else if text.count >= name.count, zip(text.prefix(name.count), name).allSatisfy({ $0 | 0x20 == $1 }) {
          fields.append((start, String(decoding: text.dropFirst(name.count), as: UTF8.self), line))
          inContentType = true
        } else {
          inContentType = false
        }
        start = newline + 1
        line += 1
      }
      guard fields.count > 1 else { return nil }
      let body = window[min(start, window.count)...]
      let chosen =
        fields.firstIndex { field in
          guard let boundary = boundary(field.value) else { return false }
          let marker = Array(("\n--" + boundary).utf8)
          return body.firstRange(of: marker) != nil || body.starts(with: marker.dropFirst())
        } ?? 0
      var bytes = window
      for (index, field) in fields.enumerated() where index != chosen {
        bytes.replaceSubrange(field.start..<(field.start + 12), with: Array("X-Dropped-CT".utf8))
      }
      let type = fields[chosen].value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
      let why = chosen == 0 && boundary(fields[0].value) == nil ? "the first" : "its boundary is in the body"
      let warning =
        "\(fields.count) Content-Type headers; read the body as `\(TerminalText.safe(type))`, "
        + "the one on line \(fields[chosen].line) of the headers (\(why))"
      return DuplicateContentType(bytes: bytes, warning: warning)
    }

    /// A multipart type's `boundary` parameter, quotes taken off.
    static func boundary(_ value: String) -> String? {
      guard value.lowercased().contains("multipart/") else { return nil }
      for parameter in value.split(separator: ";").dropFirst() {
        let pair = parameter.split(separator: "=", maxSplits: 1)
        guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
        var boundary = pair[1].trimmingCharacters(in: .whitespaces)
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 {
          boundary = String(boundary.dropFirst().dropLast())
        }
        return boundary.isEmpty ? nil : boundary
      }
      return nil
    }
  }

  /// Where the body starts when a line that is no header follows the
  /// headers with no blank line between; nil when the header block ends
  /// as it should (or there is none).
  static func headerEndWithoutBlankLine(_ window: [UInt8], from offset: Int) -> Int? {
    var start = offset
    var sawHeader = false
    let limit = min(window.count, offset + 64 * 1024)
    while start < limit {
      let newline = window[start..<limit].firstIndex(of: 0x0A) ?? limit
      var line = window[start..<newline]
      if line.last == 0x0D { line = line.dropLast() }
      if line.isEmpty { return nil }
      if line.first == 0x20 || line.first == 0x09 {
        if !sawHeader { return nil }
      } else if isHeaderLine(line) {
        sawHeader = true
      } else {
        return sawHeader ? start : nil
      }
      start = newline + 1
    }
    return nil
  }

  /// The byte ranges of an mbox's messages in `bounds`, each from its
  /// `From ` line to the next. Scanned a megabyte at a time, so memory
  /// does not follow the file.
  static func mboxMessages(in input: MailInput, bounds: Range<Int>) -> [Range<Int>] {
    var starts: [Int] = []
    var offset = bounds.lowerBound
    var previous: UInt8 = 0x0A
    let chunkSize = 1 << 20
    while offset < bounds.upperBound {
      let chunk = input.bytes(offset..<min(bounds.upperBound, offset + chunkSize))
      if chunk.isEmpty { break }
      var index = 0
      while index < chunk.count {
        let atLineStart = index == 0 ? previous == 0x0A : chunk[index - 1] == 0x0A
        // Only a line starting `From ` can start a message (a `From:`
        // header, in every message, is told apart here without a copy).
        if atLineStart, chunk[index] == 0x46, index + 5 > chunk.count || startsWithFrom(chunk[index...]) {
          let lineStart = offset + index
          // From the chunk in hand; read again only across its end.
          let line =
            index + 1024 <= chunk.count || offset + chunk.count >= bounds.upperBound
            ? Array(chunk[index..<min(chunk.count, index + 1024)])
            : input.bytes(lineStart..<min(bounds.upperBound, lineStart + 1024))
          if lineStart == bounds.lowerBound ? startsWithFrom(line[...]) : isSeparator(line) {
            starts.append(lineStart)
          }
        }
        // Jump to the next line (`memchr`, many bytes at a time).
        index = chunk.withUnsafeBufferPointer { buffer in
          guard let base = buffer.baseAddress, let found = memchr(base + index, 0x0A, buffer.count - index) else {
            return buffer.count
          }
          return base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        }
      }
      previous = chunk.last ?? previous
      offset += chunk.count
    }
    // What comes before the first `From ` line is no message (Python's
    // `mailbox` reads none there either); the caller says so.
    return starts.indices.map { starts[$0]..<($0 + 1 < starts.count ? starts[$0 + 1] : bounds.upperBound) }
  }

  /// Whether `bytes` start with `From ` (an mbox separator line's start),
  /// compared in place.
  static func startsWithFrom(_ bytes: ArraySlice<UInt8>) -> Bool {
    let start = bytes.startIndex
    return bytes.count >= 5 && bytes[start] == 0x46 && bytes[start + 1] == 0x72 && bytes[start + 2] == 0x6F
      && bytes[start + 3] == 0x6D && bytes[start + 4] == 0x20
  }

  /// Whether `bytes` (from a line start on) begin an mbox message: a
  /// `From ` line with a sender and a date (`isFromLine`), or a bare one
  /// (`From - `, as some tools write it) followed by a header line.
  static func isSeparator(_ bytes: [UInt8]) -> Bool {
    guard startsWithFrom(bytes[...]) else { return false }
    if isFromLine(bytes) { return true }
    guard let newline = bytes.firstIndex(of: 0x0A) else { return false }
    return isHeaderLine(bytes[(newline + 1)...].prefix { $0 != 0x0A && $0 != 0x0D })
  }

  /// Whether a line starts with an RFC 5322 field name and its colon: one
  /// or more printable ASCII bytes, no space, no colon.
  static func isHeaderLine(_ line: ArraySlice<UInt8>) -> Bool {
    guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex else { return false }
    return line[line.startIndex..<colon].allSatisfy { (33...126).contains($0) }
  }

  /// Whether a line is an mbox `From ` separator, as mutt and Thunderbird
  /// tell: `From`, a sender with no space in it, and a date with a time
  /// (`12:08` or `12:08:34`) and a four-digit year, as mboxo/mboxrd write
  /// it (`From MAILER-DAEMON Fri Jul  8 12:08:34 2011`, Takeout's
  /// `From 1789@xxx Thu Nov 20 09:12:00 +0000 2025`). "From here on, ..."
  /// in a body is not one.
  /// Read in one pass over the bytes, field by field (a split into fields
  /// and each field into parts was eight thousand instructions a message).
  static func isFromLine(_ line: [UInt8]) -> Bool {
    guard startsWithFrom(line[...]) else { return false }
    let end = line.firstIndex(of: 0x0A) ?? line.count
    func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
    func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    /// `12:08`, `12:08:34`, or `9:08`, `9:08:34` (one digit first, any
    /// number of two-digit parts after it).
    func isTime(_ field: ArraySlice<UInt8>) -> Bool {
      var parts = 0
      var firstLength = 0
      var restAreTwo = true
      var length = 0
      for byte in field {
        if byte == 0x3A {
          if parts == 0 { firstLength = length } else if length != 2 { restAreTwo = false }
          parts += 1
          length = 0
        } else if isDigit(byte) {
          length += 1
        } else {
          return false
        }
      }
      if parts == 0 { return false }
      if length != 2 { restAreTwo = false }
      parts += 1
      return restAreTwo && (firstLength == 2 && parts <= 3 || firstLength == 1)
    }
    var fields = 0
    var hasTime = false
    var hasYear = false
    var index = 5
    while index < end {
      while index < end, isSeparator(line[index]) { index += 1 }
      if index == end { break }
      let start = index
      while index < end, !isSeparator(line[index]) { index += 1 }
      fields += 1
      // The first field is the sender.
      if fields == 1 { continue }
      let field = line[start..<index]
      if !hasYear, field.count == 4, field.allSatisfy(isDigit) { hasYear = true }
      if !hasTime, isTime(field) { hasTime = true }
    }
    return fields >= 3 && hasTime && hasYear
  }

  /// One parser, its options and warning collector, reused for every
  /// message of a file (a parser a message cost the mbox a third).
  final class Reader {
    let parser: UnsafeMutablePointer<GMimeParser>
    let options: OpaquePointer?
    let collector = WarningCollector()

    init?() {
      guard let parser = gm.pointee.g_mime_parser_new() else { return nil }
      self.parser = parser
      options = gm.pointee.g_mime_parser_options_new()
      let context = Unmanaged.passUnretained(collector).toOpaque()
      gm.pointee.g_mime_parser_options_set_warning_callback(
        options,
        { offset, code, item, context in
          guard let context else { return }
          let collector = Unmanaged<WarningCollector>.fromOpaque(context).takeUnretainedValue()
          collector.add(offset: offset, code: code, item: item.map { String(cString: $0) })
        }, context)
    }

    deinit {
      gm.pointee.g_mime_parser_options_free(options)
      outreach_unref(gm, parser)
    }
  }

  /// Parses the one message in `stream` (an mbox message after its `From `
  /// line, or a whole `.eml`).
  private static func parseOne(
    _ stream: UnsafeMutablePointer<GMimeStream>, reader: Reader, window: [UInt8], start: Int, end: Int,
    dropTruncation: Bool = false, shift: Int = 0, fields: Bool = false, _ body: (ParsedMessage) -> Void
  ) {
    let parser = reader.parser
    let options = reader.options
    let collector = reader.collector
    collector.reset()
    gm.pointee.g_mime_parser_init_with_stream(parser, stream)
    gm.pointee.g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE)
    gm.pointee.g_mime_parser_set_persist_stream(parser, 1)
    guard let message = gm.pointee.g_mime_parser_construct_message(parser, options) else { return }
    let headersBegin = Int(gm.pointee.g_mime_parser_get_headers_begin(parser)) + shift
    // RFC 2045: a Content-Type that does not parse means text/plain.
    let invalidType = collector.codes.contains(GMIME_WARN_INVALID_CONTENT_TYPE.rawValue)
    var parsed = read(
      message, window: window, start: start, end: end, invalidContentType: invalidType, shift: shift, fields: fields)
    parsed.window = window
    parsed.headersBegin = max(0, headersBegin)
    // Headers cut off on purpose (no blank line before the body): GMime's
    // "cut short" is about the cut, not the message.
    let dropped: Set<UInt32> = dropTruncation ? [GMIME_WARN_TRUNCATED_MESSAGE.rawValue] : []
    parsed.warnings = zip(collector.items, collector.itemCodes).filter { !dropped.contains($0.1) }.map(\.0) + parsed.warnings
    outreach_unref(gm, message)
    body(parsed)
  }

  final class WarningCollector {
    var items: [String] = []
    /// The codes seen, so decisions never depend on a message's wording.
    var codes = Set<UInt32>()
    var itemCodes: [UInt32] = []
    func reset() {
      items.removeAll()
      codes.removeAll()
      itemCodes.removeAll()
    }
    func add(offset: Int, code: GMimeParserWarning, item: String?) {
      codes.insert(code.rawValue)
      let what: String
      switch code {
      case GMIME_WARN_MALFORMED_MULTIPART: what = "a multipart part has no parts (a missing or wrong boundary?)"
      case GMIME_WARN_TRUNCATED_MESSAGE: what = "the message is cut short (no closing boundary?)"
      case GMIME_WARN_MALFORMED_MESSAGE: what = "the message is malformed"
      case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: what = "a multipart part has no boundary"
      case GMIME_WARN_INVALID_CONTENT_TYPE:
        what = "an invalid Content-Type \(item.map { "(\($0))" } ?? ""), read as text/plain (RFC 2045's default)"
      case GMIME_CRIT_NESTING_OVERFLOW:
        what = "MIME parts are nested over 1,024 deep, GMime's limit, and the parts below it were not read"
      case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: what = "a MIME part has neither headers nor content"
      default: return
      }
      if !items.contains(what) {
        items.append(what)
        itemCodes.append(code.rawValue)
      }
    }
  }

  private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) }
  }

  /// - Parameter window: the input bytes `start..<end`.
  private static func read(
    _ message: UnsafeMutablePointer<GMimeMessage>, window: [UInt8], start: Int, end: Int, invalidContentType: Bool = false,
    shift: Int = 0, fields: Bool = false
  ) -> ParsedMessage {
    var parsed = ParsedMessage(start: start, end: end, headerCount: 0)
    // A subject in raw 8-bit bytes that are not UTF-8.
    var rawSubject: [UInt8]? = nil
    parsed.messageID = string(gm.pointee.g_mime_message_get_message_id(message))
    let object = outreach_as_object(message)
    if let headers = gm.pointee.g_mime_object_get_header_list(object) {
      parsed.headerCount = Int(gm.pointee.g_mime_header_list_get_count(headers))
      for index in 0..<gm.pointee.g_mime_header_list_get_count(headers) {
        guard let header = gm.pointee.g_mime_header_list_get_header_at(headers, index),
          let name = string(gm.pointee.g_mime_header_get_name(header))
        else { continue }
        let lowered = name.lowercased()
        if fields, Self.historyFields.contains(lowered), parsed.fields[lowered] == nil {
          parsed.fields[lowered] = string(gm.pointee.g_mime_header_get_raw_value(header)) ?? ""
          continue
        }
        guard lowered == "subject", parsed.subject == nil else { continue }
        let rawPointer = gm.pointee.g_mime_header_get_raw_value(header)
        let raw = string(rawPointer) ?? ""
        parsed.subject = EncodedWords.decode(raw) ?? string(gm.pointee.g_mime_message_get_subject(message)) ?? ""
        if let rawPointer {
          let bytes = Array(UnsafeRawBufferPointer(start: rawPointer, count: strlen(rawPointer)))
          // Not UTF-8, or ISO-2022-JP's escapes (7-bit, but no text as is).
          if TextFile.firstInvalidUTF8(bytes) != nil || bytes.contains(0x1B) { rawSubject = bytes }
        }
        let offset = Int(gm.pointee.g_mime_header_get_offset(header)) + shift
        if offset >= 0 {
          let leading = raw.utf8.prefix { $0 == 0x20 || $0 == 0x09 }.count
          parsed.subjectOffset = offset + name.utf8.count + 1 + leading
        }
        parsed.subjectRaw = raw
        if !fields { break }
      }
    }
    var plain: UnsafeMutablePointer<GMimePart>? = nil
    var html: UnsafeMutablePointer<GMimePart>? = nil
    if let root = gm.pointee.g_mime_message_get_mime_part(message) {
      findText(root, plain: &plain, html: &html)
      // A single part whose Content-Type does not parse (`text`, `text
      // plain`) is text/plain by RFC 2045's default, not an attachment.
      if plain == nil, html == nil, invalidContentType, outreach_is_part(gm, root) != 0 {
        plain = outreach_as_part(root)
      }
    }
    if let part = plain ?? html {
      parsed.body = decode(
        part, html: plain == nil, window: window, base: start, shift: shift, warnings: &parsed.warnings)
      // A blank text/plain alternative beside an HTML one (some senders
      // write one empty): the reader sees the HTML, so it is what is read.
      if plain != nil, let body = parsed.body, body.bytes.allSatisfy(ProseWriter.isFoldedSpace),
        let root = gm.pointee.g_mime_message_get_mime_part(message)
      {
        var none: UnsafeMutablePointer<GMimePart>? = nil
        var found: UnsafeMutablePointer<GMimePart>? = nil
        findText(root, plain: &none, html: &found, plainWanted: false)
        if let found,
          let htmlBody = decode(found, html: true, window: window, base: start, shift: shift, warnings: &parsed.warnings)
        {
          (plain, html, parsed.body) = (nil, found, htmlBody)
        }
      }
      // Text parts after it in a multipart/mixed (text, an inline image,
      // more text, as Apple Mail sends it): a reader sees them one after
      // another, so they are read too, never skipped in silence.
      if let chosen = plain ?? html, let root = gm.pointee.g_mime_message_get_mime_part(message) {
        for more in followingText(after: chosen, in: root, html: plain == nil) {
          guard let body = parsed.body,
            let next = decode(more, html: plain == nil, window: window, base: start, shift: shift, warnings: &parsed.warnings)
          else { continue }
          parsed.body = MailBody.joined(body, next)
        }
      }
    }
    if let rawSubject {
      // Raw 8-bit in a header is unlabelled; the body's charset is the
      // sender's (how mail clients read a GB2312 or Big5 subject sent raw),
      // else GMime's reading (UTF-8, then Latin-1) stands.
      var charset = (plain ?? html).flatMap {
        string(gm.pointee.g_mime_object_get_content_type_parameter(outreach_as_object($0), "charset"))
      }
      if rawSubject.contains(0x1B), TextFile.firstInvalidUTF8(rawSubject) == nil,
        charset?.lowercased().hasPrefix("iso-2022") != true
      {
        charset = "iso-2022-jp"
      }
      if let charset = charset?.lowercased().trimmingSpaces, !Charsets.utf8Names.contains(charset),
        let converted = convert(rawSubject.filter { $0 != 0x0D && $0 != 0x0A }, from: charset),
        TextFile.firstInvalidUTF8(converted) == nil,
        !String(decoding: converted, as: UTF8.self).contains("\u{FFFD}")
      {
        parsed.subject = String(decoding: converted, as: UTF8.self).trimmingSpaces
      }
    }
    return parsed
  }

  /// The headers mail history reads (`ParsedMessage.fields`).
  static let historyFields: Set<String> = ["from", "to", "cc", "date", "in-reply-to", "references"]

  /// The first inline text/plain and text/html parts, depth first; the
  /// parts of an attached message are not the sender's words. A stack of
  /// its own, not recursion, so a message nested thousands of multiparts
  /// deep is searched to its text part.
  private static func findText(
    _ root: UnsafeMutablePointer<GMimeObject>, plain: inout UnsafeMutablePointer<GMimePart>?,
    html: inout UnsafeMutablePointer<GMimePart>?, plainWanted: Bool = true
  ) {
    var stack = [root]
    while let object = stack.popLast(), plainWanted ? plain == nil : html == nil {
      if outreach_is_multipart(gm, object) != 0 {
        let multipart = outreach_as_multipart(object)
        let count = gm.pointee.g_mime_multipart_get_count(multipart)
        for index in stride(from: count - 1, through: 0, by: -1) {
          if let child = gm.pointee.g_mime_multipart_get_part(multipart, index) { stack.append(child) }
        }
        continue
      }
      guard outreach_is_part(gm, object) != 0, let type = gm.pointee.g_mime_object_get_content_type(object) else { continue }
      let part = outreach_as_part(object)
      if gm.pointee.g_mime_part_is_attachment(part) != 0 { continue }
      if plainWanted, plain == nil, gm.pointee.g_mime_content_type_is_type(type, "text", "plain") != 0 { plain = part }
      if html == nil, gm.pointee.g_mime_content_type_is_type(type, "text", "html") != 0 { html = part }
    }
  }

  /// The inline text parts that follow `first` in its nearest
  /// multipart/mixed, in order: a text part of the same kind with no file
  /// name, or the same kind's part of a multipart/alternative. Images,
  /// attachments, attached messages and files named `.txt` are not the
  /// sender's words.
  static func followingText(
    after first: UnsafeMutablePointer<GMimePart>, in root: UnsafeMutablePointer<GMimeObject>, html: Bool
  ) -> [UnsafeMutablePointer<GMimePart>] {
    let target = UnsafeMutableRawPointer(first)
    // Depth first, each entry with the multiparts above it (and the index
    // of the child taken in each): the path from the root to `first`.
    var stack: [(object: UnsafeMutablePointer<GMimeObject>, path: [(UnsafeMutablePointer<GMimeMultipart>, Int32)])] = [
      (root, [])
    ]
    var path: [(UnsafeMutablePointer<GMimeMultipart>, Int32)]? = nil
    var visited = 0
    while let (object, above) = stack.popLast(), visited < 10_000 {
      visited += 1
      if UnsafeMutableRawPointer(object) == target {
        path = above
        break
      }
      guard outreach_is_multipart(gm, object) != 0, let multipart = outreach_as_multipart(object) else { continue }
      let count = gm.pointee.g_mime_multipart_get_count(multipart)
      for index in stride(from: count - 1, through: 0, by: -1) {
        if let child = gm.pointee.g_mime_multipart_get_part(multipart, index) {
          stack.append((child, above + [(multipart, index)]))
        }
      }
    }
    guard let path,
      let (mixed, taken) = path.last(where: { entry in
        gm.pointee.g_mime_object_get_content_type(outreach_as_object(entry.0)).map {
          gm.pointee.g_mime_content_type_is_type($0, "multipart", "mixed") != 0
        } ?? false
      })
    else { return [] }
    let subtype = html ? "html" : "plain"
    func readable(_ object: UnsafeMutablePointer<GMimeObject>) -> UnsafeMutablePointer<GMimePart>? {
      guard outreach_is_part(gm, object) != 0, let type = gm.pointee.g_mime_object_get_content_type(object),
        gm.pointee.g_mime_content_type_is_type(type, "text", subtype) != 0
      else { return nil }
      let part = outreach_as_part(object)
      guard gm.pointee.g_mime_part_is_attachment(part) == 0, gm.pointee.g_mime_part_get_filename(part) == nil else { return nil }
      return part
    }
    var parts: [UnsafeMutablePointer<GMimePart>] = []
    let count = gm.pointee.g_mime_multipart_get_count(mixed)
    var index = taken + 1
    while index < count {
      defer { index += 1 }
      guard let child = gm.pointee.g_mime_multipart_get_part(mixed, index) else { continue }
      if let part = readable(child) {
        parts.append(part)
      } else if outreach_is_multipart(gm, child) != 0, let type = gm.pointee.g_mime_object_get_content_type(child),
        gm.pointee.g_mime_content_type_is_type(type, "multipart", "alternative") != 0
      {
        let alternative = outreach_as_multipart(child)
        for inner in 0..<max(0, gm.pointee.g_mime_multipart_get_count(alternative)) {
          if let object = gm.pointee.g_mime_multipart_get_part(alternative, inner), let part = readable(object) {
            parts.append(part)
            break
          }
        }
      }
    }
    return parts
  }

  private static func decode(
    _ part: UnsafeMutablePointer<GMimePart>, html: Bool, window: [UInt8], base: Int, shift: Int = 0,
    warnings: inout [String]
  ) -> MailBody? {
    guard let content = gm.pointee.g_mime_part_get_content(part) else { return nil }
    let encoding = gm.pointee.g_mime_part_get_content_encoding(part)
    let object = outreach_as_object(part)
    let label = html ? "the text/html part" : "the text/plain part"
    // Where the encoded content sits in the input.
    var rawRange: Range<Int>? = nil
    if let raw = gm.pointee.g_mime_data_wrapper_get_stream(content) {
      let start = Int(outreach_stream_start(raw))
      let end = Int(outreach_stream_end(raw))
      if start >= 0, end > start { rawRange = (start + shift)..<(end + shift) }
    }
    let raw =
      rawRange.map { range in
        Array(window[max(0, min(range.lowerBound - base, window.count))..<max(0, min(range.upperBound - base, window.count))])
      } ?? []
    // Undo the transfer encoding: on the content's bytes in hand when the
    // window holds all of them, else through GMime's streams.
    var decoded: [UInt8]
    if let rawRange, raw.count == rawRange.count,
      let direct = decodeInPlace(raw, gm.pointee.g_mime_data_wrapper_get_encoding(content))
    {
      decoded = direct
    } else {
      guard let streamed = decodeThroughStreams(content) else { return nil }
      decoded = streamed
    }
    if encoding == GMIME_CONTENT_ENCODING_BASE64, Base64Check.hasBadBytes(raw) {
      warnings.append("\(label) has characters that are not base64; read what decodes")
    }
    var offsets: [Int]? = nil
    if let rawRange {
      switch encoding {
      case GMIME_CONTENT_ENCODING_DEFAULT, GMIME_CONTENT_ENCODING_7BIT, GMIME_CONTENT_ENCODING_8BIT,
        GMIME_CONTENT_ENCODING_BINARY:
        offsets = Alignment.align(decoded: decoded, raw: raw, base: rawRange.lowerBound, quotedPrintable: false)
      case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
        offsets = Alignment.align(decoded: decoded, raw: raw, base: rawRange.lowerBound, quotedPrintable: true)
      default:
        offsets = nil
      }
    }
    let charset = string(gm.pointee.g_mime_object_get_content_type_parameter(object, "charset"))
    var text = Charsets.toUTF8(decoded, offsets: offsets, charset: charset, label: label, warnings: &warnings)
    text = Charsets.normalizeLineBreaks(text)
    let format = string(gm.pointee.g_mime_object_get_content_type_parameter(object, "format"))?.lowercased()
    let delsp = string(gm.pointee.g_mime_object_get_content_type_parameter(object, "delsp"))?.lowercased()
    return MailBody(
      kind: html ? .html : .plain, bytes: text.bytes, inputOffsets: text.offsets, characterStarts: text.characterStarts,
      anchor: rawRange?.lowerBound ?? 0, flowed: format == "flowed", delSp: delsp == "yes")
  }

  /// A part's content decoded by GMime's streams and filters.
  static func decodeThroughStreams(_ content: UnsafeMutablePointer<GMimeDataWrapper>) -> [UInt8]? {
    written { _ = gm.pointee.g_mime_data_wrapper_write_to_stream(content, $0) }
  }

  /// The bytes `write` writes to a memory stream; nil when none can be made.
  static func written(_ write: (UnsafeMutablePointer<GMimeStream>) -> Void) -> [UInt8]? {
    guard let sink = gm.pointee.g_mime_stream_mem_new() else { return nil }
    defer { outreach_unref(gm, sink) }
    write(sink)
    guard
      let array = gm.pointee.g_mime_stream_mem_get_byte_array(
        UnsafeMutableRawPointer(sink).assumingMemoryBound(to: GMimeStreamMem.self)),
      let data = array.pointee.data
    else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(array.pointee.len)))
  }

  /// `bytes` in the transfer encoding named (`base64`, `quoted-printable`,
  /// `7bit`) decoded both ways, in place and through GMime's streams, for
  /// the tests that hold one to the other.
  static func decodedBothWays(_ bytes: [UInt8], transferEncoding name: String) -> (inPlace: [UInt8]?, streams: [UInt8]?) {
    guard available else { return (nil, nil) }
    let encodings: [String: GMimeContentEncoding] = [
      "base64": GMIME_CONTENT_ENCODING_BASE64, "quoted-printable": GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
      "7bit": GMIME_CONTENT_ENCODING_7BIT, "8bit": GMIME_CONTENT_ENCODING_8BIT, "binary": GMIME_CONTENT_ENCODING_BINARY,
      "uuencode": GMIME_CONTENT_ENCODING_UUENCODE,
    ]
    guard let encoding = encodings[name] else { return (nil, nil) }
    // GMime copies the bytes into its stream.
    return bytes.withUnsafeBytes { buffer -> ([UInt8]?, [UInt8]?) in
      guard
        let stream = gm.pointee.g_mime_stream_mem_new_with_buffer(
          buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
      else { return (nil, nil) }
      defer { outreach_unref(gm, stream) }
      guard let wrapper = gm.pointee.g_mime_data_wrapper_new_with_stream(stream, encoding) else { return (nil, nil) }
      defer { outreach_unref(gm, wrapper) }
      return (decodeInPlace(bytes, encoding), decodeThroughStreams(wrapper))
    }
  }

  /// A part's content decoded as `g_mime_data_wrapper_write_to_stream`
  /// decodes it, without its streams and filter: the bytes as they are for
  /// 7bit, 8bit and binary, GMime's own base64 or quoted-printable decoder
  /// (the one its filter runs) for those, in one step. A stream, a filter
  /// stream and a filter were three GLib objects made and finalized a part
  /// (finalizing GLib objects was a third of reading an mbox). Nil for
  /// another encoding (uuencode), which takes the streams.
  static func decodeInPlace(_ raw: [UInt8], _ encoding: GMimeContentEncoding) -> [UInt8]? {
    switch encoding {
    case GMIME_CONTENT_ENCODING_DEFAULT, GMIME_CONTENT_ENCODING_7BIT, GMIME_CONTENT_ENCODING_8BIT,
      GMIME_CONTENT_ENCODING_BINARY:
      return raw
    case GMIME_CONTENT_ENCODING_BASE64, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
      var state = GMimeEncoding()
      gm.pointee.g_mime_encoding_init_decode(&state, encoding)
      let room = gm.pointee.g_mime_encoding_outlen(&state, raw.count)
      return raw.withUnsafeBytes { input in
        [UInt8](unsafeUninitializedCapacity: max(room, 1)) { output, initialized in
          initialized = gm.pointee.g_mime_encoding_flush(
            &state, input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
            UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
      }
    default:
      return nil
    }
  }

  /// `convert`, one character at a time, so each output byte keeps the
  /// input offset of the character it came from: exact positions in any
  /// charset, multibyte (Shift_JIS, GB2312, Big5) or stateful (ISO-2022-JP,
  /// whose escape sequences give no character and no position).
  static func convertMapped(_ bytes: [UInt8], offsets: [Int], from charset: String) -> MappedText? {
    guard GMime.available, offsets.count == bytes.count else { return nil }
    guard let name = gm.pointee.g_mime_charset_iconv_name(charset) else { return nil }
    let converter = gm.pointee.g_mime_iconv_open("UTF-8", name)
    guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
    defer { _ = gm.pointee.g_mime_iconv_close(converter) }
    var output = [UInt8]()
    var outputOffsets = [Int]()
    output.reserveCapacity(bytes.count * 2)
    outputOffsets.reserveCapacity(bytes.count * 2)
    var input = bytes
    input.withUnsafeMutableBufferPointer { source in
      guard let base = source.baseAddress else { return }
      var chunk = [CChar](repeating: 0, count: 64)
      var position = 0
      while position < source.count {
        // The shortest run of bytes from `position` that converts.
        var length = 1
        while true {
          var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(base + position).assumingMemoryBound(
            to: CChar.self)
          var inLeft = length
          let (produced, result, error): (Int, Int, Int32) = chunk.withUnsafeMutableBufferPointer { out in
            var outPointer: UnsafeMutablePointer<CChar>? = out.baseAddress
            var outLeft = out.count
            let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            return (out.count - outLeft, result, result == -1 ? errno : 0)
          }
          let consumed = length - inLeft
          if produced > 0 {
            output.append(contentsOf: chunk[0..<produced].map { UInt8(bitPattern: $0) })
            outputOffsets.append(contentsOf: repeatElement(offsets[position], count: produced))
          }
          if result == -1, error == EINVAL, consumed == 0, position + length < source.count, length < 8 {
            length += 1
            continue
          }
          if result == -1, consumed == 0, error != E2BIG {
            // A byte that does not convert: a replacement character.
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            outputOffsets.append(contentsOf: repeatElement(offsets[position], count: 3))
            position += 1
          } else {
            position += max(consumed, 1)
          }
          break
        }
      }
    }
    return MappedText(bytes: output, offsets: outputOffsets, characterStarts: true)
  }

  /// Converts `bytes` in `charset` to UTF-8 with GMime's iconv helpers.
  /// Returns nil when the charset is unknown.
  static func convert(_ bytes: [UInt8], from charset: String) -> [UInt8]? {
    guard GMime.available else { return nil }
    guard let name = gm.pointee.g_mime_charset_iconv_name(charset) else { return nil }
    let converter = gm.pointee.g_mime_iconv_open("UTF-8", name)
    guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
    defer { _ = gm.pointee.g_mime_iconv_close(converter) }
    var output = [UInt8]()
    output.reserveCapacity(bytes.count * 2)
    var input = bytes
    input.withUnsafeMutableBufferPointer { source in
      var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(source.baseAddress)?.assumingMemoryBound(
        to: CChar.self)
      var inLeft = source.count
      var chunk = [CChar](repeating: 0, count: 16_384)
      while inLeft > 0 {
        let (produced, failed): (Int, Bool) = chunk.withUnsafeMutableBufferPointer { out in
          var outPointer: UnsafeMutablePointer<CChar>? = out.baseAddress
          var outLeft = out.count
          let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
          return (out.count - outLeft, result == -1 && errno != E2BIG)
        }
        output.append(contentsOf: chunk[0..<produced].map { UInt8(bitPattern: $0) })
        if failed {
          // An unconvertible byte: a replacement character, then go on.
          output.append(contentsOf: [0xEF, 0xBF, 0xBD])
          inPointer = inPointer.map { $0 + 1 }
          inLeft -= 1
        }
      }
    }
    return output
  }
}

enum Base64Check {
  static func hasBadBytes(_ raw: [UInt8]) -> Bool {
    raw.contains { byte in
      !((0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2B
        || byte == 0x2F || byte == 0x3D || byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09)
    }
  }
}

/// Builds RFC 5322 messages with GMime: headers encoded as the RFC says
/// (RFC 2047 for a non-ASCII subject or name), a multipart/alternative of
/// text/plain and text/html, each UTF-8 in the best transfer encoding for
/// 7-bit transport (quoted-printable where lines need it).
enum MailComposer {
  struct Address {
    var name: String
    var email: String
  }

  struct Parts {
    var from: Address
    var to: [Address]
    var subject: String
    var plain: String
    var html: String
    /// Seconds since 1970, UTC.
    var date: Int64
    var messageID: String
    /// A fixed boundary, so that the same draft gives the same bytes.
    var boundary: String
    var extraHeaders: [(String, String)] = []
  }

  /// - Parameter crlf: CRLF line ends (IMAP), or LF (files).
  static func compose(_ parts: Parts, crlf: Bool) -> [UInt8] {
    guard GMime.available else { return [] }
    guard let message = gm.pointee.g_mime_message_new(1) else { return [] }
    defer { outreach_unref(gm, message) }
    // Names are encoded as UTF-8 (GMime would otherwise pick the smallest
    // charset that fits, such as iso-8859-1).
    for (type, addresses) in [(GMIME_ADDRESS_TYPE_FROM, [parts.from]), (GMIME_ADDRESS_TYPE_TO, parts.to)] {
      let list = gm.pointee.g_mime_message_get_addresses(message, type)
      for address in addresses {
        guard let mailbox = gm.pointee.internet_address_mailbox_new(address.name, address.email) else { continue }
        _ = gm.pointee.internet_address_set_charset(outreach_as_address(mailbox), "utf-8")
        _ = gm.pointee.internet_address_list_add(list, outreach_as_address(mailbox))
        outreach_unref(gm, mailbox)
      }
    }
    gm.pointee.g_mime_message_set_subject(message, parts.subject, "utf-8")
    if let date = gm.pointee.g_date_time_new_from_unix_utc(Int(parts.date)) {
      gm.pointee.g_mime_message_set_date(message, date)
      gm.pointee.g_date_time_unref(date)
    }
    gm.pointee.g_mime_message_set_message_id(message, parts.messageID)
    let object = outreach_as_object(message)
    for (name, value) in parts.extraHeaders { gm.pointee.g_mime_object_set_header(object, name, value, "utf-8") }

    guard let alternative = gm.pointee.g_mime_multipart_new_with_subtype("alternative") else { return [] }
    defer { outreach_unref(gm, alternative) }
    gm.pointee.g_mime_multipart_set_boundary(alternative, parts.boundary)
    for (subtype, text) in [("plain", parts.plain), ("html", parts.html)] {
      guard let part = gm.pointee.g_mime_text_part_new_with_subtype(subtype) else { continue }
      // The text goes in as UTF-8 bytes, declared as UTF-8
      // (g_mime_text_part_set_text would convert to the smallest charset).
      let mimePart = outreach_as_part(outreach_as_object(part))
      let bytes = Array(text.utf8)
      guard
        let stream = bytes.withUnsafeBufferPointer({ gm.pointee.g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }),
        let content = gm.pointee.g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT)
      else {
        outreach_unref(gm, part)
        continue
      }
      gm.pointee.g_mime_part_set_content(mimePart, content)
      outreach_unref(gm, content)
      outreach_unref(gm, stream)
      gm.pointee.g_mime_object_set_content_type_parameter(outreach_as_object(part), "charset", "utf-8")
      // 7bit while every line is ASCII and short; quoted-printable when a
      // line needs it (non-ASCII, or longer than 76 characters).
      let needsEncoding = text.utf8.contains { $0 >= 0x80 } || text.split(separator: "\n").contains { $0.utf8.count > 76 }
      gm.pointee.g_mime_part_set_content_encoding(
        mimePart, needsEncoding ? GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE : GMIME_CONTENT_ENCODING_7BIT)
      gm.pointee.g_mime_multipart_add(alternative, outreach_as_object(part))
      outreach_unref(gm, part)
    }
    gm.pointee.g_mime_message_set_mime_part(message, outreach_as_object(alternative))

    let options = gm.pointee.g_mime_format_options_new()
    defer { gm.pointee.g_mime_format_options_free(options) }
    gm.pointee.g_mime_format_options_set_newline_format(options, crlf ? GMIME_NEWLINE_FORMAT_DOS : GMIME_NEWLINE_FORMAT_UNIX)
    return GMime.written { _ = gm.pointee.g_mime_object_write_to_stream(object, options, $0) } ?? []
  }
}
