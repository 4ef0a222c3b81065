import Foundation

/// What `make bench` times besides the `outreach` binary: the mail reading
/// alone, so that the cost of GMime is a figure of its own.
public enum BenchEntry {
  /// Reads every message of an mbox as `lint` does (GMime parses it in
  /// pieces on every core, decodes the text part and maps it back to the
  /// file) but lints nothing. Returns the messages read and the bytes of
  /// text decoded.
  public static func readMail(path: String) throws -> (messages: Int, textBytes: Int) {
    let sizes = try GMime.messages(ofFile: path) { $0.body?.bytes.count ?? 0 }
    return (sizes.count, sizes.reduce(0, +))
  }

}
