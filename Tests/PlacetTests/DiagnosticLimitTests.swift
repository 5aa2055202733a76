// Diagnostics stay bounded: a line of stray bytes is one diagnostic that shares the source's
// bytes, and the parser's errors go through a bag with the type checker's limit.

@testable import PlacetLanguage
import Testing

@Suite struct DiagnosticLimitTests {
    private func parse(_ text: String) -> [Diagnostic] {
        Parser.parse(SourceFile(path: "g.placet", text: text), fileID: 0).1
    }

    @Test(arguments: ["@", "\u{1}", "\u{E9}", "@ \u{1}\t\u{20AC}"])
    func aLongLineOfStrayCharactersIsOneDiagnostic(unit: String) {
        let text = String(repeating: unit, count: 100_000)
        let diagnostics = parse(text)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.id == "syntax.invalidToken")
        #expect(diagnostics.first?.location?.line == 1)
        #expect(diagnostics.first?.location?.column == 1)
        #expect(diagnostics.first?.message.hasPrefix("unexpected characters '") == true)
        #expect(diagnostics.first?.message.hasSuffix("' (\(100_000 * unit.count(where: { $0 != " " && $0 != "\t" })) in all)") == true)
        #expect((diagnostics.first?.message.utf8.count ?? .max) < 200)
    }

    @Test func aMegabyteOfStrayBytesKeepsTheDiagnosticsSmall() {
        let text = "rule a.b " + String(repeating: "@", count: 1_000_000)
        let diagnostics = parse(text)
        #expect(diagnostics.count <= 2)
        #expect(diagnostics.contains { $0.id == "syntax.invalidToken" })
        // The source line is read from the file's bytes when rendered, not stored per diagnostic.
        let rendered = DiagnosticRenderer().render(diagnostics[0])
        #expect(rendered.utf8.count > 1_000_000)
    }

    @Test func strayCharactersBetweenTokensAreEachReported() {
        let diagnostics = parse("rule a.b\n  when x @ y $$ z\n")
        let stray = diagnostics.filter { $0.id == "syntax.invalidToken" }
        #expect(stray.map(\.message) == ["unexpected character '@'", "unexpected characters '$$'"])
        #expect(stray.map { $0.location?.column } == [10, 14])
        #expect(stray.map { $0.location?.length } == [1, 2])
    }

    @Test func renderingQuotesTheLineAsBefore() {
        let source = SourceFile(path: "r.placet", text: "const x: number = 1\n\tlet y ~ 2\r\nz")
        let location = source.location(of: Span(file: 0, start: 27, end: 28))
        #expect(location.sourceLine == "\tlet y ~ 2")
        #expect(location == SourceLocation(file: "r.placet", line: 2, column: 8, length: 1, sourceLine: "\tlet y ~ 2"))
        let diagnostic = Diagnostic(id: "syntax.invalidToken", message: "unexpected character '~'", location: location)
        #expect(DiagnosticRenderer().render(diagnostic) == """
            r.placet:2:8: error: unexpected character '~'
             2 |  let y ~ 2
               |        ^
            """)
    }

    @Test func manyStrayCharactersOnSeparateLinesStopAtTheLimit() {
        let text = String(repeating: "@\n", count: 10_000)
        let diagnostics = parse(text)
        #expect(diagnostics.count == DiagnosticBag.languageLimit + 1)
        #expect(diagnostics.last?.id == "syntax.tooManyErrors")
        #expect(diagnostics.last?.message == "\(10_000 - DiagnosticBag.languageLimit) more syntax errors in g.placet not shown")
    }

    @Test func parseErrorsAreBoundedLikeTypeErrors() {
        let text = (0..<500).map { "rule r.n\($0)\n  wen x\n" }.joined()
        let diagnostics = parse(text)
        #expect(diagnostics.count == DiagnosticBag.languageLimit + 1)
        #expect(diagnostics.dropLast().allSatisfy { $0.id == "syntax.unknownClause" })
        #expect(diagnostics.last?.id == "syntax.tooManyErrors")
        #expect(diagnostics.last?.isError == true)
        #expect(diagnostics.last?.message == "300 more syntax errors in g.placet not shown")

        let sources = [SourceFile(path: "g.placet", text: text)]
        let parsed = Parser.parse(sources: sources)
        let (program, checked) = TypeChecker.check(parsed.files, sources: sources, parseDiagnostics: parsed.diagnostics)
        #expect(program == nil)
        #expect(checked.filter { $0.id.hasPrefix("syntax.") }.count == DiagnosticBag.languageLimit + 1)
    }

    @Test func aFileUnderTheLimitReportsEveryError() {
        let text = (0..<3).map { "rule r.n\($0)\n  wen x\n" }.joined()
        #expect(parse(text).map(\.id) == Array(repeating: "syntax.unknownClause", count: 3))
    }
}
