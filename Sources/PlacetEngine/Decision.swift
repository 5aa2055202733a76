// What an assessment produces: per placement a decision with its findings, plus notices
// about waivers, all in a deterministic order.

import PlacetLanguage

public enum Outcome: String, Sendable {
    case approve, block
}

public struct Finding: Sendable, Hashable {
    public let rule: String
    public let effect: Effect
    public let waived: Bool
    /// The waiver that turned a block into a waived finding.
    public let waiver: String?
    public let subjects: [String]
    public let message: String
    public let citations: [String]
    /// Where the first subject was written (its manifest), for SARIF-style locations.
    public let location: SourceLocation?
}

public struct Decision: Sendable {
    public let placement: String
    public let outcome: Outcome
    public let findings: [Finding]
    public let location: SourceLocation?
    /// What the placement puts where, for reports: its model, target and datasets by id.
    public let model: String?
    public let target: String?
    public let datasets: [String]
}

/// A rule as reports describe it.
public struct RuleDescriptor: Sendable {
    public let id: String
    public let effect: Effect
    public let unwaivable: Bool
    public let citations: [String]
    public let effective: CivilDate?
    public let location: SourceLocation

    public init(_ rule: RuleDefinition) {
        id = rule.id
        effect = rule.effect
        unwaivable = rule.unwaivable
        citations = rule.citations
        effective = rule.effective
        location = rule.location
    }

    public var regime: String { RuleDefinition.regime(of: id) }
}

/// A waiver as reports show it, with what became of it on the evaluation date.
public struct WaiverStatus: Sendable {
    public enum State: String, Sendable {
        case active, expired, ignoredUnwaivable = "ignored (unwaivable rule)", ignoredWarning = "ignored (warning rule)"
    }

    public let id: String
    public let rule: String
    public let placement: String
    public let expires: CivilDate
    public let approvedBy: String
    public let justification: String
    public let state: State
}

public struct Notice: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case expired, unwaivableRule, warningRule
    }

    public let waiver: String
    public let reason: Reason
    public let message: String
}

public struct Summary: Sendable, Equatable {
    public var placements = 0
    public var approved = 0
    public var blocked = 0
    public var warnings = 0
    public var waived = 0

    public init() {}

    /// Adds another part's counts (a chunk's, a batch's).
    public mutating func add(_ other: Summary) {
        placements += other.placements
        approved += other.approved
        blocked += other.blocked
        warnings += other.warnings
        waived += other.waived
    }
}

public struct Assessment: Sendable {
    public let asOf: CivilDate
    public let policyDigest: String
    public let inputs: [InputFile]
    public let decisions: [Decision]
    public let notices: [Notice]
    public let waivers: [WaiverStatus]

    public var summary: Summary {
        var summary = Summary()
        for decision in decisions {
            summary.placements += 1
            if decision.outcome == .approve { summary.approved += 1 } else { summary.blocked += 1 }
            for finding in decision.findings {
                if finding.effect == .warn { summary.warnings += 1 }
                if finding.waived { summary.waived += 1 }
            }
        }
        return summary
    }
}
