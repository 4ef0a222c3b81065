import Foundation

/// Vale's `readability`: the mean of grade-level metrics over the body.
enum ReadabilityCheck: Check {
  static func check(_ run: inout CheckRun) {
    guard case .readability(let metrics, let grade) = run.rule.kind else { return }
    guard let body = run.bodyText() else { return }
    let score = Readability(body.texts.joined(separator: "\n\n")).grade(metrics)
    if score > grade {
      let value = String(format: "%.2f", score)
      // About the whole body: at its start in an email with headers, else
      // at the file's start (line 1, column 1, as Vale puts it).
      run.add(run.document.hasHeaderBlock ? body.offset : 0, formatMessage(run.rule.message, [value]), value)
    }
  }
}
