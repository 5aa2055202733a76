// Manifest bytes in one format, loaded against the bundled baseline schema as `check` loads
// them: every error lies inside the input, an input with an error is never assessed (check's
// fail-closed rule, as CheckWorkflow applies it), and an input without one gets exactly one
// decision per placement, which renders as JSON and text.

import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

public enum ManifestFuzzing {
    /// Ids about an input as a whole, which name no place in it.
    static let wholeInput: Set = ["manifest.tooManyErrors", "manifest.tooLarge"]

    public static func run(_ bytes: [UInt8], format: ManifestFormat) {
        let path = "fuzz.\(format.rawValue)"
        let policy = FuzzFixtures.baseline
        let loaded = ManifestLoader(policy: policy).load(inputs: [ManifestInput(path: path, bytes: bytes, format: format)])
        FuzzContract.locationsInside(loaded.diagnostics, path: path, bytes: bytes, lineBreaks: format.lineBreaks)
        FuzzContract.errorsLocated(loaded.diagnostics, path: path, exempt: wholeInput)

        let placements = loaded.inventory.tables[policy.program.placementRecord]
        let assessment = loaded.hasErrors ? nil : PlacementAssessor(policy: policy, asOf: FuzzFixtures.asOf).assess(loaded.inventory)
        let report = Report(engineVersion: "fuzz", policyDigest: policy.digest, asOf: FuzzFixtures.asOf, inputs: loaded.inventory.files,
                            assessment: assessment, diagnostics: loaded.diagnostics)
        if let assessment {
            FuzzContract.require(assessment.decisions.count == placements.count,
                                 "\(placements.count) placement(s) but \(assessment.decisions.count) decision(s)")
            FuzzContract.require(Set(assessment.decisions.map(\.placement)) == Set(placements.ids),
                                 "the decisions are not one per placement id")
        }
        ReportContract.failsClosed(JSONRenderer().render(report), hasErrors: loaded.hasErrors)
        _ = TextRenderer().render(report)
    }
}
