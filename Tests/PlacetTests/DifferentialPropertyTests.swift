// Differential self-check: random well-typed policies (the baseline plus rules whose conditions
// come from EvaluatorPropertyTests' ConditionGenerator) over random inventories (the example
// inventory plus random placements) are decided the same way by `check` (PlacementAssessor),
// `explain` (PlacementExplainer's verdict and each rule's status and trace), and `test` (a
// test file expecting check's decisions passes, and its coverage saw each rule fire and not
// fire exactly where check did); and formatting the rules (`fmt`) changes no decision.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetWorkflows
import Testing

/// A random policy file and a random set of placements over the example inventory.
struct DifferentialCase {
    static let datasets = ["ds-hr-analytics", "ds-wellness-survey", "ds-patient-records", "ds-loan-applications", "ds-fraud-convictions",
                           "ds-support-transcripts", "ds-nordic-customers", "ds-clickstream", "ds-web-corpus", "ds-us-app-telemetry"]
    static let models = ["mdl-hr-attrition", "mdl-cv-screener", "mdl-credit-scoring", "mdl-support-chatbot", "mdl-citizen-score",
                         "mdl-acme-foundation", "mdl-sepsis-alert", "mdl-call-emotion", "mdl-telemetry-anomaly"]
    static let targets = ["aws-eu-central-1", "aws-us-east-1", "gcp-us-central1", "azure-brazil", "ovh-gra", "onprem-fra-gpu",
                          "azure-norway-east", "aws-ap-south-1", "nimbus-eu-west", "colo-ams-gpu"]
    static let workloads = ["training", "fineTuning", "inference", "batchScoring", "storage"]
    static let stages = ["development", "staging", "production"]

    var generator: ConditionGenerator
    var ruleIDs: [String] = []

    init(seed: UInt64) {
        generator = ConditionGenerator(state: seed)
    }

    /// Rules with random conditions, effects and (for some) an effective date between the two
    /// evaluation dates, written deliberately off the canonical layout so formatting has work to do.
    mutating func rules(count: Int) -> String {
        (0..<count).map { index in
            let id = "diff.r\(index)"
            ruleIDs.append(id)
            let effect = ["block", "warn"][generator.next(2)]
            let effective = generator.next(3) == 0 ? "\n    effective 2027-06-01" : ""
            return "rule \(id)\n    effect \(effect)\n    cites \"test \(index)\"\(effective)\n    when   \(generator.condition(3))\n    message \"r\(index)\"\n"
        }.joined(separator: "\n\n")
    }

    /// Placements as flow mappings, one per line (the form a test file's `manifests:` takes too).
    mutating func placements(count: Int) -> [String] {
        (0..<count).map { index in
            let workload = Self.workloads[generator.next(Self.workloads.count)]
            let datasets = (0..<generator.next(3)).map { _ in Self.datasets[generator.next(Self.datasets.count)] }
            let model = workload == "storage" && generator.next(2) == 0 ? "" : ", model: \(Self.models[generator.next(Self.models.count)])"
            return "{apiVersion: placet/v1, kind: Placement, id: pl-diff-\(index), workload: \(workload)\(model), "
                + "datasets: [\(Array(Set(datasets)).sorted().joined(separator: ", "))], target: \(Self.targets[generator.next(Self.targets.count)]), "
                + "stage: \(Self.stages[generator.next(Self.stages.count)])}"
        }
    }
}

@Suite struct DifferentialPropertyTests {
    static let dates = ["2026-11-29", "2028-01-01"]

    /// The example inventory's manifest files, read once.
    static let acmeFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.acmeDirectory.path)) ?? []
        return names.filter { ManifestFormat(path: $0) != nil }.sorted().map { Fixtures.acmeDirectory.appendingPathComponent($0).path }
    }()

    static func described(_ decision: Decision) -> [String] {
        decision.findings.map { "\($0.rule) [\($0.subjects.joined(separator: ","))]" + ($0.waived ? " waived" : "") }.sorted()
    }

    /// What check decides for every placement: the loader and the assessor, as CheckWorkflow runs them.
    static func check(_ policy: CompiledPolicy, placements: [String], asOf: CivilDate) throws -> (Inventory, [Decision]) {
        let inputs = try acmeFiles.map { ManifestInput(path: $0, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0)))) }
            + [ManifestInput(path: "random-placements.yaml", text: placements.map { "--- " + $0 }.joined(separator: "\n") + "\n")]
        let loaded = ManifestLoader(policy: policy).load(inputs: inputs)
        #expect(loaded.diagnostics.filter(\.isError).map(\.message) == [])
        return (loaded.inventory, PlacementAssessor(policy: policy, asOf: asOf).assess(loaded.inventory).decisions)
    }

    @Test(arguments: [UInt64(101), 102, 103, 104, 105, 106])
    func checkExplainAndTestAgreeAndFormattingChangesNoDecision(seed: UInt64) throws {
        var random = DifferentialCase(seed: seed)
        let rulesText = random.rules(count: 12)
        let placements = random.placements(count: 24)
        let (compiled, diagnostics) = Fixtures.compile(adding: rulesText, path: "diff.placet")
        #expect(diagnostics.filter(\.isError).map(\.message) == [], "generated:\n\(rulesText)")
        let policy = try #require(compiled)

        let formattedText = try #require(PolicyFormatter.format(SourceFile(path: "diff.placet", text: rulesText)).text)
        #expect(formattedText != rulesText, "the generated rules were already in canonical layout: fmt was not exercised")
        let formatted = try #require(Fixtures.compile(adding: formattedText, path: "diff.placet").0)

        var firedSomewhere = Set<String>()
        var quietSomewhere = Set<String>()
        var agreements = 0
        for iso in Self.dates {
            let asOf = try #require(CivilDate(iso: iso))
            let (inventory, decisions) = try Self.check(policy, placements: placements, asOf: asOf)
            let placementCount = inventory.tables[policy.program.placementRecord].count
            #expect(decisions.count == placementCount && placementCount >= placements.count)

            // fmt: the formatted rules decide every placement alike.
            let (_, reformatted) = try Self.check(formatted, placements: placements, asOf: asOf)
            #expect(reformatted.map(\.placement) == decisions.map(\.placement))
            for (before, after) in zip(decisions, reformatted) {
                #expect(before.outcome == after.outcome && Self.described(before) == Self.described(after),
                        "fmt changed \(before.placement) as of \(iso)")
            }

            // explain: the same verdict, and each generated rule's status and trace agree with check.
            let explainer = PlacementExplainer(policy: policy, asOf: asOf)
            for decision in decisions {
                let explanation = try #require(explainer.explain(placement: decision.placement, in: inventory))
                #expect(explanation.decision.outcome == decision.outcome, "\(decision.placement) as of \(iso)")
                #expect(Self.described(explanation.decision) == Self.described(decision), "\(decision.placement) as of \(iso)")
                let fired = Set(decision.findings.map(\.rule))
                for rule in explanation.rules where random.ruleIDs.contains(rule.rule) {
                    switch rule.status {
                    case .notYetEffective(let effective):
                        #expect(asOf < effective && !fired.contains(rule.rule))
                    case .fired, .didNotFire:
                        let holds = rule.lines.last?.text == "=> condition holds: finding"
                        #expect((rule.status == .fired) == fired.contains(rule.rule), "\(rule.rule) on \(decision.placement) as of \(iso)")
                        #expect(holds == fired.contains(rule.rule), "\(rule.rule) traced on \(decision.placement) as of \(iso)")
                        if fired.contains(rule.rule) { firedSomewhere.insert(rule.rule) } else { quietSomewhere.insert(rule.rule) }
                    }
                    agreements += 1
                }
            }

            // test: a test file expecting check's decisions of the random placements passes, and
            // its coverage saw each rule fire (and not fire) exactly where check did.
            let testPath = "/differential/random.test.yaml"
            let expectations = decisions.filter { $0.placement.hasPrefix("pl-diff-") }.map { decision in
                "      \(decision.placement): {decision: \(decision.outcome.rawValue), findings: [\(Self.described(decision).map { "\"\($0)\"" }.joined(separator: ", "))]}"
            }
            let testFile = """
                tests:
                  - name: random placements, seed \(seed)
                    asOf: \(iso)
                    files: [\(Self.acmeFiles.joined(separator: ", "))]
                    manifests:
                \(placements.map { "      - " + $0 }.joined(separator: "\n"))
                    expect:
                \(expectations.joined(separator: "\n"))

                """
            let runner = PolicyTestRunner(policy: policy, defaultAsOf: asOf) { path in
                path == testPath ? .success(Array(testFile.utf8)) : PolicyTestRunner.readFromDisk(path)
            }
            let (run, problems) = runner.run(files: [testPath])
            #expect(problems.map(\.message) == [])
            #expect(run.results.count == 1 && run.failed == 0, "\(run.results.flatMap(\.failures))")
            for coverage in run.coverage.rules where random.ruleIDs.contains(coverage.rule) {
                let rule = try #require(policy.rules.first { $0.id == coverage.rule })
                if let effective = rule.effective, asOf < effective {
                    #expect(coverage.beforeEffective && !coverage.fired && !coverage.notFired, "\(coverage.rule) as of \(iso)")
                    continue
                }
                let firing = decisions.contains { $0.findings.contains { $0.rule == coverage.rule } }
                let quiet = decisions.contains { !$0.findings.contains { $0.rule == coverage.rule } }
                #expect(coverage.fired == firing && coverage.notFired == quiet, "coverage of \(coverage.rule) as of \(iso)")
            }
        }
        // The comparison had something to compare: rules fired and stayed quiet.
        #expect(agreements >= random.ruleIDs.count * 2 * placements.count)
        #expect(!firedSomewhere.isEmpty && !quietSomewhere.isEmpty)
    }
}
