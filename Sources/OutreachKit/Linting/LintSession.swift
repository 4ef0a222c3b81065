import Foundation

/// Everything a lint-like command needs: the configuration, the rule set,
/// and the linter built from it.
public struct LintSession: Sendable {
  public var configuration: Configuration
  public var ruleSet: RuleSet
  public var linter: Linter
  public var warnings: [Warning]

  /// - Parameters:
  ///   - ruleFolders: `--rules` folders; when empty, a `Rules/` folder found
  ///     from the current folder upward is used.
  ///   - configPath: `--config`; when nil, `.outreach.yml` found upward.
  ///   - noDefaultRules: use only the given folders.
  public init(ruleFolders: [String], configPath: String?, noDefaultRules: Bool, discover: Bool = true) throws {
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
    if let path = valePath ?? (discover ? ValeConfig.find() : nil) {
      let config = try ValeConfig.load(path: path, warnings: &warnings)
      folders += config.styleFolders(warnings: &warnings).filter { !folders.contains($0) }
      vale = config
    }
    var ruleSet = try RuleSet.load(folders: folders, configuration: configuration, useDefaults: !noDefaultRules)
    warnings += ruleSet.warnings
    if let vale { ruleSet.rules = vale.apply(to: ruleSet.rules, warnings: &warnings) }
    self.configuration = configuration
    self.ruleSet = ruleSet
    self.linter = Linter(rules: ruleSet.rules, mail: ruleSet.mail)
    self.warnings = warnings
  }
}
