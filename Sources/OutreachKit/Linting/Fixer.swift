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
    var lines = text.components(separatedBy: "\n").map { Array($0.unicodeScalars) }
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
    let fixable = findings.filter { $0.replacement != nil && $0.line > headerEnd && $0.line <= lines.count }
      .sorted { ($0.line, $0.column) > ($1.line, $1.column) }
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

  /// A unified diff of a fix that changes lines in place (fixes never add
  /// or remove a line), three lines of context.
  public static func unifiedDiff(path: String, old: String, new: String) -> String {
    let before = old.components(separatedBy: "\n")
    let after = new.components(separatedBy: "\n")
    guard before.count == after.count else { return "" }
    let changed = before.indices.filter { before[$0] != after[$0] }
    guard !changed.isEmpty else { return "" }
    var out = "--- a/\(path)\n+++ b/\(path)\n"
    var hunks: [[Int]] = []
    for line in changed {
      if let last = hunks.last?.last, line - last <= 6 { hunks[hunks.count - 1].append(line) } else { hunks.append([line]) }
    }
    for hunk in hunks {
      let start = max(0, hunk.first! - 3)
      let end = min(before.count - 1, hunk.last! + 3)
      let count = end - start + 1
      out += "@@ -\(start + 1),\(count) +\(start + 1),\(count) @@\n"
      for line in start...end {
        if hunk.contains(line) {
          out += "-\(before[line])\n+\(after[line])\n"
        } else {
          out += " \(before[line])\n"
        }
      }
    }
    return out
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

  /// Fixes one file: with `write`, in place and atomically (its mode kept);
  /// without, only the diff. Returns the changes and the unified diff.
  public static func fix(path: String, findings: [Finding], write: Bool) throws -> (
    changes: [FixChange], diff: String
  ) {
    guard rewrites(path), findings.contains(where: { $0.replacement != nil }) else { return ([], "") }
    let bytes = try TextFile.read(path: path)
    let text = String(decoding: bytes, as: UTF8.self)
    let (fixed, changes) = apply(findings, to: text, path: path)
    guard !changes.isEmpty else { return ([], "") }
    let diff = unifiedDiff(path: path, old: text, new: fixed)
    if write {
      var info = stat()
      let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
      try DraftWriter.atomicWrite(fixed, to: path)
      chmod(path, mode)
    }
    return (changes, diff)
  }
}
