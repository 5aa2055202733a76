// Appends every decision (not dry runs) to the hash-chained decision log before the answer is
// sent. Requests that arrive while a write is under way wait for the next one, and that next
// write takes all of them under one lock and one fsync (group commit): durability costs one
// disk sync per batch, not per request. A failed write fails the requests waiting on it.

import Dispatch
import Foundation
import PlacetLanguage
import PlacetReports

final class DecisionRecorder: Sendable {
    let path: String
    private typealias Waiter = (report: Report, done: CheckedContinuation<Void, any Error>)

    private struct State {
        var waiting: [Waiter] = []
        var writing = false
    }

    private let state = Locked(State())
    /// Disk writes block: they run here, not on the concurrency pool.
    private let queue = DispatchQueue(label: "placet.decision-log")

    init(path: String) {
        self.path = path
    }

    /// Returns once the report's decisions are on disk; throws `DecisionLog.LogError` if they could not be written.
    func record(_ report: Report) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let startsWriter = state.withLock { state -> Bool in
                state.waiting.append((report, done))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if startsWriter { queue.async { self.drain() } }
        }
    }

    /// Writes batches until nobody is waiting.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let batch = state.waiting
                state.waiting.removeAll()
                if batch.isEmpty { state.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try DecisionLog.append(batch.map(\.report), to: path)
                for waiter in batch { waiter.done.resume() }
            } catch {
                for waiter in batch { waiter.done.resume(throwing: error) }
            }
        }
    }
}
