import Foundation

/// Writes drafts into a folder atomically, and never over a draft a person
/// edited. A journal (`DIR/.outreach-drafts`) records the hash of every
/// draft outreach wrote under each name, before the file appears: a file
/// whose bytes match none of them was changed by someone and is left alone.
/// Because the journal entry comes first, a run killed midway leaves each
/// file old or new, and either is still recognised as outreach's own.
public final class DraftWriter: @unchecked Sendable {
  public enum Outcome: Equatable, Sendable { case written, unchanged, keptEdited }
  public static let manifestName = ".outreach-drafts"
  static let temporaryMarker = ".outreach-tmp-"

  public let folder: String
  public let force: Bool
  private var written: [String: Set<String>] = [:]
  private var latest: [String: String] = [:]
  private var journal: Int32 = -1
  /// Guards `written`, `latest` and the journal: drafts are written from
  /// several threads at once.
  private let lock = NSLock()

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
    if let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) {
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { continue }
        written[String(parts[1]), default: []].insert(String(parts[0]))
        latest[String(parts[1])] = String(parts[0])
      }
    }
    // Temporary files of a run that was killed.
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.contains(Self.temporaryMarker) {
      unlink(folder + "/" + name)
    }
    journal = open(manifestPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard journal >= 0 else { throw OutreachError.cannotWrite(path: manifestPath, reason: String(cString: strerror(errno))) }
  }

  var manifestPath: String { folder + "/" + Self.manifestName }

  static func hash(_ text: String) -> String { String(stableHash(text), radix: 16) }

  public func write(_ text: String, name: String) throws -> Outcome {
    let path = folder + "/" + name
    let hash = Self.hash(text)
    if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
      if existing == text {
        record(hash, name)
        return .unchanged
      }
      let ours = lock.withLock { written[name]?.contains(Self.hash(existing)) ?? false }
      if !force, !ours { return .keptEdited }
    }
    record(hash, name)
    try Self.atomicWrite(text, to: path)
    return .written
  }

  private func record(_ hash: String, _ name: String) {
    lock.lock()
    defer { lock.unlock() }
    latest[name] = hash
    guard written[name]?.contains(hash) != true else { return }
    written[name, default: []].insert(hash)
    let line = Array("\(hash) \(name)\n".utf8)
    _ = line.withUnsafeBytes { Foundation.write(journal, $0.baseAddress, $0.count) }
  }

  /// Compacts the journal to the latest hash of each draft.
  public func saveManifest() throws {
    if journal >= 0 { close(journal) }
    journal = -1
    let lines = latest.keys.sorted().map { "\(latest[$0]!) \($0)" }.joined(separator: "\n") + "\n"
    try Self.atomicWrite(lines, to: manifestPath)
  }

  /// Writes a temporary file beside the target and renames it over, so a
  /// reader sees the old file or the new one, never half of either.
  static func atomicWrite(_ text: String, to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let temporary =
      (folder.isEmpty ? "" : folder + "/") + "." + name + temporaryMarker + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw OutreachError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
    let bytes = Array(text.utf8)
    let count = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    guard count == bytes.count else {
      unlink(temporary)
      throw OutreachError.cannotWrite(path: path, reason: "short write")
    }
    if rename(temporary, path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw OutreachError.cannotWrite(path: path, reason: reason)
    }
  }
}
