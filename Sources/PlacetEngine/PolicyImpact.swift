// Policy impact: what a policy change does to the same inventory. A pure comparison of two
// assessments, placement by placement: the decisions that change, and the placements whose
// decision stays but whose findings change.

import PlacetLanguage

/// One finding as the impact analysis compares it: which rule, about what, and how it
/// counts. Messages and citations are left out: rewording a message changes no outcome.
public struct FindingSummary: Sendable, Hashable, Comparable {
    public let rule: String
    public let effect: Effect
    public let waived: Bool
    public let subjects: [String]

    public init(rule: String, effect: Effect, waived: Bool, subjects: [String]) {
        self.rule = rule
        self.effect = effect
        self.waived = waived
        self.subjects = subjects
    }

    public init(_ finding: Finding) {
        self.init(rule: finding.rule, effect: finding.effect, waived: finding.waived, subjects: finding.subjects)
    }

    /// By rule id, then subjects (as the assessment sorts findings), then effect and waiver.
    public static func < (a: FindingSummary, b: FindingSummary) -> Bool {
        if a.rule != b.rule { return a.rule < b.rule }
        if a.subjects != b.subjects { return a.subjects.lexicographicallyPrecedes(b.subjects) }
        if a.effect != b.effect { return a.effect < b.effect }
        return !a.waived && b.waived
    }
}

/// A placement's decision and findings under one of the two policies.
public struct PlacementOutcome: Sendable, Hashable {
    public let outcome: Outcome
    public let findings: [FindingSummary]

    public init(outcome: Outcome, findings: [FindingSummary]) {
        self.outcome = outcome
        self.findings = findings
    }

    public init(_ decision: Decision) {
        self.init(outcome: decision.outcome, findings: decision.findings.map(FindingSummary.init).sorted())
    }
}

/// A placement whose outcome differs between the old and the new policies. `before` or
/// `after` is nil when the placement was assessed on one side only.
public struct PlacementChange: Sendable, Hashable {
    public let placement: String
    public let before: PlacementOutcome?
    public let after: PlacementOutcome?

    public init(placement: String, before: PlacementOutcome?, after: PlacementOutcome?) {
        self.placement = placement
        self.before = before
        self.after = after
    }

    /// The decision changed (or the placement is on one side only); otherwise only findings did.
    public var decisionChanged: Bool { before?.outcome != after?.outcome }

    /// Findings the new policies no longer produce, and findings they add.
    public var removedFindings: [FindingSummary] {
        let kept = Set(after?.findings ?? [])
        return (before?.findings ?? []).filter { !kept.contains($0) }
    }

    public var addedFindings: [FindingSummary] {
        let kept = Set(before?.findings ?? [])
        return (after?.findings ?? []).filter { !kept.contains($0) }
    }
}

public struct PolicyImpact: Sendable {
    public let asOf: CivilDate
    public let oldPolicyDigest: String
    public let newPolicyDigest: String
    /// Placements assessed on either side.
    public let placements: Int
    /// Sorted by placement id.
    public let changes: [PlacementChange]

    public var decisionsChanged: Int { changes.filter(\.decisionChanged).count }
    /// Placements whose decision is the same but whose findings differ.
    public var findingsChanged: Int { changes.count - decisionsChanged }

    public init(asOf: CivilDate, oldPolicyDigest: String, newPolicyDigest: String, placements: Int, changes: [PlacementChange]) {
        self.asOf = asOf
        self.oldPolicyDigest = oldPolicyDigest
        self.newPolicyDigest = newPolicyDigest
        self.placements = placements
        self.changes = changes
    }

    /// Compares the assessments of the same inventory under two policies.
    public init(old: Assessment, new: Assessment) {
        var before: [String: PlacementOutcome] = [:]
        for decision in old.decisions { before[decision.placement] = PlacementOutcome(decision) }
        var after: [String: PlacementOutcome] = [:]
        for decision in new.decisions { after[decision.placement] = PlacementOutcome(decision) }
        let placements = Set(before.keys).union(after.keys).sorted()
        let changes = placements.compactMap { placement -> PlacementChange? in
            let (b, a) = (before[placement], after[placement])
            return b == a ? nil : PlacementChange(placement: placement, before: b, after: a)
        }
        self.init(asOf: new.asOf, oldPolicyDigest: old.policyDigest, newPolicyDigest: new.policyDigest,
                  placements: placements.count, changes: changes)
    }
}
