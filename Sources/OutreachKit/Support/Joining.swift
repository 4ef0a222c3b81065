import Foundation

extension Array where Element == String {
  /// `joined(separator:)` for an array of strings, chosen over the standard
  /// library's for every `[String]` in this module. The standard library's
  /// is generic over `BidirectionalCollection` and not specialized here, so
  /// its first call in a process looked up the array's conformances by
  /// name at run time (a scan of every conformance record in the binary):
  /// about 4% of linting one email, process start included.
  func joined(separator: String = "") -> String {
    guard let first else { return "" }
    var result = first
    result.reserveCapacity(reduce(separator.utf8.count * (count - 1)) { $0 + $1.utf8.count })
    for part in dropFirst() {
      result += separator
      result += part
    }
    return result
  }
}

extension Array {
  /// `Array(repeating:count:)` for the lint path. The standard library's
  /// allocates through a function it never specializes, which looks up the
  /// storage class's generic metadata at run time on every call (about 600
  /// instructions, six times a file). Reserving and appending is
  /// specialized, its metadata cached after the first call.
  @inline(__always)
  init(filling value: Element, count: Int) {
    self.init()
    reserveCapacity(count)
    append(contentsOf: repeatElement(value, count: count))
  }
}

extension String {
  /// `body` on the string's UTF-8 bytes: in place when they are contiguous
  /// (a native string, nearly always), else on a contiguous copy. A copy
  /// made to call `withUTF8` on was a retain and a release, on the lint
  /// path several times a file.
  @inline(__always)
  func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = self
    return copy.withUTF8(body)
  }
}

extension Array where Element == UInt8 {
  /// `append(contentsOf: string.utf8)` as one copy of the string's bytes,
  /// not a byte at a time through the view's iterator.
  @inline(__always)
  mutating func appendUTF8(_ string: String) {
    string.withUTF8Bytes { append(contentsOf: $0) }
  }
}

/// Zeros to append by one copy (see `appendZeros`), made once.
nonisolated(unsafe) private let zeroBytes: UnsafeBufferPointer<UInt8> = zeros(UInt8.self)
nonisolated(unsafe) private let zeroInt32s: UnsafeBufferPointer<Int32> = zeros(Int32.self)

private func zeros<T: FixedWidthInteger>(_: T.Type) -> UnsafeBufferPointer<T> {
  let pointer = UnsafeMutablePointer<T>.allocate(capacity: 4096)
  pointer.initialize(repeating: 0, count: 4096)
  return UnsafeBufferPointer(start: pointer, count: 4096)
}

extension Array where Element: FixedWidthInteger {
  /// `count` zeros appended a block at a time by `memcpy` from `zeros`,
  /// where `append(contentsOf: repeatElement(0, count:))` writes one at a
  /// time.
  @inline(__always)
  fileprivate mutating func appendZeros(_ count: Int, from zeros: UnsafeBufferPointer<Element>) {
    var rest = count
    while rest > 0 {
      let part = Swift.min(rest, zeros.count)
      append(contentsOf: UnsafeBufferPointer(rebasing: zeros[..<part]))
      rest -= part
    }
  }
}

extension Array where Element == UInt8 {
  /// `count` zeros, appended a block at a time.
  mutating func appendZeros(_ count: Int) { appendZeros(count, from: zeroBytes) }
}

extension Array where Element == Int32 {
  /// `count` zeros, appended a block at a time.
  mutating func appendZeros(_ count: Int) { appendZeros(count, from: zeroInt32s) }
}

extension Array where Element == UInt8 {
  /// Whether `byte` is in `range` (the whole array by default), by
  /// `memchr`: many bytes an instruction, where `contains` takes one.
  func holdsByte(_ byte: UInt8, in range: Range<Int>? = nil) -> Bool {
    let range = range ?? indices
    guard !range.isEmpty else { return false }
    return withUnsafeBufferPointer { memchr($0.baseAddress! + range.lowerBound, Int32(byte), range.count) != nil }
  }
}

/// How many of the eight bytes of `flags` have their top bit set, where
/// `flags` has no other bit set: summed by one multiply, where
/// `nonzeroBitCount` is a dozen instructions without the POPCNT
/// instruction. For the eight-bytes-at-a-time scans (`countRuns`,
/// `SourceText.Cursor`).
@inline(__always)
func topBitCount(_ flags: UInt64) -> Int {
  Int(truncatingIfNeeded: ((flags >> 7) &* 0x0101_0101_0101_0101) >> 56)
}

extension Array {
  /// The elements of `parts`, in order, in one array, each moved rather
  /// than copied. A copy of a finding is a retain of each of its strings
  /// (made on another thread, so each an atomic on a shared counter), and
  /// one more release of each when its part goes: 80 of the 620 retains
  /// and releases a file cost. Each part is left holding `filler`, which
  /// holds no memory to release.
  static func joiningMoved(_ parts: inout [[Element]], filler: Element) -> [Element] {
    var total = 0
    for part in parts { total += part.count }
    return [Element](unsafeUninitializedCapacity: total) { buffer, initialized in
      var at = 0
      for index in parts.indices {
        // A part shared with another array would be copied here first (by
        // the mutable access): the result is the same, only slower.
        parts[index].withUnsafeMutableBufferPointer { part in
          guard let source = part.baseAddress else { return }
          for offset in 0..<part.count where at < total {
            (buffer.baseAddress! + at).moveInitialize(from: source + offset, count: 1)
            (source + offset).initialize(to: filler)
            at += 1
          }
        }
      }
      initialized = at
    }
  }
}
