// lint.alwaysHolds: a rule whose condition every manifest satisfies (`x or not x`, a
// comparison of two constants that is true) fires for every placement or element: the
// condition says nothing.

public struct AlwaysHoldsLint: LintCheck {
    public let id = "lint.alwaysHolds"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let analysis = ConditionAnalysis(program: context.program)
        return context.rules.compactMap { rule in
            guard let verdict = analysis.verdict(for: rule.syntax, rule.definition), verdict.kind == .alwaysHolds else { return nil }
            return .alwaysHolds(rule: rule.syntax.id.name, reason: verdict.reason, at: context.location(verdict.span))
        }
    }
}
