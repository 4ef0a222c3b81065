import CCmark
import Foundation
import Testing

@testable import OutreachKit

/// The arena cmark's trees live in (`ParseArena`): every block keeps its
/// bytes until the parse ends, whatever cmark allocates, grows and frees
/// in between; a parse inside a parse never gives back the outer tree.
@Suite struct ParseArenaTests {
  @Test func aParseInsideAParseUsesCmarksOwnAllocator() {
    ParseArena.withArena { outer in
      #expect(outer != nil)
      ParseArena.withArena { inner in #expect(inner == nil) }
    }
    ParseArena.withArena { again in #expect(again != nil) }
  }

  @Test func blocksKeepTheirBytesThroughGrowthFreesAndLargeBlocks() {
    for _ in 0..<3 {
      ParseArena.withArena { memory in
        let allocator = memory!.pointee
        var blocks: [(pointer: UnsafeMutableRawPointer, size: Int, value: UInt8)] = []
        for index in 0..<600 {
          let size = [1, 16, 100, 5_000, 70_000, 0][index % 6]
          let pointer = allocator.calloc(1, size)!
          if size > 0 {
            #expect(pointer.load(fromByteOffset: size - 1, as: UInt8.self) == 0, "calloc zeroes")
          }
          let value = UInt8(index % 251)
          memset(pointer, Int32(value), size)
          if index % 7 == 0 {
            // The latest block given back is reused, zeroed again.
            allocator.free(pointer)
            continue
          }
          if index % 5 == 0 {
            // Grown: in place when it is the latest, else copied.
            let grown = allocator.realloc(pointer, size * 3 + 40)!
            memset(grown + size, Int32(value), size * 2 + 40)
            blocks.append((grown, size * 3 + 40, value))
          } else {
            blocks.append((pointer, size, value))
          }
        }
        // An earlier block grown after later ones: copied, bytes kept.
        let (first, size, value) = blocks[1]
        let moved = allocator.realloc(first, size + 100_000)!
        #expect((0..<size).allSatisfy { moved.load(fromByteOffset: $0, as: UInt8.self) == value })
        for (pointer, size, value) in blocks.dropFirst(2) where size > 0 {
          #expect(pointer.load(as: UInt8.self) == value && pointer.load(fromByteOffset: size - 1, as: UInt8.self) == value)
        }
      }
    }
  }
}
