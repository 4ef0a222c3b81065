/// A C library loaded on first use: each shim header (CGMime, CLibXML2,
/// CCurl, CHunspell) has a loader that dlopens the library and fills a
/// table of its functions. Nil when the library is not installed.
enum DynamicLibrary {
  static func table<Table>(
    _ load: (UnsafeMutablePointer<Table>) -> Int32, then setUp: (Table) -> Void = { _ in }
  ) -> UnsafePointer<Table>? {
    let table = UnsafeMutablePointer<Table>.allocate(capacity: 1)
    guard load(table) == 1 else {
      table.deallocate()
      return nil
    }
    setUp(table.pointee)
    return UnsafePointer(table)
  }
}
