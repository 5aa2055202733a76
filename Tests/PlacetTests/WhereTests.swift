// `placet where`: compliant targets ranked by cost, the others with the rules excluding them.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetWorkflows
import Testing

@Suite struct WhereTests {
    private func search(_ request: TargetSearch.Request, asOf: String = "2028-01-01") -> (TargetSearch.Result?, [Diagnostic]) {
        TargetSearch(policy: Fixtures.baseline, asOf: CivilDate(iso: asOf)!).search(request, inputs: [], paths: [Fixtures.acmeDirectory.path])
    }

    @Test func compliantTargetsAreRankedByCostAndOthersSayWhy() throws {
        let (result, diagnostics) = search(.init(model: "mdl-support-chatbot", datasets: ["ds-support-transcripts"],
                                                 workload: "inference", stage: "production", framework: nil))
        #expect(diagnostics.isEmpty)
        let found = try #require(result)
        #expect(found.compliant.map(\.target) == ["onprem-fra-gpu", "aws-us-east-1", "ovh-gra", "azure-brazil", "aws-eu-central-1", "azure-norway-east"])
        #expect(found.compliant.map(\.gpuHourCost) == found.compliant.map(\.gpuHourCost).sorted())
        #expect(Dictionary(uniqueKeysWithValues: found.excluded.map { ($0.target, $0.blockingRules) }) == [
            "aws-ap-south-1": ["gdpr.transfer"],
            "colo-ams-gpu": ["gdpr.processor-contract"],
            "gcp-us-central1": ["gdpr.transfer"],
            "nimbus-eu-west": ["gdpr.transfer"],
        ])
        #expect(found.excluded.map(\.target) == ["aws-ap-south-1", "colo-ams-gpu", "gcp-us-central1", "nimbus-eu-west"])
    }

    @Test func brazilIsNotAdequateBeforeItsDecision() throws {
        let (result, _) = search(.init(model: "mdl-support-chatbot", datasets: ["ds-support-transcripts"],
                                       workload: "inference", stage: "production", framework: nil), asOf: "2026-01-25")
        #expect(try #require(result).excluded.map(\.target).contains("azure-brazil"))
        let (adopted, _) = search(.init(model: "mdl-support-chatbot", datasets: ["ds-support-transcripts"],
                                        workload: "inference", stage: "production", framework: nil), asOf: "2026-01-26")
        #expect(try #require(adopted).compliant.map(\.target).contains("azure-brazil"))
    }

    @Test func frameworkExcludesTargetsThatDoNotOfferIt() throws {
        let (result, _) = search(.init(model: "mdl-hr-attrition", datasets: [], workload: "training", stage: "development", framework: "slurm"))
        let found = try #require(result)
        #expect(found.compliant.map(\.target) == ["onprem-fra-gpu"])
        // Every other target but colo-ams-gpu lacks slurm; outside the EU, the model's EU-resident
        // training data (lineage) also excludes it, and without adequacy the transfer rule too;
        // colo-ams-gpu offers slurm but has no Art. 28 agreement.
        #expect(Dictionary(uniqueKeysWithValues: found.excluded.map { ($0.target, $0.blockingRules) }) == [
            "aws-ap-south-1": ["gdpr.transfer", "platform.framework", "residency.location"],
            "aws-eu-central-1": ["platform.framework"],
            "aws-us-east-1": ["platform.framework", "residency.location"],
            "azure-brazil": ["platform.framework", "residency.location"],
            "azure-norway-east": ["platform.framework", "residency.location"],
            "colo-ams-gpu": ["gdpr.processor-contract"],
            "gcp-us-central1": ["gdpr.transfer", "platform.framework", "residency.location"],
            "nimbus-eu-west": ["gdpr.transfer", "platform.framework"],
            "ovh-gra": ["platform.framework"],
        ])
    }

    @Test func unknownIdsAndValuesAreErrors() {
        let (result, diagnostics) = search(.init(model: "mdl-nope", datasets: [], workload: "juggling", stage: "production", framework: nil))
        #expect(result == nil)
        let messages = diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("unknown Workload 'juggling'") })
        #expect(messages.contains { $0.contains("no Model with id 'mdl-nope'") })
    }

    @Test func commandExitsByWhetherAnyTargetIsCompliant() throws {
        let ok = try PlacetExecutable.run(["where", "--model", "mdl-support-chatbot", "--datasets", "ds-support-transcripts",
                                           "--workload", "inference", "--stage", "production", "--as-of", "2028-01-01",
                                           "--format", "json", "policies/examples/acme"])
        #expect(ok.status == 0)
        let object = try JSONSerialization.jsonObject(with: ok.stdoutData) as? [String: Any]
        #expect((object?["compliant"] as? [[String: Any]])?.first?["target"] as? String == "onprem-fra-gpu")
        let none = try PlacetExecutable.run(["where", "--model", "mdl-citizen-score", "--workload", "inference", "--stage", "production",
                                             "--as-of", "2028-01-01", "policies/examples/acme"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("no compliant target"))
    }
}
