import CGsf
import Foundation

/// Outlook's `.msg` (what Outlook for Windows saves, and what dragging a
/// message out of it makes): MAPI properties in an OLE2 compound file, read
/// with libgsf. Its subject and body (the plain text Outlook stores beside
/// the HTML and RTF, else the HTML) become the message they stand for,
/// which outreach then reads as it reads an `.eml`. Positions in a `.msg`
/// are in that message: line 1 its `Subject:`, the body from line 3, the
/// text `outreach read` shows.
enum OutlookMessage {
  /// libgsf's functions, loaded on the first `.msg`; nil when libgsf is not
  /// installed.
  nonisolated(unsafe) static let library = DynamicLibrary.table(outreach_gsf_load) { $0.gsf_init() }

  /// Held around every use of libgsf. Its types register themselves on
  /// first use without a lock (`GSF_CLASS`), and `gsf_init` again from
  /// another thread registered them twice and crashed (seen in the test
  /// suite, where .msg files are written and read at once); a .msg is rare
  /// enough that reading them one at a time costs nothing.
  static let gsfLock = NSLock()

  /// The eight bytes every OLE2 compound file starts with.
  static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

  static func isOutlook(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

  /// The largest file read: a `.msg` carries its attachments, so it may be
  /// larger than the 10 MB of any other email file; only its text is kept.
  static let fileLimit = 100_000_000

  /// Whether `path` names a `.msg` (in any case).
  /// By its last four bytes (every file asks: lowering the whole path made
  /// a string each time; no other letter lowers to `m`, `s` or `g`).
  static func isOutlook(path: String) -> Bool {
    path.withUTF8Bytes { bytes in
      let count = bytes.count
      return count >= 4 && bytes[count - 4] == 0x2E && bytes[count - 3] | 0x20 == 0x6D && bytes[count - 2] | 0x20 == 0x73
        && bytes[count - 1] | 0x20 == 0x67
    }
  }

  /// Whether a file is read as a `.msg`: by its name, or by the OLE2 magic
  /// (standard input, another name).
  static func isOutlook(path: String, bytes: [UInt8]) -> Bool { isOutlook(bytes) || isOutlook(path: path) }

  static func limit(path: String) -> Int { isOutlook(path: path) ? fileLimit : TextFile.defaultLimit }

  /// What a `.msg` holds that outreach lints.
  struct Content: Equatable {
    var subject: String?
    var body: String?
    /// The HTML body, as UTF-8, when there is no plain one.
    var html: [UInt8]?
    /// Outlook's rich text body (compressed RTF) is there: with no plain
    /// or HTML body beside it, the text is in RTF only, which is not read.
    var hasRTF = false
  }

  /// The `.msg` in `bytes` as the message outreach reads: its `Subject:`
  /// line, a blank line, then its body as text (UTF-8, LF line ends). Throws
  /// a one-line error naming the file when it is not one.
  static func message(path: String, bytes: [UInt8]) throws -> [UInt8] {
    compose(try read(path: path, bytes: bytes))
  }

  /// The message `content` stands for: line 1 its subject, the body from
  /// line 3, as in a Markdown or text email (an HTML body as the text
  /// libxml2 reads, as for an `.eml`). Its text never makes a header line
  /// of its own: line breaks and other control characters in the subject
  /// become spaces.
  static func compose(_ content: Content) -> [UInt8] {
    var out: [UInt8] = []
    if let subject = content.subject { out += Array(("Subject: " + headerValue(subject) + "\n").utf8) }
    out.append(0x0A)
    if let body = content.body {
      out += lineFeeds(Array(body.utf8))
    } else if let html = content.html {
      out += HTMLText.text(html) ?? []
    }
    return out
  }

  static func read(path: String, bytes: [UInt8]) throws -> Content {
    guard let gsf = library?.pointee else {
      throw OutreachError.mail(
        path: path, problem: "reading an Outlook .msg needs libgsf (libgsf-1.so.114), which is not installed",
        fix: "install it: sudo apt-get install libgsf-1-114")
    }
    let broken = OutreachError.mail(
      path: path, problem: "not an Outlook message (its OLE2 compound file does not open)",
      fix: "save the message again from Outlook, or as .eml")
    guard isOutlook(bytes) else { throw broken }
    gsfLock.lock()
    defer { gsfLock.unlock() }
    // The memory stays ours: libgsf reads it in place (needs_free 0).
    return try bytes.withUnsafeBufferPointer { buffer -> Content in
      guard let input = gsf.gsf_input_memory_new(buffer.baseAddress, gsf_off_t(buffer.count), 0) else { throw broken }
      defer { gsf.g_object_unref(UnsafeMutableRawPointer(input)) }
      var error: UnsafeMutablePointer<GError>? = nil
      guard let infile = gsf.gsf_infile_msole_new(input, &error) else {
        if let error { gsf.g_error_free(error) }
        throw broken
      }
      defer { gsf.g_object_unref(UnsafeMutableRawPointer(infile)) }
      var streams: [String: [UInt8]] = [:]
      var rtf = false
      for index in 0..<max(0, Int(gsf.gsf_infile_num_children(infile))) {
        guard let namePointer = gsf.gsf_infile_name_by_index(infile, Int32(index)) else { continue }
        let name = String(cString: namePointer)
        // The top-level properties this reads: the subject and the bodies
        // (each `__substg1.0_` + property id + type), and the fixed-size
        // properties (the code page).
        if name == "__substg1.0_10090102" { rtf = true }
        guard name == "__properties_version1.0" || Self.wanted.contains(where: { name.hasPrefix("__substg1.0_" + $0) })
        else { continue }
        guard let child = gsf.gsf_infile_child_by_index(infile, Int32(index)) else { continue }
        defer { gsf.g_object_unref(UnsafeMutableRawPointer(child)) }
        let size = Int(gsf.gsf_input_size(child))
        guard size > 0, size <= buffer.count, let data = gsf.gsf_input_read(child, size, nil) else { continue }
        streams[name] = Array(UnsafeBufferPointer(start: data, count: size))
      }
      let codePage = streams["__properties_version1.0"].flatMap { Self.codePage(properties: $0) }
      func string(_ id: String) -> String? {
        if let wide = streams["__substg1.0_\(id)001F"] { return utf16(wide) }
        if let narrow = streams["__substg1.0_\(id)001E"] { return decode(narrow, codePage: codePage) }
        return nil
      }
      var content = Content(subject: string("0037"), body: string("1000"))
      content.hasRTF = rtf
      if content.body?.isEmpty ?? true {
        content.body = nil
        if let html = streams["__substg1.0_10130102"] {
          content.html = Array(decode(html, codePage: codePage).utf8)
        } else if let html = string("1013") {
          content.html = Array(html.utf8)
        }
      }
      return content
    }
  }

  /// Property ids read: subject, plain body, HTML body.
  static let wanted = ["0037", "1000", "1013"]

  /// `PR_INTERNET_CPID` (0x3FDE), else `PR_MESSAGE_CODEPAGE` (0x3FFD), from
  /// the top-level property stream: a 32-byte header, then 16-byte entries
  /// of tag, flags and value.
  static func codePage(properties: [UInt8]) -> Int? {
    var found: [Int: Int] = [:]
    var offset = 32
    while offset + 16 <= properties.count {
      let tag = properties[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
      let value = properties[offset + 8..<offset + 12].reversed().reduce(0) { $0 << 8 | Int($1) }
      // PT_LONG (0x0003) properties only.
      if tag & 0xFFFF == 0x0003 { found[tag >> 16] = value }
      offset += 16
    }
    return found[0x3FDE] ?? found[0x3FFD]
  }

  /// A UTF-16LE string, without NULs (its terminating one).
  static func utf16(_ bytes: [UInt8]) -> String {
    var units: [UInt16] = []
    units.reserveCapacity(bytes.count / 2)
    var index = 0
    while index + 1 < bytes.count {
      units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
      index += 2
    }
    units.removeAll { $0 == 0 }
    return String(decoding: units, as: UTF16.self)
  }

  /// An 8-bit string in the message's code page (Windows-1252 when it names
  /// none), without NULs (its terminating one).
  static func decode(_ bytes: [UInt8], codePage: Int?) -> String {
    let bytes = bytes.filter { $0 != 0 }
    let name = charset(codePage: codePage ?? 1252)
    if name == "utf-8" || bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    if let converted = GMime.convert(bytes, from: name) { return String(decoding: converted, as: UTF8.self) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The charset a Windows code page number stands for.
  static func charset(codePage: Int) -> String {
    switch codePage {
    case 65001: return "utf-8"
    case 20127: return "us-ascii"
    case 1200: return "utf-16le"
    case 1201: return "utf-16be"
    case 28591...28599: return "iso-8859-\(codePage - 28590)"
    case 28603: return "iso-8859-13"
    case 28605: return "iso-8859-15"
    case 50220, 50221, 50222: return "iso-2022-jp"
    case 51932: return "euc-jp"
    case 51949: return "euc-kr"
    case 52936: return "hz-gb-2312"
    case 54936: return "gb18030"
    case 936: return "gbk"
    case 950: return "big5"
    case 932: return "shift_jis"
    case 20866: return "koi8-r"
    case 21866: return "koi8-u"
    case 10000: return "macintosh"
    default: return "cp\(codePage)"
    }
  }

  /// Untrusted text as one header value: control characters (a line
  /// break above all) become spaces, so it never makes a header line.
  static func headerValue(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
      .trimmingSpaces
  }

  /// CRLF and lone CR as LF.
  static func lineFeeds(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.contains(0x0D) else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x0D {
        out.append(0x0A)
        if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
      } else {
        out.append(bytes[index])
      }
      index += 1
    }
    return out
  }
}
