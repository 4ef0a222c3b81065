import Foundation

/// Expands paths (files and folders) into the files to work on, in a stable
/// order, reporting what cannot be read rather than stopping.
public enum FileWalker {
  public static let emailExtensions: Set<String> = ["md", "markdown", "txt", "eml", "msg", "mbox"]
  public static let accountExtensions: Set<String> = ["yml", "yaml", "json"]

  public static func expand(_ paths: [String], extensions: Set<String>, emptyFolder: (String) -> OutreachError) -> (
    files: [String], errors: [OutreachError]
  ) {
    var files: [String] = []
    var errors: [OutreachError] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        // A dangling or looping link exists as a link but not as a target.
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
          var info = stat()
          errors.append(
            stat(path, &info) != 0 && errno == ELOOP
              ? .symlinkLoop(path: path)
              : .danglingLink(path))
        } else {
          errors.append(.notFound(path: path))
        }
        continue
      }
      guard isDirectory.boolValue else {
        files.append(path)
        continue
      }
      let (filesBefore, errorsBefore) = (files.count, errors.count)
      walk(path, extensions: extensions, visited: [], into: &files, errors: &errors)
      // A folder that held nothing to work on (and gave no error of its own) is an error too.
      if files.count == filesBefore, errors.count == errorsBefore { errors.append(emptyFolder(path)) }
    }
    return (files, errors)
  }

  private static func walk(
    _ folder: String, extensions: Set<String>, visited: Set<String>, into files: inout [String], errors: inout [OutreachError]
  ) {
    let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
    if visited.contains(real) {
      errors.append(.symlinkLoop(path: folder))
      return
    }
    var seen = visited
    seen.insert(real)
    // readdir gives each entry's type without a stat call per file.
    guard var entries = PathSearch.entries(of: folder) else {
      errors.append(.unreadable(path: folder, reason: "cannot list the folder"))
      return
    }
    sortByName(&entries)
    let wanted = extensions.map { Array($0.utf8) }
    for (name, type) in entries {
      let path = PathSearch.joined(folder, name)
      var isDirectory = type == UInt8(DT_DIR)
      var isRegular = type == UInt8(DT_REG)
      if type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) {
        var info = stat()
        guard stat(path, &info) == 0 else {
          if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
            errors.append(
              errno == ELOOP
                ? .symlinkLoop(path: path)
                : .danglingLink(path))
          }
          continue
        }
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        isRegular = (info.st_mode & S_IFMT) == S_IFREG
      }
      if isDirectory {
        walk(path, extensions: extensions, visited: seen, into: &files, errors: &errors)
      } else if hasExtension(name, wanted, extensions) {
        // A FIFO, socket or device named like an email is reported, not
        // opened: opening a FIFO waits for a writer that never comes.
        guard isRegular else {
          var info = stat()
          errors.append(.notRegular(path, mode: stat(path, &info) == 0 ? info.st_mode & S_IFMT : 0))
          continue
        }
        files.append(path)
      }
    }
  }

  /// Entries in the order String's `<` gives their names. Names all in
  /// ASCII (nearly always) are ordered by their first eight bytes as one
  /// number, and by the whole name only when those are the same: the order
  /// is the same, the comparisons far cheaper in a folder of thousands.
  static func sortByName(_ entries: inout [(name: String, type: UInt8)]) {
    var keys: [(prefix: UInt64, index: Int)] = []
    keys.reserveCapacity(entries.count)
    for index in entries.indices {
      var name = entries[index].name
      let key: UInt64? = name.withUTF8 { bytes in
        var prefix: UInt64 = 0
        for (offset, byte) in bytes.enumerated() {
          if byte >= 0x80 { return nil }
          if offset < 8 { prefix |= UInt64(byte) << (56 - 8 * offset) }
        }
        return prefix
      }
      guard let prefix = key else {
        entries.sort { $0.name < $1.name }
        return
      }
      keys.append((prefix, index))
    }
    keys.sort { $0.prefix != $1.prefix ? $0.prefix < $1.prefix : entries[$0.index].name < entries[$1.index].name }
    entries = keys.map { entries[$0.index] }
  }

  /// Whether the name's extension (after its last dot) is one of
  /// `extensions` in any case. By bytes; an extension with a non-ASCII
  /// byte is lowercased as a string (the Kelvin sign lowercases to `k`).
  static func hasExtension(_ name: String, _ wanted: [[UInt8]], _ extensions: Set<String>) -> Bool {
    var name = name
    return name.withUTF8 { bytes in
      guard let dot = bytes.lastIndex(of: 0x2E) else { return false }
      let suffix = UnsafeBufferPointer(rebasing: bytes[(dot + 1)...])
      if suffix.contains(where: { $0 >= 0x80 }) {
        return extensions.contains(String(decoding: suffix, as: UTF8.self).lowercased())
      }
      return wanted.contains { extensionBytes in
        guard extensionBytes.count == suffix.count else { return false }
        for index in 0..<suffix.count where PhraseMatcher.lowercase[Int(suffix[index])] != extensionBytes[index] {
          return false
        }
        return true
      }
    }
  }

}
