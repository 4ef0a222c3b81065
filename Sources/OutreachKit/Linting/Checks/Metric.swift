import Foundation

/// Vale's `metric`: a formula over the body's counts.
enum MetricCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .metric(let formula, let comparison, let threshold) = run.rule.kind else { return }
    guard let body = run.bodyText() else { return }
    let counts = Readability(body.texts.joined(separator: "\n\n"))
    let longWords = body.texts.joined(separator: " ").split(separator: " ").filter { $0.filter(\.isLetter).count >= 7 }
      .count
    let value = formula.evaluate(counts.values(paragraphs: body.texts.count, longWords: longWords))
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
      run.add(body.offset, formatMessage(run.rule.message, [shown]), shown)
    }
  }
}
