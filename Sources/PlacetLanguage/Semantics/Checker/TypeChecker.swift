// The type checker's entry point: its state, its diagnostics, and the order the program is checked in.
//
// It resolves every name, gives every expression a type before anything runs, and binds the
// program to slots and indices. It keeps going after an error so one run reports everything
// wrong with the policies. One file per job in this folder: Declarations, Records, Rules,
// NameResolution, Expressions, Narrowing, TypeRelations.

public struct TypeChecker {
    let sources: [SourceFile]
    var bag = DiagnosticBag(limit: DiagnosticBag.languageLimit)
    var schema = Schema()

    var constantDeclarations: [ConstantDeclaration] = []
    var constantIndex: [String: Int] = [:]
    var constantState: [ConstantState] = []
    var constantOrder: [Int] = []
    var checkedConstants: [ConstantDefinition?] = []
    /// Constants whose value depends on `today` (directly or through other constants), and how
    /// many times `today` has been bound so far: `required when` may use neither.
    var todayConstants: Set<Int> = []
    var todayUses = 0
    /// Definitions whose body uses `today` directly or through a constant, and the calls made
    /// from `required when` conditions, checked once every body is (`reportTodayInRequiredWhen`).
    var todayFunctions: Set<Int> = []
    var requiredWhenCalls: [(function: Int, name: String, span: Span)] = []

    var functionDeclarations: [FunctionDeclaration] = []
    var functionIndex: [String: Int] = [:]
    var functions: [FunctionDefinition] = []
    var callEdges: [Set<Int>] = []
    var currentFunction: Int?
    var checkingConstant = false

    /// Fields and cases that only a redeclared (and so ignored) record or enum declares: their
    /// uses are not reported again, the redeclaration already was.
    var redeclaredFields: [String: Set<String>] = [:]
    var redeclaredCases: [String: Set<String>] = [:]

    var nextSlot = 0
    var maxSlot = 0
    /// Condition leaves marked so far, for their program-wide ids.
    var leafCount = 0

    enum ConstantState { case unchecked, checking, done }

    public init(sources: [SourceFile]) {
        self.sources = sources
    }

    /// Checks parsed policy files as one program. `files[i]` is the syntax of `sources[i]`;
    /// `parseDiagnostics` are the parser's, kept first so a syntax error is never hidden.
    public static func check(_ files: [PolicyFileSyntax], sources: [SourceFile], parseDiagnostics: [Diagnostic] = []) -> (CheckedProgram?, [Diagnostic]) {
        var diagnostics = parseDiagnostics
        var checker = TypeChecker(sources: sources)
        let program = checker.check(files)
        diagnostics.append(contentsOf: checker.bag.diagnostics)
        if checker.bag.dropped > 0 {
            diagnostics.append(Diagnostic(id: "type.tooManyErrors", message: "\(checker.bag.dropped) more errors not shown"))
        }
        if diagnostics.contains(where: \.isError) { return (nil, diagnostics) }
        return (program, diagnostics)
    }

    // MARK: Reporting

    func location(_ span: Span) -> SourceLocation {
        sources[span.file].location(of: span)
    }

    mutating func error(_ id: String, _ message: String, _ span: Span) {
        bag.add(Diagnostic(id: id, message: message, location: location(span)))
    }

    /// An error for a word that names nothing: the message ends "; did you mean 'x'?" when a
    /// candidate is close, and the diagnostic carries a fix-it putting 'x' in place of the word
    /// (the end of `span`, which may be a qualified name such as `Progress.stalld`).
    mutating func unknownName(_ id: String, _ message: String, word: String, in candidates: some Sequence<String>, _ span: Span) {
        let suggestion = Suggestion.closest(to: word, in: candidates)
        var diagnostic = Diagnostic(id: id, message: message + Suggestion.hint(suggestion), location: location(span))
        if let suggestion, text(span).hasSuffix(word) {
            let range = Span(file: span.file, start: span.end - word.utf8.count, end: span.end)
            diagnostic.fixIts = [Diagnostic.FixIt(replacing: location(range), range: range, with: suggestion)]
        }
        bag.add(diagnostic)
    }

    func text(_ span: Span) -> String {
        sources[span.file].text(of: span)
    }

    func describe(_ type: PlacetType) -> String { schema.describe(type) }

    // MARK: Program

    mutating func check(_ files: [PolicyFileSyntax]) -> CheckedProgram? {
        var enums: [EnumDeclaration] = []
        var records: [RecordDeclaration] = []
        var valueRecords: [RecordDeclaration] = []
        var rules: [RuleDeclaration] = []
        var typeNames: [String: Span] = [:]
        var valueNames: [String: Span] = [:]
        let builtinTypes: Set<String> = ["bool", "number", "string", "date"]

        func declareType(_ name: Identifier, into checker: inout TypeChecker) -> Bool {
            if builtinTypes.contains(name.name) {
                checker.error("type.duplicateDeclaration", "'\(name.name)' is a built-in type and cannot be redeclared", name.span)
                return false
            }
            if let first = typeNames[name.name] {
                let at = checker.location(first)
                checker.bag.add(Diagnostic(id: "type.duplicateDeclaration",
                                           message: "type '\(name.name)' is already declared at \(at.file):\(at.line)",
                                           location: checker.location(name.span),
                                           notes: [.firstDeclaration(name.name, at: at)]))
                return false
            }
            typeNames[name.name] = name.span
            return true
        }
        func declareValue(_ name: Identifier, into checker: inout TypeChecker) -> Bool {
            if ["today", "placement", "count"].contains(name.name) {
                checker.error("type.duplicateDeclaration", "'\(name.name)' is a built-in name and cannot be redeclared", name.span)
                return false
            }
            if let first = valueNames[name.name] {
                let at = checker.location(first)
                checker.error("type.duplicateDeclaration", "'\(name.name)' is already declared at \(at.file):\(at.line)", name.span)
                return false
            }
            valueNames[name.name] = name.span
            return true
        }

        for file in files {
            for declaration in file.declarations {
                switch declaration {
                case .enumeration(let e):
                    if declareType(e.name, into: &self) {
                        enums.append(e)
                    } else {
                        redeclaredCases[e.name.name, default: []].formUnion(e.cases.map(\.name))
                    }
                case .record(let r):
                    if declareType(r.name, into: &self) {
                        if r.isValue { valueRecords.append(r) } else { records.append(r) }
                    } else {
                        redeclaredFields[r.name.name, default: []].formUnion(r.fields.map(\.name.name))
                    }
                case .constant(let c):
                    if declareValue(c.name, into: &self) {
                        constantIndex[c.name.name] = constantDeclarations.count
                        constantDeclarations.append(c)
                    }
                case .function(let f):
                    if declareValue(f.name, into: &self) {
                        functionIndex[f.name.name] = functionDeclarations.count
                        functionDeclarations.append(f)
                    }
                case .rule(let r): rules.append(r)
                }
            }
        }

        declareEnumerations(enums)
        declareRecords(records, valueRecords: valueRecords)
        let (resolved, contractDiagnostics) = SchemaContract.resolve(schema)
        for diagnostic in contractDiagnostics { bag.add(diagnostic) }
        guard let contract = resolved else { return nil }
        let placementRecord = contract.placement.record
        // Constants are checked on first use, and field defaults and `required when` may use
        // them; `required when` may call definitions, whose signatures are declared first.
        constantState = Array(repeating: .unchecked, count: constantDeclarations.count)
        checkedConstants = Array(repeating: nil, count: constantDeclarations.count)
        declareFunctions()
        checkFieldDefaults(records, valueRecords: false)
        checkFieldDefaults(valueRecords, valueRecords: true)

        for index in constantDeclarations.indices { checkConstant(index) }

        for index in functionDeclarations.indices { checkFunctionBody(index) }
        reportRecursion()
        reportTodayInRequiredWhen()

        var checkedRules: [RuleDefinition] = []
        var ruleIDs: [String: Span] = [:]
        for rule in rules {
            if let first = ruleIDs[rule.id.name] {
                let at = location(first)
                error("type.duplicateRule", "duplicate rule id '\(rule.id.name)': already defined at \(at.file):\(at.line)", rule.id.span)
                continue
            }
            ruleIDs[rule.id.name] = rule.id.span
            if let checked = checkRule(rule, placementRecord: placementRecord) { checkedRules.append(checked) }
        }

        guard !bag.hasErrors else { return nil }
        return CheckedProgram(
            // PANIC SAFETY: every index went through checkConstant above, which stores a definition
            // before marking its constant done (a cycle returns early only from the inner call).
            sources: sources, syntax: files, schema: schema, constants: checkedConstants.map { $0! }, constantOrder: constantOrder,
            functions: functions, rules: checkedRules, contract: contract)
    }
}
