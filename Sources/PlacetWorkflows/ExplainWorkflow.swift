// `explain`: why one placement was approved or blocked, from the manifests it is read with.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

public enum ExplainWorkflow {
    /// The placement's explanation, or nil with the error diagnostics that stop it (a manifest
    /// error, or no placement with that id, with a did-you-mean). The loader's other diagnostics
    /// come back either way.
    public static func run(policy: CompiledPolicy, placement: String, paths: [String], standardInput: StandardInput? = nil,
                           asOf: CivilDate) -> (Explanation?, [Diagnostic]) {
        let loaded = ManifestLoader(policy: policy).load(paths: paths, standardInput: standardInput)
        guard !loaded.hasErrors else { return (nil, loaded.diagnostics) }
        guard let explanation = PlacementExplainer(policy: policy, asOf: asOf).explain(placement: placement, in: loaded.inventory) else {
            let known = loaded.inventory.tables[policy.program.placementRecord].ids
            return (nil, loaded.diagnostics + [Diagnostic(id: "explain.unknownPlacement",
                                                          message: "no placement '\(placement)'\(Suggestion.didYouMean(placement, in: known))")])
        }
        return (explanation, loaded.diagnostics)
    }
}
