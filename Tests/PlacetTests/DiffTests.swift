// `placet diff`: the impact of a policy change on the example inventory, placement by
// placement, as PolicyImpact computes it, as text and JSON, and through the command line.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import Testing

@Suite struct DiffTests {
    /// The baseline pack with one file's text changed, which must still change it.
    private static func baseline(editing path: String, _ old: String, _ new: String,
                                 sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [SourceFile] {
        Fixtures.baselineSources.map { source in
            guard source.path == path else { return source }
            #expect(source.text.contains(old), "\(path) has no '\(old)'", sourceLocation: sourceLocation)
            return SourceFile(path: path, text: source.text.replacingOccurrences(of: old, with: new))
        }
    }

    /// The example inventory assessed under these policies.
    private static func assess(_ sources: [SourceFile], asOf: String) -> Assessment? {
        guard let policy = CompiledPolicy.compile(sources: sources).0 else { return nil }
        let loaded = ManifestLoader(policy: policy).load(paths: [Fixtures.acmeDirectory.path])
        guard !loaded.hasErrors else { return nil }
        return PlacementAssessor(policy: policy, asOf: CivilDate(iso: asOf)!).assess(loaded.inventory)
    }

    /// A change as one line: `placement before -> after: -finding, +finding`.
    private static func summary(_ change: PlacementChange) -> String {
        func outcome(_ side: PlacementOutcome?) -> String { side?.outcome.rawValue ?? "none" }
        func finding(_ f: FindingSummary) -> String { "\(f.waived ? "waived" : f.effect.rawValue) \(f.rule) [\(f.subjects.joined(separator: ","))]" }
        let findings = change.removedFindings.map { "-" + finding($0) } + change.addedFindings.map { "+" + finding($0) }
        return "\(change.placement) \(outcome(change.before)) -> \(outcome(change.after)): \(findings.joined(separator: ", "))"
    }

    @Test func samePoliciesChangeNothing() throws {
        let assessment = try #require(DiffTests.assess(Fixtures.baselineSources, asOf: "2026-11-29"))
        let impact = PolicyImpact(old: assessment, new: assessment)
        #expect(impact.placements == 30)
        #expect(impact.changes.isEmpty)
        #expect(impact.decisionsChanged == 0 && impact.findingsChanged == 0)
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        let name: String
        let path: String
        let old: String
        let new: String
        let asOf: String
        let changes: [String]
        let decisionsChanged: Int
        let findingsChanged: Int
        var testDescription: String { name }
    }

    static let edits: [Edit] = [
        Edit(name: "lawful basis only warns", path: "rules/gdpr.placet",
             old: "rule gdpr.lawful-basis\n  effect block", new: "rule gdpr.lawful-basis\n  effect warn", asOf: "2026-11-29",
             changes: ["pl-marketing-recs-batch-eu block -> approve: -block gdpr.lawful-basis [ds-marketing-leads], +warn gdpr.lawful-basis [ds-marketing-leads]"],
             decisionsChanged: 1, findingsChanged: 0),
        Edit(name: "high-risk obligations brought forward", path: "rules/aiact.placet",
             old: "effective 2027-12-02", new: "effective 2026-01-01", asOf: "2026-11-29",
             changes: [
                // Conformity and oversight also test today >= highRiskFrom(m) (ANNEX_III_FROM), so they stay silent.
                "pl-citizen-score-dev block -> block: +block aiact.tier-understated [mdl-citizen-score]",
                "pl-credit-scoring-batch-onprem block -> block: +block aiact.high-risk-registration [mdl-credit-scoring]",
                "pl-credit-scoring-prod-eu block -> block: +block aiact.fundamental-rights-assessment [mdl-credit-scoring], "
                    + "+block aiact.high-risk-registration [mdl-credit-scoring]",
                "pl-cv-screener-prod approve -> block: +block aiact.high-risk-registration [mdl-cv-screener], "
                    + "+block aiact.tier-understated [mdl-cv-screener]",
                "pl-undress-gen-quarantine approve -> block: +block aiact.tier-understated [mdl-hub-undress-gen]",
             ],
             decisionsChanged: 2, findingsChanged: 3),
        Edit(name: "Brazil's adequacy decision a year later", path: "reference/sets.placet",
             old: "BR: {from: 2026-01-26", new: "BR: {from: 2027-01-26", asOf: "2026-11-29",
             changes: ["pl-chatbot-staging-brazil approve -> block: +block gdpr.transfer [ds-nordic-customers], +block gdpr.transfer [ds-support-transcripts]"],
             decisionsChanged: 1, findingsChanged: 0),
        Edit(name: "a reworded message", path: "rules/gdpr.placet",
             old: "records no lawful basis:", new: "has no lawful basis:", asOf: "2026-11-29",
             changes: [], decisionsChanged: 0, findingsChanged: 0),
    ]

    @Test(arguments: edits)
    func changedPoliciesChangeThesePlacements(_ edit: Edit) throws {
        let old = try #require(DiffTests.assess(Fixtures.baselineSources, asOf: edit.asOf))
        let new = try #require(DiffTests.assess(DiffTests.baseline(editing: edit.path, edit.old, edit.new), asOf: edit.asOf))
        let impact = PolicyImpact(old: old, new: new)
        #expect(impact.changes.map(DiffTests.summary) == edit.changes)
        #expect(impact.decisionsChanged == edit.decisionsChanged)
        #expect(impact.findingsChanged == edit.findingsChanged)
        #expect(impact.placements == 30)
        #expect(impact.oldPolicyDigest != impact.newPolicyDigest)
    }

    /// Reports for the lawful-basis edit, as the command builds them.
    private static func lawfulBasisReport() throws -> DiffReport {
        func report(_ sources: [SourceFile]) throws -> Report {
            let policy = try #require(CompiledPolicy.compile(sources: sources).0)
            let assessment = try #require(assess(sources, asOf: "2026-11-29"))
            return Report(engineVersion: "0.1.0", policyDigest: policy.digest, asOf: assessment.asOf, inputs: assessment.inputs,
                          assessment: assessment, diagnostics: [])
        }
        let edited = baseline(editing: "rules/gdpr.placet", "rule gdpr.lawful-basis\n  effect block", "rule gdpr.lawful-basis\n  effect warn")
        return DiffReport(old: try report(Fixtures.baselineSources), new: try report(edited))
    }

    @Test func textShowsEachChangeWithBeforeAndAfter() throws {
        let report = try DiffTests.lawfulBasisReport()
        #expect(report.exitStatus == 1)
        #expect(String(decoding: DiffTextRenderer().render(report), as: UTF8.self) == """
            pl-marketing-recs-batch-eu: block -> approve
              - block  gdpr.lawful-basis [ds-marketing-leads]
              + warn   gdpr.lawful-basis [ds-marketing-leads]
            30 placements: 1 decision changed, 0 with changed findings only (as of 2026-11-29)

            """)
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let report = try DiffTests.lawfulBasisReport()
        let bytes = DiffJSONRenderer().render(report)
        #expect(bytes == DiffJSONRenderer().render(report))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(Set(object.keys) == ["asOf", "old", "new", "summary", "changes", "errors"])
        #expect(object["asOf"] as? String == "2026-11-29")
        #expect((object["old"] as? [String: String])?["policyDigest"] == report.oldPolicyDigest)
        #expect((object["new"] as? [String: String])?["policyDigest"] == report.newPolicyDigest)
        #expect(object["summary"] as? [String: Int] == ["placements": 30, "decisionsChanged": 1, "findingsChanged": 0])
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.count == 1)
        #expect(changes.first?["placement"] as? String == "pl-marketing-recs-batch-eu")
        let before = try #require(changes.first?["before"] as? [String: Any])
        let after = try #require(changes.first?["after"] as? [String: Any])
        #expect(before["decision"] as? String == "block")
        #expect(after["decision"] as? String == "approve")
        let beforeFinding = try #require((before["findings"] as? [[String: Any]])?.first)
        #expect(beforeFinding["rule"] as? String == "gdpr.lawful-basis")
        #expect(beforeFinding["effect"] as? String == "block")
        #expect(beforeFinding["waived"] as? Bool == false)
        #expect(beforeFinding["subjects"] as? [String] == ["ds-marketing-leads"])
        #expect((after["findings"] as? [[String: Any]])?.first?["effect"] as? String == "warn")
        #expect((object["errors"] as? [Any])?.isEmpty == true)
        // A finding is one line, as in check's JSON.
        #expect(String(decoding: bytes, as: UTF8.self).contains(
            #"[{"rule": "gdpr.lawful-basis", "effect": "warn", "waived": false, "subjects": ["ds-marketing-leads"]}]"#))
    }

    // MARK: Command line

    @Test func commandExitsZeroWhenNothingChanges() throws {
        let result = try PlacetExecutable.run(["diff", "policies", "--policies", "policies", "policies/examples/acme", "--as-of", "2026-11-29"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "30 placements: no decision or finding changes (as of 2026-11-29)\n")
        #expect(result.stderr == "")
        let json = try PlacetExecutable.run(["diff", "policies", "--policies", "policies", "policies/examples/acme", "--as-of", "2026-11-29", "--format", "json"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect((object?["changes"] as? [Any])?.isEmpty == true)
        #expect(object?["summary"] as? [String: Int] == ["placements": 30, "decisionsChanged": 0, "findingsChanged": 0])
    }

    @Test func commandExitsOneWhenADecisionChanges() throws {
        let directory = try LintTests.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gdpr = directory.appendingPathComponent("rules/gdpr.placet")
        let text = try String(contentsOf: gdpr, encoding: .utf8)
        try text.replacingOccurrences(of: "rule gdpr.lawful-basis\n  effect block", with: "rule gdpr.lawful-basis\n  effect warn")
            .write(to: gdpr, atomically: true, encoding: .utf8)

        let result = try PlacetExecutable.run(["diff", "policies", "--policies", directory.path, "policies/examples/acme", "--as-of", "2026-11-29"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout == """
            pl-marketing-recs-batch-eu: block -> approve
              - block  gdpr.lawful-basis [ds-marketing-leads]
              + warn   gdpr.lawful-basis [ds-marketing-leads]
            30 placements: 1 decision changed, 0 with changed findings only (as of 2026-11-29)

            """)
        let json = try PlacetExecutable.run(["diff", "policies", "--policies", directory.path, "policies/examples/acme", "--as-of", "2026-11-29",
                                             "--format", "json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect((object?["changes"] as? [[String: Any]])?.map { $0["placement"] as? String } == ["pl-marketing-recs-batch-eu"])
    }

    @Test func commandExitsTwoOnAnErrorInEitherRun() throws {
        let directory = try LintTests.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: directory) }
        let definitions = directory.appendingPathComponent("reference/definitions.placet")
        let text = try String(contentsOf: definitions, encoding: .utf8)
        try text.replacingOccurrences(of: "d.personalData and not d.anonymised", with: "d.personalDta and not d.anonymised")
            .write(to: definitions, atomically: true, encoding: .utf8)

        for arguments in [["policies", "--policies", directory.path], [directory.path, "--policies", "policies"]] {
            let result = try PlacetExecutable.run(["diff"] + arguments + ["policies/examples/acme", "--as-of", "2026-11-29", "--format", "json"])
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("\(directory.path)/reference/definitions.placet:5:36: error: unknown field 'personalDta' on Dataset"))
            let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
            #expect((object?["changes"] as? [Any])?.isEmpty == true)
            #expect((object?["errors"] as? [[String: Any]])?.map { $0["id"] as? String } == ["type.unknownField"])
        }
        let missing = try PlacetExecutable.run(["diff", "policies", "--policies", directory.path + "-missing", "policies/examples/acme"])
        #expect(missing.status == 2)
        #expect(missing.stdout == "1 error: nothing was compared (the errors are on standard error)\n")
        #expect(missing.stderr.hasPrefix("error: policy directory '\(directory.path)-missing' does not exist\n"), "\(missing.stderr)")
        let usage = try PlacetExecutable.run(["diff", "policies"])
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("Error: give the old policy folder and at least one manifest file or directory\n"), "\(usage.stderr)")
    }

    /// The old form `diff OLD NEW PATH...` would read NEW's tests and examples as manifests.
    @Test func aPolicyFolderAmongThePathsIsRefused() throws {
        let result = try PlacetExecutable.run(["diff", "policies", "policies", "policies/examples/acme"])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: 'policies' is a policy folder, not manifests: the new policies are given as --policies policies"))
    }
}
