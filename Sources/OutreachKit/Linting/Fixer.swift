import Foundation

/// One change `lint --fix` makes: where, and the text before and after.
public struct FixChange: Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var line: Int
  public var column: Int
  public var old: String
  public var new: String
  /// `PATH:LINE:COLUMN: old -> new`
  public var description: String { "\(path):\(line):\(column): \(old) -> \(new)" }
}

/// Applies the fixes rules declare to a Markdown or plain-text email. Only
/// prose: a fix lands only where the file holds exactly the flagged text at
/// the finding's line and column (so never in code, a URL, an escape or an
/// entity, which linting reads differently), never in the header block and
/// never in a quote (rules do not read quotes).
public enum Fixer {
  public static func apply(_ findings: [Finding], to text: String, path: String) -> (text: String, changes: [FixChange]) {
    // Lines split at LF only, each keeping a CR it ends with, so that CRLF
    // and mixed line ends are fixed and written back as they were.
    var lines = splitLines(text).map { Array($0.unicodeScalars) }
    // The header block as linting reads it: its lines (and the blank one
    // after it) are never rewritten.
    let document = EmailDocument(path: path, text: text)
    let headerEnd =
      !document.hasHeaderBlock
      ? 0
      : document.bodyStart >= document.source.bytes.count
        ? lines.count : document.source.position(of: document.bodyStart).line - 1
    var changes: [FixChange] = []
    // From the end of each line backwards, so earlier columns stay right.
    // At the match, which a Vale style's finding may be reported away from.
    let fixable = findings.filter { $0.replacement != nil }.map { finding in
      var finding = finding
      finding.line = finding.matchLine ?? finding.line
      finding.column = finding.matchColumn ?? finding.column
      return finding
    }.filter { $0.line > headerEnd && $0.line <= lines.count }.sorted { ($0.line, $0.column) > ($1.line, $1.column) }
    var lastEdit: (line: Int, column: Int)? = nil
    for finding in fixable {
      guard let replacement = finding.replacement else { continue }
      let index = finding.line - 1
      var line = lines[index]
      let match = Array(finding.match.unicodeScalars)
      var start = finding.column - 1
      var end = start + match.count
      guard start >= 0, end <= line.count, Array(line[start..<end]) == match, !match.isEmpty else { continue }
      // Overlapping fixes on one line: keep the later one only.
      if let last = lastEdit, last.line == finding.line, end > last.column - 1 { continue }
      if replacement.isEmpty {
        // A removed word takes one space with it.
        if end < line.count, line[end] == " " {
          end += 1
        } else if start > 0, line[start - 1] == " " {
          start -= 1
        }
      } else if isDash(finding.match) {
        // A dash between words takes its spaces with it: "a — b" -> "a, b".
        while start > 0, line[start - 1] == " " || line[start - 1] == "\t" { start -= 1 }
        while end < line.count, line[end] == " " || line[end] == "\t" { end += 1 }
      }
      line.replaceSubrange(start..<end, with: Array(replacement.unicodeScalars))
      lines[index] = line
      lastEdit = (finding.line, start + 1)
      changes.append(
        FixChange(
          path: path, line: finding.line, column: finding.column, old: finding.match,
          new: replacement.trimmingCharacters(in: .whitespaces)))
    }
    let fixed = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    return (fixed, changes.reversed())
  }

  static func isDash(_ text: String) -> Bool {
    ["\u{2014}", "\u{2013}", "--"].contains(text)
  }

  /// `text` split at each LF (a CR stays with its line); the last element
  /// is what follows the last LF ("" when the text ends with one).
  static func splitLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        lines.append(String(current))
        current = String.UnicodeScalarView()
      } else {
        current.append(scalar)
      }
    }
    lines.append(String(current))
    return lines
  }

  /// A unified diff of a fix that changes lines in place (fixes never add
  /// or remove a line), three lines of context, as `git apply` and `patch`
  /// take it: exact counts, no line past the end, and "\ No newline at end
  /// of file" after a last line without one. A CR stays at its line's end.
  public static func unifiedDiff(path: String, old: String, new: String) -> String {
    var before = splitLines(old)
    var after = splitLines(new)
    // The "" after a final LF is not a line.
    let oldEndsWithNewline = before.last == ""
    let newEndsWithNewline = after.last == ""
    if oldEndsWithNewline { before.removeLast() }
    if newEndsWithNewline { after.removeLast() }
    guard before.count == after.count else { return "" }
    let changed = before.indices.filter { before[$0] != after[$0] }
    guard !changed.isEmpty else { return "" }
    let name = diffPath(path)
    var out = "--- \(name.a)\n+++ \(name.b)\n"
    var hunks: [[Int]] = []
    for line in changed {
      if let last = hunks.last?.last, line - last <= 6 { hunks[hunks.count - 1].append(line) } else { hunks.append([line]) }
    }
    let last = before.count - 1
    for hunk in hunks {
      let start = max(0, hunk.first! - 3)
      let end = min(last, hunk.last! + 3)
      let count = end - start + 1
      out += "@@ -\(start + 1),\(count) +\(start + 1),\(count) @@\n"
      let changedLines = Set(hunk)
      for line in start...end {
        let noNewline = line == last
        if changedLines.contains(line) {
          out += "-\(before[line])\n"
          if noNewline, !oldEndsWithNewline { out += "\\ No newline at end of file\n" }
          out += "+\(after[line])\n"
          if noNewline, !newEndsWithNewline { out += "\\ No newline at end of file\n" }
        } else {
          out += " \(before[line])\n"
          if noNewline, !oldEndsWithNewline { out += "\\ No newline at end of file\n" }
        }
      }
    }
    return out
  }

  /// The `a/` and `b/` names of a diff, quoted as git quotes a name with a
  /// control character, a quote, a backslash or a byte past ASCII (so a
  /// file name never becomes a terminal escape or a second line).
  static func diffPath(_ path: String) -> (a: String, b: String) {
    let trimmed = path.hasPrefix("/") ? String(path.drop { $0 == "/" }) : path
    let needsQuoting = trimmed.utf8.contains { $0 < 0x20 || $0 >= 0x7F || $0 == 0x22 || $0 == 0x5C }
    guard needsQuoting else { return ("a/" + trimmed, "b/" + trimmed) }
    var body = ""
    for byte in trimmed.utf8 {
      switch byte {
      case 0x22: body += "\\\""
      case 0x5C: body += "\\\\"
      case 0x09: body += "\\t"
      case 0x0A: body += "\\n"
      case 0x0D: body += "\\r"
      case 0x20..<0x7F: body += String(UnicodeScalar(byte))
      default:
        let octal = String(byte, radix: 8)
        body += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
      }
    }
    return ("\"a/" + body + "\"", "\"b/" + body + "\"")
  }
}

extension Fixer {
  /// Whether `lint --fix` rewrites a file of this kind: Markdown and plain
  /// text, never a saved message or an mbox.
  public static func rewrites(_ path: String) -> Bool {
    switch EmailKind.of(path: path) {
    case .message, .mbox: return false
    default: return true
    }
  }

  /// Fixes one file: with `write`, in place and atomically; without, only
  /// the diff. Returns the changes and the unified diff.
  ///
  /// Writing keeps what the file is: through a symbolic link the target is
  /// fixed and the link stays; owner, group and mode are kept; a UTF-8
  /// byte-order mark stays. It refuses, with one line and nothing written,
  /// a file with other hard links (a new file would split them), a
  /// read-only file, a UTF-16 file, one whose owner it cannot keep, and
  /// one that changed while it was being fixed.
  public static func fix(path: String, findings: [Finding], write: Bool) throws -> (
    changes: [FixChange], diff: String
  ) {
    guard rewrites(path), findings.contains(where: { $0.replacement != nil }) else { return ([], "") }
    let raw = try TextFile.read(path: path, validate: false)
    if TextFile.decodeUTF16(raw) != nil {
      throw OutreachError.fixRefused(
        path: path, problem: "it is UTF-16 text, which --fix would rewrite as UTF-8",
        fix: "convert it to UTF-8 first, or fix it by hand")
    }
    let bytes = try TextFile.validate(path: path, bytes: raw)
    let bom: [UInt8] = raw.starts(with: [0xEF, 0xBB, 0xBF]) ? [0xEF, 0xBB, 0xBF] : []
    let text = String(decoding: bytes, as: UTF8.self)
    let (fixed, changes) = apply(findings, to: text, path: path)
    guard !changes.isEmpty else { return ([], "") }
    let diff = unifiedDiff(path: path, old: text, new: fixed)
    if write { try replace(path: path, expected: raw, with: bom + Array(fixed.utf8)) }
    return (changes, diff)
  }

  /// Writes `bytes` over the file `path` resolves to, if it still holds
  /// `expected`: a temporary file beside the target, given its owner and
  /// mode, compared again, then renamed over it.
  static func replace(path: String, expected: [UInt8], with bytes: [UInt8]) throws {
    func refuse(_ problem: String, _ fix: String) -> OutreachError {
      .fixRefused(path: path, problem: problem, fix: fix)
    }
    guard let resolved = realpath(path, nil) else {
      throw OutreachError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
    let target = String(cString: resolved)
    free(resolved)
    var info = stat()
    guard stat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      throw OutreachError.cannotWrite(path: path, reason: "it is no longer a regular file")
    }
    if info.st_nlink > 1 {
      throw refuse(
        "it has \(info.st_nlink) hard links, which a rewritten file would split",
        "fix it by hand, or run --diff and apply the patch")
    }
    if info.st_mode & 0o222 == 0 {
      throw refuse("it is read-only", "make it writable (chmod u+w) if you mean it to change")
    }
    let folder = (target as NSString).deletingLastPathComponent
    let temporary =
      (folder.isEmpty ? "" : folder + "/") + "." + (target as NSString).lastPathComponent + DraftWriter.temporaryMarker
      + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw OutreachError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
      if count <= 0 {
        if count < 0, errno == EINTR { continue }
        break
      }
      written += count
    }
    var failure: OutreachError? = nil
    if written != bytes.count || fsync(descriptor) != 0 {
      failure = .cannotWrite(path: path, reason: "short write (\(String(cString: strerror(errno))))")
    } else if fchown(descriptor, info.st_uid, info.st_gid) != 0 {
      failure = refuse("its owner cannot be kept (\(String(cString: strerror(errno))))", "run --fix as its owner")
    } else if fchmod(descriptor, info.st_mode & 0o7777) != 0 {
      failure = .cannotWrite(path: path, reason: "cannot keep its mode")
    }
    close(descriptor)
    if failure == nil {
      // Compared again right before the rename: text appended or changed
      // meanwhile is not lost.
      let now = (try? TextFile.read(path: target, validate: false)) ?? []
      if now != expected {
        failure = refuse("it changed while it was being fixed", "run lint --fix again")
      } else if rename(temporary, target) != 0 {
        failure = .cannotWrite(path: path, reason: String(cString: strerror(errno)))
      }
    }
    if let failure {
      unlink(temporary)
      throw failure
    }
  }
}
