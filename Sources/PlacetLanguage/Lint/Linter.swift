// The linter: warnings an auditor wants before review, on a program that already type-checks.
// Each check is one type in this folder; the linter runs them all and sorts what they say by
// file, line and column, so output is the same on every run.

/// One lint check. Checks read the syntax (for spans) and the checked program (for meaning);
/// none changes either.
public protocol LintCheck: Sendable {
    /// The stable id of what the check reports: `lint.missingCitation`.
    var id: String { get }
    func check(_ context: LintContext) -> [Diagnostic]
}

public struct Linter: Sendable {
    public let context: LintContext
    public let checks: [any LintCheck]

    /// Every check, in the order their ids are documented.
    public static let allChecks: [any LintCheck] = [
        MissingCitationLint(),
        NeverHoldsLint(),
        AlwaysHoldsLint(),
        UnusedConstantLint(),
        UnusedDefinitionLint(),
        FutureEffectiveDateLint(),
        DuplicateRuleLint(),
    ]

    /// - Parameters:
    ///   - files: the parsed policy files, `files[i]` parsed from `program.sources[i]` with file id `i`.
    ///   - program: the type-checked program of those files.
    ///   - asOf: the date against which an effective date is "in the future".
    public init(files: [PolicyFileSyntax], program: CheckedProgram, asOf: CivilDate, checks: [any LintCheck] = Linter.allChecks) {
        self.context = LintContext(files: files, program: program, asOf: asOf)
        self.checks = checks
    }

    /// Lints a program against the syntax it was checked from.
    public init(program: CheckedProgram, asOf: CivilDate, checks: [any LintCheck] = Linter.allChecks) {
        self.init(files: program.syntax, program: program, asOf: asOf, checks: checks)
    }

    public func run() -> [Diagnostic] {
        checks.flatMap { $0.check(context) }.sorted(by: Linter.precedes)
    }

    /// File, line, column, then id and message: the order lint output is printed in.
    public static func precedes(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        let left = (a.location?.file ?? "", a.location?.line ?? 0, a.location?.column ?? 0)
        let right = (b.location?.file ?? "", b.location?.line ?? 0, b.location?.column ?? 0)
        if left != right { return left < right }
        return (a.id, a.message) < (b.id, b.message)
    }
}

/// What every check reads: the syntax of each file, the checked program, and the date.
public struct LintContext: Sendable {
    public let files: [PolicyFileSyntax]
    public let program: CheckedProgram
    public let asOf: CivilDate
    /// Each rule's syntax with its checked definition, in source order.
    public let rules: [(syntax: RuleDeclaration, definition: RuleDefinition)]

    init(files: [PolicyFileSyntax], program: CheckedProgram, asOf: CivilDate) {
        self.files = files
        self.program = program
        self.asOf = asOf
        var definitions: [String: RuleDefinition] = [:]
        for definition in program.rules { definitions[definition.id] = definition }
        var rules: [(syntax: RuleDeclaration, definition: RuleDefinition)] = []
        for file in files {
            for case .rule(let syntax) in file.declarations {
                if let definition = definitions.removeValue(forKey: syntax.id.name) { rules.append((syntax, definition)) }
            }
        }
        self.rules = rules
    }

    func source(of span: Span) -> SourceFile? {
        program.sources.indices.contains(span.file) ? program.sources[span.file] : nil
    }

    func location(_ span: Span) -> SourceLocation? {
        source(of: span)?.location(of: span)
    }
}
