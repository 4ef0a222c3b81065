import Foundation

/// The rules that run on each file under a Vale configuration: Vale decides
/// per file (its sections' globs), so each distinct selection gets its own
/// `Linter`, built once and shared by every file it applies to.
public final class RuleSelector: @unchecked Sendable {
  let config: ValeConfig
  /// Ids of the rules Vale's sections switch (those of styles the
  /// configuration loads); every other rule always runs.
  let gated: Set<String>
  let rules: [Rule]
  let mail: MailSettings
  private var cache: [ValeConfig.FileSelection: Linter] = [:]
  /// `--ignore-syntax`, passed on to every linter made here.
  public var ignoreSyntax = false
  private let lock = NSLock()

  public init(config: ValeConfig, gated: Set<String>, rules: [Rule], mail: MailSettings) {
    self.config = config
    self.gated = gated
    self.rules = rules
    self.mail = mail
  }

  /// The linter for the file at `path` (as given or walked).
  public func linter(for path: String) -> Linter {
    let selection = config.selection(for: path)
    lock.lock()
    if let linter = cache[selection] {
      lock.unlock()
      return linter
    }
    lock.unlock()
    var linter = Linter(rules: rules.filter { !gated.contains($0.id) || selection.runs($0.id) }, mail: mail)
    linter.ignores = (selection.blockIgnores + selection.tokenIgnores).map { RE2Regex.Lazy($0, captures: true) }
    linter.ignoredInline = config.ignoredInline
    linter.ignoreSyntax = ignoreSyntax
    lock.lock()
    defer { lock.unlock() }
    if let built = cache[selection] { return built }
    cache[selection] = linter
    return linter
  }
}
