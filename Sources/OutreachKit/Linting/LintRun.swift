import Foundation

/// The result of linting many files: findings in file order, and the files
/// that could not be read.
public struct LintReport: Sendable {
  public var findings: [Finding] = []
  public var errors: [OutreachError] = []
  /// What was read with trouble but still linted (a broken MIME part, an
  /// unknown charset).
  public var warnings: [Warning] = []
  public var filesLinted = 0

  public init() {}

  public func exitCode(failOn: Severity) -> Int32 {
    if !errors.isEmpty { return 2 }
    return findings.contains { $0.severity >= failOn } ? 1 : 0
  }
}

extension Linter {
  /// Lints files and folders; `-` (or no path) reads standard input.
  /// - Parameter glob: only files whose path matches it (Vale's `--glob`).
  /// - Parameter inputExtension: standard input's kind and name as Vale's
  ///   `--ext` gives them (`.md`: Markdown, shown as `stdin.md`); without it
  ///   the kind is read from the content and the name is `<stdin>`.
  public func lint(
    paths: [String], glob: ValeGlob? = nil, inputExtension: String? = nil,
    standardInput: () throws -> [UInt8] = Linter.readStandardInput
  ) -> LintReport {
    var report = LintReport()
    var (files, errors) = FileWalker.expand(paths.filter { $0 != "-" }, extensions: FileWalker.emailExtensions) {
      .noEmails(folder: $0)
    }
    if let glob {
      files = files.filter { path in
        var name = Substring(path)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        return glob.matches(String(name))
      }
    }
    report.errors = errors
    if paths.isEmpty || paths.contains("-") {
      do {
        // Standard input is read by content: an mbox, a message, or Markdown.
        // Vale names standard input `stdin.txt` (or `stdin` + `--ext`) for
        // its sections.
        let ext = inputExtension.map { $0.hasPrefix(".") ? $0 : "." + $0 }
        let linter = selector?.linter(for: "stdin" + (ext ?? ".txt")) ?? self
        let kind = ext.flatMap { EmailKind.of(path: "stdin" + $0) }
        let result = try linter.lint(path: ext.map { "stdin" + $0 } ?? "<stdin>", bytes: standardInput(), kind: kind)
        report.findings += result.findings
        report.warnings += result.warnings
        report.filesLinted += 1
      } catch let error as OutreachError {
        report.errors.append(error)
      } catch {}
    }
    var results = lintConcurrently(files)
    // Each file's findings are moved into the report, not copied (see
    // `joiningMoved`): each result is taken out of its slot, so that its
    // findings have no other owner.
    var parts = [report.findings]
    parts.reserveCapacity(results.count + 1)
    report.findings = []
    results.withUnsafeMutableBufferPointer { slots in
      guard let base = slots.baseAddress else { return }
      for index in slots.indices {
        let result = (base + index).move()
        (base + index).initialize(to: .success(FileLint()))
        switch consume result {
        case .success(let lint):
          parts.append(lint.findings)
          if !lint.warnings.isEmpty { report.warnings += lint.warnings }
          report.filesLinted += 1
        case .failure(let error):
          report.errors.append(error)
        }
      }
    }
    report.findings = .joiningMoved(&parts, filler: .moved)
    return report
  }

  /// Lints files on every core; results come back in input order.
  public func lintConcurrently(_ files: [String]) -> [Result<FileLint, OutreachError>] {
    let box = ResultBox<Result<FileLint, OutreachError>>(count: files.count)
    let folders = Folders(files)
    // Files are handed out in runs of neighbours, not one at a time: one
    // atomic step of the shared counter, and one lock of the box, a run.
    let chunk = Self.chunkSize(files: files.count, cores: ProcessInfo.processInfo.activeProcessorCount)
    DispatchQueue.concurrentPerform(iterations: (files.count + chunk - 1) / chunk) { run in
      let range = (run * chunk)..<min(files.count, (run + 1) * chunk)
      var results: [Result<FileLint, OutreachError>] = []
      results.reserveCapacity(range.count)
      for index in range {
        do {
          // `self` unless a Vale section picks another linter for the file
          // (`?? self` would copy the linter, a retain of each of its parts).
          if let chosen = selector?.linter(for: files[index]) {
            results.append(.success(try chosen.lintFile(path: files[index], in: folders.places[index])))
          } else {
            results.append(.success(try lintFile(path: files[index], in: folders.places[index])))
          }
        } catch let error as OutreachError {
          results.append(.failure(error))
        } catch {
          results.append(.failure(.unreadable(path: files[index], reason: "\(error)")))
        }
      }
      box.set(from: range.lowerBound, &results)
    }
    withExtendedLifetime(folders) {}
    return box.takeAll()
  }
}

extension Linter {
  /// How many neighbouring files a worker takes at a time: up to 16, but
  /// small enough that every core gets eight runs (20 files on two cores
  /// go one at a time, so that neither core waits on the other's last run).
  static func chunkSize(files: Int, cores: Int) -> Int {
    max(1, min(16, files / (max(1, cores) * 8)))
  }

  /// Standard input, read to its end (up to the 10 MB limit).
  public static func readStandardInput() throws -> [UInt8] {
    try TextFile.readAll(0, path: "<stdin>", expected: 1 << 16, limit: TextFile.defaultLimit)
  }
}

/// Collects per-index results from concurrent work.
final class ResultBox<Value: Sendable>: @unchecked Sendable {
  private var storage: [Value?]
  private let lock = NSLock()
  init(count: Int) { storage = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ value: Value) {
    lock.lock()
    storage[index] = value
    lock.unlock()
  }
  /// `values` put in the box from `start` on, under one lock, and emptied.
  func set(from start: Int, _ values: inout [Value]) {
    lock.lock()
    for (offset, value) in values.enumerated() { storage[start + offset] = value }
    lock.unlock()
    values.removeAll()
  }
  var values: [Value] { storage.map { $0! } }
  /// The value at `index`, left out of the box (so that it is the only
  /// copy, and mutating it copies nothing).
  func take(_ index: Int) -> Value {
    lock.lock()
    defer { lock.unlock() }
    let value = storage[index]!
    storage[index] = nil
    return value
  }
  /// Every value, moved out of the box (which is left empty): no value is
  /// copied and released again, as `values` does, which for ten thousand
  /// files' findings was a pass over every one of their strings.
  func takeAll() -> [Value] {
    lock.lock()
    defer { lock.unlock() }
    let count = storage.count
    return storage.withUnsafeMutableBufferPointer { slots in
      let taken = [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
        for index in 0..<count {
          // Moved out, and the slot left holding nil (not freed twice).
          let value = (slots.baseAddress! + index).move()
          (slots.baseAddress! + index).initialize(to: nil)
          (buffer.baseAddress! + index).initialize(to: value!)
        }
        initialized = count
      }
      return taken
    }
  }
}
