extension StringProtocol {
  /// The text without the leading and trailing scalars `drop` accepts:
  /// `trimmingCharacters(in:)` without building a `CharacterSet`, which on
  /// Linux costs more than the trimming.
  func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
    let scalars = unicodeScalars
    var start = scalars.startIndex
    var end = scalars.endIndex
    while start < end, drop(scalars[start]) { scalars.formIndex(after: &start) }
    while end > start {
      let before = scalars.index(before: end)
      guard drop(scalars[before]) else { break }
      end = before
    }
    if start == scalars.startIndex, end == scalars.endIndex, let whole = self as? String { return whole }
    // One scalar at a time: `append(contentsOf:)` of a slice is generic in
    // the standard library, and its first call looks up the slice's
    // conformances by name at run time (a scan of every conformance record
    // in the binary), which cost more than the trimming at start.
    var kept = String.UnicodeScalarView()
    var index = start
    while index < end {
      kept.append(scalars[index])
      scalars.formIndex(after: &index)
    }
    return String(kept)
  }
}

extension StringProtocol {
  /// `trimmingCharacters(in: .whitespaces)`: tabs and the space separators
  /// (Unicode Zs), without building the `CharacterSet`.
  func trimmingWhitespace() -> String {
    trimmingScalars { $0 == " " || $0 == "\t" || ($0.value >= 0x80 && $0.properties.generalCategory == .spaceSeparator) }
  }
}
