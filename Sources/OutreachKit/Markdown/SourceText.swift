import Foundation

/// The bytes of one file as written, with line starts, so that any byte
/// offset can be turned into a 1-based line and a column in Unicode scalars.
public struct SourceText: Sendable {
  public let path: String
  public let bytes: [UInt8]
  /// Byte offset where each line starts; `lineStarts[0] == 0`.
  public let lineStarts: [Int]

  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
    // Reserved before the first start goes in (`[0]` then room was two
    // allocations).
    var starts: [Int] = []
    starts.reserveCapacity(bytes.count / 40 + 1)
    starts.append(0)
    bytes.withUnsafeBufferPointer { buffer in
      // memchr finds each line feed many bytes at a time.
      guard let base = buffer.baseAddress else { return }
      var index = 0
      while index < buffer.count, let found = memchr(base + index, 0x0A, buffer.count - index) {
        index = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        starts.append(index)
      }
    }
    self.lineStarts = starts
  }

  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }

  public var lineCount: Int { lineStarts.count }

  /// 0-based line index holding the byte at `offset`.
  public func lineIndex(of offset: Int) -> Int {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  /// 1-based line and column (in Unicode scalars) of a byte offset.
  public func position(of offset: Int) -> (line: Int, column: Int) {
    let clamped = max(0, min(offset, bytes.count))
    let line = lineIndex(of: clamped)
    var column = 1
    var index = lineStarts[line]
    while index < clamped {
      // Count scalar starts: every byte that is not a UTF-8 continuation byte.
      if bytes[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    return (line + 1, column)
  }

  /// Turns many offsets into positions in linear time when they come in
  /// order: it counts on from the last place asked on the same line, so
  /// 100,000 findings on one long line cost one pass over it, not one each.
  public final class Cursor {
    let source: SourceText
    private var offset = 0
    private var line = 0
    private var column = 1

    public init(_ source: SourceText) { self.source = source }

    public func position(of target: Int) -> (line: Int, column: Int) {
      let clamped = max(0, min(target, source.bytes.count))
      let bytes = source.bytes
      if clamped < offset || (line + 1 < source.lineStarts.count && clamped >= source.lineStarts[line + 1]) {
        line = source.lineIndex(of: clamped)
        offset = source.lineStarts[line]
        column = 1
      }
      bytes.withUnsafeBufferPointer { buffer in
        // Characters are the bytes that do not continue one (not 10xxxxxx):
        // counted eight at a time (a finding far into a long line walked
        // to it a byte at a time, for every rule that found something).
        if let base = buffer.baseAddress {
          let raw = UnsafeRawPointer(base)
          while offset + 8 <= clamped {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let continuations = word & ~(word << 1) & 0x8080_8080_8080_8080
            column += 8 - topBitCount(continuations)
            offset += 8
          }
        }
        while offset < clamped {
          if buffer[offset] & 0xC0 != 0x80 { column += 1 }
          offset += 1
        }
      }
      return (line + 1, column)
    }
  }

  /// Byte range of 0-based line `index`, without its line break.
  public func lineRange(_ index: Int) -> Range<Int> {
    let start = lineStarts[index]
    var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
    if end > start, bytes[end - 1] == 0x0D { end -= 1 }
    return start..<max(start, end)
  }
}

/// Reads files as UTF-8 text, refusing what is not an email-sized text file.
extension OutreachError {
  /// A link whose target is missing.
  static func danglingLink(_ path: String) -> OutreachError {
    .notAFile(path: path, what: "a symbolic link to a file that does not exist", fix: "fix the link or remove it")
  }

  /// A FIFO, socket or device found by name (`mode`: `st_mode & S_IFMT`).
  static func notRegular(_ path: String, mode: mode_t) -> OutreachError {
    let what =
      mode == S_IFIFO
      ? "a named pipe (FIFO)"
      : mode == S_IFCHR || mode == S_IFBLK ? "a device" : mode == S_IFSOCK ? "a socket" : "not a regular file"
    return .notAFile(
      path: path, what: "\(what), not a regular file, and outreach never waits on one",
      fix: "give a regular file, or pipe the text in with -")
  }
}

public enum TextFile {
  public static let defaultLimit = 10_000_000

  /// Opens a file for reading, with the project's error for each failure.
  /// Only a regular file is read, or a pipe named on purpose (`/dev/stdin`,
  /// `/dev/fd/N` from `<(...)`): a FIFO, a device or a socket found by name
  /// is refused at once, never waited on. The file is opened without
  /// blocking and checked with `fstat` before a byte is read.
  public static func open(path: String) throws -> Int32 {
    try openWithInfo(path: path, in: .path).descriptor
  }

  /// `open(path:)`, with the path's folder already open (see `Folders`).
  static func open(path: String, in folder: Folders.Place) throws -> Int32 {
    try openWithInfo(path: path, in: folder).descriptor
  }

  /// `open`, with the `fstat` it made (a reader needs the size too).
  /// `folder`: an open folder and where the path's name starts in it, so
  /// that the kernel looks up one name instead of every folder on the path.
  static func openWithInfo(path: String, in folder: Folders.Place = .path) throws -> (descriptor: Int32, info: stat) {
    let descriptor = path.withCString { openat(folder.descriptor, $0 + folder.nameOffset, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
    guard descriptor >= 0 else {
      switch errno {
      case ENOENT:
        // A link whose target is missing exists as a link.
        var link = stat()
        if path.withCString({ fstatat(folder.descriptor, $0 + folder.nameOffset, &link, AT_SYMLINK_NOFOLLOW) }) == 0,
          (link.st_mode & S_IFMT) == S_IFLNK
        {
          throw OutreachError.danglingLink(path)
        }
        throw OutreachError.notFound(path: path)
      case ELOOP: throw OutreachError.symlinkLoop(path: path)
      case EACCES: throw OutreachError.unreadable(path: path, reason: "permission denied")
      default: throw OutreachError.unreadable(path: path, reason: String(cString: strerror(errno)))
      }
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw OutreachError.unreadable(path: path, reason: reason)
    }
    let type = info.st_mode & S_IFMT
    if type == S_IFDIR {
      close(descriptor)
      throw OutreachError.unreadable(path: path, reason: "it is a folder")
    }
    if type != S_IFREG, !(type == S_IFIFO && isGivenPipe(path)) {
      close(descriptor)
      throw OutreachError.notRegular(path, mode: type)
    }
    // Reads block again: a pipe given on purpose is read to its end (a
    // regular file never blocks: no call for it).
    if type == S_IFIFO { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) }
    return (descriptor, info)
  }

  /// `/dev/stdin`, `/dev/fd/N` and `/proc/self/fd/N`: a pipe the shell
  /// opened for this run (process substitution), not one found by name.
  static func isGivenPipe(_ path: String) -> Bool {
    path == "/dev/stdin" || path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/")
  }

  /// A text file that must be there (an `ignore:` list, a vocabulary):
  /// read as `read` does, as UTF-8.
  public static func readText(path: String, limit: Int = defaultLimit) throws -> String {
    String(decoding: try read(path: path, limit: limit, validate: false), as: UTF8.self)
  }

  /// Reads a file. A regular file's size is checked first; a pipe, a
  /// device or anything else whose size is unknown is read to its end,
  /// up to `limit`.
  public static func read(path: String, limit: Int = defaultLimit, validate check: Bool = true) throws -> [UInt8] {
    try read(path: path, in: .path, limit: limit, validate: check)
  }

  /// `read(path:)`, with the path's folder already open (see `Folders`).
  static func read(path: String, in folder: Folders.Place, limit: Int, validate check: Bool) throws -> [UInt8] {
    // One `open`, one `fstat` and, for a regular file, one `read`.
    let (descriptor, info) = try openWithInfo(path: path, in: folder)
    defer { close(descriptor) }
    let regular = (info.st_mode & S_IFMT) == S_IFREG
    let size = Int(info.st_size)
    if regular, size > limit { throw OutreachError.tooLarge(path: path, bytes: size, limit: limit) }
    let bytes = try readAll(descriptor, path: path, expected: regular ? size : 1 << 16, limit: limit, regular: regular)
    return check ? try validate(path: path, bytes: bytes) : bytes
  }

  /// Reads until the end, or throws once more than `limit` bytes came.
  /// A regular file read whole in one short read needs no second `read`.
  public static func readAll(
    _ descriptor: Int32, path: String, expected: Int, limit: Int, regular: Bool = false
  ) throws -> [UInt8] {
    // Read into raw memory and copied into the array once at the end: an
    // array made to its size first is zero-filled a byte at a time, or
    // allocated through the standard library's unspecialized path.
    // One byte more than expected, so that the read that finds the end
    // needs no larger buffer (growing it cost every file 64 KB).
    var capacity = max(expected, 0) + 1
    var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
    defer { buffer.deallocate() }
    var total = 0
    while true {
      if total == capacity {
        if total > limit { throw OutreachError.tooLarge(path: path, bytes: total, limit: limit) }
        let larger = capacity + max(1, min(max(capacity, 1 << 16), limit + 1 - capacity))
        let grown = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 1)
        grown.copyMemory(from: buffer, byteCount: total)
        buffer.deallocate()
        (buffer, capacity) = (grown, larger)
      }
      let room = capacity - total
      let count = Foundation.read(descriptor, buffer + total, room)
      if count < 0 {
        if errno == EINTR { continue }
        throw OutreachError.unreadable(path: path, reason: String(cString: strerror(errno)))
      }
      if count == 0 { break }
      total += count
      // All the size `fstat` gave, in a read that had room for more: the
      // end (a /proc file, whose size reads 0, is read to a 0 instead).
      if regular, total == expected, count < room { break }
    }
    if total > limit { throw OutreachError.tooLarge(path: path, bytes: total, limit: limit) }
    return Array(UnsafeRawBufferPointer(start: buffer, count: total))
  }

  /// Checks that `bytes` are non-empty UTF-8 text without NUL bytes.
  public static func validate(path: String, bytes: [UInt8]) throws -> [UInt8] {
    if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      throw OutreachError.empty(path: path)
    }
    // UTF-16 with a byte-order mark (Windows' "Unicode" text): read as the
    // text it is, not as a binary file.
    if let decoded = decodeUTF16(bytes) { return try validate(path: path, bytes: decoded) }
    // memchr: many bytes at a time.
    if bytes.withUnsafeBufferPointer({ $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }) {
      throw OutreachError.binary(path: path)
    }
    if let bad = firstInvalidUTF8(bytes) {
      let line = bytes[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
      throw OutreachError.invalidUTF8(path: path, line: line)
    }
    // A byte-order mark is not text.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
    return bytes
  }

  /// UTF-16 text behind its byte-order mark, as UTF-8; nil for anything else.
  static func decodeUTF16(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= 2, bytes.count % 2 == 0 else { return nil }
    let little: Bool
    switch (bytes[0], bytes[1]) {
    case (0xFF, 0xFE): little = true
    case (0xFE, 0xFF): little = false
    default: return nil
    }
    var units: [UInt16] = []
    units.reserveCapacity(bytes.count / 2 - 1)
    var index = 2
    while index + 1 < bytes.count {
      units.append(
        little ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
      index += 2
    }
    var out: [UInt8] = []
    out.reserveCapacity(units.count)
    let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { out.append($0) }
    return failed ? nil : out
  }

  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
  }

  static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var index = 0
    let count = bytes.count
    while index < count {
      // Most text is ASCII: eight bytes at a time while none has its top bit.
      while index + 8 <= count,
        UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
      {
        index += 8
      }
      guard index < count else { break }
      let byte = bytes[index]
      if byte < 0x80 {
        index += 1
        continue
      }
      let length: Int
      let minimum: UInt32
      if byte & 0xE0 == 0xC0 {
        length = 2
        minimum = 0x80
      } else if byte & 0xF0 == 0xE0 {
        length = 3
        minimum = 0x800
      } else if byte & 0xF8 == 0xF0 {
        length = 4
        minimum = 0x10000
      } else {
        return index
      }
      if index + length > count { return index }
      var value = UInt32(byte) & (0xFF >> (length + 1))
      for next in 1..<length {
        let continuation = bytes[index + next]
        if continuation & 0xC0 != 0x80 { return index }
        value = value << 6 | UInt32(continuation & 0x3F)
      }
      if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return index }
      index += length
    }
    return nil
  }
}
