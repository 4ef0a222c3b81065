import CCmark
import CRE2
import Foundation

/// Memory for one cmark parse on one thread, handed out by bumping a
/// pointer and given back all at once when the walk is done. libcmark-gfm
/// allocates each node, buffer and delimiter with `calloc` and frees a
/// tree node by node; with the arena, freeing an email's tree costs
/// nothing, and an allocation a few instructions. cmark's allocator has no
/// context argument, so each thread finds its arena through a pthread key.
enum ParseArena {
  /// One thread's arena: its first chunk is kept for the next parse; later
  /// (larger) chunks are freed when the parse is done.
  struct State {
    var first: UnsafeMutableRawPointer
    var firstSize: Int
    var next: UnsafeMutableRawPointer
    var end: UnsafeMutableRawPointer
    /// The most recent block: grown in place by `realloc`, given back by `free`.
    var last: UnsafeMutableRawPointer?
    var extra: [UnsafeMutableRawPointer] = []
    var chunkSize: Int
    /// A parse is using the arena (a parse inside it gets the default
    /// allocator, so that its end never gives back the outer tree).
    var busy = false
  }

  static let firstChunk = 64 << 10
  static let maxChunk = 4 << 20
  /// Each block starts with its size, kept 16-byte aligned.
  static let header = 16

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
      guard let state = pointer?.assumingMemoryBound(to: State.self) else { return }
      for chunk in state.pointee.extra { free(chunk) }
      free(state.pointee.first)
      state.deinitialize(count: 1)
      state.deallocate()
    }
    return key
  }()

  static var state: UnsafeMutablePointer<State> {
    // Thread-local storage first (a load); the pthread key only frees the
    // arena when the thread ends.
    if let existing = outreach_arena_state() { return existing.assumingMemoryBound(to: State.self) }
    let chunk = malloc(firstChunk)!
    let state = UnsafeMutablePointer<State>.allocate(capacity: 1)
    state.initialize(
      to: State(first: chunk, firstSize: firstChunk, next: chunk, end: chunk + firstChunk, chunkSize: firstChunk))
    pthread_setspecific(key, state)
    outreach_arena_set_state(state)
    return state
  }

  /// cmark's allocator, drawing on the calling thread's arena (read-only:
  /// three function pointers).
  nonisolated(unsafe) static let memory: UnsafeMutablePointer<cmark_mem> = {
    let memory = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
    memory.initialize(to: cmark_mem(calloc: arenaCalloc, realloc: arenaRealloc, free: arenaFree))
    return memory
  }()

  /// Runs `body` with the arena's allocator, then gives back everything
  /// allocated from it (the tree must not outlive `body`). Inside another
  /// parse's `body`, the allocator is nil: cmark's own, freed as usual.
  static func withArena<T>(_ body: (UnsafeMutablePointer<cmark_mem>?) -> T) -> T {
    let state = Self.state
    if state.pointee.busy { return body(nil) }
    state.pointee.busy = true
    defer {
      state.pointee.busy = false
      reset(state)
    }
    return body(memory)
  }

  static func reset(_ state: UnsafeMutablePointer<State>) {
    for chunk in state.pointee.extra { free(chunk) }
    state.pointee.extra.removeAll(keepingCapacity: true)
    state.pointee.next = state.pointee.first
    state.pointee.end = state.pointee.first + state.pointee.firstSize
    state.pointee.last = nil
    state.pointee.chunkSize = state.pointee.firstSize
  }

  static func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
    let state = Self.state
    guard size >= 0, size <= Int.max / 2 else { return nil }
    let padded = max(16, (size + 15) & ~15)
    let needed = padded + header
    if state.pointee.end - state.pointee.next < needed {
      // A new chunk: twice the last, up to 4 MB, or the block's own size.
      let size = max(needed, min(state.pointee.chunkSize * 2, maxChunk))
      guard let chunk = malloc(size) else { return nil }
      state.pointee.extra.append(chunk)
      state.pointee.chunkSize = max(state.pointee.chunkSize, min(size, maxChunk))
      state.pointee.next = chunk
      state.pointee.end = chunk + size
    }
    let block = state.pointee.next
    block.storeBytes(of: padded, as: Int.self)
    state.pointee.next += needed
    let data = block + header
    state.pointee.last = data
    return data
  }
}

private func arenaCalloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
  let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
  guard !overflow, let data = ParseArena.allocate(bytes) else { return nil }
  memset(data, 0, bytes)
  return data
}

private func arenaRealloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
  guard let pointer else { return ParseArena.allocate(size) }
  let old = (pointer - ParseArena.header).load(as: Int.self)
  if size <= old { return pointer }
  let state = ParseArena.state
  if state.pointee.last == pointer {
    // The latest block grows where it is when its chunk has room.
    let padded = (size + 15) & ~15
    if padded > 0, state.pointee.end - pointer >= padded {
      (pointer - ParseArena.header).storeBytes(of: padded, as: Int.self)
      state.pointee.next = pointer + padded
      return pointer
    }
  }
  guard let data = ParseArena.allocate(size) else { return nil }
  memcpy(data, pointer, old)
  return data
}

private func arenaFree(_ pointer: UnsafeMutableRawPointer?) {
  // The latest block is given back at once (cmark's short-lived buffers);
  // the rest goes back with the arena.
  guard let pointer else { return }
  let state = ParseArena.state
  if state.pointee.last == pointer {
    state.pointee.next = pointer - ParseArena.header
    state.pointee.last = nil
  }
}
