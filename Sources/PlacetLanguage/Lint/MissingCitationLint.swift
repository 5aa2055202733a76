// lint.missingCitation: a rule that cites nothing (or only blank strings) cannot be traced to
// the law it encodes.

public struct MissingCitationLint: LintCheck {
    public let id = "lint.missingCitation"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.rules.compactMap { rule in
            let cited = rule.syntax.citations.contains { !$0.allSatisfy(\.isWhitespace) }
            return cited ? nil : .missingCitation(rule: rule.syntax.id.name, at: context.location(rule.syntax.id.span))
        }
    }
}
