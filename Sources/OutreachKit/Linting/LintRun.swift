import Foundation

/// The result of linting many files: findings in file order, and the files
/// that could not be read.
public struct LintReport: Sendable {
  public var findings: [Finding] = []
  public var errors: [OutreachError] = []
  public var filesLinted = 0

  public func exitCode(failOn: Severity) -> Int32 {
    if !errors.isEmpty { return 2 }
    return findings.contains { $0.severity >= failOn } ? 1 : 0
  }
}

extension Linter {
  /// Lints files and folders; `-` (or no path) reads standard input.
  public func lint(paths: [String], standardInput: () -> [UInt8] = { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) })
    -> LintReport
  {
    var report = LintReport()
    let (files, errors) = FileWalker.expand(paths.filter { $0 != "-" }, extensions: FileWalker.emailExtensions) {
      .noEmails(folder: $0)
    }
    report.errors = errors
    if paths.isEmpty || paths.contains("-") {
      do {
        let bytes = try TextFile.validate(path: "<stdin>", bytes: standardInput())
        report.findings += lint(EmailDocument(source: SourceText(path: "<stdin>", bytes: bytes)))
        report.filesLinted += 1
      } catch let error as OutreachError {
        report.errors.append(error)
      } catch {}
    }
    for result in lintConcurrently(files) {
      switch result {
      case .success(let findings):
        report.findings += findings
        report.filesLinted += 1
      case .failure(let error):
        report.errors.append(error)
      }
    }
    return report
  }

  /// Lints files on every core; results come back in input order.
  public func lintConcurrently(_ files: [String]) -> [Result<[Finding], OutreachError>] {
    let box = ResultBox<Result<[Finding], OutreachError>>(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { index in
      let result: Result<[Finding], OutreachError>
      do {
        let bytes = try TextFile.read(path: files[index])
        result = .success(lint(EmailDocument(source: SourceText(path: files[index], bytes: bytes))))
      } catch let error as OutreachError {
        result = .failure(error)
      } catch {
        result = .failure(.unreadable(path: files[index], reason: "\(error)"))
      }
      box.set(index, result)
    }
    return box.values
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
  var values: [Value] { storage.map { $0! } }
}
