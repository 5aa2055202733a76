// What `placet diff` has to say: the impact of a policy change on one inventory, or the
// errors of either run (then nothing is compared: fail closed).

import PlacetEngine
import PlacetLanguage

public struct DiffReport: Sendable {
    public var asOf: CivilDate
    public var oldPolicyDigest: String
    public var newPolicyDigest: String
    /// Nil when either run stopped on an error.
    public var impact: PolicyImpact?
    /// The errors of both runs; one that both runs report (a bad manifest) is listed once.
    public var errors: [Diagnostic]

    public init(old: Report, new: Report) {
        asOf = new.asOf
        oldPolicyDigest = old.policyDigest
        newPolicyDigest = new.policyDigest
        var errors: [Diagnostic] = []
        var seen: Set<Diagnostic> = []
        for error in old.errors + new.errors where seen.insert(error).inserted { errors.append(error) }
        self.errors = errors
        if errors.isEmpty, let before = old.assessment, let after = new.assessment {
            impact = PolicyImpact(old: before, new: after)
        }
    }

    /// 2 on any error (or a run that did not assess), 1 when anything changes, else 0.
    public var exitStatus: Int32 {
        guard errors.isEmpty, let impact else { return 2 }
        return impact.changes.isEmpty ? 0 : 1
    }
}
