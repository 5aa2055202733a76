// PlacetReports: one renderer per output format. Each takes a Report (the assessment, or
// the errors that stopped it) and returns bytes; none does I/O, and each is deterministic.

import PlacetEngine
import PlacetLanguage

/// What a run has to say: its assessment when there was one, and every error and warning.
public struct Report: Sendable {
    public var engineVersion: String
    public var policyDigest: String
    /// The pack that decided, as the user should recognise it: a folder or "bundled baseline vN".
    public var policyPack: String
    public var asOf: CivilDate
    public var inputs: [InputFile]
    public var assessment: Assessment?
    public var diagnostics: [Diagnostic]
    /// The rules of the policy that decided, for formats that describe them (SARIF, OSCAL, HTML).
    public var rules: [RuleDescriptor]

    public init(engineVersion: String, policyDigest: String, policyPack: String = "", asOf: CivilDate, inputs: [InputFile],
                assessment: Assessment?, diagnostics: [Diagnostic], rules: [RuleDescriptor] = []) {
        self.rules = rules
        self.policyPack = policyPack
        self.engineVersion = engineVersion
        self.policyDigest = policyDigest
        self.asOf = asOf
        self.inputs = inputs
        self.assessment = assessment
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }

    /// Decisions only count when no error stands: fail closed.
    public var decisions: [Decision] { errors.isEmpty ? assessment?.decisions ?? [] : [] }
    public var notices: [Notice] { errors.isEmpty ? assessment?.notices ?? [] : [] }

    public var summary: Summary {
        errors.isEmpty ? assessment?.summary ?? Summary() : Summary()
    }
}

extension Report {
    /// One line naming the pack and its digest, for every human-readable format.
    public var policyLine: String {
        let name = policyPack.isEmpty ? "policies" : policyPack
        return policyDigest.isEmpty ? name : "\(name) (\(policyDigest))"
    }
}
