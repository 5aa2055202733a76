// lint.neverHolds: a rule whose condition no manifest can satisfy (contradictory comparisons
// on enums, booleans or constant sets, a presence test and its opposite, ...) never fires.

public struct NeverHoldsLint: LintCheck {
    public let id = "lint.neverHolds"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let analysis = ConditionAnalysis(program: context.program)
        return context.rules.compactMap { rule in
            guard let verdict = analysis.verdict(for: rule.syntax, rule.definition), verdict.kind == .neverHolds else { return nil }
            return .neverHolds(rule: rule.syntax.id.name, reason: verdict.reason, at: context.location(verdict.span))
        }
    }
}
