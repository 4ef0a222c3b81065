import Foundation

/// Lints emails against a set of rules. Build it once; it is immutable and
/// can lint many emails at once from several threads.
public struct Linter: Sendable {
  public let rules: [Rule]
  /// How to tell the sender's words from signatures and quoted history.
  public let mail: MailSettings
  /// Under a Vale configuration: the rules that run on each file.
  public var selector: RuleSelector? = nil
  /// Vale's `BlockIgnores` and `TokenIgnores` for the files this linter
  /// reads: their matches (group 1 when there is one) are not linted.
  var ignores: [RE2Regex.Lazy] = []
  /// Vale's `IgnoredScopes` (inline markup whose text is not linted).
  var ignoredInline: Set<String> = []
  /// `--ignore-syntax`: Markdown and text files read line by line, with
  /// no syntax at all (`EmailSyntax.lines`).
  public var ignoreSyntax = false
  private let matcher: PhraseMatcher
  private let regexes: [(rule: Int, payload: Int, regex: SharedRegex)]
  private let structuralRules: [Int]
  /// Normalized generic subjects, per subject rule.
  let genericSubjects: [Int: GenericSubjects]
  /// Reply prefixes, lowered, per subject rule.
  let subjectPrefixes: [Int: [[UInt8]]]
  /// A subject rule's `patterns` as one, with the literals a subject must
  /// hold one of for it to match (without one, it is not compiled).
  let subjectPatterns: [Int: LinePattern]
  /// Each `capitalization` rule's check, its patterns compiled once.
  let capitalizationChecks: [Int: CapitalizationCheck]
  /// Each rule's `exceptions`, compiled once.
  let exceptionPatterns: [Int: SharedRegex]
  /// Patterns of rules that read the whole email (consistency, conditional).
  let documentPatterns: [Int: [SharedRegex]]
  /// Per document pattern: `searchesWhole` of it.
  let documentPatternsSearchWhole: [Int: [Bool]]
  /// Each substitution rule's replacements as patterns, for "already right".
  let replacementPatterns: [Int: [RE2Regex.Lazy?]]
  /// Each `occurrence` rule: whether its token matches one `*` (Vale's mask
  /// of a code span's characters), so that a code span counts a match for
  /// each of its characters. Asked once, when a code span first matches.
  let countsCodeCharacters: [Int: MadeOnce<Bool>]
  /// Each rule's Vale `action` as a fix: `replace` with one param gives
  /// it, `remove` gives nothing in its place; nil for any other rule.
  let actionFixes: [String?]
  /// Each spelling rule's dictionary, loaded on first use.
  let spellCheckers: [Int: LazySpellChecker]
  private let alwaysRunRegexes: [Int]
  /// Per regex unit: whether its pattern holds at a block's ends as it does
  /// alone in a search of the whole prose (no `\A`, `\z` or `-m`).
  private let unitSearchesWhole: [Bool]
  /// The regex units that can be asked together, in one pass over an
  /// email's prose, whether they match anywhere in it: a unit with no
  /// match there is not searched a block at a time. Built on first use.
  private let unitSet: MadeOnce<UnitSet>
  struct UnitSet {
    let set: RE2Set
    /// Per unit, its pattern's index in `set`, or -1.
    let slot: [Int]
  }
  /// Per unit, whether it may go into `unitSet`.
  private let unitSetCandidates: [Bool]
  /// Fewer units than this are searched one by one: the set's own pass
  /// would cost about what it saves. An email asks the set only when it
  /// has at least `unitSetPerEmail` of them to search (the set is built
  /// the first time one does).
  static let unitSetMinimum = 8
  static let unitSetPerEmail = 4
  /// Rules whose regex tokens were split over several patterns.
  private let chunkedRules: Set<Int>
  /// `occurrence` rules counted per sentence or paragraph whose token is a
  /// run of word characters (`\b(\w+)\b`, every style's sentence length):
  /// the check counts the words itself, no match of them is gathered.
  let wordCountRules: Set<Int>

  /// The most regex tokens of one rule joined into one pattern.
  static let tokensPerRegex = 256

  public init(rules: [Rule], mail: MailSettings = .builtIn) {
    self.init(rules: rules, mail: mail, unitSetMinimum: Self.unitSetMinimum)
  }

  /// - Parameter unitSetMinimum: the fewest regex units asked together
  ///   (`Int.max`: never; the tests compare both).
  init(rules: [Rule], mail: MailSettings, unitSetMinimum: Int) {
    self.rules = rules
    self.mail = mail
    var patterns: [PhraseMatcher.Pattern] = []
    var regexes: [(Int, Int, SharedRegex)] = []
    var chunked = Set<Int>()
    var wordCounted = Set<Int>()
    func add(_ tokens: [String], rule index: Int, payloads: [Int]? = nil) {
      let rule = rules[index]
      var regexTokens: [(String, Int)] = []
      for (position, token) in tokens.enumerated() {
        let payload = payloads?[position] ?? position
        if let literal = Matching.literal(token) {
          patterns.append(
            .init(
              bytes: Array(literal.utf8), ignorecase: rule.ignorecase, wordBounded: !rule.nonword, rule: index, payload: payload))
        } else {
          regexTokens.append((token, payload))
        }
      }
      // With `group: N` each token is its own regex, so that N is its group.
      if payloads == nil, !regexTokens.isEmpty, rule.group == 0 {
        // Tokens joined into one alternation, a few hundred at a time: RE2's
        // DFA for 100,000 alternatives outgrows its memory and falls back to
        // a scan that costs the pattern's size at every byte (15 s on one
        // 32 KB line); chunks keep each DFA small.
        // Tokens that need a backtracking engine (a lookaround, a
        // backreference) go to a pattern of their own, so the others stay
        // on RE2's linear scan; hits of the parts merge leftmost first.
        let linear = regexTokens.filter { !Matching.needsBacktracking($0.0) }
        let backtracking = regexTokens.filter { Matching.needsBacktracking($0.0) }
        if regexTokens.count > Self.tokensPerRegex || (!linear.isEmpty && !backtracking.isEmpty) { chunked.insert(index) }
        for part in [linear, backtracking] where !part.isEmpty {
          var start = 0
          while start < part.count {
            let chunk = part[start..<min(part.count, start + Self.tokensPerRegex)]
            let pattern = Matching.valeRegex(
              tokens: chunk.map(\.0), raw: [], ignorecase: rule.ignorecase, nonword: rule.nonword, append: false)
            regexes.append((index, 0, SharedRegex(regex: RE2Regex.Lazy(pattern))))
            start += Self.tokensPerRegex
          }
        }
      } else {
        for (token, payload) in regexTokens {
          let pattern = Matching.valeRegex(
            tokens: [token], raw: [], ignorecase: rule.ignorecase, nonword: rule.nonword, append: false)
          regexes.append(
            (index, payload, SharedRegex(regex: RE2Regex.Lazy(pattern, captures: rule.group > 0), group: rule.group)))
        }
      }
    }
    for (index, rule) in rules.enumerated() where !rule.rawScope {
      switch rule.kind {
      case .existence(let tokens):
        if rule.raw.isEmpty {
          add(tokens, rule: index)
        } else {
          let pattern = Matching.valeRegex(
            tokens: tokens, raw: rule.raw, ignorecase: rule.ignorecase, nonword: rule.nonword, append: rule.append)
          regexes.append((index, 0, SharedRegex(regex: RE2Regex.Lazy(pattern))))
        }
      case .substitution(let swap):
        add(swap.map(\.pattern), rule: index, payloads: Array(swap.indices))
      case .occurrence(let token, _, let minimum):
        let pattern = Matching.valeRegex(
          tokens: [token], raw: [], ignorecase: rule.ignorecase, nonword: rule.nonword, append: false)
        if minimum == nil, rule.exceptions.isEmpty, rule.group == 0, rule.countPer == .sentence || rule.countPer == .paragraph,
          RE2Regex.wordRunGroups(pattern) != nil
        {
          wordCounted.insert(index)
        } else {
          add([token], rule: index, payloads: [0])
        }
      default:
        break
      }
    }
    // Literals without which a regex cannot match go into the same
    // automaton, so that most emails never reach the regex engine.
    var alwaysRun: [Int] = []
    for (unit, entry) in regexes.enumerated() {
      let pattern = entry.2.regex.pattern
      guard let literals = RegexPrefilter.requiredLiterals(pattern), !literals.isEmpty else {
        alwaysRun.append(unit)
        continue
      }
      for literal in literals {
        patterns.append(.init(bytes: Array(literal.utf8), ignorecase: true, wordBounded: false, rule: -1 - unit, payload: 0))
      }
    }
    self.matcher = PhraseMatcher(patterns: patterns)
    self.chunkedRules = chunked
    self.wordCountRules = wordCounted
    self.regexes = regexes
    self.alwaysRunRegexes = alwaysRun
    let searchesWhole = regexes.map { Self.searchesWhole($0.2.regex.pattern) }
    self.unitSearchesWhole = searchesWhole
    // A unit whose pattern holds in the whole prose as in a block, read a
    // block at a time (a sentence's `^` is not the prose's), on RE2: no
    // match in the whole prose then means none in any block.
    let setCandidates = regexes.indices.filter { index in
      searchesWhole[index] && rules[regexes[index].0].countPer != .sentence
        && !Matching.needsBacktracking(regexes[index].2.regex.pattern)
    }
    let unitCount = regexes.count
    var inSet = [Bool](repeating: false, count: unitCount)
    for candidate in setCandidates { inSet[candidate] = true }
    self.unitSetCandidates = inSet
    let setRegexes = setCandidates.map { regexes[$0].2.regex }
    self.unitSet = MadeOnce {
      guard setCandidates.count >= unitSetMinimum else { return nil }
      var slot = [Int](repeating: -1, count: unitCount)
      var patterns: [String] = []
      for (candidate, regex) in zip(setCandidates, setRegexes) where regex.regex?.isLinear == true {
        slot[candidate] = patterns.count
        patterns.append(regex.pattern)
      }
      guard patterns.count >= unitSetMinimum, let set = RE2Set(patterns) else { return nil }
      return UnitSet(set: set, slot: slot)
    }
    var genericSubjects: [Int: GenericSubjects] = [:]
    var subjectPatterns: [Int: LinePattern] = [:]
    var subjectPrefixes: [Int: [[UInt8]]] = [:]
    for (index, rule) in rules.enumerated() {
      if case .subject(let generic, let prefixes, _, let patterns) = rule.kind {
        let lowered = SubjectText.lower(prefixes)
        subjectPrefixes[index] = lowered
        genericSubjects[index] = GenericSubjects(generic.map { SubjectText.normalize($0, loweredPrefixes: lowered) })
        if !patterns.isEmpty {
          let pattern = "(?:" + patterns.map { "(?:\($0))" }.joined(separator: "|") + ")"
          var line = LinePattern(caseInsensitive: pattern)
          // RE2's case folding matches `ſ` to `s`: a literal not in ASCII
          // says nothing of an ASCII subject.
          if line.literals?.contains(where: { $0.contains { $0 >= 0x80 } }) == true { line.literals = nil }
          subjectPatterns[index] = line
        }
      }
    }
    self.genericSubjects = genericSubjects
    var capitalizationChecks: [Int: CapitalizationCheck] = [:]
    for (index, rule) in rules.enumerated() {
      if case .capitalization(let spec) = rule.kind {
        capitalizationChecks[index] = CapitalizationCheck(spec: spec, exceptions: rule.exceptions)
      }
    }
    self.capitalizationChecks = capitalizationChecks
    self.subjectPrefixes = subjectPrefixes
    self.subjectPatterns = subjectPatterns
    var exceptionPatterns: [Int: SharedRegex] = [:]
    for (index, rule) in rules.enumerated() where !rule.exceptions.isEmpty {
      exceptionPatterns[index] = SharedRegex(regex: ValeText.exceptionRegex(rule.exceptions))
    }
    self.exceptionPatterns = exceptionPatterns
    var documentPatterns: [Int: [SharedRegex]] = [:]
    for (index, rule) in rules.enumerated() {
      let word = { (pattern: String) in rule.nonword ? pattern : "\\b(?:" + pattern + ")\\b" }
      switch rule.kind {
      case .consistency(let pairs):
        documentPatterns[index] = pairs.flatMap { [$0.0, $0.1] }.map {
          SharedRegex(regex: RE2Regex.Lazy("(?m)" + word($0), ignorecase: rule.ignorecase))
        }
      case .existence(let tokens) where rule.rawScope:
        let pattern = Matching.valeRegex(
          tokens: tokens, raw: rule.raw, ignorecase: rule.ignorecase, nonword: rule.nonword, append: rule.append)
        documentPatterns[index] = [SharedRegex(regex: RE2Regex.Lazy(pattern))]
      case .substitution(let swap) where rule.rawScope:
        documentPatterns[index] = swap.map {
          SharedRegex(
            regex: RE2Regex.Lazy(
              Matching.valeRegex(
                tokens: [$0.pattern], raw: [], ignorecase: rule.ignorecase, nonword: rule.nonword, append: false)))
        }
      case .occurrence(let token, _, _) where rule.rawScope:
        let pattern = Matching.valeRegex(
          tokens: [token], raw: [], ignorecase: rule.ignorecase, nonword: true, append: false)
        documentPatterns[index] = [SharedRegex(regex: RE2Regex.Lazy(pattern))]
      case .repetition(_, let tokens, _) where !tokens.isEmpty:
        documentPatterns[index] = [
          SharedRegex(regex: RE2Regex.Lazy("(?:" + tokens.joined(separator: "|") + ")", ignorecase: rule.ignorecase))
        ]
      case .conditional(let first, let second):
        // As Vale's conditional.go: each use of `first` is its whole match;
        // `second` defines the text of every capture group that took part.
        documentPatterns[index] = [
          SharedRegex(regex: RE2Regex.Lazy("(?m)" + first, ignorecase: rule.ignorecase)),
          SharedRegex(regex: RE2Regex.Lazy("(?m)" + second, ignorecase: rule.ignorecase, captures: true)),
        ]
      default: break
      }
    }
    self.documentPatterns = documentPatterns
    self.documentPatternsSearchWhole = documentPatterns.mapValues { $0.map { Self.searchesWhole($0.regex.pattern) } }
    var replacementPatterns: [Int: [RE2Regex.Lazy?]] = [:]
    for (index, rule) in rules.enumerated() {
      if case .substitution(let swap) = rule.kind {
        // Vale compares with the replacement case and all
        // (`matchToken(expected, observed, false)`): `mpl 2.0` is not `MPL 2.0`.
        replacementPatterns[index] = swap.map { ValeText.tokenPattern($0.replacement, ignorecase: false) }
      }
    }
    self.replacementPatterns = replacementPatterns
    var countsCodeCharacters: [Int: MadeOnce<Bool>] = [:]
    for (index, rule) in rules.enumerated() {
      guard case .occurrence(let token, _, _) = rule.kind else { continue }
      let pattern = Matching.valeRegex(tokens: [token], raw: [], ignorecase: rule.ignorecase, nonword: true, append: false)
      countsCodeCharacters[index] = MadeOnce { (try? RE2Regex("^(?:" + pattern + ")$"))?.isFound(in: "*") }
    }
    self.countsCodeCharacters = countsCodeCharacters
    self.actionFixes = rules.map { rule in
      rule.actionName == "remove"
        ? "" : rule.actionName == "replace" && rule.actionParams.count == 1 ? rule.actionParams[0] : nil
    }
    var spellCheckers: [Int: LazySpellChecker] = [:]
    for (index, rule) in rules.enumerated() {
      if case .spelling(let dictionaries, let folders, _, let filters) = rule.kind {
        spellCheckers[index] = LazySpellChecker(
          dictionaries: dictionaries, folders: folders,
          filter: filters.isEmpty ? nil : RE2Regex.Lazy("(?:" + filters.joined(separator: "|") + ")"),
          // Vale: the exceptions (a vocabulary's accepted terms) as one
          // pattern, any case, found anywhere in the word.
          exceptions: rule.exceptions.isEmpty ? nil : RE2Regex.Lazy("(?i)(?:" + rule.exceptions.joined(separator: "|") + ")"))
      }
    }
    self.spellCheckers = spellCheckers
    self.structuralRules = rules.indices.filter { index in
      if rules[index].rawScope { return true }
      switch rules[index].kind {
      case .existence, .substitution: return false
      case .occurrence(_, _, let minimum): return minimum != nil || wordCounted.contains(index)
      default: return true
      }
    }
  }

  /// The matches of a linear pattern in the prose from `first` to `last`
  /// (its blocks, the breaks between them), in one search: each call into
  /// RE2 has a cost of its own. Blocks are lines and the pattern `(?m)`
  /// (`searchesWhole`), so a match inside a block is one there as it is
  /// alone, and no match at all means none in any block. `crosses`: a
  /// match took in a block break, and the blocks must be searched one by
  /// one.
  static func wholeProseMatches(_ regex: RE2Regex, in text: UnsafeBufferPointer<UInt8>, from first: Int, to last: Int)
    -> (matches: [(Int, Int)], crosses: Bool)
  {
    var matches: [(Int, Int)] = []
    var crosses = false
    regex.forEachMatch(in: UnsafeBufferPointer(rebasing: text[first..<last])) { start, end in
      if text[(first + start)..<(first + end)].contains(Prose.blockBreak) { crosses = true }
      matches.append((first + start, first + end))
    }
    return (matches, crosses)
  }

  /// Whether a pattern holds at a block's ends as it does alone in a
  /// search of the whole prose, whose blocks are lines: `(?m)`, and no
  /// `\A`, `\z` or `-m`.
  static func searchesWhole(_ pattern: String) -> Bool {
    // By bytes: Foundation's string search costs a first use at start.
    let bytes = Array(pattern.utf8)
    return ["\\A", "\\z", "\\Z", "-m"].allSatisfy { !EmailDocument.contains(bytes, Array($0.utf8)) }
      && (bytes.starts(with: "(?i)(?m)".utf8) || bytes.starts(with: "(?m)".utf8))
  }

  /// Lints one email file's text, read as its extension says (a `.eml` as
  /// a mail message, `.txt` as plain text, anything else as Markdown).
  public func lint(path: String, text: String) -> [Finding] {
    switch EmailKind.of(path: path) {
    case .message?, .mbox?:
      return (try? lint(path: path, bytes: Array(text.utf8), kind: EmailKind.of(path: path)))?.findings ?? []
    case .plain?:
      return lint(EmailDocument(source: SourceText(path: path, text: text), syntax: .plain, mail: mail))
    default:
      return lint(EmailDocument(source: SourceText(path: path, text: text), syntax: .markdown, mail: mail))
    }
  }

  public func lint(_ document: EmailDocument) -> [Finding] { lintDocument(document).findings }

  /// The findings, and the ids of rules whose backtracking pattern hit its
  /// limit in this document (their matches past that point are missing).
  func lintDocument(_ document: EmailDocument) -> (findings: [Finding], limited: [String]) {
    var limited = Set<Int>()
    let prose = document.prose
    let cursor = SourceText.Cursor(document.source)
    let windowCursor = document.locator?.cursor()
    // Token matches of every rule, gathered in one pass of the phrase
    // automaton plus one pass of each regex; grouped by rule below. Plain
    // structs and flat arrays, not tuples and dictionaries of sets: a
    // tuple array's type is looked up (under a lock) each time one is made.
    var flat: [RuleHit] = []
    flat.reserveCapacity(16)
    // Regexes run only on the blocks where one of their required literals
    // turned up (or on every block, when no literal could be derived): the
    // blocks of each regex, in order, each once.
    var triggered = [[Int]](filling: [], count: regexes.count)
    var chunkHits: [ChunkHit] = []
    var lastBlock: Int? = nil
    prose.text.withUnsafeBufferPointer { text in
      matcher.scan(text) { patternIndex, start, end in
        let pattern = matcher.patterns[patternIndex]
        if pattern.rule < 0 {
          // Hits come mostly in text order: the block of the last one is
          // tried before a search.
          let cached = lastBlock.flatMap { prose.blocks[$0].range.contains(start) ? $0 : nil }
          if let block = cached ?? prose.blockIndex(at: start) {
            lastBlock = block
            let unit = -1 - pattern.rule
            if triggered[unit].last != block { triggered[unit].append(block) }
          }
        } else {
          flat.append(RuleHit(rule: pattern.rule, hit: Hit(payload: pattern.payload, start: start, end: end)))
        }
      }
    }
    for unit in alwaysRunRegexes { triggered[unit] = Array(prose.blocks.indices) }
    prose.text.withUnsafeBufferPointer { text in
      // Which units match anywhere, asked of all of them in one pass.
      var setMatches: [Bool]? = nil
      var asked = 0
      for unit in triggered.indices where unitSetCandidates[unit] && !triggered[unit].isEmpty {
        asked += 1
        if asked == Self.unitSetPerEmail { break }
      }
      let unitSet = asked >= Self.unitSetPerEmail ? unitSet.value : nil
      if let unitSet, let first = prose.blocks.first?.range.lowerBound, let last = prose.blocks.last?.range.upperBound {
        setMatches = unitSet.set.matches(in: UnsafeBufferPointer(rebasing: text[first..<last]))
      }
      for unitIndex in triggered.indices where !triggered[unitIndex].isEmpty {
        if let setMatches, let slot = unitSet?.slot[unitIndex], slot >= 0, !setMatches[slot] { continue }
        let unit = regexes[unitIndex]
        let isChunk = chunkedRules.contains(unit.rule)
        // The automaton reports in text order, but a block can come back.
        var blocks = triggered[unitIndex]
        if zip(blocks, blocks.dropFirst()).contains(where: { $0 >= $1 }) { blocks = Array(Set(blocks)).sorted() }
        // A rule scoped to `sentence` reads each sentence on its own (its
        // `^` and `$` are the sentence's), as Vale's does.
        let bySentence = rules[unit.rule].countPer == .sentence
        func found(_ start: Int, _ end: Int) {
          if isChunk {
            chunkHits.append(ChunkHit(rule: unit.rule, unit: unitIndex, start: start, end: end))
          } else {
            flat.append(RuleHit(rule: unit.rule, hit: Hit(payload: unit.payload, start: start, end: end)))
          }
        }
        // A pattern for every block: one search of the whole prose, not one
        // a block (each call into RE2 has a cost of its own). Blocks are
        // lines and the pattern is `(?m)`, so `^`, `$` and `\b` hold at each
        // block's ends as they do alone; a match that takes in a block break
        // sends the unit back to a search a block.
        if !bySentence, unit.regex.group == 0, blocks.count > 1, blocks.count == prose.blocks.count,
          unitSearchesWhole[unitIndex], let regex = unit.regex.regex.regex, regex.isLinear,
          let first = prose.blocks.first?.range.lowerBound, let last = prose.blocks.last?.range.upperBound
        {
          let whole = Self.wholeProseMatches(regex, in: text, from: first, to: last)
          if !whole.crosses {
            for (start, end) in whole.matches { found(start, end) }
            continue
          }
        }
        func search(_ range: Range<Int>) {
          // RE2 reads the block's UTF-8 bytes in place: offsets are bytes.
          let complete = unit.regex.regex.regex?.forEachMatch(
            in: UnsafeBufferPointer(rebasing: text[range]), group: unit.regex.group
          ) { start, end in
            found(range.lowerBound + start, range.lowerBound + end)
          }
          if complete == false { limited.insert(unit.rule) }
        }
        for blockIndex in blocks {
          let block = prose.blocks[blockIndex].range
          // A block alone is searched as it is (a one-block array made for
          // it was an allocation a block).
          if bySentence {
            for range in Self.sentences(text, in: block) { search(range) }
          } else {
            search(block)
          }
        }
      }
    }
    // A rule whose tokens were split over several patterns: matches as one
    // alternation gives them, leftmost first, the earlier pattern first at
    // one place, none overlapping another.
    if !chunkHits.isEmpty {
      chunkHits.sort { ($0.rule, $0.start, $0.unit) < ($1.rule, $1.start, $1.unit) }
      var end = -1
      var rule = -1
      for hit in chunkHits {
        if hit.rule != rule { (rule, end) = (hit.rule, -1) }
        guard hit.start >= end else { continue }
        flat.append(RuleHit(rule: rule, hit: Hit(payload: 0, start: hit.start, end: hit.end)))
        end = max(hit.end, hit.start + 1)
      }
    }
    // Each rule's hits: a run of `flat`, sorted by rule (the standard
    // library's sort is stable: the order they were found in stays).
    flat.sort { $0.rule < $1.rule }
    // By rule index, in arrays: a dictionary and a set cost more to build
    // than the handful of rules with hits in one email.
    var runs = [Range<Int>?](filling: nil, count: rules.count)
    var matched: [Int] = []
    var runStart = 0
    for index in flat.indices where index + 1 == flat.count || flat[index + 1].rule != flat[index].rule {
      runs[flat[index].rule] = runStart..<(index + 1)
      matched.append(flat[index].rule)
      runStart = index + 1
    }
    // Rules that read the document whether or not a token matched, and
    // those with hits, each once, in rule order (both lists are sorted).
    var active: [Int] = []
    active.reserveCapacity(matched.count + structuralRules.count)
    var next = (matched: 0, structural: 0)
    while next.matched < matched.count || next.structural < structuralRules.count {
      let fromMatched = next.matched < matched.count ? matched[next.matched] : Int.max
      let fromStructural = next.structural < structuralRules.count ? structuralRules[next.structural] : Int.max
      active.append(min(fromMatched, fromStructural))
      if fromMatched <= fromStructural { next.matched += 1 }
      if fromStructural <= fromMatched { next.structural += 1 }
    }

    var findings: [Finding] = []
    // The checks borrow the linter and the document (see `CheckRun`).
    withUnsafePointer(to: self) { linterPointer in
      withUnsafePointer(to: document) { documentPointer in
        rules.withUnsafeBufferPointer { rules in
          for index in active {
            func matchText(_ start: Int, _ end: Int) -> String {
              String(decoding: prose.text[start..<end], as: UTF8.self).trimmingSpaces
            }
            // Scope: the hits in blocks the rule admits.
            var ruleHits: [Hit] = []
            if let range = runs[index] {
              ruleHits.reserveCapacity(range.count)
              // Hits come mostly in text order: the block of the last one,
              // and whether the rule admits it, is asked again only when a
              // hit falls outside it.
              var current: (range: Range<Int>, admitted: Bool)? = nil
              for entry in flat[range] {
                let start = entry.hit.start
                if current.map({ !$0.range.contains(start) }) ?? true {
                  guard let block = prose.block(at: start) else { continue }
                  current = (block.range, rules[index].admits(block))
                }
                if current?.admitted == true { ruleHits.append(entry.hit) }
              }
            }
            if !rules[index].exceptions.isEmpty {
              // Vale's exceptions are regular expressions; a match holding one
              // of them as a word is not a finding.
              let exceptions = exceptionPatterns[index]?.regex.regex
              ruleHits.removeAll { ValeText.isExempt(exceptions, matchText($0.start, $0.end)) }
            }
            // (A sort of an empty array made it an array of its own: an
            // allocation for each rule that runs without hits.)
            if ruleHits.count > 1 { ruleHits.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end } }
            // Keep the longest of overlapping matches (when none overlap,
            // as usual, the hits are kept as they are, not copied).
            var kept = ruleHits
            if ruleHits.indices.dropFirst().contains(where: { ruleHits[$0].start < ruleHits[$0 - 1].end }) {
              kept = []
              kept.reserveCapacity(ruleHits.count)
              for hit in ruleHits where kept.last.map({ hit.start >= $0.end }) ?? true { kept.append(hit) }
            }

            // Check: the rule's kind decides.
            var run = CheckRun(
              linter: linterPointer, document: documentPointer, index: index, hits: kept)
            rules[index].kind.check.check(&run)
            if run.limited { limited.insert(index) }
            let ruleFindings = run.findings
            let fixes = run.fixes
            if ruleFindings.isEmpty { continue }

            // In offset order, so that the cursors count each line once.
            // (Most rules find one thing, or find them in order: no sort.)
            let inOrder = ruleFindings.indices.dropFirst().allSatisfy {
              ruleFindings[$0 - 1].offset <= ruleFindings[$0].offset
            }
            // (In order, the indices are read as a range, not made an array.)
            let order: [Int]? =
              inOrder ? nil : ruleFindings.indices.sorted { ruleFindings[$0].offset < ruleFindings[$1].offset }
            // A Vale style's rule reports where Vale would (not in mail,
            // which Vale does not read).
            var valeSearch = ValeLocationSearch.applies(to: rules[index], in: document) ? ValeLocationSearch() : nil
            // Room for this rule's findings, growing by doubling (the array
            // is kept for the whole run: no more room than it needs).
            let needed = findings.count + ruleFindings.count
            if findings.capacity < needed { findings.reserveCapacity(max(needed, findings.count * 2)) }
            for slot in ruleFindings.indices {
              let number = order?[slot] ?? slot
              let item = ruleFindings[number]
              let position = cursor.position(of: item.offset)
              if document.isDisabled(
                rule: rules[index].id, line: position.line - 1,
                valeComments: !(rules[index].valeStyle && rules[index].rawScope))
              {
                continue
              }
              var location =
                document.locator.map { $0.locate(item.offset, position: position, cursor: windowCursor!) }
                ?? Location(line: position.line, column: position.column)
              let exact = location
              if valeSearch != nil, let lines = ValeLocationSearch.blockLines(at: item.offset, in: document) {
                let match = ValeLocationSearch.valeMatch(
                  of: rules[index], match: item.match, at: item.offset, in: document.source)
                guard let placed = valeSearch?.place(match: match, lines: lines, in: document.source, at: location)
                else { continue }
                location = placed
              }
              // Made in its place in the array and filled there: a finding
              // built aside and appended was copied, then released.
              findings.append(
                Finding(
                  path: document.source.path, line: location.line, column: location.column, rule: rules[index].id,
                  severity: rules[index].level, message: item.message, match: item.match, link: rules[index].link))
              let last = findings.count - 1
              findings[last].decodedLine = location.decodedLine
              findings[last].decodedColumn = location.decodedColumn
              findings[last].replacement = fixes[number]
              if location != exact {
                findings[last].matchLine = exact.line
                findings[last].matchColumn = exact.column
              }
            }
          }
        }
      }
    }
    Self.sortInPlace(&findings)
    return (findings, limited.isEmpty ? [] : limited.sorted().map { rules[$0].id })
  }

  /// Findings by line, column and rule, as a stable sort gives them. The
  /// order is worked out on indices and applied by swaps: sorting the
  /// findings themselves copied each one twice (a retain and a release of
  /// each of its strings, shared with other threads' findings).
  static func sortInPlace(_ findings: inout [Finding]) {
    findings.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress, buffer.count > 1 else { return }
      func before(_ a: Int, _ b: Int) -> Bool {
        (base[a].line, base[a].column) != (base[b].line, base[b].column)
          ? (base[a].line, base[a].column) < (base[b].line, base[b].column) : base[a].rule < base[b].rule
      }
      var sorted = true
      for index in 1..<buffer.count where before(index, index - 1) {
        sorted = false
        break
      }
      if sorted { return }
      var order = Array(0..<buffer.count)
      order.sort(by: before)
      // new[i] = old[order[i]], one cycle at a time, each finding moved
      // (not copied) into its place.
      for start in order.indices where order[start] != start {
        let held = (base + start).move()
        var at = start
        while true {
          let from = order[at]
          order[at] = at
          if from == start {
            (base + at).initialize(to: held)
            break
          }
          (base + at).moveInitialize(from: base + from, count: 1)
          at = from
        }
      }
    }
  }

  /// The warning for a rule whose backtracking pattern hit its limit.
  static func limitWarning(path: String, rule: String) -> Warning {
    Warning(
      path: path, line: 1,
      message:
        "rule `\(rule)`: a pattern with a lookaround or backreference hit its backtracking limit; its matches past that point are missing"
    )
  }
}

extension Linter {
  /// The sentences of a block: each ends at `.`, `!` or `?` before a space
  /// or the block's end (the rule `occurrence` counts sentences by), its
  /// leading spaces left out.
  static func sentences(_ text: UnsafeBufferPointer<UInt8>, in block: Range<Int>) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var start = block.lowerBound
    var index = block.lowerBound
    while index < block.upperBound {
      let byte = text[index]
      if byte == 0x2E || byte == 0x21 || byte == 0x3F, index + 1 >= block.upperBound || text[index + 1] == 0x20 {
        out.append(start..<(index + 1))
        start = index + 1
        while start < block.upperBound, text[start] == 0x20 { start += 1 }
        index = start
        continue
      }
      index += 1
    }
    if start < block.upperBound { out.append(start..<block.upperBound) }
    return out
  }
}

/// Calls `body(start, end)` for each whitespace-separated word in `range`
/// that holds a letter or digit (code spans count as one word).
func forEachWord(_ text: [UInt8], in range: Range<Int>, _ body: (Int, Int) -> Void) {
  text.withUnsafeBufferPointer { forEachWord($0, in: range, body) }
}

@inline(__always)
func forEachWord(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>, _ body: (Int, Int) -> Void) {
  var index = range.lowerBound
  while index < range.upperBound {
    while index < range.upperBound, text[index] == 0x20 { index += 1 }
    let start = index
    var hasWord = false
    while index < range.upperBound, text[index] != 0x20 {
      let byte = text[index]
      index += 1
      if byte == Prose.opaque || isWordByte(byte) && byte != 0x5F {
        hasWord = true
        // The rest of the word only has to be passed.
        while index < range.upperBound, text[index] != 0x20 { index += 1 }
        break
      }
    }
    if index > start, hasWord { body(start, index) }
  }
}

/// A subject rule's generic subjects, normalized, and the lengths they
/// come in. A subject of none of those lengths is told apart without a
/// hash of its text (which was a sixth of the subject check).
struct GenericSubjects {
  let subjects: Set<String>
  /// Bit `n` set for each length `n` (in bytes) among the subjects, when
  /// all of them are ASCII and under 64 bytes; nil otherwise.
  let asciiLengths: UInt64?

  init(_ subjects: [String]) {
    self.subjects = Set(subjects)
    var lengths: UInt64? = 0
    for subject in self.subjects {
      let count = subject.utf8.count
      if count >= 64 || subject.utf8.contains(where: { $0 >= 0x80 }) {
        lengths = nil
        break
      }
      lengths! |= 1 << UInt64(count)
    }
    asciiLengths = lengths
  }

  /// Whether `subject` is one of them, as `Set.contains` says: strings
  /// equal as Unicode text. An ASCII string equals an ASCII one only byte
  /// for byte, so a length none of them has rules it out; a subject not in
  /// ASCII (`;` may be written as U+037E, its canonical equal) is looked up.
  func contains(_ subject: String) -> Bool {
    if let asciiLengths {
      let count = subject.utf8.count
      if count >= 64 || asciiLengths & (1 << UInt64(count)) == 0, !subject.utf8.contains(where: { $0 >= 0x80 }) {
        return false
      }
    }
    return subjects.contains(subject)
  }
}

enum SubjectText {
  /// Lowercased, reply prefixes and closing punctuation removed, spaces folded.
  /// - Parameter prefixes: as the rule gives them (lowered here).
  static func normalize(_ subject: String, prefixes: [String]) -> String {
    normalize(subject, loweredPrefixes: lower(prefixes))
  }

  /// The prefixes as `normalize(_:loweredPrefixes:)` takes them: lowercased
  /// UTF-8, blank ones dropped (an empty prefix would match forever; found
  /// by the rule fuzzer).
  static func lower(_ prefixes: [String]) -> [[UInt8]] {
    prefixes.map { $0.lowercased() }.filter { !$0.trimmingSpaces.isEmpty }.map { Array($0.utf8) }
  }

  /// `.!?…:;,-` and the space.
  private static let closingScalars: [UInt32] = [0x2E, 0x21, 0x3F, 0x2026, 0x3A, 0x3B, 0x2C, 0x2D, 0x20]

  /// `Array(text.lowercased().utf8)`, which maps each scalar on its own:
  /// here ASCII by a table and a scalar without case as it is, so that
  /// only letters with case pay for a mapping (a subject in Japanese or
  /// with a few accents cost five times a whole Markdown email's check).
  static func loweredBytes(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      if scalar.isASCII {
        out.append(PhraseMatcher.lowercase[Int(scalar.value)])
      } else if scalar.properties.changesWhenLowercased {
        out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
      } else {
        out.append(contentsOf: UTF8.encode(scalar)!)
      }
    }
    return out
  }

  /// `normalize`'s first pass: spaces folded, U+2019 made `'`, ASCII
  /// lowered. (A parameter, not a captured variable: a closure's writes to
  /// one were checked for exclusive access at every byte.)
  private static func fold(_ lowered: UnsafeBufferPointer<UInt8>, into text: inout [UInt8]) {
    var pendingSpace = false
    var index = 0
    while index < lowered.count {
      var byte = lowered[index]
      index += 1
      if byte == 0x20 || byte == 0x09 || byte == 0x0D {
        pendingSpace = !text.isEmpty
        continue
      }
      if pendingSpace {
        text.append(0x20)
        pendingSpace = false
      }
      if byte == 0xE2, index + 1 < lowered.count, lowered[index] == 0x80, lowered[index + 1] == 0x99 {
        text.append(0x27)
        index += 2
      } else {
        if byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
        text.append(byte)
      }
    }
  }

  static func normalize(_ subject: String, loweredPrefixes: [[UInt8]]) -> String {
    // Words split at spaces, tabs and CRs, joined by one space; a typed
    // apostrophe (U+2019) is a straight one.
    // ASCII lowered by bytes as it is read, in place (most subjects); the
    // rest by Unicode's rules first.
    var subject = subject
    var text: [UInt8] = []
    text.reserveCapacity(subject.utf8.count)
    let ascii = subject.withUTF8 { bytes in
      guard !bytes.contains(where: { $0 >= 0x80 }) else { return false }
      fold(bytes, into: &text)
      return true
    }
    if !ascii { loweredBytes(subject).withUnsafeBufferPointer { fold($0, into: &text) } }
    var start = 0
    func skipSpaces() { while start < text.count, text[start] == 0x20 { start += 1 } }
    var changed = true
    while changed {
      changed = false
      for prefix in loweredPrefixes where text.count - start >= prefix.count {
        let same = text.withUnsafeBufferPointer { text in
          prefix.withUnsafeBufferPointer { memcmp(text.baseAddress! + start, $0.baseAddress!, prefix.count) == 0 }
        }
        guard same else { continue }
        let before = start
        start += prefix.count
        skipSpaces()
        if start > before { changed = true }
      }
      // A bracketed tag a mail system adds: `[EXTERNAL]`, closed within
      // 42 characters and followed by more.
      if start < text.count, text[start] == 0x5B {
        var index = start + 1
        var characters = 1
        while index < text.count, text[index] != 0x5D, characters < 42 {
          if text[index] & 0xC0 != 0x80 { characters += 1 }
          index += 1
        }
        if index < text.count, text[index] == 0x5D, index + 1 < text.count {
          start = index + 1
          skipSpaces()
          changed = true
        }
      }
    }
    // Closing punctuation and emoji ("Checking in 👋") say nothing either.
    // ASCII punctuation after ASCII is its own character: dropped by bytes.
    var end = text.count
    while end > start, text[end - 1] < 0x80, closingScalars.contains(UInt32(text[end - 1])),
      end - 1 == start || text[end - 2] < 0x80
    {
      end -= 1
    }
    // All ASCII: its closing punctuation is gone already, and it holds no
    // emoji; no characters need reading.
    if !text[start..<end].contains(where: { $0 >= 0x80 }) { return String(decoding: text[start..<end], as: UTF8.self) }
    var result = String(decoding: text[start..<end], as: UTF8.self)
    // (A character of one scalar is one of these only if it is that
    // scalar: none of them has another way of being written.)
    while let last = result.last,
      last.unicodeScalars.count == 1 && closingScalars.contains(last.unicodeScalars.first!.value)
        || last.unicodeScalars.contains(where: { !$0.isASCII && ($0.properties.isEmojiPresentation || $0.value == 0xFE0F) })
    {
      result.removeLast()
    }
    return result
  }
}

/// One token match: the rule's payload (which token or swap) and its bytes
/// in the prose.
struct Hit: Sendable {
  var payload: Int
  var start: Int
  var end: Int
}

/// A match and the rule it belongs to.
struct RuleHit: Sendable {
  var rule: Int
  var hit: Hit
}

/// A match of one of a rule's split patterns (`unit`, its regex).
struct ChunkHit: Sendable {
  var rule: Int
  var unit: Int
  var start: Int
  var end: Int
}
