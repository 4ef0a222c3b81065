import DovecotHarness
import Foundation
import Testing

@testable import OutreachKit

/// `draft --imap` against a real Dovecot on loopback (started and stopped
/// here), read back with an independent client: Python's imaplib.
@Suite(.serialized) struct IMAPTests {
  let accounts = packageRoot + "/Templates/accounts"

  /// Every message in the mailbox: flags and the raw message, from imaplib.
  func readBack(_ server: Dovecot, mailbox: String = "Drafts") throws -> [(flags: String, message: String)] {
    let script = """
      import imaplib, json, sys
      box = imaplib.IMAP4("127.0.0.1", \(server.port))
      box.login(sys.argv[1], sys.argv[2])
      box.select(sys.argv[3], readonly=True)
      _, data = box.uid("SEARCH", None, "ALL")
      out = []
      for uid in data[0].split():
          _, parts = box.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
          out.append({"flags": parts[0][0].decode(), "message": parts[0][1].decode("ascii")})
      print(json.dumps(out))
      """
    let result = try runProcess("python3", ["-c", script, server.user, server.password, mailbox])
    guard result.status == 0, let data = result.stdout.data(using: .utf8),
      let list = try JSONSerialization.jsonObject(with: data) as? [[String: String]]
    else { throw HarnessError("imaplib failed: \(result.stderr)") }
    return list.map { ($0["flags"] ?? "", $0["message"] ?? "") }
  }

  func draft(_ server: Dovecot, _ extra: [String] = [], password: String? = nil, url: String? = nil) throws -> ProcessResult {
    try runOutreach(
      ["draft", "--today", "2026-11-22", "--imap", url ?? server.url()] + extra + [accounts],
      environment: ["OUTREACH_IMAP_PASSWORD": password ?? server.password, "HOME": server.folder])
  }

  @Test func appendsEachDraftOnceAsADraftWithBothParts() throws {
    let server = try Dovecot()
    defer { server.stop() }
    let first = try draft(server)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("7 appended, 0 already in Drafts"), "\(first.stderr)")
    #expect(server.logins == 1, "one connection for the whole batch")
    let messages = try readBack(server)
    #expect(messages.count == 7)
    let expected = try runOutreach(["draft", "--today", "2026-11-22", "--format", "json", accounts])
    let drafts = try JSONSerialization.jsonObject(with: Data(expected.stdout.utf8)) as! [[String: Any]]
    for (index, (flags, message)) in messages.enumerated() {
      #expect(flags.contains("\\Draft"), "\(flags)")
      let draft = drafts[index]
      let subject = draft["subject"] as! String
      #expect(message.contains("Subject: \(subject)\r\n"), "\(subject)")
      #expect(message.contains("From: Alex <alex@posthog.com>\r\n"))
      #expect(message.contains("Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n"))
      #expect(message.contains("Message-Id: <outreach."))
      #expect(message.contains("X-Unsent: 1\r\n"))
      for person in draft["to"] as! [[String: String]] { #expect(message.contains(person["email"]!)) }
      #expect(message.contains("Content-Type: text/plain") && message.contains("Content-Type: text/html"))
      #expect(message.contains("<p>Hi "), "HTML rendered")
      // What lands in the mailbox lints clean.
      let lint = try Linter(rules: projectRules).lint(path: "m.eml", bytes: Array(message.utf8))
      #expect(lint.findings.isEmpty && lint.warnings.isEmpty, "\(lint.findings)")
    }
    // A rerun adds nothing.
    let again = try draft(server)
    #expect(again.status == 0 && again.stderr.contains("0 appended, 7 already in Drafts"), "\(again.stderr)")
    #expect(try readBack(server).count == 7)
  }

  @Test func failuresAreOneLineAndAppendNothing() throws {
    let server = try Dovecot()
    defer { server.stop() }
    let wrong = try draft(server, password: "not it")
    #expect(wrong.status == 2)
    let errors = wrong.stderr.split(separator: "\n").filter { $0.contains("error:") }
    #expect(errors.count == 1 && errors[0].contains("login refused for alex@example.com"), "\(wrong.stderr)")
    #expect(!wrong.stderr.contains("not it"), "the password is never printed")
    #expect(wrong.stderr.contains("(0 appended before it, 6 not tried)"))
    #expect(wrong.stderr.split(separator: "\n").count == 1, "one line: \(wrong.stderr)")
    #expect(try readBack(server).isEmpty)

    let missing = try draft(server, url: server.url(mailbox: "Nope"))
    #expect(missing.status == 2 && missing.stderr.contains("no mailbox Nope"), "\(missing.stderr)")

    let closed = try draft(server, url: "imap://alex%40example.com@127.0.0.1:\(try Dovecot.freePort())/Drafts")
    #expect(closed.status == 2 && closed.stderr.contains("cannot connect"), "\(closed.stderr)")
    #expect(try readBack(server).isEmpty)

    let inURL = try draft(server, url: "imap://alex:secret@127.0.0.1:\(server.port)/Drafts")
    #expect(inURL.status == 2 && inURL.stderr.contains("the URL holds a password") && !inURL.stderr.contains("secret@"))
  }

  @Test func netrcAndUserFromTheEnvironment() throws {
    let server = try Dovecot()
    defer { server.stop() }
    // curl reads quoted netrc values (7.84 and later); the test password has a space.
    try "machine 127.0.0.1 login \(server.user) password \"\(server.password)\"\n".write(
      toFile: server.folder + "/.netrc", atomically: true, encoding: .utf8)
    let result = try runOutreach(
      ["draft", "--today", "2026-11-22", "--imap", "imap://127.0.0.1:\(server.port)/Drafts", accounts],
      environment: ["HOME": server.folder, "OUTREACH_IMAP_USER": server.user])
    #expect(result.status == 0 && result.stderr.contains("7 appended"), "\(result.stderr)")
  }

  /// Three runs at once into one mailbox: each checks again after its
  /// append and keeps the lowest UID, so every draft is there once.
  @Test func concurrentRunsLeaveOneCopyOfEachDraft() throws {
    let server = try Dovecot()
    defer { server.stop() }
    let group = DispatchGroup()
    let statuses = ResultBox<Int32>(count: 3)
    let (url, password, home, accounts) = (server.url(), server.password, server.folder, accounts)
    for index in 0..<3 {
      DispatchQueue.global().async(group: group) {
        let result = try? runOutreach(
          ["draft", "--today", "2026-11-22", "--imap", url, accounts],
          environment: ["OUTREACH_IMAP_PASSWORD": password, "HOME": home])
        statuses.set(index, result?.status ?? -1)
      }
    }
    group.wait()
    #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses.values)")
    let messages = try readBack(server)
    let ids = messages.compactMap { message in
      message.message.split(separator: "\r\n").first { $0.lowercased().hasPrefix("message-id:") }.map(String.init)
    }
    #expect(messages.count == 7 && Set(ids).count == 7, "\(messages.count) messages, \(Set(ids).count) Message-IDs")
    #expect(messages.allSatisfy { $0.flags.contains("\\Draft") })
  }

  /// A server that stops answering in the middle of an APPEND (a proxy in
  /// front of the real Dovecot that stops forwarding once it sees APPEND).
  @Test func aStalledAppendTimesOutWithATrueMessage() throws {
    let server = try Dovecot()
    defer { server.stop() }
    let port = try Dovecot.freePort()
    let proxy = Process()
    proxy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    proxy.arguments = [
      "python3", "-c",
      """
      import socket, threading, time, sys
      listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      listener.bind(("127.0.0.1", \(port))); listener.listen(1)
      print("ready", flush=True)
      client, _ = listener.accept()
      upstream = socket.create_connection(("127.0.0.1", \(server.port)))
      stalled = threading.Event()
      def pump(source, sink, watch):
          while True:
              data = source.recv(65536)
              if not data: return
              if watch and b"APPEND" in data.upper(): stalled.set()
              if stalled.is_set(): continue
              sink.sendall(data)
      threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()
      threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
      time.sleep(40)
      """,
    ]
    let output = Pipe()
    proxy.standardOutput = output
    try proxy.run()
    defer { proxy.terminate() }
    _ = output.fileHandleForReading.availableData  // "ready"
    let started = Date()
    let result = try runOutreach(
      ["draft", "--today", "2026-11-22", "--imap", "imap://alex%40example.com@127.0.0.1:\(port)/Drafts", accounts],
      environment: ["OUTREACH_IMAP_PASSWORD": server.password, "HOME": server.folder, "OUTREACH_IMAP_TIMEOUT": "2"])
    let elapsed = Date().timeIntervalSince(started)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(elapsed < 15, "gave up after \(elapsed) s")
    let errors = result.stderr.split(separator: "\n").filter { $0.contains("error:") }
    #expect(
      errors.count == 1 && errors[0].contains("stopped answering") && !errors[0].contains("cannot connect"), "\(result.stderr)")
  }

  @Test func anIPv6LoopbackURLWorks() throws {
    guard Dovecot.hasIPv6Loopback else { return }
    let server = try Dovecot()
    defer { server.stop() }
    let result = try draft(server, url: "imap://alex%40example.com@[::1]:\(server.port)/Drafts")
    #expect(result.status == 0 && result.stderr.contains("7 appended"), "\(result.stderr)")
  }

  @Test func draftsWithFindingsAreNotAppended() throws {
    let server = try Dovecot()
    defer { server.stop() }
    let rules = makeTemporaryFolder()
    try "extends: existence\nmessage: \"No '%s'.\"\nlevel: error\ntokens: [Hi]\n".write(
      toFile: rules + "/no-hi.yml", atomically: true, encoding: .utf8)
    let result = try draft(server, ["--rules", rules])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("0 appended") && result.stderr.contains("7 not appended because of lint findings"))
    #expect(try readBack(server).isEmpty)
  }
}

/// URLs as users write them for real providers (no server needed).
@Suite struct IMAPURLTests {
  @Test(arguments: [
    ("imaps://you%40gmail.com@imap.gmail.com/%5BGmail%5D/Drafts", "you@gmail.com", "[Gmail]/Drafts"),
    ("imaps://you%40gmail.com@imap.gmail.com/[Gmail]/Drafts", "you@gmail.com", "[Gmail]/Drafts"),
    ("imaps://you%40fastmail.com@imap.fastmail.com", "you@fastmail.com", "Drafts"),
    ("imaps://outlook.office365.com:993/Drafts", "ana@company.com", "Drafts"),
    ("imap://alex@127.0.0.1:1143/Work%20Drafts", "alex", "Work Drafts"),
  ])
  func parses(url: String, user: String, mailbox: String) throws {
    let session = try IMAPSession(url: url, environment: ["OUTREACH_IMAP_USER": "ana@company.com"])
    #expect(session.mailboxName == mailbox)
    #expect(session.display.contains(user + "@") && session.display.hasSuffix("/" + mailbox), "\(session.display)")
  }

  @Test func loopbackIsDecidedByAddressNotByName() throws {
    for host in ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST", "0:0:0:0:0:0:0:1"] {
      #expect(IMAPSession.isLoopback(host), "\(host)")
    }
    for host in ["127.example.com", "localhost.evil.io", "128.0.0.1", "::2", "10.0.0.1", "1.127.0.0"] {
      #expect(!IMAPSession.isLoopback(host), "\(host)")
    }
    let v6 = try IMAPSession(url: "imap://alex@[::1]:1143/Drafts", environment: [:])
    #expect(v6.display == "imap://alex@[::1]:1143/Drafts", "\(v6.display)")
  }

  @Test func controlCharactersInTheURLAreRefused() {
    for url in ["imap://alex%0D%0A@127.0.0.1/Drafts", "imap://alex@127.0.0.1/Dra%0Afts", "imap://alex@127.0.0.1/D%00"] {
      #expect(throws: OutreachError.self) { try IMAPSession(url: url, environment: [:]) }
    }
  }

  @Test func refusesWhatIsNotAnIMAPURL() {
    for url in ["https://imap.gmail.com/Drafts", "imaps:///Drafts", "imap.gmail.com"] {
      #expect(throws: OutreachError.self) { try IMAPSession(url: url, environment: [:]) }
    }
  }
}
