import Foundation

/// Vale's `metric`: a formula over the body's counts.
enum MetricCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .metric(let formula, let comparison, let threshold) = run.rule.kind else { return }
    guard let body = run.bodyText() else { return }
    let counts = Readability(body.texts.joined(separator: "\n\n"))
    var values = counts.values(paragraphs: body.texts.count)
    // The file's blocks, as Vale counts its tags: headings by level, list
    // items, quoted paragraphs, code blocks.
    for level in 1...6 {
      values["heading_h\(level)"] = Double(run.prose.blocks.filter { $0.kind == .heading && $0.level == level }.count)
    }
    values["list"] = Double(run.prose.blocks.filter { $0.inList && !$0.quoted }.count)
    values["blockquote"] = Double(run.prose.blocks.filter(\.quoted).count)
    values["pre"] = Double(run.document.codeBlockCount)
    let value = formula.evaluate(values)
    let met: Bool
    switch comparison {
    case ">": met = value > threshold
    case ">=": met = value >= threshold
    case "<": met = value < threshold
    case "<=": met = value <= threshold
    default: met = value == threshold
    }
    if met {
      let shown = String(format: "%.2f", value)
      // About the whole body: at its start in an email with headers, else
      // at the file's start (line 1, column 1, as Vale puts it).
      run.add(run.document.hasHeaderBlock ? body.offset : 0, formatMessage(run.rule.message, [shown]), shown)
    }
  }
}
