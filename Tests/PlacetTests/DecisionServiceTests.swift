// The server's decisions without HTTP: what `DecisionService` answers for check, where, rules
// and admission reviews, against the example inventory as reference manifests. The same
// placement gets the same decision object as `check --format json`; errors decide nothing.

import BaselinePack
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetServer
import PlacetWorkflows
import Testing

enum ServedFixtures {
    static let configuration: ServerConfiguration = {
        var configuration = ServerConfiguration(policies: Fixtures.policiesDirectory.path, paths: [Fixtures.acmeDirectory.path],
                                                bundledPack: BaselinePack.pack)
        configuration.clusterTarget = "onprem-fra-gpu"
        return configuration
    }()

    /// The example inventory served once for every test here.
    static let pack: ServedPack = {
        switch ServedPack.load(configuration) {
        case .success(let pack): return pack
        case .failure(let failure): preconditionFailure("the example inventory does not load: \(failure.summary)")
        }
    }()

    static let service = DecisionService(pack: pack)

    static let admissionDirectory = Fixtures.packageRoot.appendingPathComponent("Tests/PlacetTests/Fixtures/admission")
    static let admissionKinds = ["pod", "job", "cronjob", "deployment", "statefulset", "rayjob", "raycluster", "sparkapplication", "pytorchjob"]

    static func review(_ kind: String) -> String {
        (try? String(contentsOf: admissionDirectory.appendingPathComponent("\(kind).json"), encoding: .utf8)) ?? ""
    }

    static let chatbotPlacement = """
        {"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-chatbot-finetune-gcp", "workload": "fineTuning",
         "model": "mdl-support-chatbot", "datasets": ["ds-support-transcripts"], "target": "gcp-us-central1", "stage": "development"}
        """
}

func json(_ response: ServiceResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
}

extension [String: Any] {
    subscript(path path: String...) -> Any? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }
}

@Suite struct DecisionServiceTests {
    let service = ServedFixtures.service

    @Test func aPlacementInTheBodyGetsTheDecisionObjectCheckWrites() throws {
        let response = service.check(body: Array(ServedFixtures.chatbotPlacement.utf8), contentType: "application/json", asOf: "2028-01-01")
        #expect(response.status == 200)
        let cli = CheckWorkflow.run(pack: try PolicyPack(directory: Fixtures.policiesDirectory.path), paths: [Fixtures.acmeDirectory.path],
                                    asOf: CivilDate(iso: "2028-01-01")!)
        let expected = try #require(cli.decisions.first { $0.placement == "pl-chatbot-finetune-gcp" })
        let served = try #require(response.decisions.first)
        #expect(served.outcome == expected.outcome)
        #expect(served.summaries == expected.summaries)
        #expect(served.findings.map(\.message) == expected.findings.map(\.message))
        #expect(served.findings.map(\.citations) == expected.findings.map(\.citations))
        let object = json(response)
        #expect(object[path: "summary", "blocked"] as? Int == 1)
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        #expect(decisions.count == 1)
        #expect((decisions[0]["findings"] as? [[String: Any]])?.map { $0["rule"] as? String } == ["gdpr.purpose-limitation", "gdpr.transfer"])
        // The reference waiver for this placement id is found, and has expired.
        #expect((object["notices"] as? [[String: Any]])?.first?["waiver"] as? String == "w-chatbot-transfer-2026")
        #expect(response.loggable != nil)
    }

    @Test func aReferenceWaiverAppliesToTheRequestsPlacementWithItsID() throws {
        let body = """
            apiVersion: placet/v1
            kind: Placement
            id: pl-patient-archive-backup
            workload: storage
            datasets: [ds-patient-records]
            target: aws-eu-central-1
            stage: production
            """
        let response = service.check(body: Array(body.utf8), contentType: "application/yaml", asOf: "2028-01-01")
        #expect(response.status == 200, "\(response.text)")
        let decision = try #require(response.decisions.first)
        #expect(decision.outcome == .approve)
        #expect(decision.summaries == ["residency.sovereign [ds-patient-records] waived"])
        #expect(decision.findings.first?.waiver == "w-patient-backup-sovereign")
    }

    @Test(arguments: [
        ("application/x-ndjson", "{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"pl-a\", \"workload\": \"training\", \"model\": \"mdl-hr-attrition\", \"datasets\": [\"ds-hr-analytics\"], \"target\": \"onprem-fra-gpu\", \"stage\": \"development\"}\n{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"pl-b\", \"workload\": \"training\", \"model\": \"mdl-hr-attrition\", \"datasets\": [\"ds-hr-analytics\"], \"target\": \"aws-us-east-1\", \"stage\": \"development\"}"),
        ("application/json", "[{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"pl-a\", \"workload\": \"training\", \"model\": \"mdl-hr-attrition\", \"datasets\": [\"ds-hr-analytics\"], \"target\": \"onprem-fra-gpu\", \"stage\": \"development\"}, {\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"pl-b\", \"workload\": \"training\", \"model\": \"mdl-hr-attrition\", \"datasets\": [\"ds-hr-analytics\"], \"target\": \"aws-us-east-1\", \"stage\": \"development\"}]"),
    ])
    func jsonArraysAndJSONLinesDecideEveryPlacement(contentType: String, body: String) {
        let response = service.check(body: Array(body.utf8), contentType: contentType, asOf: "2028-01-01")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.decisions.map(\.placement) == ["pl-a", "pl-b"])
        #expect(response.decisions.map(\.outcome) == [.approve, .block])
        #expect(response.decisions[1].summaries == ["residency.location [ds-hr-analytics]"])
    }

    @Test func manifestsInTheBodyJoinTheReferences() throws {
        let body = """
            [{"apiVersion": "placet/v1", "kind": "Dataset", "id": "ds-new-telemetry", "personalData": false},
             {"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-new", "workload": "storage", "datasets": ["ds-new-telemetry"],
              "target": "aws-us-east-1", "stage": "production"}]
            """
        let response = service.check(body: Array(body.utf8), contentType: "application/json")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.decisions.map(\.outcome) == [.approve])
    }

    /// Bad input decides nothing: 400 with the loader's diagnostics, positioned in the body.
    @Test(arguments: [
        ("{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"x\",\n \"workload\": \"trainig\", \"model\": \"mdl-hr-attrition\", \"target\": \"onprem-fra-gpu\", \"stage\": \"development\"}",
         "manifest.unknownValue", 2, 14, "Placement 'x', field 'workload': unknown Workload 'trainig'; did you mean 'training'?"),
        ("{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"x\", \"workload\": \"training\", \"model\": \"mdl-hr-attrition\",\n \"target\": \"onprem-fra-gpu-2\", \"stage\": \"development\"}",
         "manifest.danglingReference", 2, 12, "Placement 'x', field 'target': no Target with id 'onprem-fra-gpu-2'; did you mean 'onprem-fra-gpu'?"),
        ("{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"x\", \"workload\": ",
         "manifest.malformedJSON", 1, 73, nil),
        ("{\"apiVersion\": \"placet/v1\", \"kind\": \"Dataset\", \"id\": \"ds-hr-analytics\", \"personalData\": false}",
         "manifest.duplicateID", 1, 54, nil),
    ] as [(String, String, Int, Int, String?)])
    func badManifestsAre400WithPositionedErrors(body: String, id: String, line: Int, column: Int, message: String?) throws {
        let response = service.check(body: Array(body.utf8), contentType: "application/json")
        #expect(response.status == 400)
        #expect(response.refused)
        #expect(response.decisions.isEmpty && response.loggable == nil)
        let object = json(response)
        #expect((object["decisions"] as? [Any])?.isEmpty == true)
        let error = try #require((object["errors"] as? [[String: Any]])?.first, "\(response.text)")
        #expect(error["id"] as? String == id)
        #expect(error["file"] as? String == "<request>")
        #expect(error["line"] as? Int == line)
        #expect(error["column"] as? Int == column)
        if let message { #expect(error["message"] as? String == message) }
        #expect(!response.text.contains("\"approve\""))
    }

    @Test(arguments: [
        ("text/plain", nil as String?, nil as String?, "request.contentType"),
        (nil, nil, nil, "request.contentType"),
        ("application/json", "2028-13-01", nil, "request.badAsOf"),
        ("application/json", nil, "maybe", "request.badParameter"),
    ] as [(String?, String?, String?, String)])
    func badRequestsAre400(contentType: String?, asOf: String?, explain: String?, id: String) throws {
        let response = service.check(body: Array(ServedFixtures.chatbotPlacement.utf8), contentType: contentType, asOf: asOf, explain: explain)
        #expect(response.status == 400)
        #expect(response.decisions.isEmpty)
        let errors = try #require(json(response)["errors"] as? [[String: Any]])
        #expect(errors.first?["id"] as? String == id)
    }

    @Test func aBodyWithoutPlacementsDecidesNothing() throws {
        let response = service.check(body: Array("[]".utf8), contentType: "application/json")
        #expect(response.status == 400)
        let errors = try #require(json(response)["errors"] as? [[String: Any]])
        #expect(errors.map { $0["id"] as? String } == ["check.noPlacements"])
    }

    @Test func explainAddsTheTraceAsData() throws {
        let response = service.check(body: Array(ServedFixtures.chatbotPlacement.utf8), contentType: "application/json", asOf: "2028-01-01",
                                     explain: "true")
        #expect(response.status == 200)
        let object = json(response)
        let explanation = try #require((object["explanations"] as? [[String: Any]])?.first, "\(response.text.suffix(300))")
        #expect(explanation["placement"] as? String == "pl-chatbot-finetune-gcp")
        let rules = try #require(explanation["rules"] as? [[String: Any]])
        let transfer = try #require(rules.first { $0["rule"] as? String == "gdpr.transfer" })
        #expect(transfer["status"] as? String == "fired")
        let trace = (transfer["trace"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(trace.contains { $0.hasPrefix("restrictedTransfer(d, placement.target) = true") })
        #expect(object[path: "summary", "placements"] as? Int == 1)
    }

    @Test func rulesAreThePacksRuleTable() {
        let response = service.rules()
        let expected = RuleTableRenderer(policy: ServedFixtures.pack.policy).render(.json)
        #expect(response.text == expected)
    }

    @Test func whereRanksTargetsAsTheCommandDoes() throws {
        let body = """
            {"model": "mdl-support-chatbot", "datasets": ["ds-support-transcripts"], "workload": "inference", "stage": "production"}
            """
        let response = service.search(body: Array(body.utf8), contentType: "application/json", asOf: "2028-01-01")
        #expect(response.status == 200, "\(response.text)")
        let object = json(response)
        let compliant = (object["compliant"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String }
        let request = TargetSearch.Request(model: "mdl-support-chatbot", datasets: ["ds-support-transcripts"], workload: "inference",
                                           stage: "production", framework: nil)
        let (expected, _) = TargetSearch(policy: ServedFixtures.pack.policy, asOf: CivilDate(iso: "2028-01-01")!)
            .search(request, inputs: [], paths: [Fixtures.acmeDirectory.path])
        #expect(compliant == expected?.compliant.map(\.target))
        let excluded = (object["excluded"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String }
        #expect(excluded == expected?.excluded.map(\.target))
        let first = try #require((object["excluded"] as? [[String: Any]])?.first)
        #expect((first["rules"] as? [String])?.isEmpty == false)
        #expect(first[path: "decision", "decision"] as? String == "block")
    }

    @Test func aWrongWhereQuestionIsReportedWhereItIsWritten() throws {
        let body = "{\"model\": \"mdl-support-chatbot\",\n \"workload\": \"infer\", \"stage\": \"production\"}"
        let response = service.search(body: Array(body.utf8), contentType: "application/json")
        #expect(response.status == 400)
        let error = try #require((json(response)["errors"] as? [[String: Any]])?.first)
        #expect(error["line"] as? Int == 2)
        #expect(error["column"] as? Int == 14)
        #expect((error["message"] as? String)?.contains("unknown Workload 'infer'") == true)
        let fixed = service.search(body: Array("{\"target\": \"x\", \"workload\": \"inference\", \"stage\": \"production\"}".utf8),
                                   contentType: "application/json")
        #expect(fixed.status == 400)
        #expect((json(fixed)["errors"] as? [[String: Any]])?.first?["id"] as? String == "where.fixedField")
    }
}
