// `check`: policies, manifests, assessment, as one report. `placet check`, each side of
// `placet diff` and `placet bench` take this path.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

/// The path every command that decides takes: policies, manifests, assessment.
public enum CheckWorkflow {
    /// Seconds spent in each phase, for `placet bench`.
    public struct Timings: Sendable {
        public var load = 0.0
        public var assess = 0.0

        public init() {}
    }

    public static func run(pack: PolicyPack, paths: [String], asOf: CivilDate, standardInput: StandardInput? = nil,
                           allowEmpty: Bool = false) -> Report {
        var timings = Timings()
        return run(pack: pack, paths: paths, asOf: asOf, standardInput: standardInput, allowEmpty: allowEmpty, timings: &timings)
    }

    public static func run(pack: PolicyPack, paths: [String], asOf: CivilDate, standardInput: StandardInput? = nil,
                           allowEmpty: Bool = false, timings: inout Timings) -> Report {
        let started = Date()
        let (compiled, policyDiagnostics) = CompiledPolicy.compile(pack: pack)
        guard let policy = compiled else {
            return Report(engineVersion: PlacetVersion.current, policyDigest: "", policyPack: pack.name, asOf: asOf, inputs: [],
                          assessment: nil, diagnostics: policyDiagnostics)
        }
        let loaded = ManifestLoader(policy: policy).load(paths: paths, standardInput: standardInput)
        var diagnostics = policyDiagnostics + loaded.diagnostics
        if !allowEmpty, !diagnostics.contains(where: \.isError),
           loaded.inventory.tables[policy.program.placementRecord].ids.isEmpty {
            // A pipeline pointed at the wrong folder must not pass with nothing decided.
            diagnostics.append(Diagnostic(
                id: "check.noPlacements",
                message: "no Placement manifests in \(paths.joined(separator: ", ")): nothing to decide; pass --allow-empty if that is intended"))
        }
        let assessing = Date()
        timings.load = assessing.timeIntervalSince(started)
        let assessment = diagnostics.contains(where: \.isError)
            ? nil : PlacementAssessor(policy: policy, asOf: asOf).assess(loaded.inventory)
        timings.assess = Date().timeIntervalSince(assessing)
        return Report(engineVersion: PlacetVersion.current, policyDigest: policy.digest, policyPack: policy.packName, asOf: asOf,
                      inputs: loaded.inventory.files, assessment: assessment, diagnostics: diagnostics,
                      rules: policy.rules.map(RuleDescriptor.init))
    }

    /// A report that decides nothing, for a run that could not start (an unreadable pack).
    public static func failed(asOf: CivilDate, _ diagnostic: Diagnostic) -> Report {
        Report(engineVersion: PlacetVersion.current, policyDigest: "", asOf: asOf, inputs: [], assessment: nil, diagnostics: [diagnostic])
    }

    /// 2 on any error (fail closed), else 1 when anything is blocked, else 0.
    public static func exitStatus(_ report: Report) -> Int32 {
        if !report.errors.isEmpty || report.assessment == nil { return 2 }
        return report.summary.blocked > 0 ? 1 : 0
    }
}
