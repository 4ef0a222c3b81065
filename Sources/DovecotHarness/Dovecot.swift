import Foundation

/// A real IMAP server for tests and the benchmark: Dovecot (Debian
/// `dovecot-imapd`) on a free loopback port, with its own configuration,
/// a passwd-file user and a Maildir in a temporary folder. No mock.
///
/// Running as root it needs `first_valid_uid` lowered to the packaged
/// `dovecot` user, which owns the mail; `dovenull` runs the login process.
public final class Dovecot {
  public let folder: String
  public let port: Int
  public let user: String
  public let password: String
  public var logPath: String { folder + "/dovecot.log" }
  private let config: String
  private var running = false

  public static var binary: String? {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"].first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Starts Dovecot; `mailboxes` are created (Drafts is always there).
  /// `specialUse` flags a mailbox (`["Sent": "\\Sent"]`, RFC 6154).
  public init(
    user: String = "alex@example.com", password: String = "s3cret pass", mailboxes: [String] = [],
    specialUse: [String: String] = [:]
  ) throws {
    guard let binary = Self.binary else {
      throw HarnessError("dovecot is not installed: apt-get install dovecot-imapd (make test installs it)")
    }
    self.user = user
    self.password = password
    folder = NSTemporaryDirectory() + "outreach-dovecot-\(UUID().uuidString.prefix(8))"
    config = folder + "/dovecot.conf"
    port = try Self.freePort()
    let manager = FileManager.default
    for sub in ["run", "mail", "home"] {
      try manager.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
    }
    let extra = mailboxes.map { name in
      "  mailbox \"\(name)\" {\n    auto = create\n" + (specialUse[name].map { "    special_use = \($0)\n" } ?? "") + "  }\n"
    }.joined()
    try """
    base_dir = \(folder)/run
    state_dir = \(folder)/run
    log_path = \(folder)/dovecot.log
    info_log_path = \(folder)/dovecot.log
    protocols = imap
    listen = 127.0.0.1
    ssl = no
    disable_plaintext_auth = no
    auth_mechanisms = plain login
    first_valid_uid = 1
    default_internal_user = dovecot
    default_login_user = dovenull
    mail_location = maildir:\(folder)/mail
    namespace inbox {
      inbox = yes
      separator = /
      mailbox Drafts {
        auto = create
        special_use = \\Drafts
      }
    \(extra)}
    passdb {
      driver = passwd-file
      args = scheme=PLAIN username_format=%u \(folder)/passwd
    }
    userdb {
      driver = static
      args = uid=dovecot gid=dovecot home=\(folder)/home
    }
    service imap-login {
      chroot =
      inet_listener imap {
        address = \(Self.hasIPv6Loopback ? "127.0.0.1, ::1" : "127.0.0.1")
        port = \(port)
      }
      inet_listener imaps {
        port = 0
      }
    }
    service anvil {
      chroot =
    }
    service stats {
      unix_listener stats-reader {
        mode = 0666
      }
      unix_listener stats-writer {
        mode = 0666
      }
    }
    """.write(toFile: config, atomically: true, encoding: .utf8)
    try "\(user):{PLAIN}\(password)\n".write(toFile: folder + "/passwd", atomically: true, encoding: .utf8)
    // The mail belongs to the dovecot user; the folders on the way must be
    // open to it.
    _ = try Self.run("/bin/chmod", ["755", folder, folder + "/home"])
    _ = try Self.run("/bin/chown", ["-R", "dovecot:dovecot", folder + "/mail", folder + "/home"])
    _ = try Self.run("/bin/chmod", ["644", folder + "/passwd"])
    // Dovecot forks into the background and keeps its output open: it
    // gets no pipe to hold.
    let started = try Self.run(binary, ["-c", config], quiet: true)
    guard started.status == 0 else {
      throw HarnessError(
        "dovecot did not start: \(started.output) \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
    }
    running = true
    // Wait until it accepts connections.
    for _ in 0..<100 {
      if Self.canConnect(port: port) { return }
      usleep(50_000)
    }
    stop()
    throw HarnessError(
      "dovecot did not listen on 127.0.0.1:\(port): \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
  }

  /// `imap://USER@127.0.0.1:PORT/MAILBOX`, the user percent-encoded.
  public func url(mailbox: String = "Drafts") -> String {
    let encoded = user.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "@", with: "%40")
    return "imap://\(encoded)@127.0.0.1:\(port)/\(mailbox)"
  }

  /// How many logins the log records.
  public var logins: Int {
    ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").components(separatedBy: "imap-login: Info: Login: user=<")
      .count - 1
  }

  public func stop() {
    guard running, let binary = Self.binary else { return }
    running = false
    _ = try? Self.run(binary, ["-c", config, "stop"])
    // Dovecot takes a moment to let go of its pid file and port.
    for _ in 0..<60 where FileManager.default.fileExists(atPath: folder + "/run/master.pid") { usleep(50_000) }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Whether this machine has `::1` (Dovecot then listens there too).
  public static var hasIPv6Loopback: Bool {
    ((try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? "").contains(
      "00000000000000000000000000000001")
  }

  public static func freePort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw HarnessError("no socket") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
    }
    guard bound == 0 else { throw HarnessError("cannot bind a loopback port") }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func canConnect(port: Int) -> Bool {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return false }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
  }

  /// Runs a program to its end with posix_spawn and waitpid. Foundation's
  /// Process is not used here: Dovecot's master forks and exits at once,
  /// and on Linux Process.waitUntilExit can miss that exit and hang.
  static func run(_ executable: String, _ arguments: [String], quiet: Bool = false) throws -> (status: Int32, output: String) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let output = folderForOutput()
    // Output goes to a file, never a pipe: a daemon that keeps its
    // descriptors open would hold a pipe's reader forever.
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, quiet ? "/dev/null" : output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    // Nothing else is inherited: tests run in parallel, and a daemon that
    // kept another test's pipe open would leave that test reading forever.
    // (glibc 2.34+; Swift's Glibc module does not show it, so it is looked up.)
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
      typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
      _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    } else {
      for fd in 3..<Int32(getdtablesize()) where fcntl(fd, F_GETFD) != -1 { posix_spawn_file_actions_addclose(&actions, fd) }
    }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // The test runner's threads block signals; a daemon that inherits that
    // mask never hears SIGCHLD or `dovecot stop`'s SIGTERM. Start clean.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw HarnessError("cannot run \(executable): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let text = quiet ? "" : ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    try? FileManager.default.removeItem(atPath: output)
    let exited = (status & 0x7f) == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
  }

  private static func folderForOutput() -> String {
    NSTemporaryDirectory() + "outreach-harness-\(UUID().uuidString.prefix(8)).out"
  }
}

public struct HarnessError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
