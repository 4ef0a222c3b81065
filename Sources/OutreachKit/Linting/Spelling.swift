import CHunspell
import Foundation

/// The one place that talks to Hunspell, for Vale's `spelling` kind: a
/// dictionary (`.aff` and `.dic`, the format Vale's own dictionaries use)
/// loaded once per rule, words checked under a lock (Hunspell is not
/// thread-safe).
final class SpellChecker: @unchecked Sendable {
  nonisolated(unsafe) private static let library = DynamicLibrary.table(outreach_hunspell_load)

  /// Where dictionaries are looked for when a rule gives no `dicpath`.
  static let systemFolders = ["/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell"]

  private let handle: OpaquePointer
  private let api: UnsafePointer<outreach_hunspell_api>
  private let lock = NSLock()

  /// Vale's own word list, which Vale builds into its binary and outreach
  /// into its own (`Rules/_vale/dictionary/`): what a spelling rule with no
  /// `dictionaries` (or with `append: true`) uses, as in Vale.
  static let builtInName = "en_US-web"

  /// The built-in pair as paths Hunspell can open (it reads dictionaries by
  /// path): anonymous files in memory, made once a run, nothing on disk.
  private static let builtInFiles: (aff: String, dic: String)? = {
    func embedded(_ suffix: String) -> String? {
      let path = "Rules/_vale/dictionary/\(builtInName).\(suffix)"
      guard let file = EmbeddedDefaults.files.first(where: { $0.path == path }) else { return nil }
      return memoryFile("\(builtInName).\(suffix)", file.contents)
    }
    guard let aff = embedded("aff"), let dic = embedded("dic") else { return nil }
    return (aff, dic)
  }()

  /// `text` as an anonymous file in memory, by a path any reader can open
  /// (`/proc/self/fd/N`, open for the rest of the run); nil where there are
  /// no such files.
  static func memoryFile(_ name: String, _ text: String) -> String? {
    let descriptor = outreach_memory_file(name)
    guard descriptor >= 0 else { return nil }
    var text = text
    let written = text.withUTF8 { buffer -> Bool in
      var offset = 0
      while offset < buffer.count {
        let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if count < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += count
      }
      return true
    }
    guard written else {
      close(descriptor)
      return nil
    }
    return "/proc/self/fd/\(descriptor)"
  }

  /// The affix file as Vale's checker reads it: Vale checks a word with a
  /// hyphen whole (`human-friendly`), where Hunspell splits it at `BREAK`
  /// points (by default at each hyphen). `BREAK 0` in place of any `BREAK`
  /// lines makes Hunspell take it whole too. Nil when the file cannot be
  /// read or no memory file made (Hunspell then reads the file as it is).
  static func wholeWordAffix(_ path: String) -> String? {
    guard let bytes = try? TextFile.read(path: path, limit: 20_000_000, validate: false) else { return nil }
    var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    lines.removeAll { line in
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      return fields.first == "BREAK"
    }
    return memoryFile("whole-words.aff", lines.joined(separator: "\n") + "\nBREAK 0\n")
  }

  /// The `.aff`/`.dic` pair of `name` in `folders` (or, for Vale's own
  /// word list, built in), or nil.
  static func find(_ name: String, in folders: [String]) -> (aff: String, dic: String)? {
    for folder in folders {
      let base = folder + "/" + name
      if FileManager.default.fileExists(atPath: base + ".aff"), FileManager.default.fileExists(atPath: base + ".dic") {
        return (base + ".aff", base + ".dic")
      }
    }
    return name == builtInName ? builtInFiles : nil
  }

  /// Why Hunspell cannot use the pair, or nil: each must be a regular,
  /// readable, non-empty file, and a `.dic` starts with its word count.
  /// Hunspell itself loads a broken pair without a word, and then flags
  /// every word.
  static func problem(aff: String, dic: String) -> String? {
    for path in [aff, dic] {
      let bytes: [UInt8]
      do { bytes = try TextFile.read(path: path, limit: 200_000_000, validate: false) } catch let error as OutreachError {
        return error.description
      } catch { return "\(path) cannot be read" }
      let text = bytes.prefix(4096)
      if text.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "\(path) is empty" }
      if path == dic {
        var first = text.prefix { $0 != 0x0A && $0 != 0x0D }[...]
        if first.starts(with: [0xEF, 0xBB, 0xBF]) { first = first.dropFirst(3) }
        let count = first.filter { $0 != 0x20 && $0 != 0x09 }
        if count.isEmpty || !count.allSatisfy({ (0x30...0x39).contains($0) }) {
          return "\(path) does not start with its word count, so it is not a Hunspell dictionary"
        }
      }
    }
    return nil
  }

  /// Nil when Hunspell is not installed or a dictionary is missing.
  init?(dictionaries: [String], folders: [String]) {
    guard let api = Self.library, let first = dictionaries.first, let files = Self.find(first, in: folders),
      let handle = api.pointee.Hunspell_create(Self.wholeWordAffix(files.aff) ?? files.aff, files.dic)
    else { return nil }
    self.api = api
    self.handle = handle
    for extra in dictionaries.dropFirst() {
      if let more = Self.find(extra, in: folders) { _ = api.pointee.Hunspell_add_dic(handle, more.dic) }
    }
  }

  deinit { api.pointee.Hunspell_destroy(handle) }

  static var available: Bool { library != nil }

  func isCorrect(_ word: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return api.pointee.Hunspell_spell(handle, word) != 0
  }
}

/// A rule's spell checker, made when an email first needs it.
final class LazySpellChecker: @unchecked Sendable {
  let filter: RE2Regex.Lazy?
  let exceptions: RE2Regex.Lazy?
  private let made: MadeOnce<SpellChecker>

  init(dictionaries: [String], folders: [String], filter: RE2Regex.Lazy?, exceptions: RE2Regex.Lazy? = nil) {
    self.filter = filter
    self.exceptions = exceptions
    made = MadeOnce { SpellChecker(dictionaries: dictionaries, folders: folders) }
  }

  var checker: SpellChecker? { made.value }
}
