import Foundation

/// `outreach hook install|uninstall`: a plain git pre-commit hook for teams
/// that do not use the pre-commit framework.
public enum GitHook {
  public static let marker = "# Installed by `outreach hook install`; `outreach hook uninstall` removes it."

  /// The script: `outreach hook run`, which reads what is staged from the
  /// index itself (names with any byte in them, blobs as staged).
  public static func script(binary: String) -> String {
    let quoted = "'" + binary.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return """
      #!/bin/sh
      \(marker)
      OUTREACH=\(quoted)
      command -v "$OUTREACH" >/dev/null 2>&1 || OUTREACH=outreach
      exec "$OUTREACH" hook run

      """
  }

  /// A file in the index that the commit would add or change.
  public struct StagedFile: Equatable, Sendable {
    public var path: String
    /// The blob id in the index (40 or 64 hex digits).
    public var blob: String
    /// `100644`, `100755`, `120000` (a symbolic link), `160000` (a submodule).
    public var mode: String
  }

  /// Parses `git diff --cached -z --raw --no-abbrev` output:
  /// `:OLDMODE NEWMODE OLDID NEWID STATUS\0PATH\0` (a rename or copy has
  /// two paths, the new one last). Names come as raw bytes; git quotes
  /// nothing with `-z`. Anything malformed ends the list (and is counted
  /// in `malformed`), never a crash.
  public static func parseStaged(_ raw: [UInt8]) -> (files: [StagedFile], malformed: Bool) {
    var files: [StagedFile] = []
    var fields = raw.split(separator: 0, omittingEmptySubsequences: false)[...]
    while let header = fields.first, !header.isEmpty {
      fields = fields.dropFirst()
      guard header.first == UInt8(ascii: ":") else { return (files, true) }
      let parts = header.dropFirst().split(separator: UInt8(ascii: " "))
      guard parts.count == 5, let status = parts[4].first else { return (files, true) }
      let twoPaths = status == UInt8(ascii: "R") || status == UInt8(ascii: "C")
      guard fields.count >= (twoPaths ? 2 : 1) else { return (files, true) }
      if twoPaths { fields = fields.dropFirst() }
      let pathBytes = fields.first!
      fields = fields.dropFirst()
      let blob = String(decoding: parts[3], as: UTF8.self)
      guard !pathBytes.isEmpty, blob.count >= 40, blob.utf8.allSatisfy({ isHexDigit($0) }) else { return (files, true) }
      // Deleted files have no blob to lint (and --diff-filter leaves them out).
      if status == UInt8(ascii: "D") { continue }
      files.append(
        StagedFile(path: String(decoding: pathBytes, as: UTF8.self), blob: blob, mode: String(decoding: parts[1], as: UTF8.self)))
    }
    return (files, false)
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
  }

  /// Whether the hook lints a staged file: an email by its extension, in
  /// any case (`UP.MD`), not README/CHANGELOG/CONTRIBUTING/LICENSE, not
  /// under Templates/ or Rules/ (`check` covers those), and a regular file.
  public static func isEmail(_ file: StagedFile) -> Bool {
    guard file.mode.hasPrefix("100") else { return false }
    let path = file.path
    if path.hasPrefix("Templates/") || path.hasPrefix("Rules/") { return false }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    for reserved in ["README", "CHANGELOG", "CONTRIBUTING", "LICENSE"] where name.uppercased().hasPrefix(reserved) {
      return false
    }
    guard let kind = EmailKind.of(path: path) else { return false }
    return kind != .mbox
  }

  /// Whether the commit touches what `outreach check` covers.
  public static func touchesTemplatesOrRules(_ files: [StagedFile]) -> Bool {
    files.contains { $0.path.hasPrefix("Templates/") || $0.path.hasPrefix("Rules/") }
  }

  /// Runs git in `directory` with `input` on standard input; its output,
  /// or an error naming what failed.
  public static func git(_ arguments: [String], in directory: String, input: [UInt8]? = nil) throws -> [UInt8] {
    let (status, output, errors) = try spawnGit(arguments, in: directory, input: input)
    guard status == 0 else {
      let first = String(decoding: errors, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
      throw OutreachError.hook(
        path: directory, problem: "git \(arguments.first ?? "") failed (\(first))", fix: "run it from inside the repository")
    }
    return output
  }

  /// Runs `git -C directory ARGUMENTS` with posix_spawn (a Foundation
  /// Process costs tens of milliseconds a launch, and a hook runs git
  /// twice), feeding `input` from a thread of its own and reading standard
  /// output and error together, so no pipe can fill and block git.
  static func spawnGit(_ arguments: [String], in directory: String, input: [UInt8]?) throws -> (
    status: Int32, output: [UInt8], errors: [UInt8]
  ) {
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    var inPipe: [Int32] = [-1, -1]
    guard pipe(&outPipe) == 0, pipe(&errPipe) == 0, input == nil || pipe(&inPipe) == 0 else {
      throw OutreachError.hook(path: directory, problem: "cannot run git (no pipe)", fix: "try again")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    if input != nil {
      posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
      posix_spawn_file_actions_addclose(&actions, inPipe[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_addclose(&actions, outPipe[0])
    posix_spawn_file_actions_addclose(&actions, errPipe[0])
    let argv = (["git", "-C", directory] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, "git", &actions, nil, argv, environ)
    close(outPipe[1])
    close(errPipe[1])
    if input != nil { close(inPipe[0]) }
    guard spawned == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      if input != nil { close(inPipe[1]) }
      throw OutreachError.hook(path: directory, problem: "cannot run git", fix: "install git")
    }
    let writing = DispatchGroup()
    if let input {
      let descriptor = inPipe[1]
      DispatchQueue.global().async(group: writing) {
        // Git may stop reading early: a write then fails with EPIPE in this
        // thread, never a SIGPIPE that ends outreach (drained below).
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
          var pending = sigset_t()
          sigpending(&pending)
          if sigismember(&pending, SIGPIPE) == 1 {
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipeSignal, nil, &zero)
          }
          pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        input.withUnsafeBytes { bytes in
          var offset = 0
          while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            offset += count
          }
        }
        close(descriptor)
      }
    }
    var output: [UInt8] = []
    var errors: [UInt8] = []
    var open = [outPipe[0], errPipe[0]]
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while !open.isEmpty {
      var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      if poll(&polls, nfds_t(polls.count), -1) < 0 {
        if errno == EINTR { continue }
        break
      }
      for entry in polls where entry.revents != 0 {
        let count = read(entry.fd, &buffer, buffer.count)
        if count > 0 {
          if entry.fd == outPipe[0] { output += buffer[0..<count] } else { errors += buffer[0..<count] }
        } else if count == 0 || errno != EINTR {
          close(entry.fd)
          open.removeAll { $0 == entry.fd }
        }
      }
    }
    writing.wait()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    // Exited normally: the exit code; else (a signal) a failure.
    let exited = status & 0x7F == 0
    return (exited ? (status >> 8) & 0xFF : 128, output, errors)
  }

  /// What is staged, with the blob of each email as the index holds it.
  public static func stagedEmails(in directory: String) throws -> (emails: [(path: String, bytes: [UInt8])], checkNeeded: Bool) {
    let raw = try git(
      ["-c", "core.quotePath=false", "diff", "--cached", "-z", "--raw", "--no-abbrev", "--no-renames", "--diff-filter=ACMR"],
      in: directory)
    let (files, malformed) = parseStaged(raw)
    if malformed {
      throw OutreachError.hook(
        path: directory, problem: "cannot read git's list of staged files", fix: "update git and try again")
    }
    let emails = files.filter(isEmail)
    var blobs: [(String, [UInt8])] = []
    if !emails.isEmpty {
      let input = Array(emails.map { $0.blob + "\n" }.joined().utf8)
      let output = try git(["cat-file", "--batch"], in: directory, input: input)
      var offset = 0
      for email in emails {
        // `ID blob SIZE\n` CONTENT `\n`
        guard let newline = output[offset...].firstIndex(of: 0x0A) else { break }
        let header = String(decoding: output[offset..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 3, header[1] == "blob", let size = Int(header[2]), newline + 1 + size <= output.count else {
          throw OutreachError.hook(
            path: email.path, problem: "git cat-file did not give the staged blob", fix: "run git fsck; then commit again")
        }
        blobs.append((email.path, Array(output[(newline + 1)..<(newline + 1 + size)])))
        offset = newline + 1 + size + 1
      }
    }
    return (blobs, touchesTemplatesOrRules(files))
  }

  /// The staged `Templates/` and `Rules/`, checked out of the index into
  /// `folder`, so that `check` sees what the commit holds.
  public static func checkoutStagedTemplates(in directory: String, to folder: String) throws {
    let list = try git(["ls-files", "-z", "--", "Templates", "Rules", ".outreach.yml"], in: directory)
    guard !list.isEmpty else { return }
    _ = try git(["checkout-index", "-z", "--stdin", "--prefix=" + folder + "/"], in: directory, input: list)
  }

  /// The hooks folder git uses (honours core.hooksPath and worktrees).
  public static func hooksFolder(in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "rev-parse", "--git-path", "hooks"]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = Pipe()
    do { try process.run() } catch {
      throw OutreachError.hook(path: directory, problem: "cannot run git", fix: "install git")
    }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    process.waitUntilExit()
    guard process.terminationStatus == 0, !output.isEmpty else {
      throw OutreachError.hook(
        path: directory, problem: "not inside a git repository",
        fix: "run it from the repository that holds Templates/ and Rules/")
    }
    return output.hasPrefix("/") ? output : (directory as NSString).appendingPathComponent(output)
  }

  public enum Outcome: Equatable, Sendable {
    case installed
    case replaced(backup: String)
    case restored(backup: String)
    case alreadyInstalled, removed, notInstalled
  }

  public static func install(in directory: String, binary: String, force: Bool) throws -> Outcome {
    // In a bare repository nobody commits, so a pre-commit hook never runs.
    if let bare = try? git(["rev-parse", "--is-bare-repository"], in: directory),
      String(decoding: bare, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "true"
    {
      throw OutreachError.hook(
        path: directory, problem: "a bare repository, where no commit is made, so a pre-commit hook would never run",
        fix: "install the hook in a clone with a work tree")
    }
    let folder = try hooksFolder(in: directory)
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/pre-commit"
    let script = script(binary: binary)
    var outcome = Outcome.installed
    if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
      if existing == script { return .alreadyInstalled }
      if !existing.contains(marker) {
        guard force else {
          throw OutreachError.hook(
            path: path, problem: "a different pre-commit hook is already there",
            fix: "rerun with --force to replace it (it is kept as pre-commit.outreach-backup)")
        }
        // A backup already there is someone's original hook: never
        // overwritten, the new one takes the next free name.
        var backup = path + ".outreach-backup"
        var number = 1
        while FileManager.default.fileExists(atPath: backup)
          || (try? FileManager.default.destinationOfSymbolicLink(atPath: backup)) != nil
        {
          number += 1
          backup = path + ".outreach-backup.\(number)"
        }
        try FileManager.default.moveItem(atPath: path, toPath: backup)
        outcome = .replaced(backup: backup)
      }
    }
    try DraftWriter.atomicWrite(script, to: path)
    chmod(path, 0o755)
    return outcome
  }

  public static func uninstall(in directory: String) throws -> Outcome {
    let path = try hooksFolder(in: directory) + "/pre-commit"
    guard let existing = try? String(contentsOfFile: path, encoding: .utf8) else { return .notInstalled }
    guard existing.contains(marker) else {
      throw OutreachError.hook(
        path: path, problem: "this pre-commit hook was not installed by outreach",
        fix: "left it alone; remove it by hand if you mean to")
    }
    // The hook it replaced comes back: the newest backup (the one taken
    // last), under its own name again.
    let backups = backupNames(in: (path as NSString).deletingLastPathComponent)
    if let newest = backups.last {
      let from = (path as NSString).deletingLastPathComponent + "/" + newest
      if rename(from, path) != 0 {
        throw OutreachError.hook(
          path: from, problem: "cannot put the original hook back (\(String(cString: strerror(errno))))",
          fix: "move it back to pre-commit by hand")
      }
      return .restored(backup: from)
    }
    try FileManager.default.removeItem(atPath: path)
    return .removed
  }

  /// `pre-commit.outreach-backup`, `pre-commit.outreach-backup.2`, ... in
  /// the order they were taken.
  static func backupNames(in folder: String) -> [String] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
      $0 == "pre-commit.outreach-backup" || $0.hasPrefix("pre-commit.outreach-backup.")
    }
    func number(_ name: String) -> Int {
      name == "pre-commit.outreach-backup" ? 1 : Int(name.dropFirst("pre-commit.outreach-backup.".count)) ?? 0
    }
    return names.filter { number($0) > 0 }.sorted { number($0) < number($1) }
  }
}
