// lint.unusedConstant: a constant nothing refers to is dead reference data, or a rule that
// was meant to use it does not.

public struct UnusedConstantLint: LintCheck {
    public let id = "lint.unusedConstant"

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let used = References(program: context.program).constants
        return context.program.constants.indices.filter { !used.contains($0) }.map { index in
            let constant = context.program.constants[index]
            return .unusedConstant(name: constant.name, at: constant.location)
        }
    }
}
