import CGsf
import Foundation
import Testing

@testable import OutreachKit

/// Outlook's .msg files, built here with libgsf's writer (the OLE2 compound
/// file Outlook writes, with its MAPI property streams), linted and read
/// by the CLI as a user runs it.
@Suite struct OutlookMessageTests {
  /// A .msg of the given top-level streams, by libgsf.
  static func makeMessage(_ streams: [(String, [UInt8])]) throws -> [UInt8] {
    // libgsf one thread at a time, and initialized once, by the reader's
    // load (a second `gsf_init` beside a reading test crashed the suite).
    OutlookMessage.gsfLock.lock()
    defer { OutlookMessage.gsfLock.unlock() }
    let table = try #require(writerTable)
    let writer = table.pointee
    let sink = try #require(writer.gsf_output_memory_new())
    defer { writer.g_object_unref(UnsafeMutableRawPointer(sink)) }
    let outfile = try #require(writer.gsf_outfile_msole_new(sink))
    for (name, bytes) in streams {
      let child = try #require(writer.gsf_outfile_new_child(outfile, name, 0))
      _ = bytes.withUnsafeBufferPointer { writer.gsf_output_write(child, bytes.count, $0.baseAddress) }
      _ = writer.gsf_output_close(child)
      writer.g_object_unref(UnsafeMutableRawPointer(child))
    }
    _ = outreach_gsf_close_outfile(table, outfile)
    writer.g_object_unref(UnsafeMutableRawPointer(outfile))
    let size = Int(writer.gsf_output_size(sink))
    let data = try #require(outreach_gsf_memory_bytes(table, sink))
    return Array(UnsafeBufferPointer(start: data, count: size))
  }

  /// libgsf's writer, loaded once, after the reader (whose load runs
  /// `gsf_init`).
  nonisolated(unsafe) static let writerTable: UnsafePointer<outreach_gsf_writer_api>? = {
    _ = OutlookMessage.library
    return DynamicLibrary.table(outreach_gsf_writer_load)
  }()

  static func utf16(_ text: String) -> [UInt8] {
    text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0, 0]
  }

  /// The top-level property stream: a 32-byte header, then one PT_LONG
  /// property, the message's code page (PR_INTERNET_CPID).
  static func properties(codePage: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 32)
    let tag = 0x3FDE_0003
    bytes += (0..<4).map { UInt8((tag >> (8 * $0)) & 0xFF) } + [6, 0, 0, 0]
    bytes += (0..<4).map { UInt8((codePage >> (8 * $0)) & 0xFF) } + [0, 0, 0, 0]
    return bytes
  }

  @Test func aSavedOutlookMessageIsLintedAndRead() throws {
    let folder = makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let message = try Self.makeMessage([
      ("__substg1.0_0037001F", Self.utf16("Quick question")),
      ("__substg1.0_1000001F", Self.utf16("Hi Ana,\r\n\r\nWe are circling back on the flags.\r\n\r\nAlex\r\n")),
    ])
    try Data(message).write(to: URL(fileURLWithPath: folder + "/Re flags.msg"))
    let lint = try runOutreach(["lint", "--format", "line", folder + "/Re flags.msg"])
    #expect(lint.status == 1, "\(lint.stderr)")
    // Line 1 is the subject, the body from line 3 (as `outreach read` and
    // the README show the message).
    #expect(
      lint.stdout.split(separator: "\n").map { $0.split(separator: ":").dropFirst().prefix(3).joined(separator: ":") } == [
        "1:10:generic-subject", "5:8:vibe-killer",
      ], "\(lint.stdout)")
    // `--fix` never rewrites one.
    _ = try runOutreach(["lint", "--fix", folder + "/Re flags.msg"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/Re flags.msg")) == Data(message))
    // A folder's .msg files are linted with the rest.
    let inFolder = try runOutreach(["lint", folder])
    #expect(inFolder.stderr.contains("in 1 file"), "\(inFolder.stderr)")
    let read = try runOutreach(["read", folder + "/Re flags.msg"])
    let item = try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any]
    #expect(item?["subject"] as? String == "Quick question")
    #expect((item?["text"] as? String)?.contains("We are circling back on the flags.") == true, "\(read.stdout)")
  }

  /// A .msg whose text Outlook kept in rich text only (compressed RTF, no
  /// plain or HTML body) is linted for its subject, and the warning says
  /// the body was not read: never "no findings" in silence.
  @Test func anRTFOnlyBodyIsNamedNotSkippedInSilence() throws {
    let folder = makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let message = try Self.makeMessage([
      ("__substg1.0_0037001F", Self.utf16("Your flags: 12 are stale")),
      ("__substg1.0_10090102", [0x2D, 0, 0, 0, 0x2B, 0, 0, 0, 0x4C, 0x5A, 0x46, 0x75]),
    ])
    try Data(message).write(to: URL(fileURLWithPath: folder + "/rich.msg"))
    let lint = try runOutreach(["lint", folder + "/rich.msg"])
    #expect(lint.status == 0, "\(lint.stderr)")
    #expect(lint.stderr.contains("rich.msg:1: warning: the body is in Outlook's rich text (RTF) only"), "\(lint.stderr)")
    let empty = try Self.makeMessage([("__substg1.0_0037001F", Self.utf16("Your flags: 12 are stale"))])
    try Data(empty).write(to: URL(fileURLWithPath: folder + "/empty.msg"))
    let none = try runOutreach(["lint", folder + "/empty.msg"])
    #expect(none.stderr.contains("empty.msg:1: warning: the message has no plain or HTML body"), "\(none.stderr)")
  }

  /// The hook lints a staged .msg, from the index, as any email.
  @Test func theHookLintsAStagedMessage() throws {
    let repository = makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: repository) }
    try git(["init", "-q"], in: repository)
    let message = try Self.makeMessage([
      ("__substg1.0_0037001F", Self.utf16("Your flags: 12 are stale")),
      ("__substg1.0_1000001F", Self.utf16("Hi Ana,\r\n\r\nJust touching base on the flags.\r\n")),
    ])
    try Data(message).write(to: URL(fileURLWithPath: repository + "/note.msg"))
    try git(["add", "note.msg"], in: repository)
    let hook = try runOutreach(["hook", "run"], in: repository)
    #expect(hook.status == 1, "\(hook.stdout)\(hook.stderr)")
    #expect(hook.stdout.contains("note.msg:5:1:") && hook.stdout.contains("[vibe-killer]"), "\(hook.stdout)")
  }

  /// 8-bit strings in the message's code page; an HTML body when there is
  /// no plain one.
  @Test func codePagesAndHTMLBodies() throws {
    let folder = makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // "Привет" in Windows-1251, with its terminating NUL.
    let cyrillic: [UInt8] = [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x00]
    let message = try Self.makeMessage([
      ("__properties_version1.0", Self.properties(codePage: 1251)),
      ("__substg1.0_0037001E", cyrillic),
      ("__substg1.0_10130102", Array("<html><body><p>Hope this finds you well.</p></body></html>".utf8)),
    ])
    try Data(message).write(to: URL(fileURLWithPath: folder + "/ru.msg"))
    let read = try runOutreach(["read", folder + "/ru.msg"])
    let item = try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any]
    #expect(item?["subject"] as? String == "Привет", "\(read.stdout)")
    #expect((item?["text"] as? String)?.contains("Hope this finds you well.") == true, "\(read.stdout)")
    let lint = try runOutreach(["lint", "--format", "line", folder + "/ru.msg"])
    #expect(lint.stdout.contains(":vibe-killer:"), "\(lint.stdout)")
  }

  /// Untrusted text from a .msg never becomes a header line; a file that
  /// is not one is one line naming it, exit 2.
  @Test func hostileAndBrokenMessages() throws {
    let composed = OutlookMessage.compose(.init(subject: "Hi\r\nBcc: evil@example.com", body: "Body\r\nline\r", html: nil))
    #expect(String(decoding: composed, as: UTF8.self) == "Subject: Hi  Bcc: evil@example.com\n\nBody\nline\n")
    let folder = makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Data(OutlookMessage.magic + [UInt8](repeating: 7, count: 600)).write(to: URL(fileURLWithPath: folder + "/bad.msg"))
    let lint = try runOutreach(["lint", folder + "/bad.msg"])
    #expect(lint.status == 2)
    #expect(lint.stderr.contains("bad.msg: not an Outlook message"), "\(lint.stderr)")
    #expect(OutlookMessage.charset(codePage: 1252) == "cp1252" && OutlookMessage.charset(codePage: 65001) == "utf-8")
  }
}
