/// outreach's `divider`: a `---` divider in the body.
enum DividerCheck: Check {
  static func check(_ run: inout CheckRun) {
    for offset in run.document.dividers {
      run.add(offset, formatMessage(run.rule.message, ["---"]), "---")
    }
  }
}
