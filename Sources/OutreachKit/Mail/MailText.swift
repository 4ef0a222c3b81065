import Foundation

/// UTF-8 text with, for each byte, the input offset it came from.
struct MappedText {
  var bytes: [UInt8]
  var offsets: [Int]?
  /// Whether `offsets` mark where each character starts in a multibyte
  /// charset, so columns count characters, not bytes.
  var characterStarts = false
}

/// Finds where each decoded byte of a part was written in the input, so a
/// finding in a 7bit, 8bit or quoted-printable part points into the file
/// as saved (a soft line break maps back to its encoded line).
enum Alignment {
  static func align(decoded: [UInt8], raw: [UInt8], base: Int, quotedPrintable: Bool) -> [Int] {
    // A 7bit or 8bit part decodes to its bytes as written (the usual case):
    // each byte is where it stands, known without a search a byte.
    if !quotedPrintable, raw.count >= decoded.count,
      decoded.withUnsafeBufferPointer({ left in
        raw.withUnsafeBufferPointer { right in
          left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
        }
      })
    {
      return Array(base..<(base + decoded.count))
    }
    return raw.withUnsafeBufferPointer { raw in search(decoded: decoded, raw: raw, base: base, quotedPrintable: quotedPrintable) }
  }

  /// `align`'s search: for each decoded byte, the next raw byte (or `=XX`
  /// escape) that decodes to it.
  static func search(decoded: [UInt8], raw: UnsafeBufferPointer<UInt8>, base: Int, quotedPrintable: Bool) -> [Int] {
    // Written in place, a decoded byte at a time (appending checked the
    // room at each one).
    [Int](unsafeUninitializedCapacity: decoded.count) { offsets, initialized in
      decoded.withUnsafeBufferPointer { decoded in
        searchInto(offsets, decoded: decoded, raw: raw, base: base, quotedPrintable: quotedPrintable)
      }
      initialized = decoded.count
    }
  }

  private static func searchInto(
    _ offsets: UnsafeMutableBufferPointer<Int>, decoded: UnsafeBufferPointer<UInt8>, raw: UnsafeBufferPointer<UInt8>,
    base: Int, quotedPrintable: Bool
  ) {
    var cursor = 0
    for (slot, wanted) in decoded.enumerated() {
      // Most bytes stand as they are, where the search left off.
      if cursor < raw.count, raw[cursor] == wanted, !quotedPrintable || wanted != 0x3D {
        offsets[slot] = base + cursor
        cursor += 1
        continue
      }
      var found = -1
      while cursor < raw.count {
        let byte = raw[cursor]
        if quotedPrintable, byte == 0x3D {
          // `=` then a line break: a soft break, nothing decoded.
          if cursor + 1 < raw.count, raw[cursor + 1] == 0x0A {
            cursor += 2
            continue
          }
          if cursor + 2 < raw.count, raw[cursor + 1] == 0x0D, raw[cursor + 2] == 0x0A {
            cursor += 3
            continue
          }
          if cursor + 2 < raw.count, let high = hex(raw[cursor + 1]), let low = hex(raw[cursor + 2]) {
            if high << 4 | low == wanted {
              found = cursor
              cursor += 3
              break
            }
            cursor += 3
            continue
          }
        }
        if byte == wanted {
          found = cursor
          cursor += 1
          break
        }
        cursor += 1
      }
      offsets[slot] = base + (found >= 0 ? found : max(0, min(cursor, raw.count) - 1))
    }
  }

  @inline(__always)
  static func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x41 + 10
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
  }
}

enum Charsets {
  static let utf8Names: Set<String> = ["utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "unicode-1-1-utf-8"]

  /// `bytes` in `charset` as UTF-8, offsets carried along: exactly for
  /// UTF-8 and single-byte charsets, by line for others where lines survive.
  static func toUTF8(_ bytes: [UInt8], offsets: [Int]?, charset: String?, label: String, warnings: inout [String])
    -> MappedText
  {
    let name = charset?.lowercased().trimmingSpaces ?? "us-ascii"
    if !utf8Names.contains(name) {
      if let converted = GMime.convert(bytes, from: name) {
        var scalars = 0
        for byte in converted where byte & 0xC0 != 0x80 { scalars += 1 }
        guard let offsets, scalars != bytes.count else {
          return MappedText(bytes: converted, offsets: offsets.flatMap { remap(converted, from: bytes, offsets: $0) })
        }
        // A multibyte charset: converted a character at a time.
        if let mapped = GMime.convertMapped(bytes, offsets: offsets, from: name) { return mapped }
        return MappedText(bytes: converted, offsets: remap(converted, from: bytes, offsets: offsets))
      }
      warnings.append("\(label) declares an unknown charset `\(charset ?? "")`; read it as UTF-8")
    }
    return lossyUTF8(bytes, offsets: offsets)
  }

  /// Valid UTF-8 kept, each invalid byte replaced with U+FFFD.
  static func lossyUTF8(_ bytes: [UInt8], offsets: [Int]?) -> MappedText {
    guard TextFile.firstInvalidUTF8(bytes) != nil else { return MappedText(bytes: bytes, offsets: offsets) }
    var out = [UInt8]()
    var outOffsets: [Int]? = offsets == nil ? nil : []
    var index = 0
    while index < bytes.count {
      let length = validSequenceLength(bytes, index)
      if length == 0 {
        out += [0xEF, 0xBF, 0xBD]
        if let offsets { outOffsets! += [offsets[index], offsets[index], offsets[index]] }
        index += 1
      } else {
        out += bytes[index..<index + length]
        if let offsets { outOffsets! += offsets[index..<index + length] }
        index += length
      }
    }
    return MappedText(bytes: out, offsets: outOffsets)
  }

  static func validSequenceLength(_ bytes: [UInt8], _ index: Int) -> Int {
    let byte = bytes[index]
    if byte < 0x80 { return 1 }
    let length = byte & 0xE0 == 0xC0 ? 2 : byte & 0xF0 == 0xE0 ? 3 : byte & 0xF8 == 0xF0 ? 4 : 0
    guard length > 0, index + length <= bytes.count else { return 0 }
    let slice = Array(bytes[index..<index + length])
    return TextFile.firstInvalidUTF8(slice) == nil ? length : 0
  }

  /// Offsets for converted text: scalar k comes from byte k for a
  /// single-byte charset; otherwise each line maps to its line's start.
  static func remap(_ converted: [UInt8], from input: [UInt8], offsets: [Int]) -> [Int]? {
    var scalars = 0
    for byte in converted where byte & 0xC0 != 0x80 { scalars += 1 }
    var result = [Int]()
    result.reserveCapacity(converted.count)
    if scalars == input.count {
      var scalar = -1
      for byte in converted {
        if byte & 0xC0 != 0x80 { scalar += 1 }
        result.append(offsets[max(0, scalar)])
      }
      return result
    }
    // Lines survive in ASCII-compatible charsets.
    var inputLineStarts = [0]
    for (index, byte) in input.enumerated() where byte == 0x0A { inputLineStarts.append(index + 1) }
    var line = 0
    for byte in converted {
      let start = inputLineStarts[min(line, inputLineStarts.count - 1)]
      result.append(offsets[min(start, offsets.count - 1)])
      if byte == 0x0A { line += 1 }
    }
    return line == inputLineStarts.count - 1 ? result : nil
  }

  /// CRLF (and lone CR) become LF.
  static func normalizeLineBreaks(_ text: MappedText) -> MappedText {
    guard text.bytes.holdsByte(0x0D) else { return text }
    var out = [UInt8]()
    out.reserveCapacity(text.bytes.count)
    var offsets: [Int]? = text.offsets == nil ? nil : []
    var index = 0
    while index < text.bytes.count {
      let byte = text.bytes[index]
      if byte == 0x0D {
        if index + 1 < text.bytes.count, text.bytes[index + 1] == 0x0A {
          index += 1
          continue
        }
        out.append(0x0A)
      } else {
        out.append(byte)
      }
      if let all = text.offsets { offsets!.append(all[index]) }
      index += 1
    }
    return MappedText(bytes: out, offsets: offsets, characterStarts: text.characterStarts)
  }

  /// RFC 3676: a line ending in a space is joined with the next one
  /// (without that space when DelSp=yes); a leading space is stuffing.
  static func unflow(_ text: MappedText, delSp: Bool) -> MappedText {
    var out = [UInt8]()
    out.reserveCapacity(text.bytes.count)
    var offsets: [Int]? = text.offsets == nil ? nil : []
    var lines: [Range<Int>] = []
    var start = 0
    for (index, byte) in text.bytes.enumerated() where byte == 0x0A {
      lines.append(start..<index)
      start = index + 1
    }
    if start < text.bytes.count { lines.append(start..<text.bytes.count) }
    func depth(_ line: Range<Int>) -> Int { text.bytes[line].prefix { $0 == 0x3E }.count }
    func append(_ range: Range<Int>) {
      out += text.bytes[range]
      if let all = text.offsets { offsets! += all[range] }
    }
    var index = 0
    while index < lines.count {
      var line = lines[index]
      let quoteDepth = depth(line)
      // Keep the quote marks, drop one stuffing space after them.
      append(line.lowerBound..<line.lowerBound + quoteDepth)
      line = line.lowerBound + quoteDepth..<line.upperBound
      if !line.isEmpty, text.bytes[line.lowerBound] == 0x20 { line = line.lowerBound + 1..<line.upperBound }
      // A soft break: a trailing space, not the signature delimiter `-- `.
      while !line.isEmpty, text.bytes[line.upperBound - 1] == 0x20, index + 1 < lines.count,
        !text.bytes[line].elementsEqual([0x2D, 0x2D, 0x20]), depth(lines[index + 1]) == quoteDepth
      {
        append(delSp ? line.lowerBound..<line.upperBound - 1 : line)
        index += 1
        let next = lines[index]
        line = next.lowerBound + quoteDepth..<next.upperBound
        if !line.isEmpty, text.bytes[line.lowerBound] == 0x20 { line = line.lowerBound + 1..<line.upperBound }
      }
      append(line)
      if line.upperBound < text.bytes.count {
        out.append(0x0A)
        if let all = text.offsets { offsets!.append(all[line.upperBound]) }
      }
      index += 1
    }
    return MappedText(bytes: out, offsets: offsets, characterStarts: text.characterStarts)
  }
}

/// RFC 2047 encoded words in a header value, decoded here rather than by
/// GMime, which keeps only the first of several base64 words when that one
/// ends in `=` padding (how Gmail and Outlook write a long non-ASCII
/// subject). Adjacent words are joined without the space between them, and
/// the bytes of neighbouring words in one charset are joined before the
/// charset is converted, so a character split across two words survives.
enum EncodedWords {
  /// The decoded value; nil when it holds no encoded word or one that does
  /// not decode (then GMime's reading stands).
  static func decode(_ raw: String) -> String? {
    // Bytes, not `String.contains`, which goes through NSString here (every
    // message of an mbox passes).
    var sawMarker = false
    var previous: UInt8 = 0
    for byte in raw.utf8 {
      if previous == 0x3D, byte == 0x3F {
        sawMarker = true
        break
      }
      previous = byte
    }
    guard sawMarker else { return nil }
    // Unfold, then split into runs of white space and the rest, by bytes
    // (Characters cost every message of an mbox a sixth of its lint).
    let unfolded = raw.utf8.filter { $0 != 0x0D && $0 != 0x0A }
    var tokens: [(text: String, space: Bool)] = []
    var start = 0
    while start < unfolded.count {
      let space = unfolded[start] == 0x20 || unfolded[start] == 0x09
      var end = start + 1
      while end < unfolded.count, (unfolded[end] == 0x20 || unfolded[end] == 0x09) == space { end += 1 }
      tokens.append((String(decoding: unfolded[start..<end], as: UTF8.self), space))
      start = end
    }

    var out = ""
    var run: (charset: String, bytes: [UInt8])? = nil
    func flush() -> Bool {
      guard let pending = run else { return true }
      run = nil
      if Charsets.utf8Names.contains(pending.charset.lowercased()) {
        out += String(decoding: pending.bytes, as: UTF8.self)
      } else if let converted = GMime.convert(pending.bytes, from: pending.charset.lowercased()) {
        out += String(decoding: converted, as: UTF8.self)
      } else {
        return false
      }
      return true
    }
    var space = ""
    var previousWasWord = false
    var sawWord = false
    for token in tokens {
      if token.space {
        space = token.text
        continue
      }
      if let (charset, bytes) = word(token.text) {
        sawWord = true
        if previousWasWord, let pending = run, pending.charset.lowercased() == charset.lowercased() {
          run = (pending.charset, pending.bytes + bytes)
        } else {
          guard flush() else { return nil }
          // White space between two encoded words is not text (RFC 2047, 6.2).
          if !previousWasWord { out += space }
          run = (charset, bytes)
        }
        previousWasWord = true
      } else {
        guard flush() else { return nil }
        out += space + token.text
        previousWasWord = false
      }
      space = ""
    }
    guard flush(), sawWord else { return nil }
    return out.trimmingSpaces
  }

  /// One `=?charset?B|Q?text?=`, decoded to bytes.
  static func word(_ text: String) -> (String, [UInt8])? {
    // By bytes: every message of an mbox has a subject, and splitting it
    // by Characters cost more than GMime's reading of the message.
    var text = text
    return text.withUTF8 { utf8 -> (String, [UInt8])? in
      let count = utf8.count
      guard count > 4, utf8[0] == 0x3D, utf8[1] == 0x3F, utf8[count - 2] == 0x3F, utf8[count - 1] == 0x3D else {
        return nil
      }
      // `charset?encoding?payload`, the payload may hold more `?`.
      let inner = UnsafeBufferPointer(rebasing: utf8[2..<(count - 2)])
      guard let first = inner.firstIndex(of: 0x3F),
        let second = inner[(first + 1)...].firstIndex(of: 0x3F)
      else { return nil }
      // RFC 2231's language (`utf-8*en`) is not part of the charset.
      let charsetBytes = inner[..<first].split(separator: 0x2A).first ?? inner[0..<0]
      let charset = String(decoding: charsetBytes, as: UTF8.self)
      let encoding = inner[(first + 1)..<second]
      let payload = UnsafeBufferPointer(rebasing: inner[(second + 1)...])
      guard encoding.count == 1 else { return nil }
      switch encoding[encoding.startIndex] | 0x20 {
      case 0x62:  // B
        var base64 = Array(payload)
        while base64.count % 4 != 0 { base64.append(0x3D) }
        guard let data = Data(base64Encoded: Data(base64)) else { return nil }
        return (charset, [UInt8](data))
      case 0x71:  // Q
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count)
        var index = 0
        while index < payload.count {
          let byte = payload[index]
          if byte == 0x5F {
            bytes.append(0x20)
          } else if byte == 0x3D, index + 2 < payload.count, let high = Alignment.hex(payload[index + 1]),
            let low = Alignment.hex(payload[index + 2])
          {
            bytes.append(high << 4 | low)
            index += 2
          } else {
            bytes.append(byte)
          }
          index += 1
        }
        return (charset, bytes)
      default:
        return nil
      }
    }
  }
}
