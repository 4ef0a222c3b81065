import Foundation

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

/// A value made on first use, once, whichever thread asks first; nil, and
/// not tried again, when making it failed (a pattern RE2 rejects, a
/// dictionary that is not there).
final class MadeOnce<Value>: @unchecked Sendable {
  private let make: () -> Value?
  private var made: Value?
  private var tried = false
  private let lock = NSLock()

  init(_ make: @escaping () -> Value?) { self.make = make }

  var value: Value? {
    lock.lock()
    defer { lock.unlock() }
    if !tried {
      made = make()
      tried = true
    }
    return made
  }
}
