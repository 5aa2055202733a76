// `placet serve` end to end: the real server started on a free loopback port, real HTTP and
// HTTPS requests, every endpoint, a recorded AdmissionReview for each workload kind, every
// limit, bad input, the decision log. Each test starts and stops its own server.

import Foundation
import PlacetReports
import PlacetServer
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct ServerHTTPTests {
    static let chatbot = Array(ServedFixtures.chatbotPlacement.utf8)

    @Test func everyEndpointAnswers() async throws {
        try await RunningServer.with { server in
            let health = try await server.get("/healthz")
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            let ready = try await server.get("/readyz")
            #expect(ready.status == 200 && ready.json["ready"] as? Bool == true)
            let digest = ServedFixtures.pack.policy.digest
            #expect((ready.json["reason"] as? String)?.contains(digest) == true)

            let rules = try await server.get("/v1/rules")
            #expect(rules.status == 200)
            #expect(((try JSONSerialization.jsonObject(with: Data(rules.body))) as? [[String: Any]])?.count == ServedFixtures.pack.policy.rules.count)

            let check = try await server.request("POST", "/v1/check?as_of=2028-01-01", body: Self.chatbot)
            #expect(check.status == 200)
            #expect(check.headers["content-type"] == "application/json")
            #expect(check.json[path: "summary", "blocked"] as? Int == 1)

            let question = try await server.post("/v1/where?as_of=2028-01-01",
                                                  #"{"model": "mdl-hr-attrition", "datasets": ["ds-hr-analytics"], "workload": "training", "stage": "development"}"#)
            #expect(question.status == 200)
            #expect(((question.json["compliant"] as? [[String: Any]])?.first)?["target"] as? String == "onprem-fra-gpu")

            let admitted = try await server.post("/v1/admission", ServedFixtures.review("job"))
            #expect(admitted.status == 200)
            #expect(admitted.json[path: "response", "allowed"] as? Bool == true)
            let denied = try await server.post("/v1/admission/gcp-us-central1", ServedFixtures.review("job"))
            #expect(denied.json[path: "response", "allowed"] as? Bool == false)
            #expect((denied.json[path: "response", "status", "message"] as? String)?.contains("residency.location [ds-hr-analytics]") == true)

            let missing = try await server.get("/v1/nothing-here")
            #expect(missing.status == 404)

            let metrics = try await server.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            for line in [
                "placet_decisions_total{endpoint=\"check\",outcome=\"block\"} 1",
                "placet_decisions_total{endpoint=\"admission\",outcome=\"approve\"} 1",
                "placet_decisions_total{endpoint=\"admission\",outcome=\"block\"} 1",
                "placet_findings_total{rule=\"gdpr.transfer\",effect=\"block\"} 2",
                "placet_http_requests_total{endpoint=\"check\",code=\"200\"} 1",
                "placet_request_duration_seconds_count{endpoint=\"admission\"} 2",
                "placet_request_duration_seconds_bucket{endpoint=\"admission\",le=\"+Inf\"} 2",
                "placet_reloads_total 1",
                "placet_reload_failures_total 0",
                "placet_ready 1",
                "placet_policy_info{digest=\"\(digest)\",pack=\"\(ServedFixtures.pack.policy.packName)\"} 1",
                "# TYPE placet_request_duration_seconds histogram",
            ] {
                #expect(text.contains(line + "\n"), "missing: \(line)")
            }
        }
    }

    @Test func eachRecordedAdmissionReviewIsAnswered() async throws {
        try await RunningServer.with { server in
            for kind in ServedFixtures.admissionKinds {
                let response = try await server.post("/v1/admission", ServedFixtures.review(kind))
                #expect(response.status == 200, "\(kind)")
                #expect(response.json[path: "response", "allowed"] as? Bool == true, "\(kind): \(response.text)")
                #expect(response.json[path: "response", "uid"] as? String != nil)
            }
        }
    }

    @Test(.enabled(if: TestCertificate.openssl != nil || ProcessInfo.processInfo.environment["CI"] == "true",
                   "needs openssl to make a certificate (install it; with CI=true this test fails instead)"))
    func httpsWithACertificateMadeHere() async throws {
        let (certificate, key) = try #require(try TestCertificate.make())
        defer { try? FileManager.default.removeItem(atPath: (certificate as NSString).deletingLastPathComponent) }
        try await RunningServer.with({ $0.tls = .init(certificate: certificate, privateKey: key) }) { server in
            let health = try await server.get("/healthz")
            #expect(health.status == 200)
            let admitted = try await server.post("/v1/admission", ServedFixtures.review("rayjob"))
            #expect(admitted.json[path: "response", "allowed"] as? Bool == true)
            // Plain HTTP to the TLS port gets no HTTP answer.
            let plain = try? await HTTPTestClient.send(port: server.port, HTTPTestClient.request("GET", "/healthz", body: [], contentType: nil),
                                                       timeout: .seconds(10))
            #expect(plain == nil || plain?.status != 200)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await RunningServer.with({ $0.limits.maximumBodyBytes = 1_000 }) { server in
            let large = Array(repeating: UInt8(ascii: " "), count: 5_000)
            let declared = try await server.request("POST", "/v1/check", body: large)
            #expect(declared.status == 413)
            #expect((declared.json["error"] as? String)?.contains("over the limit of 1000 bytes") == true)
            // Without a Content-Length the body is cut off while it is read.
            let chunk = Array("1388\r\n".utf8) + large + Array("\r\n0\r\n\r\n".utf8)
            let chunked = try await HTTPTestClient.send(port: server.port, HTTPTestClient.request(
                "POST", "/v1/check", body: chunk, contentType: "application/json", headers: [("Transfer-Encoding", "chunked")]))
            #expect(chunked.status == 413)
            #expect(server.server.metrics.render(pack: nil, ready: true).contains("placet_requests_rejected_total{reason=\"body_too_large\"} 2\n"))
        }
    }

    @Test func aRequestNotAnsweredInTimeIs408() async throws {
        try await RunningServer.with({ $0.limits.requestTimeout = .milliseconds(500) }) { server in
            // The head promises 100 bytes; 10 arrive; the rest never does.
            let head = Array("POST /v1/check HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n".utf8)
            let started = ContinuousClock.now
            let response = try await HTTPTestClient.send(port: server.port, head + Array("[{\"apiVer".utf8), timeout: .seconds(20))
            #expect(response.status == 408)
            #expect(ContinuousClock.now - started < TestTiming.duration(.seconds(10)))
            #expect((response.json["error"] as? String)?.contains("not answered within") == true)
        }
    }

    @Test func requestsOverTheConcurrencyLimitAre503() async throws {
        try await RunningServer.with({ configuration in
            configuration.limits.maximumConcurrentRequests = 1
            configuration.limits.requestTimeout = .seconds(3)
        }) { server in
            let head = Array("POST /v1/check HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n".utf8)
            let port = server.port
            let slow = Task { try await HTTPTestClient.send(port: port, head + Array("[".utf8), timeout: .seconds(20)) }
            try await server.waitUntil { server.server.metrics.render(pack: nil, ready: true).contains("placet_requests_in_flight 1\n") }
            let refused = try await server.request("POST", "/v1/check", body: Self.chatbot)
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "1")
            #expect((refused.json["error"] as? String)?.contains("too many requests at once") == true)
            // Probes are answered all the same.
            #expect(try await server.get("/healthz").status == 200)
            #expect(try await slow.value.status == 408)
            #expect(try await server.request("POST", "/v1/check", body: Self.chatbot).status == 200)
        }
    }

    @Test func badInputIs400WithTheLoadersDiagnostics() async throws {
        try await RunningServer.with { server in
            let wrongType = try await server.request("POST", "/v1/check", body: Self.chatbot, contentType: "application/x-www-form-urlencoded")
            #expect(wrongType.status == 400)
            #expect((wrongType.json["errors"] as? [[String: Any]])?.first?["id"] as? String == "request.contentType")
            let malformed = try await server.post("/v1/check", "{\"apiVersion\": \"placet/v1\",\n  \"kind\": Placement}")
            #expect(malformed.status == 400)
            let error = try #require((malformed.json["errors"] as? [[String: Any]])?.first)
            #expect(error["line"] as? Int == 2 && error["column"] as? Int == 11)
            #expect(!malformed.text.contains("\"approve\""))
            let review = try await server.post("/v1/admission", "{\"apiVersion\": \"admission.k8s.io/v1\"}")
            #expect(review.status == 400)
            let yaml = try await server.post("/v1/where", "model: mdl-hr-attrition", contentType: "application/yaml")
            #expect(yaml.status == 400)
        }
    }

    @Test func everyDecisionButDryRunsIsLoggedInOneChain() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placet-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("decisions.jsonl").path
        try await RunningServer.with({ $0.decisionLog = log }) { server in
            #expect(try await server.request("POST", "/v1/check?as_of=2028-01-01", body: Self.chatbot).status == 200)
            let dryRun = ServedFixtures.review("job").replacingOccurrences(of: "\"dryRun\":false", with: "\"dryRun\":true")
            #expect(try await server.post("/v1/admission", dryRun).json[path: "response", "allowed"] as? Bool == true)
            #expect(try await server.post("/v1/check", "[]").status == 400)
            // Concurrent requests share appends; the chain stays one chain.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for kind in ServedFixtures.admissionKinds + ServedFixtures.admissionKinds {
                    group.addTask { try await server.post("/v1/admission", ServedFixtures.review(kind)).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            let contents = try String(contentsOfFile: log, encoding: .utf8)
            #expect(DecisionLog.verify(contents) == .intact(records: 1 + 2 * ServedFixtures.admissionKinds.count))
            #expect(contents.contains("\"placement\":\"pl-chatbot-finetune-gcp\""))
            #expect(contents.contains("\"placement\":\"Job/ml-training/hr-attrition-job\""))
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
