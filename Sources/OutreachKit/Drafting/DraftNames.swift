import Foundation

/// Gives every draft of a run its own file name. The name is the draft's
/// slug (`acme-onboarding.md`) unless another draft already has it, in this
/// run or, per the `--out` journal, in an earlier one; then it gets a
/// suffix from a hash of the draft's identity (`acme-onboarding-3f9a1c.md`),
/// the same in every run. So "Acme", "ACME" and "Acme!", or `ana.b@`,
/// `ana-b@` and `ana_b@`, never overwrite each other.
public struct DraftNames: Sendable {
  /// Name to the key of the draft that holds it.
  private var claimed: [String: String]

  /// `owners`: the journal's names and keys (`DraftWriter.owners`).
  public init(owners: [String: String] = [:]) { claimed = owners }

  /// The draft's key: a hash of its identity, kept in the journal.
  public static func key(_ draft: Draft) -> String {
    String(stableHash(draft.identity), radix: 16)
  }

  /// Claims a name for `draft`, given its slug `name` (`.md` or `.eml`),
  /// and for `source` (the account file) when two drafts share an identity.
  public mutating func claim(_ name: String, for draft: Draft, source: String = "") -> String {
    let key = Self.key(draft)
    if claimed[name] == nil || claimed[name] == key, !taken.contains(name) {
      claimed[name] = key
      taken.insert(name)
      return name
    }
    let dot = name.lastIndex(of: ".") ?? name.endIndex
    let (stem, ext) = (name[..<dot], name[dot...])
    // The same identity twice in one run (the same account in two files):
    // the account file tells them apart.
    var hash = claimed[name] == key ? String(stableHash(draft.identity + "\u{0}" + source), radix: 16) : key
    while hash.count < 16 { hash = "0" + hash }
    var length = 6
    while true {
      let candidate = String(stem) + "-" + String(hash.prefix(length)) + String(ext)
      if !taken.contains(candidate), claimed[candidate] == nil || claimed[candidate] == key {
        claimed[candidate] = key
        taken.insert(candidate)
        return candidate
      }
      if length < hash.count {
        length += 2
      } else {
        hash = String(stableHash(hash + name), radix: 16)
        while hash.count < 16 { hash = "0" + hash }
        length = 6
      }
    }
  }

  private var taken = Set<String>()
}
