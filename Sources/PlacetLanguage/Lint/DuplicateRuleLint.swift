// lint.duplicateRule: two rules with the same effect, the same `for each` and the same
// condition (up to variable names) fire on exactly the same placements: one is redundant,
// or one was meant to say something else.

public struct DuplicateRuleLint: LintCheck {
    public let id = "lint.duplicateRule"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let terms = Terms(program: context.program)
        var first: [String: (syntax: RuleDeclaration, definition: RuleDefinition)] = [:]
        var diagnostics: [Diagnostic] = []
        for rule in context.rules {
            var environment = Environment()
            environment.slots[0] = .variable("placement", nil)
            environment.slots[1] = .variable("each", nil)
            let definition = rule.definition
            let key = [
                definition.effect.rawValue,
                definition.forEach.map { terms.key($0, environment) } ?? "",
                definition.condition.map { terms.key($0, environment) } ?? "",
            ].joined(separator: "\u{0}")
            if let original = first[key] {
                diagnostics.append(.duplicateRule(
                    rule: rule.syntax.id.name, original: original.syntax.id.name,
                    originalLocation: context.location(original.syntax.id.span), at: context.location(rule.syntax.id.span)))
            } else {
                first[key] = rule
            }
        }
        return diagnostics
    }
}
