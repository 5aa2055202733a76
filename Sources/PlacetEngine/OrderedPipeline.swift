// Chunks of work done on several threads and handed back in order, at most a few ahead of
// the one consuming them: JSON Lines conversion and the ordered assessment's decisions.

import Dispatch
import PlacetLanguage

/// Hands chunk indices to workers in order, at most `ahead` past the last one taken, and
/// their results back to the reader in order. The workers run on the shared global queue, so
/// the reader never depends on one being scheduled: it makes a chunk itself when it gets to
/// one no worker has claimed, and at the end waits only for workers that have started; one
/// starting later finds the pipeline finished and touches nothing. The semaphores start at
/// zero and are signalled up, since libdispatch traps when one is freed below the value it
/// was created with.
package final class OrderedPipeline<Part: Sendable>: Sendable {
    private struct State {
        var next = 0
        /// No more chunks are handed out, and no worker starts.
        var finished = false
        /// Workers between `enter` and `leave`.
        var active = 0
        var results: [Part?]
    }

    private let count: Int
    private let state: Locked<State>
    /// Room for chunks done ahead of the one taking them.
    private let room = DispatchSemaphore(value: 0)
    /// One per chunk: signalled when its result is in `state`.
    private let ready: [DispatchSemaphore]
    /// Signalled by the last worker to leave once the pipeline is finished.
    private let done = DispatchSemaphore(value: 0)

    package init(chunks: Int, ahead: Int) {
        count = chunks
        state = Locked(State(results: Array(repeating: nil, count: chunks)))
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        for _ in 0..<ahead { room.signal() }
    }

    /// Starts `workers` workers on the global queue; `work(i)` is worker i's loop, which
    /// claims and delivers chunks. It does not run at all if the pipeline has finished first.
    package func start(workers: Int, work: @escaping @Sendable (_ worker: Int) -> Void) {
        for worker in 0..<workers {
            DispatchQueue.global().async {
                guard self.enter() else { return }
                work(worker)
                self.leave()
            }
        }
    }

    private func enter() -> Bool {
        state.withLock { state in
            guard !state.finished else { return false }
            state.active += 1
            return true
        }
    }

    private func leave() {
        let last = state.withLock { state in
            state.active -= 1
            return state.finished && state.active == 0
        }
        if last { done.signal() }
    }

    /// The next chunk to convert, once there is room for it; nil when there are no more.
    package func claim() -> Int? {
        room.wait()
        let index: Int? = state.withLock { state in
            guard !state.finished, state.next < count else { return nil }
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

    /// Chunk `index`'s result, waiting for it; frees room for one more. When no worker has
    /// claimed the chunk yet, the caller makes it itself with `make` rather than wait.
    package func take(_ index: Int, orMake make: () -> Part) -> Part {
        let claimedHere = state.withLock { state in
            guard !state.finished, state.next == index else { return false }
            state.next += 1
            return true
        }
        // Made here without taking room, so none is given back.
        if claimedHere { return make() }
        ready[index].wait()
        let result = state.withLock { state in
            defer { state.results[index] = nil }
            return state.results[index]!  // delivered before `ready[index]` was signalled
        }
        room.signal()
        return result
    }

    /// No more chunks are handed out (whether or not all were taken); returns once every
    /// worker that started has finished its loop. Workers waiting for room wake and stop.
    package func finish() {
        let wait = state.withLock { state in
            state.finished = true
            return state.active > 0
        }
        // One is enough: a worker that finds nothing to claim passes it on.
        room.signal()
        if wait { done.wait() }
    }
}
