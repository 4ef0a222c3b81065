import Foundation

/// How serious a finding is. Vale's names, in rising order.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
  case suggestion, warning, error

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
  var rank: Int {
    switch self {
    case .suggestion: return 0
    case .warning: return 1
    case .error: return 2
    }
  }
}

/// Which prose a rule reads.
public enum Scope: String, Sendable, CaseIterable {
  /// Subject, body and signature; not quoted replies. The default.
  case text
  case subject, body, signature, heading, paragraph, list
  /// Quoted replies (block quotes).
  case quote
  /// Image alt text (Vale's `alt`).
  case alt
  /// Vale's `sentence`: the sentences of the text, headings not among them.
  case sentence
  /// Vale's `table`: a table's header cells, cells and caption; and each
  /// of them alone.
  case table
  case tableHeader = "table.header"
  case tableCell = "table.cell"
  case tableCaption = "table.caption"

  func admits(_ block: ProseBlock) -> Bool {
    switch self {
    case .text: return !block.quoted
    case .subject: return block.region == .subject
    case .body: return block.region == .body && !block.quoted
    case .signature: return block.region == .signature
    case .heading: return block.kind == .heading && !block.quoted
    case .paragraph: return block.kind == .paragraph && !block.inList && !block.quoted && block.region == .body
    case .list: return block.inList && !block.quoted
    case .quote: return block.quoted || block.blockquote
    case .alt: return block.kind == .alt && !block.quoted
    case .sentence: return block.kind != .heading && !block.quoted
    case .table: return block.kind.isTablePart && !block.quoted
    case .tableHeader: return block.kind == .tableHeader && !block.quoted
    case .tableCell: return block.kind == .tableCell && !block.quoted
    case .tableCaption: return block.kind == .tableCaption && !block.quoted
    }
  }
}

/// One of a rule's Vale scope selectors (`heading.h2`, `~blockquote`,
/// `~blockquote & ~heading`): every term must hold (Vale's
/// `internal/check/scope.go`). A group with no positive term reads only
/// the sender's own text (`~heading` is not quoted history).
public struct ScopeSelector: Sendable {
  public struct Term: Sendable {
    /// Nil for a Vale scope an email has none of (`title`, `figure.caption`).
    public var scope: Scope?
    /// `heading.hN`: the level.
    public var level: Int?
    public var negated: Bool

    func holds(_ block: ProseBlock) -> Bool {
      let inScope = scope.map { $0.admits(block) && (level == nil || block.level == level) } ?? false
      return inScope != negated
    }
  }

  public var terms: [Term]

  func admits(_ block: ProseBlock) -> Bool {
    if !terms.contains(where: { !$0.negated }), block.quoted { return false }
    return terms.allSatisfy { $0.holds(block) }
  }
}

/// One good or bad example a rule carries. In a bad example `↓` marks each
/// place a finding must land.
public struct RuleExample: Sendable {
  public var text: String
  public var line: Int
}

/// A rule loaded from a YAML file in `Rules/` (Vale's schema where a Vale
/// kind fits).
public struct Rule: Sendable {
  public enum Kind: Sendable {
    /// Vale `existence`: any token is a finding.
    case existence(tokens: [String])
    /// Vale `substitution`: `swap` pairs, the finding suggests the right side.
    case substitution(swap: [(pattern: String, replacement: String)])
    /// Vale `occurrence`: more than `max` (or fewer than `min`) matches of `token`.
    case occurrence(token: String, max: Int?, min: Int?)
    /// Vale `repetition`: the same word twice in a row.
    case repetition(alpha: Bool, tokens: [String] = [], max: Int = 0)
    /// A subject that says nothing specific: one of `generic`, or a whole
    /// match of one of `patterns` (regular expressions, any case), once
    /// reply prefixes, tags, closing punctuation and emoji are off.
    case subject(generic: [String], prefixes: [String], missingMessage: String?, patterns: [String] = [])
    /// Too many words (or characters) in a scope.
    case length(unit: LengthUnit, max: Int)
    /// A `---` divider in the body.
    case divider
    /// Vale `consistency`: of each `either` pair, the spelling used first in
    /// the email wins, and every use of the other is a finding.
    case consistency(pairs: [(String, String)])
    /// Vale `conditional`: a match of `first` (its group 1) needs a match of
    /// `second` defining it (its group 1) somewhere in the email.
    case conditional(first: String, second: String)
    /// Vale `readability`: the mean of the chosen grade-level metrics over
    /// the email's prose, a finding when above `grade`.
    case readability(metrics: [String], grade: Double)
    /// Vale `spelling`: words a Hunspell dictionary does not know, less
    /// `ignore` words and `filters` patterns.
    case spelling(dictionaries: [String], folders: [String], ignore: [String], filters: [String])
    /// Vale `capitalization`: each scope's text in `$title`, `$sentence`,
    /// `$lower` or `$upper` case, or matching a pattern whole.
    case capitalization(CapitalizationSpec)
    /// Vale `metric`: a formula over the body's counts, a finding when the
    /// result meets `condition` (`> 8`, say).
    case metric(formula: MetricFormula, comparison: String, threshold: Double)
  }

  public enum LengthUnit: String, Sendable { case words, characters }

  /// What an `occurrence` rule counts in: the whole email (outreach's own
  /// rules), each paragraph or sentence, or (as Vale runs a check on each
  /// block of its scope) each heading, list item or quote.
  public enum CountUnit: Sendable { case email, paragraph, sentence, block }

  public var id: String
  public var kind: Kind
  public var message: String
  public var description: String
  public var level: Severity
  public var scopes: [Scope]
  /// Vale scope selectors, when the rule's scopes need more than a list of
  /// `Scope`s (levels, `~`, `&`); they decide `admits` then.
  public var selectors: [ScopeSelector] = []
  public var link: String?
  public var ignorecase: Bool
  public var nonword: Bool
  /// Vale `raw`: regex pieces joined and combined with the tokens.
  public var raw: [String]
  /// Vale `append`: put `raw` after the tokens rather than before.
  public var append: Bool
  public var exceptions: [String]
  /// outreach's `group: N` for existence: a regex token's capture group N
  /// is the finding (its place and text), not the whole match. 0: the match.
  public var group = 0
  public var countPer = CountUnit.email
  /// Vale `scope: raw`: an existence rule reads the file as written, code,
  /// link targets and all, not the prose.
  public var rawScope = false
  /// Vale `vocab`: whether a vocabulary's accepted terms become exceptions.
  public var vocab = true
  /// Vale's `capitalize` (substitution): a match written with a capital
  /// first letter is offered its replacement with one.
  public var capitalize = false
  /// Vale `action`: its name (`replace`, `remove`, `edit`, ...) and params.
  public var actionName: String? = nil
  public var actionParams: [String] = []
  public var good: [RuleExample]
  public var bad: [RuleExample]
  /// The file the rule came from, or `(built-in)/Rules/NAME.yml`.
  public var file: String
  /// A rule of a Vale style a `.vale.ini` names: it reads a Markdown
  /// file's `>` blockquotes as text, as Vale does. The built-in rules and
  /// a team's `Rules/` never do (in an email, `>` is someone else's words).
  public var readsBlockquotes = false
  /// A rule of a Vale style a `.vale.ini` names: its findings in a
  /// Markdown or text file are placed as Vale places them
  /// (`ValeLocationSearch`).
  public var valeStyle = false

  public func admits(_ block: ProseBlock) -> Bool {
    var block = block
    // Vale reads a Markdown blockquote as text; quoted history never is.
    if readsBlockquotes, block.blockquote { block.quoted = false }
    if !selectors.isEmpty { return selectors.contains { $0.admits(block) } }
    return scopes.contains { $0.admits(block) }
  }
}
