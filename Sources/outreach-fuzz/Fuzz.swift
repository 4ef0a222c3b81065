import Foundation
import OutreachKit

// libFuzzer target. `.ci/fuzz` builds this with -sanitize=fuzzer and
// -D FUZZING, and main hands over to libFuzzer's driver; OUTREACH_FUZZ_TARGET
// picks the parser under test: email (parse and lint), account (load) or
// rule (load, then lint with it). Without FUZZING it replays saved inputs.

private let target = ProcessInfo.processInfo.environment["OUTREACH_FUZZ_TARGET"] ?? "email"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  FuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)), target: target)
  return 0
}

#if FUZZING
  @_silgen_name("LLVMFuzzerRunDriver")
  func fuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt
#endif

@main
enum FuzzMain {
  static func main() {
    #if FUZZING
      var argc = CommandLine.argc
      var argv = Optional(CommandLine.unsafeArgv)
      exit(fuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) })
    #else
      // Replays inputs: outreach-fuzz FILE...
      for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        FuzzEntry.run([UInt8](data), target: target)
      }
    #endif
  }
}
