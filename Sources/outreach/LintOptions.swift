import OutreachKit

/// What `outreach lint` was asked to do, however its arguments were read.
struct LintOptions {
  var paths: [String] = []
  var format: ReportFormat = .text
  var minAlertLevel: Severity?
  var glob: String?
  var ext: String?
  var ignoreSyntax = false
  var failOn: Severity = .error
  var fix = false
  var diff = false
  var ruleFolders: [String] = []
  var config: String?
  var noDefaultRules = false
}

extension LintOptions {
  /// Reads the arguments after `lint` without ArgumentParser, whose
  /// reflection over every command's options is about 3 ms of each run (a
  /// quarter of linting one email, process start included). Only plain
  /// arguments are read here: paths, `-`, and the value options and flags
  /// below, each at most once (`--rules` repeats), as `--name value` or
  /// `--name=value`, with a valid value. Anything else (`--help`, `--fix`,
  /// `--diff`, `--`, a repeated or unknown option, a path that starts with
  /// `-`, a bad value) gives nil, and ArgumentParser reads the whole line,
  /// with its errors and help as always. `StartupTests.quickArgumentsMatchArgumentParser`
  /// holds the two readings to the same output.
  init?(quick arguments: ArraySlice<String>) {
    self.init()
    var seen = Set<String>()
    var index = arguments.startIndex
    while index < arguments.endIndex {
      let argument = arguments[index]
      index += 1
      guard argument.utf8.first == UInt8(ascii: "-"), argument != "-" else {
        if argument.isEmpty { return nil }
        paths.append(argument)
        continue
      }
      guard argument.hasPrefix("--") else { return nil }
      var name = argument.dropFirst(2)
      var inlineValue: String?
      if let equals = name.firstIndex(of: "=") {
        inlineValue = String(name[name.index(after: equals)...])
        name = name[..<equals]
      }
      if name != "rules" {
        guard seen.insert(String(name)).inserted else { return nil }
      }
      switch name {
      case "ignore-syntax", "no-default-rules":
        guard inlineValue == nil else { return nil }
        if name == "ignore-syntax" { ignoreSyntax = true } else { noDefaultRules = true }
        continue
      case "format", "output", "minAlertLevel", "glob", "ext", "fail-on", "rules", "config":
        break
      default:
        return nil
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else {
        guard index < arguments.endIndex else { return nil }
        value = arguments[index]
        index += 1
        // ArgumentParser does not take a value that looks like an option.
        guard value.utf8.first != UInt8(ascii: "-") else { return nil }
      }
      switch name {
      case "format", "output":
        // One format, under either name.
        guard seen.insert("format/output").inserted, let format = ReportFormat(rawValue: value) else { return nil }
        self.format = format
      case "minAlertLevel":
        guard let level = Severity(rawValue: value) else { return nil }
        minAlertLevel = level
      case "fail-on":
        guard let level = Severity(rawValue: value) else { return nil }
        failOn = level
      case "glob": glob = value
      case "ext": ext = value
      case "config": config = value
      default: ruleFolders.append(value)
      }
    }
  }
}
