// lint.unusedDefinition: a definition no rule, definition, constant or field calls.

public struct UnusedDefinitionLint: LintCheck {
    public let id = "lint.unusedDefinition"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let used = References(program: context.program).functions
        return context.program.functions.indices.filter { !used.contains($0) }.map { index in
            let function = context.program.functions[index]
            return .unusedDefinition(name: function.name, at: function.location)
        }
    }
}
