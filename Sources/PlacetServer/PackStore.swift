// The pack being served, swapped atomically on reload, and what readiness reports: not ready
// until a pack has loaded; after that, a failed reload keeps the previous pack serving.

import Foundation
import PlacetLanguage

public final class PackStore: Sendable {
    private struct State {
        var pack: ServedPack?
        var lastFailure: PackLoadFailure?
        var loading = true
    }

    private let state = Locked(State())

    public init() {}

    /// The pack a request uses from start to finish.
    public var current: ServedPack? { state.withLock { $0.pack } }

    func install(_ pack: ServedPack) {
        state.withLock { state in
            state.pack = pack
            state.lastFailure = nil
            state.loading = false
        }
    }

    func recordFailure(_ failure: PackLoadFailure) {
        state.withLock { state in
            state.lastFailure = failure
            state.loading = false
        }
    }

    public struct Readiness: Sendable {
        public let ready: Bool
        public let reason: String
    }

    public var readiness: Readiness {
        state.withLock { state in
            if let pack = state.pack {
                let note = state.lastFailure.map { "; the last reload failed and the previous pack is kept: \($0.summary)" } ?? ""
                return Readiness(ready: true, reason: "serving \(pack.policy.packName) (\(pack.policy.digest))\(note)")
            }
            if let failure = state.lastFailure {
                return Readiness(ready: false, reason: "no policy pack loaded: \(failure.summary)")
            }
            return Readiness(ready: false, reason: "loading the policy pack")
        }
    }
}
