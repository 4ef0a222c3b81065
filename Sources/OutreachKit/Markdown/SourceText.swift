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
    var starts = [0]
    starts.reserveCapacity(bytes.count / 40 + 1)
    bytes.withUnsafeBufferPointer { buffer in
      for index in 0..<buffer.count where buffer[index] == 0x0A {
        starts.append(index + 1)
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

  /// Byte range of 0-based line `index`, without its line break.
  public func lineRange(_ index: Int) -> Range<Int> {
    let start = lineStarts[index]
    var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
    if end > start, bytes[end - 1] == 0x0D { end -= 1 }
    return start..<max(start, end)
  }
}

/// Reads files as UTF-8 text, refusing what is not an email-sized text file.
public enum TextFile {
  public static let defaultLimit = 10_000_000

  /// Opens a file for reading, with the project's error for each failure.
  public static func open(path: String) throws -> Int32 {
    let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      switch errno {
      case ENOENT: throw OutreachError.notFound(path: path)
      case ELOOP: throw OutreachError.symlinkLoop(path: path)
      case EACCES: throw OutreachError.unreadable(path: path, reason: "permission denied")
      default: throw OutreachError.unreadable(path: path, reason: String(cString: strerror(errno)))
      }
    }
    var info = stat()
    if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
      close(descriptor)
      throw OutreachError.unreadable(path: path, reason: "it is a folder")
    }
    return descriptor
  }

  /// Reads a file. A regular file's size is checked first; a pipe, a
  /// device or anything else whose size is unknown is read to its end,
  /// up to `limit`.
  public static func read(path: String, limit: Int = defaultLimit, validate check: Bool = true) throws -> [UInt8] {
    let descriptor = try open(path: path)
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      throw OutreachError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    let regular = (info.st_mode & S_IFMT) == S_IFREG
    let size = Int(info.st_size)
    if regular, size > limit { throw OutreachError.tooLarge(path: path, bytes: size, limit: limit) }
    let bytes = try readAll(descriptor, path: path, expected: regular ? size : 1 << 16, limit: limit)
    return check ? try validate(path: path, bytes: bytes) : bytes
  }

  /// Reads until the end, or throws once more than `limit` bytes came.
  public static func readAll(_ descriptor: Int32, path: String, expected: Int, limit: Int) throws -> [UInt8] {
    // One byte more than expected, so that the read that finds the end
    // needs no larger buffer (growing it cost every file 64 KB).
    var bytes = [UInt8](repeating: 0, count: max(expected, 0) + 1)
    var total = 0
    while true {
      if total == bytes.count {
        if total > limit { throw OutreachError.tooLarge(path: path, bytes: total, limit: limit) }
        bytes += [UInt8](repeating: 0, count: max(1, min(max(bytes.count, 1 << 16), limit + 1 - bytes.count)))
      }
      let room = bytes.count - total
      let count = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + total, room) }
      if count < 0 {
        if errno == EINTR { continue }
        throw OutreachError.unreadable(path: path, reason: String(cString: strerror(errno)))
      }
      if count == 0 { break }
      total += count
    }
    if total > limit { throw OutreachError.tooLarge(path: path, bytes: total, limit: limit) }
    bytes.removeLast(bytes.count - total)
    return bytes
  }

  /// Checks that `bytes` are non-empty UTF-8 text without NUL bytes.
  public static func validate(path: String, bytes: [UInt8]) throws -> [UInt8] {
    if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      throw OutreachError.empty(path: path)
    }
    if bytes.contains(0) { throw OutreachError.binary(path: path) }
    if let bad = firstInvalidUTF8(bytes) {
      let line = bytes[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
      throw OutreachError.invalidUTF8(path: path, line: line)
    }
    // A byte-order mark is not text.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
    return bytes
  }

  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var index = 0
    let count = bytes.count
    while index < count {
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
