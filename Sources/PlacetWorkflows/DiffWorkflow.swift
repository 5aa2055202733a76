// `diff`: the impact of a policy change before it is merged. The same manifests are checked
// with the old and the new policies on the same date; `DiffReport` compares the outcomes.

import BaselinePack
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetReports

public enum DiffWorkflow {
    /// Both sides, each resolved by the one rule (`PolicyPack.resolve`: the folder given, else
    /// ./policies, else `bundled`); a side whose pack cannot be read carries that error, so both
    /// sides are still reported.
    public static func run(oldPolicies: String?, newPolicies: String?, paths: [String], asOf: CivilDate,
                           bundled: () throws -> PolicyPack = BaselinePack.pack) -> DiffReport {
        let old = side(policies: oldPolicies, paths: paths, asOf: asOf, bundled: bundled)
        let new = side(policies: newPolicies, paths: paths, asOf: asOf, bundled: bundled)
        return DiffReport(old: old, new: new)
    }

    /// The first path that is a policy folder: the old form was `diff OLD NEW PATH...`, and a
    /// policy folder among the manifest paths would be read as manifests (its tests and examples).
    public static func policyFolder(among paths: [String]) -> String? {
        paths.first(where: PolicyPack.holdsPolicies(directory:))
    }

    private static func side(policies: String?, paths: [String], asOf: CivilDate, bundled: () throws -> PolicyPack) -> Report {
        do {
            let pack = try PolicyPack.resolve(option: policies, bundled: bundled)
            return CheckWorkflow.run(pack: pack, paths: paths, asOf: asOf)
        } catch {
            let message = (error as? PolicyLoadError)?.message ?? "\(error)"
            return CheckWorkflow.failed(asOf: asOf, Diagnostic(id: "policy.unreadable", message: message))
        }
    }
}
