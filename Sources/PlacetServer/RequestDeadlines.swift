// Request timeouts without a timer per request: each request registers its deadline here and
// one sweeper, a few times per timeout, expires the overdue ones (their work is cancelled and
// they answer 408). A dispatch timer per request cost more than deciding the request.

import PlacetLanguage
import ServiceLifecycle
import Synchronization

final class RequestDeadlines: Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private let state = Locked<(next: Int, entries: [Int: Entry])>((0, [:]))

    /// Calls `expire` once `timeout` has passed, unless `remove` comes first.
    func register(_ timeout: Duration, expire: @escaping @Sendable () -> Void) -> Int {
        let entry = Entry(deadline: .now + timeout, expire: expire)
        return state.withLock { state in
            state.next += 1
            state.entries[state.next] = entry
            return state.next
        }
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Expires every request whose deadline has passed.
    func sweep(now: ContinuousClock.Instant = .now) {
        let overdue = state.withLock { state -> [Entry] in
            let ids = state.entries.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { state.entries.removeValue(forKey: $0) }
        }
        for entry in overdue { entry.expire() }
    }
}

/// Whether a request's deadline expired, set by the sweeper and read by the request.
final class ExpiryFlag: Sendable {
    private let expired = Atomic(false)
    func set() { expired.store(true, ordering: .relaxed) }
    var isSet: Bool { expired.load(ordering: .relaxed) }
}

/// Sweeps the deadlines every `interval` until the server shuts down.
struct DeadlineSweeper: Service {
    let deadlines: RequestDeadlines
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Cancellation ends the loop; it is how the sweeper stops, not an error.
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                deadlines.sweep()
            }
        }
    }
}
