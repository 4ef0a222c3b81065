/// One thing a rule found, at a line and column of the file as written.
public struct Finding: Sendable, Equatable, Codable {
  public var path: String
  public var line: Int
  /// 1-based, in Unicode scalars.
  public var column: Int
  public var rule: String
  public var severity: Severity
  public var message: String
  /// The text that was flagged.
  public var match: String
  public var link: String?
  /// For a mail message whose body was decoded (base64, HTML, a charset):
  /// the line and column in the decoded body text.
  public var decodedLine: Int?
  public var decodedColumn: Int?
  /// For a mail message: its Message-ID and decoded subject.
  public var messageID: String?
  public var subject: String?
  /// What `lint --fix` puts in place of `match`, when the rule declares a
  /// safe fix (a substitution with one replacement, Vale's `action`).
  public var replacement: String?
  /// Where the match is, when the finding is reported elsewhere (a Vale
  /// style's rule, placed as Vale places it): `--fix` edits here.
  public var matchLine: Int?
  public var matchColumn: Int?

  enum CodingKeys: String, CodingKey {
    case path, line, column, rule, severity, message, match, link
    case decodedLine = "decoded_line"
    case decodedColumn = "decoded_column"
    case messageID = "message_id"
    case subject
  }

  /// What a finding moved elsewhere leaves behind (see `joiningMoved`):
  /// no string in it holds memory.
  static let moved = Finding(path: "", line: 0, column: 0, rule: "", severity: .error, message: "", match: "")

  public init(
    path: String, line: Int, column: Int, rule: String, severity: Severity, message: String, match: String, link: String? = nil
  ) {
    self.path = path
    self.line = line
    self.column = column
    self.rule = rule
    self.severity = severity
    self.message = message
    self.match = match
    self.link = link
  }
}
