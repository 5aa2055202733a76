// The server's life: readiness before and without a pack, hot reload when a file changes
// (success swaps the pack; failure keeps the previous one, counted and reported), and the
// `placet serve` executable itself: SIGHUP reloads, SIGTERM stops it gracefully with exit 0.

import Foundation
import PlacetLanguage
import PlacetServer
import Testing

/// A copy of policies/ and the example inventory that a test may edit.
struct EditableInventory {
    let root: URL
    var policies: URL { root.appendingPathComponent("policies") }
    var manifests: URL { root.appendingPathComponent("acme") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-reload-\(UUID().uuidString)")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
        try fileManager.copyItem(at: Fixtures.policiesDirectory, to: policies)
        try fileManager.copyItem(at: Fixtures.acmeDirectory, to: manifests)
        // The copy's own examples and tests are not part of the pack; keep the policy folder lean.
        try? fileManager.removeItem(at: policies.appendingPathComponent("examples"))
    }

    func append(_ text: String, to relativePath: String) throws {
        let url = policies.appendingPathComponent(relativePath)
        let old = try String(contentsOf: url, encoding: .utf8)
        try (old + text).write(to: url, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct ServerLifecycleTests {
    func digest(_ server: RunningServer) -> String? { server.server.store.current?.policy.digest }

    /// Successful loads so far (`placet_reloads_total`, the first included). The watcher may
    /// reload more often than the test writes (an atomic write's temporary file is a change
    /// too), so a test waits for the count to grow, never for a particular count.
    func successfulReloads(_ server: RunningServer) -> Int { counter("placet_reloads_total", of: server) }

    /// Failed loads so far; like successes, one write may fail more than once.
    func failedReloads(_ server: RunningServer) -> Int { counter("placet_reload_failures_total", of: server) }

    func counter(_ name: String, of server: RunningServer) -> Int {
        let metrics = server.server.metrics.render(pack: nil, ready: true)
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix("\(name) ") }) else { return 0 }
        return line.split(separator: " ").last.flatMap { Int($0) } ?? 0
    }

    @Test func aChangedPolicyFileIsReloadedAndABrokenOneKeepsThePreviousPack() async throws {
        let inventory = try EditableInventory()
        defer { inventory.remove() }
        try await RunningServer.with({ configuration in
            configuration.policies = inventory.policies.path
            configuration.paths = [inventory.manifests.path]
            configuration.watchInterval = .milliseconds(100)
        }) { server in
            let first = try #require(digest(server))
            // A comment changes the sources, so the digest, and nothing else.
            try inventory.append("\n# reviewed\n", to: "rules/gdpr.placet")
            try await server.waitUntil { digest(server) != first }
            let second = try #require(digest(server))
            #expect(try await server.get("/readyz").json["reason"] as? String == "serving \(inventory.policies.path)/ (\(second))")

            // A type error: the reload fails, the previous pack keeps serving.
            try inventory.append("\nrule broken.rule\n  effect block\n  cites \"x\"\n  when placement.nonexistent\n  message \"x\"\n", to: "rules/gdpr.placet")
            // Waiting for exactly one failure hung under load: the atomic write's temporary file
            // and its rename can both be seen, and two failures land between two looks.
            try await server.waitUntil { failedReloads(server) >= 1 }
            #expect(digest(server) == second)
            let ready = try await server.get("/readyz")
            #expect(ready.status == 200)
            #expect((ready.json["reason"] as? String)?.contains("the last reload failed and the previous pack is kept") == true)
            #expect((ready.json["reason"] as? String)?.contains("unknown field 'nonexistent' on Placement") == true)
            let check = try await server.request("POST", "/v1/check?as_of=2028-01-01", body: ServerHTTPTests.chatbot)
            #expect(check.status == 200)
            #expect(check.json["policyDigest"] as? String == second)

            // A reference manifest changes: that reloads too, and the fixed pack serves again.
            let policyFile = inventory.policies.appendingPathComponent("rules/gdpr.placet")
            let fixed = try String(contentsOf: policyFile, encoding: .utf8).components(separatedBy: "\nrule broken.rule")[0]
            // Only the fixed file loads: any reload before it is in place reads the broken one.
            let reloadsBeforeTheFix = successfulReloads(server)
            try fixed.write(to: policyFile, atomically: true, encoding: .utf8)
            try await server.waitUntil { successfulReloads(server) > reloadsBeforeTheFix }
            #expect(digest(server) == second)
            #expect(try await server.get("/readyz").json["reason"] as? String == "serving \(inventory.policies.path)/ (\(second))")
        }
    }

    @Test func withoutALoadablePackTheServerIsNotReadyAndSaysWhy() async throws {
        let inventory = try EditableInventory()
        defer { inventory.remove() }
        try inventory.append("\nrule broken.rule\n  effect block\n", to: "rules/gdpr.placet")
        try await RunningServer.with({ configuration in
            configuration.policies = inventory.policies.path
            configuration.paths = [inventory.manifests.path]
        }) { server in
            let ready = try await server.get("/readyz")
            #expect(ready.status == 503)
            #expect(ready.json["ready"] as? Bool == false)
            #expect((ready.json["reason"] as? String)?.hasPrefix("no policy pack loaded: ") == true)
            let check = try await server.request("POST", "/v1/check", body: ServerHTTPTests.chatbot)
            #expect(check.status == 503)
            let admission = try await server.post("/v1/admission", ServedFixtures.review("job"))
            #expect(admission.status == 503)
            #expect(try await server.get("/healthz").status == 200)
            #expect(try await server.get("/metrics").text.contains("placet_ready 0\n"))
        }
    }

    @Test func aClusterTargetTheReferencesDoNotDefineIsALoadError() async throws {
        try await RunningServer.with({ $0.clusterTarget = "onprem-fra-gp" }) { server in
            let ready = try await server.get("/readyz")
            #expect(ready.status == 503)
            #expect(ready.json["reason"] as? String == "no policy pack loaded: error: --cluster-target: no Target with id 'onprem-fra-gp' in the reference manifests; did you mean 'onprem-fra-gpu'?")
        }
    }

    /// How the kubelet writes a ConfigMap volume: the files in a timestamped hidden folder,
    /// `..data` pointing at it, and each top-level name a link through `..data`; an update writes
    /// a new folder and swaps `..data` (renaming a new link over it, as the kubelet does).
    struct ConfigMapVolume {
        let root: URL
        private(set) var generation = 0

        init(at root: URL) throws {
            self.root = root
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        mutating func publish(_ files: [String: Data]) throws {
            generation += 1
            let fileManager = FileManager.default
            let folder = "..2026_12_01_10_00_0\(generation).\(generation)"
            for (path, data) in files {
                let url = root.appendingPathComponent(folder).appendingPathComponent(path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
            let link = root.appendingPathComponent("..data_tmp").path
            try? fileManager.removeItem(atPath: link)
            try fileManager.createSymbolicLink(atPath: link, withDestinationPath: folder)
            guard rename(link, root.appendingPathComponent("..data").path) == 0 else { throw TestFailure("cannot swap ..data") }
            for top in Set(files.keys.map { String($0.split(separator: "/")[0]) }) where !fileManager.fileExists(atPath: root.appendingPathComponent(top).path) {
                try fileManager.createSymbolicLink(atPath: root.appendingPathComponent(top).path, withDestinationPath: "..data/\(top)")
            }
        }
    }

    static func files(under folder: URL, extensions: Set<String>) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return files }
        for case let relative as String in walker where extensions.contains((relative as NSString).pathExtension) {
            files[relative] = try Data(contentsOf: folder.appendingPathComponent(relative))
        }
        return files
    }

    @Test func configMapVolumesAreReadOnceWithThePacksOwnDigestAndReloadedOnUpdate() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-configmap-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var policies = try ConfigMapVolume(at: root.appendingPathComponent("policies"))
        try policies.publish(try Self.files(under: Fixtures.policiesDirectory, extensions: ["placet", "yaml"]).filter { !$0.key.hasPrefix("examples/") && !$0.key.hasPrefix("tests/") })
        var manifests = try ConfigMapVolume(at: root.appendingPathComponent("manifests"))
        var files = try Self.files(under: Fixtures.acmeDirectory, extensions: ["yaml", "json", "jsonl"])
        try manifests.publish(files)
        try await RunningServer.with({ configuration in
            configuration.policies = policies.root.path
            configuration.paths = [manifests.root.path]
            configuration.watchInterval = .milliseconds(100)
        }) { server in
            let pack = try #require(server.server.store.current, "\(server.server.store.readiness.reason)")
            #expect(pack.policy.digest == ServedFixtures.pack.policy.digest)
            #expect(pack.references.inventory.files.map { ($0.path as NSString).lastPathComponent }.sorted() == files.keys.sorted())
            // The kubelet publishes an update: a new target appears.
            files["targets.yaml"]! += Data("---\napiVersion: placet/v1\nkind: Target\nid: onprem-new\nprovider: onprem\ncountry: DE\noperator: ctl-acme-de\n".utf8)
            try manifests.publish(files)
            try await server.waitUntil { server.server.store.current?.references.inventory.tables.contains { $0.indexByID["onprem-new"] != nil } == true }
            #expect(server.server.store.current?.policy.digest == ServedFixtures.pack.policy.digest)
        }
    }

    /// The executable: listens on the port it reports, reloads on SIGHUP, exits 0 on SIGTERM.
    @Test func theCommandReloadsOnSIGHUPAndStopsOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = PlacetExecutable.url
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--cluster-target", "onprem-fra-gpu", "--watch-interval", "0",
                             "--log-format", "json", "policies/examples/acme"]
        process.currentDirectoryURL = Fixtures.packageRoot
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let log = Locked("")
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            log.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            errors.fileHandleForReading.readabilityHandler = nil
        }
        func waitForLog(_ text: String) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while !log.withLock({ $0.contains(text) }) {
                guard ContinuousClock.now < deadline, process.isRunning else { throw TestFailure("no '\(text)' in the log:\n\(log.withLock { $0 })") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await waitForLog("\"reason\":\"start\"")
        let port = try #require(log.withLock { text in
            text.firstMatch(of: /127\.0\.0\.1:(\d+)"/).flatMap { Int($0.1) }
        })
        let ready = try await HTTPTestClient.send(port: port, HTTPTestClient.request("GET", "/readyz", body: [], contentType: nil))
        #expect(ready.status == 200)
        // Structured logs: every line is a JSON object.
        for line in log.withLock({ $0 }).split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] != nil, "\(line)")
        }
        kill(process.processIdentifier, SIGHUP)
        try await waitForLog("\"reason\":\"SIGHUP\"")
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "placet serve did not stop within 30 s of SIGTERM")
        if !process.isRunning { #expect(process.terminationStatus == 0, "\(log.withLock { $0 })") }
    }
}
