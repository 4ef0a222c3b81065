import Foundation

/// Paths found from the current folder upward (`.outreach.yml`, `Rules/`,
/// `.vale.ini`), and the rule files of a folder, with `stat` and `readdir`:
/// this runs at every start, where Foundation's `URL` and `FileManager`
/// had cost about a millisecond of linting one email.
public enum PathSearch {
  /// The current folder (getcwd), without FileManager.
  public static var currentFolder: String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return FileManager.default.currentDirectoryPath }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// `start` and every folder above it, nearest first, as absolute paths
  /// with `.` and `..` taken out (as `URL.standardizedFileURL` did).
  static func folders(from start: String) -> [String] {
    let absolute = start.hasPrefix("/") ? start : currentFolder + "/" + start
    // On bytes: splitting into `Substring`s cost more than the stat calls.
    let bytes = Array(absolute.utf8)
    var parts: [ArraySlice<UInt8>] = []
    var index = 0
    while index < bytes.count {
      while index < bytes.count, bytes[index] == UInt8(ascii: "/") { index += 1 }
      let begin = index
      while index < bytes.count, bytes[index] != UInt8(ascii: "/") { index += 1 }
      let part = bytes[begin..<index]
      if part.isEmpty || part.elementsEqual([UInt8(ascii: ".")]) { continue }
      if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
        _ = parts.popLast()
        continue
      }
      parts.append(part)
    }
    var folders = ["/"]
    var path: [UInt8] = []
    for part in parts {
      path.append(UInt8(ascii: "/"))
      path += part
      folders.append(String(decoding: path, as: UTF8.self))
    }
    return Array(folders.reversed().prefix(64))
  }

  /// The last component of `path` made absolute and standard (a folder's
  /// own name, for `Rules/..` or `.` too).
  static func lastComponent(_ path: String) -> String {
    let folder = folders(from: path)[0]
    return String(folder.utf8.lastIndex(of: UInt8(ascii: "/")).map { folder[folder.index(after: $0)...] } ?? "")
  }

  /// `folder/name` made at once: one allocation, not two appends (every file
  /// of a folder walk pays for it).
  static func joined(_ folder: String, _ name: String) -> String {
    var (folder, name) = (folder, name)
    return folder.withUTF8 { head in
      name.withUTF8 { tail in
        let slash = head.last == 0x2F ? 0 : 1
        return String(unsafeUninitializedCapacity: head.count + slash + tail.count) { out in
          _ = out.initialize(from: head)
          if slash == 1 { out[head.count] = 0x2F }
          _ = UnsafeMutableBufferPointer(rebasing: out[(head.count + slash)...]).initialize(from: tail)
          return head.count + slash + tail.count
        }
      }
    }
  }

  enum Kind { case any, file }

  /// The first `folder/name` that exists, over `folders(from: start)`
  /// and `names` (in that order at each level).
  static func upward(_ names: [String], from start: String, kind: Kind = .any) -> String? {
    for folder in folders(from: start) {
      for name in names {
        let candidate = joined(folder, name)
        var info = stat()
        guard stat(candidate, &info) == 0 else { continue }
        if kind == .file, (info.st_mode & S_IFMT) == S_IFDIR { continue }
        return candidate
      }
    }
    return nil
  }

  /// The `.yml` and `.yaml` files under `folder`, at any depth, sorted by
  /// path; names (of files or folders) starting with `.` or `_` are left
  /// out, and a linked folder is not entered. nil when the folder cannot
  /// be listed.
  static func ruleFiles(in folder: String) -> [String]? {
    var files: [String] = []
    guard list(folder, into: &files) else { return nil }
    return files.sorted()
  }

  /// The names in `folder` that do not start with `.`, each with the type
  /// `readdir` gives (no `stat` a file); nil when it cannot be listed.
  static func entries(of folder: String) -> [(name: String, type: UInt8)]? {
    guard let directory = opendir(folder) else { return nil }
    defer { closedir(directory) }
    var entries: [(name: String, type: UInt8)] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasPrefix(".") { continue }
      entries.append((name, entry.pointee.d_type))
    }
    return entries
  }

  private static func list(_ folder: String, into files: inout [String]) -> Bool {
    guard let entries = entries(of: folder) else { return false }
    for (name, listedType) in entries where !name.hasPrefix("_") {
      let path = joined(folder, name)
      var type = listedType
      if type == UInt8(DT_UNKNOWN) {
        var info = stat()
        guard lstat(path, &info) == 0 else { continue }
        type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
      }
      if type == UInt8(DT_DIR) {
        _ = list(path, into: &files)
      } else if name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
        files.append(path)
      }
    }
    return true
  }
}
