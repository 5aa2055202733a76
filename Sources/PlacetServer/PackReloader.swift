// Hot reload: the pack is loaded at start, again on SIGHUP, and again when a file under the
// policy folder or a PATH changes (looked at every `watchInterval`: sizes and modification
// times, so no platform file-event API is needed). Loading runs off the request threads; the
// new pack is swapped in whole, and on any error the previous pack keeps serving, the
// diagnostics are logged and the failure is counted.

import Dispatch
import Foundation
import Logging
import PlacetLanguage
import ServiceLifecycle
import UnixSignals

struct PackReloader: Service {
    let configuration: ServerConfiguration
    let store: PackStore
    let metrics: ServerMetrics
    let logger: Logger

    func run() async throws {
        // Trapped before the first load, so a SIGHUP sent as soon as the pack is reported loaded reloads it.
        let hangups = configuration.handlesSignals ? await UnixSignalsSequence(trapping: .sighup) : nil
        let initial = Self.fingerprint(of: watchedPaths)
        await reload(reason: "start")
        let (triggers, trigger) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let paths = watchedPaths
        let interval = configuration.watchInterval
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let hangups {
                    group.addTask {
                        for await _ in hangups { trigger.yield("SIGHUP") }
                    }
                }
                if let interval {
                    group.addTask {
                        var fingerprint = initial
                        while true {
                            try await Task.sleep(for: interval)
                            let now = Self.fingerprint(of: paths)
                            if now != fingerprint {
                                fingerprint = now
                                trigger.yield("files changed")
                            }
                        }
                    }
                }
                group.addTask {
                    for await reason in triggers { await reload(reason: reason) }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Loads the pack and swaps it in, or keeps the current one and says why not.
    func reload(reason: String) async {
        let configuration = configuration
        let started = ContinuousClock.now
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: PackLoader.load(configuration)) }
        }
        let took = ContinuousClock.now - started
        switch result {
        case .success(let pack):
            store.install(pack)
            metrics.recordReload(succeeded: true)
            for diagnostic in pack.diagnostics { logger.warning("\(DiagnosticRenderer().render(diagnostic))") }
            logger.info("policy pack loaded", metadata: [
                "reason": "\(reason)", "pack": "\(pack.policy.packName)", "digest": "\(pack.policy.digest)",
                "rules": "\(pack.policy.rules.count)", "referenceFiles": "\(pack.referenceInputs.count)",
                "placementsSetAside": "\(pack.references.setAsidePlacements)", "seconds": "\(Self.seconds(took))",
            ])
        case .failure(let failure):
            store.recordFailure(failure)
            metrics.recordReload(succeeded: false)
            let kept = store.current.map { "keeping \($0.policy.packName) (\($0.policy.digest))" } ?? "no pack loaded: not ready"
            logger.error("policy pack not loaded; \(kept)", metadata: [
                "reason": "\(reason)", "errors": "\(failure.diagnostics.filter(\.isError).count)",
                "diagnostics": "\(failure.diagnostics.prefix(20).map { DiagnosticRenderer().render($0) }.joined(separator: "\n"))",
            ])
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.3f", Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// The policy folder when one is used (not the bundled pack) and the PATHs.
    var watchedPaths: [String] {
        var paths = configuration.paths
        if let folder = configuration.policies {
            paths.append(folder)
        } else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "policies", isDirectory: &isDirectory), isDirectory.boolValue { paths.append("policies") }
        }
        return paths
    }

    /// Every file under the paths with its size and modification time, in a stable order.
    static func fingerprint(of paths: [String]) -> [String] {
        var entries: [String] = []
        let fileManager = FileManager.default
        func add(_ path: String) {
            guard let attributes = try? fileManager.attributesOfItem(atPath: path) else { return }
            let size = attributes[.size] as? Int ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            entries.append("\(path)\u{0}\(size)\u{0}\(modified)")
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                entries.append("\(path)\u{0}missing")
                continue
            }
            guard isDirectory.boolValue else {
                add(path)
                continue
            }
            let files = (fileManager.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []).sorted()
            for relative in files { add((path as NSString).appendingPathComponent(relative)) }
        }
        return entries
    }
}
