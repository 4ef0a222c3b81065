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
  /// Which draft (its `DraftNames` key) each file belongs to, from the
  /// journal: a name stays with the draft that had it first.
  public private(set) var owners: [String: String] = [:]
  private var journal: Int32 = -1
  /// The folder, held open with an exclusive `flock` for the whole run, so
  /// that two runs into one folder take turns instead of losing each
  /// other's journal entries or temporary files.
  private var folderLock: Int32 = -1
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
    folderLock = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard folderLock >= 0 else { throw OutreachError.cannotWrite(path: folder, reason: String(cString: strerror(errno))) }
    if flock(folderLock, LOCK_EX) != 0 {
      let reason = String(cString: strerror(errno))
      close(folderLock)
      throw OutreachError.cannotWrite(path: folder, reason: "cannot lock the folder: \(reason)")
    }
    // Read only once the lock is held: a run that wrote meanwhile has
    // finished and compacted its journal.
    var manifestInfo = stat()
    if lstat(manifestPath, &manifestInfo) == 0, (manifestInfo.st_mode & S_IFMT) != S_IFREG {
      close(folderLock)
      throw OutreachError.cannotWrite(path: manifestPath, reason: "it is not a regular file; remove it")
    }
    if let text = try? TextFile.readText(path: manifestPath, limit: 100_000_000) {
      for line in text.split(separator: "\n") {
        // `HASH NAME [OWNER]`: the owner is absent in journals of earlier versions.
        let parts = line.split(separator: " ")
        guard parts.count == 2 || parts.count == 3 else { continue }
        let name = String(parts[1])
        written[name, default: []].insert(String(parts[0]))
        latest[name] = String(parts[0])
        if parts.count == 3 { owners[name] = String(parts[2]) }
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

  /// Writes `text` as `name`; `owner` is the draft's `DraftNames` key,
  /// kept in the journal so the name stays that draft's in later runs.
  public func write(_ text: String, name: String, owner: String? = nil) throws -> Outcome {
    let path = folder + "/" + name
    let hash = Self.hash(text)
    var info = stat()
    if lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
      // A link, a pipe or a folder someone put under the draft's name.
      return .keptEdited
    }
    if let existing = try? TextFile.readText(path: path, limit: 100_000_000) {
      if existing == text {
        record(hash, name, owner: owner)
        return .unchanged
      }
      let ours = lock.withLock { written[name]?.contains(Self.hash(existing)) ?? false }
      if !force, !ours { return .keptEdited }
    }
    record(hash, name, owner: owner)
    try Self.atomicWrite(text, to: path)
    return .written
  }

  private func record(_ hash: String, _ name: String, owner: String?) {
    lock.lock()
    defer { lock.unlock() }
    latest[name] = hash
    let newOwner = owner != nil && owners[name] != owner
    if let owner { owners[name] = owner }
    guard written[name]?.contains(hash) != true || newOwner else { return }
    written[name, default: []].insert(hash)
    let line = Array("\(hash) \(name)\(owners[name].map { " " + $0 } ?? "")\n".utf8)
    _ = line.withUnsafeBytes { Foundation.write(journal, $0.baseAddress, $0.count) }
  }

  /// Compacts the journal to the latest hash of each draft, then lets the
  /// next run into this folder go on.
  public func saveManifest() throws {
    if journal >= 0 { close(journal) }
    journal = -1
    defer {
      if folderLock >= 0 { close(folderLock) }
      folderLock = -1
    }
    let lines =
      latest.keys.sorted().map { name in "\(latest[name]!) \(name)\(owners[name].map { " " + $0 } ?? "")" }.joined(
        separator: "\n") + "\n"
    try Self.atomicWrite(lines, to: manifestPath)
  }

  deinit {
    if journal >= 0 { close(journal) }
    if folderLock >= 0 { close(folderLock) }
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
