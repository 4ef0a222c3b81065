import CCurl
import Foundation

/// The one place that talks to libcurl: appends drafts to an IMAP mailbox
/// over one connection, skipping those already there (same Message-ID),
/// and flags each `\Draft`.
///
/// Credentials never come from the command line: the password from
/// `OUTREACH_IMAP_PASSWORD` or `~/.netrc` (curl's netrc support), an OAuth2
/// bearer token from `OUTREACH_IMAP_TOKEN` (XOAUTH2). None of them is ever
/// printed. TLS is verified; `imap://` to anything but loopback must
/// upgrade with STARTTLS before a password is sent.
public final class IMAPSession {
  public private(set) var appended = 0
  public private(set) var alreadyThere = 0
  /// Drafts not tried after an error.
  public private(set) var skipped = 0
  public private(set) var error: OutreachError?
  public let mailboxName: String
  /// The URL as shown in messages: scheme, user, host, port, mailbox.
  public let display: String

  private let handle: UnsafeMutableRawPointer
  private let mailboxURL: String
  /// curl writes its error text here; it must outlive every call, so it is
  /// allocated once rather than borrowed from an array.
  private let errorBuffer: UnsafeMutablePointer<CChar>
  private let user: String
  /// Whether a command has gone through: a time-out after that is a server
  /// that stopped answering, not one that cannot be reached.
  private var connected = false

  /// libcurl's functions, loaded on first use (see CCurl/shim.h); nil when
  /// libcurl is not installed.
  nonisolated(unsafe) private static let library = DynamicLibrary.table(outreach_curl_load) {
    _ = $0.curl_global_init(Int(CURL_GLOBAL_DEFAULT))
  }
  private let api: UnsafePointer<outreach_curl_api>

  /// - Parameter defaultMailbox: the mailbox when the URL names none
  ///   (`Drafts` for appending; nil for reading history, where the account
  ///   root means INBOX and the Sent mailbox).
  public init(url: String, environment: [String: String], defaultMailbox: String? = "Drafts") throws {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      scheme == "imap" || scheme == "imaps", var host = components.host, !host.isEmpty
    else {
      throw OutreachError.imap(
        server: url, problem: "not an IMAP URL", fix: "write it like imaps://you%40example.com@imap.example.com/Drafts")
    }
    if components.password != nil {
      throw OutreachError.imap(
        server: "\(scheme)://\(host)", problem: "the URL holds a password, which would stay in your shell history",
        fix: "remove it from the URL and set OUTREACH_IMAP_PASSWORD or a ~/.netrc entry")
    }
    // An IPv6 literal: Foundation gives it with or without its brackets.
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    let user = components.user?.removingPercentEncoding ?? environment["OUTREACH_IMAP_USER"] ?? ""
    var mailbox = components.path.removingPercentEncoding ?? components.path
    while mailbox.hasPrefix("/") { mailbox.removeFirst() }
    if mailbox.isEmpty, let defaultMailbox { mailbox = defaultMailbox }
    // A user or mailbox that decodes to a control character (%0D%0A) would
    // be a second IMAP command, or a line of its own in a message.
    for (what, text) in [("user", user), ("mailbox", mailbox), ("host", host)]
    where text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.properties.generalCategory == .format })
    {
      throw OutreachError.imap(
        server: "\(scheme)://\(TerminalText.safe(host))", problem: "the URL's \(what) holds a control character",
        fix: "remove it from the URL (a percent-encoded %0D, %0A or %00, say)")
    }
    self.user = user
    self.mailboxName = mailbox
    self.stallSeconds = environment["OUTREACH_IMAP_TIMEOUT"].flatMap { Int($0) }.map { min(600, max(1, $0)) } ?? 30
    let port = components.port.map { ":\($0)" } ?? ""
    let hostPart = host.contains(":") ? "[\(host)]" : host
    self.display = "\(scheme)://\(user.isEmpty ? "" : user + "@")\(hostPart)\(port)/\(mailbox)"
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "[];?#%")
    // The user rides in the URL, percent-encoded: curl's netrc lookup then
    // finds that login's password (it does not when CURLOPT_USERNAME is set).
    let userAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    let userPart = user.isEmpty ? "" : (user.addingPercentEncoding(withAllowedCharacters: userAllowed) ?? "") + "@"
    self.mailboxURL =
      "\(scheme)://\(userPart)\(hostPart)\(port)/"
      + (mailbox.addingPercentEncoding(withAllowedCharacters: allowed) ?? mailbox)
    guard let api = Self.library else {
      throw OutreachError.imap(
        server: display, problem: "libcurl (libcurl.so.4) is not installed",
        fix: "install it: sudo apt-get install libcurl4")
    }
    self.api = api
    guard let handle = api.pointee.curl_easy_init() else {
      throw OutreachError.imap(server: display, problem: "libcurl did not start", fix: "check the libcurl installation")
    }
    self.handle = handle
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    configure(secure: scheme == "imap" && !Self.isLoopback(host), environment: environment)
  }

  /// Sets every option of the handle: timeouts, TLS (STARTTLS required
  /// when `secure`), and the credentials from the environment.
  private func configure(secure: Bool, environment: [String: String]) {
    _ = outreach_curl_long(api, handle, CURLOPT_NOSIGNAL, 1)
    _ = outreach_curl_long(api, handle, CURLOPT_CONNECTTIMEOUT, 15)
    // A server that stops answering mid-command (an APPEND that stalls) is
    // given up after 30 s without a byte, not after the whole timeout.
    _ = outreach_curl_long(api, handle, CURLOPT_LOW_SPEED_LIMIT, 1)
    _ = outreach_curl_long(api, handle, CURLOPT_LOW_SPEED_TIME, stallSeconds)
    _ = outreach_curl_long(api, handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, stallSeconds)
    _ = outreach_curl_long(api, handle, CURLOPT_TIMEOUT, 600)
    _ = outreach_curl_long(api, handle, CURLOPT_SSL_VERIFYPEER, 1)
    _ = outreach_curl_long(api, handle, CURLOPT_SSL_VERIFYHOST, 2)
    if secure {
      // STARTTLS or nothing: a password never crosses the network in clear.
      _ = outreach_curl_long(api, handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
    }
    if let token = environment["OUTREACH_IMAP_TOKEN"], !token.isEmpty {
      _ = outreach_curl_string(api, handle, CURLOPT_XOAUTH2_BEARER, token)
      _ = outreach_curl_string(api, handle, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2")
    } else if let password = environment["OUTREACH_IMAP_PASSWORD"] {
      _ = outreach_curl_string(api, handle, CURLOPT_PASSWORD, password)
    } else {
      _ = outreach_curl_long(api, handle, CURLOPT_NETRC, Int(CURL_NETRC_OPTIONAL.rawValue))
      if let home = environment["HOME"] { _ = outreach_curl_string(api, handle, CURLOPT_NETRC_FILE, home + "/.netrc") }
    }
    _ = outreach_curl_pointer(api, handle, CURLOPT_ERRORBUFFER, errorBuffer)
  }

  /// Seconds without a byte before a transfer is given up:
  /// `OUTREACH_IMAP_TIMEOUT` (1 to 600), 30 by default.
  public let stallSeconds: Int

  /// Whether `host` is this machine by its address: `localhost`, an IPv4
  /// address in 127.0.0.0/8 or `::1`. Decided on the address, never on how
  /// a name begins (`127.example.com` is a remote host).
  public static func isLoopback(_ host: String) -> Bool {
    if host.lowercased() == "localhost" { return true }
    var v4 = in_addr()
    if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, host, &v6) == 1 {
      return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
    }
    return false
  }

  deinit {
    api.pointee.curl_easy_cleanup(handle)
    errorBuffer.deallocate()
  }

  /// Appends `message` (CRLF line ends) unless a message with its
  /// Message-ID is in the mailbox already. After an error nothing more is
  /// tried: the error is kept for the caller to report.
  public func append(_ message: [UInt8], messageID: String) {
    guard error == nil else {
      skipped += 1
      return
    }
    do {
      if try !search(messageID).isEmpty {
        alreadyThere += 1
        return
      }
      try upload(message)
      let uids = try search(messageID)
      guard let uid = uids.min() else {
        throw OutreachError.imap(
          server: display, problem: "the server took the draft but cannot find it by its Message-ID",
          fix: "check that \(mailboxName) is a normal mailbox")
      }
      // Another run may have appended the same draft between our search
      // and our append. Every run keeps the lowest UID and takes back the
      // others, so however the runs interleave one copy is left.
      if uids.count > 1 {
        let others = uids.filter { $0 != uid }.map(String.init).joined(separator: ",")
        _ = try command("UID STORE \(others) +FLAGS.SILENT (\\Deleted)")
        _ = try command("UID EXPUNGE \(others)")
      }
      do {
        _ = try command("UID STORE \(uid) +FLAGS (\\Draft)")
      } catch {
        // Take it back rather than leave a message that is not a draft.
        _ = try? command("UID STORE \(uid) +FLAGS (\\Deleted)")
        _ = try? command("UID EXPUNGE \(uid)")
        throw error
      }
      if uids.count > 1 { alreadyThere += 1 } else { appended += 1 }
    } catch let failure as OutreachError {
      error = failure
    } catch {
      self.error = .imap(server: display, problem: "\(error)", fix: "try again")
    }
  }

  /// Ends the session (LOGOUT happens when the handle is cleaned up).
  public func finish() {}

  // MARK: - curl calls

  private final class Buffer {
    var data: [UInt8] = []
    var offset = 0
  }

  /// Runs one IMAP command on the selected mailbox; returns its untagged
  /// response lines.
  func command(_ text: String, doing what: String? = nil) throws -> String {
    let doing = what ?? (text.hasPrefix("UID SEARCH") ? "look for drafts already there" : "flag the draft")
    return String(decoding: try commandBytes(text, doing: doing), as: UTF8.self)
  }

  /// Runs one IMAP command on the session's URL; its untagged response
  /// lines, as bytes.
  func commandBytes(_ text: String, doing what: String) throws -> [UInt8] {
    let response = Buffer()
    _ = outreach_curl_string(api, handle, CURLOPT_URL, mailboxURL)
    _ = outreach_curl_long(api, handle, CURLOPT_UPLOAD, 0)
    _ = outreach_curl_string(api, handle, CURLOPT_CUSTOMREQUEST, text)
    _ = outreach_curl_function(api, handle, CURLOPT_WRITEFUNCTION) { pointer, size, count, context in
      let buffer = Unmanaged<Buffer>.fromOpaque(context!).takeUnretainedValue()
      let length = size * count
      if let pointer { buffer.data += UnsafeRawBufferPointer(start: pointer, count: length) }
      return length
    }
    let context = Unmanaged.passUnretained(response).toOpaque()
    _ = outreach_curl_pointer(api, handle, CURLOPT_WRITEDATA, context)
    let code = api.pointee.curl_easy_perform(handle)
    _ = outreach_curl_pointer(api, handle, CURLOPT_CUSTOMREQUEST, nil)
    try check(code, doing: what)
    connected = true
    return response.data
  }

  private func search(_ messageID: String) throws -> [Int] {
    let quoted = messageID.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\"", with: "")
    let response = try command("UID SEARCH HEADER Message-ID \"<\(quoted)>\"")
    var uids: [Int] = []
    for line in response.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
      uids += line.split(separator: " ").dropFirst(2).compactMap { Int($0) }
    }
    return uids
  }

  private func upload(_ message: [UInt8]) throws {
    let body = Buffer()
    body.data = message
    _ = outreach_curl_string(api, handle, CURLOPT_URL, mailboxURL)
    _ = outreach_curl_long(api, handle, CURLOPT_UPLOAD, 1)
    _ = outreach_curl_size(api, handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
    _ = outreach_curl_function(api, handle, CURLOPT_READFUNCTION) { pointer, size, count, context in
      let buffer = Unmanaged<Buffer>.fromOpaque(context!).takeUnretainedValue()
      let length = min(size * count, buffer.data.count - buffer.offset)
      if length > 0, let pointer {
        buffer.data.withUnsafeBytes { bytes in
          UnsafeMutableRawPointer(pointer).copyMemory(from: bytes.baseAddress! + buffer.offset, byteCount: length)
        }
        buffer.offset += length
      }
      return length
    }
    let context = Unmanaged.passUnretained(body).toOpaque()
    _ = outreach_curl_pointer(api, handle, CURLOPT_READDATA, context)
    let code = api.pointee.curl_easy_perform(handle)
    _ = outreach_curl_long(api, handle, CURLOPT_UPLOAD, 0)
    try check(code, doing: "append the draft")
  }

  /// Turns a curl result into one line naming the server, never a secret.
  private func check(_ code: CURLcode, doing what: String) throws {
    guard code != CURLE_OK else { return }
    let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
    let reason =
      detail.isEmpty ? (api.pointee.curl_easy_strerror(code).map { String(cString: $0) } ?? "error \(code.rawValue)") : detail
    let who = user.isEmpty ? "no user (put it in the URL or OUTREACH_IMAP_USER)" : user
    // curl reports a failed SELECT (no such mailbox) as a login failure.
    if code == CURLE_LOGIN_DENIED, detail.lowercased().contains("select") {
      throw OutreachError.imap(
        server: display, problem: "no mailbox \(mailboxName) (\(reason))",
        fix: "check the mailbox name: Gmail uses [Gmail]/Drafts, Microsoft 365 and Fastmail use Drafts")
    }
    switch code {
    case CURLE_LOGIN_DENIED:
      throw OutreachError.imap(
        server: display, problem: "login refused for \(who)",
        fix:
          "check OUTREACH_IMAP_PASSWORD or the ~/.netrc entry for this host (Gmail and Microsoft 365: an app password, or OUTREACH_IMAP_TOKEN)"
      )
    case CURLE_OPERATION_TIMEDOUT where connected:
      throw OutreachError.imap(
        server: display, problem: "the server stopped answering while trying to \(what) (nothing for \(stallSeconds) s)",
        fix: "try again later; drafts already appended are kept and a rerun skips them")
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT:
      throw OutreachError.imap(
        server: display, problem: "cannot connect (\(reason))", fix: "check the host and port, and that the server is up")
    case CURLE_USE_SSL_FAILED:
      throw OutreachError.imap(
        server: display, problem: "the server does not offer STARTTLS, and a password is never sent in clear",
        fix: "use imaps:// (port 993)")
    case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE:
      throw OutreachError.imap(
        server: display, problem: "TLS failed (\(reason))", fix: "check the host name and the server's certificate")
    case CURLE_QUOTE_ERROR, CURLE_REMOTE_FILE_NOT_FOUND, CURLE_REMOTE_ACCESS_DENIED, CURLE_UPLOAD_FAILED:
      throw OutreachError.imap(
        server: display, problem: "the server refused to \(what) (\(reason))",
        fix: "check that the mailbox \(mailboxName) exists (Gmail: [Gmail]/Drafts) and that you may write to it")
    default:
      throw OutreachError.imap(server: display, problem: "could not \(what) (\(reason))", fix: "try again, or check the URL")
    }
  }
}
