import Foundation

/// What `make bench` times besides the `outreach` binary: the mail reading
/// alone, so that the cost of GMime is a figure of its own.
public enum BenchEntry {
  /// Reads every message of an mbox as `lint` does (GMime parses it in
  /// pieces on every core, decodes the text part and maps it back to the
  /// file) but lints nothing. Returns the messages read and the bytes of
  /// text decoded.
  public static func readMail(path: String) throws -> (messages: Int, textBytes: Int) {
    guard GMime.available else { throw GMime.missing(path: path) }
    let descriptor = try TextFile.open(path: path)
    defer { close(descriptor) }
    let input = MailInput.file(descriptor: descriptor, path: path)
    var info = stat()
    fstat(descriptor, &info)
    let pieces = Linter.mboxPieces(
      input: input, size: Int(info.st_size), cores: ProcessInfo.processInfo.activeProcessorCount,
      pieceBytes: Linter.mboxPieceBytes)
    let box = ResultBox<(Int, Int)>(count: pieces.count)
    DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
      var messages = 0
      var bytes = 0
      GMime.forEachMessage(in: input, mbox: true, range: pieces[index]) { message in
        messages += 1
        bytes += message.body?.bytes.count ?? 0
      }
      box.set(index, (messages, bytes))
    }
    return box.values.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
  }
}
