// `placet explain` and `placet test`: explanations that show the deciding values, and the
// policy-test runner with its coverage.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows
import Testing

@Suite struct ExplainTests {
    private func explain(_ placement: String, asOf: String) throws -> Explanation {
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
        return try #require(PlacementExplainer(policy: Fixtures.baseline, asOf: CivilDate(iso: asOf)!)
            .explain(placement: placement, in: loaded.inventory))
    }

    private func lines(_ explanation: Explanation, rule: String) -> [String] {
        explanation.rules.first { $0.rule == rule }?.lines.map(\.text) ?? []
    }

    @Test func transferExplainsAdequacyDownToTheField() throws {
        let explanation = try explain("pl-chatbot-finetune-gcp", asOf: "2028-01-01")
        #expect(explanation.decision.outcome == .block)
        #expect(explanation.rules.first { $0.rule == "gdpr.transfer" }?.status == .fired)
        let transfer = lines(explanation, rule: "gdpr.transfer")
        #expect(transfer.contains("for each d in located(placement): ds-support-transcripts, ds-product-catalog"))
        #expect(transfer.contains("restrictedDestination(t) = true"))
        #expect(transfer.contains("restricted(c = US, t = gcp-us-central1) because:"))
        #expect(transfer.contains("runByController(d = ds-support-transcripts, t = gcp-us-central1) because:"))
        #expect(transfer.contains("t.operator is present = false  (t.operator = none)"))
        #expect(transfer.contains("safeguarded(d = ds-support-transcripts, t = gcp-us-central1) because:"))
        #expect(transfer.contains("d.transferMechanisms intersect t.transferMechanisms intersect ART46_SAFEGUARDS is not empty = false  "
            + "(d.transferMechanisms = [], t.transferMechanisms = [])"))
        // Down to the adequacy decision and the field that decided it.
        #expect(transfer.contains("adequate(c = US, t = gcp-us-central1) because:"))
        #expect(transfer.contains("ADEQUACY[c].from <= today = true  (ADEQUACY[c].from = 2023-07-10)"))
        #expect(transfer.contains("t.dpfCertified = false"))
        #expect(transfer.contains("=> condition holds: finding"))
        #expect(explanation.rules.map(\.rule) == Fixtures.baseline.rules.map(\.id).sorted())
    }

    @Test func notYetEffectiveRulesSaySo() throws {
        let explanation = try explain("pl-cv-screener-prod", asOf: "2026-11-29")
        #expect(explanation.decision.outcome == .approve)
        let status = explanation.rules.first { $0.rule == "aiact.high-risk-conformity" }?.status
        #expect(status == .notYetEffective(CivilDate(iso: "2027-12-02")!))
        let later = try explain("pl-credit-scoring-batch-onprem", asOf: "2028-01-01")
        #expect(later.rules.first { $0.rule == "aiact.high-risk-conformity" }?.status == .fired)
        #expect(lines(later, rule: "aiact.high-risk-conformity").contains("m.conformityAssessment < completed = true  (m.conformityAssessment = inProgress)"))
    }

    @Test func ruleThatDidNotFireShowsTheFalseLeaf() throws {
        let explanation = try explain("pl-chatbot-finetune-gcp", asOf: "2028-01-01")
        #expect(explanation.rules.first { $0.rule == "aiact.transparency" }?.status == .didNotFire)
        #expect(lines(explanation, rule: "aiact.transparency").contains("p.stage == production = false  (p.stage = development)"))
    }

    @Test func commandExitsLikeCheckAndNamesUnknownPlacements() throws {
        let blocked = try PlacetExecutable.run(["explain", "--placement", "pl-chatbot-finetune-gcp", "--as-of", "2028-01-01", "policies/examples/acme"])
        #expect(blocked.status == 1)
        #expect(blocked.stdout.hasPrefix("placement pl-chatbot-finetune-gcp, as of 2028-01-01: BLOCK\n"))
        #expect(blocked.stdout.contains("gdpr.transfer (block): FIRED — GDPR Art. 44; GDPR Art. 45; GDPR Art. 46; GDPR Art. 49"))
        let unknown = try PlacetExecutable.run(["explain", "--placement", "pl-chatbot-finetune-gpc", "policies/examples/acme"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no placement 'pl-chatbot-finetune-gpc'; did you mean 'pl-chatbot-finetune-gcp'?"))
    }
}

@Suite struct PolicyTestRunnerTests {
    private func write(_ text: String) throws -> (directory: URL, file: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("sample.test.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (directory, file.path)
    }

    static let base = """
        fixtures:
          base:
            - {apiVersion: placet/v1, kind: Controller, id: c-1, establishedIn: [DE]}
            - {apiVersion: placet/v1, kind: Target, id: t-fra, provider: aws, country: DE, accessFrom: [DE], processorAgreement: true}
            - {apiVersion: placet/v1, kind: Model, id: m-1, useCase: general, riskTier: minimal}
        tests:
        """

    private func run(_ text: String) throws -> PolicyTestRun {
        let (directory, file) = try write(text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (run, diagnostics) = PolicyTestRunner(policy: Fixtures.baseline, defaultAsOf: CivilDate(iso: "2028-01-01")!).run(files: [file])
        #expect(diagnostics.map(\.message) == [])
        return run
    }

    @Test func passingAndFailingTestsAreReportedWithExpectedAndActual() throws {
        let run = try run(Self.base + """

              - name: passes
                asOf: 2028-01-01
                use: [base]
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: true, controller: c-1, trainingPurposeCompatible: true, dataSubjects: [EU]}
                  - {apiVersion: placet/v1, kind: Placement, id: pl-1, workload: training, model: m-1, datasets: [ds-1], target: t-fra, stage: development}
                expect:
                  pl-1: {decision: block, findings: ["gdpr.lawful-basis [ds-1]"]}
              - name: fails
                asOf: 2028-01-01
                use: [base]
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: true, controller: c-1, trainingPurposeCompatible: true, dataSubjects: [EU]}
                  - {apiVersion: placet/v1, kind: Placement, id: pl-1, workload: training, model: m-1, datasets: [ds-1], target: t-fra, stage: development}
                expect:
                  pl-1: {decision: approve, findings: []}
            """)
        #expect(run.passed == 1)
        #expect(run.failed == 1)
        #expect(run.results[1].failures == [
            "pl-1: expected decision approve, got block",
            "pl-1: expected findings [], got [gdpr.lawful-basis [ds-1]]",
        ])
    }

    @Test func manifestErrorsFailTheTest() throws {
        let run = try run(Self.base + """

              - name: broken manifest
                use: [base]
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalDta: true}
                expect:
                  pl-1: {decision: approve}
            """)
        #expect(run.failed == 1)
        #expect(run.results[0].failures.first?.contains("unknown field 'personalDta' on") == false)
        #expect(run.results[0].failures.first?.contains("Dataset 'ds-1': unknown field 'personalDta'; did you mean 'personalData'?") == true)
    }

    @Test func coverageCountsFiredNotFiredAndBranches() throws {
        let run = try run(Self.base + """

              - name: lawful basis missing
                asOf: 2028-01-01
                use: [base]
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: true, controller: c-1, trainingPurposeCompatible: true, dataSubjects: [EU]}
                  - {apiVersion: placet/v1, kind: Placement, id: pl-1, workload: training, model: m-1, datasets: [ds-1], target: t-fra, stage: development}
                expect:
                  pl-1: {decision: block}
            """)
        let rule = try #require(run.coverage.rules.first { $0.rule == "gdpr.lawful-basis" })
        #expect(rule.fired)
        #expect(!rule.notFired)
        #expect(rule.leafTexts == ["personal(d)", "d.lawfulBasis is absent"])
        #expect(rule.leafTrue == [true, true])
        #expect(rule.leafFalse == [false, false])
        #expect(rule.gaps == ["no test makes it not fire", "branch `personal(d)` never false", "branch `d.lawfulBasis is absent` never false"])
        let prohibited = try #require(run.coverage.rules.first { $0.rule == "aiact.prohibited" })
        #expect(prohibited.dated)
        #expect(!prohibited.beforeEffective)
        #expect(run.coverage.percent < 100)
    }

    @Test func unknownKeysAreErrorsNotIgnored() throws {
        let (directory, file) = try write(Self.base + "\n  - name: typo\n    expct:\n      pl-1: {decision: block}\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, diagnostics) = PolicyTestRunner(policy: Fixtures.baseline, defaultAsOf: CivilDate(iso: "2028-01-01")!).parse(file: file)
        #expect(diagnostics.map(\.message).contains("unknown key 'expct' in a test; did you mean 'expect'?"))
        #expect(diagnostics.first?.location?.line == 8)
    }

    /// The bar for the bundled pack: every rule, branch, date boundary and waiver case tested.
    @Test func bundledPackTestsPassWithFullCoverage() throws {
        let result = try PlacetExecutable.run(["test", "policies", "--coverage", "--threshold", "100"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("coverage: 100.0% ("))
        #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
        let files = PolicyTestRunner.discover(directory: Fixtures.policiesDirectory.path).files
        let (run, diagnostics) = PolicyTestRunner(policy: Fixtures.baseline, defaultAsOf: CivilDate(iso: "2028-01-01")!).run(files: files)
        #expect(diagnostics.isEmpty)
        #expect(run.results.count >= 100)
        #expect(run.coverage.rules.allSatisfy { $0.gaps.isEmpty })
    }

    @Test func commandPrintsSummaryAndExitCodes() throws {
        let (directory, _) = try write(Self.base + """

              - name: wrong expectation
                asOf: 2028-01-01
                use: [base]
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: false}
                  - {apiVersion: placet/v1, kind: Placement, id: pl-1, workload: training, model: m-1, datasets: [ds-1], target: t-fra, stage: development}
                expect:
                  pl-1: {decision: block}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PlacetExecutable.run(["test", directory.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL: \(directory.path)/sample.test.yaml:7: wrong expectation\n  pl-1: expected decision block, got approve\n"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    /// One placement where gdpr.lawful-basis blocks and aiact.gpai-classification warns: `rules:` picks which a test is about.
    static let twoRules = """
        fixtures:
          base:
            - {apiVersion: placet/v1, kind: Controller, id: c-1, establishedIn: [DE]}
            - {apiVersion: placet/v1, kind: Target, id: t-fra, provider: aws, country: DE, accessFrom: [DE], processorAgreement: true}
            - {apiVersion: placet/v1, kind: Model, id: m-1, useCase: general, riskTier: minimal, trainingFlops: 2e23}
            - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: true, controller: c-1, trainingPurposeCompatible: true, dataSubjects: [EU]}
            - {apiVersion: placet/v1, kind: Placement, id: pl-1, workload: inference, model: m-1, datasets: [ds-1], target: t-fra, stage: production}
        """

    @Test func aTestAboutOneRuleIgnoresTheOthersFindings() throws {
        let run = try run(Self.twoRules + """

            tests:
              - name: about the lawful basis
                rules: [gdpr.lawful-basis]
                use: [base]
                expect:
                  pl-1: {decision: block, findings: ["gdpr.lawful-basis [ds-1]"]}
              - name: about every rule
                use: [base]
                expect:
                  pl-1: {decision: block, findings: ["gdpr.lawful-basis [ds-1]"]}
            """)
        #expect(run.results.map(\.failures) == [[], ["pl-1: expected findings [gdpr.lawful-basis [ds-1]], got [aiact.gpai-classification [m-1]; gdpr.lawful-basis [ds-1]]"]])
        #expect(run.results.map(\.test.rules) == [["gdpr.lawful-basis"], nil])
        // Coverage still sees every rule the test evaluated, not only the ones it is about.
        #expect(run.coverage.rules.first { $0.rule == "aiact.gpai-classification" }?.fired == true)
    }

    @Test func theDecisionOfAWarnOnlyRuleIsApprove() throws {
        let run = try run(Self.twoRules + """

            tests:
              - name: about the transparency warning
                rules: aiact.gpai-classification
                use: [base]
                expect:
                  pl-1: {decision: approve, findings: ["aiact.gpai-classification [m-1]"]}
              - name: a block expected from a warning fails
                rules: [aiact.gpai-classification]
                use: [base]
                expect:
                  pl-1: {decision: block}
            """)
        #expect(run.results.map(\.failures) == [[], ["pl-1: expected decision block, got approve"]])
    }

    @Test func theFilesRulesAreTheDefaultAndATestsOwnReplaceThem() throws {
        let run = try run(Self.twoRules + """

            rules: [aiact.gpai-classification]
            tests:
              - name: the file's default
                use: [base]
                expect:
                  pl-1: {decision: approve, findings: ["aiact.gpai-classification [m-1]"]}
              - name: its own rules
                rules: [gdpr.lawful-basis, gdpr.transfer]
                use: [base]
                expect:
                  pl-1: {decision: block, findings: ["gdpr.lawful-basis [ds-1]"]}
              - name: the default does not see the block
                use: [base]
                expect:
                  pl-1: {decision: block}
            """)
        #expect(run.results.map(\.test.rules) == [["aiact.gpai-classification"], ["gdpr.lawful-basis", "gdpr.transfer"], ["aiact.gpai-classification"]])
        #expect(run.results.map(\.failures) == [[], [], ["pl-1: expected decision block, got approve"]])
    }

    @Test func anUnknownRuleIsAnErrorAtItsPlace() throws {
        let (directory, file) = try write(Self.twoRules + """

            rules: [aiact.transparncy]
            tests:
              - name: misspelt
                rules: [gdpr.lawful-basis, gdpr.lawfull-basis]
                use: [base]
                expect:
                  pl-1: {decision: block}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (tests, diagnostics) = PolicyTestRunner(policy: Fixtures.baseline, defaultAsOf: CivilDate(iso: "2028-01-01")!).parse(file: file)
        #expect(tests.isEmpty)
        #expect(diagnostics.map(\.id) == ["test.unknownRule", "test.unknownRule"])
        #expect(diagnostics.map(\.message) == ["unknown rule 'aiact.transparncy' in 'rules'; did you mean 'aiact.transparency'?",
                                               "unknown rule 'gdpr.lawfull-basis' in 'rules'; did you mean 'gdpr.lawful-basis'?"])
        #expect(diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" } == ["8:9", "11:32"])

        let result = try PlacetExecutable.run(["test", directory.path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("""
            \(file):8:9: error: unknown rule 'aiact.transparncy' in 'rules'; did you mean 'aiact.transparency'?
             8 | rules: [aiact.transparncy]
               |         ^~~~~~~~~~~~~~~~~
            """), "\(result.stderr)")
        #expect(result.stderr.contains("\(file):11:32: error: unknown rule 'gdpr.lawfull-basis' in 'rules'; did you mean 'gdpr.lawful-basis'?\n"))
    }
}
