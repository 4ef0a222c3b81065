import Foundation

/// Writes drafts into a folder atomically, and never over a draft a person
/// edited: a manifest (`.outreach-drafts`) keeps the hash of what was
/// written, and a file whose bytes no longer match it is left alone.
public struct DraftWriter {
  public enum Outcome: Equatable, Sendable { case written, unchanged, keptEdited }
  public static let manifestName = ".outreach-drafts"

  public let folder: String
  public let force: Bool
  private var manifest: [String: String]

  public init(folder: String, force: Bool) throws {
    self.folder = folder
    self.force = force
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
      do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
        throw OutreachError.cannotWrite(path: folder, reason: "cannot create the folder")
      }
    } else if !isDirectory.boolValue {
      throw OutreachError.cannotWrite(path: folder, reason: "it is a file, not a folder")
    }
    manifest = [:]
    if let text = try? String(contentsOfFile: folder + "/" + Self.manifestName, encoding: .utf8) {
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", maxSplits: 1)
        if parts.count == 2 { manifest[String(parts[1])] = String(parts[0]) }
      }
    }
  }

  static func hash(_ text: String) -> String { String(stableHash(text), radix: 16) }

  public mutating func write(_ text: String, name: String) throws -> Outcome {
    let path = folder + "/" + name
    if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
      if existing == text {
        manifest[name] = Self.hash(text)
        return .unchanged
      }
      if !force, manifest[name] != Self.hash(existing) { return .keptEdited }
    }
    try Self.atomicWrite(text, to: path)
    manifest[name] = Self.hash(text)
    return .written
  }

  public func saveManifest() throws {
    let lines = manifest.keys.sorted().map { "\(manifest[$0]!) \($0)" }.joined(separator: "\n") + "\n"
    try Self.atomicWrite(lines, to: folder + "/" + Self.manifestName)
  }

  /// Writes a temporary file beside the target and renames it over, so a
  /// reader sees the old file or the new one, never half of either.
  static func atomicWrite(_ text: String, to path: String) throws {
    let temporary = path + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw OutreachError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    guard written == bytes.count else {
      unlink(temporary)
      throw OutreachError.cannotWrite(path: path, reason: "short write")
    }
    if rename(temporary, path) != 0 {
      unlink(temporary)
      throw OutreachError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
