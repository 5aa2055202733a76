// `placet lint`: each check fires on a small policy, with its code, message and location,
// and stays quiet on a close variant that can hold; the bundled pack is clean.

import Foundation
import PlacetEngine
import PlacetLanguage
import Testing

@Suite struct LintTests {
    /// One rule appended to the baseline pack; its condition is on line 5, from column 8.
    private static func rule(_ id: String = "test.case", effect: String = "block", forEach: String = "d in direct(placement)",
                             when condition: String) -> String {
        """
        rule \(id)
          effect \(effect)
          cites "Test Art. 1"
          for each \(forEach)
          when \(condition)
          message "x"
        """
    }

    /// Lints the baseline pack plus one file (which must type-check) as of 2028-01-01, when
    /// the baseline alone has nothing to say.
    private static func lint(_ text: String, asOf: String = "2028-01-01",
                             sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
        let (policy, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [], sourceLocation: sourceLocation)
        guard let policy else { return [] }
        return Linter(program: policy.program, asOf: CivilDate(iso: asOf)!).run()
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let id: String
        var severity: Diagnostic.Severity = .warning
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { name }
    }

    static let firing: [Case] = [
        Case(name: "no citation", source: "rule test.case\n  effect block\n  for each d in direct(placement)\n  when personal(d)\n  message \"x\"",
             id: "lint.missingCitation", line: 1, column: 6,
             message: "rule 'test.case' cites no legal source; add a 'cites' clause naming the article it encodes"),
        Case(name: "blank citation", source: "rule test.case\n  effect warn\n  cites \"  \"\n  message \"x\"",
             id: "lint.missingCitation", line: 1, column: 6,
             message: "rule 'test.case' cites no legal source; add a 'cites' clause naming the article it encodes"),

        Case(name: "two cases of one enum", source: rule(when: "d.dpia == completed and d.dpia == notStarted"),
             id: "lint.neverHolds", line: 5, column: 32,
             message: "the condition of rule 'test.case' can never hold: 'd.dpia == completed' contradicts 'd.dpia == notStarted'"),
        Case(name: "a case and not that case", source: rule(when: "d.classification == restricted and d.classification != restricted"),
             id: "lint.neverHolds", line: 5, column: 43,
             message: "the condition of rule 'test.case' can never hold: 'd.classification == restricted' contradicts 'd.classification != restricted'"),
        Case(name: "a boolean and its negation", source: rule(when: "d.criminalData and not d.criminalData"),
             id: "lint.neverHolds", line: 5, column: 27,
             message: "the condition of rule 'test.case' can never hold: 'd.criminalData' contradicts 'not d.criminalData'"),
        Case(name: "membership and another case", source: rule(when: "d.classification in [public, internal] and d.classification == restricted"),
             id: "lint.neverHolds", line: 5, column: 51,
             message: "the condition of rule 'test.case' can never hold: 'd.classification in [public, internal]' contradicts 'd.classification == restricted'"),
        Case(name: "no case between two bounds", source: rule(when: "d.dpia < inProgress and d.dpia > inProgress"),
             id: "lint.neverHolds", line: 5, column: 32,
             message: "the condition of rule 'test.case' can never hold: 'd.dpia < inProgress' contradicts 'd.dpia > inProgress'"),
        Case(name: "no number between two bounds", source: rule(forEach: "m in placement.model", when: "m.trainingFlops > 1e25 and m.trainingFlops < 1e24"),
             id: "lint.neverHolds", line: 5, column: 35,
             message: "the condition of rule 'test.case' can never hold: 'm.trainingFlops > 1e25' contradicts 'm.trainingFlops < 1e24'"),
        Case(name: "absent and present", source: rule(when: "d.lawfulBasis is absent and d.lawfulBasis is present"),
             id: "lint.neverHolds", line: 5, column: 36,
             message: "the condition of rule 'test.case' can never hold: 'd.lawfulBasis is absent' contradicts 'd.lawfulBasis is present'"),
        Case(name: "a false comparison of constants", source: rule(when: "personal(d) and count(EU) > 34"),
             id: "lint.neverHolds", line: 5, column: 24,
             message: "the condition of rule 'test.case' can never hold: 'count(EU) > 34' is never true"),
        Case(name: "a contradiction through a definition", source: rule(when: "personal(d) and d.anonymised"),
             id: "lint.neverHolds", line: 5, column: 24,
             message: "the condition of rule 'test.case' can never hold: 'personal(d)' contradicts 'd.anonymised'"),
        Case(name: "an absent value iterated", source: rule(forEach: "m in placement.model", when: "placement.model is absent"),
             id: "lint.neverHolds", line: 5, column: 8,
             message: "the condition of rule 'test.case' can never hold: 'for each m in placement.model' contradicts 'placement.model is absent'"),

        Case(name: "a boolean or its negation", source: rule(when: "d.criminalData or not d.criminalData"),
             id: "lint.alwaysHolds", line: 5, column: 26,
             message: "the condition of rule 'test.case' always holds: 'd.criminalData' or 'not d.criminalData' is always true"),
        Case(name: "below a case or that case", source: rule(when: "d.dpia < completed or d.dpia == completed"),
             id: "lint.alwaysHolds", line: 5, column: 30,
             message: "the condition of rule 'test.case' always holds: 'd.dpia < completed' or 'd.dpia == completed' is always true"),
        Case(name: "a number on either side of a bound", source: rule(forEach: "m in placement.model", when: "m.trainingFlops >= 1e25 or m.trainingFlops < 1e25"),
             id: "lint.alwaysHolds", line: 5, column: 35,
             message: "the condition of rule 'test.case' always holds: 'm.trainingFlops >= 1e25' or 'm.trainingFlops < 1e25' is always true"),
        Case(name: "a true comparison of constants", source: rule(when: "Country.DE in EU"),
             id: "lint.alwaysHolds", line: 5, column: 8,
             message: "the condition of rule 'test.case' always holds: 'Country.DE in EU' is always true"),
        Case(name: "a present value iterated", source: rule(forEach: "m in placement.model", when: "placement.model is present"),
             id: "lint.alwaysHolds", line: 5, column: 8,
             message: "the condition of rule 'test.case' always holds: 'placement.model is present' is always true given 'for each m in placement.model'"),

        Case(name: "unused constant", source: "const UNUSED_LIMIT: number = 3", id: "lint.unusedConstant", line: 1, column: 7,
             message: "constant 'UNUSED_LIMIT' is never used"),
        Case(name: "unused definition", source: "def unusedCheck(d: Dataset): bool = d.criminalData", id: "lint.unusedDefinition",
             line: 1, column: 5, message: "definition 'unusedCheck' is never used"),
        Case(name: "effective after the lint date",
             source: "rule test.case\n  effect block\n  cites \"Test Art. 1\"\n  effective 2029-01-01\n  when placement.stage == production\n  message \"x\"",
             id: "lint.futureEffectiveDate", severity: .note, line: 4, column: 13,
             message: "rule 'test.case' takes effect on 2029-01-01, after 2028-01-01: it is silent until then"),
        Case(name: "same condition and effect",
             source: rule(when: "personal(d) and d.criminalData") + "\n\n"
                + rule("test.copy", forEach: "x in direct(placement)", when: "personal(x) and x.criminalData"),
             id: "lint.duplicateRule", line: 8, column: 6,
             message: "rule 'test.copy' has the same condition and effect as rule 'test.case' (test.placet:1)"),
    ]

    @Test(arguments: firing)
    func reports(_ testCase: Case) {
        let diagnostics = LintTests.lint(testCase.source)
        #expect(diagnostics.count == 1, "\(diagnostics.map(\.message))")
        let diagnostic = diagnostics.first
        #expect(diagnostic?.id == testCase.id)
        #expect(diagnostic?.severity == testCase.severity)
        #expect(diagnostic?.message == testCase.message)
        #expect(diagnostic?.location?.file == "test.placet")
        #expect(diagnostic?.location?.line == testCase.line)
        #expect(diagnostic?.location?.column == testCase.column)
    }

    struct Quiet: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        var testDescription: String { name }
    }

    /// Close variants of the cases above that can hold (and can fail): no warning.
    static let quiet: [Quiet] = [
        Quiet(name: "a citation", source: "rule test.case\n  effect block\n  cites \"Test Art. 1\"\n  when placement.stage == production\n  message \"x\""),
        Quiet(name: "two cases in an or", source: rule(when: "d.dpia == completed or d.dpia == notStarted")),
        Quiet(name: "a case and not another", source: rule(when: "d.classification == restricted and d.classification != public")),
        Quiet(name: "two booleans", source: rule(when: "d.criminalData and not d.art10Authorised")),
        Quiet(name: "membership and a member", source: rule(when: "d.classification in [public, internal] and d.classification == internal")),
        Quiet(name: "a case between two bounds", source: rule(when: "d.dpia < completed and d.dpia > notStarted")),
        Quiet(name: "a number between two bounds", source: rule(forEach: "m in placement.model", when: "m.trainingFlops > 1e24 and m.trainingFlops < 1e25")),
        Quiet(name: "two optionals", source: rule(when: "d.lawfulBasis is absent and d.art9Condition is present")),
        Quiet(name: "a comparison of constants that is true", source: rule(when: "personal(d) and count(EU) == 34")),
        Quiet(name: "a definition and another field", source: rule(when: "personal(d) and d.criminalData")),
        Quiet(name: "another optional than the one iterated", source: rule(forEach: "m in placement.model", when: "placement.framework is absent")),
        Quiet(name: "a boolean or another's negation", source: rule(when: "d.criminalData or not d.art10Authorised")),
        Quiet(name: "below a case or another case", source: rule(when: "d.dpia < inProgress or d.dpia == completed")),
        Quiet(name: "a number on either side of two bounds", source: rule(forEach: "m in placement.model", when: "m.trainingFlops >= 1e25 or m.trainingFlops < 1e24")),
        // Arithmetic may give NaN, which is on neither side of a bound.
        Quiet(name: "arithmetic on either side of a bound", source: rule(forEach: "m in placement.model", when: "m.trainingFlops / 2 >= 1 or m.trainingFlops / 2 < 1")),
        Quiet(name: "a comparison with a variable", source: rule(when: "placement.target.country in EU")),
        Quiet(name: "a used constant", source: "const LIMIT: number = 3\n" + rule(when: "count(d.residency) > LIMIT")),
        Quiet(name: "a used definition", source: "def flagged(d: Dataset): bool = d.criminalData\n" + rule(when: "flagged(d)")),
        Quiet(name: "effective on the lint date",
              source: "rule test.case\n  effect block\n  cites \"Test Art. 1\"\n  effective 2028-01-01\n  when placement.stage == production\n  message \"x\""),
        Quiet(name: "same condition, another effect",
              source: rule(when: "personal(d) and d.criminalData") + "\n\n"
                + rule("test.copy", effect: "warn", forEach: "x in direct(placement)", when: "personal(x) and x.criminalData")),
    ]

    @Test(arguments: quiet)
    func staysQuiet(_ testCase: Quiet) {
        #expect(LintTests.lint(testCase.source).map(\.message) == [])
    }

    @Test func bundledPackHasNoWarningsOnlyFutureDateNotes() {
        let diagnostics = Linter(program: Fixtures.baseline.program, asOf: CivilDate(iso: "2026-11-29")!).run()
        #expect(diagnostics.filter { $0.severity != .note }.map(\.message) == [])
        #expect(diagnostics.map(\.id) == Array(repeating: "lint.futureEffectiveDate", count: 6))
        #expect(diagnostics.map(\.message) == ["rule 'aiact.prohibited-intimate-imagery' takes effect on 2026-12-02, after 2026-11-29: it is silent until then"]
            + [
                "aiact.tier-understated", "aiact.high-risk-conformity", "aiact.high-risk-registration", "aiact.high-risk-oversight",
                "aiact.fundamental-rights-assessment",
            ].map { "rule '\($0)' takes effect on 2027-12-02, after 2026-11-29: it is silent until then" })
        #expect(diagnostics.map { $0.location?.file } == Array(repeating: "rules/aiact.placet", count: 6))
    }

    @Test func severalAlternativesThatAllFailPointAtTheCondition() {
        let diagnostics = LintTests.lint(LintTests.rule(when: "1 == 2 or d.criminalData and not d.criminalData"))
        #expect(diagnostics.map(\.message) == [
            "the condition of rule 'test.case' can never hold: each of its alternatives is contradictory",
        ])
        #expect(diagnostics.first?.location?.column == 8)
    }

    // MARK: Command line

    @Test func commandExitsZeroOnTheBundledPack() throws {
        let result = try PlacetExecutable.run(["lint", "policies", "--as-of", "2026-11-29"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("""
            policies/rules/aiact.placet:30:13: note: rule 'aiact.prohibited-intimate-imagery' takes effect on 2026-12-02, after 2026-11-29: it is silent until then
             30 |   effective 2026-12-02
                |             ^~~~~~~~~~

            """))
        #expect(result.stdout.hasSuffix("0 warnings, 6 notes in 8 policy files (as of 2026-11-29)\n"))
        #expect(result.stderr == "")
    }

    @Test func commandExitsOneOnWarningsAndTwoOnErrors() throws {
        let directory = try LintTests.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: directory) }
        let extra = directory.appendingPathComponent("extra.placet")
        try "const UNUSED_LIMIT: number = 3\n".write(to: extra, atomically: true, encoding: .utf8)
        let warned = try PlacetExecutable.run(["lint", directory.path, "--as-of", "2028-01-01"])
        let digest = try #require(CompiledPolicy.compile(pack: PolicyPack(directory: directory.path)).0?.digest)
        #expect(warned.status == 1)
        #expect(warned.stdout == """
            \(directory.path)/extra.placet:1:7: warning: constant 'UNUSED_LIMIT' is never used
             1 | const UNUSED_LIMIT: number = 3
               |       ^~~~~~~~~~~~
            policies: \(directory.path)/ (\(digest))
            1 warning, 0 notes in 9 policy files (as of 2028-01-01)

            """)

        try "const BROKEN: number = MISSING\n".write(to: extra, atomically: true, encoding: .utf8)
        let failed = try PlacetExecutable.run(["lint", directory.path])
        #expect(failed.status == 2)
        #expect(failed.stdout == "")
        #expect(failed.stderr.hasPrefix("\(directory.path)/extra.placet:1:24: error: unknown identifier 'MISSING'"))
    }

    /// A copy of `policies/` in a temporary directory, to change.
    static func copyOfPolicies() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-policies-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.policiesDirectory, to: directory)
        return directory
    }
}
