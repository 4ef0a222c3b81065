import Foundation

@testable import OutreachKit

/// The package root, found from this file's path.
let packageRoot: String = {
  var url = URL(fileURLWithPath: #filePath)
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
  }
  fatalError("no Package.swift above \(#filePath)")
}()

let fixtures = packageRoot + "/Tests/OutreachKitTests/Fixtures"

/// The project's own rules, read from Rules/ (not the embedded copy).
let projectRules: [Rule] = {
  do {
    return try RuleSet.load(folders: [packageRoot + "/Rules"], configuration: Configuration(), useDefaults: false).rules
  } catch {
    fatalError("Rules/ does not load: \(error)")
  }
}()

/// One folder for this test process's temporary folders, removed when the process exits,
/// so a run of the suite leaves nothing in the system's temporary directory.
let temporaryRoot: String = {
  let path = NSTemporaryDirectory() + "outreach-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  temporaryRootToRemove = strdup(path)
  atexit {
    guard let root = temporaryRootToRemove else { return }
    try? FileManager.default.removeItem(atPath: String(cString: root))
  }
  return path
}()

nonisolated(unsafe) private var temporaryRootToRemove: UnsafeMutablePointer<CChar>?

func makeTemporaryFolder(_ name: String = "outreach-test") -> String {
  let path = temporaryRoot + "/\(name)-\(UUID().uuidString)"
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// Text with `↓` markers removed, and where each marker stood.
func stripMarkers(_ text: String) -> (text: String, marks: [Position]) {
  let (clean, marks) = RuleExamples.markers(text)
  return (clean, marks.map { Position(line: $0.line, column: $0.column) })
}

struct Position: Hashable, CustomStringConvertible, Comparable {
  var line: Int
  var column: Int
  var description: String { "\(line):\(column)" }
  static func < (a: Position, b: Position) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// Runs the built `outreach` binary.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

let outreachBinary: String = {
  let candidates = [
    Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("outreach").path,
    packageRoot + "/.build/debug/outreach",
  ]
  for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  for bundle in Bundle.allBundles {
    let path = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("outreach").path
    if FileManager.default.isExecutableFile(atPath: path) { return path }
  }
  return candidates[1]
}()

@discardableResult
func runOutreach(_ arguments: [String], stdin: String? = nil, in directory: String? = nil, environment: [String: String] = [:])
  throws -> ProcessResult
{
  // Drafts handed over in tests go to no ledger unless a test names one.
  var environment = environment
  if environment["OUTREACH_LEDGER"] == nil { environment["OUTREACH_LEDGER"] = "off" }
  return try runProcess(outreachBinary, arguments, stdin: stdin, in: directory, environment: environment)
}

/// Runs any program; `executable` without a slash is looked up on PATH.
@discardableResult
func runProcess(
  _ executable: String, _ arguments: [String], stdin: String? = nil, in directory: String? = nil,
  environment: [String: String] = [:]
) throws -> ProcessResult {
  let process = Process()
  if executable.contains("/") {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
  } else {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
  }
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  let input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
  try input.fileHandleForWriting.close()
  // Read both pipes while the process runs, so a full pipe cannot block it.
  let group = DispatchGroup()
  nonisolated(unsafe) var outData = Data()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    outData = out.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  errData = err.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}
