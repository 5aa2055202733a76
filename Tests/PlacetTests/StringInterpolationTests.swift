// Strings read by the lexer into segments: a string nested in an interpolation lexes, parses,
// type-checks, evaluates and formats; unclosed strings and braces keep their messages.

import PlacetEngine
import PlacetLanguage
import Testing

@Suite struct StringInterpolationTests {
    static let nestedRule = """
        rule test.nested-string
          effect warn
          message "{placement.id} is {if placement.id == "pl-1" then "the first {"one"}" else "another"} placement"
        """

    @Test func lexerEmitsSegmentsAndInterpolations() {
        var lexer = Lexer(source: SourceFile(path: "s", text: #""a{x}\{b\}" "{if c then "d" else "e"}""#), fileID: 0)
        let kinds = lexer.tokenize().map(\.kind)
        #expect(lexer.diagnostics.isEmpty)
        #expect(kinds == [
            .stringStart, .stringText("a"), .interpolationStart, .identifier("x"), .interpolationEnd, .stringText("{b}"), .stringEnd,
            .stringStart, .interpolationStart, .keyword(.if), .identifier("c"), .keyword(.then),
            .stringStart, .stringText("d"), .stringEnd, .keyword(.else), .stringStart, .stringText("e"), .stringEnd,
            .interpolationEnd, .stringEnd, .endOfFile,
        ])
    }

    @Test(arguments: [
        (#""{if x then "a" else "b"}""#, #""{(if x then "a" else "b")}""#),
        (#""{f({a: "{b}"})} and {m["k"]}""#, #""{f({a: "{b}"})} and {m["k"]}""#),
    ])
    func nestedStringsParse(text: String, expected: String) {
        let (expression, diagnostics) = Parser.parseExpression(SourceFile(path: "e.placet", text: text), fileID: 0)
        #expect(diagnostics.map(\.message) == [])
        #expect(expression.map(StructuralPrinter.print) == expected)
    }

    @Test(arguments: [
        (#""abc {x""#, ["1:6 unclosed '{' in string interpolation"]),
        (#""abc {x"#, ["1:1 unterminated string", "1:6 unclosed '{' in string interpolation"]),
        (#""abc {x + "y"#, ["1:6 unclosed '{' in string interpolation"]),
        (#""{"a"} open"#, ["1:1 unterminated string"]),
        (#""{a b}""#, ["1:5 expected '}' to end the interpolation, found identifier 'b'"]),
    ])
    func unclosedStringsAndBracesAreReportedOnce(text: String, expected: [String]) {
        let (_, diagnostics) = Parser.parseExpression(SourceFile(path: "e.placet", text: text), fileID: 0)
        #expect(diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)" } == expected)
    }

    @Test func unclosedInterpolationInARuleLeavesTheNextRuleRead() {
        let text = "rule a.one\n  effect warn\n  message \"{placement.id\"\n\nrule a.two\n  effect warn\n  message \"fine\"\n"
        let (file, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: text), fileID: 0)
        #expect(diagnostics.map(\.message) == ["unclosed '{' in string interpolation"])
        #expect(diagnostics.first?.location?.line == 3)
        #expect(diagnostics.first?.location?.column == 12)
        let rules = file.declarations.compactMap { declaration -> String? in
            if case .rule(let rule) = declaration { rule.id.name } else { nil }
        }
        #expect(rules == ["a.two"])
    }

    @Test func nestedStringTypeChecksAndEvaluates() throws {
        let (policy, diagnostics) = Fixtures.compile(adding: Self.nestedRule)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        let compiled = try #require(policy)
        let assessment = try #require(Fixtures.assess(yaml: RuleYAML.inventory(), policy: compiled))
        let findings = assessment.decision("pl-1")?.findings.filter { $0.rule == "test.nested-string" }
        #expect(findings?.map(\.message) == ["pl-1 is the first one placement"])
    }

    @Test func nestedStringIsFormattedAndRoundTrips() throws {
        let source = SourceFile(path: "n.placet", text: Self.nestedRule + "\n")
        let (formatted, diagnostics) = PolicyFormatter.format(source)
        #expect(diagnostics.map(\.message) == [])
        let text = try #require(formatted)
        #expect(text == Self.nestedRule + "\n")
        let (again, againDiagnostics) = PolicyFormatter.format(SourceFile(path: "n.placet", text: text))
        #expect(againDiagnostics.isEmpty)
        #expect(again == text)
    }

    @Test func aCommentInsideANestedInterpolationIsRefused() {
        let text = "const S: string = \"{if a then \"{x # why}\" else \"\"}\"\n"
        let (formatted, diagnostics) = PolicyFormatter.format(SourceFile(path: "s.placet", text: text))
        #expect(formatted == nil)
        #expect(diagnostics.map(\.id) == ["format.commentInString"])
    }
}
