// `placet fmt`: the canonical layout is stable (formatting twice changes nothing), keeps the
// program (the same syntax tree, spans aside) and keeps every comment, for the bundled pack and
// for awkward inputs; plus the layout rules themselves and the command's exit codes.

import Foundation
import PlacetLanguage
import Testing

/// An input the formatter must survive, named for the test report.
struct AwkwardPolicy: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var testDescription: String { name }
}

@Suite struct FormatterTests {
    /// Every policy file of the bundled pack, relative to the package root.
    static let policyFiles: [String] = {
        let root = Fixtures.policiesDirectory
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var paths: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "placet" {
                paths.append("policies/" + url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            }
        }
        return paths.sorted()
    }()

    static let awkwardPolicies: [AwkwardPolicy] = [
        AwkwardPolicy(name: "comments everywhere", text: #"""
            # header comment

            # second header, after a blank line
            enum   E{A,B,   C,} # after the enum
            ordered enum O { # after the brace
              # before x
              x, y, # after y
              z
              # before the closing brace
            } # after the closing brace
            record S { # after record brace
              a: number # after a
              # before b
              b: bool = true # after b
              # at the end of the record
            }
            const X: number = ( # after a parenthesis
              1) # after the constant
            def f(a: number): bool = # after the equals sign
              a > 1
            rule r.one # after the rule id
              message "m" # after the message
              # before when, written after message
              when f(1, # inside the arguments
                 ) and f(2)
              # before effect
              effect block unwaivable # after effect
              cites "A", # between citations
                "B" # after the citations
            # after everything

            # really the end
            """#),
        AwkwardPolicy(name: "deeply parenthesised expressions", text: """
            const A: bool = ((((a)))) and (((b or (c)))) or (not ((d == (e))))
            const B: number = ((-(-(1)))) * ((2 + 3)) - (4 - (5 - 6)) / ((7))
            const C: bool = ((x union y) intersect (z except w)) is not empty
            const D: bool = (((some v in (s union t): (v in (u))))) and ((if (p) then (q) else (r)))
            const E: bool = ((m)[(k)]).f == (g((h), ((i))))
            const F: bool = (x not in (S)) == ((not y) in T)
            """),
        AwkwardPolicy(name: "long conditions", text: """
            rule long.condition
              effect block
              cites "X"
              for each d in located(placement)
              when personal(d) and d.dpia < completed and (d.specialCategories is not empty or d.criminalData or (placement.model is present and placement.model.riskTier == high)) and d.classification == restricted
              message "{d.id}"
            def veryLong(p: Placement): bool = p.model is present and p.model.riskTier == high and p.stage == production and p.workload in [inference, batchScoring] and not p.model.humanOversight
            def tier(m: Model): RiskTier = if m.useCase in prohibited.* then prohibited else if m.useCase in annex3.* then (if m.article6Exemption and not m.profiling then minimal else high) else if m.useCase in transparency.* then limited else minimal
            record R {
              flag: bool = false required when someVeryLongFieldName == someOtherVeryLongValue or anotherVeryLongFieldName in [a, b, c]
            }
            """),
        AwkwardPolicy(name: "odd spacing, tabs and CRLF", text: "enum\tE   {\r\n\tA ,B}\r\n\r\n\r\n\r\nrecord R{a:E b : set of  E=[ ]\r\n}   const K : number=1_000 # k\r\n"
            + "def  f ( x : R ) : bool=x . a==A\r\nrule  a.b-c effect   warn message\"x\"\r\n"),
        AwkwardPolicy(name: "strings with escapes and interpolations", text: #"""
            rule strings.escape
              effect warn
              cites "Art. 5(1) \"quoted\"", "back\\slash \{braces\}", "tab\there"
              message "{placement.id} has \"quotes\", a \\ backslash, \{braces\}, a\ttab, a\nnewline and {count([1, 2])} {m[k]} {-1} {(1 + 2) * 3} {if a then b else c}"
            const EMPTY: string = ""
            const ODD: string = "{x}{y}"
            """#),
        AwkwardPolicy(name: "empty bodies", text: """
            enum Nothing {}
            enum Spaced {   }
            ordered enum Includes includes Nothing { }
            record Empty {}
            record Spacious {

            }
            const NONE: set of Nothing = []
            const NO_MAP: map of Nothing to date = [:]
            """),
        AwkwardPolicy(name: "trailing commas", text: """
            enum E { A, B, }
            record R { a: E, b: E, }
            const L: list of number = [1, 2, 3,]
            const M: map of E to number = [A: 1, B: 2,]
            def f(x: number, y: number,): number = g(x, y,)
            rule r.commas
              effect block
              cites "A", "B"
              message "m"
            """),
        AwkwardPolicy(name: "long collections with comments", text: """
            const BIG: set of Country = [AT, BE, BG, HR, CY, CZ, DK, EE, FI, FR, DE, GR, HU, IE, IT, LV, LT, LU, MT, NL, PL, PT, RO, SK, SI, ES, SE]
            const DATES: map of Country to date = [
              CH: 2000-07-26,   # Decision 2000/518/EC
              # Canada, commercial organisations
              CA: 2001-12-20,# Decision 2002/2/EC
              BR: 2026-01-27    # Decision of 27 January 2026
              # after the last entry
            ]
            enum Wide { alpha, beta, gamma, delta, epsilon, zeta, eta, theta, iota, kappa, lambda, mu, nu, xi, omicron, pi }
            """),
        AwkwardPolicy(name: "comments inside conditions", text: """
            rule chained.comments
              effect block
              when a # after a
                and b
                # before c
                and (c # inside the parenthesis
                  or d)
                and e # after e
              message "m"
            def g(x: Dataset): bool =
              # above the body
              x.personalData or
              x.anonymised
            def h(x: Dataset): bool = if x.personalData # after the condition
              then true else false
            """),
        AwkwardPolicy(name: "numbers, dates and types", text: """
            const N: list of number = [0, 1_000_000, 1e25, 0.5, 1.5e-7, 2.50, -3, 12345678901234567890]
            const D: date = 2027-12-02
            record T {
              a: set of Country?
              b: map of set of Country to list of date?
              c: Target? required when a is present
              d: number = -1e-3
            }
            """),
        AwkwardPolicy(name: "quantifiers and conditionals as operands", text: """
            const Q: bool = a and some x in s: x == 1
            const R: bool = (all x in s: x) or (some y in (a or b): y)
            const S: bool = (if a then b else c) == d
            const T: map of bool to number = [(some x in s: x): 1, (if a then b else c): 2]
            const U: bool = if some x in s: x then all y in t: y else not a
            """),
        AwkwardPolicy(name: "only comments", text: "# one\n\n\n# two\n# three\n"),
        AwkwardPolicy(name: "empty file", text: ""),
    ]

    // MARK: Round trips

    @Test(arguments: policyFiles)
    func bundledPolicyIsFormattedAndRoundTrips(path: String) throws {
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(path), encoding: .utf8)
        let formatted = try #require(format(text, path: path))
        #expect(formatted == text, "the bundled pack should already be in canonical layout (run `placet fmt policies`)")
        expectRoundTrip(original: text, formatted: formatted)
    }

    @Test(arguments: awkwardPolicies)
    func awkwardInputRoundTrips(input: AwkwardPolicy) throws {
        let formatted = try #require(format(input.text))
        expectRoundTrip(original: input.text, formatted: formatted)
        #expect(formatted.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { !$0.hasSuffix(" ") })
    }

    /// The pack with its tokens re-spaced at random (same tokens, same comments, words that
    /// were written together kept together) and a comment added in some gaps: the formatter
    /// must give a stable layout that means the same, whatever the starting point.
    @Test(arguments: policyFiles, 1...8)
    func respacedAndCommentedVariantsRoundTrip(path: String, seed: Int) throws {
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(path), encoding: .utf8)
        let variant = Respacer(seed: UInt64(seed)).variant(of: text)
        let formatted = try #require(format(variant, path: path))
        expectRoundTrip(original: variant, formatted: formatted)
        #expect(SyntaxTreePrinter.print(formatted) == SyntaxTreePrinter.print(text))
    }


    /// The same tree, the same comments, and a second pass changes nothing.
    private func expectRoundTrip(original: String, formatted: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(SyntaxTreePrinter.print(original) == SyntaxTreePrinter.print(formatted), sourceLocation: sourceLocation)
        #expect(comments(formatted).sorted() == comments(original).sorted(), sourceLocation: sourceLocation)
        #expect(comments(formatted).count == comments(original).count, sourceLocation: sourceLocation)
        #expect(format(formatted) == formatted, "formatting is not idempotent", sourceLocation: sourceLocation)
    }

    // MARK: Layout rules

    @Test(arguments: [
        ("((a))", "a"),
        ("(a and b) and c", "a and b and c"),
        ("a and (b and c)", "a and (b and c)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or (b and c)"),
        ("(not a) and b", "not a and b"),
        ("not (a and b)", "not (a and b)"),
        ("not (a == b)", "not a == b"),
        ("(a + b) * c", "(a + b) * c"),
        ("a * (b + c) - d", "a * (b + c) - d"),
        ("(a - b) - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("-(a + b)", "-(a + b)"),
        ("-(-a)", "- -a"),
        ("(a == b) == c", "(a == b) == c"),
        ("(x union y) is empty", "x union y is empty"),
        ("(x is empty) == true", "(x is empty) == true"),
        ("(a.b).c", "a.b.c"),
        ("(a union b)[k]", "(a union b)[k]"),
        ("a and (some x in s: p)", "a and (some x in s: p)"),
        ("(some x in s: p) and a", "(some x in s: p) and a"),
        ("some x in (a union b): p", "some x in a union b: p"),
        ("some x in (a or b): p", "some x in (a or b): p"),
        ("if (if a then b else c) then d else (if e then f else g)", "if (if a then b else c) then d else if e then f else g"),
        ("x not in (S)", "x not in S"),
        ("(not x) in S", "(not x) in S"),
        ("1_000 + 1e25 + 0.50 + 1.5e-7 + 1e15", "1000 + 1e25 + 0.5 + 1.5e-7 + 1000000000000000"),
    ])
    func minimalParentheses(input: String, expected: String) throws {
        let formatted = try #require(format("const X: bool = \(input)\n"))
        #expect(formatted == "const X: bool = \(expected)\n")
        let (original, _) = Parser.parseExpression(SourceFile(path: "a", text: input), fileID: 0)
        let (printed, _) = Parser.parseExpression(SourceFile(path: "b", text: expected), fileID: 0)
        #expect(original.map(StructuralPrinter.print) == printed.map(StructuralPrinter.print))
    }

    @Test func ruleClausesAreOrderedAndCommentsMoveWithThem() throws {
        let text = """
            rule gdpr.example # the id
              message "{d.id}" # the message
              # why the condition
              when personal(d)
              for each d in direct(placement)
              effective 2025-02-02
              cites "GDPR Art. 6(1)"
              effect block
            """
        #expect(try #require(format(text)) == """
            rule gdpr.example  # the id
              effect block
              cites "GDPR Art. 6(1)"
              effective 2025-02-02
              for each d in direct(placement)
              # why the condition
              when personal(d)
              message "{d.id}"  # the message

            """)
    }

    @Test func longConditionsBreakBeforeEachOperand() throws {
        let text = """
            rule gdpr.dpia
              effect block
              when personal(d) and d.dpia < completed and (d.specialCategories is not empty or d.criminalData or (placement.model is present and placement.model.riskTier == high))
              message "m"
            def adequate(t: Target): bool = ADEQUACY[t.country] is present and ADEQUACY[t.country] <= today and (t.country != US or t.dpfCertified)
            """
        #expect(try #require(format(text)) == """
            rule gdpr.dpia
              effect block
              when personal(d)
                  and d.dpia < completed
                  and (d.specialCategories is not empty
                      or d.criminalData
                      or (placement.model is present and placement.model.riskTier == high))
              message "m"

            def adequate(t: Target): bool = ADEQUACY[t.country] is present
                and ADEQUACY[t.country] <= today
                and (t.country != US or t.dpfCertified)

            """)
    }

    @Test func trailingCommentsStayOnTheirLinesAligned() throws {
        let text = """
            const ADEQUACY: map of Country to date = [CH: 2000-07-26, # Decision 2000/518/EC
              CA: 2001-12-20,      # Decision 2002/2/EC
              # Brazil
              BR: 2026-01-27 # Decision of 27 January 2026
            ]
            """
        #expect(try #require(format(text)) == """
            const ADEQUACY: map of Country to date = [
              CH: 2000-07-26,  # Decision 2000/518/EC
              CA: 2001-12-20,  # Decision 2002/2/EC
              # Brazil
              BR: 2026-01-27  # Decision of 27 January 2026
            ]

            """)
    }

    @Test func aLineOverTheLimitIsNotAlignedWithItsNeighbours() throws {
        let message = String(repeating: "long ", count: 20)
        let text = "rule r\n  effect warn # e\n  when a # w\n  message \"\(message)\" # m\n"
        #expect(try #require(format(text)) == "rule r\n  effect warn  # e\n  when a       # w\n  message \"\(message)\"  # m\n")
    }

    @Test func enumsAndCollectionsFillLinesUpToTheLimit() throws {
        let cases = (0..<40).map { "case\($0)" }
        let formatted = try #require(format("enum Many { \(cases.joined(separator: ", ")) }\nconst SHORT: set of Many = [case1, case2]"))
        let lines = formatted.split(separator: "\n").map(String.init)
        #expect(lines.first == "enum Many {")
        #expect(lines.allSatisfy { $0.count <= PolicyFormatter.lineLimit })
        #expect(lines.filter { $0.hasPrefix("  case") }.count == 4)
        #expect(lines.last == "const SHORT: set of Many = [case1, case2]")
    }

    @Test func recordsHaveOneFieldPerLine() throws {
        let formatted = try #require(format("record Target { id: string  country: Country  sovereign: bool = false, model: Model? required when sovereign }"))
        #expect(formatted == """
            record Target {
              id: string
              country: Country
              sovereign: bool = false
              model: Model? required when sovereign
            }

            """)
    }

    @Test func parseErrorsAreReportedAndNothingIsFormatted() {
        let (text, diagnostics) = PolicyFormatter.format(SourceFile(path: "bad.placet", text: "const X: number = 1\nrule r\n  effect explode\n  message \"m\"\n"))
        #expect(text == nil)
        #expect(diagnostics.first?.message == "unknown effect 'explode'; expected 'block' or 'warn'")
        #expect(diagnostics.first?.location?.line == 3)
        #expect(diagnostics.first?.location?.column == 10)
    }

    @Test func aCommentInsideAnInterpolationIsRefusedNotDropped() {
        let (text, diagnostics) = PolicyFormatter.format(SourceFile(path: "s.placet", text: "const S: string = \"{x # why}\"\n"))
        #expect(text == nil)
        #expect(diagnostics.map(\.id) == ["format.commentInString"])
        #expect(diagnostics.first?.location?.column == 23)
    }

    @Test func lexerRecordsCommentsWithTheirPlace() {
        let text = "# own line\nconst X: number = 1 # trailing\n  # indented own line\n"
        let (_, comments, diagnostics) = Parser.parseKeepingComments(SourceFile(path: "c", text: text), fileID: 0)
        #expect(diagnostics.isEmpty)
        #expect(comments.map(\.text) == ["# own line", "# trailing", "# indented own line"])
        #expect(comments.map(\.isTrailing) == [false, true, false])
        #expect(comments.map(\.offset) == [0, 31, 44])
    }

    // MARK: The command

    @Test func checkPassesOnTheBundledPack() throws {
        let result = try PlacetExecutable.run(["fmt", "--check", "policies"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "")
    }

    @Test func checkListsFilesThatWouldChangeAndRewritingFixesThem() throws {
        let directory = try temporaryPolicies([
            "policies/a.placet": "const A: number = 1\n",
            "policies/nested/b.placet": "const  B : number=( 2 )   # two\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let b = directory.appendingPathComponent("policies/nested/b.placet")

        let check = try PlacetExecutable.run(["fmt", "--check"], in: directory)
        #expect(check.status == 1)
        #expect(check.stdout == "policies/nested/b.placet\n")
        #expect(try String(contentsOf: b, encoding: .utf8) == "const  B : number=( 2 )   # two\n")

        let rewrite = try PlacetExecutable.run(["fmt", "policies"], in: directory)
        #expect(rewrite.status == 0)
        #expect(try String(contentsOf: b, encoding: .utf8) == "const B: number = 2  # two\n")

        let again = try PlacetExecutable.run(["fmt", "--check", "policies/nested/b.placet", "policies"], in: directory)
        #expect(again.status == 0)
        #expect(again.stdout == "")
    }

    @Test func parseErrorExitsTwoWithLocationAndWritesNothing() throws {
        let directory = try temporaryPolicies([
            "ugly.placet": "const  A : number=1\n",
            "bad.placet": "const B: number = 1\nconst C: number = (2\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [["fmt", "."], ["fmt", "--check", "."]] {
            let result = try PlacetExecutable.run(arguments, in: directory)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("bad.placet:3:1: error: expected ')' to close the parenthesis, found end of file"))
            #expect(result.stdout == "")
        }
        #expect(try String(contentsOf: directory.appendingPathComponent("ugly.placet"), encoding: .utf8) == "const  A : number=1\n")
    }

    @Test func missingPathExitsTwo() throws {
        let result = try PlacetExecutable.run(["fmt", "--check", "no/such/folder"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'no/such/folder' does not exist"))
    }

    // MARK: Helpers

    private func format(_ text: String, path: String = "test.placet", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        let (formatted, diagnostics) = PolicyFormatter.format(SourceFile(path: path, text: text))
        #expect(diagnostics.map(\.message) == [], sourceLocation: sourceLocation)
        return formatted
    }

    private func comments(_ text: String) -> [String] {
        Parser.parseKeepingComments(SourceFile(path: "c", text: text), fileID: 0).comments.map { comment in
            String(comment.text.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
        }
    }

    private func temporaryPolicies(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-fmt-\(UUID().uuidString)")
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }
}

/// Prints a parsed file without spans, one declaration per line, so two files can be compared
/// for meaning; expressions go through `StructuralPrinter`, which parenthesises every operation.
enum SyntaxTreePrinter {
    static func print(_ text: String) -> [String] {
        let (file, diagnostics) = Parser.parse(SourceFile(path: "t", text: text), fileID: 0)
        guard diagnostics.isEmpty else { return diagnostics.map { "error: \($0.message)" } }
        return file.declarations.map(print)
    }

    static func print(_ declaration: Declaration) -> String {
        switch declaration {
        case .enumeration(let e):
            return "enum \(e.name.name) ordered=\(e.ordered) includes=\(e.includes?.name ?? "-") {\(e.cases.map(\.name).joined(separator: ", "))}"
        case .record(let r):
            let fields = r.fields.map { "\($0.name.name): \(print($0.type)) = \(print($0.defaultValue)) required when \(print($0.requiredWhen))" }
            return "record \(r.name.name) {\(fields.joined(separator: "; "))}"
        case .constant(let c):
            return "const \(c.name.name): \(print(c.type)) = \(StructuralPrinter.print(c.value))"
        case .function(let f):
            let parameters = f.parameters.map { "\($0.name.name): \(print($0.type))" }.joined(separator: ", ")
            return "def \(f.name.name)(\(parameters)): \(print(f.returnType)) = \(StructuralPrinter.print(f.body))"
        case .rule(let r):
            return "rule \(r.id.name) effect=\(r.effect) unwaivable=\(r.unwaivable) cites=\(r.citations) "
                + "effective=\(r.effective?.description ?? "-") for=\(r.forEach.map { "\($0.variable.name) in \(StructuralPrinter.print($0.collection))" } ?? "-") "
                + "when=\(print(r.condition)) subject=\(print(r.subject)) message=\(StructuralPrinter.print(r.message))"
        }
    }

    static func print(_ type: TypeSyntax) -> String {
        switch type {
        case .named(let name): name.name
        case .set(let element, _): "set(\(print(element)))"
        case .list(let element, _): "list(\(print(element)))"
        case .map(let key, let value, _): "map(\(print(key)), \(print(value)))"
        case .optional(let wrapped, _): "optional(\(print(wrapped)))"
        }
    }

    static func print(_ expression: PlacetLanguage.Expression?) -> String {
        expression.map(StructuralPrinter.print) ?? "-"
    }
}

/// Rewrites a policy file with the same tokens and comments but different spacing, plus a few
/// extra comments, chosen by a seeded generator so every run tests the same variants.
struct Respacer {
    var state: UInt64

    init(seed: UInt64) {
        state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    }

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    func variant(of text: String) -> String {
        var generator = self
        let source = SourceFile(path: "v", text: text)
        var lexer = Lexer(source: source, fileID: 0)
        let tokens = lexer.tokenize()
        var comments = lexer.comments[...]
        var out = ""
        var added = 0
        // Inside a string (its text and interpolations) the spacing is part of the string.
        var stringDepth = 0
        for (index, token) in tokens.enumerated() {
            let insideString = stringDepth > 0
            if token.kind == .stringStart { stringDepth += 1 }
            if token.kind == .stringEnd { stringDepth -= 1 }
            if index > 0, insideString {
                out += source.text(of: Span(file: 0, start: tokens[index - 1].span.end, end: token.span.start))
            } else if index > 0 {
                let gap = tokens[index - 1].span.end..<token.span.start
                var gapComments: [SourceComment] = []
                while let comment = comments.first, gap.contains(comment.offset) {
                    gapComments.append(comment)
                    comments = comments.dropFirst()
                }
                if gap.isEmpty {
                    // Written together (`a.b`, `f(`, `m[`): keep together.
                } else if !gapComments.isEmpty {
                    for comment in gapComments {
                        out += (comment.isTrailing ? " " : "\n") + comment.text + "\n"
                    }
                } else {
                    switch generator.next(12) {
                    case 0: out += "\n"
                    case 1: out += "\n\n  "
                    case 2: out += "\t"
                    case 3:
                        added += 1
                        out += " # added \(added)\n"
                    case 4:
                        added += 1
                        out += "\n# own line \(added)\n"
                    default: out += " "
                    }
                }
            } else {
                for comment in comments where comment.offset < token.span.start {
                    out += comment.text + "\n"
                }
                comments = comments.drop { $0.offset < token.span.start }
            }
            out += source.text(of: token.span)
        }
        for comment in comments { out += (comment.isTrailing ? " " : "\n") + comment.text }
        return out + "\n"
    }
}
