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
    if let path = configPath ?? (discover ? RuleSet.findUpward(Configuration.fileName) : nil) {
      configuration = try Configuration.load(path: path, warnings: &warnings)
    }
    var folders = ruleFolders
    if folders.isEmpty, discover, let found = RuleSet.findUpward("Rules") {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: found, isDirectory: &isDirectory), isDirectory.boolValue { folders = [found] }
    }
    // A team's Vale set-up: the styles of `.vale.ini` load beside the rest.
    var vale: ValeConfig? = nil
    if discover, let path = ValeConfig.fileNames.lazy.compactMap({ RuleSet.findUpward($0) }).first {
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
