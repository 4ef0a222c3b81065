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
    entries.sort { $0.name < $1.name }
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
      } else if let dot = name.lastIndex(of: "."), extensions.contains(name[name.index(after: dot)...].lowercased()) {
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
}
