// Lexer and parser: valid programs give the expected tree; invalid ones give located errors
// and the parser recovers to report the next.

import PlacetLanguage
import Testing

@Suite struct ParserTests {
    private func parseExpression(_ text: String) -> (String?, [Diagnostic]) {
        let (expression, diagnostics) = Parser.parseExpression(SourceFile(path: "e.placet", text: text), fileID: 0)
        return (expression.map(StructuralPrinter.print), diagnostics)
    }

    /// Each declaration as its kind and name (`enum Progress`, `rule a.one`), so a test that
    /// counts declarations also says which.
    private func declared(_ file: PolicyFileSyntax) -> [String] {
        file.declarations.map { declaration in
            switch declaration {
            case .enumeration(let e): "enum \(e.name.name)"
            case .record(let r): "record \(r.name.name)"
            case .constant(let c): "const \(c.name.name)"
            case .function(let f): "def \(f.name.name)"
            case .rule(let r): "rule \(r.id.name)"
            }
        }
    }

    @Test(arguments: [
        ("a and b or c", "((a and b) or c)"),
        ("a or b and c", "(a or (b and c))"),
        ("not a and b", "((not a) and b)"),
        ("x.y.z == 3", "(x.y.z == #3.0)"),
        ("n >= 1e25", "(n >= #1e+25)"),
        ("d not in EEA", "(d not in EEA)"),
        ("s intersect [scc, bcr] is not empty", "((s intersect [scc, bcr]) is not empty)"),
        ("a union b except c", "((a union b) except c)"),
        ("m.euDatabaseId is absent", "(m.euDatabaseId is absent)"),
        ("m.euDatabaseId is not absent", "(m.euDatabaseId is present)"),
        ("u in prohibited.*", "(u in prohibited.*)"),
        ("MAP[k] <= 2026-01-27", "(MAP[k] <= 2026-01-27)"),
        ("if a then 1 else 2", "(if a then #1.0 else #2.0)"),
        ("some l in s: covers(l, c)", "(some l in s: covers(l, c))"),
        ("a and some l in s: l == x", "(a and (some l in s: (l == x)))"),
        ("-x + 2 * 3", "((- x) + (#2.0 * #3.0))"),
        ("\"{d.id} is {n}\"", "\"{d.id} is {n}\""),
    ])
    func expressionsParse(text: String, expected: String) {
        let (tree, diagnostics) = parseExpression(text)
        #expect(diagnostics.map(\.message) == [])
        #expect(tree == expected)
    }

    @Test(arguments: [
        ("a ==", 1, 5, "expected an expression, found end of file"),
        ("a is full", 1, 6, "expected 'empty', 'present' or 'absent' after 'is'"),
        ("(a and b", 1, 9, "expected ')' to close the parenthesis, found end of file"),
        ("\"open", 1, 1, "unterminated string"),
        ("2025-02-30", 1, 1, "'2025-02-30' is not a valid date"),
        ("a $ b", 1, 3, "unexpected character '$'"),
        ("\"{a b}\"", 1, 5, "expected '}' to end the interpolation, found identifier 'b'"),
        ("a and", 1, 3, "expected an expression after 'and'"),
        ("a or", 1, 3, "expected an expression after 'or'"),
    ])
    func expressionErrors(text: String, line: Int, column: Int, message: String) {
        let (_, diagnostics) = parseExpression(text)
        let first = diagnostics.first
        #expect(first?.message == message)
        #expect(first?.location?.line == line)
        #expect(first?.location?.column == column)
    }

    @Test func ruleParsesEveryClause() throws {
        let text = """
            rule gdpr.lawful-basis
              effect block unwaivable
              cites "GDPR Art. 6(1)", "GDPR Art. 9"
              effective 2025-02-02
              for each d in direct(placement)
              when personal(d)
              subject d
              message "{d.id} has no basis"
            """
        let (file, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: text), fileID: 0)
        #expect(diagnostics.isEmpty)
        guard case .rule(let rule)? = file.declarations.first else {
            Issue.record("expected a rule")
            return
        }
        #expect(rule.id.name == "gdpr.lawful-basis")
        #expect(rule.effect == .block)
        #expect(rule.unwaivable)
        #expect(rule.citations == ["GDPR Art. 6(1)", "GDPR Art. 9"])
        #expect(rule.effective == CivilDate(iso: "2025-02-02"))
        #expect(rule.forEach?.variable.name == "d")
        #expect(rule.condition.map(StructuralPrinter.print) == "personal(d)")
        #expect(rule.subject.map(StructuralPrinter.print) == "d")
        #expect(StructuralPrinter.print(rule.message) == "\"{d.id} has no basis\"")
    }

    @Test func declarationsParse() {
        let text = """
            ordered enum Progress { notStarted, inProgress, completed }
            enum Location includes Country { EU, EEA }
            enum UseCase { prohibited.socialScoring, general }
            record Dataset {
              id: string
              residency: set of Location = []
              lawfulBasis: LawfulBasis?
              dataSubjects: set of Location = [] required when personalData
              byCountry: map of Country to date = [:]
            }
            const EEA: set of Country = EU union [IS, LI, NO]
            def personal(d: Dataset): bool = d.personalData and not d.anonymised
            """
        let (file, diagnostics) = Parser.parse(SourceFile(path: "d.placet", text: text), fileID: 0)
        #expect(diagnostics.map(\.message) == [])
        #expect(declared(file) == ["enum Progress", "enum Location", "enum UseCase", "record Dataset", "const EEA", "def personal"])
        if case .enumeration(let progress) = file.declarations[0] {
            #expect(progress.ordered)
            #expect(progress.cases.map(\.name) == ["notStarted", "inProgress", "completed"])
        }
        if case .enumeration(let location) = file.declarations[1] {
            #expect(location.includes?.name == "Country")
        }
        if case .enumeration(let useCase) = file.declarations[2] {
            #expect(useCase.cases.map(\.name) == ["prohibited.socialScoring", "general"])
        }
        if case .record(let record) = file.declarations[3] {
            #expect(record.fields.map(\.name.name) == ["id", "residency", "lawfulBasis", "dataSubjects", "byCountry"])
            #expect(record.fields[3].requiredWhen.map(StructuralPrinter.print) == "personalData")
        }
    }

    @Test func recoversAndReportsEveryBrokenDeclaration() {
        let text = """
            rule a.one
              effect explode
              message "x"

            rule a.two
              cites "x"
              message "y"

            rule a.three
              effect warn
              message "fine"
            """
        let (file, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: text), fileID: 0)
        #expect(diagnostics.map(\.message) == [
            "unknown effect 'explode'; expected 'block' or 'warn'",
            "rule 'a.two' has no 'effect' clause (block or warn)",
        ])
        #expect(diagnostics.map { $0.location?.line } == [2, 5])
        #expect(declared(file) == ["rule a.three"])
    }

    /// Two rules; each case replaces one line of the first and expects exactly one error there,
    /// with the second rule still read.
    private static let twoRules = [
        "rule a.one", "  effect block", "  cites \"x\"", "  when a and b", "  message \"m\"",
        "", "rule a.two", "  effect warn", "  message \"fine\"",
    ]

    struct ClauseCase: Sendable, CustomTestStringConvertible {
        let line: Int
        let text: String
        let column: Int
        let id: String
        let message: String
        /// The rules that parse: a misspelt clause drops its rule, a trailing operator does not.
        let rules: [String]
        var testDescription: String { text }
    }

    static let clauseCases: [ClauseCase] = [
        ClauseCase(line: 2, text: "  efect block", column: 3, id: "syntax.unknownClause",
                   message: "unknown rule clause 'efect'; did you mean 'effect'?", rules: ["a.two"]),
        ClauseCase(line: 3, text: "  cite \"x\"", column: 3, id: "syntax.unknownClause",
                   message: "unknown rule clause 'cite'; did you mean 'cites'?", rules: ["a.two"]),
        ClauseCase(line: 4, text: "  wen a and b", column: 3, id: "syntax.unknownClause",
                   message: "unknown rule clause 'wen'; did you mean 'when'?", rules: ["a.two"]),
        ClauseCase(line: 4, text: "  wen d.message and d.effect", column: 3, id: "syntax.unknownClause",
                   message: "unknown rule clause 'wen'; did you mean 'when'?", rules: ["a.two"]),
        ClauseCase(line: 5, text: "  mesage \"m\"", column: 3, id: "syntax.unknownClause",
                   message: "unknown rule clause 'mesage'; did you mean 'message'?", rules: ["a.two"]),
        ClauseCase(line: 2, text: "  effect block unwaivble", column: 16, id: "syntax.unknownClause",
                   message: "unknown rule clause 'unwaivble'; did you mean 'unwaivable'?", rules: ["a.two"]),
        ClauseCase(line: 4, text: "  frobnicate a", column: 3, id: "syntax.unknownClause",
                   message: "unknown rule clause 'frobnicate'; expected effect, cites, effective, for each, when, subject or message",
                   rules: ["a.two"]),
        ClauseCase(line: 4, text: "  when a and", column: 10, id: "syntax.missingOperand",
                   message: "expected an expression after 'and'", rules: ["a.one", "a.two"]),
        ClauseCase(line: 4, text: "  when a or", column: 10, id: "syntax.missingOperand",
                   message: "expected an expression after 'or'", rules: ["a.one", "a.two"]),
        ClauseCase(line: 4, text: "  when a and not", column: 14, id: "syntax.missingOperand",
                   message: "expected an expression after 'not'", rules: ["a.two"]),
    ]

    @Test(arguments: clauseCases)
    func misspeltClauseIsReportedWhereItIs(_ testCase: ClauseCase) {
        var lines = Self.twoRules
        lines[testCase.line - 1] = testCase.text
        let (file, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: lines.joined(separator: "\n")), fileID: 0)
        #expect(diagnostics.map(\.message) == [testCase.message])
        #expect(diagnostics.first?.id == testCase.id)
        #expect(diagnostics.first?.location?.line == testCase.line)
        #expect(diagnostics.first?.location?.column == testCase.column)
        let rules = file.declarations.compactMap { declaration -> String? in
            if case .rule(let rule) = declaration { rule.id.name } else { nil }
        }
        #expect(rules == testCase.rules)
    }

    @Test func misspeltClauseKeepsReadingTheRule() {
        let text = """
            rule a.one
              efect block
              cites "x", 3
              message "m"
            """
        let (_, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: text), fileID: 0)
        #expect(diagnostics.map(\.message) == [
            "unknown rule clause 'efect'; did you mean 'effect'?",
            "expected a citation string, found number",
        ])
        #expect(diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" } == ["2:3", "3:14"])
    }

    @Test func misspeltDeclarationIsOneError() {
        let text = """
            rule a.one
              effect block
              message "m"
            rul a.two
              effect warn
              message "fine"
            rule a.three
              effect warn
              message "fine"
            """
        let (file, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: text), fileID: 0)
        #expect(diagnostics.map(\.message) == ["expected a declaration (enum, record, const, def or rule), found identifier 'rul'; did you mean 'rule'?"])
        #expect(diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" } == ["4:1"])
        #expect(declared(file) == ["rule a.one", "rule a.three"])
    }

    @Test func absurdNestingIsRefusedNotCrashed() {
        let text = String(repeating: "(", count: 100_000) + "a" + String(repeating: ")", count: 100_000)
        let (_, diagnostics) = parseExpression(text)
        #expect(diagnostics.first?.id == "syntax.tooDeep")
    }

    @Test func numbersAndDatesLex() {
        var lexer = Lexer(source: SourceFile(path: "n", text: "1e25 5.0e23 1_000 2027-12-02 0.5"), fileID: 0)
        let kinds = lexer.tokenize().map(\.kind)
        #expect(kinds == [.number(1e25), .number(5.0e23), .number(1000), .date(CivilDate(iso: "2027-12-02")!), .number(0.5), .endOfFile])
    }
}

/// Prints a syntax tree in a fixed parenthesised form, ignoring spans.
enum StructuralPrinter {
    static func print(_ expression: Expression) -> String {
        expression.kind.structuralKey
    }
}
