import Foundation

/// Everything a lint-like command needs: the configuration, the rule set,
/// and the linter built from it.
public struct LintSession: Sendable {
  public var configuration: Configuration
  public var ruleSet: RuleSet
  public var linter: Linter
  public var warnings: [Warning]
  /// Whether a Vale configuration (`.vale.ini` or `--config FILE.ini`) is
  /// in force: Vale's command-line conventions apply then.
  public var usesValeConfiguration = false

  /// - Parameters:
  ///   - ruleFolders: `--rules` folders; when empty, a `Rules/` folder found
  ///     from the current folder upward is used.
  ///   - configPath: `--config`; when nil, `.outreach.yml` found upward.
  ///   - noDefaultRules: use only the given folders.
  ///   - minAlertLevel: `--minAlertLevel`, over the Vale configuration's.
  ///   - tolerateBrokenRules: a rule file that does not load is one error
  ///     in `ruleSet.failures`, and the other rules run (`lint`).
  public init(
    ruleFolders: [String], configPath: String?, noDefaultRules: Bool, discover: Bool = true,
    minAlertLevel: Severity? = nil, tolerateBrokenRules: Bool = false
  ) throws {
    var warnings: [Warning] = []
    var configuration = Configuration()
    // `--config FILE.ini` (or a file with one of Vale's names) is a Vale
    // configuration; `.outreach.yml` is still found as usual then.
    let valePath = configPath.flatMap { ValeConfig.isValeConfig($0) ? $0 : nil }
    let outreachPath = valePath == nil ? configPath : nil
    if let path = outreachPath ?? (discover ? RuleSet.findUpward(Configuration.fileName) : nil) {
      configuration = try Configuration.load(path: path, warnings: &warnings)
    }
    var folders = ruleFolders
    if folders.isEmpty, discover, let found = RuleSet.findUpward("Rules") {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: found, isDirectory: &isDirectory), isDirectory.boolValue { folders = [found] }
    }
    // A team's Vale set-up: the styles of `.vale.ini` load beside the rest.
    var vale: ValeConfig? = nil
    var valeFolders: [String] = []
    if let path = valePath ?? (discover ? ValeConfig.find() : nil) {
      var config = try ValeConfig.load(path: path, warnings: &warnings)
      if let level = minAlertLevel { config.minAlertLevel = level }
      valeFolders = config.styleFolders(warnings: &warnings)
      folders += valeFolders.filter { !folders.contains($0) }
      vale = config
    }
    var ruleSet = try RuleSet.load(
      folders: folders, configuration: configuration, useDefaults: !noDefaultRules,
      tolerateBrokenRules: tolerateBrokenRules, valeStyles: Set(valeFolders))
    warnings += ruleSet.warnings
    var builtInVale: Set<String> = []
    if let vale, vale.usesValeStyle {
      // Vale's own `Vale` style (Vale.Spelling, Vale.Repetition), as data
      // in Rules/_vale/, where the configuration is based on it.
      for rule in try ValeConfig.builtInStyle(warnings: &warnings) where !ruleSet.rules.contains(where: { $0.id == rule.id }) {
        ruleSet.rules.append(rule)
        builtInVale.insert(rule.id)
      }
    }
    // The rules of the `.vale.ini`'s styles (and of Vale's own `Vale`
    // style) run where its sections say, file by file, read a `>`
    // blockquote as text (unless `SkippedScopes` names it) and report as
    // Vale does (`Rule.valeStyle`).
    if let vale {
      let prefixes = valeFolders.map { URL(fileURLWithPath: $0).standardizedFileURL.path + "/" }
      let skipsBlockquotes = vale.skippedScopes.contains { $0.lowercased() == "blockquote" }
      for index in ruleSet.rules.indices {
        let file = URL(fileURLWithPath: ruleSet.rules[index].file).standardizedFileURL.path
        guard builtInVale.contains(ruleSet.rules[index].id) || prefixes.contains(where: { file.hasPrefix($0) }) else {
          continue
        }
        ruleSet.rules[index].valeStyle = true
        ruleSet.rules[index].readsBlockquotes = !skipsBlockquotes
      }
    }
    if let vale { ruleSet.rules = vale.apply(to: ruleSet.rules, warnings: &warnings) }
    self.configuration = configuration
    self.ruleSet = ruleSet
    var linter = Linter(rules: ruleSet.rules, mail: ruleSet.mail)
    if let vale {
      let gated = Set(ruleSet.rules.filter(\.valeStyle).map(\.id)).union(builtInVale)
      if !gated.isEmpty {
        linter.selector = RuleSelector(config: vale, gated: gated, rules: ruleSet.rules, mail: ruleSet.mail)
      }
    }
    self.linter = linter
    self.warnings = warnings
    self.usesValeConfiguration = vale != nil
  }
}
