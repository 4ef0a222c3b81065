import CRE2

/// A rule pattern compiled by RE2: linear-time matching with Go's (and so
/// Vale's) syntax. A pattern that needs a lookaround or a backreference
/// (Vale's regexp2 has them) runs on PCRE2 with hard match and depth
/// limits instead (Sources/CRE2/re2shim.cpp): a search that hits them stops
/// and says so, never hangs.
final class RE2Regex: @unchecked Sendable {
  private let handle: OpaquePointer
  let pattern: String

  /// A pattern compiled on its first use: most emails never reach most
  /// rule regexes (the phrase automaton finds their literals first), and
  /// compiling them all costs a one-email lint its start-up time.
  final class Lazy: @unchecked Sendable {
    let pattern: String
    let ignorecase: Bool
    private let compiled: MadeOnce<RE2Regex>

    init(_ pattern: String, ignorecase: Bool = false, captures: Bool = false) {
      self.pattern = pattern
      self.ignorecase = ignorecase
      compiled = MadeOnce { try? RE2Regex(pattern, ignorecase: ignorecase, captures: captures) }
    }

    /// Nil when RE2 rejects the pattern (rule files were checked on load).
    var regex: RE2Regex? { compiled.value }
  }

  /// Throws the reason RE2 gives when it rejects `pattern`.
  init(_ pattern: String, ignorecase: Bool = false, captures: Bool = false) throws {
    var error = [CChar](repeating: 0, count: 256)
    let bytes = Array(pattern.utf8)
    let compiled = bytes.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) {
        outreach_re2_new($0.baseAddress, $0.count, ignorecase ? 1 : 0, captures ? 1 : 0, &error, error.count)
      }
    }
    guard let compiled else {
      let end = error.firstIndex(of: 0) ?? error.count
      throw RE2Error(reason: String(decoding: error[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    handle = compiled
    self.pattern = pattern
    wordRunGroups = Self.wordRunGroups(pattern)
  }

  deinit { outreach_re2_free(handle) }

  /// For a pattern that is a run of word characters (`\b(\w+)\b`, the token
  /// of every style's sentence-length rule, `\w+`, ...): its capture groups
  /// (0 or 1). Such a pattern is matched by a byte scan with RE2's own
  /// meaning of `\w` and `\b` (ASCII `[0-9A-Za-z_]`), not by a call into
  /// RE2 for each word. Nil for any other pattern.
  private let wordRunGroups: Int?

  static func wordRunGroups(_ pattern: String) -> Int? {
    var inner = Substring(pattern)
    while let flag = ["(?i)", "(?m)", "(?s)"].first(where: { inner.hasPrefix($0) }) { inner = inner.dropFirst(flag.count) }
    if inner.hasPrefix("(?:"), inner.hasSuffix(")") { inner = inner.dropFirst(3).dropLast() }
    switch inner {
    case #"\w+"#, #"\b\w+\b"#, #"\b(?:\w+)\b"#: return 0
    case #"(\w+)"#, #"\b(\w+)\b"#: return 1
    default: return nil
    }
  }

  /// RE2's `\w`: ASCII letters, digits and `_`.
  private static let wordByte: [Bool] = (0..<256).map { byte in
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
  }

  /// Whether `byte` is a word character to RE2's `\w` (the word runs a
  /// word-run pattern matches).
  @inline(__always)
  static func isWordByte(_ byte: UInt8) -> Bool { wordByte[Int(byte)] }

  /// The same table, by pointer, for a loop over many bytes.
  static func withWordTable<Result>(_ body: (UnsafeBufferPointer<Bool>) -> Result) -> Result {
    wordByte.withUnsafeBufferPointer(body)
  }

  /// Every non-overlapping match in `text` (UTF-8 bytes), as byte ranges:
  /// the span of capture `group` when above 0 and it took part, else the
  /// whole match. Empty matches are skipped.
  /// Returns false when a backtracking pattern (a lookaround or a
  /// backreference, run by PCRE2) hit its limit: the search stopped there.
  @discardableResult
  func forEachMatch(in text: UnsafeBufferPointer<UInt8>, group: Int = 0, _ body: (Int, Int) -> Void) -> Bool {
    guard let base = text.baseAddress else { return true }
    if let groups = wordRunGroups, group <= groups {
      // Each maximal run of word bytes, as RE2 finds `\b(\w+)\b`.
      var index = 0
      while index < text.count {
        guard Self.wordByte[Int(text[index])] else {
          index += 1
          continue
        }
        let runStart = index
        while index < text.count, Self.wordByte[Int(text[index])] { index += 1 }
        body(runStart, index)
      }
      return true
    }
    var start = 0
    var complete = true
    // The match's bounds on the stack: two arrays cost two allocations a call.
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 4) { bounds in
      bounds.initialize(repeating: 0)
      let whole = bounds.baseAddress!
      let part = whole + 2
      base.withMemoryRebound(to: CChar.self, capacity: text.count) { chars in
        while start <= text.count {
          let found = outreach_re2_find(handle, chars, text.count, start, Int32(group), whole, part)
          if found == -2 { complete = false }
          guard found == 1 else { return }
          if part[1] > part[0] { body(part[0], part[1]) }
          // Move past the match; past one whole UTF-8 character when empty.
          var next = max(whole[1], start + (whole[1] == whole[0] ? 1 : 0))
          while next < text.count, text[next] & 0xC0 == 0x80 { next += 1 }
          start = next
        }
      }
    }
    return complete
  }

  /// Whether RE2 runs the pattern (no lookaround or backreference, which
  /// PCRE2 runs and whose lookbehind reads text before the span searched).
  var isLinear: Bool { outreach_re2_is_linear(handle) == 1 }

  /// Whether it runs on the backtracking engine behind an RE2 prefilter.
  var hasPrefilter: Bool { outreach_re2_has_prefilter(handle) == 1 }

  /// The number of capturing groups.
  var groups: Int { Int(outreach_re2_groups(handle)) }

  /// Whether the whole of `text` matches.
  func matchesWhole(_ text: String) -> Bool {
    var copy = text
    return copy.withUTF8 { buffer in
      buffer.withMemoryRebound(to: CChar.self) { outreach_re2_full(handle, $0.baseAddress, $0.count) == 1 }
    }
  }

  /// Whether the pattern is found anywhere in `text`.
  func isFound(in text: String) -> Bool {
    var copy = text
    var found = false
    copy.withUTF8 { buffer in
      forEachMatch(in: buffer) { _, _ in found = true }
    }
    return found
  }
}

struct RE2Error: Error {
  var reason: String
}

/// Patterns searched together in one pass (RE2's `Set`): which of them match
/// anywhere in a text. Safe to share: it is immutable once built.
final class RE2Set: @unchecked Sendable {
  private let handle: OpaquePointer
  let count: Int

  /// Nil when RE2 rejects a pattern or cannot build the set.
  init?(_ patterns: [String]) {
    var joined: [CChar] = []
    var offsets: [Int] = []
    var lengths: [Int] = []
    for pattern in patterns {
      offsets.append(joined.count)
      lengths.append(pattern.utf8.count)
      joined += pattern.utf8.map { CChar(bitPattern: $0) }
    }
    joined.append(0)
    let made = joined.withUnsafeBufferPointer { buffer -> OpaquePointer? in
      let pointers: [UnsafePointer<CChar>?] = offsets.map { buffer.baseAddress! + $0 }
      return pointers.withUnsafeBufferPointer { pointers in
        lengths.withUnsafeBufferPointer { lengths in
          outreach_re2_set_new(pointers.baseAddress, lengths.baseAddress, patterns.count)
        }
      }
    }
    guard let made else { return nil }
    handle = made
    count = patterns.count
  }

  deinit { outreach_re2_set_free(handle) }

  /// For each pattern, whether it matches somewhere in `text`; nil when RE2
  /// could not tell (its DFA outgrew its memory), and any may match.
  func matches(in text: UnsafeBufferPointer<UInt8>) -> [Bool]? {
    var found = [UInt8](repeating: 0, count: count)
    let empty: [CChar] = [0]
    let done = found.withUnsafeMutableBufferPointer { found in
      text.withMemoryRebound(to: CChar.self) { text in
        empty.withUnsafeBufferPointer { empty in
          outreach_re2_set_match(handle, text.baseAddress ?? empty.baseAddress, text.count, found.baseAddress)
        }
      }
    }
    return done == 1 ? found.map { $0 != 0 } : nil
  }
}
