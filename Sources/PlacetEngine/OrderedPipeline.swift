// Chunks of work done on several threads and handed back in order, at most a few ahead of
// the one consuming them: JSON Lines conversion and the ordered assessment's decisions.

import Dispatch
import PlacetLanguage

/// Hands chunk indices to workers in order, at most `ahead` past the last one taken, and
/// their results back to the reader in order. The semaphores start at zero and are signalled
/// up, since libdispatch traps when one is freed below the value it was created with.
package final class OrderedPipeline<Part: Sendable>: Sendable {
    private struct State {
        var next = 0
        var stopped = false
        var results: [Part?]
    }

    private let count: Int
    private let state: Locked<State>
    /// Room for chunks done ahead of the one taking them.
    private let room = DispatchSemaphore(value: 0)
    /// One per chunk: signalled when its result is in `state`.
    private let ready: [DispatchSemaphore]

    package init(chunks: Int, ahead: Int) {
        count = chunks
        state = Locked(State(results: Array(repeating: nil, count: chunks)))
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        for _ in 0..<ahead { room.signal() }
    }

    /// The next chunk to convert, once there is room for it; nil when there are no more.
    package func claim() -> Int? {
        room.wait()
        let index: Int? = state.withLock { state in
            guard !state.stopped, state.next < count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
        // Passed on, so every other waiting worker wakes to find the same.
        if index == nil { room.signal() }
        return index
    }

    package func deliver(_ index: Int, _ result: Part) {
        state.withLock { $0.results[index] = result }
        ready[index].signal()
    }

    /// Chunk `index`'s result, waiting for it; frees room for one more.
    package func take(_ index: Int) -> Part {
        ready[index].wait()
        let result = state.withLock { state in
            defer { state.results[index] = nil }
            return state.results[index]!  // delivered before `ready[index]` was signalled
        }
        room.signal()
        return result
    }

    /// No more chunks are handed out; workers waiting for room wake and finish.
    package func stop(workers: Int) {
        state.withLock { $0.stopped = true }
        for _ in 0..<workers { room.signal() }
    }
}
