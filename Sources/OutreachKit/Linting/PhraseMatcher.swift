/// One automaton (Aho-Corasick, as a dense DFA over the bytes that occur in
/// any phrase) for every literal phrase of every rule, so that the cost of a
/// scan does not grow with the number of phrases.
struct PhraseMatcher: Sendable {
  struct Pattern: Sendable {
    /// The phrase as written (apostrophes straightened).
    var bytes: [UInt8]
    var ignorecase: Bool
    /// Whether the match must stand as whole words.
    var wordBounded: Bool
    var rule: Int
    var payload: Int
  }

  private(set) var patterns: [Pattern] = []
  private var classOf = [UInt16](repeating: 0, count: 256)
  private var classCount = 1
  /// `⌊2⁶⁴ / classCount⌋ + 1`: a row offset (under 2³²) times it, high
  /// half, is the offset divided by `classCount`, exactly (a division
  /// instruction cost 30 cycles at every pattern end the scan met).
  private var reciprocal: UInt64 = 0
  /// The transition table in 32 bits, the top one for "a pattern ends
  /// here", when its offsets do not fit in 15 bits.
  private var table: [UInt32] = []
  /// The same table in 16 bits, used instead when its offsets are under
  /// 32,768: half the bytes to keep in cache, as a style's hundreds of
  /// phrases make it large.
  private var narrowTable: [UInt16] = []
  /// For each state, the patterns that end there: `outputs[outputStart[s]..<outputStart[s+1]]`.
  private var outputStart: [Int32] = []
  private var outputs: [Int32] = []

  static let lowercase: [UInt8] = (0...255).map { byte in
    (0x41...0x5A).contains(byte) ? UInt8(byte + 0x20) : UInt8(byte)
  }

  init(patterns: [Pattern]) {
    self.patterns = patterns
    // Alphabet classes: one per distinct (lowercased) byte used in a phrase.
    var classes = [UInt16](repeating: 0, count: 256)
    var next: UInt16 = 1
    for pattern in patterns {
      for byte in pattern.bytes {
        let lower = Self.lowercase[Int(byte)]
        if classes[Int(lower)] == 0 {
          classes[Int(lower)] = next
          next += 1
        }
      }
    }
    for byte in 0..<256 { classes[byte] = classes[Int(Self.lowercase[byte])] }
    classOf = classes
    classCount = Int(next)
    reciprocal = classCount > 1 ? UInt64.max / UInt64(classCount) + 1 : 0

    // Trie, straight into the dense transition table (one row of
    // `classCount` entries a state; 0 is "no child", as no edge leads back
    // to the root). A dictionary a state had cost more than the rest of
    // the build, at every start. Each edge is also kept in a list, so that
    // the breadth-first pass below visits a state's children without
    // reading its whole row.
    let width = Int(next)
    // Rows for the most states there can be (one a phrase byte, and the
    // root), cut to those used after.
    let most = 1 + patterns.reduce(0) { $0 + $1.bytes.count }
    var table = [Int32](repeating: 0, count: most * width)
    var ends: [[Int32]] = [[]]
    ends.reserveCapacity(most)
    // (parent, class, child) for every trie edge, in the order made.
    var edges: [(parent: Int32, cls: Int32, child: Int32)] = []
    edges.reserveCapacity(most)
    var stateCount = 1
    for (index, pattern) in patterns.enumerated() where !pattern.bytes.isEmpty {
      var state = 0
      for byte in pattern.bytes {
        let cls = Int(classes[Int(byte)])
        let slot = state * width + cls
        if table[slot] != 0 {
          state = Int(table[slot])
        } else {
          ends.append([])
          table[slot] = Int32(stateCount)
          edges.append((Int32(state), Int32(cls), Int32(stateCount)))
          state = stateCount
          stateCount += 1
        }
      }
      ends[state].append(Int32(index))
    }
    table.removeLast((most - stateCount) * width)
    // Each state's edges, grouped by parent (a counting sort).
    var firstEdge = [Int](repeating: 0, count: stateCount + 1)
    for edge in edges { firstEdge[Int(edge.parent) + 1] += 1 }
    for state in 0..<stateCount { firstEdge[state + 1] += firstEdge[state] }
    var byParent = [(cls: Int32, child: Int32)](repeating: (0, 0), count: edges.count)
    var fill = firstEdge
    for edge in edges {
      byParent[fill[Int(edge.parent)]] = (edge.cls, edge.child)
      fill[Int(edge.parent)] += 1
    }

    // Breadth-first: failure links, and each missing edge filled with the
    // failure state's edge. A state's row is its failure state's row (an
    // earlier state, already filled) with its own children written over:
    // one copy a row instead of a test a cell.
    var fail = [Int32](repeating: 0, count: stateCount)
    var queue: [Int32] = []
    queue.reserveCapacity(stateCount)
    table.withUnsafeMutableBufferPointer { table in
      for edge in byParent[firstEdge[0]..<firstEdge[1]] { queue.append(edge.child) }
      var head = 0
      while head < queue.count {
        let state = Int(queue[head])
        head += 1
        let failState = Int(fail[state])
        if !ends[failState].isEmpty { ends[state] += ends[failState] }
        let row = state * width
        let failRow = failState * width
        for edge in byParent[firstEdge[state]..<firstEdge[state + 1]] {
          fail[Int(edge.child)] = table[failRow + Int(edge.cls)]
          queue.append(edge.child)
        }
        // Class 0 (bytes in no phrase) always goes back to the root: the
        // root's row and every row copied from it hold 0 there.
        (table.baseAddress! + row).update(from: table.baseAddress! + failRow, count: width)
        for edge in byParent[firstEdge[state]..<firstEdge[state + 1]] {
          table[row + Int(edge.cls)] = edge.child
        }
      }
    }
    // A state where some pattern ends is stored with its top bit set, so
    // that the scan needs one load a byte until something may match (one
    // pass over the table, in the 16-bit form when it fits).
    // Each entry is the target state's row offset (state times the row
    // width), not its number: the scan then adds a byte's class to it, with
    // no multiply on the path from one byte to the next.
    func entries<Entry: FixedWidthInteger & UnsignedInteger>(_: Entry.Type) -> [Entry] {
      let mark = ends.map { $0.isEmpty ? Entry(0) : Self.endingBit(Entry.self) }
      return [Entry](unsafeUninitializedCapacity: table.count) { out, initialized in
        table.withUnsafeBufferPointer { table in
          mark.withUnsafeBufferPointer { mark in
            for index in 0..<table.count {
              let target = Int(table[index])
              out[index] = Entry(truncatingIfNeeded: target &* width) | mark[target]
            }
          }
        }
        initialized = table.count
      }
    }
    if stateCount * width < 0x8000 { narrowTable = entries(UInt16.self) } else { self.table = entries(UInt32.self) }
    var start: [Int32] = [0]
    var flat: [Int32] = []
    for list in ends {
      flat += list
      start.append(Int32(flat.count))
    }
    outputStart = start
    outputs = flat
  }

  var isEmpty: Bool { patterns.isEmpty }
  /// Whether the 16-bit table is the one in use.
  var isNarrow: Bool { !narrowTable.isEmpty }

  /// Calls `visit(pattern, start, end)` for every match in `text`, checking
  /// case and word boundaries.
  func scan(_ text: UnsafeBufferPointer<UInt8>, _ visit: (Int, Int, Int) -> Void) {
    guard !patterns.isEmpty, let bytes = text.baseAddress else { return }
    let (classCount, reciprocal) = (self.classCount, self.reciprocal)
    @inline(__always) func row(_ offset: Int) -> Int {
      classCount == 1
        ? offset : Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: offset).multipliedFullWidth(by: reciprocal).high)
    }
    // One branch a table width, each inlined into the callers with their
    // `visit` closures (a generic helper between them, called through a
    // pointer, cost 5 million instructions more on the 1,000-file
    // findings subset).
    classOf.withUnsafeBufferPointer { classOf in
      var state = 0
      var index = 0
      if !narrowTable.isEmpty {
        narrowTable.withUnsafeBufferPointer { table in
          while true {
            index = Self.advance(table.baseAddress!, classOf.baseAddress!, bytes, from: index, to: text.count, state: &state)
            guard index < text.count else { return }
            report(row(state), endingAt: index, in: text, visit)
            index += 1
          }
        }
      } else {
        table.withUnsafeBufferPointer { table in
          while true {
            index = Self.advance(table.baseAddress!, classOf.baseAddress!, bytes, from: index, to: text.count, state: &state)
            guard index < text.count else { return }
            report(row(state), endingAt: index, in: text, visit)
            index += 1
          }
        }
      }
    }
  }

  /// The top bit of a table entry: a pattern ends in its target state.
  @inline(__always)
  private static func endingBit<Entry: FixedWidthInteger & UnsignedInteger>(_: Entry.Type) -> Entry {
    Entry(1) << (Entry.bitWidth - 1)
  }

  /// Runs the automaton from `start` until a state where some pattern ends
  /// (its index) or the end (`end`); `state` is a row offset. A function of
  /// its own, with no call inside the loop: inlined into the scan, whose
  /// reports call closures, the loop kept its values on the stack and took
  /// 17 to 21 instructions a byte; alone it keeps them in registers.
  @inline(never)
  private static func advance<Entry: FixedWidthInteger & UnsignedInteger>(
    _ table: UnsafePointer<Entry>, _ classOf: UnsafePointer<UInt16>, _ text: UnsafePointer<UInt8>,
    from start: Int, to end: Int, state: inout Int
  ) -> Int {
    let ending = endingBit(Entry.self)
    var current = state
    var index = start
    while index < end {
      let next = table[current &+ Int(classOf[Int(text[index])])]
      current = Int(next & ~ending)
      if next & ending != 0 { break }
      index &+= 1
    }
    state = current
    return index
  }

  /// The patterns that end at `state`, checked for case and word boundaries.
  @inline(__always)
  private func report(
    _ state: Int, endingAt index: Int, in text: UnsafeBufferPointer<UInt8>, _ visit: (Int, Int, Int) -> Void
  ) {
    let first = Int(outputStart[state])
    let last = Int(outputStart[state + 1])
    for slot in first..<last {
      let patternIndex = Int(outputs[slot])
      let pattern = patterns[patternIndex]
      let end = index + 1
      let start = end - pattern.bytes.count
      if !pattern.ignorecase {
        var same = true
        for offset in 0..<pattern.bytes.count where text[start + offset] != pattern.bytes[offset] {
          same = false
          break
        }
        if !same { continue }
      }
      if pattern.wordBounded {
        if isWordByte(pattern.bytes.first!), start > 0, endsWithWordCharacter(text, before: start) { continue }
        if isWordByte(pattern.bytes.last!), end < text.count, startsWithWordCharacter(text, at: end) { continue }
      }
      visit(patternIndex, start, end)
    }
  }
}

@inline(__always)
func isWordByte(_ byte: UInt8) -> Bool {
  (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    || byte >= 0x80
}

/// Whether the scalar starting at `index` is a letter, digit or underscore.
func startsWithWordCharacter(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
  let byte = text[index]
  if byte < 0x80 { return isWordByte(byte) }
  return scalar(text, at: index).map(isWordScalar) ?? false
}

/// Whether the scalar ending just before `index` is a letter, digit or underscore.
func endsWithWordCharacter(_ text: UnsafeBufferPointer<UInt8>, before index: Int) -> Bool {
  var start = index - 1
  if text[start] < 0x80 { return isWordByte(text[start]) }
  while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
  return scalar(text, at: start).map(isWordScalar) ?? false
}

func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
  scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_"
}

func scalar(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Unicode.Scalar? {
  var iterator = text[index...].makeIterator()
  var decoder = UTF8()
  if case .scalarValue(let value) = decoder.decode(&iterator) { return value }
  return nil
}
