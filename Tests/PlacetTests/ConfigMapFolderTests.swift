// `placet check` on folders mounted from Kubernetes ConfigMaps: each file is read once (not
// again through `..data` and the timestamped folder), and the pack's digest is its own.

import Foundation
import Testing

@Suite struct ConfigMapFolderTests {
    @Test func checkReadsAConfigMapVolumeOnceWithThePacksOwnDigest() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-configmap-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var policies = try ServerLifecycleTests.ConfigMapVolume(at: root.appendingPathComponent("policies"))
        try policies.publish(try ServerLifecycleTests.files(under: Fixtures.policiesDirectory, extensions: ["placet", "yaml"])
            .filter { !$0.key.hasPrefix("examples/") && !$0.key.hasPrefix("tests/") })
        var manifests = try ServerLifecycleTests.ConfigMapVolume(at: root.appendingPathComponent("manifests"))
        try manifests.publish(try ServerLifecycleTests.files(under: Fixtures.acmeDirectory, extensions: ["yaml", "jsonl", "json", "xml"]))
        try manifests.publish(try ServerLifecycleTests.files(under: Fixtures.acmeDirectory, extensions: ["yaml", "jsonl", "json", "xml"]))

        let mounted = try PlacetExecutable.run(["check", "--format", "json", "--as-of", "2028-01-01", "--policies", root.appendingPathComponent("policies").path,
                                        root.appendingPathComponent("manifests").path])
        let plain = try PlacetExecutable.run(["check", "--format", "json", "--as-of", "2028-01-01", "--policies", Fixtures.policiesDirectory.path,
                                      Fixtures.acmeDirectory.path])
        #expect(mounted.status == plain.status)
        #expect(mounted.status == 1, "acme blocks some placements: \(mounted.stderr)")
        let mountedReport = try #require(try JSONSerialization.jsonObject(with: Data(mounted.stdout.utf8)) as? [String: Any])
        let plainReport = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(mountedReport["policyDigest"] as? String == plainReport["policyDigest"] as? String)
        #expect((mountedReport["summary"] as? [String: Int]) == (plainReport["summary"] as? [String: Int]))
        let inputs = (mountedReport["inputs"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        #expect(inputs.count == (plainReport["inputs"] as? [Any])?.count)
        #expect(!inputs.contains { $0.contains("/..") }, "\(inputs)")
    }
}
