import Foundation

/// The output formats of `lint` and `check`.
public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json, github, sarif
  /// Vale's `--output=line`: `path:line:column:Rule:message`, files sorted
  /// by path (as `vale --sort`), no colour, no summary on standard output.
  case line
}

/// Turns findings into one output format.
public protocol Reporter {
  static func render(_ findings: [Finding], rules: [Rule], color: Bool) -> String
}

public enum Reporters {
  public static func render(_ format: ReportFormat, findings unordered: [Finding], rules: [Rule], color: Bool = false) -> String {
    let findings = ordered(unordered)
    switch format {
    case .text: return TextReporter.render(findings, rules: rules, color: color)
    case .json: return JSONReporter.render(findings, rules: rules, color: false)
    case .github: return GitHubReporter.render(findings, rules: rules, color: false)
    case .sarif: return SARIFReporter.render(findings, rules: rules, color: false)
    case .line: return LineReporter.render(findings, rules: rules, color: false)
    }
  }

  /// Files in the order they came, and within a file by line, then column
  /// (then rule), in every format.
  public static func ordered(_ findings: [Finding]) -> [Finding] {
    // Usually in order already (files in the order linted, each file's
    // findings by line and column): then nothing is copied.
    var seen = Set<String>()
    var inOrder = true
    if let first = findings.first { seen.insert(first.path) }
    for index in findings.indices where index > 0 {
      // Fields read in place (a `let` of a finding would copy it). A path
      // that comes again after another is out of order: one insert says so.
      if findings[index - 1].path != findings[index].path {
        if !seen.insert(findings[index].path).inserted {
          inOrder = false
          break
        }
      } else if (findings[index].line, findings[index].column) < (findings[index - 1].line, findings[index - 1].column) {
        inOrder = false
        break
      }
    }
    if inOrder { return findings }
    // Each finding's file rank, looked up once (not in every comparison).
    var rank: [String: Int] = [:]
    var keys: [(file: Int, line: Int, column: Int, index: Int)] = []
    keys.reserveCapacity(findings.count)
    for (index, finding) in findings.enumerated() {
      let file = rank[finding.path] ?? rank.count
      rank[finding.path] = file
      keys.append((file, finding.line, finding.column, index))
    }
    keys.sort { ($0.file, $0.line, $0.column, $0.index) < ($1.file, $1.line, $1.column, $1.index) }
    return keys.map { findings[$0.index] }
  }

  /// `3 findings (1 error, 2 warnings) in 5 files`.
  public static func summary(_ findings: [Finding], files: Int, errors: [OutreachError]) -> String {
    var (written, refused) = (0, 0)
    for error in errors {
      switch error {
      case .cannotWrite: written += 1
      case .fixRefused: refused += 1
      default: break
      }
    }
    var line = summary(findings, files: files, failures: errors.count - written - refused)
    if written > 0 { line += "; \(written) file\(written == 1 ? "" : "s") could not be written" }
    if refused > 0 { line += "; \(refused) file\(refused == 1 ? "" : "s") left unfixed" }
    return line
  }

  public static func summary(_ findings: [Finding], files: Int, failures: Int) -> String {
    // One pass, no copies of the findings (by index: a `for` over the
    // array copies each finding).
    // Counted by rank, not in a dictionary (whose first use at start costs
    // a scan of every conformance record).
    var bySeverity = [0, 0, 0]
    for index in findings.indices { bySeverity[findings[index].severity.rank] += 1 }
    let counts = Severity.allCases.reversed().compactMap { severity -> String? in
      let count = bySeverity[severity.rank]
      return count == 0 ? nil : "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
    }
    var line =
      findings.isEmpty
      ? "no findings" : "\(findings.count) finding\(findings.count == 1 ? "" : "s") (\(counts.joined(separator: ", ")))"
    line += " in \(files) file\(files == 1 ? "" : "s")"
    if failures > 0 { line += "; \(failures) file\(failures == 1 ? "" : "s") could not be read" }
    return line
  }
}

public enum LineReporter: Reporter {
  public static func render(_ findings: [Finding], rules: [Rule], color: Bool) -> String {
    var out = ""
    // Stable: within a file, the order `ordered` gave (line, column).
    let sorted = findings.enumerated().sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }
    for (_, finding) in sorted {
      var path = Substring(finding.path)
      while path.hasPrefix("./") { path = path.dropFirst(2) }
      out += "\(path):\(finding.line):\(finding.column):\(finding.rule):\(finding.message)\n"
    }
    return out
  }
}

public enum TextReporter: Reporter {
  public static func render(_ findings: [Finding], rules: [Rule], color: Bool) -> String {
    String(decoding: bytes(findings, color: color), as: UTF8.self)
  }

  /// The report as the UTF-8 bytes written to the terminal: `lint` writes
  /// them as they are (made a string, they were checked again, byte by
  /// byte, for nothing: every piece came from a string).
  public static func bytes(_ findings: [Finding], color: Bool) -> [UInt8] {
    let pieces = self.pieces(findings, color: color)
    if pieces.count == 1 { return pieces[0] }
    var out: [UInt8] = []
    out.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
    for part in pieces { out += part }
    return out
  }

  /// The report in pieces, in order, to be written one after another (a
  /// copy joined from them was the largest block of memory a lint of ten
  /// thousand emails touched).
  public static func pieces(_ findings: [Finding], color: Bool) -> [[UInt8]] {
    // Many findings: rendered in pieces on every core (the report of ten
    // thousand emails was a sixth of their lint's time, on one core while
    // the others waited).
    let piece = max(512, findings.count / 8)
    guard findings.count > piece else { return [render(findings[...], color: color)] }
    let starts = Array(stride(from: 0, to: findings.count, by: piece))
    let box = ResultBox<[UInt8]>(count: starts.count)
    DispatchQueue.concurrentPerform(iterations: starts.count) { number in
      let start = starts[number]
      box.set(number, render(findings[start..<min(start + piece, findings.count)], color: color))
    }
    return box.takeAll()
  }

  static func render(_ findings: ArraySlice<Finding>, color: Bool) -> [UInt8] {
    // Built as bytes (a string's `+=` costs hundreds of instructions, and a
    // line has a dozen); a file's findings come together, so its path is
    // made safe once.
    var out: [UInt8] = []
    // Room for each line as it will be (growing by doubling left up to half
    // the memory unused): its path, message and rule, and 32 bytes for the
    // rest (color, position, severity, punctuation).
    var room = 0
    for index in findings.indices {
      room += findings[index].path.utf8.count + findings[index].message.utf8.count + findings[index].rule.utf8.count + 32
    }
    out.reserveCapacity(room)
    var path: String? = nil
    var safePath: [UInt8] = []
    // By index: a `for` over the findings copies each one.
    for index in findings.indices {
      if findings[index].path != path {
        path = findings[index].path
        safePath = Array(TerminalText.safe(findings[index].path).utf8)
      }
      out += safePath
      out.append(0x3A)
      appendDecimal(findings[index].line, to: &out)
      out.append(0x3A)
      appendDecimal(findings[index].column, to: &out)
      out.append(0x3A)
      out.append(0x20)
      let severity = findings[index].severity
      if color {
        let code = severity == .error ? "31" : severity == .warning ? "33" : "36"
        out.appendUTF8("\u{1B}[\(code)m\(severity.rawValue)\u{1B}[0m")
      } else {
        out.appendUTF8(severity.rawValue)
      }
      out.append(0x3A)
      out.append(0x20)
      out.appendUTF8(TerminalText.safe(findings[index].message))
      out.append(0x20)
      out.append(0x5B)
      out.appendUTF8(TerminalText.safe(findings[index].rule))
      out.append(0x5D)
      out.append(0x0A)
    }
    return out
  }

  /// `value` in decimal digits.
  private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    guard value >= 0 else {
      out += String(value).utf8
      return
    }
    var divisor = 1
    while divisor <= value / 10 { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      out.append(UInt8(0x30 + rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }
}

func encodeJSON<T: Encodable>(_ value: T) -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  let data = (try? encoder.encode(value)) ?? Data("[]".utf8)
  return String(decoding: data, as: UTF8.self) + "\n"
}

public enum JSONReporter: Reporter {
  public static func render(_ findings: [Finding], rules: [Rule], color: Bool) -> String {
    encodeJSON(findings)
  }
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
public enum GitHubReporter: Reporter {
  public static func render(_ findings: [Finding], rules: [Rule], color: Bool) -> String {
    findings.map { finding in
      let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
      return
        "::\(command) file=\(property(finding.path)),line=\(finding.line),col=\(finding.column),title=\(property(finding.rule))::\(data(finding.message))\n"
    }.joined()
  }

  static func data(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
      of: "\n", with: "%0A")
  }

  static func property(_ text: String) -> String {
    data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }
}

/// SARIF 2.1.0, one run, the rules listed under `tool.driver.rules`.
public enum SARIFReporter: Reporter {
  struct Log: Encodable {
    var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    var version = "2.1.0"
    var runs: [Run]
    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
  }
  struct Run: Encodable {
    var tool: Tool
    var results: [Result]
    var columnKind = "unicodeCodePoints"
  }
  struct Tool: Encodable { var driver: Driver }
  struct Driver: Encodable {
    var name = "outreach"
    var version = OutreachVersion.current
    var rules: [RuleDescriptor]
  }
  struct Text: Encodable { var text: String }
  struct RuleDescriptor: Encodable {
    var id: String
    var shortDescription: Text
    var fullDescription: Text
    var defaultConfiguration: Configuration
    var helpUri: String?
  }
  struct Configuration: Encodable { var level: String }
  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int?
    var level: String
    var message: Text
    var locations: [Location]
  }
  struct Location: Encodable { var physicalLocation: Physical }
  struct Physical: Encodable {
    var artifactLocation: Artifact
    var region: Region
  }
  struct Artifact: Encodable { var uri: String }
  struct Region: Encodable {
    var startLine: Int
    var startColumn: Int
  }

  static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: return "error"
    case .warning: return "warning"
    case .suggestion: return "note"
    }
  }

  public static func render(_ findings: [Finding], rules: [Rule], color: Bool) -> String {
    let descriptors = rules.map {
      RuleDescriptor(
        id: $0.id, shortDescription: Text(text: $0.description), fullDescription: Text(text: $0.description),
        defaultConfiguration: Configuration(level: level($0.level)), helpUri: $0.link)
    }
    let index = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    let results = findings.map { finding in
      Result(
        ruleId: finding.rule, ruleIndex: index[finding.rule], level: level(finding.severity),
        message: Text(text: finding.message),
        locations: [
          Location(
            physicalLocation: Physical(
              artifactLocation: Artifact(uri: finding.path.hasPrefix("./") ? String(finding.path.dropFirst(2)) : finding.path),
              region: Region(startLine: finding.line, startColumn: finding.column)))
        ])
    }
    return encodeJSON(Log(runs: [Run(tool: Tool(driver: Driver(rules: descriptors)), results: results)]))
  }
}

public enum OutreachVersion {
  public static let current = "0.1.0"
}
