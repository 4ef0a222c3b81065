import DovecotHarness
import Foundation
import OutreachKit

// Benchmark for `make bench`: lints a generated corpus with the release
// `outreach` binary and times the `cmark` CLI on the same bytes in the same
// run, so the figures are ratios that hold on a noisy machine.

// `outreach-bench --read-mail FILE`: read an mbox as `lint` does, lint
// nothing (what the mbox figure costs before any rule runs).
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--read-mail" {
  let (messages, bytes) = try BenchEntry.readMail(path: CommandLine.arguments[2])
  print("\(messages) messages, \(bytes) bytes of text")
  exit(0)
}

let binaryFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let outreach = binaryFolder + "/outreach"
let work = FileManager.default.currentDirectoryPath + "/.build/bench-corpus"
// The ledger of drafts handed over, kept in the bench's own folder.
setenv("OUTREACH_LEDGER", work + "/ledger.jsonl", 1)
let emailCount = Int(ProcessInfo.processInfo.environment["BENCH_EMAILS"] ?? "") ?? 10_000

struct Generator {
  var state: UInt64 = 0x9E37_79B9_7F4A_7C15
  mutating func next(_ bound: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(bound))
  }
}

let words = """
  your first bill lands in six days and autocapture sent more events than usual on the editor page \
  funnel signup retention replay recordings flags stale experiments surveys dashboards insights team \
  we noticed that most of the volume comes from clicks nobody charts so turning it off would help \
  Ünïcödé café naïve résumé 数据 データ
  """.split(separator: " ").map(String.init)
let extras = [
  "just circling back", "a *quick* look", "the `posthog.capture` call", "[the docs](https://posthog.com/docs)",
  "an em dash — here", "&mdash;", "I'd love to connect", "two--three", "<https://example.com>",
]

func makeEmail(_ generator: inout Generator, index: Int) -> String {
  var text = "To: Person \(index) <p\(index)@example.com>\nSubject: Your flags: \(generator.next(40)) are stale\n\nHi there,\n\n"
  for paragraph in 0..<(3 + generator.next(3)) {
    var line: [String] = []
    for _ in 0..<(20 + generator.next(25)) {
      line.append(generator.next(12) == 0 ? extras[generator.next(extras.count)] : words[generator.next(words.count)])
    }
    let prefix = paragraph == 2 ? "- " : paragraph == 3 ? "> " : ""
    text += prefix + line.joined(separator: " ") + ".\n\n"
  }
  return text + "Want to take a look together?\n\n-- \nDana\n"
}

func prepare() throws -> (folder: String, all: String, one: String, bytes: Int) {
  let folder = work + "/emails"
  try? FileManager.default.removeItem(atPath: work)
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  var generator = Generator()
  var all = ""
  for index in 0..<emailCount {
    let email = makeEmail(&generator, index: index)
    all += email + "\n"
    try email.write(toFile: folder + String(format: "/%05d.md", index), atomically: false, encoding: .utf8)
  }
  let allPath = work + "/all.md"
  try all.write(toFile: allPath, atomically: false, encoding: .utf8)
  return (folder, allPath, folder + "/00000.md", all.utf8.count)
}

func phraseRules(_ count: Int) throws -> String {
  let folder = work + "/rules-\(count)"
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  var generator = Generator(state: UInt64(count))
  for index in 0..<count {
    let phrase =
      (0..<(2 + generator.next(3))).map { _ in words[generator.next(words.count)] }.joined(separator: " ") + " \(index)x"
    try "extends: existence\nmessage: \"Avoid '%s'.\"\nignorecase: true\ntokens:\n  - \"\(phrase)\"\n"
      .write(toFile: folder + "/phrase-\(index).yml", atomically: false, encoding: .utf8)
  }
  return folder
}

/// Wall time of one run of a command, in seconds. posix_spawn, because
/// Foundation's Process costs tens of milliseconds a launch here.
func time(_ executable: String, _ arguments: [String]) throws -> Double {
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { for pointer in argv { free(pointer) } }
  var pid: pid_t = 0
  let start = DispatchTime.now().uptimeNanoseconds
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
    throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot run \(executable)"])
  }
  var status: Int32 = 0
  var usage = rusage()
  wait4(pid, &status, 0, &usage)
  lastPeakKiB = usage.ru_maxrss
  lastCPU =
    Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
    + Double(usage.ru_stime.tv_usec) / 1e6
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Peak resident memory of the last command `time` ran, in KiB.
nonisolated(unsafe) var lastPeakKiB = 0
/// CPU time (user + system) of the last command `time` ran, in seconds.
nonisolated(unsafe) var lastCPU = 0.0

/// Standard output of one run of a command.
func capture(_ executable: String, _ arguments: [String]) throws -> [UInt8] {
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  let output = NSTemporaryDirectory() + "outreach-bench-capture-\(getpid())"
  posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { for pointer in argv { free(pointer) } }
  var pid: pid_t = 0
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
    throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot run \(executable)"])
  }
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  defer { unlink(output) }
  return Array((try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data())
}

/// FNV-1a of the bytes, for a checksum of findings that two binaries must share.
func checksum(_ bytes: [UInt8]) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in bytes {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01b3
  }
  return String(hash, radix: 16)
}

// MARK: an mbox of mail as clients save it

/// Quoted-printable, lines of at most 76 characters with soft breaks.
func quotedPrintable(_ text: String) -> String {
  var out = ""
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    var current = ""
    for byte in line.utf8 {
      let piece =
        (byte >= 33 && byte <= 126 && byte != 61) || byte == 32 ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
      if current.utf8.count + piece.utf8.count > 75 {
        out += current + "=\n"
        current = ""
      }
      current += piece
    }
    out += current + "\n"
  }
  return out
}

func base64Lines(_ text: String) -> String {
  Data(text.utf8).base64EncodedString(options: [.lineLength76Characters]).replacingOccurrences(of: "\r\n", with: "\n") + "\n"
}

/// A message in one of the shapes clients write: Gmail (alternative, QP
/// text and base64 HTML), Apple Mail (base64 text), Outlook (QP HTML only).
func makeMessage(_ generator: inout Generator, index: Int) -> (message: String, body: String) {
  // Shorter than the Markdown corpus and with fewer findings, as a real
  // Sent folder would be: about 1 KB a message.
  var body = "Hi there,\n\n"
  for _ in 0..<(2 + generator.next(2)) {
    var line: [String] = []
    for _ in 0..<(15 + generator.next(20)) {
      line.append(generator.next(40) == 0 ? extras[generator.next(extras.count)] : words[generator.next(words.count)])
    }
    body += line.joined(separator: " ") + ".\n\n"
  }
  body += "Best,\nDana\n"
  let html = "<div dir=\"ltr\">" + body.replacingOccurrences(of: "\n\n", with: "</div><div><br></div><div>") + "</div>"
  var message = "From sender@example.com Mon Dec  1 09:12:00 2025\n"
  message += "Message-ID: <bench-\(index)@example.com>\nDate: Mon, 1 Dec 2025 09:12:00 +0000\n"
  message += "From: Dana <dana@example.com>\nTo: p\(index)@example.com\n"
  message += "Subject: =?UTF-8?Q?Your_flags:_\(generator.next(40))_are_stale_=E2=9C=93?=\nMIME-Version: 1.0\n"
  switch index % 3 {
  case 0:
    message += "Content-Type: multipart/alternative; boundary=\"b\(index)\"\n\n--b\(index)\n"
    message += "Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
    message += quotedPrintable(body) + "\n--b\(index)\n"
    message += "Content-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: base64\n\n"
    message += base64Lines(html) + "\n--b\(index)--\n"
  case 1:
    message += "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + base64Lines(body)
  default:
    message += "Content-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
    message += quotedPrintable("<html><body>" + html + "</body></html>")
  }
  return (message + "\n", body)
}

/// Writes an mbox of `count` messages and the decoded bodies beside it.
func prepareMbox(_ count: Int) throws -> (mbox: String, bodies: String, bytes: Int) {
  var generator = Generator(state: 42)
  let mboxPath = work + "/mail-\(count).mbox"
  let bodiesPath = work + "/mail-\(count)-bodies.md"
  FileManager.default.createFile(atPath: mboxPath, contents: nil)
  FileManager.default.createFile(atPath: bodiesPath, contents: nil)
  let mbox = try FileHandle(forWritingTo: URL(fileURLWithPath: mboxPath))
  let bodies = try FileHandle(forWritingTo: URL(fileURLWithPath: bodiesPath))
  var total = 0
  for index in 0..<count {
    let (message, body) = makeMessage(&generator, index: index)
    total += message.utf8.count
    mbox.write(Data(message.utf8))
    bodies.write(Data((body + "\n").utf8))
  }
  try mbox.close()
  try bodies.close()
  return (mboxPath, bodiesPath, total)
}

func best(_ runs: Int, _ body: () throws -> Double) rethrows -> Double {
  var values: [Double] = []
  for _ in 0..<runs { values.append(try body()) }
  return values.min()!
}

func median(_ runs: Int, _ body: () throws -> Double) rethrows -> Double {
  var values: [Double] = []
  for _ in 0..<runs { values.append(try body()) }
  values.sort()
  return values[values.count / 2]
}

guard FileManager.default.isExecutableFile(atPath: outreach) else {
  print("outreach-bench: build the release binary first: swift build -c release")
  exit(2)
}
let cmark = ["/usr/bin/cmark", "/usr/local/bin/cmark"].first { FileManager.default.isExecutableFile(atPath: $0) }
guard let cmark else {
  print("outreach-bench: the cmark CLI is missing; install it with: apt-get install cmark")
  exit(2)
}

let corpus = try prepare()
sync()
print("corpus: \(emailCount) emails, \(corpus.bytes / 1024) KiB, in \(corpus.folder)")
let cmarkAll = try best(5) { try time(cmark, [corpus.all]) }
let lintAll = try best(5) { try time(outreach, ["lint", corpus.folder]) }
print(
  String(
    format: "whole corpus:    outreach lint %.3f s   cmark %.3f s   ratio %.2fx (target <= 2x)", lintAll, cmarkAll,
    lintAll / cmarkAll))

// One email, process start included, in two places: a folder with no
// Rules/ above it (a user's own folder: the built-in rules, which come
// parsed in the binary), and this repository, whose Rules/ is read from
// disk as a team's is (its files, copies of the built-in ones, are known
// as such and not parsed again).
let aloneFolder = NSTemporaryDirectory() + "outreach-bench-one-\(getpid())"
try? FileManager.default.removeItem(atPath: aloneFolder)
try FileManager.default.createDirectory(atPath: aloneFolder, withIntermediateDirectories: true)
try FileManager.default.copyItem(atPath: corpus.one, toPath: aloneFolder + "/email.md")
let benchFolder = FileManager.default.currentDirectoryPath
chdir(aloneFolder)
let oneAlone = try median(41) { try time(outreach, ["lint", "email.md"]) } * 1000
let oneAloneCmark = try median(41) { try time(cmark, ["email.md"]) } * 1000
chdir(benchFolder)
try? FileManager.default.removeItem(atPath: aloneFolder)
print(
  String(
    format:
      "one email:       outreach lint %.1f ms median, no Rules/ found (built-in rules; process start included; target < 5 ms)   cmark %.1f ms   ratio %.2fx",
    oneAlone, oneAloneCmark, oneAlone / oneAloneCmark))
let oneLint = try median(41) { try time(outreach, ["lint", corpus.one]) } * 1000
let oneCmark = try median(41) { try time(cmark, [corpus.one]) } * 1000
print(
  String(
    format:
      "one email:       outreach lint %.1f ms median in this repository (its Rules/ read; files unchanged from the built-in ones taken as built in)   cmark %.1f ms   ratio %.2fx",
    oneLint, oneCmark, oneLint / oneCmark))

// A corpus with about two findings an email (a vibe killer and a dash),
// wall and CPU time against cmark on the same bytes, and a checksum of the
// findings (line output, in file order) that a faster binary must keep.
let findingsFolder = work + "/findings-emails"
try? FileManager.default.removeItem(atPath: findingsFolder)
try FileManager.default.createDirectory(atPath: findingsFolder, withIntermediateDirectories: true)
var findingsAll = ""
var findingsGenerator = Generator(state: 7)
for index in 0..<emailCount {
  // Plain words, under the length limit, then two findings: a vibe killer
  // and a dash.
  var email = "To: Person \(index) <p\(index)@example.com>\nSubject: Your flags: \(findingsGenerator.next(40)) are stale\n\n"
  email += "Hi there,\n\nJust touching base \u{2014} the flags again.\n\n"
  for paragraph in 0..<(2 + findingsGenerator.next(2)) {
    let count = 15 + findingsGenerator.next(15)
    let line = (0..<count).map { _ in words[findingsGenerator.next(words.count)] }
    email += (paragraph == 1 ? "- " : "") + line.joined(separator: " ") + ".\n\n"
  }
  email += "Want to take a look together?\n\n-- \nDana\n"
  findingsAll += email + "\n"
  try email.write(toFile: findingsFolder + String(format: "/%05d.md", index), atomically: false, encoding: .utf8)
}
let findingsAllPath = work + "/findings-all.md"
try findingsAll.write(toFile: findingsAllPath, atomically: false, encoding: .utf8)
var findingsCPU = Double.infinity
let findingsWall = try best(5) {
  let wall = try time(outreach, ["lint", findingsFolder])
  findingsCPU = min(findingsCPU, lastCPU)
  return wall
}
var cmarkFindingsCPU = Double.infinity
let cmarkFindings = try best(5) {
  let wall = try time(cmark, [findingsAllPath])
  cmarkFindingsCPU = min(cmarkFindingsCPU, lastCPU)
  return wall
}
let findingLines = try capture(outreach, ["lint", "--format", "line", findingsFolder])
let findingCount = findingLines.filter { $0 == 0x0A }.count
print(
  String(
    format:
      "findings corpus: %d emails, %d findings (checksum %@), outreach lint %.3f s wall, %.3f s CPU   cmark %.3f s wall, %.3f s CPU   ratio %.2fx wall (target <= 2x), %.2fx CPU (target <= 3x)",
    emailCount, findingCount, checksum(findingLines), findingsWall, findingsCPU, cmarkFindings, cmarkFindingsCPU,
    findingsWall / cmarkFindings, findingsCPU / max(cmarkFindingsCPU, 0.001)))

// The pre-commit hook on 20 staged emails, in a repository of its own.
let hookRepository = work + "/hook-repository"
try? FileManager.default.removeItem(atPath: hookRepository)
try FileManager.default.createDirectory(atPath: hookRepository, withIntermediateDirectories: true)
_ = try time("/usr/bin/git", ["-C", hookRepository, "init", "-q"])
for index in 0..<20 {
  try String(contentsOfFile: corpus.folder + String(format: "/%05d.md", index), encoding: .utf8)
    .write(toFile: hookRepository + String(format: "/email-%02d.md", index), atomically: false, encoding: .utf8)
}
_ = try time("/usr/bin/git", ["-C", hookRepository, "add", "."])
let hookTime =
  try median(21) {
    try time("/bin/sh", ["-c", "cd '\(hookRepository)' && '\(outreach)' hook run"])
  } * 1000
print(String(format: "hook:            outreach hook run on 20 staged emails %.1f ms median of 21 (target < 50 ms)", hookTime))

let small = try phraseRules(20)
let large = try phraseRules(2000)
let with20 = try best(5) { try time(outreach, ["lint", "--no-default-rules", "--rules", small, corpus.folder]) }
let with2000 = try best(5) { try time(outreach, ["lint", "--no-default-rules", "--rules", large, corpus.folder]) }
print(
  String(
    format: "phrase rules:    20 rules %.3f s   2,000 rules %.3f s   ratio %.2fx (2,000 vs 20)", with20, with2000,
    with2000 / with20))
// Reading 2,000 rule files is start-up; what is left is matching.
let load20 = try best(5) { try time(outreach, ["rules", "--no-default-rules", "--rules", small]) }
let load2000 = try best(5) { try time(outreach, ["rules", "--no-default-rules", "--rules", large]) }
print(
  String(
    format: "                 without loading the rule files: 20 rules %.3f s   2,000 rules %.3f s   ratio %.2fx",
    with20 - load20, with2000 - load2000, (with2000 - load2000) / (with20 - load20)))

// A 30-rule Vale style (existence lists, regex tokens, substitutions,
// occurrence), as a team would bring, against the built-in rules on the same
// corpus in the same run. Patterns run on RE2.
let valeStyle = work + "/styles/Team"
try? FileManager.default.removeItem(atPath: work + "/styles")
try FileManager.default.createDirectory(atPath: valeStyle, withIntermediateDirectories: true)
let valeWords = [
  "basically", "actually", "literally", "obviously", "simply", "just", "really", "very", "quite", "clearly",
  "leverage", "utilize", "synergy", "robust", "seamless", "cutting-edge", "best-in-class", "world-class", "game-changer",
  "paradigm", "holistic", "disrupt", "ecosystem", "bandwidth", "circle back", "touch base", "deep dive", "low-hanging fruit",
  "move the needle", "at the end of the day",
]
for index in 0..<30 {
  let text: String
  switch index % 5 {
  case 0:
    text =
      "extends: existence\nmessage: \"Avoid '%s'.\"\nignorecase: true\ntokens:\n"
      + deterministicShuffle(valeWords, seed: index).prefix(8).map { "  - \($0)\n" }.joined()
  case 1:
    text = "extends: existence\nmessage: \"Adverb '%s'.\"\ntokens: ['\\w+ly\\b']\nexceptions: [only, early, family, reply]\n"
  case 2:
    text =
      "extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nignorecase: true\nswap:\n  utilize: use\n  leverage: use\n  in order to: to\n  e-mail: email\n  javascript: JavaScript\n"
  case 3:
    text = "extends: occurrence\nmessage: \"More than 3 '!'.\"\ntoken: '!'\nmax: 3\n"
  default:
    text =
      "extends: existence\nmessage: \"Number '%s'.\"\nnonword: true\ntokens: ['\\b\\d{4,}\\b', '\\$\\d+(?:\\.\\d+)?[kKmM]?']\n"
  }
  try text.write(toFile: valeStyle + "/Rule\(index).yml", atomically: false, encoding: .utf8)
}
let builtIn = try best(5) { try time(outreach, ["lint", corpus.folder]) }
let withStyle = try best(5) { try time(outreach, ["lint", "--no-default-rules", "--rules", valeStyle, corpus.folder]) }
print(
  String(
    format: "vale style:      30 rules %.3f s   the built-in rules %.3f s   ratio %.2fx (target <= 2x)", withStyle, builtIn,
    withStyle / builtIn))
// The Microsoft style as published (errata-ai/Microsoft), beside the
// built-in rules, when a clone is at hand (MICROSOFT_STYLE_REPO, or this
// machine's copy); nothing of it is committed.
let microsoftRepository =
  ProcessInfo.processInfo.environment["MICROSOFT_STYLE_REPO"] ?? "/work/.mirror/errata-ai+Microsoft/repo"
if FileManager.default.fileExists(atPath: microsoftRepository) {
  let styles = work + "/published-styles"
  try? FileManager.default.removeItem(atPath: styles)
  try FileManager.default.createDirectory(atPath: styles, withIntermediateDirectories: true)
  _ = try time("/bin/sh", ["-c", "git --git-dir '\(microsoftRepository)' archive HEAD Microsoft | tar -x -C '\(styles)'"])
  let ruleCount =
    (try? FileManager.default.contentsOfDirectory(atPath: styles + "/Microsoft"))?.filter { $0.hasSuffix(".yml") }
    .count ?? 0
  let withMicrosoft = try best(5) { try time(outreach, ["lint", "--rules", styles + "/Microsoft", corpus.folder]) }
  print(
    String(
      format:
        "microsoft style: the built-in rules + Microsoft (%d rules) %.3f s   the built-in rules alone %.3f s   ratio %.2fx (target <= 2x)",
      ruleCount, withMicrosoft, builtIn, withMicrosoft / builtIn))
} else {
  print("microsoft style: not run (no clone of errata-ai/Microsoft; set MICROSOFT_STYLE_REPO)")
}

// Real mail: an mbox of 10,000 messages (QP, base64 and HTML parts) in one
// process, against cmark parsing the decoded bodies in the same run.
let mail = try prepareMbox(emailCount)
let small1k = try prepareMbox(emailCount / 10)
sync()
let cmarkBodies = try best(5) { try time(cmark, [mail.bodies]) }
let lintMbox = try best(5) { try time(outreach, ["lint", mail.mbox]) }
let peakLarge = lastPeakKiB
_ = try time(outreach, ["lint", small1k.mbox])
let peakSmall = lastPeakKiB
let readOnly = try best(5) { try time(binaryFolder + "/outreach-bench", ["--read-mail", mail.mbox]) }
print(
  String(
    format:
      "mbox:            %d messages (%d KiB) outreach lint %.3f s   cmark on the decoded bodies %.3f s   ratio %.2fx (target <= 3x)",
    emailCount, mail.bytes / 1024, lintMbox, cmarkBodies, lintMbox / cmarkBodies))
print(
  String(
    format:
      "                 reading alone (GMime parses and decodes on every core, no rule runs) %.3f s   ratio %.2fx to cmark",
    readOnly, readOnly / cmarkBodies))
// Python's mailbox + email reading the same mbox (subject and the body a
// reader sees), the independent reader's cost, in the same run.
let pythonReader = """
  import mailbox, email, email.policy, sys
  box = mailbox.mbox(sys.argv[1], factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default), create=False)
  for m in box:
      s = m['subject']
      try:
          b = m.get_body(preferencelist=('plain', 'html'))
          t = b.get_content() if b is not None else ''
      except Exception:
          pass
  """
let pythonMbox = try best(2) { try time("/usr/bin/env", ["python3", "-c", pythonReader, mail.mbox]) }
print(
  String(
    format: "                 Python mailbox + email reading the same mbox %.3f s (Python takes %.1fx outreach's lint)",
    pythonMbox, pythonMbox / lintMbox))
// The decoded bodies as one long plain-text email (a .txt is read as text,
// not Markdown), against cmark on the same bytes.
let longText = work + "/mail-bodies.txt"
try? FileManager.default.removeItem(atPath: longText)
try FileManager.default.copyItem(atPath: mail.bodies, toPath: longText)
let lintLongText = try best(5) { try time(outreach, ["lint", longText]) }
print(
  String(
    format: "long .txt email: %d KiB of plain text, outreach lint %.3f s   cmark %.3f s   ratio %.2fx",
    (try FileManager.default.attributesOfItem(atPath: longText)[.size] as? Int ?? 0) / 1024, lintLongText, cmarkBodies,
    lintLongText / cmarkBodies))
print(
  String(
    format: "                 peak memory: %d messages %.1f MB, %d messages %.1f MB (flat in the number of messages)",
    emailCount / 10, Double(peakSmall) / 1024, emailCount, Double(peakLarge) / 1024))

// The public mail corpora (.ci/corpus.sh) as one mbox, in one process:
// against cmark on the decoded bodies, GMime reading alone, and Python's
// mailbox + email reading the same mbox, in the same run.
let corpusFolder = FileManager.default.currentDirectoryPath + "/.build/corpus"
if FileManager.default.fileExists(atPath: corpusFolder + "/.complete"),
  let walker = FileManager.default.enumerator(atPath: corpusFolder)
{
  var files: [String] = []
  while let item = walker.nextObject() as? String {
    if item.hasSuffix(".eml") { files.append(corpusFolder + "/" + item) }
  }
  files.sort()
  var mbox: [UInt8] = []
  for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    mbox += Array("From corpus@outreach.invalid Thu Jan  1 00:00:00 2026\n".utf8)
    mbox += [UInt8](data)
    if mbox.last != 0x0A { mbox.append(0x0A) }
    mbox.append(0x0A)
  }
  // mboxo: a body line starting "From " is written ">From "; then the
  // separators are put back.
  let text = String(decoding: mbox, as: UTF8.self).replacingOccurrences(of: "\nFrom ", with: "\n>From ")
    .replacingOccurrences(
      of: "\n>From corpus@outreach.invalid Thu Jan  1 00:00:00 2026\n",
      with: "\nFrom corpus@outreach.invalid Thu Jan  1 00:00:00 2026\n")
  let corpusMbox = work + "/corpus.mbox"
  try text.write(toFile: corpusMbox, atomically: true, encoding: .utf8)
  // The decoded bodies, as outreach reads them, for cmark.
  let read = Process()
  read.executableURL = URL(fileURLWithPath: outreach)
  read.arguments = ["read", corpusMbox]
  let pipe = Pipe()
  read.standardOutput = pipe
  try read.run()
  let lines = pipe.fileHandleForReading.readDataToEndOfFile()
  read.waitUntilExit()
  var bodies = ""
  var count = 0
  for line in lines.split(separator: 0x0A) {
    if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let body = object["text"] as? String {
      bodies += body + "\n\n"
      count += 1
    }
  }
  let corpusBodies = work + "/corpus-bodies.md"
  try bodies.write(toFile: corpusBodies, atomically: true, encoding: .utf8)
  let cmarkCorpus = try best(5) { try time(cmark, [corpusBodies]) }
  let lintCorpus = try best(5) { try time(outreach, ["lint", corpusMbox]) }
  let readCorpus = try best(5) { try time(binaryFolder + "/outreach-bench", ["--read-mail", corpusMbox]) }
  let pythonCorpus = try best(3) { try time("/usr/bin/env", ["python3", "-c", pythonReader, corpusMbox]) }
  print(
    String(
      format:
        "public corpora:  %d messages as one mbox (%d KiB) outreach lint %.3f s   cmark on the decoded bodies %.3f s (%.2fx)   reading alone %.3f s (%.2fx)   Python mailbox + email %.3f s (Python takes %.1fx outreach's lint)",
      count, mbox.count / 1024, lintCorpus, cmarkCorpus, lintCorpus / cmarkCorpus, readCorpus, lintCorpus / readCorpus,
      pythonCorpus, pythonCorpus / lintCorpus))
} else {
  print("public corpora:  not fetched (sh .ci/corpus.sh); row skipped")
}

// Drafting: 1,000 accounts in one process, each drafted and linted.
let accountFolder = work + "/accounts"
try FileManager.default.createDirectory(atPath: accountFolder, withIntermediateDirectories: true)
let sampleAccount = try String(
  contentsOfFile: FileManager.default.currentDirectoryPath + "/Templates/accounts/lingo-labs.yml", encoding: .utf8)
for index in 0..<1000 {
  try sampleAccount.replacingOccurrences(of: "name: Lingo Labs", with: "name: Lingo Labs \(index)")
    .write(toFile: accountFolder + String(format: "/account-%04d.yml", index), atomically: false, encoding: .utf8)
}
// Drafts go to a RAM disk when there is one, so the figure is the tool's
// and not the disk's write-back; pending writes are flushed before each run.
let draftOut = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/outreach-bench-drafts" : work + "/drafts")
let drafting = try best(3) {
  try? FileManager.default.removeItem(atPath: draftOut)
  sync()
  return try time(outreach, ["draft", "--today", "2026-11-22", "--out", draftOut, accountFolder])
}
let drafted = (try? FileManager.default.contentsOfDirectory(atPath: draftOut).filter { $0.hasSuffix(".md") }.count) ?? 0
print(
  String(
    format:
      "drafting:        1,000 accounts (%d drafts, each linted, written with --out) %.3f s (target < 2 s)   cmark on the 10k corpus %.3f s",
    drafted, drafting, cmarkAll) + "\n                 drafts written to \(draftOut)")
try? FileManager.default.removeItem(atPath: draftOut)

// IMAP: 1,000 drafts appended to a real Dovecot on loopback in one run (one
// login), then the rerun that finds every one already there.
if Dovecot.binary == nil {
  print("imap:            skipped: dovecot is not installed (apt-get install dovecot-imapd)")
} else {
  let server = try Dovecot()
  defer { server.stop() }
  let imapFolder = work + "/imap-accounts"
  try FileManager.default.createDirectory(atPath: imapFolder, withIntermediateDirectories: true)
  let onboarding = try String(
    contentsOfFile: FileManager.default.currentDirectoryPath + "/Templates/accounts/orbit-crm.yml", encoding: .utf8)
  for index in 0..<1000 {
    try onboarding.replacingOccurrences(of: "name: Orbit CRM", with: "name: Orbit CRM \(index)")
      .write(toFile: imapFolder + String(format: "/account-%04d.yml", index), atomically: false, encoding: .utf8)
  }
  setenv("OUTREACH_IMAP_PASSWORD", server.password, 1)
  let arguments = ["draft", "--today", "2026-11-22", "--imap", server.url(), imapFolder]
  let cmarkTime = try best(3) { try time(cmark, [corpus.all]) }
  let append = try time(outreach, arguments)
  let logins = server.logins
  let rerun = try time(outreach, arguments)
  unsetenv("OUTREACH_IMAP_PASSWORD")
  let stored = (try? FileManager.default.contentsOfDirectory(atPath: server.folder + "/mail/.Drafts/cur").count) ?? 0
  print(
    String(
      format:
        "imap:            1,000 drafts appended to Dovecot on loopback %.2f s (target < 10 s), %d login, %d messages in Drafts; rerun (all already there) %.2f s   cmark on the 10k corpus %.3f s",
      append, logins, stored, rerun, cmarkTime))
}

// Mail history: 1,000 accounts and 20,000 messages (sent emails, replies
// by In-Reply-To and by subject, mailing-list mail), read from an mbox and
// from Dovecot (INBOX and \Sent, one login), `outreach history` for all.
let historyFolder = work + "/history"
try? FileManager.default.removeItem(atPath: historyFolder)
try FileManager.default.createDirectory(atPath: historyFolder + "/accounts", withIntermediateDirectories: true)
var sentMessages: [String] = []
var inboxMessages: [String] = []
for index in 0..<1000 {
  let domain = "co\(index).example"
  try """
  account: {name: History Co \(index), domain: \(domain)}
  signals: {first_bill_in_days: \(1 + index % 14), docs_topics: [feature flags]}
  users:
    - {name: Ann \(index), email: ann@\(domain), title: Head of Product, last_active: 2026-11-20}
    - {name: Ben \(index), email: ben@\(domain), title: Senior Engineer, last_active: 2026-11-19}
    - {name: Cas \(index), email: cas@\(domain), title: Finance Manager, last_active: 2026-11-18}
  """.write(toFile: historyFolder + String(format: "/accounts/co-%04d.yml", index), atomically: false, encoding: .utf8)
  for thread in 0..<10 {
    let day = 1 + thread * 2
    let id = "sent-\(index)-\(thread)@mail.example.com"
    sentMessages.append(
      "From: Alex <alex@posthog.com>\nTo: Ann <ann@\(domain)>, ben@\(domain)\nSubject: Thread \(thread) about feature flags\n"
        + "Date: \(day) Nov 2026 09:00:00 +0000\nMessage-ID: <\(id)>\nMIME-Version: 1.0\nContent-Type: text/plain\n\n"
        + "Hi Ann, a note about feature flags.\n")
    if thread % 2 == 0 {
      inboxMessages.append(
        "From: ann@\(domain)\nTo: alex@posthog.com\nSubject: Re: Thread \(thread) about feature flags\n"
          + "Date: \(day + 1) Nov 2026 09:00:00 +0000\nMessage-ID: <reply-\(index)-\(thread)@\(domain)>\n"
          + (thread % 4 == 0 ? "In-Reply-To: <\(id)>\n" : "") + "MIME-Version: 1.0\nContent-Type: text/plain\n\nThanks.\n")
    } else {
      inboxMessages.append(
        "From: list@lists.example.org\nTo: dev@lists.example.org\nSubject: [dev] digest \(index)-\(thread)\n"
          + "Date: \(day) Nov 2026 10:00:00 +0000\nMessage-ID: <list-\(index)-\(thread)@lists.example.org>\n"
          + "MIME-Version: 1.0\nContent-Type: text/plain\n\nDigest.\n")
    }
  }
}
let historyMbox = historyFolder + "/mail.mbox"
try (sentMessages + inboxMessages).map { "From alex@posthog.com Sun Nov  1 09:00:00 2026\n" + $0 + "\n" }.joined()
  .write(toFile: historyMbox, atomically: false, encoding: .utf8)
let historyFromMbox = try best(3) {
  try time(outreach, ["history", "--format", "json", "--history", historyMbox, historyFolder + "/accounts"])
}
let historyPeak = lastPeakKiB
/// Emails sent and replied to in a `history --format json` output.
func historyCounts(_ output: [UInt8]) -> (sent: Int, replied: Int) {
  let accounts = (try? JSONSerialization.jsonObject(with: Data(output))) as? [[String: Any]] ?? []
  let entries = accounts.flatMap { $0["history"] as? [[String: Any]] ?? [] }
  return (entries.count, entries.filter { $0["replied"] as? Bool == true }.count)
}
let mboxCounts = historyCounts(
  try capture(outreach, ["history", "--format", "json", "--history", historyMbox, historyFolder + "/accounts"]))
print(
  String(
    format:
      "history:         1,000 accounts, %d messages in an mbox %.3f s (target < 2 s), peak %.1f MB; %d emails sent, %d replied",
    sentMessages.count + inboxMessages.count, historyFromMbox, Double(historyPeak) / 1024, mboxCounts.sent,
    mboxCounts.replied))
if Dovecot.binary != nil {
  let server = try Dovecot(mailboxes: ["Sent"], specialUse: ["Sent": "\\Sent"])
  defer { server.stop() }
  // Filled as a mail client would: APPEND with Python's imaplib (INBOX
  // unread, Sent read), outside the timed runs.
  let fillPath = historyFolder + "/fill.json"
  let items = inboxMessages.map { ["INBOX", "()", $0] } + sentMessages.map { ["Sent", "(\\Seen)", $0] }
  try JSONSerialization.data(withJSONObject: items).write(to: URL(fileURLWithPath: fillPath))
  let fill = """
    import imaplib, json, sys
    box = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
    box.login(sys.argv[2], sys.argv[3])
    for mailbox, flags, message in json.load(open(sys.argv[4])):
        box.append(mailbox, flags, None, message.replace("\\n", "\\r\\n").encode())
    box.logout()
    """
  _ = try time("/usr/bin/env", ["python3", "-c", fill, String(server.port), server.user, server.password, fillPath])
  setenv("OUTREACH_IMAP_PASSWORD", server.password, 1)
  let arguments = ["history", "--format", "json", "--history", server.url(mailbox: ""), historyFolder + "/accounts"]
  _ = try time(outreach, arguments)  // Dovecot builds its indexes
  let before = server.logins
  let historyFromIMAP = try best(3) { try time(outreach, arguments) }
  let logins = (server.logins - before) / 3
  let imapCounts = historyCounts(try capture(outreach, arguments))
  if imapCounts.sent == 0 {
    // Say why, rather than print a figure of nothing.
    let why = try capture(
      "/bin/sh", ["-c", "'\(outreach)' \(arguments.map { "'\($0)'" }.joined(separator: " ")) 2>&1 >/dev/null | tail -2"])
    print("                 history from Dovecot read nothing: \(String(decoding: why, as: UTF8.self))")
  }
  unsetenv("OUTREACH_IMAP_PASSWORD")
  print(
    String(
      format:
        "                 the same from Dovecot (INBOX and \\Sent) %.3f s (target < 10 s), %d login a run; %d emails sent, %d replied",
      historyFromIMAP, logins, imapCounts.sent, imapCounts.replied))
}

// A CRM export: 100,000 users in a CSV, read (SwiftCSV) and picked from by
// `outreach recipients`, against cmark on the 10k corpus in the same run.
let csvFolder = work + "/csv"
try FileManager.default.createDirectory(atPath: csvFolder, withIntermediateDirectories: true)
var csvText = "Full Name,Email,Job Title,Last Seen\n"
let csvTitles = ["Senior Software Engineer", "Product Manager", "Head of Sales", "Data Analyst", "Founder", "Designer"]
for index in 0..<100_000 {
  csvText += "\"Person \(index)\",person\(index)@bigco.io,\(csvTitles[index % csvTitles.count]),11/\(1 + index % 28)/2026\n"
}
try csvText.write(toFile: csvFolder + "/users.csv", atomically: false, encoding: .utf8)
try "account: {name: Big Co}\nusers: users.csv\n".write(toFile: csvFolder + "/bigco.yml", atomically: false, encoding: .utf8)
let csvRead = try best(3) { try time(outreach, ["recipients", "--today", "2026-11-22", csvFolder + "/bigco.yml"]) }
print(
  String(
    format:
      "csv users:       100,000 users (%d KiB) read and picked from %.3f s (target < 1 s), peak %.1f MB   cmark on the 10k corpus %.3f s",
    csvText.utf8.count / 1024, csvRead, Double(lastPeakKiB) / 1024, cmarkAll))

// An accounts export: 10,000 rows, with a 100,000-row users export joined
// by its account column, drafted to a folder.
var exportText =
  "name,domain,first_bill_in_days,billing_page_visits,event_spike_event,event_spike_factor,feature_flags_stale_flags\n"
var exportUsers = "account,name,email,title,last_active\n"
for index in 0..<10_000 {
  exportText +=
    "Export Co \(index),co\(index).example,\(1 + index % 20),\(index % 9),$pageview,\(2 + index % 5).5,\(index % 13)\n"
  for person in 0..<10 {
    exportUsers +=
      "Export Co \(index),Person \(person),p\(person)@co\(index).example,\(csvTitles[(index + person) % csvTitles.count]),2026-11-\(10 + person)\n"
  }
}
try exportText.write(toFile: csvFolder + "/export.csv", atomically: false, encoding: .utf8)
try exportUsers.write(toFile: csvFolder + "/export-users.csv", atomically: false, encoding: .utf8)
let exportDrafts = "/dev/shm/outreach-bench-export"
let exportTime = try best(3) {
  try? FileManager.default.removeItem(atPath: exportDrafts)
  return try time(
    outreach,
    [
      "draft", csvFolder + "/export.csv", "--users", csvFolder + "/export-users.csv", "--today", "2026-11-22", "--out",
      exportDrafts,
    ])
}
print(
  String(
    format:
      "export:          10,000 accounts from a CSV export, 100,000 users joined from a users export, drafted with --out %.3f s (target < 3 s), peak %.1f MB",
    exportTime, Double(lastPeakKiB) / 1024))

/// A fixed order for the same seed, so that runs compare.
func deterministicShuffle<T>(_ items: [T], seed: Int) -> [T] {
  var generator = Generator(state: UInt64(seed + 1))
  var out = items
  for index in out.indices.reversed() where index > 0 {
    out.swapAt(index, generator.next(index + 1))
  }
  return out
}
