// lint.futureEffectiveDate (a note): a rule whose effective date is after the lint date is
// silent until then. Informational: the law often applies from a known later date.

public struct FutureEffectiveDateLint: LintCheck {
    public let id = "lint.futureEffectiveDate"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.rules.compactMap { rule in
            guard let effective = rule.syntax.effective, context.asOf < effective else { return nil }
            let span = dateSpan(of: rule.syntax, context: context) ?? rule.syntax.id.span
            return .futureEffectiveDate(rule: rule.syntax.id.name, effective: effective, asOf: context.asOf,
                                        at: context.location(span))
        }
    }

    /// The syntax keeps the date but not where it was written: find the `effective` clause's date token.
    private func dateSpan(of rule: RuleDeclaration, context: LintContext) -> Span? {
        guard let source = context.source(of: rule.span) else { return nil }
        var lexer = Lexer(source: source, fileID: rule.span.file, range: rule.span.start..<rule.span.end)
        let tokens = lexer.tokenize()
        for (token, next) in zip(tokens, tokens.dropFirst()) {
            if token.kind == .identifier("effective"), case .date = next.kind { return next.span }
        }
        return nil
    }
}
