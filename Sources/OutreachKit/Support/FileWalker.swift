import Foundation

/// Expands paths (files and folders) into the files to work on, in a stable
/// order, reporting what cannot be read rather than stopping.
public enum FileWalker {
  public static let emailExtensions: Set<String> = ["md", "markdown", "txt", "eml"]
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
          errors.append(.symlinkLoop(path: path))
        } else {
          errors.append(.notFound(path: path))
        }
        continue
      }
      guard isDirectory.boolValue else {
        files.append(path)
        continue
      }
      let before = files.count
      walk(path, extensions: extensions, visited: [], into: &files, errors: &errors)
      if files.count == before,
        errors.isEmpty
          || !errors.contains(where: { if case .unreadable(let p, _) = $0 { return p == path } else { return false } })
      {
        errors.append(emptyFolder(path))
      }
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
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    } catch {
      errors.append(.unreadable(path: folder, reason: "cannot list the folder"))
      return
    }
    for name in names where !name.hasPrefix(".") {
      let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil { errors.append(.symlinkLoop(path: path)) }
        continue
      }
      if isDirectory.boolValue {
        walk(path, extensions: extensions, visited: seen, into: &files, errors: &errors)
      } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
        files.append(path)
      }
    }
  }
}
