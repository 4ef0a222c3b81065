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
