// Notes and fix-its are data on a diagnostic: a "did you mean" suggestion carries the text to
// put in and the range it replaces; notes render exactly as separate note diagnostics do.

@testable import PlacetLanguage
import Testing

@Suite struct NotesAndFixItsTests {
    private static func rule(when condition: String) -> String {
        """
        rule test.case
          effect block
          cites "Test Art. 1"
          for each d in direct(placement)
          when \(condition)
          message "x"
        """
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let source: String
        let id: String
        let replacement: String
        /// The text the fix-it replaces, and where (line, column, length).
        let replaced: String
        let line: Int, column: Int
        var testDescription: String { id + " " + replaced }
    }

    static let cases: [Case] = [
        Case(source: rule(when: "d.personalDta"), id: "type.unknownField", replacement: "personalData",
             replaced: "personalDta", line: 5, column: 10),
        Case(source: rule(when: "dd.personalData"), id: "type.unknownIdentifier", replacement: "d",
             replaced: "dd", line: 5, column: 8),
        Case(source: rule(when: "d.dpia == complted"), id: "type.unknownCase", replacement: "completed",
             replaced: "complted", line: 5, column: 18),
        Case(source: rule(when: "d.dpia == Progress.complted"), id: "type.unknownCase", replacement: "completed",
             replaced: "complted", line: 5, column: 27),
        Case(source: "def f(x: Datset): bool = true\n", id: "type.unknownType", replacement: "Dataset",
             replaced: "Datset", line: 1, column: 10),
        Case(source: rule(when: "persnal(d)"), id: "type.unknownFunction", replacement: "personal",
             replaced: "persnal", line: 5, column: 8),
    ]

    @Test(arguments: cases)
    func didYouMeanCarriesAFixIt(_ testCase: Case) throws {
        let (_, diagnostics) = Fixtures.compile(adding: testCase.source)
        let diagnostic = try #require(diagnostics.first { $0.id == testCase.id })
        #expect(diagnostic.message.hasSuffix("did you mean '\(testCase.replacement)'?"))
        let fixIt = try #require(diagnostic.fixIts.first)
        #expect(diagnostic.fixIts.count == 1)
        #expect(fixIt.replacement == testCase.replacement)
        #expect(fixIt.location.file == "test.placet")
        #expect(fixIt.location.line == testCase.line)
        #expect(fixIt.location.column == testCase.column)
        #expect(fixIt.location.length == testCase.replaced.count)
        let range = try #require(fixIt.range)
        #expect(String(decoding: Array(testCase.source.utf8)[range.start..<range.end], as: UTF8.self) == testCase.replaced)
    }

    @Test func noSuggestionNoFixIt() {
        let (_, diagnostics) = Fixtures.compile(adding: Self.rule(when: "d.zzzzzzzzzz"))
        let unknown = diagnostics.filter { $0.id == "type.unknownField" }
        #expect(unknown.count == 1)
        #expect(unknown.allSatisfy { $0.fixIts.isEmpty })
    }

    @Test func misspeltClauseCarriesAFixIt() throws {
        let text = "rule a.b\n  efect block\n  message \"x\"\n"
        let (_, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: text), fileID: 0)
        let diagnostic = try #require(diagnostics.first { $0.id == "syntax.unknownClause" })
        #expect(diagnostic.message == "unknown rule clause 'efect'; did you mean 'effect'?")
        #expect(diagnostic.fixIts.map(\.replacement) == ["effect"])
        #expect(diagnostic.fixIts.first?.location == diagnostic.location)
        #expect(diagnostic.fixIts.first?.range == Span(file: 0, start: 11, end: 16))
    }

    @Test func misspeltDeclarationWordCarriesAFixIt() throws {
        let (_, diagnostics) = Parser.parse(SourceFile(path: "r.placet", text: "enum A { x }\nrecrod B { }\n"), fileID: 0)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.message == "expected a declaration (enum, record, const, def or rule), found identifier 'recrod'; did you mean 'record'?")
        #expect(diagnostic.fixIts.map(\.replacement) == ["record"])
        #expect(diagnostic.fixIts.first?.range == Span(file: 0, start: 13, end: 19))
    }

    @Test func fixItsAreNotRendered() throws {
        let (_, diagnostics) = Fixtures.compile(adding: Self.rule(when: "d.personalDta"))
        let diagnostic = try #require(diagnostics.first { $0.id == "type.unknownField" })
        var bare = diagnostic
        bare.fixIts = []
        #expect(DiagnosticRenderer().render(diagnostic) == DiagnosticRenderer().render(bare))
    }

    @Test func notesRenderAsSeparateNoteDiagnosticsWould() {
        let source = SourceFile(path: "n.placet", text: "enum A { x }\nenum A { y }\n")
        let first = source.location(of: Span(file: 0, start: 5, end: 6))
        let again = source.location(of: Span(file: 0, start: 18, end: 19))
        let error = Diagnostic(id: "type.duplicateDeclaration", message: "type 'A' is already declared at n.placet:1", location: again)
        let attached = Diagnostic.Note.firstDeclaration("A", at: first)
        let note = Diagnostic(id: "type.duplicateDeclaration", severity: .note, message: attached.message, location: attached.location)
        var withNote = error
        withNote.notes = [attached]
        for colored in [false, true] {
            let renderer = DiagnosticRenderer(colored: colored)
            #expect(renderer.render(withNote) == [error, note].map(renderer.render).joined(separator: "\n"))
        }
        #expect(DiagnosticRenderer().render(withNote) == """
            n.placet:2:6: error: type 'A' is already declared at n.placet:1
             2 | enum A { y }
               |      ^
            n.placet:1:6: note: 'A' is first declared here
             1 | enum A { x }
               |      ^
            """)
    }
}
