// The files in deploy/ and the pre-commit hooks parse and say what the README promises: the
// webhook fails closed on enforced namespaces for every workload kind the server handles, the
// Deployment has two replicas ready on /readyz and mounts every policy file where the pack has
// it (so the digest in the cluster is the digest in CI), and the CI integrations report.

import Foundation
import Testing
import Yams

@Suite struct DeployFilesTests {
    static let deploy = Fixtures.packageRoot.appendingPathComponent("deploy")

    static func documents(_ relativePath: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: deploy.appendingPathComponent(relativePath), encoding: .utf8)
        return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    }

    @Test func theDeploymentRunsTwoReplicasReadyOnReadyzWithEveryPolicyFileInPlace() throws {
        let documents = try Self.documents("kubernetes/deployment.yaml")
        let deployment = try #require(documents.first { $0["kind"] as? String == "Deployment" })
        #expect(deployment[path: "spec", "replicas"] as? Int == 2)
        let pod = try #require(deployment[path: "spec", "template", "spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container[path: "readinessProbe", "httpGet", "path"] as? String == "/readyz")
        #expect(container[path: "livenessProbe", "httpGet", "path"] as? String == "/healthz")
        let args = container["args"] as? [String] ?? []
        #expect(args.first == "serve")
        #expect(args.contains("--policies=/etc/placet/policies") && args.contains("/etc/placet/manifests"))
        #expect(args.contains { $0.hasPrefix("--tls-cert=") } && args.contains { $0.hasPrefix("--tls-key=") })
        let volumes = try #require(pod["volumes"] as? [[String: Any]])
        let policies = try #require(volumes.first { $0["name"] as? String == "policies" })
        let items = (policies[path: "configMap", "items"] as? [[String: Any]] ?? []).compactMap { item -> String? in
            guard let key = item["key"] as? String, let path = item["path"] as? String, (path as NSString).lastPathComponent == key else { return nil }
            return path
        }
        let walker = FileManager.default.enumerator(atPath: Fixtures.policiesDirectory.path)
        let packFiles = (walker?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".placet") || $0 == "pack.yaml" }
            .filter { !$0.hasPrefix("examples/") && !$0.hasPrefix("tests/") }
        #expect(items.sorted() == packFiles.sorted())
        #expect(documents.contains { $0["kind"] as? String == "Service" })
        #expect(documents.contains { $0["kind"] as? String == "PodDisruptionBudget" })
    }

    @Test func theWebhookFailsClosedOnEnforcedNamespacesForEveryWorkloadKind() throws {
        let configuration = try #require(try Self.documents("kubernetes/webhook.yaml").first)
        #expect(configuration["kind"] as? String == "ValidatingWebhookConfiguration")
        let webhooks = try #require(configuration["webhooks"] as? [[String: Any]])
        #expect(!webhooks.isEmpty)
        for webhook in webhooks {
            #expect(webhook["failurePolicy"] as? String == "Fail")
            #expect(webhook["admissionReviewVersions"] as? [String] == ["v1"])
            #expect(webhook["sideEffects"] as? String == "NoneOnDryRun")
            #expect(webhook[path: "namespaceSelector", "matchLabels", "placet.dev/enforce"] as? String == "true")
            #expect((webhook[path: "clientConfig", "service", "path"] as? String)?.hasPrefix("/v1/admission") == true)
            let resources = (webhook["rules"] as? [[String: Any]] ?? []).flatMap { $0["resources"] as? [String] ?? [] }
            for resource in ["pods", "jobs", "cronjobs", "deployments", "statefulsets", "rayjobs", "rayclusters", "sparkapplications", "pytorchjobs"] {
                #expect(resources.contains(resource), "\(resource)")
            }
        }
    }

    @Test func theCIIntegrationsRunPlacetAndReport() throws {
        let action = try #require(try Self.documents("github-action/action.yml").first)
        #expect(action[path: "runs", "using"] as? String == "composite")
        let steps = action[path: "runs", "steps"] as? [[String: Any]] ?? []
        #expect(steps.contains { ($0["run"] as? String)?.contains("args=(check --format sarif") == true })
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("github/codeql-action/upload-sarif@") == true })

        let gitlab = try #require(try Self.documents("gitlab/placet.gitlab-ci.yml").first)
        #expect(gitlab[path: "placet-check", "artifacts", "reports", "junit"] as? String == "placet-junit.xml")
        #expect((gitlab[path: "placet-check", "script"] as? [String])?.first?.contains("--format junit") == true)

        let hooksText = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let hooks = try #require(try Yams.load(yaml: hooksText) as? [[String: Any]])
        #expect(hooks.map { $0["id"] as? String } == ["placet-fmt", "placet-lint"])
        #expect(hooks.map { $0["entry"] as? String } == ["placet fmt --check", "placet lint"])
    }

    /// No Docker daemon runs here, so the image is not built in the tests; this holds the
    /// Dockerfile to what its build needs. SwiftPM plans every target before building one, so a
    /// test target's folder missing from the build stage fails `swift build --product placet`
    /// (it did until Tests was copied). The run stage must have the heap library the shipped
    /// build links.
    @Test func theDockerfileCopiesWhatTheBuildReadsAndInstallsWhatTheBinaryLinks() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("docker/Dockerfile"), encoding: .utf8)
        let stages = text.components(separatedBy: "\nFROM ").dropFirst()
        try #require(stages.count == 2, "a build stage and a run stage")
        let build = stages[stages.startIndex], run = stages[stages.startIndex + 1]
        let copied = Set(build.split(separator: "\n").filter { $0.hasPrefix("COPY ") }.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) })
        let root = Fixtures.packageRoot
        let folders = ["Sources", "Plugins", "Tests", "policies"].filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
        #expect(folders.count == 4)
        for needed in ["Package.swift", "scripts/release-build.sh"] + folders {
            #expect(copied.contains(needed), "the build stage does not copy \(needed)")
        }
        #expect(build.contains("scripts/release-build.sh)"), "the build stage builds with scripts/release-build.sh")
        #expect(build.contains("libmimalloc-dev") && run.contains("libmimalloc2.0"))
        #expect(run.contains("libxml2 "))
    }
}
